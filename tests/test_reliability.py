"""Regression tests for issue 12: nothing lost, nothing half-written, no traceback.

One section per finding of the issue; each test failed before the fix it guards. The randomised
CLI fuzz test is in ``test_reliability_fuzz.py``, the Ctrl-C tests (subprocesses) in
``test_reliability_interrupt.py``, the independent oracle in ``test_reliability_oracle.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from clitools import assert_one_line_error, run

from arrangement import Arrangement, certify
from arrangement.core.atomic import atomic_directory, atomic_open, atomic_path
from arrangement.core.errors import InputError
from arrangement.core.guard import (
    DEFAULT_MAX_INPUT_BYTES,
    check_output,
    guard_inputs,
    input_limit,
    inputs_read,
    parse_size,
    read_input,
)
from arrangement.core.io import load_dataset
from arrangement.core.numbers import (
    as_fraction,
    fraction_str,
    int_str,
    looks_numeric,
    parse_int,
    readable,
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(directory: Path) -> list[str]:
    """Temporary files of core.atomic left in ``directory`` (there must be none)."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def square(tmp_path: Path) -> Path:
    path = tmp_path / "a.csv"
    path.write_text("x1,x2\n0,0\n1,0\n0,1\n1,1\n")
    return path


# ------------------------------------------------------------------ 1. protected inputs


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_plot_refuses_to_overwrite_its_dual(capsys, tmp_path, square, suffix):
    """The finding: ``plot a.csv --dual dual.svg -o dual.svg`` overwrote the dual file."""
    dual = tmp_path / f"dual{suffix}"
    dual.write_text("1\n-1\n1\n-1\n")
    before = sha(dual)
    code, _, err = run(capsys, "plot", square, "--dual", dual, "-o", dual)
    assert code == 1
    assert_one_line_error(err, "refusing to overwrite an input")
    assert sha(dual) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_outputs_through_links_to_inputs_are_refused(capsys, tmp_path, square, link):
    dual = tmp_path / "dual.csv"
    dual.write_text("1\n-1\n1\n-1\n")
    for target, argv in [
        (dual, ["plot", square, "--dual", dual, "-o"]),
        (square, ["regions", square, "-o"]),
        (square, ["faces", square, "-o"]),
    ]:
        alias = tmp_path / f"alias-{link}{'.png' if argv[0] == 'plot' else '.out'}"
        alias.unlink(missing_ok=True)
        (alias.symlink_to if link == "symlink" else alias.hardlink_to)(target)
        before = sha(target)
        code, _, err = run(capsys, *argv, alias)
        assert code == 1, argv
        assert_one_line_error(err, "refusing to overwrite")
        assert sha(target) == before
        assert alias.exists() and sha(alias) == before
    assert leftovers(tmp_path) == []


def test_graph_refuses_a_link_to_its_data(capsys, tmp_path):
    data = tmp_path / "d.json"
    data.write_text("[[0], [1], [2]]")
    alias = tmp_path / "g.json"
    alias.hardlink_to(data)
    code, _, err = run(capsys, "graph", data, "-o", alias)
    assert code == 1
    assert_one_line_error(err, "refusing to overwrite")
    assert data.read_text() == "[[0], [1], [2]]"


def test_guard_records_reads_and_is_scoped(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("1\n")
    read_input(a)  # outside a guard: nothing is recorded, nothing refused
    assert inputs_read() == ()
    check_output(a)
    with guard_inputs(max_bytes=10):
        assert input_limit() == 10
        read_input(a)
        assert [f.name for f in inputs_read()] == [str(a)]
        with pytest.raises(InputError, match="refusing to overwrite an input"):
            check_output(a)
        with pytest.raises(InputError, match="refusing"), atomic_path(a):
            pass
        with pytest.raises(InputError, match="refusing"), atomic_directory(a):
            pass
        check_output(tmp_path / "b.csv")  # a new file is fine
    assert inputs_read() == () and input_limit() == DEFAULT_MAX_INPUT_BYTES
    assert a.read_text() == "1\n"


# ------------------------------------------------------------------ 2. atomic outputs


class Boom(Exception):
    pass


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_atomic_writers_leave_the_old_file(tmp_path, error):
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    with pytest.raises(error), atomic_open(target) as fh:
        fh.write("half")
        raise error
    assert target.read_text() == "old\n"
    with pytest.raises(error), atomic_directory(tmp_path / "shards") as d:
        (d / "part-0.parquet").write_bytes(b"x")
        raise error
    assert not (tmp_path / "shards").exists()
    assert leftovers(tmp_path) == []


def _fail_after(monkeypatch, module, name, calls: int, error: type[BaseException] = Boom):
    real = getattr(module, name)
    count = {"n": 0}

    def wrapped(*args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise error("simulated crash")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)


@pytest.mark.parametrize("command", ["regions", "faces"])
@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt])
def test_streamed_outputs_are_complete_or_absent(capsys, monkeypatch, tmp_path, command, error):
    """The finding: a crash left a well-formed prefix in the target, the old file destroyed."""
    import arrangement.cli.geometry
    import arrangement.cli.lattice

    data = tmp_path / "d.csv"
    data.write_text("x1,x2\n0,0\n1,0\n0,1\n1,1\n2,5\n")
    out = tmp_path / "out.jsonl"
    out.write_text("previous result\n")
    module = arrangement.cli.geometry if command == "regions" else arrangement.cli.lattice
    _fail_after(monkeypatch, module.json, "dumps", 3, error)
    if error is Boom:
        with pytest.raises(Boom):
            run(capsys, command, data, "-o", out)
    else:
        code, _, err = run(capsys, command, data, "-o", out)
        assert code == 130
        assert_one_line_error(err, "interrupted")
    assert out.read_text() == "previous result\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("suffix", [".json", ".graphml"])
def test_graph_output_is_complete_or_absent(capsys, monkeypatch, tmp_path, suffix):
    import networkx

    import arrangement.geometry.graph as graph

    data = tmp_path / "d.csv"
    data.write_text("x1,x2\n0,0\n1,0\n0,1\n1,1\n")
    out = tmp_path / f"g{suffix}"
    out.write_text("previous graph\n")

    def crash(*args, **kwargs):
        Path(args[1]).write_text("<graphml half")  # nx writes part of the file, then fails
        raise KeyboardInterrupt

    if suffix == ".graphml":
        monkeypatch.setattr(networkx, "write_graphml", crash)
    else:
        _fail_after(monkeypatch, graph.json, "dumps", 0, KeyboardInterrupt)
    code, _, err = run(capsys, "graph", data, "-o", out)
    assert code == 130
    assert_one_line_error(err, "interrupted")
    assert out.read_text() == "previous graph\n"
    assert leftovers(tmp_path) == []


def test_plot_output_is_complete_or_absent(capsys, monkeypatch, tmp_path, square):
    import matplotlib.figure

    out = tmp_path / "pic.png"
    out.write_bytes(b"old picture")

    def crash(self, fname, *args, **kwargs):
        Path(fname).write_bytes(b"\x89PNG half")
        raise KeyboardInterrupt

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", crash)
    code, _, err = run(capsys, "plot", square, "-o", out)
    assert code == 130
    assert out.read_bytes() == b"old picture"
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ 3. big exact numbers

BIG = (
    "x1,x2\n1e1000,1e-1000\n1e-1000,1e1000\n3e1000,-1e-1000\n-1e-1000,2e1000\n1,1e-1000\n1e1000,1\n"
)


@pytest.fixture
def big(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    path.write_text(BIG)
    return path


def test_big_numbers_through_regions_and_faces(capsys, big):
    """The finding: witnesses of more than 4300 digits raised ValueError (Python's limit)."""
    arr = Arrangement.from_points(load_dataset(big).points)
    regions = arr.regions()
    longest = max(len(fraction_str(w)) for row in regions.witnesses.tolist() for w in row)
    assert longest > 4300  # the case of the issue
    limit = sys.get_int_max_str_digits()
    for fmt in ("jsonl", "csv"):
        code, out, err = run(capsys, "regions", big, "--format", fmt)
        assert (code, err) == (0, "")
        lines = out.splitlines()
        if fmt == "jsonl":
            sys.set_int_max_str_digits(0)
            try:
                got = {
                    tuple(rec["signs"]): tuple(Fraction(w) for w in rec["witness"])
                    for rec in map(json.loads, lines)
                }
            finally:
                sys.set_int_max_str_digits(limit)
            expected = {
                tuple(int(s) for s in sv): tuple(Fraction(w) for w in wit)
                for sv, wit in zip(regions.signs.tolist(), regions.witnesses.tolist(), strict=True)
            }
            assert got == expected  # exact, every digit
        else:
            assert len(lines) == len(regions) + 1
    assert sys.get_int_max_str_digits() == limit  # the limit is lifted only inside main()
    code, out, err = run(capsys, "faces", big)
    assert code == 0 and err == "" and max(len(line) for line in out.splitlines()) > 4300


@pytest.mark.parametrize("suffix", [".json", ".graphml"])
def test_big_numbers_through_graph(capsys, tmp_path, big, suffix):
    out = tmp_path / f"g{suffix}"
    code, _, err = run(capsys, "graph", big, "-o", out)
    assert (code, err) == (0, "")
    assert len(out.read_text()) > 4300 * 10


def test_big_numbers_through_certify(capsys, tmp_path, big):
    dual = tmp_path / "p.csv"
    dual.write_text("1\n-1\n1\n-1\n1\n-1\n")
    code, out, err = run(capsys, "certify", big, "--dual", dual, "--json")
    assert (code, err) == (0, "")
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        rec = json.loads(out)
    finally:
        sys.set_int_max_str_digits(limit)
    arr = Arrangement.from_points(load_dataset(big).points)
    exact = certify(arr, [1, -1, 1, -1, 1, -1]).sup_norm_squared
    assert Fraction(rec["sup_norm_squared"]) == exact and len(fraction_str(exact)) > 4300
    # The table shortens what no one can read, with its size; --json has every digit.
    code, out, err = run(capsys, "certify", big, "--dual", dual)
    assert (code, err) == (0, "")
    assert max(len(line) for line in out.splitlines()) < 400
    assert f"sup |eta|^2 = {readable(exact, limit=60)}" in out
    assert "digits]" in out


def test_numbers_of_any_size_parse_and_print():
    n = 7 * 10**5000 + 1
    assert parse_int(int_str(n)) == n
    ones = (10**5000 - 1) // 9  # 5000 ones: more digits than Python's default limit
    assert as_fraction("1" * 5000) == ones
    threes, sevens = (10**6000 - 1) // 3, 7 * (10**4500 - 1) // 9
    assert as_fraction(f"{'3' * 6000}/{'7' * 4500}") == Fraction(threes, sevens)
    assert fraction_str(Fraction(1, 10**5000)) == "1/1" + "0" * 5000
    assert readable(Fraction(-(10**5000) // 3)) == "-3.333e+4999 [exact: 5000 digits]"
    assert readable(Fraction(1, 3 * 10**400)) == "3.333e-401 [exact: 1/401 digits]"
    assert readable(Fraction(999996, 10**6), limit=3) == "1.000e+0"  # rounding carries


def test_big_integers_in_json_data(capsys, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(f'{{"points": [[{"7" * 5000}], [0], [-1]], "labels": [1, {"3" * 4400}, 2]}}')
    ds = load_dataset(path)
    assert ds.points[0][0] == 7 * (10**5000 - 1) // 9  # was "invalid JSON: Exceeds the limit"
    assert ds.labels is not None and ds.labels[1] == (10**4400 - 1) // 3
    code, _, err = run(capsys, "stats", path)
    assert (code, err) == (0, "")


# ------------------------------------------------------------------ 5. reader limits


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("suffix", [".csv", ".npy", ".json"])
def test_links_to_devices_are_refused(capsys, tmp_path, device, suffix):
    """The finding: a .csv linked to /dev/zero was read without bound."""
    link = tmp_path / f"data{suffix}"
    link.symlink_to(device)
    code, _, err = run(capsys, "stats", link)
    assert code == 1
    assert_one_line_error(err, str(link), "not a regular file")


def test_pipes_and_directories_are_refused(capsys, tmp_path, square):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "stats", fifo)  # must not wait for a writer
    assert code == 1
    assert_one_line_error(err, "not a regular file")
    (tmp_path / "dir.csv").mkdir()
    code, _, err = run(capsys, "certify", square, "--dual", tmp_path / "dir.csv")
    assert code == 1
    assert_one_line_error(err, "is a directory")


def test_byte_budget_and_its_option(capsys, tmp_path, square):
    size = square.stat().st_size
    code, _, err = run(capsys, "stats", square, "--max-input-bytes", str(size - 1))
    assert code == 1
    assert_one_line_error(err, str(square), "input limit", "--max-input-bytes")
    code, _, err = run(capsys, "stats", square, "--max-input-bytes", str(size))
    assert (code, err) == (0, "")
    # Every input counts, not only the data file.
    dual = tmp_path / "p.csv"
    dual.write_text("1\n" * 4 + "# padding\n" * 100)
    code, _, err = run(capsys, "certify", square, "--dual", dual, "--max-input-bytes", "500")
    assert code == 1
    assert_one_line_error(err, str(dual), "input limit")
    npy = tmp_path / "a.npy"
    np.save(npy, np.arange(1000, dtype=np.int64).reshape(500, 2))
    code, _, err = run(capsys, "stats", npy, "--max-input-bytes", "1K")
    assert code == 1
    assert_one_line_error(err, "input limit of 1024 bytes")
    code, _, err = run(capsys, "stats", square, "--max-input-bytes", "lots")
    assert code == 2 and "not a positive byte count" in err


def test_parse_size():
    assert parse_size("64M") == DEFAULT_MAX_INPUT_BYTES
    assert parse_size(" 3 kib ") == 3072
    for bad in ("0", "-1", "1.5G", "١٢", "12 parsecs"):
        with pytest.raises(InputError, match="not a positive byte count"):
            parse_size(bad)


# ------------------------------------------------------------------ 7. API edge cases


def test_index_of_validates_its_argument():
    regions = Arrangement.from_points([[0, 0], [1, 0], [0, 1]]).regions()
    assert regions.index_of(np.array([1, 1, 1], dtype=np.int8)) >= 0
    for bad, message in [
        ([1, 1], "2 entries, expected one per input row"),  # was broadcast, returned 0
        ([1, 1, 1, 1], "4 entries"),
        ([1, 2, 1], r"signs\[1\] must be \+1 or -1, got 2"),
        ("+++", "sequence of \\+1/-1, got str"),
    ]:
        with pytest.raises(InputError, match=message):
            regions.index_of(bad)
    one = Arrangement.from_points([[3]]).regions()
    with pytest.raises(InputError, match="must be \\+1 or -1, got 257"):  # was OverflowError
        one.index_of([257])
    with pytest.raises(InputError, match="1 entries, expected one per input row \\(3\\)"):
        regions.index_of([257])


def test_certify_refuses_a_string():
    arr = Arrangement.from_points([[0], [1]])
    with pytest.raises(InputError, match="dual vector must be a sequence of numbers, not a str"):
        certify(arr, "12")  # was read as p = (1, 2)
    with pytest.raises(InputError, match="not a ndarray of shape \\(2, 1\\)"):
        certify(arr, np.ones((2, 1)))
    assert certify(arr, ["1/2", Fraction(-1, 2)]).dual == (Fraction(1, 2), Fraction(-1, 2))


@pytest.mark.parametrize("dim", [1.5, True, "2", 2.0])
def test_from_points_dim_must_be_an_integer(dim):
    with pytest.raises(InputError, match="dim must be an integer"):
        Arrangement.from_points([], dim=dim)  # 1.5 was truncated to 1
    assert Arrangement.from_points([], dim=np.int64(2)).dimension == 3


# ------------------------------------------------------------------ 8. digits and messages

UNICODE_DIGITS = ["١٢", "１２", "٣/٤", "1٢", "²", "𝟙"]


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_only_ascii_digits_are_digits(text):
    """The finding: "١٢" and "１２" were read as 12 (Python's int() accepts any Unicode digit)."""
    assert looks_numeric(text)  # so a CSV cell like this is a bad number, not a column name
    with pytest.raises(InputError, match="digits must be ASCII 0-9"):
        as_fraction(text)


def test_unicode_digits_in_files(capsys, tmp_path):
    csv_file = tmp_path / "u.csv"
    csv_file.write_text("x1,y\n1,2\n١٢,3\n", encoding="utf-8")
    code, _, err = run(capsys, "stats", csv_file)
    assert code == 1
    assert_one_line_error(err, "row 3", "digits must be ASCII")
    csv_file.write_text("١٢,３\n1,2\n", encoding="utf-8")  # not a header either
    code, _, err = run(capsys, "stats", csv_file)
    assert code == 1
    assert_one_line_error(err, "row 1", "digits must be ASCII")
    json_file = tmp_path / "u.json"
    json_file.write_text('[["١٢"], [1]]', encoding="utf-8")
    code, _, err = run(capsys, "stats", json_file)
    assert code == 1
    assert_one_line_error(err, "digits must be ASCII")


def test_long_numbers_in_messages_are_short(capsys, tmp_path):
    """The finding: ``solve --lam 1e-400`` printed a 462-character line."""
    data = tmp_path / "s.csv"
    data.write_text("x,y\n1,2\n2,3\n3,5\n")
    code, _, err = run(capsys, "solve", data, "--lam", "1e-400")
    assert code == 1
    assert_one_line_error(err, "lam = 1.000e-400 [exact: 1/401 digits]")
    assert len(err) < 120
    code, _, err = run(capsys, "solve", data, "--lam", "-" + "9" * 500)
    assert code == 1
    assert_one_line_error(err, "--lam must be positive, got -1.000e+500 [exact: 500 digits]")
    bad = tmp_path / "bad.csv"
    bad.write_text("x1\n" + "1" * 3000 + "x\n")
    code, _, err = run(capsys, "stats", bad)
    assert code == 1
    assert_one_line_error(err, "(3001 characters)")
    assert len(err) < 200
