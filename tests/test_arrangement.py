"""Unit tests of the Arrangement value object, its chambers, faces, lattice and graph API."""

from __future__ import annotations

import json
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from arrangement import Arrangement, InputError
from arrangement.geometry.graph import graph_summary, write_graphml, write_json
from arrangement.geometry.lattice import intersection_lattice


def _exact_signs(arr: Arrangement, theta: tuple[int, ...]) -> tuple[int, ...]:
    return arr.signs_of(theta)


def test_provenance_repeated_points_share_a_hyperplane() -> None:
    # Rows 1 and 3 are the same point written differently: one hyperplane, two rows.
    arr = Arrangement.from_points([["0.5", 1], [2, 3], [1, "-1/3"], [Fraction(1, 2), 1]])
    assert arr.n_points == 4
    assert arr.n_hyperplanes == 3
    assert arr.row_to_hyperplane == (0, 1, 2, 0)
    assert arr.normals[0] == (1, 2, 2)  # (1/2, 1, 1) made primitive
    assert arr.rows_on(0) == (0, 3)
    for ch in arr.regions():
        assert ch.signs[0] == ch.signs[3]
        assert ch.signs == _exact_signs(arr, ch.witness)
        assert ch.pattern == tuple(i for i, s in enumerate(ch.signs) if s > 0)


def test_from_normals_keeps_orientation_per_row() -> None:
    # Row 1 is -2 times row 0: the same hyperplane with opposite orientation.
    arr = Arrangement.from_normals([[1, 1], [-2, -2], [1, 0]])
    assert arr.n_hyperplanes == 2
    assert arr.row_orientation == (1, -1, 1)
    for ch in arr.regions():
        assert ch.signs[0] == -ch.signs[1]
    assert arr.n_regions == 4


def test_witnesses_are_strictly_inside() -> None:
    rng = np.random.default_rng(3)
    arr = Arrangement.from_points(rng.integers(-9, 10, size=(12, 3)))
    reg = arr.regions()
    for ch in reg:
        assert all(s != 0 for s in arr.hyperplane_signs_of(ch.witness))
        assert arr.hyperplane_signs_of(ch.witness) == ch.hyperplane_signs
    assert len({c.hyperplane_signs for c in reg}) == len(reg)
    assert reg.index_of(reg[5].signs) == 5


def test_all_inactive_chamber_is_present() -> None:
    arr = Arrangement.from_points([[1, 2], [3, -1], [0, 0]])
    patterns = {ch.pattern for ch in arr.regions()}
    assert () in patterns
    k = arr.regions().index_of(tuple(-1 for _ in range(arr.n_points)))
    assert arr.regions()[k].pattern == ()


def test_locate_faces_and_bad_theta() -> None:
    arr = Arrangement.from_points([[0], [1]])
    assert arr.hyperplane_signs_of([0, 0]) == (0, 0)
    assert arr.hyperplane_signs_of([1, 0]) == (0, 1)
    with pytest.raises(InputError):
        arr.hyperplane_signs_of([1, 2, 3])


def test_no_points_needs_a_dimension() -> None:
    with pytest.raises(InputError):
        Arrangement.from_points([])
    arr = Arrangement.from_points([], dim=2)
    assert arr.n_regions == 1
    assert arr.f_vector() == (0, 0, 0, 1)
    assert arr.characteristic_polynomial().all_coeffs() == [1, 0, 0, 0]
    assert Arrangement.from_points(np.zeros((0, 3))).dimension == 4


def test_bad_rows_raise_input_error() -> None:
    with pytest.raises(InputError):
        Arrangement.from_points([[1, 2], [3]])
    with pytest.raises(InputError):
        Arrangement.from_points([[1, float("nan")]])
    with pytest.raises(InputError):
        Arrangement.from_normals([[0, 0]])
    with pytest.raises(InputError):
        Arrangement.from_points([[1, 2]], dim=3)


def test_lineality_collinear_points() -> None:
    # Points on the line y = x in the plane: rank 2 < D = 3, lineality space of dimension 1.
    arr = Arrangement.from_points([[0, 0], [1, 1], [3, 3]])
    assert arr.rank == 2
    assert arr.n_regions == 6
    assert arr.f_vector() == (0, 1, 6, 6)
    assert not arr.is_general_position()


def test_faces_have_exact_witnesses_and_match_f_vector() -> None:
    arr = Arrangement.from_points([[0, 0], [1, 0], [0, 1], [1, 1], [2, 2]])
    faces = arr.faces()
    f = [0] * (arr.dimension + 1)
    for face in faces:
        f[face.dimension] += 1
        assert arr.hyperplane_signs_of(face.witness) == face.hyperplane_signs
    assert tuple(f) == arr.f_vector()
    assert len({fc.hyperplane_signs for fc in faces}) == len(faces)
    assert [fc.dimension for fc in arr.faces(dim=1)] == [1] * arr.f_vector()[1]


def test_flats_and_lattice() -> None:
    # Three collinear points and one off the line.
    arr = Arrangement.from_points([[0, 0], [1, 0], [2, 0], [0, 1]])
    flats = arr.flats()
    assert flats[0].rank == 0 and flats[0].mobius == 1
    by_rank = {}
    for fl in flats:
        by_rank.setdefault(fl.rank, []).append(fl)
    # Rank-2 flats: the triple point (mu = 2) and three simple crossings (mu = 1).
    assert sorted(fl.mobius for fl in by_rank[2]) == [1, 1, 1, 2]
    for fl in flats:
        for v in fl.basis:
            assert all(arr.hyperplane_signs_of(v)[h] == 0 for h in fl.hyperplanes)
    lat = intersection_lattice(arr)
    assert lat.number_of_nodes() == len(flats)
    assert all(lat.nodes[b]["rank"] == lat.nodes[a]["rank"] + 1 for a, b in lat.edges)


def test_graph_attributes_and_export(tmp_path) -> None:
    arr = Arrangement.from_points([[0, 0], [1, 0], [0, 1], [0, 1]])
    g = arr.adjacency_graph()
    assert g.number_of_nodes() == arr.n_regions
    for a, b, data in g.edges(data=True):
        pairs = zip(g.nodes[a]["signs"], g.nodes[b]["signs"], strict=True)
        diff = [i for i, (x, y) in enumerate(pairs) if x != y]
        assert tuple(diff) == data["rows"]
    summary = graph_summary(arr)
    assert summary["diameter"] == nx.diameter(g) == arr.n_hyperplanes
    assert summary["n_edges"] == g.number_of_edges() == arr.f_vector()[arr.dimension - 1]
    write_graphml(arr, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_edges() == g.number_of_edges()
    write_json(arr, tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert len(data["nodes"]) == arr.n_regions and len(data["edges"]) == g.number_of_edges()


def test_arrangement_is_an_immutable_value() -> None:
    a = Arrangement.from_points([[1, 2], [3, 4]])
    b = Arrangement.from_points([["1", "2"], [3.0, 4.0]])
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.normals = ()  # type: ignore[misc]
    with pytest.raises(ValueError):
        a.regions().hyperplane_signs[0, 0] = 5


@pytest.mark.parametrize(
    "rows",
    [
        [[0, 0], [1, 0], [2, 0], [0, 1], [0, 1]],
        [[0], [1], [5]],
        [[1, 2, 3], [0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]],
        [[0, 0], [1, 1], [2, 2]],
    ],
)
def test_invariants_hold(rows) -> None:
    from arrangement.geometry.invariants import check_invariants, zaslavsky_count

    arr = Arrangement.from_points(rows)
    checks = check_invariants(arr)
    assert all(checks.values()), checks
    assert zaslavsky_count(arr) == arr.n_regions
