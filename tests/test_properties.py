"""Theory invariants as hypothesis properties (THEORY.md section 2), on small exact data.

The data are tiny (N <= 7, d <= 3) with coordinates drawn from bounded fractions and small
integers, so repeated, collinear and coplanar points -- the degenerate cases -- come up often.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import networkx as nx
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import exact_rank

from arrangement.geometry.arrangement import Arrangement

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

coordinate_values = st.one_of(
    st.integers(min_value=-3, max_value=3),
    st.fractions(min_value=-3, max_value=3, max_denominator=4),
)


@st.composite
def datasets(draw, min_points: int = 0, max_points: int = 7) -> list[list[Fraction]]:
    """``N x d`` exact data, ``d`` in 1..3 (``N <= 5`` when ``d = 3``)."""
    d = draw(st.integers(min_value=1, max_value=3))
    upper = min(max_points, 5) if d == 3 else max_points
    n = draw(st.integers(min_value=min_points, max_value=max(upper, min_points)))
    rows = draw(
        st.lists(st.lists(coordinate_values, min_size=d, max_size=d), min_size=n, max_size=n)
    )
    return [[Fraction(v) for v in row] for row in rows]


def make(rows, d: int | None = None) -> Arrangement:
    """``from_points``, passing ``dim`` when there are no rows."""
    return Arrangement.from_points(rows, dim=d if not rows else None)


def dims(rows) -> int:
    """Data dimension of non-empty rows (1 for empty data: the empty case is tested directly)."""
    return len(rows[0]) if rows else 1


def dot(u, v) -> Fraction:
    """Exact inner product."""
    return sum((Fraction(a) * b for a, b in zip(u, v, strict=True)), Fraction(0))


def sign(q) -> int:
    """-1, 0, +1."""
    return (q > 0) - (q < 0)


def sign_rows(array) -> list[tuple[int, ...]]:
    """Rows of an integer array as tuples."""
    return [tuple(int(v) for v in row) for row in array]


def chi_coefficients(arr: Arrangement) -> list[int]:
    """Ascending coefficients of the characteristic polynomial (length D + 1)."""
    t = sympy.Symbol("t")
    poly = sympy.Poly(arr.characteristic_polynomial().as_expr(), t)
    return [int(poly.coeff_monomial(t**k)) for k in range(arr.dimension + 1)]


# ------------------------------------------------------------------ chambers
@SETTINGS
@given(datasets())
def test_witnesses_are_strictly_inside(rows) -> None:
    """Every witness has exactly its chamber's signs, all nonzero, on rows and hyperplanes."""
    arr = make(rows, dims(rows))
    regions = arr.regions()
    for chamber in regions:
        w = chamber.witness
        assert all(isinstance(v, int) for v in w)
        assert math.gcd(*w) == 1
        for i, xt in enumerate(arr.augmented):
            assert sign(dot(w, xt)) == chamber.signs[i] != 0
        for h, a in enumerate(arr.normals):
            assert sign(dot(w, a)) == chamber.hyperplane_signs[h] != 0


@SETTINGS
@given(datasets())
def test_zaslavsky_equals_enumeration(rows) -> None:
    """r = (-1)^D chi(-1) = number of enumerated (distinct) chambers; chi(1) = 0 iff n >= 1."""
    arr = make(rows, dims(rows))
    chi = chi_coefficients(arr)
    r = (-1) ** arr.dimension * sum(c * (-1) ** k for k, c in enumerate(chi))
    signs = sign_rows(arr.regions().hyperplane_signs)
    assert r == arr.n_regions == len(signs) == len(set(signs))
    assert (sum(chi) == 0) is (arr.n_hyperplanes > 0)
    assert chi[-1] == 1


@SETTINGS
@given(datasets(max_points=6))
def test_euler_relation(rows) -> None:
    """sum_k (-1)^k f_k = (-1)^D, f_D = r, and the minimal face is the lineality space."""
    arr = make(rows, dims(rows))
    f = tuple(arr.f_vector())
    assert len(f) == arr.dimension + 1
    assert sum((-1) ** k * fk for k, fk in enumerate(f)) == (-1) ** arr.dimension
    assert f[-1] == arr.n_regions
    lineality = arr.dimension - arr.rank
    assert f[lineality] == 1 and not any(f[:lineality])


@SETTINGS
@given(datasets())
def test_central_symmetry_and_parity(rows) -> None:
    """-s is a chamber whenever s is (central arrangement), so r is even once n >= 1."""
    arr = make(rows, dims(rows))
    signs = set(sign_rows(arr.regions().hyperplane_signs))
    assert {tuple(-v for v in s) for s in signs} == signs or arr.n_hyperplanes == 0
    assert arr.n_regions % 2 == 0 or arr.n_hyperplanes == 0


# ------------------------------------------------------------------ graph
@SETTINGS
@given(datasets(), st.randoms(use_true_random=False))
def test_graph_distance_is_hamming(rows, rnd: random.Random) -> None:
    """Graph distance = number of separating hyperplanes; diameter = n; degree = facets."""
    arr = make(rows, dims(rows))
    graph = arr.adjacency_graph()
    signs = sign_rows(arr.regions().hyperplane_signs)
    chambers = set(signs)
    r = len(signs)
    assert graph.number_of_nodes() == r
    nodes = list(graph.nodes)
    for _ in range(min(12, r * r)):
        u, v = rnd.choice(nodes), rnd.choice(nodes)
        su, sv = graph.nodes[u]["hyperplane_signs"], graph.nodes[v]["hyperplane_signs"]
        hamming = sum(a != b for a, b in zip(su, sv, strict=True))
        assert nx.shortest_path_length(graph, u, v) == hamming
    assert nx.diameter(graph) == arr.n_hyperplanes
    for u in nodes:
        s = tuple(graph.nodes[u]["hyperplane_signs"])
        facets = sum(s[:h] + (-s[h],) + s[h + 1 :] in chambers for h in range(len(s)))
        assert graph.degree[u] == facets


# ------------------------------------------------------------------ invariances
@SETTINGS
@given(datasets(min_points=1), st.randoms(use_true_random=False))
def test_row_permutation(rows, rnd: random.Random) -> None:
    """Permuting the rows permutes the per-row sign vectors and nothing else."""
    arr = make(rows)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    permuted = make([rows[k] for k in perm])  # new row j is old row perm[j]
    assert permuted.n_regions == arr.n_regions
    assert permuted.n_hyperplanes == arr.n_hyperplanes
    assert tuple(permuted.f_vector()) == tuple(arr.f_vector())
    assert chi_coefficients(permuted) == chi_coefficients(arr)
    old = sign_rows(arr.regions().signs)
    new = sign_rows(permuted.regions().signs)
    assert set(new) == {tuple(s[k] for k in perm) for s in old}
    assert set(permuted.normals) == set(arr.normals)


@SETTINGS
@given(datasets(min_points=1, max_points=5), st.randoms(use_true_random=False))
def test_duplicated_rows(rows, rnd: random.Random) -> None:
    """Duplicating rows changes N but not n, r, f; a copy gets its twin's sign in every chamber."""
    arr = make(rows)
    twins = [rnd.randrange(len(rows)) for _ in range(rnd.randint(1, 3))]
    bigger = make(rows + [list(rows[k]) for k in twins])
    assert bigger.n_points == len(rows) + len(twins)
    assert (bigger.n_hyperplanes, bigger.n_regions) == (arr.n_hyperplanes, arr.n_regions)
    assert tuple(bigger.f_vector()) == tuple(arr.f_vector())
    old = set(sign_rows(arr.regions().signs))
    new = sign_rows(bigger.regions().signs)
    for s in new:
        assert all(s[len(rows) + j] == s[k] for j, k in enumerate(twins))
    assert {s[: len(rows)] for s in new} == old
    for j, k in enumerate(twins):
        assert bigger.row_to_hyperplane[len(rows) + j] == bigger.row_to_hyperplane[k]


@SETTINGS
@given(
    datasets(min_points=1),
    st.lists(st.fractions(min_value=Fraction(1, 50), max_value=50), min_size=7, max_size=7),
    st.lists(st.booleans(), min_size=7, max_size=7),
)
def test_rescaling_rows(rows, factors, negate) -> None:
    """Positive rescaling of xt_i changes nothing; a negative factor flips that row's sign."""
    arr = make(rows)
    signs = [-1 if neg else 1 for neg in negate[: len(rows)]]
    normals = [
        [c * s * v for v in xt] for xt, c, s in zip(arr.augmented, factors, signs, strict=False)
    ]
    rescaled = Arrangement.from_normals(normals)
    assert rescaled.normals == arr.normals
    assert rescaled.row_to_hyperplane == arr.row_to_hyperplane
    assert rescaled.row_orientation == tuple(
        o * s for o, s in zip(arr.row_orientation, signs, strict=True)
    )
    assert rescaled.n_regions == arr.n_regions
    old = set(sign_rows(arr.regions().signs))
    new = set(sign_rows(rescaled.regions().signs))
    assert new == {tuple(v * s for v, s in zip(row, signs, strict=True)) for row in old}
    by_plane = set(sign_rows(arr.regions().hyperplane_signs))
    assert set(sign_rows(rescaled.regions().hyperplane_signs)) == by_plane


# ------------------------------------------------------------------ deletion-restriction
def restricted_normals(normal: tuple[int, ...], others) -> list[list[int]]:
    """Normals of ``A^H`` in coordinates of the integer basis ``a_j e_k - a_k e_j`` of ``H``.

    ``j`` is the first nonzero coordinate of ``a = normal``; the ``D - 1`` vectors are independent
    and orthogonal to ``a``. A hyperplane ``b^perp`` meets ``H`` in ``{u : <B u, b> = 0}``, whose
    normal is ``B^T b`` (nonzero since ``b`` is not parallel to ``a``).
    """
    j = next(k for k, v in enumerate(normal) if v)
    basis = []
    for k in range(len(normal)):
        if k != j:
            vector = [0] * len(normal)
            vector[k] = normal[j]
            vector[j] = -normal[k]
            basis.append(vector)
    return [[int(dot(v, b)) for v in basis] for b in others]


@SETTINGS
@given(datasets(min_points=1), st.integers(min_value=0, max_value=100))
def test_deletion_restriction(rows, pick: int) -> None:
    """r(A) = r(A - H) + r(A^H), and r(A^H) = number of graph edges on H (walls in H)."""
    arr = make(rows)
    dim = arr.dimension
    h = pick % arr.n_hyperplanes
    others = [a for k, a in enumerate(arr.normals) if k != h]
    deleted = Arrangement.from_normals(others, dim=dim)
    restricted = Arrangement.from_normals(restricted_normals(arr.normals[h], others), dim=dim - 1)
    assert arr.n_regions == deleted.n_regions + restricted.n_regions
    walls = sum(
        1 for _, _, data in arr.adjacency_graph().edges(data=True) if data["hyperplane"] == h
    )
    assert walls == restricted.n_regions


# ------------------------------------------------------------------ constructors agree
@SETTINGS
@given(datasets(min_points=1))
def test_from_normals_of_augmented_rows_is_the_same(rows) -> None:
    """from_points(X) and from_normals(augmented X) describe the same arrangement."""
    arr = make(rows)
    other = Arrangement.from_normals([list(r) for r in arr.augmented])
    assert (other.normals, other.row_to_hyperplane, other.row_orientation, other.dimension) == (
        arr.normals,
        arr.row_to_hyperplane,
        arr.row_orientation,
        arr.dimension,
    )
    assert set(sign_rows(other.regions().signs)) == set(sign_rows(arr.regions().signs))


# ------------------------------------------------------------------ faces
@SETTINGS
@given(datasets(max_points=5), st.sampled_from([1, 2**40, Fraction(1, 10**25)]))
def test_face_witnesses(rows, factor) -> None:
    """Each face's witness lies in exactly that face; dimensions match the zero sets' ranks."""
    arr = make([[factor * v for v in row] for row in rows], dims(rows))
    faces = arr.faces()
    assert len({tuple(f.hyperplane_signs) for f in faces}) == len(faces)
    counts = [0] * (arr.dimension + 1)
    for face in faces:
        assert arr.hyperplane_signs_of(face.witness) == tuple(face.hyperplane_signs)
        assert arr.signs_of(face.witness) == tuple(face.signs)
        zeros = [a for a, s in zip(arr.normals, face.hyperplane_signs, strict=True) if s == 0]
        assert face.dimension == arr.dimension - exact_rank(zeros, arr.dimension)
        counts[face.dimension] += 1
    assert tuple(counts) == tuple(arr.f_vector())
