"""The command-line interface: exit codes, one-line errors, and known answers on bundled data."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from fractions import Fraction as Q
from pathlib import Path

import networkx as nx
import pytest
from clitools import assert_one_line_error, run

from arrangement.cli import app as cli
from arrangement.core.io import data_dir, load_dataset

REPO = Path(__file__).resolve().parent.parent
DATA = data_dir()

# Known answers of the bundled datasets, derived by hand in data/README.md (closed forms: d = 1
# r = 2n; Cover's formula in general position; the d = 2 line formula otherwise).
# name: (N, n, D, rank, general position, r, f-vector, chi ascending)
KNOWN = {
    "line7": (7, 7, 2, 2, True, 14, [1, 14, 14], [6, -7, 1]),
    "plane_general": (8, 8, 3, 3, True, 58, [1, 56, 112, 58], [-21, 28, -8, 1]),
    "plane_degenerate": (8, 7, 3, 3, False, 34, [1, 24, 56, 34], [-10, 16, -7, 1]),
    "space3": (10, 10, 4, 4, True, 260, [1, 240, 720, 740, 260], [84, -120, 45, -10, 1]),
    "anscombe1": (11, 11, 2, 2, True, 22, [1, 22, 22], [10, -11, 1]),
    "iris20": (20, 18, 3, 3, False, 280, [1, 254, 532, 280], [-122, 139, -18, 1]),
    "counterexample": (4, 4, 3, 3, True, 14, [1, 12, 24, 14], [-3, 6, -4, 1]),
}

STATS_KEYS = {
    "n_points",
    "n_hyperplanes",
    "dimension",
    "rank",
    "general_position",
    "n_regions",
    "f_vector",
    "characteristic_polynomial",
    "graph",
    "support_bound",
    "source",
    "checks",
}


# ------------------------------------------------------------------------------ stats


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_stats_json_known_answers(capsys, name):
    path = str(DATA / f"{name}.csv")
    code, out, err = run(capsys, "stats", "--json", path)
    assert code == 0, err
    rec = json.loads(out)
    assert set(rec) == STATS_KEYS
    assert all(rec["checks"].values())
    n_points, n, dim, rank, general, r, f, chi = KNOWN[name]
    assert rec["n_points"] == n_points
    assert rec["n_hyperplanes"] == n
    assert rec["dimension"] == dim
    assert rec["rank"] == rank
    assert rec["general_position"] is general
    assert rec["n_regions"] == r
    assert rec["f_vector"] == f and rec["f_vector"][-1] == r
    assert rec["characteristic_polynomial"] == chi
    assert len(chi) == dim + 1
    g = rec["graph"]
    assert set(g) == {"n_nodes", "n_edges", "diameter", "min_degree", "max_degree"}
    assert g["n_nodes"] == r
    assert g["n_edges"] == f[dim - 1]  # one edge per wall
    assert g["diameter"] == n
    assert dim <= g["min_degree"] <= g["max_degree"] <= n or dim == 2
    assert rec["support_bound"] == {"per_sign": r - 1, "total": 2 * (r - 1)}
    assert rec["source"] == path


def test_stats_default_dataset_and_table(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code, out, err = run(capsys, "stats")
    assert code == 0, err
    assert "data/plane_degenerate.csv" in out
    lines = out.splitlines()
    assert lines[0].startswith("Exact counts")
    table = dict(line.strip().split("  ", 1) for line in lines[1:])
    table = {k.strip(): v.strip() for k, v in table.items()}
    assert table["chambers r"] == "34"
    assert table["f-vector (dim 0..D)"] == "1, 24, 56, 34"
    assert table["characteristic polynomial"] == "t^3 - 7*t^2 + 16*t - 10"
    assert table["general position"] == "no"
    code, out_json, _ = run(capsys, "stats", "--json")
    assert json.loads(out_json)["n_regions"] == 34


def test_stats_label_options(capsys, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n0,0,1\n1,0,2\n0,1,3\n")
    _, out, _ = run(capsys, "stats", "--json", str(path))
    assert json.loads(out)["dimension"] == 3
    _, out, _ = run(capsys, "stats", "--json", "--no-label", str(path))
    assert json.loads(out)["dimension"] == 4
    _, out, _ = run(capsys, "stats", "--json", "--label-column", "b", str(path))
    assert json.loads(out)["dimension"] == 3
    code, _, err = run(capsys, "stats", "--label-column", "b", "--no-label", str(path))
    assert code == 2 and "not allowed with" in err


# ------------------------------------------------------------------------------ regions


def test_regions_jsonl(capsys):
    path = DATA / "plane_degenerate.csv"
    code, out, err = run(capsys, "regions", str(path), "--format", "jsonl")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 34
    points = load_dataset(path).points
    seen = set()
    for line in lines:
        rec = json.loads(line)
        assert set(rec) == {"signs", "witness"}
        signs, witness = rec["signs"], [Q(w) for w in rec["witness"]]
        assert len(signs) == 8 and len(witness) == 3
        assert all(s in (1, -1) for s in signs)
        # each sign is checked exactly against the witness: <w, (x_i, 1)> has sign s_i
        for s, x in zip(signs, points, strict=True):
            value = sum(wj * xj for wj, xj in zip(witness, (*x, 1), strict=True))
            assert value * s > 0
        assert signs[1] == signs[6]  # rows 1 and 6 are the same point
        seen.add(tuple(signs))
    assert len(seen) == 34
    assert (-1,) * 8 in seen  # the all-inactive chamber


def test_regions_csv_to_file(capsys, tmp_path):
    out_path = tmp_path / "chambers.csv"
    code, out, err = run(
        capsys, "regions", str(DATA / "line7.csv"), "--format", "csv", "-o", str(out_path)
    )
    assert code == 0 and out == "" and err == ""
    rows = list(csv.reader(io.StringIO(out_path.read_text())))
    assert rows[0] == [f"r{i}" for i in range(7)] + ["w0", "w1"]
    assert len(rows) == 1 + 14
    assert all(len(r) == 9 for r in rows)


def test_regions_refuses_to_overwrite_input(capsys, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x1\n1\n2\n")
    before = path.read_bytes()
    code, _, err = run(capsys, "regions", str(path), "-o", str(path))
    assert code == 1
    assert_one_line_error(err, "refusing to overwrite the input file")
    assert path.read_bytes() == before


# ------------------------------------------------------------------------------ graph


@pytest.mark.parametrize("suffix", [".graphml", ".json"])
def test_graph_export(capsys, tmp_path, suffix):
    out_path = tmp_path / f"g{suffix}"
    code, _, err = run(capsys, "graph", str(DATA / "plane_degenerate.csv"), "-o", str(out_path))
    assert code == 0, err
    if suffix == ".graphml":
        g = nx.read_graphml(out_path)
        assert (g.number_of_nodes(), g.number_of_edges()) == (34, 56)
    else:
        data = json.loads(out_path.read_text())
        assert (len(data["nodes"]), len(data["edges"])) == (34, 56)


def test_graph_bad_suffix_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "graph", str(DATA / "line7.csv"), "-o", str(tmp_path / "g.txt"))
    assert code == 2
    assert "must end in .graphml or .json" in err
    assert not (tmp_path / "g.txt").exists()


# ------------------------------------------------------------------------------ errors


BAD_INPUTS = [
    ("ragged.csv", b"x1,x2,y\n1,2,3\n4,5\n", "row 3", "expected 3 cells"),
    ("nonnumeric.csv", b"x1,y\n1,2\nabc,3\n", "row 3", "not a number"),
    ("nan.csv", b"x1,y\nnan,1\n", "row 2", "not a finite number"),
    ("inf.csv", b"x1,y\n1,inf\n", "row 2", "not a finite number"),
    ("exponent.csv", b"x1,y\n1e99999,1\n", "row 2", "exponent out of range"),
    ("empty.csv", b"", None, "empty file"),
    ("header.csv", b"x1,x2,y\n", None, "header only"),
    ("label.csv", b"y\n1\n", None, "no feature column"),
    ("junk.csv", b"\x7fELF\x02\x01\x01\x00\x00\x00", "row 1", "NUL byte"),
    ("latin1.csv", b"x1\n\xe9\n", "row 2", "not UTF-8"),
    ("shape.json", b'{"rows": []}', None, "expected a list of rows"),
    ("vector.npy", None, None, "expected a 2-D array"),
]


@pytest.mark.parametrize(
    ("name", "content", "row", "fragment"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
@pytest.mark.parametrize("command", ["stats", "regions"])
def test_bad_input_gives_one_line(capsys, tmp_path, name, content, row, fragment, command):
    path = tmp_path / name
    if content is None:
        import numpy as np

        np.save(path, np.arange(3.0))
    else:
        path.write_bytes(content)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    code, out, err = run(capsys, command, str(path))
    assert code == 1
    assert out == ""
    assert_one_line_error(err, str(path), fragment, *([row] if row else []))
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "stats", str(tmp_path / "nope.csv"))
    assert code == 1
    assert_one_line_error(err, "nope.csv", "no such file")


def test_output_directory_missing(capsys, tmp_path):
    out = tmp_path / "no" / "such" / "dir.jsonl"
    code, _, err = run(capsys, "regions", str(DATA / "line7.csv"), "-o", str(out))
    assert code == 1
    assert_one_line_error(err, "No such file or directory")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["stats", "--bogus"],
        ["regions"],
        ["regions", "x.csv", "--format", "xml"],
        ["graph", "x.csv"],
    ],
)
def test_usage_errors_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err and "Traceback" not in err


def test_help_and_version(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for name in ("stats", "regions", "graph"):
        assert name in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("arrangement ")


def test_keyboard_interrupt_exits_130(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_dataset", interrupted)
    code, out, err = run(capsys, "stats", str(DATA / "line7.csv"))
    assert code == 130
    assert err == "arrangement: interrupted\n"


def test_subcommand_registry_is_extensible(capsys, monkeypatch):
    monkeypatch.setattr(cli, "SUBCOMMANDS", dict(cli.SUBCOMMANDS))

    def configure(parser):
        cli.add_dataset_arguments(parser, optional=True)

    @cli.subcommand("count", help="print N", configure=configure)
    def _count(args):
        dataset, _ = cli.load_arrangement(args)
        print(dataset.n_points)
        return 0

    code, out, _ = run(capsys, "count", str(DATA / "line7.csv"))
    assert (code, out) == (0, "7\n")
    with pytest.raises(ValueError, match="registered twice"):
        cli.subcommand("count", help="again", configure=configure)(_count)


def test_progress_is_silent_when_not_a_terminal(capsys):
    code, _, err = run(capsys, "stats", str(DATA / "space3.csv"))
    assert code == 0 and err == ""


# ------------------------------------------------------------------------------ subprocess


def _subprocess(*argv: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), CI="1")
    return subprocess.run(
        [sys.executable, "-m", "arrangement", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_subprocess_stats_json():
    proc = _subprocess("stats", "--json", "data/line7.csv")
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["n_regions"] == 14 and rec["source"] == "data/line7.csv"
    assert proc.stderr == ""


def test_subprocess_errors(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"x1,y\n1,2\n3,oops\n")
    proc = _subprocess("stats", str(bad))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert_one_line_error(proc.stderr, str(bad), "row 3", "column 'y'", "'oops'")
    proc = _subprocess("stats", "--no-such-option")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_subprocess_closed_pipe_is_quiet(tmp_path):
    # ~3500 chambers of 60 signs each: far more than a pipe buffer holds
    path = tmp_path / "many.csv"
    path.write_text("".join(f"{i},{(i * i) % 61}\n" for i in range(60)))
    env = dict(os.environ, PYTHONPATH=str(REPO), CI="1")
    producer = subprocess.Popen(
        [sys.executable, "-m", "arrangement", "regions", str(path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert producer.stdout is not None and producer.stderr is not None
    first = producer.stdout.readline()
    producer.stdout.close()  # like `| head -1`
    err = producer.stderr.read().decode()
    producer.wait(timeout=300)
    assert len(json.loads(first)["signs"]) == 60
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert producer.returncode == cli.EXIT_SIGPIPE


# ------------------------------------------------------------------------------ faces, lattice


def test_faces_stream_matches_f_vector_and_rows(capsys):
    from arrangement import Arrangement

    path = DATA / "plane_degenerate.csv"
    code, out, err = run(capsys, "faces", str(path))
    assert code == 0, err
    recs = [json.loads(line) for line in out.splitlines()]
    arr = Arrangement.from_points(load_dataset(path).points)
    counts = [0] * (arr.dimension + 1)
    for rec in recs:
        counts[rec["dimension"]] += 1
        # signs per input row, decided again from the witness
        assert tuple(rec["signs"]) == arr.signs_of(rec["witness"])
    assert tuple(counts) == arr.f_vector() == (1, 24, 56, 34)
    code, out, _ = run(capsys, "faces", str(path), "--dim", "1")
    assert code == 0 and len(out.splitlines()) == 24
    code, _, err = run(capsys, "faces", str(path), "--dim", "7")
    assert code == 1
    assert_one_line_error(err, "--dim")


def test_lattice_json_gives_mobius_and_rows(capsys):
    path = DATA / "plane_degenerate.csv"
    code, out, err = run(capsys, "lattice", str(path), "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["characteristic_polynomial"] == [-10, 16, -7, 1]
    by_rank: dict[int, list[dict]] = {}
    for flat in rec["flats"]:
        by_rank.setdefault(flat["rank"], []).append(flat)
    # rows 1 and 6 are the repeated point E(0, 1): one hyperplane, both rows on it
    assert any(flat["rows"] == [1, 6] for flat in by_rank[1])
    # the line y = 0 through A, B, C, D (rows 0, 2, 4, 7): a rank-2 flat with mu = 4 - 1
    assert {"rows": [0, 2, 4, 7], "mobius": 3}.items() <= next(
        f for f in by_rank[2] if f["rows"] == [0, 2, 4, 7]
    ).items()
    code, out, _ = run(capsys, "lattice", str(path))
    assert code == 0 and "Moebius" not in out and "characteristic polynomial" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "line7.csv", "--lam", "1e-180"],
        ["solve", "line7.csv", "--lam", "1e-180", "--json"],
        ["bound", "line7.csv", "--lam", "1e-160", "--dual", "p7.csv"],
    ],
)
def test_lam_beyond_the_float_range_gives_one_line(tmp_path, capsys, monkeypatch, argv):
    # review finding: exact values beyond the float range (p = residual / lam with a tiny lam)
    # crashed the display with a traceback
    import shutil

    shutil.copy(DATA / "line7.csv", tmp_path / "line7.csv")
    (tmp_path / "p7.csv").write_text("p\n" + "\n".join(["1"] * 7) + "\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert_one_line_error(err, "beyond the floating-point range")
