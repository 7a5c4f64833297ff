"""Tests of the exact projection onto polyhedral cones (:mod:`arrangement.certificates.cones`)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.certificates.cones import (
    ConeProjection,
    batch_dual_multipliers,
    nnls_float,
    project,
    upper_bound_sq,
)
from arrangement.core.errors import InputError


def _fq(x):
    x = Fraction(x)
    return flint.fmpq(x.numerator, x.denominator)


def _qmat(rows):
    return flint.fmpq_mat([[_fq(x) for x in r] for r in rows])


def _dot(a, b):
    return sum((Fraction(x) * Fraction(y) for x, y in zip(a, b, strict=True)), Fraction(0))


def _subspace_projection(v, rows, dim):
    """Orthogonal projection of v onto {x : <r, x> = 0 for r in rows}, via an exact kernel basis."""
    if rows:
        ker, nullity = flint.fmpz_mat([[int(x) for x in r] for r in rows]).nullspace()
        basis = [[int(ker[i, j]) for i in range(dim)] for j in range(nullity)]
    else:
        basis = [[Fraction(int(i == j)) for i in range(dim)] for j in range(dim)]
    if not basis:
        return (Fraction(0),) * dim
    b = _qmat(basis)  # k x D, rows span the subspace
    gram = b * b.transpose()
    coef = gram.solve(b * _qmat([[x] for x in v]))
    out = coef.transpose() * b
    return tuple(Fraction(int(out[0, i].p), int(out[0, i].q)) for i in range(dim))


def brute_force_projection(v, g):
    """The feasible candidate (projection onto a face span) closest to v, over all row subsets."""
    dim = len(v)
    best = None
    for k in range(len(g) + 1):
        for subset in itertools.combinations(range(len(g)), k):
            cand = _subspace_projection(v, [g[i] for i in subset], dim)
            if all(_dot(row, cand) >= 0 for row in g):
                diff = [Fraction(a) - b for a, b in zip(v, cand, strict=True)]
                dist = _dot(diff, diff)
                if best is None or dist < best[0]:
                    best = (dist, cand)
    assert best is not None  # the subset of all rows gives the apex (or more), always feasible
    return best[1]


def assert_kkt(v, g, res: ConeProjection):
    """Check every claim of a ConeProjection exactly."""
    dim = len(v)
    p = res.point
    assert len(p) == dim
    assert res.norm_squared == _dot(p, p)
    # primal feasibility and the active set
    for i, row in enumerate(g):
        s = _dot(row, p)
        assert s >= 0
        assert (i in res.active) == (s == 0 or res.norm_squared == 0)
    # dual feasibility and complementarity: P = v + G^T mu, mu >= 0, mu_i > 0 only on active rows
    assert len(res.multipliers) == len(g)
    recon = [Fraction(x) for x in v]
    for mu, row in zip(res.multipliers, g, strict=True):
        assert mu >= 0
        recon = [a + mu * Fraction(b) for a, b in zip(recon, row, strict=True)]
    assert tuple(recon) == p
    for i, mu in enumerate(res.multipliers):
        if mu > 0:
            assert _dot(g[i], p) == 0
    # direction
    if res.norm_squared == 0:
        assert res.direction is None
    else:
        d = res.direction
        assert d is not None and all(isinstance(x, int) for x in d)
        assert np.gcd.reduce([abs(x) for x in d]) == 1
        k = next(i for i, x in enumerate(d) if x != 0)
        ratio = p[k] / d[k]
        assert ratio > 0 and all(p[i] == ratio * d[i] for i in range(dim))


# --------------------------------------------------------------------------- closed forms


def test_orthant_is_componentwise_positive_part():
    rng = random.Random(3)
    for _ in range(50):
        dim = rng.randint(1, 5)
        v = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(dim)]
        g = [[int(i == j) for j in range(dim)] for i in range(dim)]
        res = project(v, g)
        assert res.point == tuple(max(x, Fraction(0)) for x in v)
        assert_kkt(v, g, res)


def test_halfspace_closed_form():
    rng = random.Random(4)
    for _ in range(50):
        dim = rng.randint(1, 4)
        g = [rng.randint(-4, 4) for _ in range(dim)]
        v = [Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(dim)]
        gv, gg = _dot(g, v), _dot(g, g)
        expected = (
            tuple(v) if gv >= 0 else tuple(x - gv / gg * y for x, y in zip(v, g, strict=True))
        )
        res = project(v, [g])
        assert res.point == tuple(Fraction(x) for x in expected)
        assert_kkt(v, [g], res)


def test_zero_vector():
    res = project([0, 0, 0], [[1, 2, 3], [-1, 0, 1]])
    assert res.point == (0, 0, 0)
    assert res.norm_squared == 0 and res.direction is None
    assert res.active == (0, 1)


def test_no_constraints_is_identity():
    res = project([Fraction(1, 2), -3], [])
    assert res.point == (Fraction(1, 2), -3) and res.direction == (1, -6) and res.active == ()


def test_polar_vector_goes_to_apex():
    res = project([-1, -2], [[1, 0], [0, 1]])
    assert res.norm_squared == 0 and res.direction is None and res.active == (0, 1)


def test_zero_cone():
    # K = {0}: x1 = 0 and x2 = 0 written as four inequalities
    g = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    res = project([5, -7], g)
    assert res.point == (0, 0) and res.direction is None
    assert_kkt([5, -7], g, res)


def test_subspace_cone_non_pointed():
    # K = the line x1 = 0 in R^3? No: the plane {x1 = 0}, given by two opposite halfspaces
    g = [[1, 0, 0], [-1, 0, 0]]
    res = project([3, Fraction(-1, 2), 4], g)
    assert res.point == (0, Fraction(-1, 2), 4) and res.direction == (0, -1, 8)
    assert res.active == (0, 1)
    assert_kkt([3, Fraction(-1, 2), 4], g, res)


def test_wedge_non_pointed():
    # K = {x1 >= 0, x2 >= 0} in R^3: the lineality space is the x3 axis
    g = [[1, 0, 0], [0, 1, 0]]
    res = project([-1, 2, -3], g)
    assert res.point == (0, 2, -3) and res.active == (0,)


def test_redundant_rows():
    base = [[1, 0], [0, 1]]
    redundant = base + [[1, 1], [2, 0], [1, 0], [0, 0], [3, 1]]
    rng = random.Random(5)
    for _ in range(40):
        v = [Fraction(rng.randint(-9, 9), rng.randint(1, 3)) for _ in range(2)]
        a, b = project(v, base), project(v, redundant)
        assert a.point == b.point
        assert_kkt(v, redundant, b)
        # rows with mu_i > 0 are independent (at most D of them)
        assert sum(1 for mu in b.multipliers if mu > 0) <= 2


def test_degenerate_apex_with_many_active_rows():
    # a square pyramid: four facets through the apex direction (0, 0, 1) are all active at it
    g = [[1, 0, 1], [-1, 0, 1], [0, 1, 1], [0, -1, 1]]
    res = project([0, 0, -1], g)
    assert res.point == (0, 0, 0)
    res = project([1, 0, Fraction(-1, 2)], g)
    assert_kkt([1, 0, Fraction(-1, 2)], g, res)
    assert res.point == tuple(brute_force_projection([1, 0, Fraction(-1, 2)], g))


# --------------------------------------------------------------------------- brute force


@pytest.mark.parametrize("seed", range(12))
def test_against_brute_force(seed):
    rng = random.Random(seed)
    for _ in range(25):
        dim = rng.randint(1, 4)
        m = rng.randint(0, 6)
        g = [[rng.randint(-3, 3) for _ in range(dim)] for _ in range(m)]
        if m and rng.random() < 0.3:  # repeated and positively scaled rows
            g.append([2 * x for x in g[0]])
        v = [Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(dim)]
        res = project(v, g)
        assert res.point == brute_force_projection(v, g)
        assert_kkt(v, g, res)


def test_bad_hint_still_exact():
    rng = random.Random(7)
    for _ in range(60):
        dim = rng.randint(2, 4)
        m = rng.randint(1, 6)
        g = [[rng.randint(-3, 3) for _ in range(dim)] for _ in range(m)]
        v = [rng.randint(-5, 5) for _ in range(dim)]
        hint = [rng.random() for _ in range(m)]
        res = project(v, g, hint=hint)
        assert res.point == brute_force_projection(v, g)
        assert_kkt(v, g, res)


def test_fallback_is_reported():
    # a hint that proposes the wrong face forces the exact active-set method
    g = [[1, 0], [0, 1]]
    res = project([3, -1], g, hint=[1.0, 0.0])
    assert not res.proposal_accepted and res.point == (3, 0)
    assert project([3, -1], g).proposal_accepted


# --------------------------------------------------------------------------- properties

_small = st.fractions(min_value=-5, max_value=5, max_denominator=4)


@st.composite
def _problems(draw):
    dim = draw(st.integers(1, 4))
    m = draw(st.integers(0, 6))
    g = draw(
        st.lists(st.lists(st.integers(-3, 3), min_size=dim, max_size=dim), min_size=m, max_size=m)
    )
    v = draw(st.lists(_small, min_size=dim, max_size=dim))
    return v, g


@settings(max_examples=150, deadline=None)
@given(_problems())
def test_kkt_and_moreau(problem):
    v, g = problem
    res = project(v, g)
    assert_kkt(v, g, res)
    polar = [Fraction(x) - p for x, p in zip(v, res.point, strict=True)]
    # Moreau: v = P_K(v) + P_polar(v) with the two parts orthogonal
    assert _dot(res.point, polar) == 0
    # projecting the projection does nothing; positive scaling commutes
    assert project(res.point, g).point == res.point
    assert project([3 * x for x in v], g).point == tuple(3 * x for x in res.point)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=3, max_size=3),
    st.lists(_small, min_size=3, max_size=3),
)
def test_moreau_with_explicit_polar(g, v):
    # a simplicial cone K = {G x >= 0}, G invertible, has polar {-G^{-T} y >= 0}
    gm = flint.fmpq_mat(g)
    if gm.rank() < 3:
        return
    h = -(gm.inv().transpose())
    hrows = [[Fraction(int(h[i, j].p), int(h[i, j].q)) for j in range(3)] for i in range(3)]
    pk = project(v, g).point
    pp = project(v, hrows).point
    assert tuple(a + b for a, b in zip(pk, pp, strict=True)) == tuple(Fraction(x) for x in v)
    assert _dot(pk, pp) == 0


@settings(max_examples=100, deadline=None)
@given(
    _problems(),
    st.lists(st.fractions(min_value=0, max_value=3, max_denominator=5), min_size=6, max_size=6),
)
def test_upper_bound_dominates(problem, mu):
    v, g = problem
    res = project(v, g)
    assert upper_bound_sq(v, g, mu[: len(g)]) >= res.norm_squared
    assert upper_bound_sq(v, g, res.multipliers) == res.norm_squared


# --------------------------------------------------------------------------- float helpers


def test_nnls_float_matches_exact():
    rng = random.Random(11)
    for _ in range(40):
        dim, m = rng.randint(1, 4), rng.randint(1, 6)
        g = [[rng.randint(-3, 3) for _ in range(dim)] for _ in range(m)]
        v = [rng.randint(-5, 5) for _ in range(dim)]
        mu = nnls_float(np.array(g, dtype=float), np.array(v, dtype=float))
        assert (mu >= 0).all()
        exact = project(v, g)
        approx = np.array(v, dtype=float) + np.array(g, dtype=float).T @ mu if m else None
        assert np.allclose(approx, [float(x) for x in exact.point], atol=1e-8)


def test_batch_multipliers_give_near_tight_bounds():
    rng = np.random.default_rng(2)
    normals = rng.integers(-5, 6, size=(7, 3))
    signs = rng.choice([-1, 1], size=(30, 7))
    vecs = rng.integers(-5, 6, size=(30, 3))
    rows = signs[:, :, None] * normals[None, :, :]
    mu = batch_dual_multipliers(vecs, rows, iterations=2000)
    assert (mu >= 0).all()
    for k in range(30):
        g = [[int(s) * int(x) for x in row] for s, row in zip(signs[k], normals, strict=True)]
        exact = project(vecs[k].tolist(), g).norm_squared
        bound = upper_bound_sq(vecs[k].tolist(), g, [Fraction(float(x)) for x in mu[k]])
        assert bound >= exact
        assert float(bound) <= float(exact) + 1e-6 * (1 + float(exact))


# --------------------------------------------------------------------------- bad input


def test_bad_inputs():
    with pytest.raises(InputError, match="length"):
        project([1, 2], [[1, 2, 3]])
    with pytest.raises(InputError, match="non-negative"):
        upper_bound_sq([1, 2], [[1, 0]], [-1])
    with pytest.raises(InputError, match="multipliers"):
        upper_bound_sq([1, 2], [[1, 0]], [1, 2])
    with pytest.raises(InputError, match="hint"):
        project([1, 2], [[1, 0]], hint=[1.0, 2.0])
    with pytest.raises(InputError, match="exact rationals"):
        project(["a", 2], [[1, 0]])
