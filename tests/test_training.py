"""The numerical solver of P_lam / P_0 over all chambers, and its exact checks.

Oracles: the closed form for one data point, weak duality (the exact lower bound from the rounded
dual can never exceed any primal value), the support bounds of THEORY 4.1, and an independent
solve over a dense finite dictionary of neurons by different methods (FISTA for P_lam, the HiGHS
linear programming solver for P_0), which solves a restriction of the problem and so can never
beat the exact reformulation.
"""

from __future__ import annotations

import argparse
import json
import math
from fractions import Fraction as Q

import numpy as np
import pytest

from arrangement import Arrangement
from arrangement.core.errors import InputError, SolverError
from arrangement.core.io import data_dir, load_dataset
from arrangement.core.linalg import primitive
from arrangement.training import Solution, min_norm_certificate, solve


def dataset(name: str) -> tuple[Arrangement, tuple[Q, ...]]:
    ds = load_dataset(data_dir() / f"{name}.csv")
    assert ds.labels is not None
    return Arrangement.from_points(ds.points), ds.labels


def features(arr: Arrangement, directions: np.ndarray) -> np.ndarray:
    """``relu(<theta_k, xt_i>)`` for unit directions (rows of ``directions``): ``N x K``."""
    x = np.array([[float(v) for v in row] for row in arr.augmented])
    return np.maximum(x @ directions.T, 0.0)


def exact_row_signs(arr: Arrangement, theta: tuple[int, ...]) -> list[int]:
    out = []
    for xt in arr.augmented:
        s = sum((a * b for a, b in zip(xt, theta, strict=True)), Q(0))
        out.append((s > 0) - (s < 0))
    return out


def check_solution(arr: Arrangement, sol: Solution, y: tuple[Q, ...]) -> None:
    """Invariants every solution must satisfy."""
    r = arr.n_regions
    bound = sol.support_bound
    assert bound.per_sign == r - 1 and bound.total == 2 * (r - 1)
    assert bound.satisfied
    assert bound.n_positive + bound.n_negative == sol.n_atoms
    assert sum(a.amplitude > 0 for a in sol.atoms) <= r - 1
    assert sum(a.amplitude < 0 for a in sol.atoms) <= r - 1
    assert sol.numeric is True and sol.status in ("Solved", "AlmostSolved")
    scale = max(1.0, abs(sol.objective))
    assert abs(sol.duality_gap) <= 1e-5 * scale
    seen = set()
    for a in sol.atoms:
        # exact pattern and zero set agree with the exact direction
        signs = exact_row_signs(arr, a.exact_direction)
        assert a.pattern == tuple(i for i, s in enumerate(signs) if s > 0)
        assert a.zero_set == tuple(i for i, s in enumerate(signs) if s == 0)
        # the float direction is the unit image of the exact one
        e = np.array(a.exact_direction, dtype=float)
        assert np.allclose(a.direction, e / np.linalg.norm(e), atol=1e-12)
        assert abs(np.linalg.norm(a.direction) - 1) < 1e-12
        # the exact point lies in the closed cone of every chamber it was found in
        for c in a.chambers:
            rs = arr.regions()[c].signs
            assert all(s * t >= 0 for s, t in zip(signs, rs, strict=True))
        assert a.exact_direction not in seen  # parallel directions merged
        seen.add(a.exact_direction)
    # weak duality: the exact lower bound cannot exceed the optimum (up to the primal's error)
    cert = sol.certificate
    assert cert is not None
    assert float(cert.lower_bound) <= sol.objective + 1e-6 * scale
    assert float(cert.lower_bound) >= sol.objective - 1e-5 * scale
    assert abs(float(cert.sup_norm_squared) - 1) < 1e-5
    assert cert.valid == (cert.sup_norm_squared <= 1)
    assert len(cert.atoms) == sol.n_atoms
    json.dumps(sol.to_dict())


# ------------------------------------------------------------------------- one data point


@pytest.mark.parametrize(
    ("point", "label", "lam"),
    [
        ([0], 2, Q(1, 2)),  # xt = (0, 1), |xt| = 1: p = 1 exactly, E+ = {xt}
        ([3], 2, Q(1, 10)),  # |xt| = sqrt(10)
        ([3], -5, Q(7, 3)),  # negative label
        ([1, 2], Q(3, 2), Q(1, 5)),  # d = 2, |xt| = sqrt(6)
        ([-1, 0, 2], -1, Q(1, 100)),  # d = 3
    ],
)
def test_single_point_closed_form(point, label, lam):
    # With one row, eta_p(theta) = p relu(<theta, xt>), so sup|eta_p| = |p| |xt| and the only
    # extreme point is xt/|xt|. A measure a delta(xt/|xt|) gives K mu = a |xt|; minimising
    # 1/2 (a|xt| - y)^2 + lam |a| gives a = sign(y)(|y| - t)/|xt| with t = lam/|xt| when
    # |y| > t, and the optimal value t|y| - t^2/2 (dual: p = sign(y)/|xt|).
    arr = Arrangement.from_points([point])
    sol = solve(arr, [label], lam=lam)
    norm = math.sqrt(sum(float(v) ** 2 for v in arr.augmented[0]))
    t, yy = float(lam) / norm, float(label)
    assert abs(yy) > t
    assert sol.n_atoms == 1
    atom = sol.atoms[0]
    assert atom.exact_direction == primitive(arr.augmented[0])
    assert atom.pattern == (0,) and atom.zero_set == ()
    assert atom.amplitude == pytest.approx(math.copysign((abs(yy) - t) / norm, yy), rel=1e-7)
    assert sol.objective == pytest.approx(t * abs(yy) - t * t / 2, rel=1e-8)
    assert sol.dual[0] == pytest.approx(math.copysign(1 / norm, yy), rel=1e-7)
    assert sol.residual[0] == pytest.approx(-math.copysign(t, yy), rel=1e-6)  # K mu - y
    assert sol.certificate is not None and sol.certificate.atoms[0].at_extreme
    check_solution(arr, sol, (Q(label),))


def test_single_point_exact_certificate():
    sol = solve(Arrangement.from_points([[0]]), [2], lam=Q(1, 2))
    cert = sol.certificate
    assert cert.dual == (Q(1),)
    assert cert.sup_norm_squared == 1 and cert.valid and cert.scale == 1
    assert cert.lower_bound == Q(7, 8)  # t|y| - t^2/2 with t = 1/2, y = 2, exactly
    assert cert.atoms[0].extreme_direction == (0, 1)


@pytest.mark.parametrize(("label", "lam"), [(Q(1, 2), Q(1)), (Q(-1, 4), Q(1, 2)), (0, Q(1))])
def test_single_point_small_label_gives_zero_measure(label, lam):
    # |y| <= t: the zero measure is optimal (p = y/lam is feasible), value y^2/2.
    arr = Arrangement.from_points([[0]])
    sol = solve(arr, [label], lam=lam)
    assert sol.n_atoms == 0
    assert sol.objective == pytest.approx(float(label) ** 2 / 2, abs=1e-9)
    assert sol.dual[0] == pytest.approx(float(label / lam), abs=1e-7)
    assert sol.certificate.valid


def test_single_point_interpolation():
    # P_0: a |xt| = y, value |y|/|xt|; p = sign(y)/|xt| (checks the sign convention of the
    # equality multipliers).
    arr = Arrangement.from_points([[3]])
    sol = solve(arr, [-2], interpolate=True)
    assert sol.problem == "P_0" and sol.lam is None
    assert sol.n_atoms == 1 and sol.atoms[0].exact_direction == (3, 1)
    assert sol.objective == pytest.approx(2 / math.sqrt(10), rel=1e-8)
    assert sol.dual[0] == pytest.approx(-1 / math.sqrt(10), rel=1e-7)
    assert sol.residual_norm < 1e-8


# ------------------------------------------------------------------------- bundled data


@pytest.mark.parametrize("name", ["line7", "plane_general", "space3", "anscombe1"])
@pytest.mark.parametrize("lam", [Q(1, 10), Q(1, 100), None])
def test_bundled_data_invariants(name, lam):
    arr, y = dataset(name)
    sol = solve(arr, y, lam=lam, interpolate=lam is None)
    check_solution(arr, sol, y)
    if lam is None:
        assert sol.residual_norm < 1e-5 * max(1.0, float(np.linalg.norm(np.array(y, float))))
        assert sol.dual_objective == pytest.approx(float(np.dot(sol.dual, np.array(y, float))))
    else:
        # p = (y - K mu)/lam, up to the mass dropped from the solver's measure
        xmax = max(math.sqrt(sum(float(v) ** 2 for v in xt)) for xt in arr.augmented)
        slack = 2 * sol.dropped_mass * xmax + 1e-6 * (1 + np.abs(np.array(y, float)).max())
        assert np.abs(sol.dual + sol.residual / float(lam)).max() <= slack / float(lam)


def test_degenerate_data_with_repeated_points():
    arr, y = dataset("plane_degenerate")  # a repeated point with two labels
    sol = solve(arr, y, lam=Q(1, 20))
    check_solution(arr, sol, y)
    with pytest.raises(SolverError, match="infeasible: rows 1 and 6 are the same point"):
        solve(arr, y, interpolate=True)


def test_boundary_atoms_are_merged_across_chambers():
    # In d = 1 the optimal knots sit on data points, i.e. on hyperplanes: each such atom lies
    # in two closed chambers and must come out once, with an exact zero set.
    arr, y = dataset("line7")
    sol = solve(arr, y, lam=Q(1, 100))
    boundary = [a for a in sol.atoms if a.zero_set]
    assert boundary
    assert any(len(a.chambers) == 2 for a in boundary)
    for a in boundary:
        xt = arr.augmented[a.zero_set[0]]
        assert sum(u * v for u, v in zip(xt, a.exact_direction, strict=True)) == 0


@pytest.mark.parametrize(("d", "n", "seed"), [(1, 6, 0), (2, 7, 1), (2, 6, 2), (3, 7, 3)])
def test_random_data_respects_bounds(d, n, seed):
    rng = np.random.default_rng(seed)
    pts = [[Q(int(v), 4) for v in rng.integers(-8, 9, size=d)] for _ in range(n)]
    y = [Q(int(v), 3) for v in rng.integers(-6, 7, size=n)]
    arr = Arrangement.from_points(pts)
    for kw in ({"lam": Q(1, 30)}, {"lam": Q(1, 2)}):
        check_solution(arr, solve(arr, y, **kw), tuple(y))
    if len({tuple(p) for p in pts}) == n:
        check_solution(arr, solve(arr, y, interpolate=True), tuple(y))


def test_lineality_reduces_to_the_lower_dimensional_problem():
    # Points on the line t (3/5, 4/5) in the plane: rank 2 < D = 3. The map
    # (a, b) -> (a (3/5, 4/5), b) is an isometry onto span{xt_i}, so the problem is the 1-D one.
    ts = [Q(-2), Q(-1, 2), Q(0), Q(1), Q(5, 2)]
    y = [Q(1), Q(-1), Q(1, 2), Q(2), Q(0)]
    line = Arrangement.from_points([[t] for t in ts])
    plane = Arrangement.from_points([[t * Q(3, 5), t * Q(4, 5)] for t in ts])
    assert plane.rank == 2 and plane.dimension == 3
    for kw in ({"lam": Q(1, 10)}, {"interpolate": True}):
        one, two = solve(line, y, **kw), solve(plane, y, **kw)
        check_solution(plane, two, tuple(y))
        assert two.objective == pytest.approx(one.objective, rel=1e-6, abs=1e-9)
        assert two.n_atoms == one.n_atoms
        for a in two.atoms:  # every direction lies in span{xt_i}: orthogonal to (4, -3, 0)
            d = a.exact_direction
            assert 4 * d[0] - 3 * d[1] == 0


# ------------------------------------------------------------------------- independent solve


def _circle_dictionary(arr: Arrangement, k: int) -> np.ndarray:
    """Dense unit directions on S^1 plus the exact rays of the arrangement (both signs)."""
    phi = np.linspace(0, 2 * np.pi, k, endpoint=False)
    dense = np.stack([np.cos(phi), np.sin(phi)], axis=1)
    rays = np.array([[-float(n[1]), float(n[0])] for n in arr.normals])
    rays /= np.linalg.norm(rays, axis=1)[:, None]
    return np.concatenate([dense, rays, -rays])


def _sphere_dictionary(arr: Arrangement, k: int) -> np.ndarray:
    """Fibonacci points on S^2 plus the exact rays of the arrangement (cross products)."""
    i = np.arange(k) + 0.5
    z = 1 - 2 * i / k
    rad = np.sqrt(1 - z * z)
    ang = np.pi * (1 + 5**0.5) * i
    dense = np.stack([rad * np.cos(ang), rad * np.sin(ang), z], axis=1)
    nrm = np.array(arr.normals, dtype=float)
    rays = [np.cross(nrm[a], nrm[b]) for a in range(len(nrm)) for b in range(a + 1, len(nrm))]
    rays = np.array([r / np.linalg.norm(r) for r in rays if np.linalg.norm(r) > 0])
    return np.concatenate([dense, rays, -rays])


def _lasso_fista(phi: np.ndarray, y: np.ndarray, lam: float, iters: int) -> float:
    """FISTA with gradient restart on min 1/2||phi a - y||^2 + lam ||a||_1.

    Returns the objective of the final iterate: an upper bound on the dictionary's optimum,
    hence on no account below the optimum over all neurons.
    """
    step = 1.0 / np.linalg.norm(phi, 2) ** 2
    a = np.zeros(phi.shape[1])
    z, t = a.copy(), 1.0
    for _ in range(iters):
        w = z - step * (phi.T @ (phi @ z - y))
        new = np.sign(w) * np.maximum(np.abs(w) - step * lam, 0.0)
        if np.dot(z - new, new - a) > 0:  # restart (O'Donoghue and Candes)
            z, t = new, 1.0
        else:
            t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
            z, t = new + (t - 1) / t_new * (new - a), t_new
        a = new
    r = phi @ a - y
    return 0.5 * float(r @ r) + lam * float(np.abs(a).sum())


def _basis_pursuit(phi: np.ndarray, y: np.ndarray) -> float:
    """min ||a||_1 subject to phi a = y with the HiGHS linear programming solver."""
    from scipy.optimize import linprog

    k = phi.shape[1]
    res = linprog(
        np.ones(2 * k), A_eq=np.hstack([phi, -phi]), b_eq=y, bounds=(0, None), method="highs"
    )
    assert res.status == 0
    return float(res.fun)


@pytest.mark.parametrize(("name", "lam"), [("line7", Q(1, 10)), ("anscombe1", Q(1, 2))])
def test_agrees_with_dense_dictionary_d1(name, lam):
    arr, y = dataset(name)
    yf = np.array(y, dtype=float)
    sol = solve(arr, y, lam=lam)
    ref = _lasso_fista(features(arr, _circle_dictionary(arr, 180)), yf, float(lam), 60000)
    tol = 1e-7 * max(1.0, sol.objective)
    assert ref >= sol.objective - tol  # a restriction never does better
    assert ref >= float(sol.certificate.lower_bound) - tol  # rigorous: lower bound <= any value
    assert ref <= sol.objective * (1 + 2e-4)  # and comes close when dense


def test_agrees_with_dense_dictionary_interpolation_d1():
    arr, y = dataset("line7")
    sol = solve(arr, y, interpolate=True)
    ref = _basis_pursuit(features(arr, _circle_dictionary(arr, 720)), np.array(y, float))
    assert ref >= sol.objective * (1 - 1e-7)
    assert ref >= float(sol.certificate.lower_bound) * (1 - 1e-9)
    assert ref <= sol.objective * (1 + 1e-5)


def test_agrees_with_dense_dictionary_d2():
    arr, y = dataset("plane_general")
    yf = np.array(y, dtype=float)
    phi = features(arr, _sphere_dictionary(arr, 1000))
    sol = solve(arr, y, lam=Q(1, 10))
    ref = _lasso_fista(phi, yf, 0.1, 30000)
    assert ref >= sol.objective * (1 - 1e-7)
    assert ref >= float(sol.certificate.lower_bound) * (1 - 1e-9)
    assert ref <= sol.objective * (1 + 5e-3)
    sol0 = solve(arr, y, interpolate=True)
    ref0 = _basis_pursuit(features(arr, _sphere_dictionary(arr, 4000)), yf)
    assert ref0 >= sol0.objective * (1 - 1e-7)
    assert ref0 >= float(sol0.certificate.lower_bound) * (1 - 1e-9)
    assert ref0 <= sol0.objective * (1 + 1e-3)


# ------------------------------------------------------------------------- minimal-norm certificate


def test_min_norm_certificate_single_point():
    arr = Arrangement.from_points([[1, 2]])
    mn = min_norm_certificate(arr, [-3])
    assert mn.dual[0] == pytest.approx(-1 / math.sqrt(6), rel=1e-6)
    assert mn.certificate is not None and abs(float(mn.certificate.sup_norm_squared) - 1) < 1e-6
    json.dumps(mn.to_dict())


@pytest.mark.parametrize("name", ["line7", "plane_general"])
def test_min_norm_certificate_is_the_limit_of_regularised_duals(name):
    # p_lam = projection of y/lam onto the dual feasible set; it tends to the minimal-norm dual
    # solution of P_0 as lam -> 0, and ||p_lam|| <= ||p_0||.
    arr, y = dataset(name)
    mn = min_norm_certificate(arr, y)
    assert mn.value >= mn.level - 1e-7 * max(1.0, abs(mn.level))
    assert mn.value == pytest.approx(mn.primal.objective, rel=1e-6)
    assert mn.norm <= float(np.linalg.norm(mn.primal.dual)) * (1 + 1e-6)
    p_small = solve(arr, y, lam=Q(1, 10**5), certify=False).dual
    assert np.linalg.norm(p_small - mn.dual) <= 1e-2 * mn.norm
    assert float(np.linalg.norm(p_small)) <= mn.norm * (1 + 1e-3)


@pytest.mark.parametrize(
    ("points", "target"),
    [
        # one atom inside the chamber where both rows are active: p_V = (1/5, 3/5)
        ([[0], [1]], [(1, (Q(3, 5), Q(4, 5)))]),
        # line7, two atoms of the same sign in different chambers, non-degenerate
        (None, [(2, (Q(4, 5), Q(-3, 5))), (1, (Q(-12, 13), Q(-5, 13)))]),
    ],
)
def test_min_norm_certificate_matches_the_exact_precertificate(points, target):
    # A valid vanishing-derivative pre-certificate IS the minimal-norm certificate (THEORY 5).
    arr = Arrangement.from_points(points) if points else dataset("line7")[0]
    mn = min_norm_certificate(arr, target=target)
    assert mn.precertificate_valid is True
    p_v = np.array(mn.precertificate, dtype=float)
    assert mn.distance == pytest.approx(float(np.linalg.norm(mn.dual - p_v)))
    assert mn.distance <= 1e-4 * float(np.linalg.norm(p_v))
    assert mn.method == "support"
    # P_0 of y = K mu_0 recovers the target (non-degenerate source condition)
    assert mn.primal.n_atoms == len(target)
    if points:
        assert mn.precertificate == (Q(1, 5), Q(3, 5))


def test_min_norm_certificate_level_method():
    arr = Arrangement.from_points([[0], [1]])
    mn = min_norm_certificate(arr, target=[(1, (Q(3, 5), Q(4, 5)))], use_support=False)
    assert mn.method == "level"
    assert mn.distance <= 1e-2


def test_min_norm_certificate_needs_labels_or_target():
    with pytest.raises(InputError, match="labels y or a target"):
        min_norm_certificate(Arrangement.from_points([[0]]))
    with pytest.raises(InputError, match="not an exact unit vector"):
        min_norm_certificate(Arrangement.from_points([[0]]), target=[(1, (1, 1))])


# ------------------------------------------------------------------------- failures and inputs


def test_iteration_limit_is_a_solver_error():
    arr, y = dataset("line7")
    with pytest.raises(SolverError, match="status MaxIterations"):
        solve(arr, y, lam=Q(1, 100), max_iter=1)


def test_failed_status_is_a_solver_error(monkeypatch):
    import clarabel

    class FakeSolution:
        status = clarabel.SolverStatus.NumericalError

    class FakeSolver:
        def __init__(self, *args):
            pass

        def solve(self):
            return FakeSolution()

    monkeypatch.setattr(clarabel, "DefaultSolver", FakeSolver)
    with pytest.raises(SolverError, match=r"did not solve P_lam \(lam = 1/10\).*NumericalError"):
        solve(Arrangement.from_points([[0], [1]]), [1, 2], lam=Q(1, 10))


def test_infeasible_status_is_a_solver_error(monkeypatch):
    import clarabel

    class FakeSolver:
        def __init__(self, *args):
            pass

        def solve(self):
            class S:
                status = clarabel.SolverStatus.PrimalInfeasible

            return S()

    monkeypatch.setattr(clarabel, "DefaultSolver", FakeSolver)
    # Two distinct points can always be interpolated: the claim of infeasibility is numerical,
    # and the message says so instead of repeating it.
    with pytest.raises(
        SolverError,
        match=r"P_0: status PrimalInfeasible \(but the problem is feasible \(decided exactly\)"
        r": a numerical failure",
    ):
        solve(Arrangement.from_points([[0], [1]]), [1, 2], interpolate=True)


def test_solver_exception_is_a_solver_error(monkeypatch):
    import clarabel

    def boom(*args):
        raise RuntimeError("bad data")

    monkeypatch.setattr(clarabel, "DefaultSolver", boom)
    with pytest.raises(SolverError, match="could not solve .*bad data"):
        # lam < lam_max = |y| |xt| = 1, so the numerical solver is needed
        solve(Arrangement.from_points([[0]]), [1], lam=Q(1, 10))


def test_solver_options():
    arr, y = dataset("line7")
    with pytest.raises(InputError, match="unknown Clarabel setting 'nope'"):
        solve(arr, y, lam=1, solver_options={"nope": 1})
    with pytest.raises(InputError, match="tol must be in"):
        solve(arr, y, lam=1, tol=0)
    with pytest.raises(SolverError, match="status MaxTime"):
        solve(arr, y, lam=Q(1, 100), solver_options={"time_limit": 1e-9})
    sol = solve(arr, y, lam=Q(1, 100), solver_options={"equilibrate_enable": False})
    assert sol.objective == pytest.approx(solve(arr, y, lam=Q(1, 100)).objective, rel=1e-7)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lam": 0}, "lam must be positive"),
        ({"lam": "-1/3"}, "lam must be positive"),
        ({"lam": "abc"}, "abc"),
        ({"lam": float("nan")}, "(?i)nan"),
        ({}, "give lam > 0"),
        ({"lam": 1, "interpolate": True}, "not both"),
    ],
)
def test_bad_lam(kwargs, message):
    with pytest.raises(InputError, match=message):
        solve(Arrangement.from_points([[0], [1]]), [1, 2], **kwargs)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([1], "1 labels for 2 input rows"),
        ([1, 2, 3], "3 labels"),
        ([1, "x"], "row 1"),
        ("12", "not a string"),
        (5, "sequence of numbers"),
    ],
)
def test_bad_labels(labels, message):
    with pytest.raises(InputError, match=message):
        solve(Arrangement.from_points([[0], [1]]), labels, lam=1)


def test_to_dict_keys():
    arr, y = dataset("line7")
    d = solve(arr, y, lam=Q(1, 100)).to_dict()
    for key in (
        "objective",
        "atoms",
        "n_atoms",
        "dual",
        "support_bound",
        "certificate",
        "numeric",
        "status",
        "duality_gap",
    ):
        assert key in d
    assert d["numeric"] is True and isinstance(d["objective"], float)
    assert len(d["dual"]) == arr.n_points and d["n_atoms"] == len(d["atoms"])
    assert set(d["atoms"][0]) >= {"direction", "amplitude", "pattern"}
    assert d["support_bound"]["per_sign"] == 13 and d["support_bound"]["total"] == 26
    assert isinstance(d["certificate"]["sup_norm_squared"], str)
    assert Q(d["certificate"]["sup_norm_squared"]) > 0
    assert isinstance(d["certificate"]["valid"], bool)


# ------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    from arrangement.cli.app import build_parser

    return build_parser()


def test_cli_json(capsys):
    args = _parser().parse_args(["solve", str(data_dir() / "line7.csv"), "--lam", "0.01", "--json"])
    assert args._run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lam"] == "1/100" and out["numeric"] is True
    arr, y = dataset("line7")
    assert out["objective"] == pytest.approx(solve(arr, y, lam=Q(1, 100)).objective, rel=1e-9)


def test_cli_human_output_separates_numeric_and_rigorous(capsys):
    args = _parser().parse_args(["solve", str(data_dir() / "line7.csv"), "--interpolate"])
    assert args._run(args) == 0
    out = capsys.readouterr().out
    assert "P_0" in out and "NUMERIC" in out and "RIGOROUS" in out
    assert "sup |eta_p|^2 =" in out and "certified lower bound" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lam", "0"], "--lam must be positive"),
        (["--lam", "x"], "--lam"),
        (["--lam", "1", "--tol", "2"], "--tol"),
    ],
)
def test_cli_bad_options(argv, message):
    args = _parser().parse_args(["solve", str(data_dir() / "line7.csv"), *argv])
    with pytest.raises(InputError, match=message):
        args._run(args)


def test_cli_needs_labels():
    args = _parser().parse_args(["solve", str(data_dir() / "counterexample.csv"), "--lam", "1"])
    with pytest.raises(InputError, match="no labels"):
        args._run(args)


def test_cli_requires_a_problem():
    with pytest.raises(SystemExit):
        _parser().parse_args(["solve", str(data_dir() / "line7.csv")])


@pytest.mark.parametrize(
    "argv",
    [
        ["--lam", "0"],
        ["--lam=-1/2"],
        ["--lam", "nan"],
        ["--lam", "abc"],
        ["--lam", "1", "--tol", "2"],
    ],
)
def test_cli_bad_lam_is_one_line_and_exit_1(argv, capsys):
    from arrangement.cli.app import main

    code = main(["solve", str(data_dir() / "line7.csv"), *argv])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_unlabelled_data_is_one_line_and_exit_1(capsys):
    from arrangement.cli.app import main

    code = main(["solve", str(data_dir() / "counterexample.csv"), "--interpolate"])
    err = capsys.readouterr().err
    assert code == 1 and "no labels" in err and len(err.strip().splitlines()) == 1


def test_lam_at_least_lam_max_gives_the_exact_zero_measure(monkeypatch):
    import clarabel

    def boom(*args):  # the shortcut must not call the numerical solver
        raise AssertionError("Clarabel called")

    monkeypatch.setattr(clarabel, "DefaultSolver", boom)
    # One point x = 0, y = 2: lam_max = |y| |xt| = 2 exactly.
    sol = solve(Arrangement.from_points([[0]]), [2], lam=2)
    assert sol.n_atoms == 0 and sol.objective == 2.0 and sol.duality_gap == 0.0
    assert sol.certificate is not None and sol.certificate.sup_norm_squared == 1
    with pytest.raises(SolverError):
        solve(Arrangement.from_points([[0]]), [2], lam=Q(19, 10))


def test_tiny_lam_is_flagged_inaccurate():
    arr, y = dataset("line7")
    assert solve(arr, y, lam=Q(1, 100)).accurate
    sol = solve(arr, y, lam=Q(1, 10**20))
    assert not sol.accurate and sol.to_dict()["accurate"] is False


def test_vertex_of_the_optimal_face_has_at_most_n_atoms():
    # anscombe1 (d = 1, N = 11): the interior-point solution of P_0 uses more than N atoms
    # (the minimiser is not unique); the vertex has at most N, the same K mu = y and the same
    # total variation.
    arr, y = dataset("anscombe1")
    central = solve(arr, y, interpolate=True)
    vertex = solve(arr, y, interpolate=True, vertex=True)
    assert central.n_atoms > arr.n_points
    assert vertex.n_atoms <= arr.n_points
    assert vertex.objective <= central.objective * (1 + 1e-9)
    assert vertex.objective == pytest.approx(central.objective, rel=1e-6)
    assert vertex.residual_norm <= 1e-6 * float(np.linalg.norm([float(v) for v in y]))
    assert vertex.accurate


def test_cli_vertex_flag(capsys):
    from arrangement.cli.app import main

    assert (
        main(["solve", str(data_dir() / "anscombe1.csv"), "--interpolate", "--vertex", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["n_atoms"] <= 11


def test_csc_from_triplets_equals_scipy_and_clarabel_takes_it():
    import clarabel
    import scipy.sparse as sp

    from arrangement.training.model import csc_from_triplets

    rng = np.random.default_rng(8)
    for shape in ((5, 4), (1, 7), (6, 1), (3, 3)):
        k = 12
        rows = rng.integers(0, shape[0], size=k)
        cols = rng.integers(0, shape[1], size=k)
        vals = rng.normal(size=k)
        vals[:2] = 0.0  # explicit zeros are kept, as scipy keeps them
        ours = csc_from_triplets(rows, cols, vals, shape)
        ref = sp.csc_matrix((vals, (rows, cols)), shape=shape)
        ref.sort_indices()
        assert ours.indptr.tolist() == ref.indptr.tolist()
        assert ours.indices.tolist() == ref.indices.tolist()
        assert np.allclose(ours.data, ref.data) and ours.nnz == ref.nnz
        assert np.allclose(ours.toarray(), ref.toarray())
    empty = np.zeros(0, dtype=np.int64)
    assert csc_from_triplets(empty, empty, np.zeros(0), (2, 3)).indptr.tolist() == [0, 0, 0, 0]
    # min x1 + x2 subject to x >= 1: Clarabel reads our container
    p = csc_from_triplets(empty, empty, np.zeros(0), (2, 2))
    a = csc_from_triplets(np.array([0, 1]), np.array([0, 1]), -np.ones(2), (2, 2))
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    sol = clarabel.DefaultSolver(
        p, np.ones(2), a, -np.ones(2), [clarabel.NonnegativeConeT(2)], settings
    ).solve()
    assert str(sol.status).endswith("Solved")
    assert np.allclose(sol.x, [1.0, 1.0], atol=1e-6)
