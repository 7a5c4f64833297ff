"""The numeric solution of the training problem and the values of its exact checks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.numbers import fraction_str, sqrt_float

if TYPE_CHECKING:
    pass


__all__ = [
    "ACCEPTED_STATUSES",
    "DEFAULT_BOUNDARY_TOL",
    "DEFAULT_DENOMINATOR",
    "DEFAULT_DROP_TOL",
    "DEFAULT_EXTREME_TOL",
    "DEFAULT_GAP_TOL",
    "DEFAULT_MERGE_TOL",
    "DEFAULT_TOL",
    "Atom",
    "AtomCheck",
    "CertificateCheck",
    "MinNormCertificate",
    "Solution",
    "SupportCheck",
    "data_fingerprint",
    "short_number",
    "load_solution",
    "save_solution",
]

#: The ``format`` key of a saved solution.
SOLUTION_FORMAT = "arrangement-solution/1"

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
#: Certified relative gap below which a solution is called optimal.
DEFAULT_GAP_TOL = 1e-8

DIRECTION_DENOMINATOR = 10**9


def short_number(q: Fraction | int, *, digits: int = 10, limit: int = 24) -> str:
    """``p/q`` when short, else a decimal of any size with the exact value's size.

    :func:`arrangement.core.numbers.readable` with the size note from :data:`SIZE_NOTE`
    characters on; never raises and never prints hundreds of digits (``--json`` keeps the exact
    value).

    Examples
    --------
    >>> short_number(Fraction(1, 10))
    '1/10'
    >>> short_number(Fraction(1, 10**400))
    '1.000000000e-400 [exact: 1/401 digits]'
    """
    from arrangement.core.numbers import readable

    return readable(q, limit=limit, digits=digits)


def _unit(direction: tuple[int, ...]) -> list[float]:
    from arrangement.core.linalg import unit_vector

    return [float(v) for v in unit_vector(direction)]


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
            "extreme_unit": (
                None if self.extreme_direction is None else _unit(self.extreme_direction)
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
    certificate : Certificate or None
        The full exact verdict (:class:`arrangement.certificates.certificate.Certificate`), with
        the maximisers of ``|eta_p|``.
    """

    dual: tuple[Fraction, ...]
    sup_norm_squared: Fraction
    valid: bool
    scale: Fraction
    lower_bound: Fraction
    atoms: tuple[AtomCheck, ...]
    n_exact_chambers: int | None = None
    certificate: Any = field(default=None, repr=False, compare=False)

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
    method: str = "full"
    rounds: tuple[Any, ...] = ()
    working_set: tuple[int, ...] = ()
    lam_max_squared: Fraction | None = None
    n_chambers: int | None = None
    standardization: Any = None

    @property
    def lower_bound(self) -> Fraction | None:
        """Exact lower bound on the optimal value (``None`` without the exact certificate)."""
        return None if self.certificate is None else self.certificate.lower_bound

    @property
    def relative_gap(self) -> float | None:
        """Certified relative gap ``(objective - lower_bound) / |objective|`` (or ``None``)."""
        from arrangement.training.solve import relative_gap

        lb = self.lower_bound
        return None if lb is None else relative_gap(self.objective, lb)

    @property
    def optimal(self) -> bool:
        """Whether the certified relative gap is within ``tolerances["gap_tol"]``.

        For ``P_0`` its absolute value: the total variation of a float measure that
        interpolates ``y`` only to the solver's tolerance can fall below the optimum.
        """
        gap = self.relative_gap
        tol = float(self.tolerances.get("gap_tol", DEFAULT_GAP_TOL))
        if gap is None:
            return False
        # P_0: the TV of a float measure is no strict upper bound, so |gap| is what counts
        return (abs(gap) if self.problem == "P_0" else gap) <= tol

    @property
    def lam_max(self) -> float | None:
        """``sqrt(lam_max_squared)`` as a float (``None`` for ``P_0``)."""
        if self.lam_max_squared is None:
            return None
        try:
            return sqrt_float(self.lam_max_squared)
        except OverflowError:
            return math.inf

    def predict(self, x: Any) -> np.ndarray:
        """The network function ``f(x) = sum_j a_j relu(<theta_j, (x, 1)>)`` on new points.

        Parameters
        ----------
        x : array-like of shape (n_samples, n_features)
            Points in the data space of the training set (``d`` features, in the original units
        when the solution was trained on standardised features).

        Returns
        -------
        numpy.ndarray of shape (n_samples,)
            Float predictions; on the training rows they equal ``K mu``.
        """
        pts = np.atleast_2d(np.asarray(x, dtype=float))
        if self.standardization is not None:  # trained on standardised features
            pts = self.standardization.apply(pts)
        if not self.atoms:
            return np.zeros(pts.shape[0])
        d = len(self.atoms[0].direction) - 1
        if pts.ndim != 2 or pts.shape[1] != d:
            from arrangement.core.errors import InputError

            raise InputError(f"predict expects points with {d} features, got shape {pts.shape}")
        theta = np.array([a.direction for a in self.atoms])  # (k, D)
        amp = np.array([a.amplitude for a in self.atoms])
        pre = pts @ theta[:, :-1].T + theta[:, -1][None, :]
        out: np.ndarray = np.maximum(pre, 0.0) @ amp
        return out

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
        names = (
            tuple(weight_names) if weight_names is not None else tuple(f"w{j}" for j in range(dim))
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
            "lower_bound": None if self.lower_bound is None else fraction_str(self.lower_bound),
            "relative_gap": self.relative_gap,
            "optimal": self.optimal,
            "lam_max_squared": (
                None if self.lam_max_squared is None else fraction_str(self.lam_max_squared)
            ),
            "lam_max": self.lam_max,
            "method": self.method,
            "n_chambers": self.n_chambers,
            "working_set": list(self.working_set),
            "rounds": [r.to_dict() for r in self.rounds],
            "standardization": (
                None if self.standardization is None else self.standardization.to_dict()
            ),
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
# saving and loading


def data_fingerprint(points: Any, labels: Any) -> str:
    """SHA-256 of the exact data and labels (canonical ``p/q`` strings), to tie files to data."""
    import hashlib

    h = hashlib.sha256()
    for row in points:
        h.update((",".join(fraction_str(Fraction(v)) for v in row) + "\n").encode())
    h.update(b"labels\n")
    for v in labels:
        h.update((fraction_str(Fraction(v)) + "\n").encode())
    return h.hexdigest()


def save_solution(sol: Solution, path: Any, *, fingerprint: str) -> None:
    """Write ``sol`` as JSON (atomically), tagged with the data's fingerprint."""
    import json

    from arrangement.core.atomic import atomic_open

    record = {"format": SOLUTION_FORMAT, "fingerprint": fingerprint, **sol.to_dict()}
    with atomic_open(path, "w") as fh:
        fh.write(json.dumps(record, indent=2) + "\n")


def load_solution(path: Any, *, fingerprint: str | Sequence[str] | None = None) -> Solution:
    """Read a solution saved by :func:`save_solution` (atoms, objective, dual, scaling).

    The exact certificate analysis is not stored: ``certificate`` is ``None`` on the result
    (the certified lower bound and gap are in the file and in :attr:`Solution.to_dict` of
    the original).

    Raises
    ------
    InputError
        If the file is not a saved solution, or ``fingerprint`` is given (one, or several
        that are all accepted) and the solution belongs to other data.
    """
    import json

    from arrangement.core.errors import InputError
    from arrangement.core.io import _read_text

    source = str(path)
    text = _read_text(path)
    try:
        rec = json.loads(text)
    except ValueError:
        raise InputError("not a solution file (not JSON)", source=source) from None
    if not isinstance(rec, dict) or rec.get("format") != SOLUTION_FORMAT:
        raise InputError(
            f"not a solution file of this tool (no format {SOLUTION_FORMAT!r})", source=source
        )
    allowed = [fingerprint] if isinstance(fingerprint, str) else fingerprint
    if allowed is not None and rec.get("fingerprint") not in allowed:
        raise InputError(
            "this solution belongs to other data (the data fingerprint differs)", source=source
        )
    try:
        atoms = tuple(
            Atom(
                direction=tuple(float(v) for v in a["direction"]),
                amplitude=float(a["amplitude"]),
                exact_direction=tuple(int(v) for v in a["exact_direction"]),
                pattern=tuple(int(v) for v in a["pattern"]),
                zero_set=tuple(int(v) for v in a["zero_set"]),
                chambers=tuple(int(v) for v in a["chambers"]),
            )
            for a in rec["atoms"]
        )
        sb = rec["support_bound"]
        st = rec.get("standardization")
        scaling = None
        if st is not None:
            from arrangement.training.scaling import Standardization

            scaling = Standardization(
                tuple(Fraction(v) for v in st["centre"]),
                tuple(Fraction(v) for v in st["scale"]),
                tuple(st.get("names", ())),
            )
        solver = rec["solver"]
        lam = None if rec["lam"] is None else Fraction(rec["lam"])
        lms = rec.get("lam_max_squared")
        return Solution(
            problem=str(rec["problem"]),
            lam=lam,
            atoms=atoms,
            objective=float(rec["objective"]),
            solver_objective=float(solver["objective"]),
            dual=np.array([float(v) for v in rec["dual"]]),
            dual_objective=float(rec["dual_objective"]),
            duality_gap=float(rec["duality_gap"]),
            residual=np.full(len(rec["dual"]), np.nan),  # not stored
            status=str(rec["status"]),
            iterations=int(solver["iterations"]),
            solve_time=float(solver["solve_time"]),
            tolerances=dict(solver["tolerances"]),
            dropped_mass=float(solver["dropped_mass"]),
            drop_threshold=float(solver["drop_threshold"]),
            n_blocks=int(solver["n_blocks"]),
            support_bound=SupportCheck(
                int(sb["per_sign"]),
                int(sb["total"]),
                int(sb["n_positive"]),
                int(sb["n_negative"]),
                dict(sb.get("bounds", {})),
            ),
            certificate=None,
            method=str(rec.get("method", "full")),
            working_set=tuple(int(v) for v in rec.get("working_set", ())),
            lam_max_squared=None if lms is None else Fraction(lms),
            n_chambers=rec.get("n_chambers"),
            standardization=scaling,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed solution file ({exc})", source=source) from None
