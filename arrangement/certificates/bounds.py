"""Support bounds for minimisers, each stated with its hypothesis, and the uniqueness test.

Let ``E+ = {eta = +1}`` and ``E- = {eta = -1}`` for a valid dual certificate ``eta``
(``|eta| <= 1``). Every minimiser ``mu`` of the training problem ``P_lam`` (``lam > 0``), and of
the noiseless problem ``P_0`` once a dual certificate is known, has ``supp mu+ ⊂ E+`` and
``supp mu- ⊂ E-``. The bounds below count how many points ``E+`` and ``E-`` can have.

1. *Per sign* (``r - 1``). On a closed chamber ``K_s`` the certificate is the linear function
   ``<v_s, theta>``, whose maximum over ``K_s ∩ S`` is attained at a single point when it is
   positive (the normalised projection of ``v_s``). So each closed chamber holds at most one point
   of ``E+`` and one of ``E-``. On the closure of the all-inactive chamber (every row sign
   ``-1``, present for data since ``theta = -e_D`` lies in it) ``eta = 0``. Every point of the
   sphere lies in a closed chamber, hence ``|E+|, |E-| <= r - 1``.
2. *Total* (``2 (r - 1)``): the sum of the two.
3. *Faces*. Two points of ``E`` in one relatively open face ``F`` are impossible: on the plane
   through them, ``eta`` restricted to ``F`` is a sinusoid, both points are interior local
   extrema of it (``F`` is relatively open), so both equal ``±v/||v||`` for the planar part
   ``v``; same sign gives the same point, opposite signs antipodal points, which a face that is not
   the lineality space cannot contain. Faces whose rows are all ``<= 0`` carry ``eta = 0``.
   Hence ``|E| <=`` the number of faces with at least one positive row sign.
4. *d = 1* (``r - 1`` in total). On the circle, remove the closed all-inactive arc: ``2n - 1``
   open arcs remain, separated by ``2n - 2`` vertices. A closed arc (angle ``< pi``) holding two
   points of ``E`` holds them at its two endpoints; so assigning an interior point to its arc and
   a vertex to the arc before it is injective, and ``|E| <= 2n - 1 = r - 1``.
5. *Certificate*. For a given valid certificate the exact ``|E+|`` and ``|E-|`` bound the
   supports of all minimisers whose dual vector is ``p``.
6. *Existence* (``n``, the number of distinct data points): *some* minimiser has at most ``n``
   atoms. All minimisers share ``K mu`` (``K mu`` is unique for ``P_lam``; fixed to ``y`` for
   ``P_0``), so the minimisers are the measures of least total variation with that ``K mu``; this
   set is convex and weak-* compact, and its extreme points are sums of at most ``rank K <= n``
   Dirac masses (the representer theorem for ``n`` linear measurements: ``K mu`` has equal
   entries on repeated rows; Carathéodory for finite supports, the simplex step of
   ``solve(..., vertex=True)``, ``docs/theory.md`` section 9). It does not bound the *other*
   minimisers: an interior-point solution may have more atoms.

:func:`tightest` picks, among the bounds that hold, the smallest bound on ``|supp mu|`` of every
minimiser (a per-sign bound ``k`` counts as ``2k``) and the existence bound.

"At most one point of ``E`` per dual region" is not among them: it is false for ``d >= 2``
(the certificate of ``data/counterexample.csv`` has two extreme points of opposite sign with
the same activation pattern).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.linalg import fmpq_matrix, rank, to_fraction
from arrangement.core.numbers import as_fraction, fraction_str

if TYPE_CHECKING:
    from arrangement.certificates.certificate import Certificate
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "Amplitude",
    "SupportBound",
    "SupportBounds",
    "Uniqueness",
    "existence_bound",
    "feature_matrix",
    "has_inactive_chamber",
    "bound_report",
    "support_bounds",
    "tightest",
    "uniqueness",
]

_MINIMISERS = "every minimiser of P_lam (lam > 0), and of P_0 when a dual certificate exists"


@dataclass(frozen=True, slots=True)
class SupportBound:
    """One bound on the support of minimisers.

    Attributes
    ----------
    name : str
        ``"per_sign"``, ``"total"``, ``"faces"``, ``"d1"``, ``"certificate"``.
    value : int
        The bound.
    bounds : str
        The quantity bounded (e.g. ``"|supp mu+| and |supp mu-|"``).
    hypothesis : str
        When the bound holds.
    holds : bool
        Whether the hypothesis holds for this input (``value`` is meaningful only then).
    scope : str
        ``"every"``: the bound holds for every minimiser; ``"some"``: some minimiser meets it
        (the existence bound).
    """

    name: str
    value: int
    bounds: str
    hypothesis: str
    holds: bool
    scope: str = "every"

    @property
    def total_value(self) -> int:
        """The bound on ``|supp mu|`` it implies (twice ``value`` for the per-sign bound)."""
        return 2 * self.value if self.name == "per_sign" else self.value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "value": self.value,
            "bounds": self.bounds,
            "hypothesis": self.hypothesis,
            "holds": self.holds,
            "scope": self.scope,
        }


class SupportBounds(tuple[SupportBound, ...]):
    """A tuple of :class:`SupportBound` that converts to a table.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> b = support_bounds(Arrangement.from_points([[0], [1]]))
    >>> b.to_pandas()[["value", "holds", "tightest"]]
              value  holds  tightest
    bound
    per_sign      3   True     False
    total         6   True     False
    d1            3   True      True
    """

    __slots__ = ()

    def to_pandas(self) -> Any:
        """One row per bound (index ``bound``, its name).

        Columns: ``value`` (``int64`` when it fits), ``bounds`` (the quantity bounded),
        ``hypothesis``, ``holds``, ``scope`` and ``tightest`` (see :func:`tightest`).
        """
        from arrangement.core.tables import exact_int_array, frame

        best = set(tightest(self).values())
        return frame(
            [
                ("value", exact_int_array([b.value for b in self])),
                ("bounds", [b.bounds for b in self]),
                ("hypothesis", [b.hypothesis for b in self]),
                ("holds", np.array([b.holds for b in self], dtype=bool)),
                ("scope", [b.scope for b in self]),
                ("tightest", np.array([b.name in best for b in self], dtype=bool)),
            ],
            index=[b.name for b in self],
            index_name="bound",
        )

    def to_numpy(self) -> np.ndarray:
        """The values, in order (``int64`` when every value fits, else exact Python ints)."""
        from arrangement.core.tables import exact_int_array

        return exact_int_array([b.value for b in self])


def tightest(bounds: Sequence[SupportBound]) -> dict[str, str]:
    """The names of the tightest bounds that hold: ``{"every": ..., "some": ...}``.

    ``"every"`` is the smallest bound on ``|supp mu|`` valid for every minimiser (a per-sign
    bound ``k`` counts as ``2k``; ties go to a bound on the total); ``"some"`` the smallest
    existence bound. A key is absent when no bound of that scope holds.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> arr = Arrangement.from_points([[0], [1]])
    >>> tightest([*support_bounds(arr), existence_bound(arr)])
    {'every': 'd1', 'some': 'existence'}
    """
    out: dict[str, str] = {}
    for scope in ("every", "some"):
        cands = [b for b in bounds if b.holds and b.scope == scope]
        if cands:
            # a tie between the per-sign bound k and a total bound 2k goes to the total bound
            out[scope] = min(cands, key=lambda b: (b.total_value, b.name == "per_sign")).name
    return out


def existence_bound(arr: Arrangement) -> SupportBound:
    """Some minimiser has at most ``n`` atoms (``n`` distinct data points; item 6 above).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> existence_bound(Arrangement.from_points([[0], [1], [1]])).value
    2
    """
    n = arr.n_hyperplanes
    return SupportBound(
        "existence",
        n,
        "|supp mu| of SOME minimiser",
        "P_lam (lam > 0), or P_0 when it is feasible: the minimisers share K mu and form a convex "
        "compact set whose extreme points have at most rank K <= n atoms (n = number of distinct "
        "data points; representer theorem / Caratheodory, docs/theory.md 9); "
        "`solve --vertex` moves a solution to such a vertex. Other minimisers may have more atoms",
        True,
        "some",
    )


def has_inactive_chamber(arr: Arrangement) -> bool:
    """Whether some chamber has every row sign ``-1`` (always true for data arrangements).

    Data arrangements (every ``xt_i`` with last coordinate ``1``) need no enumeration:
    ``theta = -e_D`` lies in that chamber (docs/theory.md, section 2).
    """
    if arr.augmented and all(xt[-1] > 0 for xt in arr.augmented):
        return True
    row_signs = arr.regions().signs
    if row_signs.shape[1] == 0:
        return True
    return bool((row_signs < 0).all(axis=1).any())


def _faces_with_positive_row(arr: Arrangement) -> int:
    return sum(1 for f in arr.faces() if any(s > 0 for s in f.signs))


def support_bounds(
    arr: Arrangement, /, *, certificate: Certificate | None = None, faces: bool = False
) -> SupportBounds:
    """Every support bound for the arrangement, with its hypothesis.

    Parameters
    ----------
    arr : Arrangement
        The arrangement (chambers are enumerated if needed).
    certificate : Certificate, optional
        A certificate; if it is valid, the exact ``|E+|``, ``|E-|`` bound is added.
    faces : bool, optional
        Also compute the face bound (enumerates all faces, much more expensive).

    Returns
    -------
    SupportBounds
        A tuple of :class:`SupportBound` (with ``to_pandas()`` and ``to_numpy()``), every one of
        them valid for *every* minimiser (see :func:`existence_bound` for the other kind).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> [(b.name, b.value, b.holds) for b in support_bounds(Arrangement.from_points([[0], [1]]))]
    [('per_sign', 3, True), ('total', 6, True), ('d1', 3, True)]
    """
    r = arr.n_regions
    inactive = has_inactive_chamber(arr)
    k = r - 1 if inactive else r
    where = (
        "the all-inactive chamber exists (always for data)"
        if inactive
        else ("no chamber has every row inactive, so every chamber may hold a point")
    )
    out = [
        SupportBound(
            "per_sign",
            k,
            "|supp mu+| and |supp mu-| (each)",
            f"{_MINIMISERS}; {r} chamber{'s' if r != 1 else ''}, each closed chamber holds at "
            f"most one point of E+ and one of E-; {where}",
            True,
        ),
        SupportBound(
            "total",
            2 * k,
            "|supp mu|",
            f"{_MINIMISERS}; twice the per-sign bound",
            True,
        ),
    ]
    if faces:
        out.append(
            SupportBound(
                "faces",
                _faces_with_positive_row(arr),
                "|supp mu|",
                f"{_MINIMISERS}; each relatively open face with a positive row sign holds at "
                "most one point of E+ ∪ E-",
                True,
            )
        )
    d1 = arr.dimension == 2 and inactive
    out.append(
        SupportBound(
            "d1",
            r - 1,
            "|supp mu|",
            f"{_MINIMISERS}; data dimension d = 1 (weight space R^2) and an all-inactive chamber",
            d1,
        )
    )
    if certificate is not None and certificate.valid:
        n_plus, n_minus = len(certificate.e_plus), len(certificate.e_minus)
        out.append(
            SupportBound(
                "certificate",
                n_plus + n_minus,
                f"|supp mu| (|supp mu+| <= {n_plus}, |supp mu-| <= {n_minus})",
                "every minimiser whose optimal dual vector is this p (for P_lam: "
                "p = (y - K mu) / lam); exact |E+| and |E-| of the valid certificate",
                True,
            )
        )
    return SupportBounds(out)


def bound_report(arr: Arrangement, /, *, faces: bool = True) -> dict[str, Any]:
    """JSON-ready report of every bound (the output of ``arrangement bound --json``).

    Parameters
    ----------
    arr : Arrangement
    faces : bool, optional
        Include the face bound (enumerates all faces).

    Returns
    -------
    dict
        ``n_chambers``, ``general_position``, ``cover_count`` (Cover's closed form
        ``2 sum_{k < D} C(n - 1, k)``, which equals the number of chambers in general position and
        bounds it otherwise; ``null`` without hyperplanes), ``bounds`` (name -> value,
        quantity, hypothesis, holds, scope; the existence bound last) and ``tightest`` (see
        :func:`tightest`).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> rep = bound_report(Arrangement.from_points([[0], [1], [3]]))
    >>> rep["n_chambers"], rep["cover_count"], rep["bounds"]["per_sign"]["value"]
    (6, 6, 5)
    """
    n = arr.n_hyperplanes
    cover = 2 * sum(math.comb(n - 1, k) for k in range(arr.dimension)) if n else None
    bounds = [*support_bounds(arr, faces=faces), existence_bound(arr)]
    return {
        "n_chambers": arr.n_regions,
        "general_position": arr.is_general_position(),
        "cover_count": cover,
        "bounds": {b.name: b.to_dict() for b in bounds},
        "tightest": tightest(bounds),
    }


# ---------------------------------------------------------------------------------------------
# uniqueness


@dataclass(frozen=True, slots=True)
class Amplitude:
    """The exact mass of one atom of the unique minimiser.

    The atom sits at ``direction / ||direction||``; its amplitude ``a`` satisfies
    ``a phi(direction / ||direction||) = coefficient * relu(X direction)``, so
    ``a = coefficient * ||direction||`` (usually irrational; ``a^2`` is exact).

    Attributes
    ----------
    sign : int
        Sign of the extreme point (+1 for ``E+``).
    direction : tuple of int
    coefficient : Fraction
        Coefficient of ``relu(X direction)`` in ``K mu``.
    amplitude_squared : Fraction
        ``a^2 = coefficient^2 ||direction||^2``.
    """

    sign: int
    direction: tuple[int, ...]
    coefficient: Fraction
    amplitude_squared: Fraction

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sign": self.sign,
            "direction": list(self.direction),
            "coefficient": fraction_str(self.coefficient),
            "amplitude_squared": fraction_str(self.amplitude_squared),
        }


@dataclass(frozen=True, slots=True)
class Uniqueness:
    """Result of the exact rank test on the extreme set.

    Attributes
    ----------
    unique : bool or None
        ``True`` if uniqueness is *proved* (valid certificate and ``[phi(theta_j)]`` of full
        column rank over ``E``); ``None`` when not decided (invalid certificate or rank
        deficient: the test is only sufficient).
    rank : int or None
        Exact rank of ``[relu(X w_j)]`` over the extreme set (``None`` if invalid).
    n_extremes : int
        ``|E+| + |E-|``.
    amplitudes : tuple of Amplitude or None
        With ``labels`` and ``lam``, the exact solution of ``Phi_E c = y - lam p`` when unique.
    consistent : bool or None
        With ``labels`` and ``lam``: whether that system is solvable with coefficients of the
        right signs (``0`` or the sign of the extreme point). ``False`` means ``p`` is not the
        optimal dual vector for these ``y`` and ``lam``.
    """

    unique: bool | None
    rank: int | None
    n_extremes: int
    amplitudes: tuple[Amplitude, ...] | None = None
    consistent: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "unique": self.unique,
            "rank": self.rank,
            "n_extremes": self.n_extremes,
            "amplitudes": None
            if self.amplitudes is None
            else [a.to_dict() for a in self.amplitudes],
            "consistent": self.consistent,
        }


def feature_matrix(
    arr: Arrangement, directions: Sequence[Sequence[int | Fraction]]
) -> list[list[Fraction]]:
    """``Phi`` with columns ``relu(X w_j)`` (``N x k``) for exact directions ``w_j``.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> feature_matrix(Arrangement.from_points([[0], [1]]), [(1, 0), (-1, 1)])
    [[Fraction(0, 1), Fraction(1, 1)], [Fraction(1, 1), Fraction(0, 1)]]
    """
    out = []
    for xt in arr.augmented:
        row = []
        for w in directions:
            s = sum((a * b for a, b in zip(xt, w, strict=True)), Fraction(0))
            row.append(max(s, Fraction(0)))
        out.append(row)
    return out


def uniqueness(
    certificate: Certificate,
    /,
    *,
    labels: Sequence[Any] | None = None,
    lam: Any = None,
) -> Uniqueness:
    """Exact uniqueness test, and the exact amplitudes of the unique minimiser.

    If ``phi(theta_1), ..., phi(theta_k)`` over the extreme set ``E`` of a valid certificate are
    linearly independent, every minimiser is supported on ``E`` with ``K mu`` fixed, so it is
    unique. Its amplitudes then solve ``Phi_E a = y - lam p``.

    Parameters
    ----------
    certificate : Certificate
        A certificate (typically the optimal dual vector of ``P_lam``).
    labels : sequence, optional
        ``y``, one number per input row.
    lam : number, optional
        ``lam >= 0`` (``0`` for the noiseless problem).

    Returns
    -------
    Uniqueness

    Raises
    ------
    InputError
        If exactly one of ``labels`` and ``lam`` is given, or ``labels`` has the wrong length.
    """
    arr = certificate.arrangement
    if (labels is None) != (lam is None):
        raise InputError("give both labels and lam, or neither")
    ext = certificate.extremes
    if not certificate.valid:
        return Uniqueness(None, None, 0)
    dirs = [e.direction for e in ext]
    phi = feature_matrix(arr, dirs)
    rk = rank([list(col) for col in zip(*phi, strict=True)]) if dirs else 0
    unique = rk == len(dirs)
    if labels is None:
        return Uniqueness(True if unique else None, rk, len(dirs))
    y = [as_fraction(v, source="labels", row=i) for i, v in enumerate(labels)]
    if len(y) != arr.n_points:
        raise InputError(f"labels have {len(y)} entries, expected N = {arr.n_points}")
    lam_q = as_fraction(lam, source="lam")
    if lam_q < 0:
        raise InputError("lam must be non-negative")
    target = [yi - lam_q * pi for yi, pi in zip(y, certificate.dual, strict=True)]
    if not unique:
        return Uniqueness(None, rk, len(dirs), None, None)
    if not dirs:
        ok = all(t == 0 for t in target)
        return Uniqueness(True, 0, 0, (), ok)
    a = fmpq_matrix(phi)
    at = a.transpose()
    sol = (at * a).solve(at * fmpq_matrix([[t] for t in target]))
    coef = [to_fraction(sol[i, 0]) for i in range(len(dirs))]
    solves = all(
        sum((u * c for u, c in zip(row, coef, strict=True)), Fraction(0)) == t
        for row, t in zip(phi, target, strict=True)
    )
    signs_ok = all(c == 0 or (c > 0) == (e.sign > 0) for c, e in zip(coef, ext, strict=True))
    amps = tuple(
        Amplitude(e.sign, e.direction, c, c * c * sum(x * x for x in e.direction))
        for c, e in zip(coef, ext, strict=True)
    )
    return Uniqueness(True, rk, len(dirs), amps if solves else None, solves and signs_ok)
