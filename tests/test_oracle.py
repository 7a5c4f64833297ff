"""The fast path against brute force on small random and degenerate inputs.

The oracle (``tests/oracle.py``) decides every candidate sign vector by an exact LP and computes the
characteristic polynomial by Whitney's subset formula; nothing here trusts the implementation's own
answers except to compare them.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import networkx as nx
import oracle
import pytest
import sympy

from arrangement.geometry.arrangement import Arrangement
from arrangement.geometry.library import braid, coordinate, line_formula_count, type_b


def random_points(seed: int, n: int, d: int, spread: int) -> list[list[Fraction]]:
    """Small integer/half-integer points: small ranges make repeats and collinearity common."""
    rng = random.Random(seed)
    return [
        [Fraction(rng.randint(-spread, spread), rng.choice((1, 1, 2))) for _ in range(d)]
        for _ in range(n)
    ]


def random_normals(seed: int, n: int, dim: int) -> list[list[int]]:
    """Random nonzero integer normals, with parallel (also negated) repeats mixed in."""
    rng = random.Random(seed)
    normals: list[list[int]] = []
    while len(normals) < n:
        if normals and rng.random() < 0.25:
            base = rng.choice(normals)
            normals.append([rng.choice((-2, -1, 1, 3)) * v for v in base])
            continue
        v = [rng.randint(-2, 2) for _ in range(dim)]
        if any(v):
            normals.append(v)
    return normals


CASES: dict[str, object] = {}
for _seed in range(14):
    _d = 1 + _seed % 3
    _n = [3, 5, 7, 8][_seed % 4] if _d < 3 else [3, 5, 6][_seed % 3]
    CASES[f"random-pts-s{_seed}-n{_n}-d{_d}"] = ("points", random_points(_seed, _n, _d, 2))
for _seed in range(6):
    _dim = 2 + _seed % 3
    CASES[f"random-normals-s{_seed}-D{_dim}"] = ("normals", random_normals(_seed, 6, _dim))
CASES.update(
    {
        "empty-d2": ("points", []),
        "single": ("points", [[1, -1]]),
        "all-equal": ("points", [[Fraction(1, 3), 2]] * 4),
        "repeats+collinear": ("points", [[0, 0], [1, 1], [2, 2], [1, 1], [0, 0], [3, 0], [0, 3]]),
        "collinear-only": ("points", [[k, -k] for k in range(6)]),
        "coplanar-d3": ("points", [[1, 0, 2], [0, 1, 2], [1, 1, 2], [2, 3, 2], [0, 0, 2]]),
        "d3-two-lines": ("points", [[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 1, 1], [0, 2, 2]]),
        "braid4": ("points", braid(4)),
        "type_b2": ("points", type_b(2)),
        "coordinate4": ("points", coordinate(4)),
        "huge": (
            "points",
            [[10**30, 1], [10**30 + 1, 1], [-(10**30), Fraction(1, 10**30)], [0, 0]],
        ),
        # entries at the int64 edge: products of two entries overflow 64 bits, sums of them too
        "int64-edge": ("points", [[2**31, 0], [0, 2**31], [0, 0]]),
        "int64-edge-2": ("points", [[2**62, 1], [1, 2**62], [-(2**63), 3], [2**32, -(2**32)]]),
    }
)


def build(kind: str, rows) -> tuple[Arrangement, list[list[Fraction]], int]:
    """Arrangement, the augmented rows as the oracle sees them, and D."""
    if kind == "points":
        dim = (len(rows[0]) if rows else 2) + 1
        arr = Arrangement.from_points(rows, dim=dim - 1)
        return arr, oracle.augment(rows), dim
    dim = len(rows[0])
    return Arrangement.from_normals(rows), [[Fraction(v) for v in r] for r in rows], dim


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def case(request):
    """(arrangement, augmented rows, D), built once."""
    kind, rows = CASES[request.param]
    return build(kind, rows)


def signs_set(array) -> set[tuple[int, ...]]:
    """Rows of an integer array as a set of tuples."""
    return {tuple(int(v) for v in row) for row in array}


# ------------------------------------------------------------------ the hyperplanes
def test_normals_are_canonical_and_match_rows(case) -> None:
    """Primitive integer normals, first nonzero > 0, distinct; each row a multiple of its normal."""
    arr, rows, dim = case
    assert arr.dimension == dim
    assert [list(r) for r in arr.augmented] == rows
    assert len(set(arr.normals)) == len(arr.normals) == arr.n_hyperplanes
    for normal in arr.normals:
        assert all(isinstance(v, int) for v in normal)
        assert oracle.primitive(normal) == tuple(normal)
    assert len(arr.row_to_hyperplane) == len(arr.row_orientation) == len(rows)
    assert set(arr.row_to_hyperplane) == set(range(arr.n_hyperplanes))
    for row, h, o in zip(rows, arr.row_to_hyperplane, arr.row_orientation, strict=True):
        assert oracle.primitive(row) == arr.normals[h]
        first = next(v for v in row if v != 0)
        assert o == oracle.sign(first)  # normal's first nonzero is > 0


def test_rank_and_general_position(case) -> None:
    """Exact rank; general position = distinct rows and distinct hyperplanes in GP."""
    arr, rows, dim = case
    assert arr.rank == oracle.exact_rank(rows, dim)
    distinct_rows = len({oracle.primitive(r) for r in rows}) == len(rows)
    assert arr.is_general_position() is (distinct_rows and oracle.is_general_position(rows, dim))


# ------------------------------------------------------------------ chambers
def test_chambers_equal_brute_force(case) -> None:
    """Per hyperplane and per input row, the chamber sign vectors are the realisable ones."""
    arr, rows, dim = case
    regions = arr.regions()
    assert signs_set(regions.hyperplane_signs) == oracle.realisable_chambers(arr.normals, dim)
    assert signs_set(regions.signs) == oracle.realisable_chambers(rows, dim)
    assert len(regions) == arr.n_regions == len(signs_set(regions.hyperplane_signs))


def test_witnesses_strictly_inside(case) -> None:
    """Each witness is a primitive integer vector with the chamber's signs, all strict."""
    arr, rows, _ = case
    regions = arr.regions()
    assert len(regions.witnesses) == len(regions)
    for k, chamber in enumerate(regions):
        assert chamber.index == k
        w = tuple(int(v) for v in chamber.witness)
        assert w == tuple(int(v) for v in regions.witnesses[k])
        assert math.gcd(*w) == 1
        assert tuple(chamber.hyperplane_signs) == tuple(int(v) for v in regions.hyperplane_signs[k])
        assert tuple(chamber.signs) == tuple(int(v) for v in regions.signs[k])
        for h, normal in enumerate(arr.normals):
            assert oracle.sign(oracle.dot(w, normal)) == chamber.hyperplane_signs[h] != 0
        for i, row in enumerate(rows):
            assert oracle.sign(oracle.dot(w, row)) == chamber.signs[i] != 0
        assert chamber.pattern == tuple(i for i, s in enumerate(chamber.signs) if s > 0)
        assert arr.hyperplane_signs_of(w) == tuple(chamber.hyperplane_signs)
        assert arr.signs_of(w) == tuple(chamber.signs)


def test_all_inactive_chamber_present_for_data(case) -> None:
    """theta = -e_D makes every data row negative: that chamber always exists (THEORY 2.1)."""
    arr, rows, dim = case
    if all(r[-1] == 1 for r in rows):
        assert (-1,) * len(rows) in signs_set(arr.regions().signs)


def test_locate_random_theta(case) -> None:
    """locate/row_signs_of of arbitrary exact vectors, including points on hyperplanes."""
    arr, rows, dim = case
    rng = random.Random(len(rows) * 31 + dim)
    thetas = [
        [Fraction(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(dim)] for _ in range(20)
    ]
    thetas += [[Fraction(0)] * dim]
    for normal in arr.normals[:3]:  # a vector on the first hyperplane: pair two coordinates
        j = next(k for k, v in enumerate(normal) if v)
        theta = [Fraction(0)] * dim
        theta[(j + 1) % dim] = Fraction(normal[j])
        theta[j] = -Fraction(normal[(j + 1) % dim])
        thetas.append(theta)
    for theta in thetas:
        expected = tuple(oracle.sign(oracle.dot(theta, a)) for a in arr.normals)
        assert arr.hyperplane_signs_of(theta) == expected
        assert arr.signs_of(theta) == tuple(oracle.sign(oracle.dot(theta, r)) for r in rows)


# ------------------------------------------------------------------ faces and polynomial
# 3^n LPs: the face oracle runs on the cases with at most 6 distinct hyperplanes.
SMALL_CASES = [name for name in CASES if build(*CASES[name])[0].n_hyperplanes <= 6]


@pytest.mark.parametrize("name", SMALL_CASES)
def test_faces_equal_brute_force(name) -> None:
    """All faces with their dimensions, f-vector, face witnesses."""
    arr, rows, dim = build(*CASES[name])
    expected = oracle.face_dimensions(arr.normals, dim)
    faces = arr.faces()
    got = {tuple(face.hyperplane_signs): face.dimension for face in faces}
    assert len(got) == len(faces)
    assert got == expected
    assert tuple(arr.f_vector()) == oracle.f_vector(arr.normals, dim)
    for k in range(dim + 1):
        got_k = {tuple(f.hyperplane_signs) for f in arr.faces(k)}
        assert got_k == {s for s, e in expected.items() if e == k}
    for face in faces:
        assert arr.hyperplane_signs_of(face.witness) == tuple(face.hyperplane_signs)
        assert arr.signs_of(face.witness) == tuple(face.signs)


# 2^N subsets: Whitney's formula runs on the cases with at most 10 input rows.
WHITNEY_CASES = [name for name in CASES if len(build(*CASES[name])[1]) <= 10]


@pytest.mark.parametrize("name", WHITNEY_CASES)
def test_characteristic_polynomial_equals_whitney(name) -> None:
    """Lattice + Mobius against Whitney's subset formula over the input rows (repeats cancel)."""
    arr, rows, dim = build(*CASES[name])
    t = sympy.Symbol("t")
    poly = sympy.Poly(arr.characteristic_polynomial().as_expr(), t)
    got = [int(poly.coeff_monomial(t**k)) for k in range(dim + 1)]
    assert got == oracle.whitney_coefficients(rows, dim)
    assert got == oracle.whitney_coefficients(arr.normals, dim)


# ------------------------------------------------------------------ graph
def test_graph_edges_and_degrees(case) -> None:
    """Edges = pairs of realisable chambers one flip apart; degree = facets (by LP)."""
    arr, rows, dim = case
    graph = arr.adjacency_graph()
    regions = arr.regions()
    signs = [tuple(int(v) for v in row) for row in regions.hyperplane_signs]
    assert graph.number_of_nodes() == len(signs)
    index = {s: k for k, s in enumerate(signs)}
    expected_edges = set()
    for s in signs:
        for h in range(len(s)):
            flipped = s[:h] + (-s[h],) + s[h + 1 :]
            if flipped in index:
                expected_edges.add(frozenset((index[s], index[flipped])))
    assert {frozenset(e) for e in graph.edges} == expected_edges
    for a, b, data in graph.edges(data=True):
        (h,) = [k for k in range(len(signs[a])) if signs[a][k] != signs[b][k]]
        assert data["hyperplane"] == h
        assert tuple(data["rows"]) == tuple(
            i for i, g in enumerate(arr.row_to_hyperplane) if g == h
        )
    for k, s in enumerate(signs):
        assert graph.degree[k] == oracle.facet_count(arr.normals, dim, s)
        assert tuple(graph.nodes[k]["hyperplane_signs"]) == s
    if signs:
        assert nx.diameter(graph) == arr.n_hyperplanes


# ------------------------------------------------------------------ helper formulas
@pytest.mark.parametrize("seed", range(8))
def test_line_formula_against_brute_force(seed: int) -> None:
    """The planar line formula (used by the known-value table) against Whitney and the LPs."""
    points = random_points(1000 + seed, 3 + seed % 5, 2, 1 + seed % 2)
    rows = oracle.augment(points)
    chi = oracle.whitney_coefficients(rows, 3)
    assert -sum(c * (-1) ** k for k, c in enumerate(chi)) == line_formula_count(points)
    assert len(oracle.realisable_chambers(rows, 3)) == line_formula_count(points)
    assert Arrangement.from_points(points).n_regions == line_formula_count(points)
