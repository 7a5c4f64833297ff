"""Exact Euclidean projection onto rational polyhedral cones.

The cone is ``K = {x in Q^D : G x >= 0}`` for a rational matrix ``G`` (rows ``g_i``; rows may be
redundant, zero or repeated, and ``K`` may be non-pointed or lower-dimensional). Its polar cone is
``K° = cone{-g_i}``, and by Moreau's decomposition ``v = P_K(v) + P_K°(v)`` with the two parts
orthogonal, so

    P_K(v) = v + G^T mu*,   mu* in argmin { ||v + G^T mu|| : mu >= 0 }.

The projection is the orthogonal projection of ``v`` onto the linear span of one face of ``K``,
hence rational. Floating point only *proposes* an active set (a small non-negative least-squares
solve); an exact check of the Karush-Kuhn-Tucker conditions then *decides*:

* primal feasibility ``G P >= 0``,
* dual feasibility ``P - v = G^T mu`` with ``mu >= 0``,
* complementarity ``mu_i = 0`` whenever ``<g_i, P> > 0``.

These three conditions characterise ``P_K(v)`` (they say ``P in K``, ``v - P in K°`` and
``<P, v - P> = 0``). If the proposal fails the check, an exact Lawson-Hanson active-set method in
rational arithmetic (guaranteed to terminate) computes the answer.

Any ``mu >= 0`` gives the exact upper bound ``||P_K(v)||^2 <= ||v + G^T mu||^2``
(:func:`upper_bound_sq`), which is how chambers are skipped cheaply in
:mod:`arrangement.certificates.certificate`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from arrangement.core.errors import InputError, SolverError
from arrangement.core.linalg import (
    fmpq_matrix,
    primitive,
    row_scale,
    scaled_floats,
    to_fraction,
)

__all__ = [
    "ConeProjection",
    "batch_dual_multipliers",
    "nnls_float",
    "project",
    "upper_bound_sq",
]

Number = int | Fraction
Vector = tuple[Fraction, ...]


@dataclass(frozen=True, slots=True)
class ConeProjection:
    """The exact Euclidean projection ``P`` of a vector ``v`` onto ``K = {x : G x >= 0}``.

    Attributes
    ----------
    point : tuple of Fraction
        The projection ``P = P_K(v)``.
    norm_squared : Fraction
        ``||P||^2``; it equals ``max{<v, x> : x in K, ||x|| <= 1}^2``.
    active : tuple of int
        Indices of the rows of ``G`` with ``<g_i, P> = 0`` (all rows when ``P = 0``).
    direction : tuple of int or None
        ``P`` scaled to a primitive integer vector, ``None`` when ``P = 0``.
    multipliers : tuple of Fraction
        A Karush-Kuhn-Tucker certificate: ``mu >= 0`` with ``P = v + G^T mu`` and ``mu_i = 0``
        outside ``active``. The rows with ``mu_i > 0`` are linearly independent.
    proposal_accepted : bool
        ``True`` if the floating-point proposal passed the exact check, ``False`` if the exact
        active-set method was needed.
    """

    point: Vector
    norm_squared: Fraction
    active: tuple[int, ...]
    direction: tuple[int, ...] | None
    multipliers: Vector
    proposal_accepted: bool


# ---------------------------------------------------------------------------------------------
# exact helpers (Fractions; the systems are at most D x D)


def _dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b, strict=True)), Fraction(0))


def _independent_subset(rows: Sequence[Sequence[Fraction]], order: Sequence[int]) -> list[int]:
    """Greedily pick, in the given order, indices of linearly independent rows."""
    basis: list[tuple[int, list[Fraction]]] = []  # (pivot column, row with 1 at the pivot)
    chosen: list[int] = []
    dim = len(rows[0]) if rows else 0
    for idx in order:
        r = list(rows[idx])
        for col, b in basis:
            f = r[col]
            if f != 0:
                r = [x - f * y for x, y in zip(r, b, strict=True)]
        lead = next((c for c, x in enumerate(r) if x != 0), None)
        if lead is None:
            continue
        inv = 1 / r[lead]
        basis.append((lead, [x * inv for x in r]))
        chosen.append(idx)
        if len(chosen) == dim:
            break
    return chosen


def _least_squares(
    v: Vector, g: Sequence[Vector], passive: Sequence[int]
) -> tuple[list[Fraction], list[Fraction]]:
    """Minimise ``||v + G_B^T z||`` over all ``z`` for independent rows ``B = passive``.

    Returns ``(z, r)`` with ``r = v + G_B^T z``, the orthogonal projection of ``v`` onto
    ``{x : <g_i, x> = 0, i in B}``.
    """
    rows = [g[i] for i in passive]
    if not rows:
        return [], list(v)
    # one exact solve of the Gram system in python-flint (C), several times faster than
    # Fraction arithmetic; the results come back as Fractions
    gb = fmpq_matrix(rows)
    vv = fmpq_matrix([[x] for x in v])
    z_mat = (gb * gb.transpose()).solve(-(gb * vv))
    r_mat = vv + gb.transpose() * z_mat
    z = [to_fraction(z_mat[i, 0]) for i in range(len(rows))]
    r = [to_fraction(r_mat[i, 0]) for i in range(len(v))]
    return z, r


def _signs_of_products(g: Sequence[Vector], r: Sequence[Fraction]) -> list[int]:
    """The signs of ``<g_i, r>`` for every row, in integer arithmetic.

    ``r`` is brought to one common denominator and each row to its own (positive factors
    change no sign), so every product is a sum of Python-integer products.
    """
    den = 1
    for x in r:
        den = den * x.denominator // math.gcd(den, x.denominator)
    rr = [x.numerator * (den // x.denominator) for x in r]
    out = []
    for row in g:
        rd = 1
        for x in row:
            rd = rd * x.denominator // math.gcd(rd, x.denominator)
        total = sum(x.numerator * (rd // x.denominator) * y for x, y in zip(row, rr, strict=True))
        out.append((total > 0) - (total < 0))
    return out


def _finish(
    v: Vector, g: Sequence[Vector], mu: dict[int, Fraction], point: list[Fraction], accepted: bool
) -> ConeProjection:
    m = len(g)
    pt = tuple(point)
    nsq = _dot(pt, pt)
    if nsq == 0:
        active = tuple(range(m))
        direction = None
    else:
        active = tuple(i for i, sg in enumerate(_signs_of_products(g, pt)) if sg == 0)
        direction = primitive(pt)
    mult = tuple(mu.get(i, Fraction(0)) for i in range(m))
    return ConeProjection(pt, nsq, active, direction, mult, accepted)


def _check(v: Vector, g: Sequence[Vector], order: Sequence[int]) -> ConeProjection | None:
    """Exact KKT check of a proposed active set (indices in order of preference)."""
    basis = _independent_subset(g, order) if order else []
    z, r = _least_squares(v, g, basis)
    if any(zi < 0 for zi in z):
        return None
    if any(sg < 0 for sg in _signs_of_products(g, r)):
        return None
    mu = {i: zi for i, zi in zip(basis, z, strict=True) if zi != 0}
    return _finish(v, g, mu, r, True)


def _lawson_hanson(v: Vector, g: Sequence[Vector]) -> ConeProjection:
    """Exact Lawson-Hanson NNLS for ``min ||v + G^T mu||, mu >= 0`` in rational arithmetic.

    Invariants (exact arithmetic): ``mu >= 0``; the passive rows are linearly independent; at the
    start of each outer step ``mu`` restricted to the passive set is the unconstrained
    least-squares solution on it, so ``<g_i, r> = 0`` there and a row entering with
    ``<g_j, r> < 0`` is independent of them. The objective strictly decreases between outer
    steps, so no passive set repeats and the loop terminates.
    """
    m = len(g)
    norms = [_dot(row, row) for row in g]
    passive: list[int] = []
    mu: dict[int, Fraction] = {}
    r = list(v)
    # No passive set repeats, so 2^m + 1 outer steps is a proven bound (never reached in
    # practice: Lawson-Hanson typically needs about m); the cap only guards against bugs.
    for _ in range(2**m + 1):
        slopes = [_dot(g[j], r) for j in range(m)]
        cand = [j for j in range(m) if j not in mu and slopes[j] < 0]
        if not cand:
            return _finish(v, g, mu, r, False)
        j = max(cand, key=lambda i: (slopes[i] * slopes[i] / norms[i], -i))
        passive.append(j)
        mu[j] = Fraction(0)
        for _ in range(m + 1):
            z, cand_r = _least_squares(v, g, passive)
            if all(zi > 0 for zi in z):
                mu = dict(zip(passive, z, strict=True))
                r = cand_r
                break
            alpha = min(mu[i] / (mu[i] - zi) for i, zi in zip(passive, z, strict=True) if zi <= 0)
            mu = {i: mu[i] + alpha * (zi - mu[i]) for i, zi in zip(passive, z, strict=True)}
            passive = [i for i in passive if mu[i] > 0]
            mu = {i: mu[i] for i in passive}
        else:  # pragma: no cover - impossible in exact arithmetic
            raise SolverError("exact Lawson-Hanson inner loop did not terminate")
    raise SolverError("exact Lawson-Hanson did not terminate")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# floating-point proposals


def nnls_float(
    g: np.ndarray, v: np.ndarray, *, tol: float = 1e-12, max_iter: int | None = None
) -> np.ndarray:
    """Approximate ``argmin ||v + G^T mu||`` over ``mu >= 0`` in floating point.

    A plain Lawson-Hanson iteration; its result is only a proposal for :func:`project`.

    Parameters
    ----------
    g : numpy.ndarray
        Float matrix ``(m, D)``, one constraint row per line.
    v : numpy.ndarray
        Float vector of length ``D``.
    tol : float, optional
        Relative tolerance on the slopes.
    max_iter : int, optional
        Iteration cap (default ``3 m + 10``).

    Returns
    -------
    numpy.ndarray
        Non-negative multipliers of length ``m``.

    Examples
    --------
    >>> nnls_float(np.array([[1.0, 0.0]]), np.array([-2.0, 1.0])).round(12).tolist()
    [2.0]
    """
    m = g.shape[0]
    mu = np.zeros(m)
    if m == 0:
        return mu
    scale = max(float(np.abs(g).max()) * max(float(np.abs(v).max()), 1e-300), 1e-300)
    passive = np.zeros(m, dtype=bool)
    cap = 3 * m + 10 if max_iter is None else max_iter
    for _ in range(cap):
        r = v + g.T @ mu
        w = -(g @ r)
        w[passive] = -np.inf
        j = int(np.argmax(w))
        if w[j] <= tol * scale:
            break
        passive[j] = True
        for _ in range(m + 1):
            idx = np.flatnonzero(passive)
            z = np.zeros(m)
            z[idx] = np.linalg.lstsq(g[idx].T, -v, rcond=None)[0]
            if np.all(z[idx] > 0):
                mu = z
                break
            bad = idx[z[idx] <= 0]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratios = mu[bad] / (mu[bad] - z[bad])
            alpha = float(np.nanmin(ratios)) if ratios.size else 0.0
            alpha = min(max(alpha, 0.0), 1.0)
            mu = mu + alpha * (z - mu)
            passive &= mu > tol * max(float(mu.max()), 1.0)
            mu[~passive] = 0.0
    return np.maximum(mu, 0.0)


def batch_dual_multipliers(
    vectors: np.ndarray,
    rows: np.ndarray,
    *,
    iterations: int = 100,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Approximate dual multipliers for many cone projections at once.

    Problem ``k`` is ``min ||v_k + G_k^T mu||`` over ``mu >= 0`` with ``G_k = rows[k]``; this is
    the float proposal used to skip chambers. It runs accelerated projected gradient (FISTA with
    adaptive restart and a per-problem step ``1 / ||G_k||^2``) on all problems together.

    Parameters
    ----------
    vectors : numpy.ndarray
        Float array ``(b, D)``.
    rows : numpy.ndarray
        Float array ``(b, m, D)``; zero rows are padding and get multiplier 0.
    iterations : int, optional
        Number of gradient steps.
    start : numpy.ndarray, optional
        Warm start ``(b, m)`` (non-negative), e.g. the result of an earlier call.

    Returns
    -------
    numpy.ndarray
        Non-negative multipliers ``(b, m)``.

    Notes
    -----
    Cost ``O(iterations * b * m * D)``. The result carries no guarantee; exact bounds are made
    from it by :func:`upper_bound_sq` or by the certificate code.

    Examples
    --------
    >>> mu = batch_dual_multipliers(np.array([[-2.0, 1.0]]), np.array([[[1.0, 0.0]]]))
    >>> mu.round(6).tolist()
    [[2.0]]
    """
    vec = np.asarray(vectors, dtype=float)
    g = np.asarray(rows, dtype=float)
    b, m = g.shape[:2]
    if b == 0 or m == 0:
        return np.zeros((b, m))
    lengths = np.linalg.norm(g, axis=2)
    safe = np.where(lengths == 0, 1.0, lengths)
    unit = g / safe[:, :, None]
    gram = np.einsum("bmi,bmj->bij", unit, unit)
    lip = np.linalg.eigvalsh(gram)[:, -1]
    step = 1.0 / np.where(lip > 0, lip, 1.0)
    mu = np.zeros((b, m)) if start is None else np.maximum(start, 0.0) * safe
    y = mu.copy()
    t = np.ones(b)
    for _ in range(iterations):
        r = vec + np.einsum("bm,bmd->bd", y, unit)
        grad = np.einsum("bmd,bd->bm", unit, r)
        new = np.maximum(y - step[:, None] * grad, 0.0)
        # adaptive restart: drop the momentum where it points uphill
        restart = np.einsum("ij,ij->i", grad, new - mu) > 0
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        beta = np.where(restart, 0.0, (t - 1.0) / t_new)
        y = new + beta[:, None] * (new - mu)
        t = np.where(restart, 1.0, t_new)
        mu = new
    return mu / safe


# ---------------------------------------------------------------------------------------------
# public API


def _as_vector(values: Sequence[Number], what: str) -> Vector:
    try:
        return tuple(Fraction(x) for x in values)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must hold exact rationals: {exc}") from None


def _prepare(v: Sequence[Number], g: Sequence[Sequence[Number]]) -> tuple[Vector, list[Vector]]:
    vq = _as_vector(v, "the vector")
    gq = [_as_vector(row, "a cone row") for row in g]
    for k, row in enumerate(gq):
        if len(row) != len(vq):
            raise InputError(f"cone row {k} has length {len(row)}, expected {len(vq)}")
    return vq, gq


def project(
    v: Sequence[Number],
    g: Sequence[Sequence[Number]],
    *,
    hint: Sequence[float] | np.ndarray | None = None,
) -> ConeProjection:
    """Exact Euclidean projection of ``v`` onto ``K = {x : G x >= 0}``.

    Parameters
    ----------
    v : sequence of int or Fraction
        The vector (length ``D``).
    g : sequence of sequences of int or Fraction
        The rows ``g_i`` of ``G`` (each of length ``D``); may be empty (then ``K = Q^D``).
    hint : sequence of float, optional
        Approximate multipliers (one per row, as from :func:`batch_dual_multipliers`). Without
        it a float Lawson-Hanson solve proposes them.

    Returns
    -------
    ConeProjection
        The projection with its exact norm, active rows, direction and KKT multipliers.

    Raises
    ------
    InputError
        If a row does not have the length of ``v`` or an entry is not an exact rational.

    Examples
    --------
    The non-negative quadrant:

    >>> p = project([3, -1], [[1, 0], [0, 1]])
    >>> p.point, p.norm_squared, p.active, p.direction
    ((Fraction(3, 1), Fraction(0, 1)), Fraction(9, 1), (1,), (1, 0))

    A vector in the polar cone projects to the apex:

    >>> project([-1, -1], [[1, 0], [0, 1]]).direction is None
    True

    Notes
    -----
    The exact check costs ``O(m D + D^3)`` rational operations for ``m`` rows; the fallback
    Lawson-Hanson method takes at most a few passes of the same cost per active-set change.
    """
    vq, gq = _prepare(v, g)
    dim = len(vq)
    if all(x == 0 for x in vq):
        return _finish(vq, gq, {}, [Fraction(0)] * dim, True)
    if not gq:
        return _finish(vq, gq, {}, list(vq), True)
    # Floats only propose an active set. Every row (and v) is first rescaled by a power of two,
    # which changes neither the cone nor the projection's direction, so that huge or tiny
    # data stay within the float range.
    gf = np.array([scaled_floats(row) for row in gq], dtype=float)
    if hint is None:
        mu_f = nnls_float(gf, np.array(scaled_floats(vq), dtype=float))
    else:
        mu_f = np.asarray(hint, dtype=float)
        if mu_f.shape != (len(gq),):
            raise InputError(f"hint has shape {mu_f.shape}, expected ({len(gq)},)")
        # a hint refers to the unscaled rows: bring it to the scaled ones
        mu_f = mu_f * np.array([row_scale(row) for row in gq], dtype=float)
    lengths = np.sqrt(np.einsum("md,md->m", gf, gf))
    with np.errstate(all="ignore"):
        weight = np.nan_to_num(mu_f * lengths, nan=0.0, posinf=0.0)
    top = float(weight.max()) if weight.size else 0.0
    order = [int(i) for i in np.argsort(-weight, kind="stable") if weight[i] > 1e-9 * top > 0]
    checked = _check(vq, gq, order)
    if checked is not None:
        return checked
    return _lawson_hanson(vq, gq)


def upper_bound_sq(
    v: Sequence[Number], g: Sequence[Sequence[Number]], mu: Sequence[Number]
) -> Fraction:
    """Exact upper bound ``||v + G^T mu||^2 >= ||P_K(v)||^2`` for any ``mu >= 0``.

    ``w = -G^T mu`` lies in the polar cone ``K°`` and ``||P_K(v)|| = dist(v, K°)``, so every
    non-negative ``mu`` certifies ``max{<v, x> : x in K, ||x|| <= 1}^2 <= ||v + G^T mu||^2``.

    Parameters
    ----------
    v : sequence of int or Fraction
        The vector (length ``D``).
    g : sequence of sequences of int or Fraction
        The rows of ``G``.
    mu : sequence of int or Fraction
        Non-negative exact multipliers, one per row (round float multipliers to rationals first,
        e.g. with ``Fraction(x).limit_denominator()`` clipped at 0).

    Returns
    -------
    Fraction
        The bound.

    Raises
    ------
    InputError
        If a multiplier is negative or the lengths do not match.

    Examples
    --------
    >>> upper_bound_sq([3, -1], [[1, 0], [0, 1]], [0, 1])
    Fraction(9, 1)
    >>> upper_bound_sq([3, -1], [[1, 0], [0, 1]], [0, 0])
    Fraction(10, 1)
    """
    vq, gq = _prepare(v, g)
    muq = _as_vector(mu, "the multipliers")
    if len(muq) != len(gq):
        raise InputError(f"{len(muq)} multipliers for {len(gq)} cone rows")
    if any(x < 0 for x in muq):
        raise InputError("multipliers must be non-negative")
    r = list(vq)
    for c, row in zip(muq, gq, strict=True):
        if c != 0:
            r = [x + c * y for x, y in zip(r, row, strict=True)]
    return _dot(r, r)
