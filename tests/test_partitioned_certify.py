"""Partitioned certification (issue 8): each cone reports its sup and extreme points, then a
reduction; the result equals the serial :func:`certify` exactly.

The per-cone path is checked twice: in-process (cones from ``cone_split``, each certified by
``certify_block`` with the cone's hyperplanes as walls, then ``reduce_blocks``; many hypothesis
examples, no cluster), and on a ``LocalCluster`` with 2 workers (a few small cases), through the
Python API and the CLI.
"""

from __future__ import annotations

import json
import socket
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from clitools import assert_one_line_error, run
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement import Arrangement
from arrangement.certificates.certificate import (
    certify,
    certify_block,
    chambers_containing,
    dual_vector,
    reduce_blocks,
)
from arrangement.geometry.enumeration import Plan, cone_split, enumerate_cone

DATA = Path(__file__).resolve().parent.parent / "data"


def _load(name: str) -> Arrangement:
    from arrangement.core.io import load_dataset

    ds = load_dataset(DATA / f"{name}.csv")
    return Arrangement.from_points(ds.points, dim=ds.n_features)


def _point_key(e, faces_of):
    """Everything an extreme point says, with its chambers as a set of sign vectors."""
    return (
        e.sign,
        e.direction,
        e.hyperplane_signs,
        e.signs,
        e.pattern,
        e.interior,
        e.zero_set,
        frozenset(faces_of(e.chambers)),
    )


def _same(serial, part, serial_signs, part_signs) -> None:
    """``part`` equals ``serial``: sup, maximisers and near-maximisers, chambers as sign sets."""

    def s_of(ix):
        return [serial_signs[i].tobytes() for i in ix]

    def p_of(ix):
        return [part_signs[i].tobytes() for i in ix]

    assert part.sup_norm_squared == serial.sup_norm_squared
    assert part.valid == serial.valid
    assert [_point_key(e, p_of) for e in part.maximisers] == [
        _point_key(e, s_of) for e in serial.maximisers
    ]
    assert [(m.value_squared, _point_key(m.point, p_of)) for m in part.near_maximisers] == [
        (m.value_squared, _point_key(m.point, s_of)) for m in serial.near_maximisers
    ]


def _by_cones(arr: Arrangement, dual, target: int, tol=None, *, walls: bool = True):
    """The partitioned certificate, in-process, and the sign vectors in partitioned order."""
    p = dual_vector(arr, dual)
    tolerance = None if tol is None else Fraction(tol)
    plan = Plan(arr.normal_matrix(), arr.dimension)
    blocks, parts = [], []
    for cone in cone_split(plan, target=target, estimate=max(arr.n_regions, 1)):
        signs, wits = enumerate_cone(plan, cone)
        m = len(cone) if walls else 0
        blocks.append(certify_block(arr, p, signs, wits, tolerance=tolerance, cone=m))
        parts.append(signs)
    signs = np.concatenate(parts)
    cert = reduce_blocks(arr, p, blocks, chambers_containing(signs), tolerance=tolerance)
    return cert, signs, len(parts)


def _duals(arr: Arrangement, seed: int, count: int = 3) -> list[list[Fraction]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        num = rng.integers(-6, 7, size=arr.n_points)
        den = rng.integers(1, 5, size=arr.n_points)
        out.append([Fraction(int(a), int(b)) for a, b in zip(num, den, strict=True)])
    return out


BUNDLED = ["line7", "plane_degenerate", "plane_general", "space3", "iris20", "anscombe1"]


@pytest.mark.parametrize("name", BUNDLED)
def test_cones_certify_like_serial_bundled(name):
    arr = _load(name)
    serial_signs = np.asarray(arr.regions().hyperplane_signs)
    for k, dual in enumerate(_duals(arr, seed=len(name))):
        tol = "1/3" if k == 0 else None
        serial = certify(arr, dual, tol=tol)
        part, signs, n_cones = _by_cones(arr, dual, max(1, arr.n_regions // 5), tol)
        assert n_cones > 1
        _same(serial, part, serial_signs, signs)


def test_counterexample_dual_by_cones():
    # docs/theory.md 4.3: sup |eta|^2 = 1 exactly, two extreme points on chamber boundaries.
    from arrangement.core.io import load_dataset, load_vector

    ds = load_dataset(DATA / "counterexample.csv")
    arr = Arrangement.from_points(ds.points, dim=ds.n_features)
    dual = load_vector(DATA / "counterexample_dual.csv", length=arr.n_points, name="dual")
    serial = certify(arr, dual)
    assert serial.sup_norm_squared == 1 and len(serial.maximisers) == 2
    serial_signs = np.asarray(arr.regions().hyperplane_signs)
    for target in (1, 2, 3, 5):
        part, signs, _ = _by_cones(arr, dual, target)
        _same(serial, part, serial_signs, signs)


def test_cone_walls_are_needed():
    # Without the cone's hyperplanes as walls a cone's chambers look larger than they are: the
    # sup comes out too large, or a "maximiser" outside its chamber fails the exact check of
    # eta. Either way the reduction would be wrong; with the walls it is right (tests above).
    from arrangement.core.errors import SolverError

    arr = _load("plane_general")
    wrong = 0
    for dual in _duals(arr, seed=11, count=12):
        serial = certify(arr, dual)
        try:
            part, _, _ = _by_cones(arr, dual, arr.n_regions // 3, walls=False)
        except SolverError:
            wrong += 1
            continue
        assert part.sup_norm_squared >= serial.sup_norm_squared  # only ever too large
        wrong += part.sup_norm_squared != serial.sup_norm_squared
    assert wrong > 0


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda d: st.lists(
            st.lists(st.integers(-3, 3), min_size=d, max_size=d), min_size=1, max_size=8
        )
    ),
    st.data(),
    st.integers(1, 12),
)
def test_cones_certify_like_serial_random_degenerate(points, data, target):
    arr = Arrangement.from_points(points)
    dual = data.draw(
        st.lists(
            st.fractions(min_value=-3, max_value=3, max_denominator=4),
            min_size=arr.n_points,
            max_size=arr.n_points,
        )
    )
    tol = data.draw(st.sampled_from([None, Fraction(1, 2)]))
    serial = certify(arr, dual, tol=tol)
    part, signs, _ = _by_cones(arr, dual, target, tol)
    _same(serial, part, np.asarray(arr.regions().hyperplane_signs), signs)


# ---------------------------------------------------------------------------- Dask


def test_dask_certify_equals_serial(client):
    from arrangement.certificates.bounds import support_bounds
    from arrangement.certificates.precertificate import nondegeneracy
    from arrangement.distributed.partition import certify_distributed

    for name in ("plane_degenerate", "iris20"):
        ref = _load(name)
        serial_signs = np.asarray(ref.regions().hyperplane_signs)
        for k, dual in enumerate(_duals(ref, seed=3, count=2)):
            tol = "1/4" if k else None
            serial = certify(ref, dual, tol=tol)
            arr = _load(name)  # holds no chambers: partitioned order
            report = []
            part = certify_distributed(
                arr, dual, client, tol=tol, chunk=max(1, ref.n_regions // 5), report=report
            )
            assert report[0].cones > 1 and report[0].chambers == ref.n_regions
            signs = np.concatenate(
                [
                    enumerate_cone(plan, cone)[0]
                    for plan in [Plan(arr.normal_matrix(), arr.dimension)]
                    for cone in _dask_cones(arr, client, max(1, ref.n_regions // 5))
                ]
            )
            _same(serial, part, serial_signs, signs)
            # Nothing downstream enumerates the chambers in one process.
            assert part.n_chambers == ref.n_regions
            part.to_dict()
            nondegeneracy(part)
            support_bounds(arr, certificate=part)
            assert "regions" not in arr._cache
            if k:
                continue
            # With the chambers held, the indices are the serial ones: equal certificates.
            held = _load(name)
            held.regions()
            again = certify_distributed(held, dual, client, tol="1/4", chunk=7)
            serial = certify(held, dual, tol="1/4")
            assert again.sup_norm_squared == serial.sup_norm_squared
            assert again.maximisers == serial.maximisers
            assert again.near_maximisers == serial.near_maximisers


def _dask_cones(arr: Arrangement, client, chunk: int):
    from arrangement.distributed.partition import _workers, plan_cones

    return plan_cones(arr, workers=_workers(client), chunk=chunk)[1]


def test_cli_certify_workers_and_scheduler(client, capsys):
    data, dual = DATA / "counterexample.csv", DATA / "counterexample_dual.csv"
    code, out, err = run(capsys, "certify", data, "--dual", dual, "--json")
    assert code == 0
    want = json.loads(out)
    address = client.scheduler.address
    code, out, err = run(capsys, "certify", data, "--dual", dual, "--json", "--scheduler", address)
    assert code == 0 and err == ""
    got = json.loads(out)
    for key in ("sup_norm_squared", "valid", "n_chambers", "support_bound", "unique"):
        assert got[key] == want[key]
    strip = [{k: v for k, v in e.items() if k != "chambers"} for e in want["maximisers"]]
    assert [{k: v for k, v in e.items() if k != "chambers"} for e in got["maximisers"]] == strip
    assert [len(e["chambers"]) for e in got["maximisers"]] == [
        len(e["chambers"]) for e in want["maximisers"]
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        (["--workers", "0"], ["--workers must be a positive integer", "'0'"]),
        (["--workers", "-2"], ["--workers must be a positive integer"]),
        (["--scheduler", "tcp://127.0.0.1:PORT"], ["cannot reach the Dask scheduler"]),
    ],
)
@pytest.mark.parametrize("command", ["certify", "stats"])
def test_bad_cluster_options_one_line(capsys, extra, fragments, command):
    extra = [e.replace("PORT", str(_free_port())) for e in extra]
    args = [command, DATA / "counterexample.csv", *extra]
    if command == "certify":
        args += ["--dual", DATA / "counterexample_dual.csv"]
    code, out, err = run(capsys, *args)
    assert code == 1 and out == ""
    assert_one_line_error(err, *fragments)


def test_cli_stats_counts_by_cones(client, capsys):
    address = client.scheduler.address
    for name in ("plane_degenerate", "iris20"):
        data = DATA / f"{name}.csv"
        code, out, _ = run(capsys, "stats", data, "--json")
        assert code == 0
        want = json.loads(out)
        code, out, err = run(capsys, "stats", data, "--json", "--scheduler", address)
        assert code == 0 and err == ""
        got = json.loads(out)
        for key in ("n_regions", "characteristic_polynomial", "support_bound", "rank"):
            assert got[key] == want[key]
        assert got["f_vector"] is None and got["graph"] is None
        assert got["checks"] == {"zaslavsky": True, "chi_at_one": True, "cover": True}
    code, out, err = run(capsys, "stats", DATA / "iris20.csv", "--scheduler", address)
    assert code == 0 and "needs every chamber in one process" in out
    assert "Zaslavsky, Cover: all hold" in out


def test_recorded_count_is_checked_against_the_enumeration():
    from arrangement.core.errors import ArrangementError

    arr = _load("line7")
    arr.record_region_count(arr.n_regions)  # held and equal: fine
    fresh = _load("line7")
    fresh.record_region_count(13)
    assert fresh.n_regions == 13  # not enumerated
    with pytest.raises(ArrangementError, match="internal check failed"):
        fresh.regions()
