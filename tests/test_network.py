"""Certified gaps of trained networks and the instance support bound (issue 10).

Oracles: the N = 1 closed form, planted unique minimisers from exactly valid non-degenerate
pre-certificates (``y = K mu0 + lam p_V``: ``mu0`` is then the unique minimiser, with a known
optimal value), a brute-force count of the instance bound from the exact per-chamber maxima, and
exact Fraction evaluation of networks.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction as F

import numpy as np
import pytest
from clitools import assert_one_line_error, run
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement import Arrangement
from arrangement.certificates.certificate import certify
from arrangement.certificates.instance import (
    dual_lower_bound,
    feasible_scale,
    instance_support_bound,
    sqrt_upper,
)
from arrangement.certificates.precertificate import precertificate
from arrangement.core.errors import ArrangementError, InputError
from arrangement.core.io import data_dir, load_arrays, load_dataset
from arrangement.training.network import (
    Network,
    certify_network,
    gradient_descent,
    init_network,
    lam_from_weight_decay,
    network_from_arrays,
    network_from_state_dict,
)

# ---------------------------------------------------------------------------------------------
# planted instances


def _planted(points, atoms, amplitudes, lam):
    """``(arr, y, p_V, OPT)`` with ``mu0 = sum a_j delta(theta_j)`` the unique minimiser."""
    arr = Arrangement.from_points(points)
    signed = [(1 if a > 0 else -1, *t) for t, a in zip(atoms, amplitudes, strict=True)]
    pre = precertificate(arr, signed)
    assert pre.valid and pre.nondegenerate
    k_mu = [
        sum(
            a * max(F(0), sum(x * t for x, t in zip(xt, th, strict=True)))
            for th, a in zip(atoms, amplitudes, strict=True)
        )
        for xt in arr.augmented
    ]
    y = [k + lam * p for k, p in zip(k_mu, pre.dual, strict=True)]
    opt = sum((lam * p) ** 2 for p in pre.dual) / 2 + lam * sum(abs(a) for a in amplitudes)
    return arr, y, pre.dual, opt


LINE7 = [[F(v)] for v in ("-3", "-2", "-1/2", "0", "1", "3/2", "4")]
PLANTED = {
    # d = 1: the bundled line7 target, one positive and one negative atom
    "line7": (LINE7, [(F(4, 5), F(3, 5)), (F(-4, 5), F(3, 5))], [F(2), F(-1)]),
    # d = 2: plane_general with a +/- pair of exact rational unit vectors
    "plane": (
        load_dataset(data_dir() / "plane_general.csv").points,
        [(F(120, 169), F(0), F(119, 169)), (F(-120, 169), F(0), F(119, 169))],
        [F(3, 2), F(-1, 2)],
    ),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_instance_bound_is_exact_at_zero_gap_and_never_below_the_atoms(name):
    points, atoms, amps = PLANTED[name]
    lam = F(1, 10)
    arr, y, p, opt = _planted(points, atoms, amps, lam)
    n_pos = sum(1 for a in amps if a > 0)
    n_neg = len(amps) - n_pos
    counts = []
    for gap in (F(0), F(1, 10**40), F(1, 10**12), F(1, 10**8), F(1, 10**5), F(1, 10**3), F(1, 10)):
        b = instance_support_bound(arr, p, y, lam=lam, primal_value=opt + gap)
        assert b.lower_bound == opt  # p_V is optimal: the lower bound is the optimum
        assert b.gap == gap
        assert b.n_plus >= n_pos and b.n_minus >= n_neg  # never below the true support
        assert n_pos <= b.face_plus <= b.n_plus and n_neg <= b.face_minus <= b.n_minus
        counts.append((b.n_plus, b.n_minus))
    assert counts[0] == (n_pos, n_neg)  # zero gap: exactly the atoms (all interior)
    assert counts[1] == (n_pos, n_neg)  # a small positive gap: already the true count
    # monotone: a smaller gap never counts more chambers
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(counts))
    r = arr.n_regions
    assert counts[-1][0] <= r - 1 and counts[-1][1] <= r - 1


# THEORY 4.3 / docs/theory.md 8: d = 2, N = 4, one atom per sign, each ON a hyperplane (a face
# shared by two closed chambers). P_NONDEG is the non-degenerate certificate of the data file,
# P_DEGEN the minimal-norm one (valid, its boundary multiplier at the end of its interval).
COUNTER = [[F(-1, 4), F(-2)], [F(1, 4), F(-2)], [F(-37, 35), F(35, 12)], [F(37, 35), F(35, 12)]]
COUNTER_ATOMS = [
    (F(-1295, 1369), F(-420, 1369), F(-144, 1369)),
    (F(1295, 1369), F(-420, 1369), F(-144, 1369)),
]
P_NONDEG = [F(74, 35), F(-74, 35), F(-74, 175), F(74, 175)]
P_DEGEN = [F(74, 35), F(-74, 35), F(-144, 1369), F(144, 1369)]


def _boundary_instance(p, lam):
    """``(arr, y, OPT, star size of each atom)`` with ``mu0 = delta(theta+) - delta(theta-)``."""
    arr = Arrangement.from_points(COUNTER)
    amps = [F(1), F(-1)]
    k_mu = [
        sum(
            a * max(F(0), sum(x * t for x, t in zip(xt, th, strict=True)))
            for th, a in zip(COUNTER_ATOMS, amps, strict=True)
        )
        for xt in arr.augmented
    ]
    y = [k + lam * q for k, q in zip(k_mu, p, strict=True)]
    opt = sum((lam * q) ** 2 for q in p) / 2 + lam * 2
    hs = np.asarray(arr.regions().hyperplane_signs)
    stars = []
    for th in COUNTER_ATOMS:  # brute force: the chambers whose closure holds the atom
        face = np.asarray(arr.hyperplane_signs_of(th))
        nz = face != 0
        stars.append(int((hs[:, nz] == face[nz]).all(axis=1).sum()))
    return arr, y, opt, stars


@pytest.mark.parametrize("p", [P_NONDEG, P_DEGEN], ids=["nondegenerate", "degenerate"])
def test_face_grouping_counts_a_boundary_atom_once(p):
    lam = F(1, 10)
    arr, y, opt, stars = _boundary_instance(p, lam)
    assert stars == [2, 2]  # each atom lies on one hyperplane: in two closed chambers
    for gap in (F(0), F(1, 10**40), F(1, 10**12)):
        b = instance_support_bound(arr, p, y, lam=lam, primal_value=opt + gap)
        assert b.lower_bound == opt and b.gap == gap
        # counting closed chambers sees each boundary atom twice ...
        assert (b.n_plus, b.n_minus) == (2, 2)
        # ... grouping them by the face that must hold the point counts it once. Degenerate:
        # one of the two chambers has an active wall with multiplier 0 (not stable, weight 1),
        # the other weight 1/2: floor(3/2) = 1 still.
        assert (b.face_plus, b.face_minus) == (1, 1)
        assert b.total == 2
    # a large gap: the grouping never goes below the atoms nor above the chamber count
    b = instance_support_bound(arr, p, y, lam=lam, primal_value=opt + F(1, 10))
    assert 1 <= b.face_plus <= b.n_plus and 1 <= b.face_minus <= b.n_minus


def test_instance_bound_n1_closed_form():
    # x = 0, y = 2, lam = 1/2: one atom at e_2 with mass 3/2, value 7/8, p* = 1
    arr = Arrangement.from_points([[0]])
    b = instance_support_bound(arr, [1], [2], lam="1/2", primal_value="7/8")
    assert (b.n_plus, b.n_minus, b.gap, b.lower_bound) == (1, 0, 0, F(7, 8))
    # a worse dual vector and a worse primal value: still at least one positive atom
    b = instance_support_bound(arr, ["9/10"], [2], lam="1/2", primal_value=1)
    assert b.n_plus >= 1 and b.gap > 0
    with pytest.raises(ArrangementError, match="below the certified lower bound"):
        instance_support_bound(arr, [1], [2], lam="1/2", primal_value="1/2")
    with pytest.raises(InputError):
        instance_support_bound(arr, [1], [2], lam=0, primal_value=1)


def _brute_force(arr, p, y, lam, primal):
    """The instance counts from the exact maxima of every chamber (no pruning)."""
    cert = certify(arr, p)
    lower, c = dual_lower_bound(
        cert.dual, [F(v) for v in y], F(lam), feasible_scale(cert.sup_norm_squared)
    )
    delta_sq = 2 * (F(primal) - lower) / F(lam) ** 2
    signs = arr.regions().signs
    plus, minus = set(), set()
    for ch in range(arr.n_regions):
        if (signs[ch] < 0).all():
            continue
        frob = sum(
            sum(x * x for x in arr.augmented[i]) for i in range(arr.n_points) if signs[ch][i] > 0
        )
        eps = sqrt_upper(delta_sq * frob)
        ext = cert.chamber_extrema(ch)
        for sq, out in ((ext.max_squared, plus), (ext.min_squared, minus)):
            if eps >= 1 or (sq > 0 and c * c * sq >= (1 - eps) ** 2):
                out.add(ch)
    return plus, minus


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(-6, 6), min_size=5, max_size=5),
    st.sampled_from([F(1, 10**6), F(1, 1000), F(1, 20), F(1, 2)]),
)
def test_instance_bound_matches_brute_force(nums, extra):
    points, atoms, amps = PLANTED["plane"]
    lam = F(1, 10)
    arr, y, p_v, opt = _planted(points, atoms, amps, lam)
    # perturb the optimal dual vector: some chambers are decided by bounds, some exactly
    p = [pv + F(n, 50) for pv, n in zip(p_v, nums + [0] * 3, strict=True)]
    cert = certify(arr, p)
    lower, _ = dual_lower_bound(cert.dual, y, lam, feasible_scale(cert.sup_norm_squared))
    primal = max(opt, lower) + extra
    b = instance_support_bound(arr, p, y, lam=lam, primal_value=primal)
    plus, minus = _brute_force(arr, p, y, lam, primal)
    assert set(b.plus_chambers) == plus and set(b.minus_chambers) == minus
    # the face grouping is never below the planted minimiser's atoms nor above the count
    assert 1 <= b.face_plus <= b.n_plus and 1 <= b.face_minus <= b.n_minus


def test_sqrt_upper_is_an_upper_bound():
    for x in (F(2), F(1, 3), F(10**30 + 7, 3), F(0)):
        u = sqrt_upper(x)
        assert u * u >= x and (u - F(1, 2**40)) ** 2 < x or x == 0


# ---------------------------------------------------------------------------------------------
# networks: exact evaluation, loaders, bad input


def _exact_outputs(net: Network, points) -> list[F]:
    out = []
    for x in points:
        s = F(0)
        for row, b, a in zip(net.W1.tolist(), net.b1.tolist(), net.w2.tolist(), strict=True):
            z = sum(F(w) * F(xi) for w, xi in zip(row, x, strict=True)) + F(b)
            s += F(a) * max(z, F(0))
        out.append(s + (F(net.b2) if net.b2 is not None else 0))
    return out


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 6))
def test_network_objective_is_an_exact_upper_bound(seed, width):
    ds = load_dataset(data_dir() / "plane_general.csv")
    ds_y = [F(v) for v in (1, -1, 2, 0, 1, 3, -2, 1)]
    arr = Arrangement.from_points(ds.points)
    net = init_network(2, width, seed=seed)
    lam = F(1, 4)
    cert = certify_network(arr, ds_y, net, lam=lam, top=3)
    exact = _exact_outputs(net, ds.points)
    assert cert.primal.prediction == tuple(exact)
    assert cert.primal.data_term == sum((f - t) ** 2 for f, t in zip(exact, ds_y, strict=True)) / 2
    tv = sum(
        abs(F(a)) * sum(F(x) ** 2 for x in (*row, b)) ** F(1, 2)
        for row, b, a in zip(net.W1.tolist(), net.b1.tolist(), net.w2.tolist(), strict=True)
    )
    assert float(cert.primal.total_variation) >= float(tv) * (1 - 1e-15)
    assert cert.weight_decay_objective >= cert.objective  # AM-GM
    assert cert.gap >= 0 and cert.lower_bound <= cert.objective  # weak duality
    assert cert.check.scale**2 * cert.sup_norm_squared <= 1  # exactly feasible


def test_neurons_dead_parallel_mergeable_exactly():
    arr = Arrangement.from_points(LINE7)
    y = [F(v) for v in (2, 1, "1/4", 0, 1, "9/4", -1)]
    net = network_from_arrays(
        {
            # 0: active on x > 0; 1 = 2 * neuron 0 (parallel); 2: dead (x <= -5 only)
            # 3: active on x > 1/2 exactly like ... no: x > 1/2 differs; 4: same pattern as 0
            "W1": [[1.0], [2.0], [-1.0], [1.0], [3.0]],
            "b1": [0.0, 0.0, -5.0, -0.5, 0.0],
            "w2": [1.0, 0.5, 1.0, -1.0, 2.0],
        }
    )
    cert = certify_network(arr, y, net, lam="1/10")
    assert cert.dead == (2,)
    assert cert.parallel == ((0, 1, 4),)
    assert cert.mergeable == ((0, 1, 4),)
    assert cert.neurons[0].pattern == (4, 5, 6) and cert.neurons[0].zero_set == (3,)
    assert cert.neurons[3].zero_set == () and cert.neurons[3].pattern == (4, 5, 6)
    assert cert.neurons[2].chamber is None


def test_optimal_network_has_zero_gap_and_full_cover():
    # the planted line7 minimiser written as a balanced width-2 network
    points, atoms, amps = PLANTED["line7"]
    lam = F(1, 10)
    arr, y, _, opt = _planted(points, atoms, amps, lam)
    w1, b1, w2 = [], [], []
    for (a, b), amp in zip(atoms, amps, strict=True):
        s = float(abs(amp)) ** 0.5
        w1.append([float(a) * s])
        b1.append(float(b) * s)
        w2.append(float(amp) / s)
    net = network_from_arrays({"W1": w1, "b1": b1, "w2": w2})
    cert = certify_network(arr, y, net, lam=lam)
    assert cert.relative_gap < 1e-9
    assert abs(float(cert.objective - opt)) < 1e-9
    assert cert.lower_bound <= opt <= cert.objective
    assert all(n.at_extreme for n in cert.neurons)
    assert cert.instance.n_plus >= 1 and cert.instance.n_minus >= 1
    assert cert.uncovered == ()  # every near-maximiser holds a neuron of its sign


def test_output_bias_atom_and_free():
    arr = Arrangement.from_points(LINE7)
    y = [F(v) for v in (2, 1, "1/4", 0, 1, "9/4", -1)]
    base = {"W1": [[1.0], [-1.0]], "b1": [0.5, 0.25], "w2": [0.75, -0.5]}
    with_bias = network_from_arrays({**base, "b2": 0.25})
    atom = certify_network(arr, y, with_bias, lam="1/10")
    free = certify_network(arr, y, with_bias, lam="1/10", output_bias="free")
    shifted = certify_network(arr, [v - F(1, 4) for v in y], network_from_arrays(base), lam="1/10")
    assert atom.output_bias == "atom" and free.output_bias == "free"
    # free: exactly the bias-free network against y - b2
    assert free.objective == shifted.objective and free.lower_bound == shifted.lower_bound
    # atom: the same prediction, plus lam |b2| in the total variation
    assert atom.primal.data_term == free.primal.data_term
    assert atom.primal.total_variation == free.primal.total_variation + F(1, 4)
    with pytest.raises(InputError, match="output_bias"):
        certify_network(arr, y, with_bias, lam="1/10", output_bias="other")


class _FakeTensor:
    """Duck-typed tensor: what the loader calls on a torch tensor."""

    def __init__(self, a):
        self.a = np.asarray(a, dtype=np.float32)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.a


def test_state_dict_loader_with_duck_typed_tensors():
    sd = {
        "fc1.weight": _FakeTensor([[1.0, 2.0], [0.5, -1.0], [0.0, 1.0]]),
        "fc1.bias": _FakeTensor([0.0, 1.0, -1.0]),
        "fc2.weight": _FakeTensor([[1.0, -2.0, 0.5]]),
        "fc2.bias": _FakeTensor([0.25]),
    }
    net = network_from_state_dict(sd)
    assert net.width == 3 and net.b2 == 0.25
    assert net.W1.dtype == np.float64 and net.w2.tolist() == [1.0, -2.0, 0.5]
    # the same through network_from_arrays (no W1 key: read as a state_dict)
    assert network_from_arrays(sd).b1.tolist() == [0.0, 1.0, -1.0]
    with pytest.raises(InputError, match="exactly two"):
        network_from_state_dict({"0.weight": np.ones((3, 2))})
    with pytest.raises(InputError, match="1 x m"):
        network_from_state_dict({"0.weight": np.ones((3, 2)), "2.weight": np.ones((2, 3))})
    with pytest.raises(InputError, match="unexpected"):
        network_from_state_dict(
            {"0.weight": np.ones((3, 2)), "2.weight": np.ones((1, 3)), "extra": np.ones(1)}
        )


@pytest.mark.parametrize(
    ("arrays", "fragment"),
    [
        ({"W1": [[1.0]], "w2": [1.0, 2.0]}, "w2 must have one entry per neuron"),
        ({"W1": np.zeros((0, 1)), "w2": np.zeros(0)}, "width 0"),
        ({"W1": [[float("nan")]], "w2": [1.0]}, "NaN"),
        ({"W1": [1.0, 2.0], "w2": [1.0]}, "2-D"),
        ({"W1": [[1.0]], "w2": [1.0], "b1": [1.0, 2.0]}, "b1 must have shape"),
        ({"W1": [[1.0]], "w2": [1.0], "b2": [1.0, 2.0]}, "b2 must be a single number"),
        ({"W1": [[1.0]]}, "no array 'w2'"),
        ({"W1": [[1.0]], "w2": [1.0], "W3": [1.0]}, "unexpected array"),
    ],
)
def test_bad_network_arrays(arrays, fragment):
    with pytest.raises(InputError, match=fragment):
        network_from_arrays(arrays, source="w.npz")


def test_lam_conversion_and_gradient_descent_decreases_the_objective():
    assert lam_from_weight_decay("0.001", 20) == F(1, 100)
    with pytest.raises(InputError):
        lam_from_weight_decay(0, 5)
    ds = load_dataset(data_dir() / "iris20.csv")
    arr = Arrangement.from_points(ds.points)
    x = np.array([[float(v) for v in r] for r in ds.points])
    y = [float(v) for v in ds.labels]
    net = init_network(2, 5, seed=3)
    gaps = []
    for steps in (0, 200, 5000):
        trained = gradient_descent(net, x, y, lam=0.1, steps=steps, lr=1e-3)
        gaps.append(certify_network(arr, ds.labels, trained, lam="1/10", top=0).gap)
    assert gaps[0] > gaps[1] > gaps[2] > 0


# ---------------------------------------------------------------------------------------------
# command line


def _save(tmp_path, name="w.npz", **arrays):
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def test_cli_certify_network_text_and_json(tmp_path, capsys):
    path = _save(
        tmp_path,
        W1=np.array([[1.0, 0.5], [-1.0, 0.0]]),
        b1=np.array([0.5, 1.0]),
        w2=np.array([0.3, -0.2]),
        b2=np.array(0.1),
    )
    code, out, err = run(
        capsys, "certify-network", data_dir() / "iris20.csv", "--weights", path, "--lam", "1/10"
    )
    assert code == 0, err
    assert "certified lower bound" in out and "atom b2 delta(e_D)" in out
    assert "instance support bound" in out
    code, out, _ = run(
        capsys,
        "certify-network",
        data_dir() / "iris20.csv",
        "--weights",
        path,
        "--weight-decay",
        "0.01",
        "--json",
        "--output-bias",
        "free",
    )
    rec = json.loads(out)
    assert rec["lam"] == "1/10" and rec["output_bias"] == "free"  # N = 20: lam = 20 * 0.01 / 2
    assert F(rec["lower_bound"]) <= F(rec["objective"])
    assert rec["instance_bound"]["n_chambers"] == rec["n_chambers"]
    assert set(rec) >= {
        "sup_norm_squared",
        "gap",
        "relative_gap",
        "dead",
        "parallel",
        "mergeable",
        "neurons",
        "uncovered_near_maximisers",
    }


def test_cli_certify_network_bad_input(tmp_path, capsys):
    data = data_dir() / "iris20.csv"
    good = _save(tmp_path, W1=np.ones((2, 2)), w2=np.ones(2))
    cases = [
        (_save(tmp_path, "a.npz", W1=np.ones((2, 3)), w2=np.ones(2)), ["1"], "2 feature"),
        (_save(tmp_path, "b.npz", W1=np.ones((0, 2)), w2=np.ones(0)), ["1"], "width 0"),
        (_save(tmp_path, "c.npz", W1=np.full((1, 2), np.nan), w2=np.ones(1)), ["1"], "NaN"),
        (_save(tmp_path, "d.npz", W1=np.ones((2, 2)), w2=np.ones(3)), ["1"], "w2 must"),
        (good, ["0"], "--lam must be positive"),
        (good, ["-1/2"], "--lam must be positive"),
        (tmp_path / "missing.npz", ["1"], "no such file"),
        (data, ["1"], "unsupported weights file"),
    ]
    for path, lam, fragment in cases:
        code, out, err = run(capsys, "certify-network", data, "--weights", path, f"--lam={lam[0]}")
        assert code == 1 and out == ""
        assert_one_line_error(err, fragment)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip archive")
    code, _, err = run(capsys, "certify-network", data, "--weights", junk, "--lam", "1")
    assert code == 1
    assert_one_line_error(err, "not a readable .npz")
    assert load_arrays(good)["W1"].shape == (2, 2)


def test_cli_bound_instance_from_solve_and_dual(tmp_path, capsys):
    code, out, err = run(capsys, "bound", data_dir() / "line7.csv", "--lam", "1/10", "--json")
    assert code == 0, err
    inst = json.loads(out)["instance"]
    assert inst["source"] == "solve" and inst["n_plus"] + inst["n_minus"] >= 1
    assert inst["n_plus"] <= 13 and inst["n_minus"] <= 13
    # the planted line7 problem from its exact dual vector and optimal value: exact counts
    points, atoms, amps = PLANTED["line7"]
    arr, y, p, opt = _planted(points, atoms, amps, F(1, 10))
    data = tmp_path / "planted.csv"
    data.write_text("x,y\n" + "".join(f"{pt[0]},{v}\n" for pt, v in zip(points, y, strict=True)))
    dual = tmp_path / "p.csv"
    dual.write_text("".join(f"{v}\n" for v in p))
    code, out, err = run(
        capsys, "bound", data, "--lam", "1/10", "--dual", dual, "--primal", str(opt)
    )
    assert code == 0, err
    assert "at most 1 positive and 1 negative atoms" in out
    code, out, err = run(capsys, "bound", data, "--dual", dual)
    assert code == 2 and out == "" and "--dual and --primal need --lam" in err
    code, out, err = run(capsys, "bound", data, "--lam", "1", "--primal", "3")
    assert code == 2 and out == "" and "--primal needs --dual" in err


def test_solve_reports_the_instance_bound(capsys) -> None:
    """`solve --json` carries the instance support bound; it never undercounts the atoms found."""
    from arrangement.cli.app import main

    assert main(["solve", str(data_dir() / "line7.csv"), "--lam", "1", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    inst = rec["instance_support_bound"]
    assert inst is not None and inst["hypothesis"]
    plus = sum(1 for a in rec["atoms"] if a["amplitude"] > 0)
    minus = sum(1 for a in rec["atoms"] if a["amplitude"] < 0)
    assert inst["n_plus"] >= plus and inst["n_minus"] >= minus
    # the rigorous primal value of the solve's own atoms: the gap is the solve's certified one
    assert rec["relative_gap"] <= 1e-8 and inst["relative_gap"] <= 1e-6
    assert main(["solve", str(data_dir() / "line7.csv"), "--lam", "1"]) == 0
    assert "instance support bound" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# the face-stability lemma behind the grouping, against exact projections of perturbed vectors


def _perturbations(dim, radius_sq, seed, count=12):
    """Rational vectors ``d`` with ``|d|^2 <= radius_sq`` in varied directions."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        u = [int(x) for x in rng.integers(-9, 10, size=dim)]
        nsq = sum(x * x for x in u)
        if nsq == 0:
            continue
        # the largest t = 1/k with t^2 |u|^2 <= radius_sq
        k = 1
        while F(nsq, k * k) > radius_sq:
            k *= 2
        out.append([F(x, k) for x in u])
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=2, max_size=5),
    st.lists(st.integers(-6, 6), min_size=3, max_size=3),
    st.sampled_from([F(1, 10**6), F(1, 1000), F(1, 50), F(1, 4)]),
)
def test_stable_face_lemma_against_exact_projections(rows, v, radius_sq):
    from arrangement.certificates.cones import project
    from arrangement.certificates.instance import _stable_face

    rows = [r for r in rows if any(r)]
    if not rows:
        return
    proj = project(v, rows)
    if not _stable_face(rows, proj, radius_sq):
        return
    for d in _perturbations(3, radius_sq, seed=sum(map(abs, v)) + len(rows)):
        moved = project([F(a) + b for a, b in zip(v, d, strict=True)], rows)
        # same face of K: the same active rows, and a non-zero point
        assert moved.active == proj.active and moved.direction is not None


def test_stable_face_lemma_decides_both_ways():
    from arrangement.certificates.cones import project
    from arrangement.certificates.instance import _stable_face

    # the quadrant {x >= 0, y >= 0} in R^3 (z free): v = (3, -1, 2) projects to (3, 0, 2), on
    # the face y = 0 with multiplier 1 and slack 3 on x >= 0
    rows, v = [[1, 0, 0], [0, 1, 0]], [3, -1, 2]
    proj = project(v, rows)
    assert proj.active == (1,) and proj.multipliers == (0, 1)
    assert _stable_face(rows, proj, F(99, 100))  # |d| < 1 keeps mu = 1 - d_y > 0
    assert not _stable_face(rows, proj, F(1))  # |d| = 1 may reach mu = 0
    # degenerate (v on the boundary, multiplier 0): never stable
    assert not _stable_face(rows, project([3, 0, 2], rows), F(1, 10**9))
    # interior: the face is the chamber itself, nothing to group
    assert not _stable_face(rows, project([3, 1, 2], rows), F(1, 10**9))
