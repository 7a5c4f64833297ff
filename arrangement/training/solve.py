"""Numerical solution of the training problem through its exact finite convex reformulation.

The training problems of ``docs/theory.md`` section 1 are, for data ``x_1..x_N`` and labels ``y``,

* ``P_lam`` (``lam > 0``): minimise ``1/2 ||K mu - y||^2 + lam ||mu||_TV``;
* ``P_0``: minimise ``||mu||_TV`` subject to ``K mu = y``,

over signed measures ``mu`` on the sphere of weight space. On every closed chamber cone
``K_s = {theta : s_i <theta, xt_i> >= 0}`` the feature map is linear, ``K delta(theta) = D_s X
theta`` (``D_s = diag(s_i = +1)``), so merging the mass of a measure inside each closed cone into
one point (the norm of a sum is at most the sum of the norms) gives the *exact* finite problem
(``docs/theory.md`` section 9)::

    minimise 1/2 || sum_s D_s X (u_s - w_s) - y ||^2 + lam sum_s (||u_s|| + ||w_s||)
    over u_s, w_s in K_s, for ALL chambers s,

and ``mu = sum_s ||u_s|| delta(u_s/||u_s||) - ||w_s|| delta(w_s/||w_s||)``. Every chamber of
the exact enumeration takes part (the all-inactive chamber is skipped: its ``D_s`` is zero), so
this is not a restriction to sampled activation patterns: both problems have the same optimal
value, every solution of the finite problem gives an optimal measure, and every optimal measure,
its mass merged within each closed cone, gives a solution of the finite problem.

Conic model and solver
----------------------
The problem is handed to Clarabel directly (``clarabel.DefaultSolver`` with ``scipy.sparse``
matrices) as::

    minimise 1/2 ||z||^2 + lam sum_k t_k
    subject to z - sum_k sigma_k D_s(k) X B c_k = -y        (zero cone, N rows)
               G_s(k) B c_k >= 0                            (non-negative cone, facet rows)
               (t_k, c_k) in SOC                            (one second-order cone per block)

with one block ``k`` per chamber and sign ``sigma_k = +1`` (``u_s``) or ``-1`` (``w_s``). The
residual variable ``z`` keeps the quadratic term diagonal (``N`` entries) instead of a dense
``2(r-1)D``-square matrix. ``P_0`` drops ``z``: the objective is ``sum_k t_k`` under the
equality ``sum_k sigma_k D_s X B c_k = y``. The chamber inequalities use the per-hyperplane
normals, and only the *facets* of each chamber: hyperplane ``h`` bounds ``K_s`` in a facet iff
flipping sign ``h`` gives another chamber (:func:`arrangement.geometry.graph.walls`), and a
full-dimensional polyhedral cone is the intersection of its facet half-spaces.

Why Clarabel directly: it is a maintained interior-point solver with native quadratic
objectives and second-order cones, so the model above is passed as it is, with no epigraph
reformulation; it returns primal and dual solutions with a precise status (so failures and
infeasibility are detected, never silently accepted); and the sparse matrices of tens of
thousands of blocks are built by a few vectorised numpy operations (under a second for the
40 000 blocks of 40 points in R^3), where a modelling layer such as cvxpy would compile one small
expression per block, a cost that grows with the number of blocks before the solve starts.

Cost: the ``N`` equality rows touch every block, so each interior-point iteration factors a
system whose fill grows like ``(number of blocks) x N^2``; 40 random points in ``R^3``
(19 832 chambers) take about a minute, 25 points (4 650 chambers) a few seconds.

Lineality
---------
If the data do not affinely span ``R^d`` (``rank < D``), directions orthogonal to
``L = span{xt_i}`` change neither ``K mu`` nor the chamber constraints and only add norm, so they
vanish at every optimum. The solver works in an orthonormal basis ``B`` (``D x rank``) of ``L``
(``theta = B c``, ``||theta|| = ||c||``); all reported directions lie in ``L``.

What is numeric and what is rigorous
------------------------------------
The measure, objective, residual and duality gap are floating-point results of an interior
point method (``Solution.numeric`` is always ``True``). Decisions are exact where possible:

* each atom's direction is snapped to an exact rational vector (rows within ``boundary_tol`` of
  a hyperplane are put *on* it, then the point is projected exactly onto the closed chamber cone
  it came from), and its activation pattern and zero set are decided exactly from that vector;
* the dual vector ``p`` is rounded to rationals and analysed exactly by
  :mod:`arrangement.certificates.certificate`: the exact ``sup |eta_p|^2`` says how close to
  valid the numerical certificate is, and scaling ``p`` by a rational ``c <= 1/sup|eta_p|`` makes it
  exactly feasible, which gives an exact lower bound on the optimal value (weak duality).

Dual vector and duality gap
---------------------------
For ``P_lam`` the dual is ``max_p lam <p, y> - lam^2/2 ||p||^2`` over ``sup|eta_p| <= 1`` and
``p = (y - K mu)/lam``. For ``P_0`` it is ``max_p <p, y>`` over the same set; ``p`` is minus the
multiplier of the equality ``K mu = y`` in Clarabel's convention (``A x + s = b`` with dual
objective ``-b^T z``). The reported ``duality_gap`` is the primal objective of the reported
(merged, thresholded) measure minus the dual objective of the numerical ``p``.

The minimal-norm certificate of ``P_0``
(:func:`arrangement.training.minnorm.min_norm_certificate`) is computed by a second
conic program over the dual variables, see its docstring.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.certificates.bounds import support_bounds
from arrangement.core.errors import InputError, SolverError
from arrangement.core.numbers import SIZE_NOTE, as_fraction, readable
from arrangement.training.analysis import apply_measure, certify_dual, extract_atoms, move_to_vertex
from arrangement.training.backend import clarabel_settings, run_clarabel, status_name
from arrangement.training.model import Model, build_model, primal_matrices, restrict
from arrangement.training.solution import (
    DEFAULT_BOUNDARY_TOL,
    DEFAULT_DENOMINATOR,
    DEFAULT_DROP_TOL,
    DEFAULT_EXTREME_TOL,
    DEFAULT_GAP_TOL,
    DEFAULT_MERGE_TOL,
    DEFAULT_TOL,
    Atom,
    CertificateCheck,
    Solution,
    SupportCheck,
    short_number,
)
from arrangement.training.working_set import Round, feasible_chambers, pricer

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "FLOAT_RANGE",
    "METHODS",
    "check_float_range",
    "check_labels",
    "lam_max",
    "lam_max_squared",
    "relative_gap",
    "solve",
]

#: The solution methods: column generation (default) and all chambers at once.
METHODS = ("working-set", "full")

# ---------------------------------------------------------------------------------------------
# inputs


def check_labels(arr: Arrangement, y: Sequence[Any]) -> tuple[Fraction, ...]:
    """The labels as exact fractions, one per data row (InputError otherwise)."""
    if isinstance(y, str | bytes):
        raise InputError("labels must be a sequence of numbers, not a string")
    try:
        values = tuple(as_fraction(v, row=i) for i, v in enumerate(y))
    except TypeError:
        raise InputError("labels must be a sequence of numbers") from None
    if len(values) != arr.n_points:
        raise InputError(f"{len(values)} labels for {arr.n_points} input rows")
    return values


#: Magnitudes the float solver accepts (non-zero values outside are refused, not rounded).
FLOAT_RANGE = (1e-150, 1e150)


def check_float_range(arr: Arrangement, y: Sequence[Fraction]) -> None:
    """Refuse data or labels whose non-zero magnitudes leave ``FLOAT_RANGE``.

    The solver works in floating point; squares and products of the data must stay finite and
    non-zero values must not underflow to zero. Raises :class:`InputError` naming the value
    and its row (0-based; the command line turns it into the file's line).
    """
    low, high = FLOAT_RANGE
    for i, row in enumerate(arr.points):
        for v in row:
            if v != 0 and not (low <= abs(v) <= high):
                raise InputError(
                    f"value {short_number(v)} is beyond the range of the float solver "
                    f"({low:g} to {high:g} in magnitude); rescale the data (--standardize)",
                    row=i,
                )
    for i, v in enumerate(y):
        if v != 0 and not (low <= abs(v) <= high):
            raise InputError(
                f"label {short_number(v)} is beyond the range of the float solver "
                f"({low:g} to {high:g} in magnitude); rescale the labels",
                row=i,
            )


def _lam(lam: Any, interpolate: bool) -> Fraction | None:
    if interpolate and lam is not None:
        raise InputError("give either lam (P_lam) or interpolate=True (P_0), not both")
    if not interpolate and lam is None:
        raise InputError("give lam > 0 for P_lam or interpolate=True for P_0")
    if lam is None:
        return None
    value = as_fraction(lam)
    if value <= 0:
        raise InputError(f"lam must be positive, got {readable(value, limit=SIZE_NOTE)}")
    return value


def _check_interpolable(arr: Arrangement, y: Sequence[Fraction]) -> None:
    """Repeated points with different labels make ``P_0`` infeasible (decided exactly).

    Distinct points can always be interpolated: along a direction separating their projections,
    ReLUs with breakpoints between consecutive points give a triangular system.
    """
    first: dict[int, int] = {}
    for i, h in enumerate(arr.row_to_hyperplane):
        j = first.setdefault(h, i)
        if y[j] != y[i]:
            raise SolverError(
                f"P_0 is infeasible: rows {j} and {i} are the same point with different labels "
                f"{readable(y[j], limit=SIZE_NOTE)} and {readable(y[i], limit=SIZE_NOTE)}; "
                "no measure interpolates them "
                "(use lam > 0)"
            )


# ---------------------------------------------------------------------------------------------
# public API


def solve(
    arr: Arrangement,
    y: Sequence[Any],
    *,
    lam: Any = None,
    interpolate: bool = False,
    tol: float = DEFAULT_TOL,
    max_iter: int = 200,
    drop_tol: float = DEFAULT_DROP_TOL,
    merge_tol: float = DEFAULT_MERGE_TOL,
    boundary_tol: float = DEFAULT_BOUNDARY_TOL,
    extreme_tol: float = DEFAULT_EXTREME_TOL,
    dual_denominator: int = DEFAULT_DENOMINATOR,
    certify: bool = True,
    solver_options: Mapping[str, Any] | None = None,
    verbose: bool = False,
    vertex: bool = False,
    method: str = "working-set",
    gap_tol: float = DEFAULT_GAP_TOL,
    start: Sequence[int] | None = None,
    top_k: int | None = None,
    progress: Callable[[Round], None] | None = None,
) -> Solution:
    """Solve ``P_lam`` or ``P_0`` through the exact reformulation over all chambers.

    Parameters
    ----------
    arr : Arrangement
        The arrangement of the data (:meth:`Arrangement.from_points`).
    y : sequence of numbers
        One label per input row (read exactly; used as floats by the solver).
    lam : number, optional
        ``lam > 0`` selects ``P_lam`` (read exactly, e.g. ``"1/100"``).
    interpolate : bool, optional
        Select ``P_0`` (minimal total variation subject to ``K mu = y``).
    tol : float, optional
        Clarabel's absolute and relative gap tolerance and feasibility tolerance.
    max_iter : int, optional
        Interior-point iteration limit.
    drop_tol : float, optional
        A block (and an atom after merging) is dropped when its mass is at most
        ``drop_tol * max(total mass, ||y|| / max_i ||xt_i||)``; the dropped mass is reported.
    merge_tol : float, optional
        Blocks whose unit directions differ by at most this (Euclidean distance) are one atom;
        snapped atoms with the same exact direction are always merged.
    boundary_tol : float, optional
        Rows with ``|<d, xt_i>| <= boundary_tol * ||xt_i||`` are put exactly on the hyperplane
        before the exact pattern is decided.
    extreme_tol : float, optional
        An atom is "at an extreme point" of the rounded certificate when its angle to the
        chamber's maximiser and ``|value^2 - 1|`` are at most this.
    dual_denominator : int, optional
        The dual vector is rounded entry-wise with ``Fraction.limit_denominator``.
    certify : bool, optional
        Run the exact certificate analysis of the rounded dual vector.
    solver_options : mapping, optional
        Further ``clarabel.DefaultSettings`` attributes by name (for example
        ``{"time_limit": 60.0}`` or ``{"direct_solve_method": "faer"}``).
    verbose : bool, optional
        Let Clarabel print its iterations.
    vertex : bool, optional
        When the minimiser is not unique the interior-point method returns a point inside the
        optimal face, often with more than ``N`` atoms. With ``vertex=True`` one simplex linear
        program over the atoms found moves to a vertex of that face: the same ``K mu``, a total
        variation no larger, at most ``N`` atoms (see ``move_to_vertex``). Default ``False``.

    Returns
    -------
    Solution

    Raises
    ------
    InputError
        ``lam <= 0``, both or neither of ``lam`` and ``interpolate``, a label count different
        from ``N``, or non-numeric labels.
    SolverError
        Clarabel failed, hit a limit or reported infeasibility, or ``P_0`` is infeasible
        (repeated points with different labels, decided exactly before solving).

    Examples
    --------
    One point ``x = 0`` (``xt = (0, 1)``), label 2: ``t = lam/|xt| = 1/2`` and the objective is
    ``t |y| - t^2/2 = 7/8`` with one atom at ``xt/|xt|``.

    >>> from arrangement import Arrangement
    >>> sol = solve(Arrangement.from_points([[0]]), [2], lam="1/2")
    >>> sol.n_atoms, round(sol.objective, 6), sol.atoms[0].exact_direction
    (1, 0.875, (0, 1))
    >>> sol.atoms[0].pattern, sol.certificate.sup_norm_squared
    ((0,), Fraction(1, 1))

    Notes
    -----
    The conic model has ``2 (r - 1)`` blocks of ``rank + 1`` variables, ``N`` equality rows,
    one row per facet of each block's chamber and one second-order cone per block; Clarabel's
    cost is dominated by the sparse factorisation of its KKT system. The exact certificate
    analysis visits all ``r`` chambers (see :mod:`arrangement.certificates.certificate`).
    """
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if not (0 < gap_tol < 1):
        raise InputError(f"gap_tol must be in (0, 1), got {gap_tol}")
    lam_q = _lam(lam, interpolate)
    yq = check_labels(arr, y)
    if arr.n_points == 0:
        raise InputError("no data rows")
    if lam_q is None:
        _check_interpolable(arr, yq)
    check_float_range(arr, yq)
    tolerances = {
        "tol": tol,
        "drop_tol": drop_tol,
        "merge_tol": merge_tol,
        "boundary_tol": boundary_tol,
        "extreme_tol": extreme_tol,
        "dual_denominator": dual_denominator,
        "gap_tol": gap_tol,
    }
    lmax_sq = lam_max_squared(arr, yq) if lam_q is not None else None
    if lam_q is not None and lmax_sq is not None and lam_q**2 >= lmax_sq:
        # lam >= lam_max = sup |eta_y| (decided exactly): p = y / lam is a valid certificate of
        # the zero measure, which is therefore optimal. No numerical solve is needed.
        return _zero_solution(arr, yq, lam_q, certify=certify, tolerances=tolerances)
    yf = _floats(yq, "labels")
    lam_f = None if lam_q is None else float(_floats([lam_q], "lam")[0])
    if lam_q is not None and lam_f == 0:
        raise InputError(
            f"lam = {readable(lam_q, limit=SIZE_NOTE)} is below the range of the float solver"
        )
    what = "P_0" if lam_q is None else f"P_lam (lam = {readable(lam_q, limit=SIZE_NOTE)})"
    model = build_model(arr)
    settings = clarabel_settings(tol, max_iter, verbose, solver_options)
    options = _Options(
        drop_tol=drop_tol,
        merge_tol=merge_tol,
        boundary_tol=boundary_tol,
        extreme_tol=extreme_tol,
        dual_denominator=dual_denominator,
        certify=certify or method == "working-set",
        vertex=vertex,
    )
    if method == "full":
        out = _solve_restricted(arr, model, yf, lam_f, settings, what)
        result = _assemble(arr, model, out, yq, yf, lam_q, lam_f, options)
        rounds: tuple[Round, ...] = ()
        used = model.chambers
    else:
        result, rounds, used = _working_set_loop(
            arr,
            model,
            yq,
            yf,
            lam_q,
            lam_f,
            settings,
            what,
            options,
            gap_tol=gap_tol,
            start=start,
            top_k=top_k,
            progress=progress,
        )
    cert = result.certificate
    return Solution(
        problem="P_0" if lam_q is None else "P_lam",
        lam=lam_q,
        atoms=tuple(result.atoms),
        objective=result.objective,
        solver_objective=result.solver_objective,
        dual=result.dual,
        dual_objective=result.dual_objective,
        duality_gap=result.objective - result.dual_objective,
        residual=result.residual,
        status=result.status,
        iterations=result.iterations,
        solve_time=result.solve_time,
        tolerances=tolerances,
        dropped_mass=result.dropped,
        drop_threshold=result.threshold,
        n_blocks=2 * len(used),
        support_bound=_support_check(arr, result.atoms),
        certificate=cert if certify else None,
        atoms_before_vertex=result.before_vertex,
        method=method,
        rounds=rounds,
        working_set=tuple(int(c) for c in used),
        lam_max_squared=lmax_sq,
        n_chambers=arr.n_regions,
    )


# ---------------------------------------------------------------------------------------------
# one restricted solve, and its analysis


@dataclass(frozen=True, slots=True)
class _Options:
    drop_tol: float
    merge_tol: float
    boundary_tol: float
    extreme_tol: float
    dual_denominator: int
    certify: bool
    vertex: bool


@dataclass(frozen=True, slots=True)
class _Raw:
    """Clarabel's answer for a (restricted) model."""

    model: Model
    blocks: np.ndarray
    dual: np.ndarray
    objective: float
    status: str
    iterations: int
    solve_time: float


@dataclass(frozen=True, slots=True)
class _Result:
    atoms: list[Atom]
    objective: float
    solver_objective: float
    dual: np.ndarray
    dual_objective: float
    residual: np.ndarray
    status: str
    iterations: int
    solve_time: float
    dropped: float
    threshold: float
    before_vertex: int | None
    certificate: CertificateCheck | None


def _solve_restricted(
    arr: Arrangement,
    model: Model,
    yf: np.ndarray,
    lam_f: float | None,
    settings: Any,
    what: str,
) -> _Raw:
    """Clarabel on ``model`` (all chambers, or a working set): blocks and the dual vector."""
    p_mat, q, a, b, cones, offset = primal_matrices(model, yf, lam_f)
    sol = run_clarabel(p_mat, q, a, b, cones, settings, what)
    x = np.asarray(sol.x, dtype=float)
    z = np.asarray(sol.z, dtype=float)
    n_blocks = 2 * len(model.chambers)
    blocks = x[offset:].reshape(n_blocks, model.m + 1)[:, 1:] if n_blocks else np.zeros((0, 1))
    if lam_f is not None:
        dual = -x[: arr.n_points] / lam_f  # z = K mu - y, p = (y - K mu) / lam
    else:
        dual = -z[: arr.n_points]  # multiplier of K mu = y, dual objective -b^T z
    return _Raw(
        model,
        blocks,
        dual,
        float(sol.obj_val),
        status_name(sol.status),
        int(sol.iterations),
        float(sol.solve_time),
    )


def _assemble(
    arr: Arrangement,
    model: Model,
    raw: _Raw,
    yq: Sequence[Fraction],
    yf: np.ndarray,
    lam_q: Fraction | None,
    lam_f: float | None,
    opt: _Options,
    start: np.ndarray | None = None,
) -> _Result:
    """Atoms (dropped, merged, snapped), the objective, and the exact analysis of the dual.

    ``start``: float multipliers for the certificate's pruning (see ``certify``).
    """
    xnorm = max(float(np.linalg.norm(row)) for row in model.xb) if len(model.xb) else 1.0
    scale = float(np.linalg.norm(yf)) / xnorm
    atoms, dropped, threshold = extract_atoms(
        arr,
        raw.model,
        raw.blocks,
        scale=scale,
        drop_tol=opt.drop_tol,
        merge_tol=opt.merge_tol,
        boundary_tol=opt.boundary_tol,
    )
    before_vertex = len(atoms) if opt.vertex else None
    if opt.vertex:
        atoms = move_to_vertex(arr, atoms, threshold)
    residual = apply_measure(arr, atoms) - yf
    tv = float(sum(abs(at.amplitude) for at in atoms))
    dual = raw.dual
    if lam_f is not None:
        objective = 0.5 * float(residual @ residual) + lam_f * tv
        dual_objective = lam_f * float(dual @ yf) - 0.5 * lam_f**2 * float(dual @ dual)
    else:
        objective = tv
        dual_objective = float(dual @ yf)
    cert = (
        certify_dual(
            arr,
            dual,
            yq,
            lam_q,
            atoms,
            denominator=opt.dual_denominator,
            extreme_tol=opt.extreme_tol,
            start=start,
        )
        if opt.certify
        else None
    )
    return _Result(
        atoms,
        objective,
        raw.objective,
        dual,
        dual_objective,
        residual,
        raw.status,
        raw.iterations,
        raw.solve_time,
        dropped,
        threshold,
        before_vertex,
        cert,
    )


def relative_gap(objective: float, lower_bound: Fraction) -> float:
    """``(objective - lower_bound) / max(|objective|, tiny)``, the certified relative gap.

    ``lower_bound`` is exact; the difference is rounded upwards by one ulp of the objective so
    the float result does not understate it.
    """
    lb = _safe_float(lower_bound)
    gap = objective - lb
    gap = float(np.nextafter(gap, np.inf)) if gap >= 0 else gap
    return gap / max(abs(objective), 1e-300)


def _safe_float(x: Fraction) -> float:
    try:
        return float(x)
    except OverflowError:
        return float("inf") if x > 0 else float("-inf")


# ---------------------------------------------------------------------------------------------
# the working-set loop


def _working_set_loop(
    arr: Arrangement,
    model: Model,
    yq: Sequence[Fraction],
    yf: np.ndarray,
    lam_q: Fraction | None,
    lam_f: float | None,
    settings: Any,
    what: str,
    opt: _Options,
    *,
    gap_tol: float,
    start: Sequence[int] | None,
    top_k: int | None,
    progress: Callable[[Round], None] | None,
) -> tuple[_Result, tuple[Round, ...], np.ndarray]:
    """Column generation; stops only when the exact certificate certifies the gap."""
    import time

    c = len(model.chambers)
    price = pricer(arr, model)
    k = top_k if top_k is not None else max(8, arr.n_points)
    if k < 1:
        raise InputError(f"top_k must be positive, got {k}")
    position = np.full(model.n_regions, -1, dtype=np.int64)
    position[model.chambers] = np.arange(c)
    in_w = np.zeros(c, dtype=bool)
    left = np.zeros(c, dtype=bool)  # chambers that already left W once (never again)
    if start is not None:
        pos = position[np.asarray([int(s) for s in start if 0 <= int(s) < model.n_regions])]
        in_w[pos[pos >= 0]] = True
    if lam_f is None:
        in_w[feasible_chambers(arr, model)] = True
    # the most violated chambers at p = y (the certificate of lam_max)
    first = price.prices(yf, threshold=0.0, iterations=0, need=k, skip=in_w)[0]
    in_w[np.argsort(-first, kind="stable")[:k]] = True
    rounds: list[Round] = []
    best: _Result | None = None
    tightened = False
    tight = settings.tol_feas
    loose = tight < _LOOSE_TOL  # early rounds only propose columns: a looser solve will do
    # each round adds a chamber and a chamber leaves W at most once: at most 2c + 2 rounds
    max_rounds = max(_MAX_ROUNDS, 2 * c + 2)
    for index in range(1, max_rounds + 1):
        t0 = time.perf_counter()
        positions = np.flatnonzero(in_w)
        sub = restrict(model, positions)
        level = _LOOSE_TOL if loose else tight
        settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = level
        raw = _solve_restricted(arr, sub, yf, lam_f, settings, what)
        # cheap prices first (no projected-gradient iterations, warm multipliers): when they
        # already show k violated chambers, those join and the expensive pricing is skipped
        lower, upper = price.prices(
            raw.dual, threshold=1.0 + _PRICE_TOL, iterations=0, need=k, skip=in_w
        )
        if np.count_nonzero((lower > 1.0 + _PRICE_TOL) & ~in_w) < k:
            lower, upper = price.prices(raw.dual, threshold=1.0)
        lower[in_w] = 0.0  # in W: solved to tolerance
        upper[in_w] = np.minimum(upper[in_w], 1.0)
        violated = np.flatnonzero(lower > 1.0 + _PRICE_TOL)
        unsure = np.flatnonzero((upper > 1.0 + _UNSURE_TOL) & (lower <= 1.0 + _PRICE_TOL))
        if len(violated) < k and len(unsure):
            # sharpen the chambers the floats cannot yet decide
            lower[unsure], upper[unsure] = price.refine(raw.dual, unsure)
            violated = np.flatnonzero(lower > 1.0 + _PRICE_TOL)
            unsure = np.flatnonzero((upper > 1.0 + _UNSURE_TOL) & (lower <= 1.0 + _PRICE_TOL))
        if len(violated) < k and len(unsure):
            # still undecided: the largest upper bounds join too (a column too many is only
            # work; the exact certificate is what stops the loop)
            extra = unsure[np.argsort(-upper[unsure], kind="stable")[: k - len(violated)]]
            violated = np.concatenate([violated, extra])
            lower[extra] = np.maximum(lower[extra], 1.0 + 2 * _PRICE_TOL)
        max_price = float(upper.max()) if c else 0.0
        if loose and (max_price < 1.0 + _LOOSE_PRICE or not len(violated)):
            loose = False  # close to the end: from now on, solve to the full tolerance
            if not len(violated):
                continue
        if len(violated):
            # a fixed budget of k chambers per round (the most violated by the float lower
            # bound): W stays near the support plus the last additions
            add = violated[np.argsort(-lower[violated], kind="stable")[:k]]
            # chambers without mass in this restricted optimum and clearly slack in the
            # dual leave W: the same blocks stay optimal for the smaller problem, so the
            # restricted optimal value never increases; the exact certificate still decides.
            # A chamber leaves at most once, so the loop still ends (each round adds one).
            mass = np.linalg.norm(raw.blocks.reshape(len(positions), -1), axis=1)
            top = float(mass.max()) if len(mass) else 0.0
            maybe = (mass <= _IDLE_MASS * top) & ~left[positions]
            # the cheap pricing leaves most of W unpriced (upper = ||v_s||): price the
            # massless chambers of W now, so the slack ones can leave in every round
            slack = np.zeros(len(positions), dtype=bool)
            if maybe.any():
                slack[maybe] = price.refine(raw.dual, positions[maybe], iterations=50)[1] < _SLACK
            idle = positions[maybe & slack]
            in_w[idle] = False
            left[idle] = True
            in_w[add] = True
            rounds.append(
                Round(
                    index,
                    len(positions),
                    len(add),
                    max_price,
                    None,
                    False,
                    time.perf_counter() - t0,
                )
            )
            if progress is not None:
                progress(rounds[-1])
            continue
        # floats see no violation: the exact certificate over ALL chambers decides
        result = _assemble(
            arr, model, raw, yq, yf, lam_q, lam_f, opt, start=price.certificate_start(arr)
        )
        cert = result.certificate
        assert cert is not None
        gap = relative_gap(result.objective, cert.lower_bound)
        best = result
        added = 0
        # P_0: the TV of a float measure is no strict upper bound, so |gap| is what counts
        gap_size = abs(gap) if lam_f is None else gap
        if gap_size > gap_tol:
            # chambers the exact check found violated go back into the loop
            missing = [
                position[ch]
                for ch in _violated_chambers(arr, cert)
                if position[ch] >= 0 and not in_w[position[ch]]
            ]
            if missing:
                in_w[np.asarray(missing)] = True
                added = len(missing)
            elif not tightened:
                # nothing left to add: the restricted solve was not accurate enough
                tight = min(tight, 1e-11)
                tightened = True
                added = -1
        rounds.append(
            Round(
                index, len(positions), max(added, 0), max_price, gap, True, time.perf_counter() - t0
            )
        )
        if progress is not None:
            progress(rounds[-1])
        if gap_size <= gap_tol or added == 0:
            return result, tuple(rounds), model.chambers[positions]
    assert best is not None or True
    if best is None:
        raise SolverError(f"the working-set method did not converge in {max_rounds} rounds")
    return best, tuple(rounds), model.chambers[np.flatnonzero(in_w)]


#: Float prices above ``1 + _PRICE_TOL`` add a chamber to the working set.
_PRICE_TOL = 1e-9
#: Chambers whose float upper bound exceeds ``1 + _UNSURE_TOL`` (lower bound not) are refined,
#: then added by upper bound; below it the exact certificate decides.
_UNSURE_TOL = 1e-6
#: Solver tolerance of the early rounds, until the float prices come within ``_LOOSE_PRICE``.
_LOOSE_TOL = 1e-6
_LOOSE_PRICE = 1e-2
#: Chambers whose blocks carry at most this fraction of the largest block mass, and whose float
#: price is below ``_SLACK``, leave the working set after a round.
_IDLE_MASS = 1e-6
_SLACK = 0.999
#: Rounds before the working-set loop gives up (at least; see ``max_rounds``).
_MAX_ROUNDS = 500


def _violated_chambers(arr: Arrangement, cert: CertificateCheck) -> list[int]:
    """Chambers holding a maximiser of ``|eta_p|`` when ``sup |eta_p| > 1`` (exact)."""
    if cert.valid or cert.certificate is None:
        return []
    out: list[int] = []
    for e in cert.certificate.maximisers:
        out.extend(e.chambers)
    return out


def _floats(values: Sequence[Fraction], what: str) -> np.ndarray:
    """Exact numbers as floats for the numerical solver; InputError if beyond the float range."""
    try:
        out = np.array([float(v) for v in values], dtype=float)
    except OverflowError:
        raise InputError(f"{what}: a value is beyond the float range of the solver") from None
    return out


def lam_max_squared(arr: Arrangement, y: Sequence[Any]) -> Fraction:
    """``lam_max^2 = sup |eta_y|^2``, exactly: for ``lam >= lam_max`` the zero measure is optimal.

    ``p = y / lam`` is the dual vector of the zero measure; it is feasible iff
    ``sup |eta_y| <= lam``. The square is rational (docs/theory.md, section 6); ``lam_max`` itself
    usually is not (see :func:`lam_max`). Cached on the arrangement per label vector.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> lam_max_squared(Arrangement.from_points([[0], [1]]), [1, 1])
    Fraction(5, 1)
    """
    from arrangement.certificates.certificate import certify as certify_exact

    yq = check_labels(arr, y)
    return arr._cached(
        "lam_max_squared:" + ",".join(map(str, yq)),
        lambda: certify_exact(arr, yq).sup_norm_squared,
    )


def lam_max(arr: Arrangement, y: Sequence[Any]) -> float:
    """``lam_max = sqrt(lam_max_squared)`` as a float (``inf`` beyond the float range).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> round(lam_max(Arrangement.from_points([[0], [1]]), [1, 1]), 9)
    2.236067977
    """
    sq = lam_max_squared(arr, y)
    return math.sqrt(_safe_float(sq)) if sq >= 0 else 0.0


def _support_check(arr: Arrangement, atoms: Sequence[Atom]) -> SupportCheck:
    """The support bounds that hold for the arrangement, against the atoms of a solution."""
    found = {b.name: b for b in support_bounds(arr) if b.holds}
    n_pos = sum(1 for at in atoms if at.amplitude > 0)
    return SupportCheck(
        per_sign=found["per_sign"].value,
        total=found["total"].value,
        n_positive=n_pos,
        n_negative=len(atoms) - n_pos,
        bounds={name: b.to_dict() for name, b in found.items()},
    )


def _zero_solution(
    arr: Arrangement,
    yq: Sequence[Fraction],
    lam_q: Fraction,
    *,
    certify: bool,
    tolerances: dict[str, float],
) -> Solution:
    """The exactly optimal zero measure of ``P_lam`` for ``lam >= lam_max``."""
    yf = _floats(yq, "labels")
    dual = _floats([v / lam_q for v in yq], "y / lam")  # |y / lam| <= |y|: in range
    objective = 0.5 * float(yf @ yf)
    cert = (
        certify_dual(
            arr,
            [v / lam_q for v in yq],  # the exact optimal dual vector y / lam
            yq,
            lam_q,
            [],
            denominator=int(tolerances["dual_denominator"]),
            extreme_tol=tolerances["extreme_tol"],
        )
        if certify
        else None
    )
    return Solution(
        problem="P_lam",
        lam=lam_q,
        atoms=(),
        objective=objective,
        solver_objective=objective,
        dual=dual,
        dual_objective=objective,
        duality_gap=0.0,
        residual=-yf,
        status="ZeroMeasure (exact: lam >= lam_max)",
        iterations=0,
        solve_time=0.0,
        tolerances=dict(tolerances),
        dropped_mass=0.0,
        drop_threshold=0.0,
        n_blocks=0,
        support_bound=_support_check(arr, ()),
        certificate=cert,
    )
