"""One table of arrangements with values known from theory, checked against the implementation.

Every expected value below comes from a closed form (Cover's formula, the planar line formula,
product formulas for reflection arrangements, Stirling numbers) or from a hand derivation written
next to it -- never from the implementation. See ``/work/shared/THEORY.md`` section 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass
from fractions import Fraction

import numpy as np
import pytest
import sympy

from arrangement.geometry.arrangement import Arrangement
from arrangement.geometry.library import (
    braid,
    coordinate,
    cover_count,
    generic,
    line,
    line_formula_count,
    planar_lines,
    points_from_normals,
    type_b,
)

T = sympy.Symbol("t")


# ------------------------------------------------------------------ closed forms
def poly_from_roots(roots: Sequence[int], extra_power: int = 0) -> tuple[int, ...]:
    """Ascending coefficients of ``t^extra_power * prod (t - root)``."""
    coefficients = [0] * extra_power + [1]
    for root in roots:
        shifted = [0, *coefficients]
        scaled = [-root * c for c in coefficients] + [0]
        coefficients = [a + b for a, b in zip(shifted, scaled, strict=True)]
    return tuple(coefficients)


def general_position_chi(n: int, dim: int) -> tuple[int, ...]:
    """Characteristic polynomial of ``n`` central hyperplanes in general position in ``R^dim``.

    Every subset of at most ``dim`` hyperplanes is independent, so Whitney's formula gives
    ``(-1)^k C(n, k)`` at ``t^(dim - k)`` for ``k < dim``; all larger subsets have rank ``dim``
    and contribute to the constant term, which is therefore fixed by ``chi(1) = 0`` (``n >= dim``).
    """
    coefficients = [0] * (dim + 1)
    for k in range(min(n, dim) + 1):
        coefficients[dim - k] = (-1) ** k * math.comb(n, k)
    if n >= dim:
        coefficients[0] = -sum(coefficients[1:])
    return tuple(coefficients)


def planar_chi(points: Sequence[Sequence[int | Fraction]]) -> tuple[int, ...]:
    """``chi`` of planar data from its lines (flats of rank 2 = lines with ``m_l`` points)."""
    n = len({tuple(Fraction(v) for v in p) for p in points})
    lines = planar_lines(points)
    s = sum(m - 1 for m in lines)
    if n >= 2 and len(lines) == 1:  # collinear: rank 2, the lattice stops at the common line
        return (0, n - 1, -n, 1)
    return (-(1 - n + s), s, -n, 1)


def planar_f_vector(points: Sequence[Sequence[int | Fraction]]) -> tuple[int, ...]:
    """f-vector of planar data whose distinct points span the plane (rank 3).

    One vertex (the origin), two rays per line through >= 2 points, each plane ``H_i`` is cut by
    the ``k_i`` lines through point ``i`` into ``2 k_i`` sectors (so ``f_2 = 2 sum_l m_l``), and
    the chambers come from the line formula.
    """
    lines = planar_lines(points)
    return (1, 2 * len(lines), 2 * sum(lines), line_formula_count(points))


def stirling2(n: int, k: int) -> int:
    """Stirling number of the second kind (set partitions of ``n`` into ``k`` blocks)."""
    return sum((-1) ** (k - j) * math.comb(k, j) * j**n for j in range(k + 1)) // math.factorial(k)


def braid_f_vector(n: int) -> tuple[int, ...]:
    """Faces of ``A_(n-1)`` = ordered set partitions; ``k`` blocks give a ``k``-dim cone."""
    return tuple(math.factorial(k) * stirling2(n, k) for k in range(n + 1))


def type_b_f_vector(n: int) -> tuple[int, ...]:
    """Faces of ``B_n``: zero set, signs of the rest, ordered partition of absolute values."""
    return tuple(
        sum(
            math.comb(n, z) * 2 ** (n - z) * math.factorial(k) * stirling2(n - z, k)
            for z in range(n + 1)
        )
        for k in range(n + 1)
    )


def scaled(points: Sequence[Sequence[int | Fraction]], factor: Fraction, shift: Fraction):
    """``factor * x + shift`` (an affine bijection of R^d: the arrangement moves linearly)."""
    return [[factor * Fraction(v) + shift for v in p] for p in points]


# ------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Known:
    """One arrangement with its known invariants (``None``: not stated, only theory-checked).

    ``D`` dimension of weight space, ``N`` input rows, ``n`` distinct hyperplanes, ``r`` chambers,
    ``gp`` general position, ``chi`` ascending coefficients, ``f`` f-vector by face dimension.
    """

    name: str
    build: Callable[[], Arrangement]
    _: KW_ONLY
    D: int
    N: int
    n: int
    rank: int
    r: int
    gp: bool | None = None
    chi: tuple[int, ...] | None = None
    f: tuple[int, ...] | None = None


def pts(rows):
    """Deferred ``from_points`` (so collection does not run the implementation)."""
    return lambda: Arrangement.from_points(rows)


GRID3 = [[x, y] for x in range(3) for y in range(3)]
THREE_PLUS_ONE = [[0, 0], [1, 0], [2, 0], [0, 1]]
FOUR_PLUS_THREE = [[0, 0], [1, 0], [2, 0], [3, 0], [0, 1], [0, 2]]
REPEATED = [[0, 0], [1, 0], [0, 1], [0, 0], [1, 0], [1, 0], [1, 1]]
COLLINEAR5 = [[k, 2 * k + 1] for k in range(5)]
NEAR = 10**30
GEN = {
    (n, d): generic(n, d, seed=100 * n + d)
    for n, d in [
        (1, 1),
        (5, 1),
        (2, 2),
        (3, 2),
        (6, 2),
        (12, 2),
        (4, 3),
        (7, 3),
        (10, 3),
        (5, 4),
        (8, 4),
    ]
}
BRAID4_NORMALS = [
    [1 if k == i else -1 if k == j else 0 for k in range(4)]
    for i in range(4)
    for j in range(i + 1, 4)
]
B2_REDUNDANT = [[1, 0], [0, 1], [1, 1], [1, -1], [-2, 0], [Fraction(1, 3), Fraction(1, 3)], [-1, 1]]
PLANE_IN_3D = [[*p, 0] for p in generic(6, 2, seed=7)]

# fmt: off
TABLE: list[Known] = [
    # Empty data, d = 1, 2, 3: no hyperplane, the whole space R^D is the only face and chamber, so
    # f = (0, ..., 0, 1), chi = t^D, rank 0, and (-1)^D chi(-1) = 1. chi(1) = 1 (not 0: empty).
    *(
        Known(f"N=0,d={d}", lambda d=d: Arrangement.from_points(np.zeros((0, d))),
              D=d + 1, N=0, n=0, rank=0, r=1, gp=True, chi=poly_from_roots([], d + 1),
              f=(0,) * (d + 1) + (1,))
        for d in (1, 2, 3)
    ),
    # Empty data through the explicit dim= keyword instead of a (0, d) array.
    Known("N=0,dim=2", lambda: Arrangement.from_points([], dim=2),
          D=3, N=0, n=0, rank=0, r=1, gp=True, chi=(0, 0, 0, 1), f=(0, 0, 0, 1)),
    # One point: one hyperplane, two half-spaces; the hyperplane is the minimal face.
    *(
        Known(f"N=1,d={d}", lambda d=d: Arrangement.from_points([[Fraction(3, 7)] * d]),
              D=d + 1, N=1, n=1, rank=1, r=2, gp=True, chi=poly_from_roots([1], d),
              f=(0,) * d + (1, 2))
        for d in (1, 2, 3)
    ),
    # d = 1: n distinct lines through the origin of R^2: r = 2n, chi = (t - 1)(t - (n - 1)),
    # f = (1, 2n, 2n) for n >= 2.
    *(
        Known(f"line({n})", pts(line(n)), D=2, N=n, n=n, rank=2, r=2 * n, gp=True,
              chi=poly_from_roots([1, n - 1]), f=(1, 2 * n, 2 * n))
        for n in (2, 3, 7, 20)
    ),
    # d = 1 with repeated points and huge/tiny values: 5 distinct values (floats would merge
    # 10**30 and 10**30 + 1), so r = 10; the repeat makes the rows not in general position.
    Known("d=1,huge+repeats",
          pts([[NEAR], [NEAR + 1], [-NEAR], [NEAR], [Fraction(1, NEAR)], [0]]),
          D=2, N=6, n=5, rank=2, r=10, gp=False, chi=poly_from_roots([1, 4]), f=(1, 10, 10)),
    # Cover's formula in general position, d = 1..4 (random integer points, checked in GP), with
    # the general-position chi and, for d = 2, the planar f-vector.
    *(
        Known(f"cover(n={n},d={d})", pts(GEN[n, d]), D=d + 1, N=n, n=n, rank=min(n, d + 1),
              r=cover_count(n, d), gp=True, chi=general_position_chi(n, d + 1),
              f=planar_f_vector(GEN[n, d]) if d == 2 and n >= 3 else None)
        for n, d in GEN
    ),
    # THEORY 2.4 closed form for d = 2 in general position, n >= 3, stated literally.
    Known("d2-gp-closed-form(n=12)", pts(GEN[12, 2]), D=3, N=12, n=12, rank=3, r=12 * 11 + 2,
          gp=True, f=(1, 12 * 11, 2 * 12 * 11, 12 * 11 + 2)),
    # d = 2, three collinear + one: lines {3, 2, 2, 2}: r = 2 + 2 (2 + 1 + 1 + 1) = 12.
    Known("3-collinear+1", pts(THREE_PLUS_ONE), D=3, N=4, n=4, rank=3, r=12, gp=False,
          chi=(-2, 5, -4, 1), f=(1, 8, 18, 12)),
    # d = 2, a collinear quadruple (y = 0) crossing a collinear triple (x = 0) at the origin, plus
    # 3 x 2 = 6 lines through two points: S = 3 + 2 + 6 = 11, r = 24 (hand count),
    # chi = (t - 1)(t - 2)(t - 3), f = (1, 2 * 8, 2 * (4 + 3 + 12), 24).
    Known("4-collinear+3-collinear", pts(FOUR_PLUS_THREE), D=3, N=6, n=6, rank=3, r=24,
          gp=False, chi=(-6, 11, -6, 1), f=(1, 16, 38, 24)),
    # the same row through the helper formulas (guards the helpers used in other rows)
    Known("4+3-collinear-formulas", pts(FOUR_PLUS_THREE), D=3, N=6, n=6, rank=3,
          r=line_formula_count(FOUR_PLUS_THREE), gp=False, chi=planar_chi(FOUR_PLUS_THREE),
          f=planar_f_vector(FOUR_PLUS_THREE)),
    # 3 x 3 grid: 8 lines with 3 points (3 rows, 3 columns, 2 diagonals) cover 24 of the 36 pairs,
    # leaving 12 lines with 2 points: r = 2 + 2 (8 * 2 + 12 * 1) = 58, f_1 = 2 * 20,
    # f_2 = 2 * (8 * 3 + 12 * 2) (hand count).
    Known("grid3x3", pts(GRID3), D=3, N=9, n=9, rank=3, r=58, gp=False, chi=planar_chi(GRID3),
          f=(1, 40, 96, 58)),
    # Repeated points: 7 rows but 4 distinct points in general position -> Cover(4, 2) = 14;
    # repeats make the data NOT in general position (the input rows are not distinct).
    Known("repeated-points", pts(REPEATED), D=3, N=7, n=4, rank=3, r=14, gp=False,
          chi=general_position_chi(4, 3), f=(1, 12, 24, 14)),
    # Lineality: all points on one line of R^2. Rank 2, the common line is the minimal face:
    # m lines through the origin of R^3 / L: r = 2m, f = (0, 1, 2m, 2m).
    Known("collinear-5", pts(COLLINEAR5), D=3, N=5, n=5, rank=2, r=10, gp=False,
          chi=(0, 4, -5, 1), f=(0, 1, 10, 10)),
    # Two points in the plane are always collinear: rank 2, four chambers.
    Known("two-points-d2", pts([[1, 2], [3, 5]]), D=3, N=2, n=2, rank=2, r=4, gp=True,
          chi=(0, 1, -2, 1), f=(0, 1, 4, 4)),
    # Lineality in d = 3: generic points of the plane z = 0. The arrangement is the planar one
    # times a line: same r, chi multiplied by t, f-vector shifted by one dimension.
    Known("plane-in-3d", pts(PLANE_IN_3D), D=4, N=6, n=6, rank=3, r=cover_count(6, 2),
          gp=False, chi=(0, *general_position_chi(6, 3)), f=(0, 1, 30, 60, 32)),
    # Huge coefficients: an affine image (x -> 10^30 x + 10^-30) of generic data keeps r.
    Known("huge-affine", pts(scaled(GEN[6, 2], Fraction(NEAR), Fraction(1, NEAR))), D=3, N=6,
          n=6, rank=3, r=cover_count(6, 2), gp=True, chi=general_position_chi(6, 3),
          f=(1, 30, 60, 32)),
    # Tiny coefficients in d = 3 (x -> 10^-30 x - 10^30).
    Known("tiny-affine-d3", pts(scaled(GEN[7, 3], Fraction(1, NEAR), Fraction(-NEAR))), D=4,
          N=7, n=7, rank=4, r=cover_count(7, 3), gp=True, chi=general_position_chi(7, 4)),
    # Near-collinear with huge entries: (2, 2*10^30 + 1) is off the line by 1 -> general
    # position, r = 8; floats would see it collinear.
    Known("near-collinear-huge", pts([[0, 0], [1, NEAR], [2, 2 * NEAR + 1]]), D=3, N=3, n=3,
          rank=3, r=8, gp=True, chi=general_position_chi(3, 3), f=(1, 6, 12, 8)),
    # ... and exactly collinear: rank 2, r = 6.
    Known("collinear-huge", pts([[0, 0], [1, NEAR], [2, 2 * NEAR]]), D=3, N=3, n=3, rank=2, r=6,
          gp=False, chi=(0, 2, -3, 1), f=(0, 1, 6, 6)),
    # Near-collinear with tiny entries: deviation 10^-90 at scale 10^-30.
    Known("near-collinear-tiny",
          pts([[0, 0], [Fraction(1, NEAR), 0], [Fraction(2, NEAR), Fraction(1, NEAR**3)]]),
          D=3, N=3, n=3, rank=3, r=8, gp=True, chi=general_position_chi(3, 3), f=(1, 6, 12, 8)),
    # Products of two entries overflow int64 (2^62 + 2^62 > 2^63): three points in general
    # position, r = 8 (a guard against fixed-width integer arithmetic).
    Known("int64-edge", pts([[2**31, 0], [0, 2**31], [0, 0]]), D=3, N=3, n=3, rank=3, r=8,
          gp=True, chi=general_position_chi(3, 3), f=(1, 6, 12, 8)),
    # Braid arrangement A_(n-1) as points: n! chambers, chi = t(t-1)...(t-n+1), rank n - 1
    # (lineality: the all-ones direction), faces = ordered set partitions.
    *(
        Known(f"braid({n})", pts(braid(n)), D=n, N=n * (n - 1) // 2, n=n * (n - 1) // 2,
              rank=n - 1, r=math.factorial(n), gp=n == 2, chi=poly_from_roots(range(n)),
              f=braid_f_vector(n))
        for n in (2, 3, 4, 5)
    ),
    # Braid A_3 directly from its normals e_i - e_j (also exercises from_normals).
    Known("braid(4)-normals", lambda: Arrangement.from_normals(BRAID4_NORMALS), D=4, N=6, n=6,
          rank=3, r=24, gp=False, chi=poly_from_roots(range(4)), f=braid_f_vector(4)),
    # Type B_n as points: 2^n n! chambers, chi = (t-1)(t-3)...(t-2n+1). B_2 is four distinct lines
    # of R^2, so in general position (any two independent); B_3 has e_1, e_2, e_1 + e_2 dependent.
    *(
        Known(f"type_b({n})", pts(type_b(n)), D=n, N=n * n, n=n * n, rank=n,
              r=2**n * math.factorial(n), gp=n == 2, chi=poly_from_roots(range(1, 2 * n, 2)),
              f=type_b_f_vector(n))
        for n in (2, 3, 4)
    ),
    # Coordinate (Boolean) arrangement: orthants, 2^n chambers, (t - 1)^n, f_k = C(n, k) 2^k.
    *(
        Known(f"coordinate({n})", pts(coordinate(n)), D=n, N=n, n=n, rank=n, r=2**n, gp=True,
              chi=poly_from_roots([1] * n), f=tuple(math.comb(n, k) * 2**k for k in range(n + 1)))
        for n in (2, 3, 5)
    ),
    # Normals with rational entries and parallel (+/-) repeats: B_2 given redundantly, 7 rows,
    # 4 hyperplanes, 8 chambers.
    Known("b2-redundant-normals", lambda: Arrangement.from_normals(B2_REDUNDANT), D=2, N=7, n=4,
          rank=2, r=8, gp=False, chi=poly_from_roots([1, 3]), f=(1, 8, 8)),
]
# fmt: on

IDS = [row.name for row in TABLE]
assert len(set(IDS)) == len(IDS)


@pytest.fixture(scope="module", params=TABLE, ids=IDS)
def case(request) -> tuple[Known, Arrangement]:
    """Each table row with its arrangement, built once per module."""
    row: Known = request.param
    return row, row.build()


def coefficients(poly: sympy.Poly, dim: int) -> tuple[int, ...]:
    """Ascending integer coefficients of a polynomial in ``t`` padded to degree ``dim``."""
    expr = poly.as_expr() if isinstance(poly, sympy.Poly) else poly
    p = sympy.Poly(expr, T)
    return tuple(int(p.coeff_monomial(T**k)) for k in range(dim + 1))


# ------------------------------------------------------------------ library self-checks
def test_library_closed_forms_by_hand() -> None:
    """The oracle helpers themselves, against numbers derived by hand."""
    assert [cover_count(n, 1) for n in range(5)] == [1, 2, 4, 6, 8]  # d = 1: 2n
    assert cover_count(8, 4) == 2 * (1 + 7 + 21 + 35 + 35)
    assert cover_count(3, 5) == 8  # n <= d + 1: all 2^n sign vectors
    assert line_formula_count([]) == 1
    assert line_formula_count([[5, 5]]) == 2
    assert line_formula_count(GRID3) == 58
    assert line_formula_count(COLLINEAR5) == 10
    assert sorted(planar_lines(THREE_PLUS_ONE)) == [2, 2, 2, 3]
    assert poly_from_roots(range(3)) == (0, 2, -3, 1)
    assert braid_f_vector(3) == (0, 1, 6, 6)
    assert type_b_f_vector(2) == (1, 8, 8)
    assert general_position_chi(4, 3) == (-3, 6, -4, 1)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_library_points_have_last_coordinate_one(n: int) -> None:
    """Each point's augmented row is a nonzero multiple of ``M a`` (see points_from_normals)."""
    normals = [
        [1 if k == i else -1 if k == j else 0 for k in range(n)]
        for i in range(n)
        for j in range(i + 1, n)
    ]
    points = points_from_normals(normals)
    assert points == braid(n)
    assert all(len(p) == n - 1 for p in points)
    assert len({tuple(p) for p in points}) == len(points)


def test_generic_is_in_general_position_and_deterministic() -> None:
    """Same seed, same points; integer coordinates."""
    assert generic(6, 3, seed=4) == generic(6, 3, seed=4)
    assert all(v.denominator == 1 for p in generic(6, 3, seed=4) for v in p)


# ------------------------------------------------------------------ the table, checked
def test_sizes(case) -> None:
    """N, n, D and rank."""
    row, arr = case
    assert (arr.n_points, arr.n_hyperplanes, arr.dimension, arr.rank) == (
        row.N,
        row.n,
        row.D,
        row.rank,
    )


def test_n_regions(case) -> None:
    """Known chamber count; ``regions()`` has that many distinct sign vectors."""
    row, arr = case
    assert arr.n_regions == row.r
    regions = arr.regions()
    assert len(regions) == row.r
    assert len({tuple(int(s) for s in signs) for signs in regions.hyperplane_signs}) == row.r


def test_general_position_flag(case) -> None:
    """``is_general_position`` (distinct rows, any D of them independent)."""
    row, arr = case
    if row.gp is not None:
        assert arr.is_general_position() is row.gp


def test_characteristic_polynomial(case) -> None:
    """Known chi; monic of degree D; Zaslavsky r = (-1)^D chi(-1); chi(1) = 0 unless empty."""
    row, arr = case
    chi = coefficients(arr.characteristic_polynomial(), row.D)
    if row.chi is not None:
        assert chi == row.chi
    assert chi[-1] == 1
    assert (-1) ** row.D * sum(c * (-1) ** k for k, c in enumerate(chi)) == row.r
    assert (sum(chi) == 0) is (row.n > 0)
    # t^(D - rank) divides chi exactly (the lineality space), and no higher power does
    lowest = next(k for k, c in enumerate(chi) if c != 0)
    assert lowest == row.D - row.rank


def test_f_vector(case) -> None:
    """Known f-vector; Euler relation; top entry = r; minimal face = lineality space."""
    row, arr = case
    f = tuple(arr.f_vector())
    assert len(f) == row.D + 1
    if row.f is not None:
        assert f == row.f
    assert sum((-1) ** k * fk for k, fk in enumerate(f)) == (-1) ** row.D
    assert f[-1] == row.r
    lineality = row.D - row.rank
    assert f[:lineality] == (0,) * lineality
    assert f[lineality] == 1
