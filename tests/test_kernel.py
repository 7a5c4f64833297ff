"""The compiled enumeration kernel (arrangement/geometry/_kernel.c) against the numpy path.

The numpy path of :mod:`arrangement.geometry.enumeration` is the oracle here (it is itself checked
against the brute-force LP oracle in tests/test_oracle.py): on bundled, degenerate and random data,
whole arrangements and cones, the kernel must give the same set of sign vectors, and every one of
its witnesses is rechecked exactly (Python integers against every hyperplane).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import arrangement.geometry.enumeration as enumeration
from arrangement import Arrangement
from arrangement.geometry.enumeration import Plan, enumerate_chambers, enumerate_cone

DATA = Path(__file__).resolve().parent.parent / "data"
BUNDLED = ["line7", "plane_degenerate", "plane_general", "space3", "iris20", "anscombe1"]

# Named degenerate point sets (affine data, so the hyperplanes live in R^(d+1)).
DEGENERATE = {
    # Repeated rows: one hyperplane for several rows.
    "repeated": [[1, 2], [1, 2], [3, -1], [3, -1], [0, 0], [2, 2]],
    # Rows on a line through the origin: parallel affine hyperplanes, rank 2 of 3.
    "collinear": [[1, 1], [2, 2], [-3, -3], [5, 5], [7, 7]],
    # Many rows on one affine line: hyperplanes through a common line (non-general position).
    "pencil": [[0, 1], [1, 2], [2, 3], [3, 4], [-1, 0], [1, 0], [0, 3]],
    # Points in a plane of R^3 (low rank in d = 3).
    "planar_in_3d": [[1, 0, 1], [0, 1, 1], [1, 1, 2], [2, -1, 1], [3, 1, 4], [-1, 2, 1]],
    # Points in a line of R^4.
    "line_in_4d": [[i, 2 * i, -i, 3 * i] for i in range(1, 6)],
    # Lattice points: many triple intersections.
    "grid": [[x, y] for x in range(3) for y in range(3)],
    "cube": [[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)],
}


def _load(name: str) -> Arrangement:
    from arrangement.core.io import load_dataset

    ds = load_dataset(DATA / f"{name}.csv")
    return Arrangement.from_points(ds.points, dim=ds.n_features)


def _checked(normals: np.ndarray, signs: np.ndarray, wits: np.ndarray) -> set[bytes]:
    """The sign vectors, after checking every witness exactly against every normal."""
    exact = np.array(wits, dtype=object) @ np.array(normals, dtype=object).T
    got = np.array([[(v > 0) - (v < 0) for v in row] for row in exact.tolist()], dtype=np.int8)
    assert got.reshape(signs.shape).tolist() == signs.tolist()
    rows = {bytes(row) for row in np.ascontiguousarray(signs, dtype=np.int8)}
    assert len(rows) == signs.shape[0]  # no chamber twice
    return rows


def _both(
    plan_normals: np.ndarray, dim: int, fixed: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> tuple[set[bytes], set[bytes]]:
    """(kernel, numpy path) chambers of one cone, each checked exactly."""
    assert enumeration._compiled_applies(Plan(plan_normals, dim))
    fast = enumerate_cone(Plan(plan_normals, dim), fixed)
    with monkeypatch.context() as m:
        m.setattr(enumeration, "_KERNEL", None)
        slow = enumerate_cone(Plan(plan_normals, dim), fixed)
    return _checked(plan_normals, *fast), _checked(plan_normals, *slow)


def _cones(arr: Arrangement, m: int) -> list[np.ndarray]:
    """Every chamber of the first ``m`` hyperplanes, as a cone."""
    normals = arr.normal_matrix()
    coarse, _ = enumerate_chambers(normals[:m], arr.dimension)
    return list(coarse)


def test_the_kernel_is_built():
    # Without it every result below would still be right, only slower: say so loudly.
    assert enumeration._KERNEL is not None


@pytest.mark.parametrize("name", BUNDLED)
def test_kernel_equals_numpy_path_bundled(name, monkeypatch):
    arr = _load(name)
    normals = arr.normal_matrix()
    fast, slow = _both(normals, arr.dimension, np.zeros(0, dtype=np.int8), monkeypatch)
    assert fast == slow
    for cone in _cones(arr, min(3, normals.shape[0])):
        fast, slow = _both(normals, arr.dimension, cone, monkeypatch)
        assert fast == slow


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_kernel_equals_numpy_path_degenerate(name, monkeypatch):
    arr = Arrangement.from_points(DEGENERATE[name])
    normals = arr.normal_matrix()
    fast, slow = _both(normals, arr.dimension, np.zeros(0, dtype=np.int8), monkeypatch)
    assert fast == slow
    for cone in _cones(arr, min(2, normals.shape[0])):
        fast, slow = _both(normals, arr.dimension, cone, monkeypatch)
        assert fast == slow


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda d: st.lists(
            st.lists(st.integers(-6, 6), min_size=d, max_size=d), min_size=1, max_size=10
        )
    ),
    st.integers(0, 3),
)
def test_kernel_equals_numpy_path_random(points, m):
    arr = Arrangement.from_points(points)
    normals = arr.normal_matrix()
    with pytest.MonkeyPatch.context() as mp:
        fast, slow = _both(normals, arr.dimension, np.zeros(0, dtype=np.int8), mp)
        assert fast == slow
        m = min(m, normals.shape[0])
        if m:
            for cone in _cones(arr, m):
                fast, slow = _both(normals, arr.dimension, cone, mp)
                assert fast == slow


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(-40, 40), min_size=4, max_size=4), min_size=5, max_size=9))
def test_kernel_equals_numpy_path_random_4d(points):
    arr = Arrangement.from_points(points)
    with pytest.MonkeyPatch.context() as mp:
        fast, slow = _both(arr.normal_matrix(), arr.dimension, np.zeros(0, dtype=np.int8), mp)
    assert fast == slow


@settings(max_examples=25, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda d: st.lists(
            st.lists(st.integers(-(10**6), 10**6), min_size=d, max_size=d),
            min_size=2,
            max_size=7,
        )
    )
)
def test_large_coordinates_kernel_or_fallback_equals_numpy_path(points):
    # Minors of such data leave int64 in d = 4: the kernel gives up there, and either way the
    # chambers are the numpy path's.
    arr = Arrangement.from_points(points)
    with pytest.MonkeyPatch.context() as mp:
        fast, slow = _both(arr.normal_matrix(), arr.dimension, np.zeros(0, dtype=np.int8), mp)
    assert fast == slow


def test_kernel_gives_up_beyond_int64_and_the_exact_path_answers(monkeypatch):
    # Entries near 2^59: the restricted normals would need more than 60 bits.
    big = 2**59 - 1
    normals = np.array([[1, 0, 0], [big, 1, 0], [big, big - 2, 1], [1, big, big - 4]])
    plan = Plan(normals, 3)
    got = enumeration._KERNEL.chambers(
        normals.astype(np.int64).tobytes(),
        4,
        3,
        b"",
        plan.weights.tobytes(),
        2**12,
        4,
        None,
    )
    assert got is None
    s, w = enumerate_cone(plan, np.zeros(0, dtype=np.int8))
    assert len(_checked(normals, s, w)) == 14  # 4 planes in general position in R^3


def test_kernel_progress_counts_chambers_and_errors_propagate():
    arr = _load("space3")
    seen: list[int] = []
    s, _ = enumerate_chambers(
        arr.normal_matrix(), arr.dimension, progress=lambda found, total: seen.append(found)
    )
    assert seen and seen == sorted(seen) and seen[-1] == len(s)

    def boom(found: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        enumerate_chambers(arr.normal_matrix(), arr.dimension, progress=boom)


def test_kernel_runs_in_threads():
    # The kernel releases the GIL while it computes: concurrent calls must not disturb each other.
    from concurrent.futures import ThreadPoolExecutor

    arrs = [_load(name) for name in ("space3", "iris20", "plane_general")]
    want = [
        _checked(a.normal_matrix(), *enumerate_chambers(a.normal_matrix(), a.dimension))
        for a in arrs
    ]
    with ThreadPoolExecutor(max_workers=3) as pool:
        got = list(pool.map(lambda a: enumerate_chambers(a.normal_matrix(), a.dimension), arrs * 3))
    for i, (s, w) in enumerate(got):
        assert _checked(arrs[i % 3].normal_matrix(), s, w) == want[i % 3]
