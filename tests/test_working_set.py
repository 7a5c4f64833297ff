"""The working-set solve (column generation stopped by the exact certificate), the path,
predictions, saved solutions, the float boundary and the solve command's bad inputs.

Oracles: the all-chambers model (``method="full"``) on every bundled labelled data set and on
random instances in d = 1, 2, 3; weak duality (the certified lower bound never exceeds the
objective); monotonicity of the optimal value in lam; ``predict`` against ``K mu``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from fractions import Fraction as Q
from pathlib import Path

import numpy as np
import pytest
from clitools import assert_one_line_error, run, snapshot

from arrangement import Arrangement
from arrangement.core.errors import InputError
from arrangement.core.io import data_dir, load_dataset
from arrangement.training import lam_max_squared, regularization_path, solve
from arrangement.training.analysis import apply_measure, unit_vector
from arrangement.training.solution import data_fingerprint, load_solution, save_solution

ROOT = Path(__file__).resolve().parent.parent
LABELLED = [
    p.stem
    for p in sorted(data_dir().glob("*.csv"))
    if load_dataset(p).labels is not None and not p.stem.endswith(("_dual", "_atoms"))
]


def _data(name: str) -> tuple[Arrangement, tuple[Q, ...]]:
    ds = load_dataset(data_dir() / f"{name}.csv")
    assert ds.labels is not None
    return Arrangement.from_points(ds.points), ds.labels


def _random(n: int, d: int, seed: int) -> tuple[Arrangement, list[Q]]:
    rng = random.Random(seed)
    pts = [[Q(rng.randint(-30, 30), 10) for _ in range(d)] for _ in range(n)]
    y = [Q(rng.randint(-20, 20), 10) for _ in range(n)]
    return Arrangement.from_points(pts), y


def _lam(arr: Arrangement, y, ratio: float) -> Q:
    return Q(float(lam_max_squared(arr, y)) ** 0.5 * ratio).limit_denominator(10**6)


def _same(a, b) -> None:
    """Working set and full method agree: objective within 1e-7 relative, same K mu."""
    assert a.objective == pytest.approx(b.objective, rel=1e-7, abs=1e-9)
    assert np.allclose(a.residual, b.residual, atol=1e-4)
    for sol in (a, b):
        assert sol.lower_bound is not None
        assert float(sol.lower_bound) <= sol.objective * (1 + 1e-12) + 1e-15


@pytest.mark.parametrize("name", LABELLED)
def test_working_set_equals_full_on_bundled_data(name: str) -> None:
    arr, y = _data(name)
    lam = _lam(arr, y, 0.05)
    ws = solve(arr, y, lam=lam)
    full = solve(arr, y, lam=lam, method="full")
    _same(ws, full)
    assert ws.optimal and ws.method == "working-set"


@pytest.mark.parametrize(("n", "d", "seed"), [(9, 1, 1), (12, 2, 2), (10, 3, 3), (14, 2, 4)])
def test_working_set_equals_full_on_random_data(n: int, d: int, seed: int) -> None:
    arr, y = _random(n, d, seed)
    lam = _lam(arr, y, 0.02)
    ws = solve(arr, y, lam=lam)
    _same(ws, solve(arr, y, lam=lam, method="full"))
    assert ws.optimal
    assert len(ws.working_set) <= arr.n_regions


@pytest.mark.parametrize("name", ["line7", "plane_general"])
def test_interpolation_working_set_equals_full(name: str) -> None:
    arr, y = _data(name)
    ws = solve(arr, y, interpolate=True)
    full = solve(arr, y, interpolate=True, method="full")
    assert ws.objective == pytest.approx(full.objective, rel=1e-6)
    # P_0: the float measure interpolates only to tolerance, so TV is not a strict upper bound
    assert float(ws.lower_bound) <= ws.objective * (1 + 1e-6)
    assert ws.certificate is not None and abs(ws.relative_gap) <= 1e-6


def test_lam_max_is_where_zero_becomes_optimal() -> None:
    arr, y = _random(8, 1, 5)
    sq = lam_max_squared(arr, y)
    above = Q(int(float(sq) ** 0.5) + 1)
    assert solve(arr, y, lam=above).n_atoms == 0
    assert solve(arr, y, lam=above / 2).n_atoms > 0


def test_path_values_increase_with_lam() -> None:
    arr, y = _random(12, 2, 6)
    pts = regularization_path(arr, y, n_lam=6, lam_min_ratio="1/100")
    values = [p.solution.objective for p in pts]  # lam decreasing
    assert all(a >= b - 1e-9 for a, b in zip(values, values[1:], strict=False))
    assert pts[0].solution.n_atoms == 0
    assert all(p.solution.optimal for p in pts)
    for bad in ({"n_lam": 0}, {"lam_min_ratio": 2}, {"lam_min_ratio": 0}):
        with pytest.raises(InputError):
            regularization_path(arr, y, **bad)


def test_predict_equals_k_mu_on_training_rows(tmp_path: Path) -> None:
    arr, y = _random(10, 2, 7)
    sol = solve(arr, y, lam=_lam(arr, y, 0.05))
    x = np.array([[float(v) for v in row] for row in arr.points])
    assert np.allclose(sol.predict(x), apply_measure(arr, sol.atoms), atol=1e-12)
    fp = data_fingerprint(arr.points, y)
    save_solution(sol, tmp_path / "s.json", fingerprint=fp)
    back = load_solution(tmp_path / "s.json", fingerprint=fp)
    assert np.allclose(back.predict(x), sol.predict(x))
    with pytest.raises(InputError, match="other data"):
        load_solution(tmp_path / "s.json", fingerprint=data_fingerprint(arr.points, [0] * 10))
    (tmp_path / "n.json").write_text('{"a": 1}')
    with pytest.raises(InputError, match="not a solution file"):
        load_solution(tmp_path / "n.json")


def test_unit_vector_of_huge_integer_maximiser() -> None:
    """Regression: a maximiser with 200-digit entries has an angle 0 to itself, not pi/2."""
    big = (3 * 10**200 + 1, -4 * 10**200, 7)
    u = unit_vector(big)
    assert np.allclose(u, [0.6, -0.8, 0.0])
    assert float(np.dot(u, unit_vector(tuple(2 * v for v in big)))) == pytest.approx(1.0)


def test_certify_dual_angle_with_huge_directions() -> None:
    """The atom check compares directions by scaled arithmetic (no float overflow)."""
    from arrangement.training.analysis import certify_dual
    from arrangement.training.solution import Atom

    arr = Arrangement.from_points([[0], [1]])
    huge = (10**300, 2 * 10**300)  # the maximiser (1, 2) of p = (1, 1), scaled
    atom = Atom(tuple(unit_vector(huge)), 1.0, huge, (0, 1), (), (arr.regions().index_of([1, 1]),))
    check = certify_dual(
        arr, [Q(1), Q(1)], [Q(1), Q(1)], Q(1), [atom], denominator=10**6, extreme_tol=1e-4
    )
    assert check.atoms[0].angle == pytest.approx(0.0, abs=1e-7)  # acos near 1: sqrt(eps)


def test_standardization_reports_and_predicts_in_original_units() -> None:
    from arrangement.training.scaling import scale_problem, standardize

    years = [[Q(1871 + k)] for k in range(40)]
    assert "badly scaled" in scale_problem(years, ["year"])
    st = standardize(years, names=["year"])
    assert "year" in st.describe()
    with pytest.raises(InputError, match="constant"):
        standardize([[Q(1)], [Q(1)]])


# ------------------------------------------------------------------------- command line


def test_cli_solve_reports_certified_gap_and_lam_max(capsys) -> None:
    code, out, err = run(capsys, "solve", data_dir() / "iris20.csv", "--lam", "1/10")
    assert code == 0, err
    assert "lam_max = sup |eta_y|" in out and "OPTIMAL within" in out


def test_cli_long_lam_is_shortened(capsys) -> None:
    code, _, err = run(capsys, "solve", data_dir() / "iris20.csv", "--lam", "1e-400")
    assert code == 1
    assert_one_line_error(err, "e-400", "exact:")
    assert len(err) < 200


@pytest.mark.parametrize("value", ["1e400", "1e-400"])
def test_cli_float_boundary_is_one_line(capsys, tmp_path: Path, value: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"x,y\n{value},1\n2,3\n0,1\n")
    code, _, err = run(capsys, "solve", path, "--lam", "1")
    assert code == 1
    shown = "e+400" if "-" not in value else "e-400"
    assert_one_line_error(err, str(path), "row 2", shown, "beyond the range")


def test_cli_dual_out_is_certifiable(capsys, tmp_path: Path) -> None:
    dual = tmp_path / "p.csv"
    saved = tmp_path / "s.json"
    code, _, err = run(
        capsys,
        "solve",
        data_dir() / "iris20.csv",
        "--lam",
        "1/10",
        "--dual-out",
        dual,
        "--save",
        saved,
    )
    assert code == 0, err
    code, out, err = run(capsys, "certify", data_dir() / "iris20.csv", "--dual", dual)
    assert code == 0, err
    assert "VALID" in out
    assert json.loads(saved.read_text())["format"].startswith("arrangement-solution")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--path", "--n-lam", "0"], "--n-lam"),
        (["--path", "--lam-min-ratio", "2"], "--lam-min-ratio"),
        (["--path", "--lam-min-ratio", "0"], "--lam-min-ratio"),
        (["--lam", "1", "--dual-out", "/nonexistent-dir/p.csv"], "does not exist"),
        (["--lam", "1", "--save", "/nonexistent-dir/s.json"], "does not exist"),
        (["--lam", "1", "--n-lam", "3"], "--path"),
    ],
)
def test_cli_bad_inputs(capsys, args: list[str], fragment: str) -> None:
    code, _, err = run(capsys, "solve", data_dir() / "iris20.csv", *args)
    assert code != 0
    assert_one_line_error(err, fragment)


def test_cli_path_with_lam_is_a_usage_error(capsys) -> None:
    code, _, err = run(capsys, "solve", data_dir() / "iris20.csv", "--path", "--lam", "1")
    assert code == 2 and "not allowed" in err


def test_cli_standardize_constant_column(capsys, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("x,y\n1,1\n1,2\n")
    before = path.read_bytes()
    code, _, err = run(capsys, "solve", path, "--lam", "1", "--standardize")
    assert code == 1
    assert_one_line_error(err, "constant")
    assert path.read_bytes() == before


def test_cli_badly_scaled_data_says_so(capsys, tmp_path: Path) -> None:
    path = tmp_path / "years.csv"
    rows = "".join(f"{1871 + k},{(k * 7) % 5}\n" for k in range(12))
    path.write_text("year,y\n" + rows)
    code, out, err = run(capsys, "solve", path, "--lam", "1/10", "--standardize", "--json")
    assert code == 0, err
    assert "standardised: year -> (year - " in err
    rec = json.loads(out)
    assert rec["standardization"]["names"] == ["year"]
    code, _, err2 = run(capsys, "solve", path, "--lam", "1/10")
    assert code == 0
    assert "badly scaled" in err2 and "--standardize" in err2


def test_small_solve_stays_light() -> None:
    probe = (
        "from arrangement.cli import main\n"
        f"main(['solve', {str(data_dir() / 'line7.csv')!r}, '--lam', '1/10', '--json'])\n"
        "import sys\nprint(' '.join(m for m in ('sympy', 'networkx', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1].strip() == ""


def test_sigint_during_a_solve_exits_130_without_output(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from teacher import teacher_data, write_csv

    x, y = teacher_data(30, 3, 5)
    data = tmp_path / "t.csv"
    write_csv(str(data), x, y)
    target = tmp_path / "p.csv"
    exe = Path(sys.executable).with_name("arrangement")
    proc = subprocess.Popen(
        [
            str(exe),
            "solve",
            str(data),
            "--lam",
            "1/100",
            "--method",
            "full",
            "--dual-out",
            str(target),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not target.exists()
    assert not [p for p in os.listdir(tmp_path) if p not in ("t.csv",)]


def test_two_outputs_naming_one_file_are_refused(tmp_path, capsys) -> None:
    """`--dual-out X --save X` (or `-o X` with either) would lose one: refused, nothing written."""
    from arrangement.cli.app import main

    data = str(data_dir() / "line7.csv")
    out = tmp_path / "x.csv"
    pairs = (["--dual-out", str(out), "--save", str(out)], ["-o", str(out), "--save", str(out)])
    for argv in pairs:
        assert main(["solve", data, "--lam", "1", *argv]) == 1
        err = capsys.readouterr().err
        assert "name the same file" in err and err.count("\n") == 1
        assert not out.exists()


def test_cli_predict_reads_a_saved_solution_back(capsys, tmp_path: Path) -> None:
    """`predict` gives K mu on the training rows (in original units after --standardize)."""
    raw = data_dir() / "wine50_raw.csv"
    saved = tmp_path / "s.json"
    code, _, err = run(capsys, "solve", raw, "--lam", "1/10", "--standardize", "--save", saved)
    assert code == 0, err
    sol = load_solution(saved)
    code, out, err = run(capsys, "predict", raw, "--solution", saved)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "alcohol,proline,y,prediction,residual"
    data = load_dataset(raw)
    assert len(lines) == 1 + data.n_points
    first = lines[1].split(",")
    assert first[:3] == ["14.23", "1065", "1"]  # the user's values, exact decimals
    pred = np.array([float(line.split(",")[3]) for line in lines[1:]])
    x = np.array([[float(v) for v in row] for row in data.points])
    assert np.allclose(pred, sol.predict(x))
    resid = np.array([float(line.split(",")[4]) for line in lines[1:]])
    assert np.allclose(resid, [float(v) for v in data.labels] - pred)
    # new points, JSON
    new = tmp_path / "new.csv"
    new.write_text("alcohol,proline\n13.2,1000\n12.1,500\n")
    code, out, err = run(capsys, "predict", raw, "--solution", saved, "--points", new, "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["numeric"] is True
    assert np.allclose(rec["predictions"], sol.predict([[13.2, 1000], [12.1, 500]]))


def test_cli_predict_bad_inputs(capsys, tmp_path: Path) -> None:
    iris = data_dir() / "iris20.csv"
    saved = tmp_path / "s.json"
    assert run(capsys, "solve", iris, "--lam", "1/10", "--save", saved)[0] == 0
    before = snapshot(iris, saved)
    wide = tmp_path / "wide.csv"
    wide.write_text("a,b,c\n1,2,3\n")
    cases = [
        ([data_dir() / "wine50.csv", "--solution", saved], "other data"),
        ([iris, "--solution", iris], "not a solution file"),
        ([iris, "--solution", tmp_path / "missing.json"], "no such file"),
        ([iris, "--solution", saved, "--points", wide], "feature column"),
        ([iris, "--solution", saved, "-o", saved], "refusing to overwrite"),
        ([iris, "--solution", saved, "-o", iris], "refusing to overwrite"),
    ]
    for args, fragment in cases:
        code, _, err = run(capsys, "predict", *args)
        assert code != 0
        assert_one_line_error(err, fragment)
    assert snapshot(iris, saved) == before
