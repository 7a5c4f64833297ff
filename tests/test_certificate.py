"""Tests of exact certification, support bounds, uniqueness and pre-certificates."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest

from arrangement import Arrangement
from arrangement.certificates.bounds import bound_report, feature_matrix, support_bounds, uniqueness
from arrangement.certificates.certificate import certify, eta
from arrangement.certificates.precertificate import (
    nondegeneracy,
    precertificate,
    rational_unit_vector,
)
from arrangement.core.errors import GeometryError, InputError
from arrangement.core.io import data_dir, load_dataset, load_vector

F = Fraction

COUNTER_POINTS = [[F(-1, 4), -2], [F(1, 4), -2], [F(-37, 35), F(35, 12)], [F(37, 35), F(35, 12)]]
COUNTER_DUAL = [F(74, 35), F(-74, 35), F(-74, 175), F(74, 175)]


def _random_instance(seed: int, *, d: int | None = None, n: int | None = None):
    rng = random.Random(seed)
    d = rng.randint(1, 3) if d is None else d
    n = rng.randint(1, 7) if n is None else n
    pts = [[rng.randint(-4, 4) for _ in range(d)] for _ in range(n)]
    if n > 1 and rng.random() < 0.3:  # a repeated point: two rows on one hyperplane
        pts.append(list(pts[0]))
    arr = Arrangement.from_points(pts)
    p = [F(rng.randint(-6, 6), rng.randint(1, 4)) for _ in range(arr.n_points)]
    return arr, p


def _sphere_samples(dim: int, count: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(count, dim))
    return x / np.linalg.norm(x, axis=1)[:, None]


def _eta_float(arr: Arrangement, p, thetas: np.ndarray) -> np.ndarray:
    xt = np.array([[float(v) for v in row] for row in arr.augmented])
    pf = np.array([float(v) for v in p])
    return np.maximum(thetas @ xt.T, 0.0) @ pf


# --------------------------------------------------------------------------- the counterexample


def test_counterexample_exact():
    arr = Arrangement.from_points(COUNTER_POINTS)
    cert = certify(arr, COUNTER_DUAL)
    assert cert.sup_norm_squared == 1 and cert.valid
    assert [(e.sign, e.direction) for e in cert.extremes] == [
        (1, (-1295, -420, -144)),
        (-1, (1295, -420, -144)),
    ]
    # both in the dual region (+, +, -, -): one extreme point of each sign, one pattern
    assert [e.pattern for e in cert.extremes] == [(0, 1), (0, 1)]
    assert [e.zero_set for e in cert.extremes] == [(2,), (3,)]
    assert not any(e.interior for e in cert.extremes)
    # the points are rational: |(1295, 420, 144)| = 1369
    assert 1295**2 + 420**2 + 144**2 == 1369**2
    assert cert.value((-1295, -420, -144)) == 1369
    assert cert.value((1295, -420, -144)) == -1369
    assert len(cert.e_plus) == 1 and len(cert.e_minus) == 1


def test_counterexample_from_data_files():
    ds = load_dataset(data_dir() / "counterexample.csv")
    p = load_vector(data_dir() / "counterexample_dual.csv", length=4, name="p")
    arr = Arrangement.from_points(ds.points)
    cert = certify(arr, p)
    d = cert.to_dict()
    assert d["sup_norm_squared"] == "1" and d["valid"] is True
    assert [(e["sign"], e["direction"], e["pattern"]) for e in d["extremes"]] == [
        (1, [-1295, -420, -144], [0, 1]),
        (-1, [1295, -420, -144], [0, 1]),
    ]
    assert d["unique"] is True
    assert d["support_bound"]["certificate"]["value"] == 2
    assert d["support_bound"]["per_sign"]["value"] == arr.n_regions - 1


def test_counterexample_boundary_conditions():
    cert = certify(Arrangement.from_points(COUNTER_POINTS), COUNTER_DUAL)
    rep = nondegeneracy(cert)
    assert rep.valid and rep.attains_one and rep.independent
    for cond in rep.extremes:
        assert not cond.interior and cond.first_order
        assert cond.multipliers is not None and len(cond.multipliers) == 1


# --------------------------------------------------------------------------- hand-built cases


def test_two_points_on_a_line():
    arr = Arrangement.from_points([[0], [1]])
    cert = certify(arr, [1, -1])
    # eta(a, b) = relu(b) - relu(a + b): -1 at (1, 0), +1/sqrt(2) at best elsewhere
    assert cert.sup_norm_squared == 1
    assert [(e.sign, e.direction, e.zero_set) for e in cert.extremes] == [(-1, (1, 0), (0,))]
    cert = certify(arr, [1, 1])
    assert cert.sup_norm_squared == 5 and not cert.valid and cert.extremes == ()
    assert [(e.sign, e.direction, e.interior) for e in cert.maximisers] == [(1, (1, 2), True)]


def test_single_point_interior_maximum():
    # one point x = 0: eta(a, b) = p relu(b), maximised at (0, 1) with value p
    arr = Arrangement.from_points([[0]])
    cert = certify(arr, [F(3, 4)])
    assert cert.sup_norm_squared == F(9, 16)
    assert [(e.sign, e.direction, e.pattern, e.interior) for e in cert.maximisers] == [
        (1, (0, 1), (0,), True)
    ]
    assert cert.extremes == ()  # sup < 1: E is empty
    cert = certify(arr, [-1])
    assert [(e.sign, e.direction) for e in cert.extremes] == [(-1, (0, 1))]


def test_zero_dual_and_cancelling_rows():
    arr = Arrangement.from_points([[0], [1], [1]])
    assert certify(arr, [0, 0, 0]).sup_norm_squared == 0
    # rows 1 and 2 share a hyperplane; their contributions cancel
    cert = certify(arr, [0, 2, -2])
    assert cert.sup_norm_squared == 0 and cert.maximisers == () and cert.valid


def test_maximiser_shared_by_several_chambers_is_reported_once():
    # p = (1, -1) on {0, 1}: the extreme point (1, 0) lies on a wall between two chambers
    arr = Arrangement.from_points([[0], [1]])
    cert = certify(arr, [1, -1])
    (e,) = cert.extremes
    assert len(e.chambers) == 2
    assert cert.n_exact_chambers >= 2


def test_chamber_extrema():
    arr = Arrangement.from_points(COUNTER_POINTS)
    cert = certify(arr, COUNTER_DUAL)
    sup = max(cert.chamber_extrema(k).sup_squared for k in range(arr.n_regions))
    assert sup == 1
    inactive = next(c.index for c in arr.regions() if not c.pattern)
    ext = cert.chamber_extrema(inactive)
    assert ext.vector == (0, 0, 0) and ext.max_squared == 0 and ext.argmax is None


# --------------------------------------------------------------------------- random instances


@pytest.mark.parametrize("seed", range(40))
def test_against_every_chamber(seed):
    """The pruned certification agrees with exact projections in every chamber."""
    arr, p = _random_instance(seed)
    cert = certify(arr, p)
    ext = [cert.chamber_extrema(k) for k in range(arr.n_regions)]
    sup = max([e.sup_squared for e in ext] + [F(0)])
    assert cert.sup_norm_squared == sup
    expected = set()
    for e in ext:
        if sup > 0 and e.max_squared == sup:
            expected.add((1, e.argmax))
        if sup > 0 and e.min_squared == sup:
            expected.add((-1, e.argmin))
    assert {(m.sign, m.direction) for m in cert.maximisers} == expected
    for m in cert.maximisers:
        value = eta(arr, p, m.direction)
        assert value * value == sup * sum(x * x for x in m.direction)
        assert arr.hyperplane_signs_of(m.direction) == m.hyperplane_signs
        assert m.interior == (len(m.chambers) == 1) == (not m.zero_set)


@pytest.mark.parametrize("seed", range(8))
def test_dense_sampling_never_exceeds_and_comes_close(seed):
    arr, p = _random_instance(100 + seed, d=2, n=6)
    cert = certify(arr, p)
    sup = math.sqrt(float(cert.sup_norm_squared))
    vals = np.abs(_eta_float(arr, p, _sphere_samples(3, 200_000, seed)))
    assert vals.max() <= sup * (1 + 1e-12)
    assert vals.max() >= sup * (1 - 2e-2)


def test_larger_arrangement_sampling():
    arr, p = _random_instance(7, d=3, n=12)
    cert = certify(arr, p)
    sup = math.sqrt(float(cert.sup_norm_squared))
    vals = np.abs(_eta_float(arr, p, _sphere_samples(4, 200_000, 1)))
    assert vals.max() <= sup * (1 + 1e-12)
    assert vals.max() >= sup * 0.9
    assert cert.n_exact_chambers < arr.n_regions


@pytest.mark.parametrize("seed", range(10))
def test_scaled_to_be_valid(seed):
    arr, p = _random_instance(200 + seed, d=2, n=5)
    cert = certify(arr, p)
    if cert.sup_norm_squared == 0:
        return
    # a rational c with c^2 sup < 1, close to 1 / sqrt(sup)
    c = F(1) / F(math.sqrt(float(cert.sup_norm_squared))).limit_denominator(10**6)
    while c * c * cert.sup_norm_squared >= 1:
        c *= F(999_999, 1_000_000)
    scaled = certify(arr, [c * x for x in p])
    assert scaled.valid and scaled.sup_norm_squared == c * c * cert.sup_norm_squared
    assert scaled.extremes == ()  # strictly below 1
    assert [(m.sign, m.direction) for m in scaled.maximisers] == [
        (m.sign, m.direction) for m in cert.maximisers
    ]


def test_boundary_extreme_without_strict_complementarity():
    # p = (1, -1) on {0, 1}: eta = -1 at (1, 0) on the hyperplane of row 0, with
    # eps v - theta = (0, 1) = 1 * n_0 and bounds [0, 1]: the multiplier sits at the bound
    cert = certify(Arrangement.from_points([[0], [1]]), [1, -1])
    rep = nondegeneracy(cert)
    (cond,) = rep.extremes
    assert cond.zero_hyperplanes == (0,) and cond.independent
    assert cond.multipliers == (1,) and (cond.lower, cond.upper) == ((0,), (1,))
    assert cond.first_order is True and cond.strict is False
    assert rep.nondegenerate is False


def test_interior_extreme_is_nondegenerate():
    cert = certify(Arrangement.from_points([[0]]), [-1])
    rep = nondegeneracy(cert)
    assert rep.nondegenerate is True and rep.extremes[0].interior
    assert nondegeneracy(certify(Arrangement.from_points([[0]]), [2])).nondegenerate is False


# --------------------------------------------------------------------------- bounds, uniqueness


def test_support_bounds_line():
    arr = Arrangement.from_points([[0], [1], [3]])
    bounds = {b.name: b for b in support_bounds(arr, faces=True)}
    r = arr.n_regions
    assert r == 6
    assert bounds["per_sign"].value == r - 1 and bounds["total"].value == 2 * (r - 1)
    assert bounds["d1"].holds and bounds["d1"].value == r - 1
    # faces with a positive row: all 4n + 1 faces (counting {0}) minus the four faces of the
    # closed all-inactive chamber (itself, its two rays and {0})
    assert sum(arr.f_vector()) == 13
    assert bounds["faces"].value == 13 - 4


@pytest.mark.parametrize("seed", range(15))
def test_support_bounds_hold_for_maximisers(seed):
    # the maximisers of |eta| are E for the (irrationally) rescaled valid certificate
    arr, p = _random_instance(400 + seed, d=rng_d(seed), n=5)
    cert = certify(arr, p)
    bounds = {b.name: b for b in support_bounds(arr, certificate=cert, faces=True)}
    ms = cert.maximisers
    assert len({m.hyperplane_signs for m in ms}) == len(ms)  # at most one per relatively open face
    assert len(ms) <= bounds["faces"].value <= bounds["total"].value or len(ms) <= 2
    for sgn in (1, -1):
        assert sum(1 for m in ms if m.sign == sgn) <= bounds["per_sign"].value
        # at most one per closed chamber and sign
        cham = [c for m in ms if m.sign == sgn for c in m.chambers]
        assert len(cham) == len(set(cham))
    if bounds["d1"].holds:
        assert len(ms) <= bounds["d1"].value


def rng_d(seed: int) -> int:
    return 1 + seed % 3


def test_uniqueness_and_amplitudes():
    arr = Arrangement.from_points(COUNTER_POINTS)
    cert = certify(arr, COUNTER_DUAL)
    phi = feature_matrix(arr, [e.direction for e in cert.extremes])
    # build labels from a measure on E with positive mass on E+ and negative on E-
    coeff = [F(2), F(-3)]
    lam = F(1, 10)
    y = [
        sum(c * row[j] for j, c in enumerate(coeff)) + lam * pi
        for row, pi in zip(phi, cert.dual, strict=True)
    ]
    res = uniqueness(cert, labels=y, lam=lam)
    assert res.unique is True and res.rank == 2 and res.consistent is True
    assert [a.coefficient for a in res.amplitudes] == coeff
    assert res.amplitudes[0].amplitude_squared == 4 * 1369**2
    # wrong sign: the same system, but the E+ coefficient negative
    y_bad = [
        sum(c * row[j] for j, c in enumerate([F(-2), F(-3)])) + lam * pi
        for row, pi in zip(phi, cert.dual, strict=True)
    ]
    assert uniqueness(cert, labels=y_bad, lam=lam).consistent is False
    with pytest.raises(InputError):
        uniqueness(cert, labels=y)
    with pytest.raises(InputError):
        uniqueness(cert, labels=y[:2], lam=lam)


def test_uniqueness_invalid_certificate_is_undecided():
    cert = certify(Arrangement.from_points([[0], [1]]), [1, 1])
    assert uniqueness(cert).unique is None


# --------------------------------------------------------------------------- pre-certificates


def test_rational_unit_vector():
    assert rational_unit_vector([3, 4]) == (F(3, 5), F(4, 5))
    assert rational_unit_vector([0, 0, -2]) == (0, 0, -1)
    rng = random.Random(5)
    for _ in range(30):
        d = [rng.gauss(0, 1) for _ in range(rng.randint(2, 5))]
        x = rational_unit_vector(d, precision="1/1000")
        assert sum(t * t for t in x) == 1
        u = np.array(d) / np.linalg.norm(d)
        assert np.linalg.norm(np.array([float(t) for t in x]) - u) < 1e-3
    for bad in ([0, 0], []):
        with pytest.raises(InputError):
            rational_unit_vector(bad)
    with pytest.raises(InputError):
        rational_unit_vector([1, 2], precision=0)


def test_precertificate_round_trip():
    arr = Arrangement.from_points([[0], [1], [2]])
    theta = rational_unit_vector([0.9, 0.2], precision="1/100")
    pre = precertificate(arr, [(1, *theta)])
    # the defining equations: eta(theta) = 1 with the chamber vector equal to theta
    chamber = pre.atoms[0].chamber
    assert pre.certificate.chamber_vector(chamber) == theta
    assert eta(arr, pre.dual, theta) == 1
    assert pre.valid and pre.strict and pre.independent and pre.nondegenerate
    assert pre.to_dict()["extremes"][0]["direction"] == list(pre.certificate.extremes[0].direction)
    # minimal norm: p_V is orthogonal to the kernel of the system (here spanned by (1, -2, 1)
    # when all three rows are active, by the inactive unit vectors otherwise)
    active = set(pre.atoms[0].pattern)
    xt = arr.augmented
    if active == {0, 1, 2}:
        kernel = [[1, -2, 1]]
    else:
        kernel = [[int(i == k) for i in range(3)] for k in range(3) if k not in active]
    for q in kernel:
        assert all(sum((xt[i][c] * q[i] for i in active), F(0)) == 0 for c in range(2))
        assert sum(a * b for a, b in zip(pre.dual, q, strict=True)) == 0


def test_precertificate_two_atoms_exact_equations():
    arr = Arrangement.from_points([[-2], [-1], [0], [1], [2]])
    atoms = [(1, F(3, 5), F(4, 5)), (-1, F(-3, 5), F(4, 5))]
    pre = precertificate(arr, atoms)
    for a in pre.atoms:
        assert pre.certificate.chamber_vector(a.chamber) == tuple(a.sign * t for t in a.theta)
        assert eta(arr, pre.dual, a.theta) == a.sign
    assert pre.certificate.sup_norm_squared >= 1


def test_precertificate_errors():
    arr = Arrangement.from_points([[0], [1]])
    with pytest.raises(GeometryError, match="hyperplane"):
        precertificate(arr, [(1, 1, 0)])  # on the hyperplane of row 0
    with pytest.raises(GeometryError, match="same chamber"):
        precertificate(arr, [(1, F(3, 5), F(4, 5)), (1, F(4, 5), F(3, 5))])
    with pytest.raises(InputError, match="unit"):
        precertificate(arr, [(1, 1, 1)])
    with pytest.raises(InputError, match="sign"):
        precertificate(arr, [(2, F(3, 5), F(4, 5))])
    with pytest.raises(InputError, match="coordinates"):
        precertificate(arr, [(1, F(3, 5))])
    with pytest.raises(InputError, match="no atoms"):
        precertificate(arr, [])
    # one active row cannot produce a 2-D target: inconsistent
    arr = Arrangement.from_points([[0], [1]])
    with pytest.raises(GeometryError, match="inconsistent"):
        precertificate(arr, [(1, F(-4, 5), F(3, 5))])


# --------------------------------------------------------------------------- bad inputs


def test_bad_dual_vectors():
    arr = Arrangement.from_points([[0], [1]])
    with pytest.raises(InputError, match="one per input row"):
        certify(arr, [1, 2, 3])
    with pytest.raises(InputError):
        certify(arr, [1, "abc"])
    with pytest.raises(InputError):
        certify(arr, [1, float("nan")])
    with pytest.raises(InputError, match="length"):
        eta(arr, [1, 2], [1, 2, 3])


# --------------------------------------------------------------------------- invariances


@pytest.mark.parametrize("seed", range(10))
def test_scaling_and_row_permutation(seed):
    arr, p = _random_instance(500 + seed, d=2, n=5)
    cert = certify(arr, p)
    c = F(rng_d(seed) + 1, 3)
    scaled = certify(arr, [c * x for x in p])
    assert scaled.sup_norm_squared == c * c * cert.sup_norm_squared
    assert [(m.sign, m.direction) for m in scaled.maximisers] == [
        (m.sign, m.direction) for m in cert.maximisers
    ]
    flipped = certify(arr, [-x for x in p])
    assert {(-m.sign, m.direction) for m in flipped.maximisers} == {
        (m.sign, m.direction) for m in cert.maximisers
    }
    perm = list(range(arr.n_points))
    random.Random(seed).shuffle(perm)
    arr2 = Arrangement.from_points([arr.points[i] for i in perm])
    cert2 = certify(arr2, [p[i] for i in perm])
    assert cert2.sup_norm_squared == cert.sup_norm_squared
    assert {(m.sign, m.direction) for m in cert2.maximisers} == {
        (m.sign, m.direction) for m in cert.maximisers
    }
    for m2 in cert2.maximisers:
        m = next(x for x in cert.maximisers if (x.sign, x.direction) == (m2.sign, m2.direction))
        assert sorted(perm[i] for i in m2.pattern) == list(m.pattern)


def test_general_central_arrangement_with_opposite_rows():
    # rows 0 and 1 are opposite normals of one hyperplane; no chamber has every row inactive
    arr = Arrangement.from_normals([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [1, 1, 1], [0, 1, -2]])
    assert arr.n_hyperplanes == 4 and arr.row_orientation[:2] == (1, -1)
    for seed in range(10):
        rng = random.Random(seed)
        p = [F(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(arr.n_points)]
        cert = certify(arr, p)
        ext = [cert.chamber_extrema(k) for k in range(arr.n_regions)]
        assert cert.sup_norm_squared == max(e.sup_squared for e in ext)
    bounds = {b.name: b for b in support_bounds(arr)}
    assert bounds["per_sign"].value == arr.n_regions  # no all-inactive chamber


@pytest.mark.parametrize(
    "pts",
    [
        [[0], [1], [3], [7]],  # d = 1: r = 2n
        [[0, 0], [1, 0], [0, 1], [2, 3]],  # general position in the plane
        [[0, 0], [1, 0], [2, 0], [0, 1]],  # three collinear points: fewer chambers
    ],
)
def test_bound_report(pts):
    arr = Arrangement.from_points(pts)
    rep = bound_report(arr)
    assert rep["n_chambers"] == arr.n_regions
    if rep["general_position"]:
        assert rep["cover_count"] == arr.n_regions
    else:
        assert rep["cover_count"] > arr.n_regions
    assert rep["bounds"]["total"]["value"] == 2 * (arr.n_regions - 1)
    assert rep["bounds"]["d1"]["holds"] == (len(pts[0]) == 1)


def test_counterexample_shares_one_dual_region() -> None:
    """THEORY 4.3: two extreme points of opposite sign in the dual region (+, +, -, -)."""
    from arrangement import Arrangement
    from arrangement.certificates.certificate import certify

    arr = Arrangement.from_points(
        [["-1/4", -2], ["1/4", -2], ["-37/35", "35/12"], ["37/35", "35/12"]]
    )
    cert = certify(arr, ["74/35", "-74/35", "-74/175", "74/175"])
    shared = cert.shared_dual_regions()
    assert list(shared) == [(0, 1)]
    assert sorted(e.sign for e in shared[(0, 1)]) == [-1, 1]
    assert cert.to_dict(bounds=False)["shared_dual_regions"] == [[0, 1]]


def test_counterexample_minimal_norm_certificate_is_degenerate() -> None:
    """THEORY 4.3/5: the bundled p is strictly complementary, the minimal-norm one is not.

    eta(theta+) = 1 and eta(theta-) = -1 fix p_0 = -p_1 = 74/35 (rows 2 and 3 vanish or are
    inactive at theta+-). At theta+ the first-order condition forces the multiplier of row 2
    to be 144/1369 <= -p_2, so |p_2| >= 144/1369 (and likewise |p_3|) for every valid
    certificate of these two atoms: p* below is the minimal-norm one, and its multipliers sit
    at the ends of their intervals (degenerate). Shrinking |p_2|, |p_3| breaks validity.
    """
    from arrangement import Arrangement
    from arrangement.certificates.certificate import certify
    from arrangement.certificates.precertificate import nondegeneracy

    arr = Arrangement.from_points(
        [["-1/4", -2], ["1/4", -2], ["-37/35", "35/12"], ["37/35", "35/12"]]
    )
    extremes = {(1, (-1295, -420, -144)), (-1, (1295, -420, -144))}
    given = certify(arr, ["74/35", "-74/35", "-74/175", "74/175"])
    assert {(e.sign, e.direction) for e in given.extremes} == extremes
    assert nondegeneracy(given).nondegenerate is True
    minimal = certify(arr, ["74/35", "-74/35", "-144/1369", "144/1369"])
    assert minimal.sup_norm_squared == 1
    assert {(e.sign, e.direction) for e in minimal.extremes} == extremes
    report = nondegeneracy(minimal)
    assert [c.strict for c in report.extremes] == [False, False]
    assert all(c.first_order for c in report.extremes)
    assert report.nondegenerate is False
    smaller = certify(arr, ["74/35", "-74/35", "-143/1369", "143/1369"])
    assert smaller.sup_norm_squared == Fraction(176401, 176400) and not smaller.valid
