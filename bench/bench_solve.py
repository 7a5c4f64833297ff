"""Benchmark: certified training (issue 9). Prints figures; asserts nothing.

Data: ``bench/teacher.py`` (random points, labels from a 3-neuron ReLU teacher plus noise), lam =
``--ratio`` (default 1/100) times lam_max. For each size: our default (working-set column
generation stopped by the exact certificate), ``--method full`` (all chambers in one conic
program; skipped above ``--full-max`` chambers), and, when installed, cvxpy + Clarabel over all
chambers, and pilancilab's ``scnn`` (PyPI ``pyscnn``: its augmented-Lagrangian solver on
randomly sampled activation patterns; see :func:`_scnn_peer` for how its problem maps to
``P_lam``). Each row: seconds (whole solve: enumeration, solve, exact certificate), objective,
relative difference to our certified optimum, certified relative gap, working-set size, and
for a peer's dual vector its exact ``sup |eta|`` over ALL chambers. Then a 20-point path.

    .venv/bin/python bench/bench_solve.py [--quick] [--sizes 40x3,60x3,100x3] [--full-max N]
                                          [--scnn-neurons M] [--scnn-tol T]
    .venv/bin/python bench/bench_solve.py --scnn-check 15x3    # the scnn mapping, all patterns
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from teacher import teacher_data  # noqa: E402


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _row(name: str, secs: float, obj: float, ref: float, extra: str = "") -> None:
    rel = abs(obj - ref) / max(abs(ref), 1e-300)
    print(f"  {name:<22} {secs:8.2f} s  objective {obj:.10g}  rel.diff {rel:.1e}  {extra}")


def _cvxpy_peer(arr, y, lam: float) -> tuple[float, float, list[float]] | None:
    if importlib.util.find_spec("cvxpy") is None:
        return None
    import cvxpy as cp
    import numpy as np

    from arrangement.training.model import build_model

    t0 = time.perf_counter()
    model = build_model(arr)
    yf = np.array([float(v) for v in y])
    blocks = []
    pred = 0
    cons = []
    for j in range(len(model.chambers)):
        g = model.facet_rows[model.facet_chamber == j]
        m_s = model.xb * model.active[j][:, None]
        u, w = cp.Variable(model.m), cp.Variable(model.m)
        cons += [g @ u >= 0, g @ w >= 0]
        pred = pred + m_s @ (u - w)
        blocks += [cp.norm(u), cp.norm(w)]
    resid = pred - yf
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(resid) + lam * sum(blocks)), cons)
    prob.solve(solver=cp.CLARABEL)
    dual = list((yf - pred.value) / lam)
    return time.perf_counter() - t0, float(prob.value), dual


#: How to install the optional ``scnn`` peer (``pyscnn`` declares torchvision and scikit-learn,
#: which ``scnn`` never imports; PyPI's torchvision does not import beside the local CPU torch).
SCNN_INSTALL = (
    "pip install torch==2.13.0 cvxpy linalg_backends opt_einsum tqdm && "
    "pip install --no-deps pyscnn==0.0.10"
)


def _scnn_peer(
    arr, y, lam: float, neurons: int, tol: float = 1e-6, seed: int = 778, all_patterns: bool = False
) -> tuple[float, float, float, float, int, list[float]] | None:
    """pilancilab's ``scnn`` on ``P_lam``: seconds, CPU seconds, objectives, patterns, dual.

    The mapping below is checked by ``--scnn-check``: with one gate per chamber (its interior
    witness: ALL activation patterns, ``all_patterns=True``) and ``scnn``'s exact CVXPY back end
    (SCS at ``eps 1e-11``) instead of its AL solver, ``scnn``'s optimum is ours.

    * ``scnn`` minimises ``1/(2N) ||sum_i D_i X (u_i - w_i) - y||^2 + lam_s sum_i (||u_i|| +
      ||w_i||)`` over the cones ``(2 D_i - I) X u_i >= 0``, ``(2 D_i - I) X w_i >= 0``
      (``NeuronGL1(lam_s)``, the squared error divided by ``2 N c`` with ``c = 1`` output).
      Multiplied by ``N`` this is our conic program over the chambers with patterns ``D_i``
      (``build_model``), so ``lam_s = lam / N`` and our objective is ``N`` times its objective.
    * Bias: we pass ``X = (x, 1)`` (the rows of ``arr.augmented``) with ``bias=False``, so the
      group norm is that of the whole ``theta = (w, b)``, as in ``TV(mu)`` with ``theta`` on
      the unit sphere of ``(x, 1)``-space. (``bias=True`` would add the ones column itself
      but samples its gates with zero bias, i.e. only patterns of hyperplanes through the
      origin of ``x``-space.) Gates: ``neurons // 2`` standard normal vectors in
      ``(x, 1)``-space, as ``scnn.optimize.optimize("relu", neurons, ...)`` samples them.
    * ``unitize_data=False``: unitising the columns, ``X -> X C^-1``, would penalise
      ``||C theta||`` instead of ``||theta||``, a different problem. ``dtype="float64"``.

    The solution ``u_i, w_i`` is read as the measure ``mu = sum_i ||u_i|| delta(u_i/||u_i||) -
    ||w_i|| delta(w_i/||w_i||)``: its network ``f(x) = sum_i relu(<u_i, (x, 1)>) - relu(<w_i,
    (x, 1)>)`` (the true ReLU, so a violated cone constraint costs what it really costs) gives
    the objective ``1/2 ||f(X) - y||^2 + lam sum_i (||u_i|| + ||w_i||)`` and the dual
    ``p = (y - f(X)) / lam``. Its own objective (fixed patterns ``D_i``), times ``N``, is
    returned beside it. ``tol`` is the AL solver's tolerance (``scnn.solvers.AL``, default
    ``1e-6`` as in ``scnn``), on the gradient of the ``1/N``-scaled objective.
    """
    if importlib.util.find_spec("scnn") is None:
        return None
    import numpy as np
    from scnn.activations import sample_gate_vectors
    from scnn.metrics import Metrics
    from scnn.models import ConvexReLU
    from scnn.optimize import optimize_model
    from scnn.regularizers import NeuronGL1
    from scnn.solvers import AL, CVXPYSolver

    xt = np.array([[float(v) for v in row] for row in arr.augmented], dtype=float)
    yf = np.array([float(v) for v in y])
    n = len(yf)
    t0, c0 = time.perf_counter(), time.process_time()
    if all_patterns:
        gates = np.array(arr.regions().witnesses, dtype=float).T
    else:
        gates = sample_gate_vectors(seed, xt.shape[1], neurons // 2)
    model = ConvexReLU(gates, c=1, bias=False)
    solver = (
        CVXPYSolver(model, "scs", {"eps_abs": 1e-11, "eps_rel": 1e-11, "max_iters": 10**6})
        if all_patterns else AL(model, tol=tol)
    )
    convex, _ = optimize_model(
        model, solver, Metrics(metric_freq=10**9), xt, yf,
        regularizer=NeuronGL1(lam / n), return_convex=True, unitize_data=False, dtype="float64",
        seed=seed,
    )
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    u, w = (np.asarray(a, dtype=float)[0] for a in convex.parameters)
    f = np.maximum(xt @ u.T, 0.0).sum(axis=1) - np.maximum(xt @ w.T, 0.0).sum(axis=1)
    tv = float(np.linalg.norm(u, axis=1).sum() + np.linalg.norm(w, axis=1).sum())
    obj = 0.5 * float(np.sum((f - yf) ** 2)) + lam * tv
    patterns = xt @ np.asarray(convex.G, dtype=float) > 0
    own = ((patterns * (xt @ (u - w).T)).sum(axis=1) - yf)
    own_obj = 0.5 * float(np.sum(own**2)) + lam * tv
    return secs, cpu, obj, own_obj, int(convex.p), list((yf - f) / lam)


def _dual_sup(arr, dual: list[float]) -> float:
    """Exact ``sup |eta_p|`` over all chambers of a peer's float dual.

    The dual is rounded to rationals as our own solver rounds its dual (``round_dual``: one
    power-of-two denominator), so the exact certificate treats every dual alike.
    """
    import numpy as np

    from arrangement.certificates.certificate import certify
    from arrangement.training.analysis import round_dual
    from arrangement.training.solution import DEFAULT_DENOMINATOR

    sup = certify(arr, round_dual(arr, np.asarray(dual, dtype=float), DEFAULT_DENOMINATOR))
    return float(sup.sup_norm_squared) ** 0.5


def bench(
    n: int, d: int, ratio: Fraction, full_max: int, scnn_neurons: int, scnn_tol: float
) -> None:
    from arrangement import Arrangement
    from arrangement.training import lam_max_squared, solve

    x, y = teacher_data(n, d, seed=1)
    t0 = time.perf_counter()
    arr = Arrangement.from_points(x)
    arr.regions()
    t_enum = time.perf_counter() - t0
    lms = lam_max_squared(arr, y)
    lam = ratio * Fraction(float(lms) ** 0.5).limit_denominator(10**6)
    sol = solve(arr, y, lam=lam)
    t_ws = time.perf_counter() - t0
    ref = sol.objective
    print(f"(N={n}, d={d}): {arr.n_regions} chambers, lam = {float(lam):.4g} "
          f"({float(ratio):g} lam_max), enumeration {t_enum:.2f} s")
    _row("ours (working set)", t_ws, ref,
         ref, f"certified gap {sol.relative_gap:.1e}, W = {len(sol.working_set)} chambers "
         f"({100 * len(sol.working_set) / arr.n_regions:.2f}%), {len(sol.rounds)} rounds, "
         f"peak RSS {_peak_gib():.2f} GiB")
    if arr.n_regions <= full_max:
        t1 = time.perf_counter()
        full = solve(arr, y, lam=lam, method="full")
        t_full = time.perf_counter() - t1 + t_enum
        _row("ours --method full", t_full, full.objective, ref,
             f"speed-up of the working set: {t_full / t_ws:.1f}x")
        peer = _cvxpy_peer(arr, y, float(lam))
        if peer is None:
            print("  cvxpy + Clarabel        not installed (pip install cvxpy)")
        else:
            secs, obj, dual = peer
            _row("cvxpy + Clarabel", secs, obj, ref,
                 f"exact sup|eta| of its dual {_dual_sup(arr, dual):.6g}")
    else:
        print(f"  --method full skipped ({arr.n_regions} chambers > --full-max {full_max})")
    if scnn_neurons > 0:
        speer = _scnn_peer(arr, y, float(lam), scnn_neurons, scnn_tol)
        if speer is None:
            print(f"  scnn (pyscnn)           not installed ({SCNN_INSTALL})")
        else:
            secs, cpu, obj, own, patterns, dual = speer
            _row(f"scnn AL, {patterns} patterns", secs, obj, ref,
                 f"exact sup|eta| of its dual {_dual_sup(arr, dual):.6g}, CPU {cpu:.1f} s, "
                 f"its own objective x N {own:.10g}")


def scnn_check(n: int, d: int, ratio: Fraction) -> None:
    """The mapping of :func:`_scnn_peer` on a small instance: ``scnn`` over ALL patterns."""
    from arrangement import Arrangement
    from arrangement.training import lam_max_squared, solve

    x, y = teacher_data(n, d, seed=1)
    arr = Arrangement.from_points(x)
    lam = ratio * Fraction(float(lam_max_squared(arr, y)) ** 0.5).limit_denominator(10**6)
    full = solve(arr, y, lam=lam, method="full")
    peer = _scnn_peer(arr, y, float(lam), 0, all_patterns=True)
    if peer is None:
        print(f"scnn check: scnn not installed ({SCNN_INSTALL})")
        return
    secs, _, obj, own, patterns, dual = peer
    print(f"scnn check (N={n}, d={d}): {arr.n_regions} chambers, lam = {float(lam):.4g}")
    _row("ours --method full", 0.0, full.objective, full.objective,
         f"certified gap {full.relative_gap:.1e}")
    _row(f"scnn CVXPY, {patterns} patt.", secs, obj, full.objective,
         f"exact sup|eta| of its dual {_dual_sup(arr, dual):.10g}, "
         f"its own objective x N {own:.10g}")


def bench_path(n: int, d: int) -> None:
    from arrangement import Arrangement
    from arrangement.training import regularization_path

    x, y = teacher_data(n, d, seed=1)
    t0 = time.perf_counter()
    arr = Arrangement.from_points(x)
    pts = regularization_path(arr, y, n_lam=20)
    secs = time.perf_counter() - t0
    worst = max((p.solution.relative_gap or 0.0) for p in pts)
    print(f"path (N={n}, d={d}), 20 points: {secs:.2f} s, worst certified gap {worst:.1e}, "
          f"all optimal: {all(p.solution.optimal for p in pts)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default="40x3,60x3,100x3")
    ap.add_argument("--ratio", default="1/100")
    ap.add_argument("--full-max", type=int, default=25000)
    ap.add_argument("--scnn-neurons", type=int, default=500,
                    help="max_neurons of the scnn peer (neurons // 2 sampled gates); 0 skips it")
    ap.add_argument("--scnn-tol", type=float, default=1e-6,
                    help="tolerance of scnn's augmented-Lagrangian solver (its default 1e-6)")
    ap.add_argument("--scnn-check", default="",
                    help="NxD: only check the scnn mapping there (all patterns, exact back end)")
    args = ap.parse_args()
    if args.scnn_check:
        n, d = (int(v) for v in args.scnn_check.split("x"))
        scnn_check(n, d, Fraction(args.ratio))
        return
    sizes = "20x2,25x3" if args.quick else args.sizes
    print("Certified training (machine load affects every figure; the lead reruns idle)")
    for spec in sizes.split(","):
        n, d = (int(v) for v in spec.split("x"))
        bench(n, d, Fraction(args.ratio), args.full_max, args.scnn_neurons, args.scnn_tol)
    bench_path(20 if args.quick else 40, 2)


if __name__ == "__main__":
    main()
