"""Brute-force oracles for small central arrangements (test helper, no tests here).

Everything is decided exactly and without any code of :mod:`arrangement` except the named
arrangements' data: a sign vector is realised iff an exact linear program (pycddlib, rational
arithmetic) finds a strictly feasible point; ranks are exact (python-flint); the characteristic
polynomial comes from Whitney's subset formula rather than from the intersection lattice. The cost
is exponential (``2^n`` or ``3^n`` LPs, ``2^n`` ranks): use on ``n <= 10`` vectors only.

The functions take plain vectors (the rows of a central arrangement in ``R^D``): augmented data
points ``(x_i, 1)`` to get sign vectors per input row, or distinct normals to get them per
hyperplane. Repeated or parallel vectors are allowed; they simply constrain the signs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from itertools import combinations, product

import cdd
import flint

__all__ = [
    "augment",
    "exact_rank",
    "facet_count",
    "face_dimensions",
    "f_vector",
    "is_general_position",
    "max_margin",
    "primitive",
    "realisable_chambers",
    "sign",
    "whitney_coefficients",
]

Vector = Sequence[int | Fraction]


def sign(value: int | Fraction) -> int:
    """Return -1, 0 or +1."""
    return (value > 0) - (value < 0)


def dot(u: Vector, v: Vector) -> Fraction:
    """Exact inner product."""
    return sum((Fraction(a) * b for a, b in zip(u, v, strict=True)), Fraction(0))


def augment(points: Iterable[Vector]) -> list[list[Fraction]]:
    """Return the augmented rows ``(x_i, 1)``."""
    return [[Fraction(v) for v in p] + [Fraction(1)] for p in points]


def primitive(vector: Vector) -> tuple[int, ...]:
    """Primitive integer vector on the same line, first nonzero entry positive (zero stays zero)."""
    fractions = [Fraction(v) for v in vector]
    scale = math.lcm(*(q.denominator for q in fractions)) if fractions else 1
    ints = [int(q * scale) for q in fractions]
    g = math.gcd(*ints)
    if g == 0:
        return tuple(ints)
    s = next(1 if v > 0 else -1 for v in ints if v != 0)
    return tuple(s * v // g for v in ints)


def exact_rank(rows: Sequence[Vector], dim: int) -> int:
    """Exact rank of the matrix with the given rows of length ``dim`` (0 rows: rank 0)."""
    if not rows or dim == 0:
        return 0
    return int(
        flint.fmpq_mat(
            [[flint.fmpq(Fraction(v).numerator, Fraction(v).denominator) for v in r] for r in rows]
        ).rank()
    )


def max_margin(strict: Sequence[Vector], equal: Sequence[Vector], dim: int) -> Fraction:
    """Exact ``max t`` s.t. ``<theta, a> >= t`` (a in strict), ``<theta, b> = 0`` (b in equal).

    With ``-1 <= theta_j <= 1`` and ``t <= 1``. The cone ``{<theta, a> > 0, <theta, b> = 0}`` is
    non-empty iff the result is positive (when ``strict`` is empty the result is 1).
    """
    rows: list[list[Fraction | int]] = []
    for a in strict:
        rows.append([0, *(Fraction(v) for v in a), -1])
    for j in range(dim):
        for s in (1, -1):
            row: list[Fraction | int] = [1] + [0] * (dim + 1)
            row[1 + j] = -s
            rows.append(row)
    rows.append([1] + [0] * dim + [-1])
    matrix = cdd.Matrix(rows, number_type="fraction")
    if equal:
        matrix.extend([[0, *(Fraction(v) for v in b), 0] for b in equal], linear=True)
    matrix.obj_type = cdd.LPObjType.MAX
    matrix.obj_func = tuple([0] * (dim + 1) + [1])
    lp = cdd.LinProg(matrix)
    lp.solve()
    if lp.status != cdd.LPStatusType.OPTIMAL:  # the LP is feasible (theta = 0) and bounded
        raise RuntimeError(f"unexpected LP status {lp.status}")
    return Fraction(lp.obj_value)


def realisable_chambers(vectors: Sequence[Vector], dim: int) -> set[tuple[int, ...]]:
    """All ``s`` in ``{+1, -1}^n`` with ``{theta : s_i <theta, v_i> > 0 for all i}`` non-empty.

    One exact LP per candidate: ``2^n`` LPs.
    """
    found = set()
    for signs in product((1, -1), repeat=len(vectors)):
        strict = [[s * Fraction(v) for v in a] for s, a in zip(signs, vectors, strict=True)]
        if max_margin(strict, [], dim) > 0:
            found.add(signs)
    return found


def face_dimensions(vectors: Sequence[Vector], dim: int) -> dict[tuple[int, ...], int]:
    """Every realisable ``s`` in ``{+1, 0, -1}^n`` mapped to the dimension of its face.

    The face ``{theta : sign <theta, v_i> = s_i}`` is relatively open in the flat cut out by its
    zeros, so its dimension is ``dim - rank{v_i : s_i = 0}``. ``3^n`` LPs.
    """
    found = {}
    for signs in product((1, 0, -1), repeat=len(vectors)):
        strict = [[s * Fraction(v) for v in a] for s, a in zip(signs, vectors, strict=True) if s]
        equal = [a for s, a in zip(signs, vectors, strict=True) if s == 0]
        if max_margin(strict, equal, dim) > 0:
            found[signs] = dim - exact_rank(equal, dim)
    return found


def f_vector(vectors: Sequence[Vector], dim: int) -> tuple[int, ...]:
    """Face counts by dimension ``0..dim`` (cones in ``R^dim``), from :func:`face_dimensions`.

    Pass DISTINCT hyperplanes (or accept that repeated vectors give the same faces: sign vectors
    of repeated vectors are constrained equal, so the count is unchanged).
    """
    counts = [0] * (dim + 1)
    for k in face_dimensions(vectors, dim).values():
        counts[k] += 1
    return tuple(counts)


def facet_count(normals: Sequence[Vector], dim: int, signs: Sequence[int]) -> int:
    """Number of facets of the chamber ``signs`` of DISTINCT hyperplanes ``normals``.

    Hyperplane ``h`` carries a facet iff the face with ``s_h`` replaced by 0 is non-empty.
    """
    count = 0
    for h in range(len(normals)):
        strict = [
            [s * Fraction(v) for v in a]
            for k, (s, a) in enumerate(zip(signs, normals, strict=True))
            if k != h
        ]
        if max_margin(strict, [normals[h]], dim) > 0:
            count += 1
    return count


def whitney_coefficients(vectors: Sequence[Vector], dim: int) -> list[int]:
    """Characteristic polynomial by Whitney: ``chi(t) = sum_S (-1)^|S| t^(dim - rank S)``.

    Returns the integer coefficients in ascending powers of ``t`` (length ``dim + 1``). Repeated
    vectors do not change the result (their contributions cancel), zero vectors are not allowed.
    ``2^n`` exact ranks.
    """
    coefficients = [0] * (dim + 1)
    n = len(vectors)
    for size in range(n + 1):
        for subset in combinations(range(n), size):
            rank = exact_rank([vectors[i] for i in subset], dim)
            coefficients[dim - rank] += (-1) ** size
    return coefficients


def is_general_position(vectors: Sequence[Vector], dim: int) -> bool:
    """Whether the DISTINCT hyperplanes among ``vectors`` are in general position.

    That is, every ``k <= dim`` of them are linearly independent (their intersection has
    codimension ``k``). Vacuously true for fewer than two hyperplanes.
    """
    distinct = sorted({primitive(v) for v in vectors})
    size = min(len(distinct), dim)
    return all(exact_rank(subset, dim) == size for subset in combinations(distinct, size))
