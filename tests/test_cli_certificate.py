"""The commands ``certify``, ``precertify`` and ``bound``: known answers and every bad input.

Every expected number is derived by hand in the comments (or in data/README.md for the
counterexample). Bad inputs must give exit status 1 (usage errors 2), exactly one line on
standard error naming the file and, where it applies, the row, no traceback, and leave every
input file byte for byte as it was.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from fractions import Fraction as Q
from pathlib import Path

import numpy as np
import pytest
from clitools import assert_one_line_error, run, snapshot

from arrangement import Arrangement, certify
from arrangement.cli.app import main
from arrangement.core.io import data_dir, load_dataset

REPO = Path(__file__).resolve().parent.parent
DATA = data_dir()
COUNTER = DATA / "counterexample.csv"
COUNTER_DUAL = DATA / "counterexample_dual.csv"

# theta+ and theta- of THEORY 4.3 (data/README.md): opposite signs, same pattern (+, +, -, -).
THETA_PLUS = [-1295, -420, -144]
THETA_MINUS = [1295, -420, -144]

# Two points 0 and 1 on the line (d = 1, D = 2): xt_0 = (0, 1), xt_1 = (1, 1). Two distinct lines
# through the origin of R^2, so r = 4 chambers, with active rows {0, 1}, {0}, {1} and {}.
TWO = b"x\n0\n1\n"
# Three non-collinear points in the plane (d = 2, D = 3): three generic planes in R^3.
TRIANGLE = b"x1,x2\n0,0\n1,0\n0,1\n"

BOUND_NAMES = {"per_sign", "total", "faces", "d1", "existence"}
BOUND_FIELDS = {"value", "bounds", "hypothesis", "holds", "scope"}


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert err == ""
    return json.loads(out)


@pytest.fixture
def two(tmp_path: Path) -> Path:
    path = tmp_path / "two.csv"
    path.write_bytes(TWO)
    return path


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


# ------------------------------------------------------------------------------ certify


def test_certify_counterexample_json(capsys):
    before = snapshot(COUNTER, COUNTER_DUAL)
    rec = run_json(capsys, "certify", COUNTER, "--dual", COUNTER_DUAL)
    assert rec["sup_norm_squared"] == "1"
    assert rec["valid"] is True
    ext = rec["extremes"]
    assert len(ext) == 2
    assert [(e["sign"], e["direction"]) for e in ext] == [(1, THETA_PLUS), (-1, THETA_MINUS)]
    # the same dual region: rows 0 and 1 active, rows 2 and 3 inactive
    assert all(e["pattern"] == [0, 1] for e in ext)
    assert all(e["interior"] is False for e in ext)
    # each lies on the hyperplane of one of the two inactive rows
    assert [e["zero_set"] for e in ext] == [[2], [3]]
    for e in ext:
        assert set(e) >= {"sign", "direction", "pattern", "interior", "zero_set"}
    assert rec["maximisers"] == ext
    assert rec["n_chambers"] == 14
    assert 1 <= rec["n_exact_chambers"] <= 14
    assert rec["unique"] is True
    bounds = rec["support_bound"]
    assert bounds["per_sign"]["value"] == 13 and bounds["total"]["value"] == 26
    assert bounds["certificate"]["value"] == 2 and bounds["certificate"]["holds"] is True
    assert bounds["d1"]["holds"] is False  # d = 2
    assert snapshot(COUNTER, COUNTER_DUAL) == before


def test_certify_counterexample_human(capsys):
    code, out, err = run(capsys, "certify", COUNTER, "--dual", COUNTER_DUAL)
    assert code == 0 and err == ""
    assert "VALID" in out and "INVALID" not in out
    assert "sup |eta|^2 = 1 " in out
    assert str(THETA_PLUS) in out and str(THETA_MINUS) in out
    assert "extreme points (|eta| = 1): 2" in out


def test_certify_invalid_dual(capsys, tmp_path):
    # 2p: eta doubles, so sup |eta|^2 = 4 at the same two points
    doubled = write(tmp_path, "p2.csv", b"p\n148/35\n-148/35\n-148/175\n148/175\n")
    rec = run_json(capsys, "certify", COUNTER, "--dual", doubled)
    assert rec["sup_norm_squared"] == "4"
    assert rec["valid"] is False
    assert rec["extremes"] == []  # {eta = +-1} is not finite for an invalid certificate
    assert [(m["sign"], m["direction"]) for m in rec["maximisers"]] == [
        (1, THETA_PLUS),
        (-1, THETA_MINUS),
    ]
    assert rec["unique"] is None
    assert "certificate" not in rec["support_bound"]
    code, out, _ = run(capsys, "certify", COUNTER, "--dual", doubled)
    assert code == 0 and "INVALID" in out


def test_certify_scaled_to_be_valid(capsys, tmp_path, two):
    # p = (1, 3) on {0, 1}: on the chamber where both rows are active eta = <v, theta> with
    # v = 1 (0, 1) + 3 (1, 1) = (3, 4), inside that chamber, so max eta = |v| = 5. The other
    # chambers give less (e.g. row 1 alone: the projection of (3, 3) on its cone is (3, 0)).
    p = write(tmp_path, "p.csv", b"p\n1\n3\n")
    rec = run_json(capsys, "certify", two, "--dual", p)
    assert (rec["sup_norm_squared"], rec["valid"]) == ("25", False)
    assert [(m["sign"], m["direction"]) for m in rec["maximisers"]] == [(1, [3, 4])]
    # p / 5: sup |eta|^2 = 25 / 25 = 1, reached once, inside the chamber {0, 1}
    scaled = write(tmp_path, "p5.csv", b"p\n1/5\n0.6\n")
    rec = run_json(capsys, "certify", two, "--dual", scaled)
    assert (rec["sup_norm_squared"], rec["valid"]) == ("1", True)
    (e,) = rec["extremes"]
    assert (e["sign"], e["direction"], e["pattern"], e["interior"], e["zero_set"]) == (
        1,
        [3, 4],
        [0, 1],
        True,
        [],
    )
    assert rec["unique"] is True
    assert rec["support_bound"]["certificate"]["value"] == 1
    # p / 10: sup |eta|^2 = 1/4, valid, and no extreme point at all
    tenth = write(tmp_path, "p10.csv", b"p\n1/10\n3/10\n")
    rec = run_json(capsys, "certify", two, "--dual", tenth)
    assert (rec["sup_norm_squared"], rec["valid"], rec["extremes"]) == ("1/4", True, [])
    code, out, _ = run(capsys, "certify", two, "--dual", tenth)
    assert code == 0 and "VALID" in out and "no extreme point" in out


def test_certify_counterexample_halved_is_valid_without_extremes(capsys, tmp_path):
    half = write(tmp_path, "half.csv", b"p\n37/35\n-37/35\n-37/175\n37/175\n")
    rec = run_json(capsys, "certify", COUNTER, "--dual", half)
    assert (rec["sup_norm_squared"], rec["valid"], rec["extremes"]) == ("1/4", True, [])
    assert len(rec["maximisers"]) == 2


def test_certify_invalid_human_output_shows_the_real_value(capsys, tmp_path, two):
    # BUG: for p = (1, 3) the worst point has eta = +5, but the table says "eta = +1".
    p = write(tmp_path, "p.csv", b"p\n1\n3\n")
    code, out, _ = run(capsys, "certify", two, "--dual", p)
    assert code == 0 and "INVALID" in out
    worst = [line for line in out.splitlines() if "[3, 4]" in line]
    assert worst, out
    assert "eta = +1 " not in worst[0], worst[0]


def test_certify_label_column_is_not_a_row(capsys, tmp_path):
    data = write(tmp_path, "d.csv", b"x,y\n0,5\n1,7\n")
    p = write(tmp_path, "p.csv", b"1/5\n3/5\n")  # no header: both lines are entries
    rec = run_json(capsys, "certify", data, "--dual", p)
    assert rec["sup_norm_squared"] == "1"
    code, _, err = run(capsys, "certify", data, "--no-label", "--dual", p)
    assert code == 0, err  # D = 3 now, still one entry per row


# ------------------------------------------------------------------------------ precertify


@pytest.mark.parametrize(
    ("atom", "dual", "direction", "sign"),
    [
        # theta = (3/5, 4/5): both rows active, so p0 (0, 1) + p1 (1, 1) = (3/5, 4/5):
        # p1 = 3/5, p0 = 4/5 - 3/5 = 1/5.
        (b"1,3/5,4/5\n", ["1/5", "3/5"], [3, 4], 1),
        # the same with sign -1: p_V changes sign.
        (b"-1,0.6,0.8\n", ["-1/5", "-3/5"], [3, 4], -1),
        # theta = (4/5, 3/5): p1 = 4/5, p0 = 3/5 - 4/5 = -1/5; a header line is allowed.
        (b"sign,t1,t2\n1,4/5,3/5\n", ["-1/5", "4/5"], [4, 3], 1),
    ],
)
def test_precertify_by_hand(capsys, tmp_path, two, atom, dual, direction, sign):
    atoms = write(tmp_path, "atoms.csv", atom)
    before = snapshot(two, atoms)
    rec = run_json(capsys, "precertify", two, "--atoms", atoms)
    assert rec["dual"] == dual
    assert rec["sup_norm_squared"] == "1"
    assert rec["valid"] is True and rec["nondegenerate"] is True
    (e,) = rec["extremes"]
    assert (e["sign"], e["direction"], e["pattern"], e["interior"]) == (
        sign,
        direction,
        [0, 1],
        True,
    )
    assert snapshot(two, atoms) == before
    # the pre-certificate round-trips through certify
    p = write(tmp_path, "p.csv", ("\n".join(dual) + "\n").encode())
    cert = run_json(capsys, "certify", two, "--dual", p)
    assert cert["sup_norm_squared"] == "1" and cert["extremes"] == rec["extremes"]


def test_precertify_human(capsys, tmp_path, two):
    atoms = write(tmp_path, "atoms.csv", b"1,3/5,4/5\n")
    code, out, err = run(capsys, "precertify", two, "--atoms", atoms)
    assert code == 0 and err == ""
    assert "p_V = (1/5, 3/5)" in out
    assert "non-degenerate source condition: holds" in out


def test_precertify_dual_is_exact(capsys, tmp_path, two):
    atoms = write(tmp_path, "atoms.csv", b"1,3/5,4/5\n")
    rec = run_json(capsys, "precertify", two, "--atoms", atoms)
    p = [Q(x) for x in rec["dual"]]
    # X^T D p = theta with both rows active
    assert (p[1], p[0] + p[1]) == (Q(3, 5), Q(4, 5))


# ------------------------------------------------------------------------------ bound


# name: (r, d = 1?, faces bound when derived by hand)
BOUND_KNOWN = {
    # d = 1: every face but the 4 of the closed all-inactive arc (origin, 2 rays, the arc)
    # has a positive row: (1 + 2n + 2n) - 4 = 4n - 3.
    "line7": (14, True, 25),
    "anscombe1": (22, True, 41),
    "plane_degenerate": (34, False, None),
    "counterexample": (14, False, None),
    "plane_general": (58, False, None),
}


@pytest.mark.parametrize("name", sorted(BOUND_KNOWN))
def test_bound_json_bundled(capsys, name):
    path = DATA / f"{name}.csv"
    rec = run_json(capsys, "bound", path)
    keys = {"n_chambers", "general_position", "cover_count", "bounds", "tightest", "source"}
    dataset = load_dataset(path)
    if dataset.labels is not None:  # lam_max = sup |eta_y|: its square decided exactly
        keys |= {"lam_max", "lam_max_squared"}
        arr = Arrangement.from_points(dataset.points)
        exact = certify(arr, dataset.labels).sup_norm_squared
        assert Q(rec["lam_max_squared"]) == exact
        assert rec["lam_max"] == pytest.approx(math.sqrt(exact), rel=1e-12)
    assert set(rec) == keys
    r, d1, faces = BOUND_KNOWN[name]
    assert rec["n_chambers"] == r
    assert rec["source"] == str(path)
    bounds = rec["bounds"]
    assert set(bounds) == BOUND_NAMES
    assert all(set(b) == BOUND_FIELDS for b in bounds.values())
    assert all(isinstance(b["hypothesis"], str) and b["hypothesis"] for b in bounds.values())
    assert bounds["per_sign"]["value"] == r - 1
    assert bounds["total"]["value"] == 2 * (r - 1)
    assert bounds["per_sign"]["holds"] and bounds["total"]["holds"] and bounds["faces"]["holds"]
    assert bounds["d1"]["holds"] is d1
    if d1:
        assert bounds["d1"]["value"] == r - 1
    if faces is not None:
        assert bounds["faces"]["value"] == faces
    if rec["general_position"]:
        assert rec["cover_count"] == r
    # Some minimiser has at most n atoms (n distinct points): the existence bound.
    n_distinct = len({line for line in path.read_text().splitlines()[1:] if line.strip()})
    assert bounds["existence"]["scope"] == "some" and bounds["existence"]["holds"]
    assert bounds["existence"]["value"] <= n_distinct
    assert all(b["scope"] == "every" for k, b in bounds.items() if k != "existence")
    every = [b for b in bounds.values() if b["holds"] and b["scope"] == "every"]
    best = rec["tightest"]["every"]
    factor = 2 if best == "per_sign" else 1
    assert bounds[best]["value"] * factor == min(
        b["value"] * (2 if "each" in b["bounds"] else 1) for b in every
    )
    assert rec["tightest"]["some"] == "existence"


def test_bound_tiny_cases_by_hand(capsys, tmp_path, two):
    # {0, 1} on the line: 4 chambers; faces: origin (no positive row), rays (1, 0) (row 1 > 0),
    # (-1, 0) (all <= 0), (-1, 1) (row 0 > 0), (1, -1) (all <= 0), and 3 chambers besides the
    # all-inactive one: 2 + 3 = 5.
    rec = run_json(capsys, "bound", two)
    values = {k: (b["value"], b["holds"]) for k, b in rec["bounds"].items()}
    assert values == {
        "per_sign": (3, True),
        "total": (6, True),
        "faces": (5, True),
        "d1": (3, True),
        "existence": (2, True),  # two distinct points: some minimiser has at most 2 atoms
    }
    assert rec["tightest"] == {"every": "d1", "some": "existence"}
    assert (rec["n_chambers"], rec["cover_count"]) == (4, 4)
    # Three generic planes in R^3: 6 rays, 12 walls, 8 chambers, plus the origin. The closed
    # all-inactive cone {<theta, xt_i> <= 0} is simplicial with 2^3 = 8 faces (origin
    # included), the only faces without a positive row: 27 - 8 = 19.
    tri = write(tmp_path, "tri.csv", TRIANGLE)
    rec = run_json(capsys, "bound", tri)
    values = {k: (b["value"], b["holds"]) for k, b in rec["bounds"].items()}
    assert values == {
        "per_sign": (7, True),
        "total": (14, True),
        "faces": (19, True),
        "d1": (7, False),  # only for d = 1
        "existence": (3, True),
    }
    assert rec["tightest"] == {"every": "total", "some": "existence"}  # 14 = 2 * 7: total wins
    assert (rec["n_chambers"], rec["cover_count"], rec["general_position"]) == (8, 8, True)


def test_bound_human(capsys):
    code, out, err = run(capsys, "bound", DATA / "counterexample.csv")
    assert code == 0 and err == ""
    assert "14 chambers" in out
    assert "<= 13   [applies]" in out and "<= 26   [applies]" in out
    d1 = [line for line in out.splitlines() if line.strip().startswith("d1")]
    assert d1 and "[does not apply]" in d1[0]
    marked = [line.split()[0] for line in out.splitlines() if "<- tightest" in line]
    assert marked == ["total", "existence"]


# ------------------------------------------------------------------------------ bad inputs

# (file name, content, row fragment or None, message fragment); the data file is TWO (N = 2).
BAD_DUALS = [
    ("too_long.csv", b"p\n1\n2\n3\n", None, "3 entries, expected 2"),
    ("too_short.csv", b"p\n1\n", None, "1 entries, expected 2"),
    ("header_only.csv", b"p\n", None, "0 entries, expected 2"),
    ("nonnumeric.csv", b"p\n1\nabc\n", "row 3", "not a number"),
    ("nan.csv", b"p\nnan\n1\n", "row 2", "not a finite number"),
    ("nan_first.csv", b"nan\n1\n", "row 1", "not a finite number"),
    ("inf.csv", b"p\n1\ninf\n", "row 3", "not a finite number"),
    ("minus_inf.csv", b"1\n-inf\n", "row 2", "not a finite number"),
    ("exponent.csv", b"p\n1e99999\n1\n", "row 2", "exponent"),
    ("two_cells.csv", b"p\n1,2\n3\n", "row 2", "single column"),
    ("two_columns.csv", b"p,q\n1,2\n3,4\n", "row 1", "single column"),
    ("empty.csv", b"", None, "empty file"),
    ("blank.csv", b"\n\n", None, "empty file"),
    ("binary.csv", b"\x7fELF\x02\x00\x00", "row 1", "NUL byte"),
]


@pytest.mark.parametrize(
    ("name", "content", "row", "fragment"), BAD_DUALS, ids=[b[0] for b in BAD_DUALS]
)
@pytest.mark.parametrize("json_flag", [False, True], ids=["text", "json"])
def test_certify_bad_dual(capsys, tmp_path, two, name, content, row, fragment, json_flag):
    dual = write(tmp_path, name, content)
    before = snapshot(two, dual)
    code, out, err = run(capsys, "certify", two, "--dual", dual, *(["--json"] if json_flag else []))
    assert code == 1
    assert out == ""
    assert_one_line_error(err, str(dual), fragment, *([row] if row else []))
    assert snapshot(two, dual) == before


BAD_ATOMS = [
    ("not_unit.csv", b"1,1,1\n", "row 1", "not an exact unit vector"),
    ("not_unit_header.csv", b"s,a,b\n1,3/5,4/5\n1,3/5,3/5\n", "row 3", "|theta|^2 = 18/25"),
    ("float_not_unit.csv", b"1,0.6,0.81\n", "row 1", "not an exact unit vector"),
    ("sign_2.csv", b"2,3/5,4/5\n", "row 1", "must be 1 or -1"),
    ("sign_0.csv", b"0,3/5,4/5\n", "row 1", "must be 1 or -1"),
    ("sign_half.csv", b"1/2,3/5,4/5\n", "row 1", "must be 1 or -1"),
    ("too_narrow.csv", b"1,1\n", "row 1", "a sign and 2 coordinates"),
    ("too_wide.csv", b"1,3/5,4/5,0\n", "row 1", "a sign and 2 coordinates"),
    ("ragged.csv", b"1,3/5,4/5\n-1,1\n", "row 2", "expected 3 cells"),
    # theta = (1, 0): <theta, (0, 1)> = 0, the hyperplane of input row 0
    ("on_hyperplane.csv", b"1,1,0\n", "row 1", "hyperplane of input row(s) [0]"),
    # (3/5, 4/5) and (4/5, 3/5) both have rows 0 and 1 active
    ("same_chamber.csv", b"1,3/5,4/5\n-1,4/5,3/5\n", "row 2", "same chamber"),
    ("nonnumeric.csv", b"s,a,b\n1,abc,1\n", "row 2", "not a number"),
    ("nan.csv", b"s,a,b\n1,nan,1\n", "row 2", "not a finite number"),
    ("inf.csv", b"1,3/5,inf\n", "row 1", "not a finite number"),
    ("empty.csv", b"", None, "empty file"),
    ("header_only.csv", b"sign,t1,t2\n", None, "header only"),
    # theta = (-3/5, -4/5) is in the all-inactive chamber: 0 = theta has no solution
    ("inactive_chamber.csv", b"1,-3/5,-4/5\n", None, "inconsistent"),
    # theta = (4/5, -3/5) has only row 1 active: p1 (1, 1) = (4/5, -3/5) has no solution
    ("inconsistent.csv", b"1,4/5,-3/5\n", None, "inconsistent"),
]


@pytest.mark.parametrize(
    ("name", "content", "row", "fragment"), BAD_ATOMS, ids=[b[0] for b in BAD_ATOMS]
)
def test_precertify_bad_atoms(capsys, tmp_path, two, name, content, row, fragment):
    atoms = write(tmp_path, name, content)
    before = snapshot(two, atoms)
    code, out, err = run(capsys, "precertify", two, "--atoms", atoms, "--json")
    assert code == 1
    assert out == ""
    assert_one_line_error(err, str(atoms), fragment, *([row] if row else []))
    assert snapshot(two, atoms) == before


def test_precertify_bad_atom_rows_in_json_and_npy_are_one_based(capsys, tmp_path, two):
    # The reader numbers the rows of a JSON list and of a .npy array from 1 (arrangement.core.io);
    # the second atom is the bad one in both files.
    js = write(tmp_path, "atoms.json", b'[[1, "3/5", "4/5"], [1, 1, 1]]')
    code, _, err = run(capsys, "precertify", two, "--atoms", js)
    assert code == 1
    assert_one_line_error(err, str(js), "row 2", "not an exact unit vector")
    npy = tmp_path / "atoms.npy"
    np.save(npy, np.array([[1.0, 0.6, 0.8], [2.0, 0.6, 0.8]]))
    code, _, err = run(capsys, "precertify", two, "--atoms", npy)
    assert code == 1
    assert_one_line_error(err, str(npy), "row 2", "must be 1 or -1")


def test_missing_files(capsys, tmp_path, two):
    gone = tmp_path / "gone.csv"
    p = write(tmp_path, "p.csv", b"1/5\n3/5\n")
    for argv in (
        ["certify", two, "--dual", gone],
        ["certify", gone, "--dual", p],
        ["precertify", two, "--atoms", gone],
        ["precertify", gone, "--atoms", p],
        ["bound", gone],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 1, argv
        assert out == ""
        assert_one_line_error(err, str(gone), "no such file")
    assert not gone.exists()


def test_bad_dataset_is_named(capsys, tmp_path):
    data = write(tmp_path, "d.csv", b"x,y\n0,1\nzero,2\n")
    p = write(tmp_path, "p.csv", b"1\n2\n")
    before = snapshot(data, p)
    for argv in (
        ["certify", data, "--dual", p],
        ["precertify", data, "--atoms", p],
        ["bound", data],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 1 and out == ""
        assert_one_line_error(err, str(data), "row 3", "not a number")
    assert snapshot(data, p) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["certify", "data/counterexample.csv"],
        ["certify", "--dual", "data/counterexample_dual.csv"],
        ["certify", "data/counterexample.csv", "--dual"],
        ["precertify", "data/counterexample.csv"],
        ["bound"],
        ["bound", "data/line7.csv", "--dual", "p.csv"],
        ["certify", "x.csv", "--dual", "p.csv", "--no-label", "--label-column", "y"],
    ],
)
def test_usage_errors_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "usage:" in err and "Traceback" not in err


# ------------------------------------------------------------------------------ subprocess


def _subprocess(*argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), CI="1")
    return subprocess.run(
        [sys.executable, "-m", "arrangement", *argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_subprocess_certify_counterexample(tmp_path):
    before = snapshot(COUNTER, COUNTER_DUAL)
    proc = _subprocess(
        "certify", "data/counterexample.csv", "--dual", "data/counterexample_dual.csv", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    rec = json.loads(proc.stdout)
    assert rec["sup_norm_squared"] == "1" and rec["valid"] is True
    assert [(e["sign"], e["direction"], e["pattern"]) for e in rec["extremes"]] == [
        (1, THETA_PLUS, [0, 1]),
        (-1, THETA_MINUS, [0, 1]),
    ]
    bad = write(tmp_path, "bad.csv", b"p\n1\n2\n")
    proc = _subprocess("certify", "data/counterexample.csv", "--dual", str(bad))
    assert proc.returncode == 1 and proc.stdout == ""
    assert_one_line_error(proc.stderr, str(bad), "2 entries, expected 4")
    assert snapshot(COUNTER, COUNTER_DUAL) == before


def test_certify_with_lam_gives_exact_amplitudes(tmp_path, capsys) -> None:
    # One atom of mass 1 at theta = (3/5, 4/5) on the points 0 and 1, lam = 1/10 and the
    # optimal dual p = (1/5, 3/5): y = K mu + lam p = (4/5, 7/5) + (1/50, 3/50).
    data = tmp_path / "two.csv"
    data.write_text("x,y\n0,41/50\n1,73/50\n")
    dual = tmp_path / "p.csv"
    dual.write_text("1/5\n3/5\n")
    code = main(["certify", str(data), "--dual", str(dual), "--lam", "1/10", "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert code == 0
    assert rec["unique"] is True and rec["uniqueness"]["consistent"] is True
    [amp] = rec["uniqueness"]["amplitudes"]
    assert amp["direction"] == [3, 4] and amp["amplitude_squared"] == "1"
    assert rec["nondegeneracy"]["nondegenerate"] is True


def test_certify_lam_needs_labels_and_positive(tmp_path, capsys) -> None:
    dual = DATA / "counterexample_dual.csv"
    code = main(["certify", str(DATA / "counterexample.csv"), "--dual", str(dual), "--lam", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "labels" in err and len(err.strip().splitlines()) == 1
    code = main(["certify", str(DATA / "line7.csv"), "--dual", str(dual), "--lam=-1"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("scale", ["1e200", "1e-200"])
def test_beyond_float_range_stays_exact(tmp_path, capsys, scale) -> None:
    """Floats only propose: data beyond the float range take the exact path, no traceback."""
    data = tmp_path / "huge.csv"
    data.write_text(f"a,b\n{scale},1\n2*{scale},1\n1,{scale}\n0,0\n".replace(f"2*{scale}", "3"))
    dual = tmp_path / "p.csv"
    dual.write_text("1\n1\n1\n1\n")
    code, out, err = run(capsys, "certify", data, "--dual", dual, "--json")
    assert code == 0 and err == ""
    rec = json.loads(out)
    assert rec["valid"] is False and Q(rec["sup_norm_squared"]) > 1
    huge = tmp_path / "q.csv"
    huge.write_text("1e400\n-1e400\n1\n1\n")
    code, out, err = run(capsys, "certify", DATA / "counterexample.csv", "--dual", huge, "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["valid"] is False
