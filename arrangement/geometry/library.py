"""Named hyperplane arrangements as data points, with their known chamber counts.

Every arrangement here is central in R^D. To feed one to :meth:`Arrangement.from_points`, which
builds the hyperplanes ``xt_i^perp`` of augmented points ``xt_i = (x_i, 1)``, its normals are moved
by a linear change of coordinates so that every normal's last coordinate is 1
(:func:`points_from_normals`). A linear change of coordinates maps chambers to chambers and faces to
faces, so every count (chambers, f-vector, characteristic polynomial, rank) is preserved.

The counts stated in the docstrings are classical and serve as test oracles; so do the closed forms
:func:`cover_count` (points in general position) and :func:`line_formula_count` (any planar data).

Examples
--------
>>> from arrangement.geometry.library import braid, cover_count
>>> [[str(v) for v in point] for point in braid(3)]
[['1', '0'], ['0', '1/3'], ['-1/2', '1/2']]
>>> cover_count(4, 2)
14
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations

from arrangement.core.errors import InputError
from arrangement.core.linalg import primitive, rank

__all__ = [
    "braid",
    "coordinate",
    "cover_count",
    "generic",
    "line",
    "line_formula_count",
    "planar_lines",
    "points_from_normals",
    "type_b",
]

Rational = int | Fraction


def _primitive(vector: Sequence[Rational]) -> tuple[int, ...]:
    """The primitive integer vector with first non-zero entry positive on the same line."""
    prim = primitive(vector)
    lead = next((v for v in prim if v != 0), 0)
    return tuple(-v for v in prim) if lead < 0 else prim


def points_from_normals(normals: Sequence[Sequence[Rational]]) -> list[list[Fraction]]:
    """Turn a central arrangement given by normals into data points with the same combinatorics.

    With ``c = (1, k, k^2, ..., k^(D-1))`` for the smallest integer ``k >= 1`` such that
    ``<c, a> != 0`` for every normal ``a``, the unimodular matrix ``M`` with rows
    ``e_2, ..., e_D, c`` maps ``a`` to ``M a = (a_2, ..., a_D, <c, a>)``. The point of ``a`` is
    ``x = (a_2, ..., a_D) / <c, a>``, so that ``(x, 1) = M a / <c, a>``: a nonzero multiple of
    ``M a``. The hyperplanes ``xt^perp`` are the images of ``a^perp`` under the linear bijection
    ``theta -> M^(-T) theta``, hence every combinatorial invariant is preserved.

    Parameters
    ----------
    normals : sequence of sequences of int or Fraction
        ``n`` nonzero normals of one length ``D >= 1``. Parallel or repeated normals are allowed
        (they become repeated points).

    Returns
    -------
    list of list of Fraction
        ``n`` rows of length ``D - 1``, row ``h`` being the point of ``normals[h]``.

    Raises
    ------
    InputError
        If the rows are ragged or a normal is zero.

    Notes
    -----
    A normal ``a`` makes ``k -> <c(k), a>`` a nonzero polynomial of degree below ``D``, so at most
    ``n (D - 1)`` values of ``k`` are excluded and the search stops. Cost ``O(n D)`` per tried
    ``k``.

    Examples
    --------
    >>> points_from_normals([[1, 0], [0, 1], [1, -1]])  # c = (1, 2)
    [[Fraction(0, 1)], [Fraction(1, 2)], [Fraction(1, 1)]]
    >>> points_from_normals([])
    []
    """
    rows = [[Fraction(v) for v in a] for a in normals]
    if not rows:
        return []
    dim = len(rows[0])
    for index, a in enumerate(rows):
        if len(a) != dim:
            raise InputError(f"normal has {len(a)} entries, expected {dim}", row=index)
        if not any(a):
            raise InputError("normal is zero", row=index)
    k = 1
    while True:
        c = [k**j for j in range(dim)]
        products = [sum((cj * aj for cj, aj in zip(c, a, strict=True)), Fraction(0)) for a in rows]
        if all(products):
            break
        k += 1
    return [[aj / p for aj in a[1:]] for a, p in zip(rows, products, strict=True)]


def _unit(dim: int, index: int) -> list[int]:
    vector = [0] * dim
    vector[index] = 1
    return vector


def braid(n: int) -> list[list[Fraction]]:
    """Braid arrangement ``A_(n-1)``: normals ``e_i - e_j`` (``i < j``) in ``R^n``, as points.

    It has ``n (n - 1) / 2`` hyperplanes and ``n!`` chambers (one per ordering of the
    coordinates); its characteristic polynomial is ``t (t - 1) ... (t - n + 1)``. It is NOT
    essential: every hyperplane contains the all-ones line, so its rank is ``n - 1`` and the data
    points (in ``R^(n-1)``) do not affinely span their space -- a lineality case. Its k-dimensional
    faces are the ordered set partitions of ``n`` elements into ``k`` blocks: ``k! S(n, k)``.

    Parameters
    ----------
    n : int
        Ambient dimension ``D = n >= 2``.

    Returns
    -------
    list of list of Fraction
        ``n (n - 1) / 2`` points in ``R^(n-1)`` (see :func:`points_from_normals`).

    Examples
    --------
    >>> len(braid(4)), len(braid(4)[0])
    (6, 3)
    """
    if n < 2:
        raise InputError(f"braid(n) needs n >= 2, got {n}")
    normals = []
    for i, j in combinations(range(n), 2):
        a = _unit(n, i)
        a[j] = -1
        normals.append(a)
    return points_from_normals(normals)


def type_b(n: int) -> list[list[Fraction]]:
    """Type ``B_n`` arrangement: normals ``e_i - e_j``, ``e_i + e_j`` (``i < j``) and ``e_i``.

    It has ``n^2`` hyperplanes in ``R^n``, rank ``n``, ``2^n n!`` chambers (signed permutations),
    characteristic polynomial ``(t - 1)(t - 3) ... (t - 2n + 1)``, and
    ``f_k = sum_z C(n, z) 2^(n-z) k! S(n - z, k)`` faces of dimension ``k`` (choose the zero
    coordinates, a sign for each other coordinate, and an ordered partition of the absolute values).

    Parameters
    ----------
    n : int
        Ambient dimension ``D = n >= 2``.

    Returns
    -------
    list of list of Fraction
        ``n^2`` points in ``R^(n-1)``.

    Examples
    --------
    >>> len(type_b(3))
    9
    """
    if n < 2:
        raise InputError(f"type_b(n) needs n >= 2, got {n}")
    normals = []
    for i, j in combinations(range(n), 2):
        for sign in (-1, 1):
            a = _unit(n, i)
            a[j] = sign
            normals.append(a)
    normals.extend(_unit(n, i) for i in range(n))
    return points_from_normals(normals)


def coordinate(n: int) -> list[list[Fraction]]:
    """Coordinate (Boolean) arrangement: normals ``e_1, ..., e_n`` in ``R^n``, as points.

    It has ``2^n`` chambers (the orthants), characteristic polynomial ``(t - 1)^n`` and
    ``f_k = C(n, k) 2^k``. The ``n`` points are affinely independent in ``R^(n-1)``: general
    position.

    Parameters
    ----------
    n : int
        Ambient dimension ``D = n >= 2``.

    Returns
    -------
    list of list of Fraction
        ``n`` points in ``R^(n-1)``.

    Examples
    --------
    >>> [[str(v) for v in point] for point in coordinate(3)]
    [['0', '0'], ['1', '0'], ['0', '1']]
    """
    if n < 2:
        raise InputError(f"coordinate(n) needs n >= 2, got {n}")
    return points_from_normals([_unit(n, i) for i in range(n)])


def line(n: int) -> list[list[Fraction]]:
    """``n`` distinct points ``0, 1, ..., n - 1`` on the real line (``d = 1``).

    Their arrangement is ``n`` distinct lines through the origin of ``R^2``: ``2n`` chambers for
    ``n >= 1`` (one for ``n = 0``), f-vector ``(1, 2n, 2n)`` for ``n >= 2``.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 0``.

    Returns
    -------
    list of list of Fraction
        ``n`` rows of length 1.

    Examples
    --------
    >>> line(2)
    [[Fraction(0, 1)], [Fraction(1, 1)]]
    """
    if n < 0:
        raise InputError(f"line(n) needs n >= 0, got {n}")
    return [[Fraction(i)] for i in range(n)]


def generic(n: int, d: int, seed: int = 0, *, bound: int | None = None) -> list[list[Fraction]]:
    """``n`` random integer points of ``R^d`` in general position.

    General position means every ``k <= d + 1`` of the augmented points ``(x_i, 1)`` are linearly
    independent. Then Cover's count applies: ``2 sum_{k <= d} C(n - 1, k)`` chambers
    (:func:`cover_count`), and the characteristic polynomial is
    ``sum_{k < D} (-1)^k C(n, k) t^(D - k)`` plus the constant that makes ``chi(1) = 0`` when
    ``n >= D = d + 1``, and ``(t - 1)^n t^(D - n)`` when ``n < D``.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 0``.
    d : int
        Dimension of the data, ``d >= 1``.
    seed : int, default 0
        Seed of the pseudo-random generator (the output is a function of ``(n, d, seed, bound)``).
    bound : int, optional
        Coordinates are drawn uniformly from ``[-bound, bound]``; default ``max(10, 3 n)``. It is
        doubled whenever a candidate point is rejected 100 times in a row.

    Returns
    -------
    list of list of Fraction
        ``n`` rows of length ``d`` with integer values.

    Notes
    -----
    Rejection sampling: a candidate is kept when it is independent of every ``d``-subset of the
    points kept so far, so the check costs ``O(C(n, d + 1))`` small exact determinants in total.

    Examples
    --------
    >>> pts = generic(5, 2, seed=1)
    >>> len(pts), len(pts[0])
    (5, 2)
    """
    if n < 0 or d < 1:
        raise InputError(f"generic(n, d) needs n >= 0 and d >= 1, got n={n}, d={d}")
    rng = random.Random(seed)
    bound = max(10, 3 * n) if bound is None else bound
    kept: list[list[int]] = []
    rejected = 0
    while len(kept) < n:
        candidate = [rng.randint(-bound, bound) for _ in range(d)] + [1]
        if len(kept) < d:
            ok = rank([*kept, candidate]) == len(kept) + 1
        else:
            ok = all(rank([*subset, candidate]) == d + 1 for subset in combinations(kept, d))
        if ok:
            kept.append(candidate)
            rejected = 0
        else:
            rejected += 1
            if rejected >= 100:
                bound *= 2
                rejected = 0
    return [[Fraction(v) for v in row[:-1]] for row in kept]


def cover_count(n: int, d: int) -> int:
    """Cover's (1965) number of chambers of ``n`` points in general position in ``R^d``.

    ``r = 2 sum_{k=0}^{d} C(n - 1, k)`` for ``n >= 1``, and ``1`` for ``n = 0`` (no hyperplane:
    the whole space is one chamber). For any data it is an upper bound.

    Parameters
    ----------
    n : int
        Number of distinct points, ``n >= 0``.
    d : int
        Dimension of the data, ``d >= 0``.

    Returns
    -------
    int

    Examples
    --------
    >>> [cover_count(n, 2) for n in range(5)]
    [1, 2, 4, 8, 14]
    """
    if n < 0 or d < 0:
        raise InputError(f"cover_count needs n >= 0 and d >= 0, got n={n}, d={d}")
    if n == 0:
        return 1
    return 2 * sum(math.comb(n - 1, k) for k in range(d + 1))


def planar_lines(points: Sequence[Sequence[Rational]]) -> list[int]:
    """Return the sizes ``m_l`` of the lines through at least two distinct points of planar data.

    Parameters
    ----------
    points : sequence of pairs of int or Fraction
        Repeated points count once.

    Returns
    -------
    list of int
        One entry ``m_l >= 2`` per line ``l`` (in no particular order). For distinct points that
        span the plane these lines are the rank-2 flats of the arrangement: ``f_1 = 2 len(lines)``
        rays and ``f_2 = 2 sum(m_l)`` two-dimensional faces.

    Notes
    -----
    ``O(N^2)`` exact cross products.

    Examples
    --------
    >>> sorted(planar_lines([[0, 0], [1, 0], [2, 0], [0, 1]]))
    [2, 2, 2, 3]
    """
    distinct = sorted({tuple(Fraction(v) for v in p) for p in points})
    for p in distinct:
        if len(p) != 2:
            raise InputError(f"planar data must have 2 coordinates, got {len(p)}")
    on_line: dict[tuple[int, ...], set[int]] = {}
    for i, j in combinations(range(len(distinct)), 2):
        (x1, y1), (x2, y2) = distinct[i], distinct[j]
        # the line through xt_i and xt_j in homogeneous coordinates: xt_i x xt_j
        key = _primitive((y1 - y2, x2 - x1, x1 * y2 - x2 * y1))
        on_line.setdefault(key, set()).update((i, j))
    return [len(members) for members in on_line.values()]


def line_formula_count(points: Sequence[Sequence[Rational]]) -> int:
    """Count the chambers of planar data (``d = 2``), any position, by the line formula.

    ``r = 2 + 2 sum_l (m_l - 1)``, the sum over the lines ``l`` through at least two distinct
    points (:func:`planar_lines`), ``m_l`` the number of distinct points on ``l``; repeated points
    count once; ``r = 1`` when there are no points. (From Zaslavsky:
    ``chi(t) = t^3 - n t^2 + S t - (1 - n + S)`` with ``S = sum_l (m_l - 1)`` when the points
    span the plane, ``t^3 - n t^2 + (n - 1) t`` when they are collinear; both give
    ``-chi(-1) = 2 + 2 S``.)

    Parameters
    ----------
    points : sequence of pairs of int or Fraction

    Returns
    -------
    int

    Examples
    --------
    >>> line_formula_count([[0, 0], [1, 0], [2, 0], [0, 1]])  # 3 collinear + 1
    12
    >>> line_formula_count([[0, 0], [0, 0]])
    2
    """
    if not points:
        return 1
    return 2 + 2 * sum(m - 1 for m in planar_lines(points))
