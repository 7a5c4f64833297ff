"""Numerical solution of the training problem through its exact finite convex reformulation.

The training problems of ``THEORY.md`` section 1 are, for data ``x_1..x_N`` and labels ``y``,

* ``P_lam`` (``lam > 0``): minimise ``1/2 ||K mu - y||^2 + lam ||mu||_TV``;
* ``P_0``: minimise ``||mu||_TV`` subject to ``K mu = y``,

over signed measures ``mu`` on the sphere of weight space. On every closed chamber cone
``K_s = {theta : s_i <theta, xt_i> >= 0}`` the feature map is linear, ``K delta(theta) = D_s X
theta`` (``D_s = diag(s_i = +1)``), so merging the mass of a measure inside each closed cone into
one point (the norm of a sum is at most the sum of the norms) gives the *exact* finite problem
(``THEORY.md`` section 6)::

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
flipping sign ``h`` gives another chamber (:func:`arrangement.graph.walls`), and a
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
  :mod:`arrangement.certificate`: the exact ``sup |eta_p|^2`` says how close to valid the
  numerical certificate is, and scaling ``p`` by a rational ``c <= 1/sup|eta_p|`` makes it
  exactly feasible, which gives an exact lower bound on the optimal value (weak duality).

Dual vector and duality gap
---------------------------
For ``P_lam`` the dual is ``max_p lam <p, y> - lam^2/2 ||p||^2`` over ``sup|eta_p| <= 1`` and
``p = (y - K mu)/lam``. For ``P_0`` it is ``max_p <p, y>`` over the same set; ``p`` is minus the
multiplier of the equality ``K mu = y`` in Clarabel's convention (``A x + s = b`` with dual
objective ``-b^T z``). The reported ``duality_gap`` is the primal objective of the reported
(merged, thresholded) measure minus the dual objective of the numerical ``p``.

The minimal-norm certificate of ``P_0`` (:func:`min_norm_certificate`) is computed by a second
conic program over the dual variables, see its docstring.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement._linalg import kernel_basis, primitive
from arrangement.bounds import support_bounds
from arrangement.errors import InputError, SolverError
from arrangement.numbers import as_fraction, fraction_str

if TYPE_CHECKING:
    import scipy.sparse as sp

    from arrangement.arrangement import Arrangement

__all__ = [
    "Atom",
    "AtomCheck",
    "CertificateCheck",
    "MinNormCertificate",
    "Solution",
    "SupportCheck",
    "min_norm_certificate",
    "solve",
]

#: Relative duality gap above which a solution is reported as inaccurate.
_GAP_TOL = 1e-6

#: Clarabel statuses whose solution is used; every other status raises SolverError.
ACCEPTED_STATUSES = ("Solved", "AlmostSolved")

#: Default tolerances (documented in :func:`solve`).
DEFAULT_TOL = 1e-9
DEFAULT_DROP_TOL = 1e-6
DEFAULT_MERGE_TOL = 1e-5
DEFAULT_BOUNDARY_TOL = 1e-6
DEFAULT_EXTREME_TOL = 1e-4
DEFAULT_DENOMINATOR = 10**6

_DIRECTION_DENOMINATOR = 10**9


# ---------------------------------------------------------------------------------------------
# result values


@dataclass(frozen=True, slots=True)
class Atom:
    """One atom ``amplitude * delta(direction)`` of the computed measure.

    Attributes
    ----------
    direction : tuple of float
        Unit vector in weight space ``R^D`` (the float image of ``exact_direction``).
    amplitude : float
        Signed mass of the atom.
    exact_direction : tuple of int
        Primitive integer vector of the exact rational point the direction was snapped to.
    pattern : tuple of int
        Active input rows, ``<theta, xt_i> > 0``, decided exactly on ``exact_direction``.
    zero_set : tuple of int
        Input rows with ``<theta, xt_i> = 0`` exactly (empty for an atom inside a chamber).
    chambers : tuple of int
        The chambers whose cone blocks contributed mass to this atom (several when an atom on a
        boundary was found in several closed cones and merged).
    """

    direction: tuple[float, ...]
    amplitude: float
    exact_direction: tuple[int, ...]
    pattern: tuple[int, ...]
    zero_set: tuple[int, ...]
    chambers: tuple[int, ...]

    @property
    def sign(self) -> int:
        """+1 or -1, the sign of the amplitude."""
        return 1 if self.amplitude > 0 else -1

    @property
    def interior(self) -> bool:
        """Whether the atom lies inside an open chamber (its zero set is empty)."""
        return not self.zero_set

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: direction, amplitude, pattern, exact direction and zero set."""
        return {
            "direction": [float(x) for x in self.direction],
            "amplitude": float(self.amplitude),
            "pattern": list(self.pattern),
            "exact_direction": list(self.exact_direction),
            "zero_set": list(self.zero_set),
            "chambers": list(self.chambers),
        }


@dataclass(frozen=True, slots=True)
class SupportCheck:
    """The support bounds of :func:`arrangement.bounds.support_bounds` against a solution.

    Attributes
    ----------
    per_sign : int
        ``r - 1``: each closed chamber except the all-inactive one holds at most one atom of
        each sign, for every minimiser (``THEORY.md`` 4.1).
    total : int
        ``2 (r - 1)``.
    n_positive, n_negative : int
        Atoms of each sign in the computed measure.
    bounds : dict
        Every bound that holds for the arrangement, by name, as ``bounds.SupportBound.to_dict``
        (value, quantity bounded, hypothesis).
    """

    per_sign: int
    total: int
    n_positive: int
    n_negative: int
    bounds: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def satisfied(self) -> bool:
        """Whether the computed measure respects the per-sign and total bounds."""
        return (
            self.n_positive <= self.per_sign
            and self.n_negative <= self.per_sign
            and self.n_positive + self.n_negative <= self.total
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``per_sign``, ``total``, the counts and every bound."""
        return {
            "per_sign": self.per_sign,
            "total": self.total,
            "n_positive": self.n_positive,
            "n_negative": self.n_negative,
            "satisfied": self.satisfied,
            "bounds": self.bounds,
        }


@dataclass(frozen=True, slots=True)
class AtomCheck:
    """How one atom compares with the extreme points of the rounded certificate.

    Attributes
    ----------
    atom : int
        Index of the atom in :attr:`Solution.atoms`.
    chamber : int
        The chamber in which ``sign * eta_p`` was maximised (the atom's main chamber).
    value_squared : Fraction
        Exact ``(max of sign * eta_p over the closed chamber on the sphere)^2``, ``0`` when the
        maximum is not positive.
    extreme_direction : tuple of int or None
        Primitive integer maximiser, ``None`` when the maximum is not positive.
    angle : float
        Angle (radians) between the atom and the maximiser (``pi`` when there is none).
    at_extreme : bool
        ``angle <= extreme_tol`` and ``|value_squared - 1| <= extreme_tol``.
    """

    atom: int
    chamber: int
    value_squared: Fraction
    extreme_direction: tuple[int, ...] | None
    angle: float
    at_extreme: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (exact values as ``"p/q"`` strings)."""
        return {
            "atom": self.atom,
            "chamber": self.chamber,
            "value_squared": fraction_str(self.value_squared),
            "extreme_direction": (
                None if self.extreme_direction is None else list(self.extreme_direction)
            ),
            "angle": float(self.angle),
            "at_extreme": self.at_extreme,
        }


@dataclass(frozen=True, slots=True)
class CertificateCheck:
    """Exact analysis of a rational rounding of the numerical dual vector.

    Attributes
    ----------
    dual : tuple of Fraction
        The rounded dual vector ``p`` (one entry per input row).
    sup_norm_squared : Fraction
        Exact ``sup |eta_p|^2`` over the sphere.
    valid : bool
        ``sup_norm_squared <= 1``.
    scale : Fraction
        A rational ``c <= 1/sup|eta_p|`` (``1`` when valid): ``c p`` is an exactly feasible dual
        vector.
    lower_bound : Fraction
        Exact lower bound on the optimal value of the problem, the dual objective of the best
        feasible multiple ``c' p`` with ``0 <= c' <= c`` (weak duality).
    atoms : tuple of AtomCheck
        One comparison per atom.
    n_exact_chambers : int or None
        Chambers that needed the exact projection (as reported by the certificate code).
    """

    dual: tuple[Fraction, ...]
    sup_norm_squared: Fraction
    valid: bool
    scale: Fraction
    lower_bound: Fraction
    atoms: tuple[AtomCheck, ...]
    n_exact_chambers: int | None = None

    @property
    def atoms_at_extremes(self) -> bool:
        """Whether every atom lies (to tolerance) at an extreme point of the certificate."""
        return all(a.at_extreme for a in self.atoms)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (exact values as ``"p/q"`` strings)."""
        return {
            "sup_norm_squared": fraction_str(self.sup_norm_squared),
            "sup_norm_squared_float": float(self.sup_norm_squared),
            "valid": self.valid,
            "dual": [fraction_str(q) for q in self.dual],
            "scale": fraction_str(self.scale),
            "lower_bound": fraction_str(self.lower_bound),
            "lower_bound_float": float(self.lower_bound),
            "atoms_at_extremes": self.atoms_at_extremes,
            "atoms": [a.to_dict() for a in self.atoms],
            "n_exact_chambers": self.n_exact_chambers,
        }


@dataclass(frozen=True, slots=True)
class Solution:
    """Numerical solution of ``P_lam`` or ``P_0`` with its exact checks.

    Attributes
    ----------
    problem : str
        ``"P_lam"`` or ``"P_0"``.
    lam : Fraction or None
        The regularisation weight (``None`` for ``P_0``).
    atoms : tuple of Atom
        The measure, parallel directions merged, atoms below the drop threshold removed; sorted
        by decreasing ``|amplitude|``.
    objective : float
        Primal objective of the reported measure (``1/2||K mu - y||^2 + lam ||mu||`` or
        ``||mu||``).
    solver_objective : float
        Objective value reported by Clarabel (of its unmerged iterate).
    dual : numpy.ndarray
        Float dual vector ``p`` (length ``N``).
    dual_objective : float
        Dual objective of ``dual`` (a lower bound only if ``dual`` is feasible; see
        :attr:`CertificateCheck.lower_bound` for the exact one).
    duality_gap : float
        ``objective - dual_objective``.
    residual : numpy.ndarray
        ``K mu - y`` for the reported measure.
    status : str
        Clarabel's status (``"Solved"`` or ``"AlmostSolved"``; other statuses raise).
    iterations : int
        Interior-point iterations.
    solve_time : float
        Seconds spent in Clarabel.
    tolerances : dict
        ``tol`` (Clarabel gap and feasibility tolerances), ``drop_tol``, ``merge_tol``,
        ``boundary_tol``, ``extreme_tol``, ``dual_denominator``.
    dropped_mass : float
        Total mass of the blocks below the drop threshold.
    drop_threshold : float
        The mass below which a block was dropped.
    n_blocks : int
        Number of cone blocks ``2 (r - 1)`` in the conic model.
    support_bound : SupportCheck
        The bounds of ``THEORY.md`` 4.1 and the atom counts.
    certificate : CertificateCheck or None
        Exact analysis of the rounded dual vector (``None`` if ``certify=False``).
    numeric : bool
        Always ``True``: the measure is a floating-point result.
    atoms_before_vertex : int or None
        With ``vertex=True``, the number of atoms before the move to a vertex of the optimal
        face (``None`` when that step was not asked for).
    """

    problem: str
    lam: Fraction | None
    atoms: tuple[Atom, ...]
    objective: float
    solver_objective: float
    dual: np.ndarray = field(repr=False)
    dual_objective: float
    duality_gap: float
    residual: np.ndarray = field(repr=False)
    status: str
    iterations: int
    solve_time: float
    tolerances: dict[str, float]
    dropped_mass: float
    drop_threshold: float
    n_blocks: int
    support_bound: SupportCheck
    certificate: CertificateCheck | None
    numeric: bool = True
    atoms_before_vertex: int | None = None

    @property
    def n_atoms(self) -> int:
        """Number of atoms of the reported measure."""
        return len(self.atoms)

    @property
    def accurate(self) -> bool:
        """Whether the relative duality gap is small: ``|gap| <= 1e-6 max(|primal|, |dual|)``.

        A larger (or clearly negative) gap means the floating-point solve lost accuracy (for
        example for a ``lam`` many orders of magnitude below the data's scale): the measure
        is then not to be trusted, whatever Clarabel's status says.
        """
        scale = max(abs(self.objective), abs(self.dual_objective))
        return bool(np.isfinite(self.duality_gap)) and abs(self.duality_gap) <= _GAP_TOL * scale

    @property
    def residual_norm(self) -> float:
        """``||K mu - y||``."""
        return float(np.linalg.norm(self.residual))

    @property
    def total_variation(self) -> float:
        """``||mu||_TV``, the sum of ``|amplitude|``."""
        return float(sum(abs(a.amplitude) for a in self.atoms))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the keys of the ``arrangement solve --json`` output."""
        return {
            "problem": self.problem,
            "lam": None if self.lam is None else fraction_str(self.lam),
            "numeric": self.numeric,
            "status": self.status,
            "accurate": self.accurate,
            "objective": float(self.objective),
            "dual_objective": float(self.dual_objective),
            "duality_gap": float(self.duality_gap),
            "n_atoms": self.n_atoms,
            "atoms_before_vertex": self.atoms_before_vertex,
            "total_variation": self.total_variation,
            "residual_norm": self.residual_norm,
            "atoms": [a.to_dict() for a in self.atoms],
            "dual": [float(x) for x in self.dual],
            "support_bound": self.support_bound.to_dict(),
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "solver": {
                "name": "clarabel",
                "objective": float(self.solver_objective),
                "iterations": self.iterations,
                "solve_time": float(self.solve_time),
                "n_blocks": self.n_blocks,
                "dropped_mass": float(self.dropped_mass),
                "drop_threshold": float(self.drop_threshold),
                "tolerances": dict(self.tolerances),
            },
        }


@dataclass(frozen=True, slots=True)
class MinNormCertificate:
    """Numerical minimal-norm dual solution of ``P_0`` (see :func:`min_norm_certificate`).

    Attributes
    ----------
    dual : numpy.ndarray
        The float dual vector ``p`` of minimal norm found.
    norm : float
        ``||p||``.
    level : float
        The dual objective level imposed: ``<p, y> >= level``.
    value : float
        ``<p, y>`` at the solution.
    status : str
        Clarabel's status for the second (dual) problem.
    method : str
        ``"support"`` (complementary slackness at the atoms of the ``P_0`` solution) or
        ``"level"`` (objective level only), see :func:`min_norm_certificate`.
    primal : Solution
        The ``P_0`` solution that fixed the level.
    certificate : CertificateCheck or None
        Exact analysis of a rational rounding of ``dual`` (atoms compared are those of
        ``primal``).
    precertificate : tuple of Fraction or None
        The exact vanishing-derivative pre-certificate ``p_V`` of the target, when given.
    precertificate_valid : bool or None
        Whether ``p_V`` is an exactly valid certificate.
    distance : float or None
        ``||p - p_V||`` when a target was given.
    """

    dual: np.ndarray = field(repr=False)
    norm: float
    level: float
    value: float
    status: str
    method: str
    primal: Solution = field(repr=False)
    certificate: CertificateCheck | None
    precertificate: tuple[Fraction, ...] | None = None
    precertificate_valid: bool | None = None
    distance: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "numeric": True,
            "status": self.status,
            "method": self.method,
            "dual": [float(x) for x in self.dual],
            "norm": self.norm,
            "level": self.level,
            "value": self.value,
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "precertificate": (
                None
                if self.precertificate is None
                else [fraction_str(q) for q in self.precertificate]
            ),
            "precertificate_valid": self.precertificate_valid,
            "distance": self.distance,
        }


# ---------------------------------------------------------------------------------------------
# the conic model


@dataclass(frozen=True, slots=True)
class _Model:
    """The data of the reformulation shared by the primal and the dual conic programs.

    The facet inequalities of all used chambers are stored as one list of entries ``e``:
    chamber ``facet_chamber[e]`` (position in ``chambers``) has the facet row ``facet_rows[e]``
    (``s_h n_h / ||n_h||`` in the basis), so ``K_s = {B c : facet_rows[e] . c >= 0}``.
    """

    basis: np.ndarray  # (D, m) orthonormal basis of span{xt_i}
    xb: np.ndarray  # (N, m) rows xt_i expressed in the basis
    chambers: np.ndarray  # (c,) chamber indices with at least one active row
    active: np.ndarray  # (c, N) bool, row_sign == +1
    facet_chamber: np.ndarray  # (E,) position in `chambers` of each facet entry
    facet_rows: np.ndarray  # (E, m) signed unit facet normals in the basis
    n_regions: int

    @property
    def m(self) -> int:
        return int(self.basis.shape[1])


def _model(arr: Arrangement) -> _Model:
    """Chambers, facets and the lineality basis of the reformulation (cached on ``arr``)."""

    def build() -> _Model:
        from arrangement.graph import walls

        reg = arr.regions()
        signs = reg.signs
        row_signs = reg.row_signs()
        x = np.array([[float(v) for v in row] for row in arr.augmented], dtype=float)
        dim, rk = arr.dimension, arr.rank
        if rk == dim:
            basis = np.eye(dim)
        else:
            _, _, vt = np.linalg.svd(x, full_matrices=True)
            basis = vt[:rk].T.copy()
        xb = x @ basis
        normals = np.array([[float(v) for v in nrm] for nrm in arr.normals], dtype=float)
        normals /= np.linalg.norm(normals, axis=1)[:, None]
        nb = normals @ basis
        r, n = signs.shape
        facet = np.zeros((r, n), dtype=bool)
        found = np.array(walls(arr), dtype=np.int64).reshape(-1, 3)
        facet[found[:, 0], found[:, 2]] = True
        facet[found[:, 1], found[:, 2]] = True
        active_all = row_signs > 0
        used = np.flatnonzero(active_all.any(axis=1))
        jj, hh = np.nonzero(facet[used])
        rows = signs[used[jj], hh].astype(float)[:, None] * nb[hh]
        return _Model(basis, xb, used, active_all[used], jj, rows, r)

    return arr._cached("solver_model", build)


def _block_layout(model: _Model, offset: int) -> np.ndarray:
    """Column of ``t_k`` for every block ``k`` (``c_k`` follows it)."""
    n_blocks = 2 * len(model.chambers)
    return offset + (model.m + 1) * np.arange(n_blocks)


def _primal_matrices(
    model: _Model, y: np.ndarray, lam: float | None
) -> tuple[sp.csc_matrix, np.ndarray, sp.csc_matrix, np.ndarray, list[Any], int]:
    """Clarabel data ``(P, q, A, b, cones, offset)`` of the reformulated ``P_lam`` / ``P_0``."""
    import clarabel
    import scipy.sparse as sp

    n_rows = y.shape[0]
    m = model.m
    c = len(model.chambers)
    n_blocks = 2 * c
    offset = n_rows if lam is not None else 0
    n_var = offset + n_blocks * (m + 1)
    tcol = _block_layout(model, offset)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    # equality rows: (z) - sum_k sigma_k D_s X B c_k = -y   or   sum_k sigma_k D_s X B c_k = y
    jj, ii = np.nonzero(model.active)  # used chamber j, row i
    for sigma, parity in ((1.0, 0), (-1.0, 1)):
        blk = 2 * jj + parity
        base = tcol[blk] + 1
        coef = sigma if lam is None else -sigma
        rows.append(np.repeat(ii, m))
        cols.append((base[:, None] + np.arange(m)[None, :]).ravel())
        vals.append((coef * model.xb[ii]).ravel())
    if lam is not None:
        rows.append(np.arange(n_rows))
        cols.append(np.arange(n_rows))
        vals.append(np.ones(n_rows))
    b_eq = -y if lam is not None else y.copy()
    row = n_rows

    # facet rows: -G_s B c_k + s = 0, s >= 0 (one row per facet entry and block sign)
    n_facets = len(model.facet_chamber)
    for parity in (0, 1):
        base = tcol[2 * model.facet_chamber + parity] + 1
        rows.append(np.repeat(row + np.arange(n_facets), m))
        cols.append((base[:, None] + np.arange(m)[None, :]).ravel())
        vals.append((-model.facet_rows).ravel())
        row += n_facets
    n_nonneg = 2 * n_facets

    # second-order cones: -(t_k, c_k) + s = 0, s in SOC
    soc_rows = row + np.arange(n_blocks * (m + 1))
    soc_cols = (tcol[:, None] + np.arange(m + 1)[None, :]).ravel()
    rows.append(soc_rows)
    cols.append(soc_cols)
    vals.append(-np.ones(soc_rows.size))
    row += soc_rows.size

    a = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(row, n_var)
    )
    b = np.concatenate([b_eq, np.zeros(row - n_rows)])
    q = np.zeros(n_var)
    if lam is not None:
        q[tcol] = lam
        p = sp.csc_matrix(
            (np.ones(n_rows), (np.arange(n_rows), np.arange(n_rows))), shape=(n_var, n_var)
        )
    else:
        q[tcol] = 1.0
        p = sp.csc_matrix((n_var, n_var))
    cones: list[Any] = [clarabel.ZeroConeT(n_rows)]
    if n_nonneg:
        cones.append(clarabel.NonnegativeConeT(n_nonneg))
    cones.extend(clarabel.SecondOrderConeT(m + 1) for _ in range(n_blocks))
    return p, q, a, b, cones, offset


def _settings(
    tol: float, max_iter: int, verbose: bool, options: Mapping[str, Any] | None = None
) -> Any:
    """Clarabel settings: the tolerances, then any further ``options`` by name."""
    import clarabel

    if not (0 < tol < 1):
        raise InputError(f"tol must be in (0, 1), got {tol}")
    if max_iter < 1:
        raise InputError(f"max_iter must be positive, got {max_iter}")
    settings = clarabel.DefaultSettings()
    settings.verbose = verbose
    settings.max_iter = max_iter
    settings.tol_gap_abs = tol
    settings.tol_gap_rel = tol
    settings.tol_feas = tol
    for name, value in (options or {}).items():
        if name.startswith("_") or not hasattr(settings, name):
            raise InputError(f"unknown Clarabel setting {name!r}")
        try:
            setattr(settings, name, value)
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad value for Clarabel setting {name!r}: {exc}") from None
    return settings


def _run_clarabel(
    p: Any, q: np.ndarray, a: Any, b: np.ndarray, cones: list[Any], settings: Any, what: str
) -> Any:
    """Solve with Clarabel; raise :class:`SolverError` on any status but (almost) solved."""
    import clarabel

    try:
        solver = clarabel.DefaultSolver(p, q, a, b, cones, settings)
        sol = solver.solve()
    except Exception as exc:  # the Rust extension raises plain exceptions on bad data
        raise SolverError(f"Clarabel could not solve {what}: {exc}") from exc
    status = _status_name(sol.status)
    if status not in ACCEPTED_STATUSES:
        hint = {
            "PrimalInfeasible": "the problem is infeasible",
            "DualInfeasible": "the problem is unbounded",
            "MaxIterations": "raise max_iter or loosen tol",
            "MaxTime": "the time limit was reached",
            "NumericalError": "numerical trouble; try a looser tol or rescale the data",
            "InsufficientProgress": "numerical trouble; try a looser tol or rescale the data",
        }.get(status, "no usable solution")
        if status == "PrimalInfeasible" and what.startswith("P_"):
            # P_lam is always feasible, and P_0 is once the labels of repeated points agree
            # (checked exactly before the solve): a claim of infeasibility is numerical.
            hint = (
                "but the problem is feasible (decided exactly): a numerical failure; try a "
                "looser tol" + (" or lam > 0" if what == "P_0" else "")
            )
        raise SolverError(f"Clarabel did not solve {what}: status {status} ({hint})")
    return sol


def _status_name(status: Any) -> str:
    text = str(status)
    return text.rsplit(".", 1)[-1]


# ---------------------------------------------------------------------------------------------
# inputs


def _labels(arr: Arrangement, y: Sequence[Any]) -> tuple[Fraction, ...]:
    if isinstance(y, str | bytes):
        raise InputError("labels must be a sequence of numbers, not a string")
    try:
        values = tuple(as_fraction(v, row=i) for i, v in enumerate(y))
    except TypeError:
        raise InputError("labels must be a sequence of numbers") from None
    if len(values) != arr.n_points:
        raise InputError(f"{len(values)} labels for {arr.n_points} input rows")
    return values


def _lam(lam: Any, interpolate: bool) -> Fraction | None:
    if interpolate and lam is not None:
        raise InputError("give either lam (P_lam) or interpolate=True (P_0), not both")
    if not interpolate and lam is None:
        raise InputError("give lam > 0 for P_lam or interpolate=True for P_0")
    if lam is None:
        return None
    value = as_fraction(lam)
    if value <= 0:
        raise InputError(f"lam must be positive, got {fraction_str(value)}")
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
                f"{fraction_str(y[j])} and {fraction_str(y[i])}; no measure interpolates them "
                "(use lam > 0)"
            )


# ---------------------------------------------------------------------------------------------
# from the solver output to atoms


def _to_fraction(x: float, denominator: int) -> Fraction:
    return Fraction(float(x)).limit_denominator(denominator)


def _snap(
    arr: Arrangement, direction: np.ndarray, chamber: int, boundary_tol: float
) -> tuple[Fraction, ...]:
    """Exact rational point of the closed chamber cone near a float unit direction.

    Rows with ``|<d, xt_i>| <= boundary_tol * ||xt_i||`` are put exactly on their hyperplane
    (orthogonal projection onto ``span{xt} ∩ {<theta, xt_i> = 0}``), then the point is projected
    exactly onto the closed cone of ``chamber``, so its signs are those of the chamber or zero.
    """
    from arrangement.cones import project

    x = np.array([[float(v) for v in row] for row in arr.augmented], dtype=float)
    lengths = np.linalg.norm(x, axis=1)
    near = np.flatnonzero(np.abs(x @ direction) <= boundary_tol * lengths)
    den = _DIRECTION_DENOMINATOR
    q = [Fraction(round(float(v) * den), den) for v in direction]
    lineality = kernel_basis(arr.normals, arr.dimension).T.tolist()  # span{xt}^perp
    zero_rows = [arr.normals[arr.row_to_hyperplane[i]] for i in near.tolist()]
    theta = _project_subspace(q, [*zero_rows, *lineality], arr.dimension)
    if not any(theta):
        theta = _project_subspace(q, lineality, arr.dimension)
    signs = arr.regions().signs[chamber]
    g = [[int(s) * v for v in nrm] for s, nrm in zip(signs.tolist(), arr.normals, strict=True)]
    snapped = project(theta, g).point
    return snapped if any(snapped) else tuple(theta)


def _project_subspace(
    q: Sequence[Fraction], rows: Sequence[Sequence[int]], dim: int
) -> tuple[Fraction, ...]:
    """Exact orthogonal projection of ``q`` onto ``{theta : <r, theta> = 0 for r in rows}``."""
    from arrangement._linalg import fmpq_matrix, to_fraction

    if not rows:
        return tuple(q)
    ker = kernel_basis(rows, dim)  # (dim, k) integer
    k = ker.shape[1]
    if k == 0:
        return tuple(Fraction(0) for _ in range(dim))
    nmat = fmpq_matrix([[int(v) for v in r] for r in ker.tolist()])  # dim x k
    qv = fmpq_matrix([[v] for v in q])
    gram = nmat.transpose() * nmat
    coef = gram.solve(nmat.transpose() * qv)
    out = nmat * coef
    return tuple(to_fraction(out[i, 0]) for i in range(dim))


def _atoms(
    arr: Arrangement,
    model: _Model,
    coeffs: np.ndarray,
    *,
    scale: float,
    drop_tol: float,
    merge_tol: float,
    boundary_tol: float,
) -> tuple[list[Atom], float, float]:
    """Atoms from the block coefficients ``(n_blocks, m)``: drop, merge, snap, merge exactly."""
    masses = np.linalg.norm(coeffs, axis=1)
    threshold = drop_tol * max(float(masses.sum()), scale)
    keep = np.flatnonzero(masses > threshold)
    dropped = float(masses.sum() - masses[keep].sum())
    # greedy clustering of parallel directions, heaviest first
    clusters: list[dict[str, Any]] = []
    for k in keep[np.argsort(-masses[keep], kind="stable")].tolist():
        d = model.basis @ (coeffs[k] / masses[k])
        sigma = 1.0 if k % 2 == 0 else -1.0
        chamber = int(model.chambers[k // 2])
        for cl in clusters:
            if np.linalg.norm(d - cl["lead"]) <= merge_tol:
                cl["vec"] += masses[k] * d
                cl["amp"] += sigma * masses[k]
                cl["chambers"].append(chamber)
                break
        else:
            clusters.append(
                {"lead": d, "vec": masses[k] * d, "amp": sigma * masses[k], "chambers": [chamber]}
            )
    # snap each cluster to an exact point of its main chamber's closed cone; merge equal ones
    exact: dict[tuple[int, ...], dict[str, Any]] = {}
    for cl in clusters:
        if abs(cl["amp"]) <= threshold:
            dropped += abs(cl["amp"])
            continue
        d = cl["vec"] / np.linalg.norm(cl["vec"])
        theta = _snap(arr, d, cl["chambers"][0], boundary_tol)
        key = primitive(theta)
        if key in exact:
            exact[key]["amp"] += cl["amp"]
            exact[key]["chambers"] += cl["chambers"]
        else:
            exact[key] = {"theta": theta, "amp": cl["amp"], "chambers": list(cl["chambers"])}
    atoms = []
    for key, e in exact.items():
        if abs(e["amp"]) <= threshold:
            dropped += abs(e["amp"])
            continue
        row_signs = arr.row_signs_of(e["theta"])
        vec = np.array([float(v) for v in e["theta"]])
        atoms.append(
            Atom(
                direction=tuple(float(v) for v in vec / np.linalg.norm(vec)),
                amplitude=float(e["amp"]),
                exact_direction=key,
                pattern=tuple(i for i, s in enumerate(row_signs) if s > 0),
                zero_set=tuple(i for i, s in enumerate(row_signs) if s == 0),
                chambers=tuple(dict.fromkeys(e["chambers"])),
            )
        )
    atoms.sort(key=lambda a: -abs(a.amplitude))
    return atoms, dropped, threshold


def _apply_each(arr: Arrangement, atoms: Sequence[Atom]) -> np.ndarray:
    """``phi(theta_j)_i = relu(<theta_j, xt_i>)`` in floating point, shape ``(k, N)``.

    Only the rows of an atom's exact pattern are non-zero.
    """
    x = np.array([[float(v) for v in row] for row in arr.augmented], dtype=float)
    out = np.zeros((len(atoms), arr.n_points))
    for j, a in enumerate(atoms):
        rows = list(a.pattern)
        out[j, rows] = x[rows] @ np.asarray(a.direction)
    return out


def _vertex(arr: Arrangement, atoms: list[Atom], drop: float) -> list[Atom]:
    """Move to a vertex of the optimal face: at most ``rank(Phi) <= N`` atoms, same ``K mu``.

    The optimal measures of ``P_lam`` share ``K mu`` (and those of ``P_0`` have ``K mu = y``),
    and among measures on the found atoms with the found signs and that prediction, the total
    variation is minimised by the linear program ``min sum c_j`` subject to
    ``sum_j c_j s_j phi(theta_j) = K mu``, ``c >= 0``, whose optimum is at most the current
    one. The dual simplex method (HiGHS) returns a basic solution, so at most ``rank`` of the
    ``c_j`` are non-zero (Caratheodory). Returns ``atoms`` unchanged if the program fails.
    """
    from scipy.optimize import linprog

    if len(atoms) <= 1:
        return atoms
    phi = _apply_each(arr, atoms).T  # (N, k)
    signs = np.array([a.sign for a in atoms], dtype=float)
    mass = np.array([abs(a.amplitude) for a in atoms])
    target = phi @ (signs * mass)
    res = linprog(
        np.ones(len(atoms)),
        A_eq=phi * signs[None, :],
        b_eq=target,
        bounds=(0, None),
        method="highs-ds",
    )
    if res.status != 0 or res.x is None or float(res.x.sum()) > float(mass.sum()) * (1 + 1e-9):
        return atoms
    out = []
    for a, c in zip(atoms, res.x, strict=True):
        if c > drop:
            out.append(replace(a, amplitude=float(a.sign * c)))
    out.sort(key=lambda a: -abs(a.amplitude))
    return out


def _apply(arr: Arrangement, atoms: Sequence[Atom]) -> np.ndarray:
    """``K mu`` in floating point for a list of atoms."""
    if not atoms:
        return np.zeros(arr.n_points)
    return np.array([a.amplitude for a in atoms]) @ _apply_each(arr, atoms)


# ---------------------------------------------------------------------------------------------
# exact certificate analysis (through arrangement.certificate)


def _chamber_maxima(arr: Arrangement, p: Sequence[Fraction]) -> tuple[Fraction, int | None, Any]:
    """Exact analysis of ``p`` by :func:`arrangement.certificate.certify`.

    Returns ``(sup|eta|^2, n_exact_chambers, query)``; ``query(chamber, sign)`` gives
    ``(value_squared, direction)`` of the maximum of ``sign * eta_p`` over the closed chamber on
    the sphere (``direction`` is ``None`` when that maximum is not positive).
    """
    from arrangement.certificate import certify

    cert = certify(arr, p)

    def query(chamber: int, sign: int) -> tuple[Fraction, tuple[int, ...] | None]:
        ext = cert.chamber_extrema(chamber)
        return (ext.max_squared, ext.argmax) if sign > 0 else (ext.min_squared, ext.argmin)

    return cert.sup_norm_squared, cert.n_exact_chambers, query


def _scale_for(sup: Fraction) -> Fraction:
    """A rational ``c`` with ``c^2 sup <= 1``: ``1`` when ``sup <= 1``, else ``2 / (1 + sup)``.

    ``(1 + sup)^2 >= 4 sup`` (AM-GM), and ``2/(1 + sup)`` is below ``1/sqrt(sup)`` only by
    ``O((sup - 1)^2)``.
    """
    return Fraction(1) if sup <= 1 else 2 / (1 + sup)


def _lower_bound(
    p: Sequence[Fraction], y: Sequence[Fraction], lam: Fraction | None, c: Fraction
) -> Fraction:
    """Best exact dual objective over the feasible multiples ``c' p``, ``0 <= c' <= c``."""
    py = sum((a * b for a, b in zip(p, y, strict=True)), Fraction(0))
    if lam is None:
        return max(c * py, Fraction(0))
    pp = sum((a * a for a in p), Fraction(0))
    if py <= 0 or pp == 0:
        return Fraction(0)
    best = min(c, py / (lam * pp))
    return lam * best * py - lam * lam * best * best * pp / 2


def _certify(
    arr: Arrangement,
    p: np.ndarray | Sequence[Fraction],
    y: Sequence[Fraction],
    lam: Fraction | None,
    atoms: Sequence[Atom],
    *,
    denominator: int,
    extreme_tol: float,
) -> CertificateCheck:
    """Exact analysis of a dual vector: float entries are rounded, Fractions are kept."""
    pq = tuple(v if isinstance(v, Fraction) else _to_fraction(v, denominator) for v in p)
    sup, n_exact, query = _chamber_maxima(arr, pq)
    c = _scale_for(sup)
    checks = []
    for idx, atom in enumerate(atoms):
        chamber = atom.chambers[0]
        val, ext = query(chamber, atom.sign)
        if ext is None:
            angle = math.pi
        else:
            e = np.array([float(v) for v in ext])
            cos = float(np.dot(e / np.linalg.norm(e), atom.direction))
            angle = math.acos(max(-1.0, min(1.0, cos)))
        at = angle <= extreme_tol and abs(float(val) - 1.0) <= extreme_tol
        checks.append(AtomCheck(idx, chamber, val, ext, angle, at))
    return CertificateCheck(
        dual=pq,
        sup_norm_squared=sup,
        valid=sup <= 1,
        scale=c,
        lower_bound=_lower_bound(pq, y, lam, c),
        atoms=tuple(checks),
        n_exact_chambers=n_exact,
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
        variation no larger, at most ``N`` atoms (see ``_vertex``). Default ``False``.

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
    analysis visits all ``r`` chambers (see :mod:`arrangement.certificate`).
    """
    lam_q = _lam(lam, interpolate)
    yq = _labels(arr, y)
    if arr.n_points == 0:
        raise InputError("no data rows")
    if lam_q is None:
        _check_interpolable(arr, yq)
    tolerances = {
        "tol": tol,
        "drop_tol": drop_tol,
        "merge_tol": merge_tol,
        "boundary_tol": boundary_tol,
        "extreme_tol": extreme_tol,
        "dual_denominator": dual_denominator,
    }
    if lam_q is not None and lam_q**2 >= _lam_max_squared(arr, yq):
        # lam >= lam_max = sup |eta_y| (decided exactly): p = y / lam is a valid certificate of
        # the zero measure, which is therefore optimal. No numerical solve is needed.
        return _zero_solution(arr, yq, lam_q, certify=certify, tolerances=tolerances)
    yf = _floats(yq, "labels")
    lam_f = None if lam_q is None else float(_floats([lam_q], "lam")[0])
    if lam_q is not None and lam_f == 0:
        raise InputError(f"lam = {fraction_str(lam_q)} is below the range of the float solver")
    what = "P_0" if lam_q is None else f"P_lam (lam = {fraction_str(lam_q)})"
    model = _model(arr)
    p_mat, q, a, b, cones, offset = _primal_matrices(model, yf, lam_f)
    settings = _settings(tol, max_iter, verbose, solver_options)
    sol = _run_clarabel(p_mat, q, a, b, cones, settings, what)
    x = np.asarray(sol.x, dtype=float)
    z = np.asarray(sol.z, dtype=float)
    n_blocks = 2 * len(model.chambers)
    blocks = x[offset:].reshape(n_blocks, model.m + 1)[:, 1:] if n_blocks else np.zeros((0, 1))
    if lam_f is not None:
        dual = -x[: arr.n_points] / lam_f  # z = K mu - y, p = (y - K mu) / lam
    else:
        dual = -z[: arr.n_points]  # multiplier of K mu = y, dual objective -b^T z
    xnorm = max(float(np.linalg.norm(row)) for row in model.xb) if len(model.xb) else 1.0
    scale = float(np.linalg.norm(yf)) / xnorm
    atoms, dropped, threshold = _atoms(
        arr,
        model,
        blocks,
        scale=scale,
        drop_tol=drop_tol,
        merge_tol=merge_tol,
        boundary_tol=boundary_tol,
    )
    before_vertex = len(atoms) if vertex else None
    if vertex:
        atoms = _vertex(arr, atoms, threshold)
    residual = _apply(arr, atoms) - yf
    tv = float(sum(abs(at.amplitude) for at in atoms))
    if lam_f is not None:
        objective = 0.5 * float(residual @ residual) + lam_f * tv
        dual_objective = lam_f * float(dual @ yf) - 0.5 * lam_f**2 * float(dual @ dual)
    else:
        objective = tv
        dual_objective = float(dual @ yf)
    bound = _support_check(arr, atoms)
    cert = (
        _certify(
            arr,
            dual,
            yq,
            lam_q,
            atoms,
            denominator=dual_denominator,
            extreme_tol=extreme_tol,
        )
        if certify
        else None
    )
    return Solution(
        problem="P_0" if lam_q is None else "P_lam",
        lam=lam_q,
        atoms=tuple(atoms),
        objective=objective,
        solver_objective=float(sol.obj_val),
        dual=dual,
        dual_objective=dual_objective,
        duality_gap=objective - dual_objective,
        residual=residual,
        status=_status_name(sol.status),
        iterations=int(sol.iterations),
        solve_time=float(sol.solve_time),
        tolerances=tolerances,
        dropped_mass=dropped,
        drop_threshold=threshold,
        n_blocks=n_blocks,
        support_bound=bound,
        certificate=cert,
        atoms_before_vertex=before_vertex,
    )


def _floats(values: Sequence[Fraction], what: str) -> np.ndarray:
    """Exact numbers as floats for the numerical solver; InputError if beyond the float range."""
    try:
        out = np.array([float(v) for v in values], dtype=float)
    except OverflowError:
        raise InputError(f"{what}: a value is beyond the float range of the solver") from None
    return out


def _lam_max_squared(arr: Arrangement, y: Sequence[Fraction]) -> Fraction:
    """``lam_max^2 = sup |eta_y|^2`` exactly; for ``lam >= lam_max`` zero is optimal."""
    from arrangement.certificate import certify as certify_exact

    return certify_exact(arr, y).sup_norm_squared


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
        _certify(
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


# ---------------------------------------------------------------------------------------------
# minimal-norm certificate of P_0


def _dual_matrices(
    model: _Model,
    y: np.ndarray,
    level: float,
    equalities: np.ndarray | None = None,
    rhs: np.ndarray | None = None,
) -> tuple[sp.csc_matrix, np.ndarray, sp.csc_matrix, np.ndarray, list[Any]]:
    """Clarabel data of ``min 1/2||p||^2`` over dual-feasible ``p`` with ``<p, y> >= level``.

    Optional linear equalities ``equalities @ p = rhs`` (zero cone) come first.

    Per block ``k`` (chamber ``s``, sign ``sigma``): ``(1, sigma M_s^T p + (G_s B)^T mu_k)`` in
    the second-order cone with ``mu_k >= 0``, where ``M_s = D_s X B``. This says
    ``dist(sigma v_s, K_s°) = ||P_{K_s}(sigma v_s)|| <= 1``, i.e. ``sigma eta_p <= 1`` on the
    closed chamber (Moreau; ``K_s° = {-G_s^T mu : mu >= 0}``).
    """
    import clarabel
    import scipy.sparse as sp

    n_rows = y.shape[0]
    m = model.m
    c = len(model.chambers)
    n_facets = len(model.facet_chamber)
    n_mu = 2 * n_facets  # mu of facet entry e and block sign parity: n_rows + parity E + e
    n_var = n_rows + n_mu
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    # non-negative cone: level row, then mu >= 0
    rows.append(np.zeros(n_rows, dtype=np.int64))
    cols.append(np.arange(n_rows))
    vals.append(-y)
    rows.append(1 + np.arange(n_mu))
    cols.append(n_rows + np.arange(n_mu))
    vals.append(-np.ones(n_mu))
    soc0 = 1 + n_mu
    # second-order cones, block k occupies rows soc0 + k (m + 1) .. + m
    jj, ii = np.nonzero(model.active)
    for sigma, parity in ((1.0, 0), (-1.0, 1)):
        blk = 2 * jj + parity
        first = soc0 + blk * (m + 1) + 1
        rows.append((first[:, None] + np.arange(m)[None, :]).ravel())
        cols.append(np.repeat(ii, m))
        vals.append((-sigma * model.xb[ii]).ravel())
        blk = 2 * model.facet_chamber + parity
        first = soc0 + blk * (m + 1) + 1
        rows.append((first[:, None] + np.arange(m)[None, :]).ravel())
        cols.append(np.repeat(n_rows + parity * n_facets + np.arange(n_facets), m))
        vals.append((-model.facet_rows).ravel())
    n_con = soc0 + 2 * c * (m + 1)
    a = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_con, n_var),
    )
    b = np.zeros(n_con)
    b[0] = -level
    b[soc0 + (m + 1) * np.arange(2 * c)] = 1.0
    p = sp.csc_matrix(
        (np.ones(n_rows), (np.arange(n_rows), np.arange(n_rows))), shape=(n_var, n_var)
    )
    cones: list[Any] = [clarabel.NonnegativeConeT(1 + n_mu)]
    cones.extend(clarabel.SecondOrderConeT(m + 1) for _ in range(2 * c))
    if equalities is not None and rhs is not None and len(rhs):
        k = len(rhs)
        eq = sp.csc_matrix(np.hstack([equalities, np.zeros((k, n_mu))]), shape=(k, n_var))
        a = sp.vstack([eq, a], format="csc")
        b = np.concatenate([rhs, b])
        cones.insert(0, clarabel.ZeroConeT(k))
    return p, np.zeros(n_var), a, b, cones


def _target_labels(
    arr: Arrangement, target: Sequence[tuple[Any, Sequence[Any]]]
) -> tuple[Fraction, ...]:
    """``y = K mu_0`` exactly for ``mu_0 = sum_j a_j delta(theta_j)`` (unit ``theta_j``)."""
    y = [Fraction(0)] * arr.n_points
    for j, (amp, theta) in enumerate(target):
        a = as_fraction(amp)
        th = [as_fraction(v) for v in theta]
        if len(th) != arr.dimension:
            raise InputError(f"target atom {j} has length {len(th)}, expected D = {arr.dimension}")
        if sum((v * v for v in th), Fraction(0)) != 1:
            raise InputError(f"target atom {j} is not an exact unit vector")
        for i, xt in enumerate(arr.augmented):
            s = sum((u * v for u, v in zip(xt, th, strict=True)), Fraction(0))
            if s > 0:
                y[i] += a * s
    return tuple(y)


def _precertificate(
    arr: Arrangement, target: Sequence[tuple[Any, Sequence[Any]]]
) -> tuple[tuple[Fraction, ...], bool]:
    """Exact pre-certificate ``p_V`` of the target and its validity.

    Delegates to :func:`arrangement.precertificate.precertificate` (atoms as sign and
    coordinates).
    """
    from arrangement.precertificate import precertificate

    atoms = [(1 if as_fraction(a) > 0 else -1, *theta) for a, theta in target]
    pre = precertificate(arr, atoms, source="target")
    return tuple(pre.dual), bool(pre.valid)


def min_norm_certificate(
    arr: Arrangement,
    y: Sequence[Any] | None = None,
    *,
    target: Sequence[tuple[Any, Sequence[Any]]] | None = None,
    slack: float = 0.0,
    use_support: bool = True,
    support_tol: float = 1e-6,
    tol: float = DEFAULT_TOL,
    max_iter: int = 200,
    dual_denominator: int = DEFAULT_DENOMINATOR,
    certify: bool = True,
    solver_options: Mapping[str, Any] | None = None,
    verbose: bool = False,
) -> MinNormCertificate:
    """Numerical minimal-norm dual solution ``p_0`` of ``P_0`` (the minimal-norm certificate).

    Method (two or three conic programs):

    1. Solve ``P_0`` with :func:`solve`; its exact certificate analysis gives a rational scale
       ``c`` with ``c p`` exactly dual-feasible and so the exact lower bound
       ``L = <c p, y> <= min P_0`` (without ``certify``, the float dual objective is used).
    2. ``"support"``: solve ``min 1/2 ||p||^2`` over dual-feasible ``p`` (``sup |eta_p| <= 1``,
       written per chamber and sign as ``dist(sigma v_s, K_s°) <= 1``: one second-order cone
       with facet multipliers) subject to ``eta_p(theta_j) = sign_j`` at the atoms of the
       ``P_0`` solution that the exact analysis confirms (angle to the chamber's maximiser at
       most ``extreme_tol`` and ``|eta^2 - 1| <= support_tol``). Given feasibility these
       equalities say ``<p, y> = ||mu||_TV``, i.e. that ``p`` is a dual solution
       (complementary slackness), and they move only linearly with the atoms' errors.
    3. ``"level"`` (if there is no confirmed atom, ``use_support=False``, or step 2 fails):
       the same problem with ``<p, y> >= L - slack * max(1, |L|)`` instead. The dual solutions
       are the feasible ``p`` with ``<p, y> = max``, so this is the minimal-norm point of a
       slightly larger set; its error behaves like the square root of ``max - L`` (the feasible
       set is curved), typically ``1e-4`` relative against ``1e-5`` for ``"support"``.

    The result is numerical; the exact analysis of its rational rounding says how close to
    valid it is, and with a ``target`` it is compared with the exact pre-certificate.

    Parameters
    ----------
    arr : Arrangement
        The data arrangement.
    y : sequence of numbers, optional
        The labels. If omitted, ``target`` must be given and ``y = K mu_0`` exactly.
    target : sequence of (amplitude, direction), optional
        A target measure ``mu_0 = sum_j a_j delta(theta_j)`` with exact rational unit vectors
        ``theta_j``; then the exact pre-certificate ``p_V`` is computed by
        :mod:`arrangement.precertificate` and compared with the numerical ``p``.
    slack : float, optional
        Relative lowering of the level ``L`` in step 3 (``L`` is already a rigorous lower
        bound, so ``0`` keeps the set non-empty up to Clarabel's rounding).
    use_support : bool, optional
        Try step 2 first.
    support_tol : float, optional
        Atoms with ``|eta^2 - 1| > support_tol`` are not used in step 2.
    tol, max_iter, dual_denominator, certify, solver_options, verbose
        As in :func:`solve` (used by every step).

    Returns
    -------
    MinNormCertificate

    Raises
    ------
    InputError
        Neither ``y`` nor ``target``, bad labels, or a target atom that is not an exact unit
        vector of the right length.
    SolverError
        Either conic program failed.

    Examples
    --------
    One point: ``p_0 = sign(y)/|xt|``.

    >>> from arrangement import Arrangement
    >>> mn = min_norm_certificate(Arrangement.from_points([[0]]), [3])
    >>> round(float(mn.dual[0]), 6), mn.certificate.valid
    (1.0, True)
    """
    if y is None:
        if target is None:
            raise InputError("give the labels y or a target measure")
        yq = _target_labels(arr, target)
    else:
        yq = _labels(arr, y)
    primal = solve(
        arr,
        yq,
        interpolate=True,
        tol=tol,
        max_iter=max_iter,
        dual_denominator=dual_denominator,
        certify=certify,
        solver_options=solver_options,
        verbose=verbose,
    )
    if primal.certificate is not None:
        base = float(primal.certificate.lower_bound)
        confirmed = [
            primal.atoms[c.atom]
            for c in primal.certificate.atoms
            if c.at_extreme and abs(float(c.value_squared) - 1) <= support_tol
        ]
    else:
        base = float(primal.dual_objective)
        confirmed = list(primal.atoms)
    level = base - slack * max(1.0, abs(base))
    model = _model(arr)
    yf = np.array([float(v) for v in yq])
    settings = _settings(tol, max_iter, verbose, solver_options)
    what = "the minimal-norm dual problem"
    method = "level"
    sol = None
    if use_support and confirmed:
        # complementary slackness: eta_p(theta_j) = sign_j at the confirmed atoms of P_0
        phi = _apply_each(arr, confirmed)
        signs = np.array([float(at.sign) for at in confirmed])
        try:
            sol = _run_clarabel(*_dual_matrices(model, yf, level, phi, signs), settings, what)
            method = "support"
        except SolverError:
            sol = None
    if sol is None:
        sol = _run_clarabel(*_dual_matrices(model, yf, level), settings, what)
    dual = np.asarray(sol.x, dtype=float)[: arr.n_points]
    cert = (
        _certify(
            arr,
            dual,
            yq,
            None,
            primal.atoms,
            denominator=dual_denominator,
            extreme_tol=primal.tolerances["extreme_tol"],
        )
        if certify
        else None
    )
    pre: tuple[Fraction, ...] | None = None
    pre_valid: bool | None = None
    distance: float | None = None
    if target is not None:
        pre, pre_valid = _precertificate(arr, target)
        distance = float(np.linalg.norm(dual - np.array([float(v) for v in pre])))
    return MinNormCertificate(
        dual=dual,
        norm=float(np.linalg.norm(dual)),
        level=level,
        value=float(dual @ yf),
        status=_status_name(sol.status),
        method=method,
        primal=primal,
        certificate=cert,
        precertificate=pre,
        precertificate_valid=pre_valid,
        distance=distance,
    )
