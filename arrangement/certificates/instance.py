"""Rigorous primal values, certified gaps and the instance support bound of ``P_lam``.

Notation (``docs/theory.md``, section 10): ``P(mu) = 1/2 ||K mu - y||^2 + lam ||mu||_TV``, dual
``D(p) = lam <p, y> - lam^2/2 ||p||^2`` over ``F = {p : sup |eta_p| <= 1}``, ``p*`` the unique
dual optimum.

* :func:`primal_upper_bound`: an exact rational upper bound on ``P(mu)`` for a finite measure
  given by rational directions and rational coefficients (a trained network, the atoms of a
  solve). Only the norms ``||theta_j||`` are irrational; they are bounded above rationally.
* :func:`feasible_scale` and :func:`dual_lower_bound`: a rational ``c`` with ``c p`` in ``F``
  (from the exact ``sup |eta_p|^2``) and the best exact dual value ``D(c' p)``, ``0 <= c' <= c``.
* :func:`instance_support_bound`: ``D`` is strongly concave with modulus ``lam^2``, so a feasible
  ``p^`` with certified gap ``g`` satisfies ``||p^ - p*|| <= delta = sqrt(2 g) / lam``. On the
  closed chamber ``K_s``, ``|eta_{p*} - eta_{p^}| <= delta ||D_s X||_F = eps_s`` on the sphere.
  Every positive atom of every minimiser lies where ``eta_{p*} = 1``, and each closed chamber
  holds at most one such point, so ``|supp mu+|`` is at most the number of chambers whose
  maximum of ``eta_{p^}`` reaches ``1 - eps_s`` (likewise ``mu-`` with ``-eta``). Every
  comparison is exact: ``eps_s`` is bounded above by a rational, squares are compared. Grouping
  the counted chambers by the face that provably holds their point (a stable active set of the
  exact projection) counts an atom on a face shared by ``m`` chambers once instead of ``m``
  times.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import ArrangementError, InputError
from arrangement.core.linalg import int_array, int_matmul
from arrangement.core.numbers import as_fraction, fraction_str, sqrt_float

if TYPE_CHECKING:
    from arrangement.certificates.certificate import Certificate
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "InstanceBound",
    "NearMaximiser",
    "PrimalValue",
    "dual_lower_bound",
    "feasible_scale",
    "instance_support_bound",
    "primal_upper_bound",
    "sqrt_upper",
]

#: Binary digits of the rational upper bounds of square roots.
_SQRT_BITS = 64

HYPOTHESIS = (
    "P_lam with lam > 0; p^ = c p is exactly dual feasible (c from the exact sup |eta_p|^2) and "
    "g = (rigorous primal value) - D(p^) >= D(p*) - D(p^); D is lam^2-strongly concave, so "
    "||p^ - p*|| <= delta = sqrt(2 g)/lam and |eta_{p*} - eta_{p^}| <= eps_s = delta ||D_s X||_F "
    "on the closed chamber s; every atom of every minimiser lies where |eta_{p*}| = 1 and each "
    "closed chamber holds at most one point of E+ and one of E- (docs/theory.md, 7.1 and 10); "
    "grouped by face: where the exact projection's active set is stable within eps_s / c', the "
    "chamber's point lies on that face, shared by m_s closed chambers, and the stars of distinct "
    "points are disjoint, so |supp mu+| <= floor(sum over counted chambers of 1/m_s)"
)


# ---------------------------------------------------------------------------------------------
# exact helpers


def sqrt_upper(x: Fraction, *, bits: int = _SQRT_BITS) -> Fraction:
    """A rational ``u >= sqrt(x)`` with ``u - sqrt(x) <= 2^-bits / den(x)`` (exact when possible).

    Examples
    --------
    >>> sqrt_upper(Fraction(9, 4)), sqrt_upper(Fraction(2)) > Fraction(14142135, 10**7)
    (Fraction(3, 2), True)
    >>> sqrt_upper(Fraction(2)) ** 2 >= 2
    True
    """
    if x < 0:
        raise ValueError("square root of a negative number")
    a, b = x.numerator, x.denominator
    r = math.isqrt(a * b)
    if r * r == a * b:
        return Fraction(r, b)
    big = (a * b) << (2 * bits)
    s = math.isqrt(big)
    return Fraction(s + 1, b << bits)


def feasible_scale(sup_squared: Fraction) -> Fraction:
    """A rational ``c`` with ``c^2 sup <= 1``: ``1`` when ``sup <= 1``, else ``2 / (1 + sup)``.

    ``(1 + sup)^2 >= 4 sup`` (AM-GM), and ``2/(1 + sup)`` is below ``1/sqrt(sup)`` only by
    ``O((sup - 1)^2)``.

    Examples
    --------
    >>> feasible_scale(Fraction(1, 2)), feasible_scale(Fraction(4))
    (Fraction(1, 1), Fraction(2, 5))
    """
    return Fraction(1) if sup_squared <= 1 else 2 / (1 + sup_squared)


def dual_lower_bound(
    p: Sequence[Fraction], y: Sequence[Fraction], lam: Fraction | None, c: Fraction
) -> tuple[Fraction, Fraction]:
    """Best exact dual objective over the feasible multiples ``c' p``, ``0 <= c' <= c``.

    Returns ``(value, c')``. For ``lam = None`` (``P_0``) the dual objective is ``<p, y>``.

    Examples
    --------
    >>> dual_lower_bound([Fraction(1)], [Fraction(2)], Fraction(1), Fraction(1))
    (Fraction(3, 2), Fraction(1, 1))
    """
    py = sum((a * b for a, b in zip(p, y, strict=True)), Fraction(0))
    if lam is None:
        return (c * py, c) if py > 0 else (Fraction(0), Fraction(0))
    pp = sum((a * a for a in p), Fraction(0))
    if py <= 0 or pp == 0:
        return Fraction(0), Fraction(0)
    best = min(c, py / (lam * pp))
    return lam * best * py - lam * lam * best * best * pp / 2, best


def _common_denominator(values: Sequence[Fraction]) -> int:
    q = 1
    for v in values:
        q = q * v.denominator // math.gcd(q, v.denominator)
    return q


@dataclass(frozen=True, slots=True)
class PrimalValue:
    """An exact upper bound on ``P(mu)`` for a finite measure, and its parts.

    Attributes
    ----------
    prediction : tuple of Fraction
        ``K mu`` on every input row, exactly.
    data_term : Fraction
        ``1/2 ||K mu - y||^2``, exactly.
    total_variation : Fraction
        A rational upper bound on ``||mu||_TV = sum_j |c_j| ||theta_j||`` (each norm bounded
        above to 64 binary digits).
    value : Fraction
        ``data_term + lam * total_variation >= P(mu) >= OPT``.
    """

    prediction: tuple[Fraction, ...]
    data_term: Fraction
    total_variation: Fraction
    value: Fraction


def primal_upper_bound(
    arr: Arrangement,
    labels: Sequence[Any],
    lam: Any,
    directions: Sequence[Sequence[Any]],
    coefficients: Sequence[Any],
) -> PrimalValue:
    """Exact upper bound on ``P(mu)`` for ``K mu = sum_j c_j relu(X theta_j)``.

    The measure is ``mu = sum_j c_j ||theta_j|| delta(theta_j / ||theta_j||)`` (positive
    homogeneity), so ``||mu||_TV = sum_j |c_j| ||theta_j||``; directions need not be unit vectors.
    A direction ``e_D = (0, ..., 0, 1)`` is a constant output (every ``xt_i`` ends with 1).

    Parameters
    ----------
    arr : Arrangement
    labels : sequence
        ``y``, one exact number per row.
    lam : number
        ``lam > 0``.
    directions : sequence of sequences
        ``theta_j`` in ``Q^D``, exact.
    coefficients : sequence
        ``c_j``, exact.

    Returns
    -------
    PrimalValue

    Examples
    --------
    One point ``x = 0``, ``y = 2``, the atom ``(1/2) delta(e_2)`` with ``lam = 1/2``:

    >>> from arrangement import Arrangement
    >>> pv = primal_upper_bound(Arrangement.from_points([[0]]), [2], "1/2", [(0, 1)], ["1/2"])
    >>> pv.data_term, pv.total_variation, pv.value
    (Fraction(9, 8), Fraction(1, 2), Fraction(11, 8))

    Notes
    -----
    ``O(N m D)`` exact integer operations for ``m`` directions.
    """
    y = [as_fraction(v, source="labels", row=i) for i, v in enumerate(labels)]
    lam_q = as_fraction(lam, source="lam")
    if len(y) != arr.n_points:
        raise InputError(f"{len(y)} labels for {arr.n_points} input rows")
    thetas = [[as_fraction(x) for x in t] for t in directions]
    coef = [as_fraction(c) for c in coefficients]
    if len(thetas) != len(coef):
        raise InputError(f"{len(thetas)} directions but {len(coef)} coefficients")
    dim = arr.dimension
    for j, t in enumerate(thetas):
        if len(t) != dim:
            raise InputError(f"direction {j} has length {len(t)}, expected D = {dim}")
    n = arr.n_points
    if thetas:
        # Integer arithmetic: X = Xi / qx, Theta = Ti / qt, c = ci / qc.
        xs = [x for row in arr.augmented for x in row]
        ts = [x for row in thetas for x in row]
        qx, qt, qc = _common_denominator(xs), _common_denominator(ts), _common_denominator(coef)
        xi = int_array([[int(x * qx) for x in row] for row in arr.augmented], dim)
        ti = int_array([[int(x * qt) for x in row] for row in thetas], dim)
        z = int_matmul(xi, ti.T)  # (N, m): <xt_i, theta_j> * qx * qt
        relu = np.where(z > 0, z, 0).astype(object)
        ci = np.array([int(c * qc) for c in coef], dtype=object)
        num = relu.dot(ci)  # (N,)
        den = qx * qt * qc
        pred = tuple(Fraction(int(v), den) for v in num)
    else:
        pred = tuple(Fraction(0) for _ in range(n))
    data = sum(((f - t) ** 2 for f, t in zip(pred, y, strict=True)), Fraction(0)) / 2
    tv = Fraction(0)
    for c, t in zip(coef, thetas, strict=True):
        if c != 0:
            tv += abs(c) * sqrt_upper(sum((x * x for x in t), Fraction(0)))
    return PrimalValue(pred, data, tv, data + lam_q * tv)


# ---------------------------------------------------------------------------------------------
# the instance support bound


@dataclass(frozen=True, slots=True)
class NearMaximiser:
    """A closed chamber where ``sign * eta_{p^}`` reaches ``1 - eps_s``: where an atom may sit.

    Attributes
    ----------
    sign : int
        +1 (a positive atom may sit here) or -1.
    chambers : tuple of int
        The counted chambers whose maximiser is this point (several when it is on a boundary).
    direction : tuple of int
        Primitive integer maximiser of ``sign * eta_{p^}`` over the first chamber.
    value_squared : Fraction
        ``(max of sign * eta_{p^})^2`` there (``p^`` the feasible multiple), exactly.
    pattern : tuple of int
        Input rows active at the direction (``<theta, xt_i> > 0``).
    zero_set : tuple of int
        Input rows with ``<theta, xt_i> = 0``.
    """

    sign: int
    chambers: tuple[int, ...]
    direction: tuple[int, ...]
    value_squared: Fraction
    pattern: tuple[int, ...]
    zero_set: tuple[int, ...]

    @property
    def value(self) -> float:
        """``max sign * eta_{p^}`` over the chamber, as a float."""
        return sqrt_float(self.value_squared)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sign": self.sign,
            "chambers": list(self.chambers),
            "direction": list(self.direction),
            "value_squared": fraction_str(self.value_squared),
            "value": self.value,
            "pattern": list(self.pattern),
            "zero_set": list(self.zero_set),
        }


@dataclass(frozen=True, slots=True)
class InstanceBound:
    """The instance support bound from one dual-feasible vector and a certified gap.

    Attributes
    ----------
    lam : Fraction
    primal_value : Fraction
        The rigorous primal value the gap is measured to (an upper bound on ``OPT``).
    lower_bound : Fraction
        ``D(p^)`` with ``p^ = scale * p``: a lower bound on ``OPT`` (weak duality).
    gap : Fraction
        ``primal_value - lower_bound >= D(p*) - D(p^)``.
    sup_norm_squared : Fraction
        Exact ``sup |eta_p|^2`` of the given (rounded) ``p``.
    scale : Fraction
        ``c'``: ``p^ = c' p`` is exactly feasible and maximises ``D`` over ``0 <= c' <= c``.
    delta_squared : Fraction
        ``2 g / lam^2 >= ||p^ - p*||^2``.
    eps : Fraction
        Rational upper bound on ``delta sqrt(sum_i ||xt_i||^2)``, the uniform bound on
        ``|eta_{p*} - eta_{p^}|`` (each chamber uses its own, smaller ``eps_s``).
    n_plus, n_minus : int
        Chambers counted for each sign (each closed chamber holds at most one point of ``E+``
        and one of ``E-``): bounds on ``|supp mu+|`` and ``|supp mu-|``.
    face_plus, face_minus : int
        The sharper bounds after grouping the counted chambers by face: ``floor(sum 1/m_s)``
        over the counted chambers, ``m_s`` the number of closed chambers around a face proved
        to hold the chamber's point (``1`` where none is proved). At most ``n_plus``,
        ``n_minus``; an atom on a face shared by ``m`` chambers is counted once, not ``m``
        times.
    n_grouped : int
        Counted chambers whose point was proved to lie on a face shared with other chambers.
    n_chambers : int
    near_maximisers : tuple of NearMaximiser
        The counted chambers' maximisers, largest value first, at most ``top`` of them.
    n_exact_projections : int
        Chambers that the exact bounds did not decide (exact projection computed).
    hypothesis : str
    """

    lam: Fraction
    primal_value: Fraction
    lower_bound: Fraction
    gap: Fraction
    sup_norm_squared: Fraction
    scale: Fraction
    delta_squared: Fraction
    eps: Fraction
    n_plus: int
    n_minus: int
    face_plus: int
    face_minus: int
    n_grouped: int
    n_chambers: int
    plus_chambers: tuple[int, ...]
    minus_chambers: tuple[int, ...]
    near_maximisers: tuple[NearMaximiser, ...]
    n_exact_projections: int
    hypothesis: str = HYPOTHESIS

    @property
    def total(self) -> int:
        """The bound on ``|supp mu|``: ``face_plus + face_minus``."""
        return self.face_plus + self.face_minus

    @property
    def relative_gap(self) -> float:
        """``gap / primal_value`` (``0`` when both are ``0``)."""
        if self.primal_value == 0:
            return 0.0
        return float(self.gap / abs(self.primal_value))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (exact values as ``"p/q"``, with float companions)."""
        return {
            "lam": fraction_str(self.lam),
            "primal_value": fraction_str(self.primal_value),
            "primal_value_float": float(self.primal_value),
            "lower_bound": fraction_str(self.lower_bound),
            "lower_bound_float": float(self.lower_bound),
            "gap": fraction_str(self.gap),
            "gap_float": float(self.gap),
            "relative_gap": self.relative_gap,
            "sup_norm_squared": fraction_str(self.sup_norm_squared),
            "scale": fraction_str(self.scale),
            "delta_squared": fraction_str(self.delta_squared),
            "eps": fraction_str(self.eps),
            "eps_float": float(self.eps),
            "n_plus": self.n_plus,
            "n_minus": self.n_minus,
            "face_plus": self.face_plus,
            "face_minus": self.face_minus,
            "n_grouped": self.n_grouped,
            "total": self.total,
            "n_chambers": self.n_chambers,
            "plus_chambers": list(self.plus_chambers),
            "minus_chambers": list(self.minus_chambers),
            "near_maximisers": [m.to_dict() for m in self.near_maximisers],
            "n_exact_projections": self.n_exact_projections,
            "hypothesis": self.hypothesis,
        }


def _row_norms_squared(arr: Arrangement) -> list[Fraction]:
    return [sum((x * x for x in xt), Fraction(0)) for xt in arr.augmented]


def _dyadic_up(x: Fraction, bits: int = _SQRT_BITS) -> Fraction:
    """A dyadic rational ``>= x`` with about ``bits`` significant bits (``x`` itself if short)."""
    if x == 0 or (x.denominator.bit_length() <= bits and abs(x.numerator).bit_length() <= bits):
        return x
    k = bits - (abs(x.numerator).bit_length() - x.denominator.bit_length())
    if k >= 0:  # ceil(x 2^k) / 2^k
        return Fraction(-((-x.numerator << k) // x.denominator), 1 << k)
    return Fraction((-((-x.numerator) // (x.denominator << -k))) << -k)


def _dyadic_down(x: Fraction, bits: int = _SQRT_BITS) -> Fraction:
    """A dyadic rational ``<= x`` with about ``bits`` significant bits (``x`` itself if short)."""
    return -_dyadic_up(-x, bits)


#: Significant bits kept of ``F_s = ||D_s X||_F^2`` (rounded up) before ``eps_s`` is computed.
_F_BITS = 12


def _round_up_bits(f: int, bits: int) -> int:
    """The least integer ``>= f >= 0`` with at most ``bits`` significant bits.

    Examples
    --------
    >>> _round_up_bits(1000, 4), _round_up_bits(1024, 4), _round_up_bits(7, 4)
    (1024, 1024, 7)
    """
    extra = f.bit_length() - bits
    if extra <= 0:
        return f
    top = f >> extra
    return (top + ((top << extra) != f)) << extra


def _thresholds(
    arr: Arrangement, delta_sq: Fraction, scale: Fraction
) -> tuple[list[Fraction | None], list[Fraction], Fraction]:
    """Per chamber a rational ``T_s <= ((1 - eps_s^up) / scale)^2``; ``None`` if ``eps_s^up >= 1``.

    A chamber with ``None`` is always counted. ``max_{K_s ∩ S} eta_{p^} = scale * ||P(v_s)||``
    reaches ``1 - eps_s^up`` if ``||P(v_s)||^2 >= T_s`` (when ``1 - eps_s^up > 0``); rounding
    ``T_s`` down to a short dyadic rational only counts more chambers, so the bound stays
    rigorous. ``eps_s^up = delta^up * sqrt(F_s)^up`` with ``F_s = ||D_s X||_F^2``. Also returns
    every ``eps_s^up`` and the uniform ``eps^up``.
    """
    norms = _row_norms_squared(arr)
    q = _common_denominator(norms)
    nint = int_array([[int(v * q)] for v in norms], 1)
    pos = (np.asarray(arr.regions().signs) > 0).astype(np.int64)
    frob = int_matmul(pos, nint)[:, 0]  # (r,) sum over active rows of ||xt_i||^2, times q
    delta_up = _dyadic_up(sqrt_upper(_dyadic_up(delta_sq)))
    cache: dict[int, tuple[Fraction | None, Fraction]] = {}
    out: list[Fraction | None] = []
    eps: list[Fraction] = []
    for f in frob.tolist():
        # F_s rounded UP to _F_BITS significant bits: a larger eps_s only counts more chambers,
        # and the r chambers share a few thousand such values instead of r distinct ones
        f = _round_up_bits(int(f), _F_BITS)
        if f not in cache:
            eps_up = delta_up * _dyadic_up(sqrt_upper(Fraction(f, q)))
            if eps_up >= 1:
                cache[f] = (None, eps_up)
            elif scale == 0:
                cache[f] = (Fraction(-1), eps_up)  # never reached: eta_{p^} = 0 < 1 - eps
            else:
                cache[f] = (_dyadic_down((1 - eps_up) ** 2 / (scale * scale)), eps_up)
        out.append(cache[f][0])
        eps.append(cache[f][1])
    eps_all = delta_up * sqrt_upper(sum(norms, Fraction(0)))
    return out, eps, eps_all


def instance_support_bound(
    arrangement: Arrangement,
    dual: Sequence[Any],
    labels: Sequence[Any],
    /,
    *,
    lam: Any,
    primal_value: Any,
    certificate: Certificate | None = None,
    top: int = 10,
    iterations: int = 60,
    group_limit: int = 4096,
) -> InstanceBound:
    """Bound the support of every minimiser of ``P_lam`` from one dual vector and a primal value.

    Parameters
    ----------
    arrangement : Arrangement
    dual : sequence
        ``p``, one exact rational per row (for example the rounded ``(y - K mu^)/lam``); it
        need not be feasible: it is scaled by ``c <= 1/sup|eta_p|`` (decided exactly).
    labels : sequence
        ``y``.
    lam : number
        ``lam > 0``.
    primal_value : number
        A RIGOROUS upper bound on the optimal value (``P(mu)`` of some measure, e.g. from
        :func:`primal_upper_bound`).
    certificate : Certificate, optional
        The exact certificate of ``dual`` if already computed (saves one pass).
    top : int, optional
        How many near-maximisers to describe (exact projections), largest first.
    iterations : int, optional
        Float gradient steps proposing the multipliers of the exact upper bounds (performance
        only, never correctness).
    group_limit : int, optional
        At most this many counted chambers get the exact stability test that groups them by
        face (one exact projection each; ``-1``: all). The others count fully, which keeps
        the bound valid.

    Returns
    -------
    InstanceBound

    Raises
    ------
    InputError
        ``lam <= 0``, wrong lengths.
    ArrangementError
        ``primal_value`` is below the certified lower bound (it is not a primal value).

    Examples
    --------
    One point ``x = 0``, ``y = 2``, ``lam = 1/2``: the minimiser is one atom at ``e_2`` with
    value ``7/8`` and ``p* = 1``. From the exact ``p*`` and primal value the gap is zero and the
    bound is the true count, one positive atom:

    >>> from arrangement import Arrangement
    >>> b = instance_support_bound(Arrangement.from_points([[0]]), [1], [2], lam="1/2",
    ...                            primal_value="7/8")
    >>> b.gap, b.n_plus, b.n_minus, b.near_maximisers[0].direction
    (Fraction(0, 1), 1, 0, (0, 1))

    Notes
    -----
    One batched float stage over the ``2r`` signed chamber problems, then exact upper bounds
    (rounded multipliers), exact lower bounds (rounded feasible points) and, only for chambers
    that neither decides, the exact projection.
    """
    from arrangement.certificates.certificate import (
        _problems,
        _to_float,
        certify,
        chamber_wall_layout,
    )
    from arrangement.certificates.cones import batch_dual_multipliers

    arr = arrangement
    lam_q = as_fraction(lam, source="lam")
    if lam_q <= 0:
        raise InputError(f"lam must be positive, got {fraction_str(lam_q)}")
    y = [as_fraction(v, source="labels", row=i) for i, v in enumerate(labels)]
    if len(y) != arr.n_points:
        raise InputError(f"{len(y)} labels for {arr.n_points} input rows")
    primal = as_fraction(primal_value, source="primal value")
    cert = certify(arr, dual) if certificate is None else certificate
    p = cert.dual
    sup = cert.sup_norm_squared
    c_max = feasible_scale(sup)
    lower, scale = dual_lower_bound(p, y, lam_q, c_max)
    gap = primal - lower
    if gap < 0:
        raise ArrangementError(
            f"the primal value {float(primal):.10g} is below the certified lower bound "
            f"{float(lower):.10g}: it is not the value of a measure (is it rigorous?)"
        )
    delta_sq = 2 * gap / (lam_q * lam_q)
    thresholds, eps_chamber, eps_all = _thresholds(arr, delta_sq, scale)

    regions = arr.regions()
    hsigns = np.asarray(regions.hyperplane_signs)
    r = hsigns.shape[0]
    inactive = np.ones(r, dtype=bool)
    if arr.n_points:
        inactive = np.asarray((np.asarray(regions.signs) < 0).all(axis=1), dtype=bool)
    normals = arr.normal_matrix()
    pr = _problems(arr, p, hsigns, normals, layout=chamber_wall_layout(arr))
    exact: dict[int, Any] = {}

    def projection(k: int, hint: np.ndarray | None = None) -> Any:
        """The exact projection of signed problem ``k`` (computed once; the hint only speeds)."""
        if k not in exact:
            exact[k] = _exact_projection(pr, normals, k, hint)
        return exact[k]

    nz = (pr.vint != 0).any(axis=1)
    counted = np.zeros(2 * r, dtype=bool)
    undecided: list[int] = []
    for k in range(2 * r):
        ch = int(pr.chamber[k])
        if inactive[ch]:
            continue  # eta = 0 on the closed all-inactive chamber for every p, p* included
        t = thresholds[ch]
        if t is None:
            counted[k] = True
        elif t > 0 and nz[k]:
            undecided.append(k)
    n_exact = 0
    und = np.array(undecided, dtype=np.int64)
    est = np.zeros(2 * r)
    if len(und):
        try:
            vf = _to_float(pr.vint, pr.q)
            ok = bool(np.isfinite(vf).all())
        except OverflowError:
            ok = False
        if ok:
            und, mu, resid, g, upper = _screen(pr, und, vf, normals, thresholds, iterations)
            est[und] = upper
            # exact lower bounds from rounded feasible points: the residual pushed into the cone
            included = _included_by_points(pr, und, resid, g, vf[und], thresholds, regions)
            counted[und[included]] = True
            left = und[~included]
            hints: dict[int, np.ndarray] = {int(k): mu[i] for i, k in enumerate(und)}
        else:
            left, hints = und, {}
        for k in left.tolist():
            ch = int(pr.chamber[k])
            res = projection(k, hints.get(k))
            n_exact += 1
            t = thresholds[ch]
            assert t is not None
            if res.norm_squared >= t:
                counted[k] = True
    plus = tuple(int(pr.chamber[k]) for k in np.flatnonzero(counted[:r]))
    minus = tuple(int(pr.chamber[k]) for k in np.flatnonzero(counted[r:]) + r)
    # group the counted chambers by the face that must hold their point (docs/theory.md 10)
    ks = np.flatnonzero(counted).tolist()
    grouped = ks[:group_limit] if group_limit >= 0 else ks
    weights = _face_weights(arr, pr, normals, hsigns, grouped, eps_chamber, scale, projection)
    face = [
        math.floor(sum((Fraction(1, weights.get(k, 1)) for k in side), Fraction(0)))
        for side in ([k for k in ks if k < r], [k for k in ks if k >= r])
    ]
    # order the counted chambers for the listing: the exact maximisers of |eta_p| first, then
    # by a float estimate (multipliers on the candidates with the largest ||v_s||)
    ids = np.flatnonzero(counted & (est == 0))
    if top > 0 and len(ids):
        vf_all = _to_float(pr.vint, pr.q)
        if bool(np.isfinite(vf_all).all()):
            vv = np.einsum("bd,bd->b", vf_all[ids], vf_all[ids])
            pick = ids[np.argsort(-vv, kind="stable")[: 20 * top + 20]]
            nf = normals.astype(float)
            cham = pr.chamber[pick]
            g = pr.wall_sign[cham].astype(float)[:, :, None] * nf[pr.wall_idx[cham]]
            mu = batch_dual_multipliers(vf_all[pick], g, iterations=iterations)
            resid = vf_all[pick] + np.einsum("bf,bfd->bd", mu, g)
            est[pick] = np.einsum("bd,bd->b", resid, resid)
    big = float(np.max(est, initial=0.0)) + 1.0
    for e in cert.maximisers:
        for ch in e.chambers:
            k = ch if e.sign > 0 else ch + r
            if counted[k]:
                est[k] = big
    near = _near_maximisers(arr, pr, counted, est, scale, top, projection)
    return InstanceBound(
        lam=lam_q,
        primal_value=primal,
        lower_bound=lower,
        gap=gap,
        sup_norm_squared=sup,
        scale=scale,
        delta_squared=delta_sq,
        eps=eps_all,
        n_plus=len(plus),
        n_minus=len(minus),
        face_plus=face[0],
        face_minus=face[1],
        n_grouped=len(weights),
        n_chambers=r,
        plus_chambers=plus,
        minus_chambers=minus,
        near_maximisers=near,
        n_exact_projections=n_exact,
    )


#: Signed chamber problems per block of the float screen (bounds its ``(b, F, D)`` arrays).
_SCREEN_BLOCK = 1 << 16


def _screen(
    pr: Any,
    ids: np.ndarray,
    vf: np.ndarray,
    normals: np.ndarray,
    thresholds: Sequence[Fraction | None],
    iterations: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exclude, exactly, the problems ``ids`` whose projection stays below the threshold.

    Projected-gradient multipliers (floats) propose an upper bound ``|v + G^T mu|^2`` on
    ``|P_K(v)|^2``; :func:`~arrangement.certificates.certificate._exact_below` decides it in
    rational arithmetic. Block by block: first ``mu = 0`` (``|P_K(v)| <= |v|``, no wall rows
    needed), then a few steps for every problem left, then the remaining ``iterations``
    (warm-started) only for the problems still open.
    Returns the problems still open with their multipliers, residuals ``v + G^T mu``, signed
    wall rows and float upper bounds.
    """
    from arrangement.certificates.certificate import _exact_below
    from arrangement.certificates.cones import batch_dual_multipliers

    nf = normals.astype(float)
    first = min(10, iterations)
    kept: list[tuple[np.ndarray, ...]] = []
    width = pr.wall_idx.shape[1]

    def below(
        problems: np.ndarray, upper: np.ndarray, tf: np.ndarray, mu: np.ndarray
    ) -> np.ndarray:
        """Which problems the float upper bound proposes and the exact check confirms."""
        cand = np.flatnonzero(upper < tf * (1 - 1e-9))
        bounds = [thresholds[int(pr.chamber[k])] or Fraction(0) for k in problems[cand]]
        out = np.zeros(len(problems), dtype=bool)
        out[cand[_exact_below(pr, problems[cand], mu[cand], bounds)]] = True
        return out

    for lo in range(0, len(ids), _SCREEN_BLOCK):
        blk = ids[lo : lo + _SCREEN_BLOCK]
        tf = np.array([float(thresholds[int(pr.chamber[k])] or 0) for k in blk])
        vv = np.einsum("bd,bd->b", vf[blk], vf[blk])
        open_ = ~below(blk, vv, tf, np.zeros((len(blk), width)))
        blk, tf = blk[open_], tf[open_]
        cham = pr.chamber[blk]
        g = pr.wall_sign[cham].astype(float)[:, :, None] * nf[pr.wall_idx[cham]]
        mu = None
        for steps in (first, iterations - first):
            if mu is not None and steps <= 0:
                break
            mu = batch_dual_multipliers(vf[blk], g, iterations=max(steps, 0), start=mu)
            resid = vf[blk] + np.einsum("bf,bfd->bd", mu, g)
            upper = np.einsum("bd,bd->b", resid, resid)
            open_ = ~below(blk, upper, tf, mu)
            blk, g, tf, mu = blk[open_], g[open_], tf[open_], mu[open_]
            resid, upper = resid[open_], upper[open_]
        assert mu is not None
        kept.append((blk, mu, resid, g, upper))
    if not kept:
        dim = normals.shape[1]
        return (
            ids[:0],
            np.zeros((0, width)),
            np.zeros((0, dim)),
            np.zeros((0, width, dim)),
            np.zeros(0),
        )
    return tuple(np.concatenate(parts) for parts in zip(*kept, strict=True))  # type: ignore[return-value]


def _included_by_points(
    pr: Any,
    ids: np.ndarray,
    resid: np.ndarray,
    g: np.ndarray,
    v: np.ndarray,
    thresholds: Sequence[Fraction | None],
    regions: Any,
) -> np.ndarray:
    """Decide chambers from below, exactly, by rounded points of their closed cones.

    A point ``theta`` of the closed cone with ``<v, theta> > 0`` and
    ``<v, theta>^2 >= T ||theta||^2`` proves that the chamber reaches its threshold.
    """
    out = np.zeros(len(ids), dtype=bool)
    if len(ids) == 0:
        return out
    wit = np.asarray(regions.witnesses, dtype=float)[pr.chamber[ids]]
    with np.errstate(all="ignore"):
        wit /= np.maximum(np.linalg.norm(wit, axis=1), 1e-300)[:, None]
        gr = np.einsum("bfd,bd->bf", g, resid)
        gw = np.einsum("bfd,bd->bf", g, wit)
        need = np.where(gw > 0, -gr / gw, 0.0)
        t = np.maximum(need.max(axis=1, initial=0.0), 0.0) * 1.001
        theta = resid + t[:, None] * wit
        val = np.einsum("bd,bd->b", v, theta)
        nrm = np.einsum("bd,bd->b", theta, theta)
        low = np.where((val > 0) & (nrm > 0), val * val / nrm, 0.0)
    tf = np.array([float(thresholds[int(pr.chamber[k])] or 0) for k in ids])
    cand = np.flatnonzero(np.isfinite(low) & (low > tf * (1 + 1e-9)))
    for i in cand.tolist():
        k = int(ids[i])
        th = theta[i]
        top = float(np.abs(th).max())
        if not np.isfinite(top) or top == 0:
            continue
        ti = [int(round(x * 2**30 / top)) for x in th]
        ch = int(pr.chamber[k])
        feasible = True
        for f in range(pr.wall_idx.shape[1]):
            s = int(pr.wall_sign[ch, f])
            if s == 0:
                continue
            nrm_h = pr.normals[pr.wall_idx[ch, f]]
            if s * sum(int(a) * b for a, b in zip(nrm_h, ti, strict=True)) < 0:
                feasible = False
                break
        if not feasible:
            continue
        dot = sum(int(a) * b for a, b in zip(pr.vint[k], ti, strict=True))  # q <v, theta>
        tq = thresholds[ch]
        assert tq is not None
        nsq = sum(b * b for b in ti)
        # <v, theta>^2 >= T ||theta||^2  with  v = vint / q
        if dot > 0 and dot * dot * tq.denominator >= tq.numerator * pr.q * pr.q * nsq:
            out[i] = True
    return out


def _wall_rows(pr: Any, normals: np.ndarray, ch: int) -> tuple[list[int], list[list[int]]]:
    """The walls of chamber ``ch``: their slots and the rows ``g`` of ``K_s = {g theta >= 0}``."""
    real = [f for f in range(pr.wall_idx.shape[1]) if pr.wall_sign[ch, f] != 0]
    rows = [[int(pr.wall_sign[ch, f]) * int(x) for x in normals[pr.wall_idx[ch, f]]] for f in real]
    return real, rows


def _exact_projection(pr: Any, normals: np.ndarray, k: int, hint: np.ndarray | None) -> Any:
    from arrangement.certificates.cones import project

    real, rows = _wall_rows(pr, normals, int(pr.chamber[k]))
    v = [Fraction(int(x), pr.q) for x in pr.vint[k]]
    h = None if hint is None else [float(hint[f]) for f in real]
    return project(v, rows, hint=h)


def _stable_face(rows: list[list[int]], proj: Any, radius_sq: Fraction) -> bool:
    """Whether every vector within ``sqrt(radius_sq)`` of ``v`` projects into ``relint F``.

    ``proj`` is the exact projection of ``v`` onto ``K = {g theta >= 0}`` (rows ``g``), with
    ``P = v + G_A^T mu_A``. With ``A = {mu > 0}`` independent and equal to the active rows
    (strict complementarity), the projection of ``v + d`` keeps the active set ``A`` while
    ``mu_A(v + d) = mu_A - (G_A G_A^T)^{-1} G_A d`` stays positive and
    ``<g_i, Pi_A (v + d)> = <g_i, P> + <Pi_A g_i, d>`` stays positive for the other rows; by
    Cauchy-Schwarz both hold for ``|d|^2 <= radius_sq`` if ``mu_j^2 > [(G_A G_A^T)^{-1}]_jj
    radius_sq`` and ``<g_i, P>^2 > |Pi_A g_i|^2 radius_sq``. Decided exactly (python-flint).
    """
    from arrangement.core.linalg import fmpq_matrix, to_fraction

    mu = proj.multipliers
    act = [i for i, m in enumerate(mu) if m > 0]
    if not act or proj.direction is None or set(proj.active) != set(act):
        return False
    ga = fmpq_matrix([rows[i] for i in act])
    gram_inv = (ga * ga.transpose()).inv()  # A is independent (the projection's KKT rows)
    for j, i in enumerate(act):
        if mu[i] * mu[i] <= to_fraction(gram_inv[j, j]) * radius_sq:
            return False
    point = proj.point
    for i, g in enumerate(rows):
        if i in act:
            continue
        t = sum((a * b for a, b in zip(g, point, strict=True)), Fraction(0))  # > 0: inactive
        b = ga * fmpq_matrix([[x] for x in g])
        pg = sum(x * x for x in g) - to_fraction((b.transpose() * gram_inv * b)[0, 0])
        if t * t <= pg * radius_sq:
            return False
    return True


def _face_weights(
    arr: Arrangement,
    pr: Any,
    normals: np.ndarray,
    hsigns: np.ndarray,
    ks: Sequence[int],
    eps: Sequence[Fraction],
    scale: Fraction,
    projection: Callable[..., Any],
) -> dict[int, int]:
    """Star sizes ``m_k > 1`` of the faces proved to hold the points of the problems ``ks``.

    For each signed chamber problem ``k``, ``m_k`` is the number of closed chambers around a
    face that must hold the chamber's point of ``E+`` (``E-``), where that is proved; the
    others (``m_k = 1``) are omitted.

    The point of ``E+`` in ``K_s``, if any, is the direction of ``P_{K_s}(w*)`` with
    ``|w* - c' v_s| <= eps_s``. If the active set of the exact projection of ``v_s`` is stable
    within ``eps_s / c'`` (:func:`_stable_face`), that point lies in the relative interior of
    the face ``F`` of ``P_{K_s}(v_s)``, hence in the closure of exactly ``|star(F)|`` chambers:
    ``2^|Z|`` when the hyperplanes ``Z`` through ``F`` are independent, else counted.
    """
    from arrangement.certificates.certificate import chambers_containing
    from arrangement.core.linalg import rank

    out: dict[int, int] = {}
    if scale <= 0:
        return out
    stars: dict[tuple[int, ...], int] = {}
    containing = None
    for k in ks:
        ch = int(pr.chamber[k])
        if eps[ch] >= 1:
            continue
        _, rows = _wall_rows(pr, normals, ch)
        proj = projection(k)
        if not _stable_face(rows, proj, (eps[ch] / scale) ** 2):
            continue
        # the face's signs on every hyperplane, from the primitive direction in exact integers
        prod = int_matmul(normals, int_array([[x] for x in proj.direction], 1))[:, 0]
        face = tuple(int(x > 0) - int(x < 0) for x in prod.tolist())
        if face not in stars:
            zero = [h for h, sg in enumerate(face) if sg == 0]
            if rank([[int(x) for x in normals[h]] for h in zero]) == len(zero):
                stars[face] = 2 ** len(zero)
            else:
                containing = containing or chambers_containing(hsigns)
                stars[face] = len(containing(face))
        if stars[face] > 1:
            out[k] = stars[face]
    return out


def _near_maximisers(
    arr: Arrangement,
    pr: Any,
    counted: np.ndarray,
    est: np.ndarray,
    scale: Fraction,
    top: int,
    projection: Callable[..., Any],
) -> tuple[NearMaximiser, ...]:
    """The maximisers of the counted chambers, largest first, grouped by point."""
    ids = np.flatnonzero(counted)
    if top <= 0 or len(ids) == 0:
        return ()
    order = ids[np.argsort(-est[ids], kind="stable")]
    found: dict[tuple[int, tuple[int, ...]], list[Any]] = {}
    looked = 0
    for k in order.tolist():
        if len(found) >= top or looked >= 4 * top + 16:
            break
        looked += 1
        res = projection(k)
        if res.direction is None:
            continue
        key = (int(pr.sigma[k]), res.direction)
        if key in found:
            found[key][1].append(int(pr.chamber[k]))
        else:
            found[key] = [res.norm_squared * scale * scale, [int(pr.chamber[k])]]
    out = []
    for (sgn, direction), (val, chambers) in found.items():
        row_signs = arr.signs_of(direction)
        out.append(
            NearMaximiser(
                sign=sgn,
                chambers=tuple(chambers),
                direction=direction,
                value_squared=val,
                pattern=tuple(i for i, s in enumerate(row_signs) if s > 0),
                zero_set=tuple(i for i, s in enumerate(row_signs) if s == 0),
            )
        )
    out.sort(key=lambda m: (-m.value_squared, -m.sign, m.direction))
    return tuple(out)
