"""The numeric solution of the training problem and the values of its exact checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.numbers import fraction_str

if TYPE_CHECKING:

    pass


__all__ = [
    "ACCEPTED_STATUSES",
    "DEFAULT_BOUNDARY_TOL",
    "DEFAULT_DENOMINATOR",
    "DEFAULT_DROP_TOL",
    "DEFAULT_EXTREME_TOL",
    "DEFAULT_MERGE_TOL",
    "DEFAULT_TOL",
    "Atom",
    "AtomCheck",
    "CertificateCheck",
    "MinNormCertificate",
    "Solution",
    "SupportCheck",
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

DIRECTION_DENOMINATOR = 10**9





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
    """The support bounds of :func:`~arrangement.certificates.bounds.support_bounds` for a solution.

    Attributes
    ----------
    per_sign : int
        ``r - 1``: each closed chamber except the all-inactive one holds at most one atom of
        each sign, for every minimiser (``docs/theory.md``, section 7.1).
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
        The bounds of ``docs/theory.md`` section 7.1 and the atom counts.
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

    def to_pandas(self, *, weight_names: Any = None) -> Any:
        """The atoms as a DataFrame, one row per atom (index ``atom``), by decreasing mass.

        Columns: ``amplitude`` (float, *numeric*), the unit direction (floats, named by weight
        coordinate: ``weight_names``, e.g. ``Arrangement.weight_names``, default ``w0 ..
        w{D-1}``), the exact primitive direction it was snapped to (``exact_<name>``, ``int64``
        when every value fits, else exact Python integers), ``interior`` and the tuples
        ``pattern``, ``zero_set`` and ``chambers`` (decided exactly).

        Examples
        --------
        >>> from arrangement import Arrangement
        >>> from arrangement.training.solve import solve
        >>> arr = Arrangement.from_points([[0]], feature_names=["x"])
        >>> df = solve(arr, [2], lam="1/2").to_pandas(weight_names=arr.weight_names)
        >>> list(df.columns)  # doctest: +NORMALIZE_WHITESPACE
        ['amplitude', 'w_x', 'w_bias', 'exact_w_x', 'exact_w_bias', 'interior', 'pattern',
         'zero_set', 'chambers']
        >>> round(float(df.loc[0, "amplitude"]), 6), int(df.loc[0, "exact_w_bias"])
        (1.5, 1)
        """
        from arrangement.core.tables import exact_int_array, frame

        dim = len(self.atoms[0].direction) if self.atoms else len(weight_names or ())
        names = tuple(weight_names) if weight_names is not None else tuple(
            f"w{j}" for j in range(dim)
        )
        k = len(self.atoms)
        unit = self.to_numpy()[:, 1:].reshape(k, len(names))
        exact = exact_int_array(
            np.array([list(a.exact_direction) for a in self.atoms], dtype=object).reshape(
                k, len(names)
            )
        )
        cols: list[tuple[str, Any]] = [
            ("amplitude", np.array([a.amplitude for a in self.atoms], dtype=float))
        ]
        cols += [(name, unit[:, j]) for j, name in enumerate(names)]
        cols += [(f"exact_{name}", exact[:, j]) for j, name in enumerate(names)]
        cols += [
            ("interior", np.array([a.interior for a in self.atoms], dtype=bool)),
            ("pattern", [a.pattern for a in self.atoms]),
            ("zero_set", [a.zero_set for a in self.atoms]),
            ("chambers", [a.chambers for a in self.atoms]),
        ]
        return frame(cols, index_name="atom")

    def to_numpy(self) -> np.ndarray:
        """Amplitude and unit direction of every atom, ``(n_atoms, 1 + D)`` floats (numeric)."""
        rows = [[a.amplitude, *a.direction] for a in self.atoms]
        width = 1 + (len(self.atoms[0].direction) if self.atoms else 0)
        return np.array(rows, dtype=float).reshape(len(rows), width)

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
