"""The machine-integer kernels of the exact certificate against their Python-integer oracles.

* ``code_member`` (bucketed hash lookup) equals ``numpy.isin``;
* ``mask_matmul`` (limb products in float64) equals the product of Python integers;
* ``_fast_below`` never proves a bound that the Python-integer check refutes, and proves the
  bounds with ample slack;
* ``certify`` gives the same exact answer whatever ``start`` multipliers it is handed, including
  the solver's (``Pricer.certificate_start``).
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement import Arrangement
from arrangement.certificates.certificate import (
    _exact_below_slow,
    _fast_below,
    _problems,
    _to_float,
    certify,
    chamber_wall_layout,
)
from arrangement.core.io import data_dir, load_dataset
from arrangement.core.linalg import code_member, mask_matmul
from arrangement.training.model import build_model
from arrangement.training.working_set import pricer


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 2**64 - 1), max_size=40),
    st.lists(st.integers(0, 2**64 - 1), max_size=40),
    st.integers(0, 10),
)
def test_code_member_equals_isin(codes, others, shared):
    codes_a = np.array(codes, dtype=np.uint64)
    needles = np.array(others + codes[:shared], dtype=np.uint64)
    assert code_member(codes_a, needles).tolist() == np.isin(needles, codes_a).tolist()


def test_code_member_shapes_and_many_codes():
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 2**63, size=5000, dtype=np.uint64)
    needles = np.concatenate([codes[::3], codes[::5] + np.uint64(1)])[:2666].reshape(-1, 2)
    got = code_member(codes, needles)
    assert got.shape == needles.shape
    assert got.tolist() == np.isin(needles, codes).tolist()
    assert code_member(np.zeros(0, dtype=np.uint64), needles).sum() == 0


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 5),
    st.integers(1, 3),
    st.sampled_from([10, 2**40, 2**62, 2**200]),
    st.randoms(use_true_random=False),
)
def test_mask_matmul_is_exact(r, n, dim, size, rnd):
    mask = np.array([[rnd.random() < 0.5 for _ in range(n)] for _ in range(r)])
    a = np.array([[rnd.randint(-size, size) for _ in range(dim)] for _ in range(n)], dtype=object)
    expected = [
        [sum(int(a[h, k]) for h in range(n) if mask[s, h]) for k in range(dim)] for s in range(r)
    ]
    got = mask_matmul(mask, a if size > 2**62 else a.astype(np.int64))
    assert [[int(v) for v in row] for row in got] == expected


def _arrangements():
    rng = np.random.default_rng(11)
    yield Arrangement.from_points(rng.integers(-6, 7, size=(9, 2)).tolist())
    yield Arrangement.from_points(load_dataset(data_dir() / "plane_general.csv").points)
    # degenerate: repeated and collinear points, rows far from the origin
    yield Arrangement.from_points([[0, 0], [1, 1], [2, 2], [1, 1], [5, -3], [40, 7], [-3, 0]])
    yield Arrangement.from_points(rng.integers(-4, 5, size=(7, 3)).tolist())


@pytest.mark.parametrize("arr", list(_arrangements()), ids=lambda a: f"N{a.n_points}")
@pytest.mark.parametrize("seed", range(3))
def test_fast_bound_never_proves_what_python_integers_refute(arr, seed):
    rng = np.random.default_rng(seed)
    p = tuple(F(int(rng.integers(-50, 51)), int(rng.integers(1, 40))) for _ in range(arr.n_points))
    signs = np.asarray(arr.regions().hyperplane_signs)
    pr = _problems(arr, p, signs, arr.normal_matrix(), layout=chamber_wall_layout(arr))
    ids = np.arange(len(pr.chamber))
    width = pr.wall_idx.shape[1]
    vf = _to_float(pr.vint, pr.q)
    scale = float(np.abs(vf).max()) + 1.0
    for mu in (
        np.zeros((len(ids), width)),
        rng.random((len(ids), width)) * scale,
        rng.random((len(ids), width)) * 1e-6,
    ):
        sq = (vf * vf).sum(axis=1)
        for bound in (F(1), F(int(sq.max()) + 1), F(int(np.median(sq)) + 1, 3)):
            fast = _fast_below(pr, ids, mu, bound)
            slow = _exact_below_slow(pr, ids, mu, bound)
            assert not (fast & ~slow).any()  # sound
            per = [bound + F(k, 7) for k in range(len(ids))]
            fast_per = _fast_below(pr, ids, mu, per)
            assert not (fast_per & ~_exact_below_slow(pr, ids, mu, per)).any()
        # ample slack: proved in machine integers, no fallback needed
        roomy = F(int(4 * (sq.max() + 1)))
        assert _fast_below(pr, ids, np.zeros((len(ids), width)), roomy).all()


@pytest.mark.parametrize("arr", list(_arrangements()), ids=lambda a: f"N{a.n_points}")
def test_certify_ignores_the_quality_of_start_multipliers(arr):
    rng = np.random.default_rng(5)
    p = [F(int(rng.integers(-9, 10)), 7) for _ in range(arr.n_points)]
    ref = certify(arr, p)
    width = chamber_wall_layout(arr)[0].shape[1]
    shape = (2 * arr.n_regions, width)
    for start in (rng.random(shape) * 100, np.full(shape, np.nan), -np.ones(shape)):
        cert = certify(arr, p, start=start)
        assert cert.sup_norm_squared == ref.sup_norm_squared
        assert cert.maximisers == ref.maximisers


def test_certify_from_the_pricers_multipliers_is_the_same_certificate():
    arr = Arrangement.from_points(load_dataset(data_dir() / "plane_general.csv").points)
    model = build_model(arr)
    price = pricer(arr, model)
    rng = np.random.default_rng(2)
    pf = rng.normal(size=arr.n_points)
    price.prices(pf, threshold=0.0, iterations=200)
    start = price.certificate_start(arr)
    assert start is not None
    p = [F(v).limit_denominator(1000) for v in pf]
    ref = certify(arr, p)
    cert = certify(arr, p, start=start)
    assert cert.sup_norm_squared == ref.sup_norm_squared
    assert cert.maximisers == ref.maximisers
    # the pricer's multipliers are good ones: with them most problems need no gradient step
    assert cert.n_exact_projections <= ref.n_exact_projections + 2


@pytest.mark.parametrize("arr", list(_arrangements()), ids=lambda a: f"N{a.n_points}")
def test_chamber_tree_spans_the_chamber_graph_with_single_flips(arr):
    from arrangement.certificates.certificate import chamber_tree

    order, parent, hyper, levels = chamber_tree(arr)
    signs = np.asarray(arr.regions().hyperplane_signs)
    assert sorted(order.tolist()) == list(range(arr.n_regions))
    assert levels[0] == 0 and levels[-1] == arr.n_regions
    for child in order[1:]:
        diff = np.flatnonzero(signs[child] != signs[parent[child]])
        assert diff.tolist() == [hyper[child]]
    # breadth first: a parent comes before its child
    rank = np.empty(arr.n_regions, dtype=int)
    rank[order] = np.arange(arr.n_regions)
    assert all(rank[parent[c]] < rank[c] for c in order[1:])


@pytest.mark.parametrize("arr", list(_arrangements()), ids=lambda a: f"N{a.n_points}")
def test_pricer_vectors_along_the_tree_equal_the_activity_product(arr):
    model = build_model(arr)
    price = pricer(arr, model)
    p = np.random.default_rng(4).normal(size=arr.n_points)
    direct = model.active.astype(float) @ (p[:, None] * model.xb)
    assert np.allclose(price.vectors(p), direct, rtol=0, atol=1e-12 * (1 + np.abs(direct).max()))
