"""The package against an oracle that shares no code with it (``tests/exact_oracle.py``).

``tests/oracle.py`` is independent of the package's code but leans on pycddlib and python-flint,
and the package itself uses python-flint; ``exact_oracle`` uses nothing but ``Fraction``
(Fourier-Motzkin for chambers, all faces of all cones for certificates). Issue 12, item 9.
"""

from __future__ import annotations

import random
from fractions import Fraction

import exact_oracle
import pytest

from arrangement.certificates.certificate import certify
from arrangement.core.io import data_dir, load_dataset, load_vector
from arrangement.geometry.arrangement import Arrangement


def _random_points(rng: random.Random, n: int, d: int) -> list[list[Fraction]]:
    pts = [
        [Fraction(rng.randint(-3, 3), rng.choice((1, 1, 2))) for _ in range(d)] for _ in range(n)
    ]
    if n > 2 and rng.random() < 0.4:  # a repeated point: two rows, one hyperplane
        pts[-1] = list(pts[0])
    return pts


CASES = [(seed, n, d) for seed in range(6) for n, d in ((3, 1), (4, 1), (4, 2), (5, 2))]


@pytest.mark.parametrize(("seed", "n", "d"), CASES)
def test_chambers_match_fourier_motzkin(seed: int, n: int, d: int) -> None:
    pts = _random_points(random.Random(seed), n, d)
    arr = Arrangement.from_points(pts, dim=d)
    got = {tuple(int(v) for v in s) for s in arr.regions().signs.tolist()}
    assert got == exact_oracle.chambers(exact_oracle.augment(pts))


@pytest.mark.parametrize(("seed", "n", "d"), CASES)
def test_certificate_matches_face_enumeration(seed: int, n: int, d: int) -> None:
    rng = random.Random(1000 + seed)
    pts = _random_points(rng, n, d)
    p = [Fraction(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(n)]
    cert = certify(Arrangement.from_points(pts, dim=d), p)
    sup, where = exact_oracle.sup_eta_squared(exact_oracle.augment(pts), p)
    assert cert.sup_norm_squared == sup
    assert {(m.sign, tuple(m.direction)) for m in cert.maximisers} == where


def test_counterexample_against_the_oracle() -> None:
    """THEORY 4.3: sup |eta|^2 = 1, at (-1295, -420, -144) (eta = +1) and (1295, -420, -144)."""
    data = load_dataset(data_dir() / "counterexample.csv")
    p = load_vector(data_dir() / "counterexample_dual.csv", length=4, name="p")
    sup, where = exact_oracle.sup_eta_squared(exact_oracle.augment(data.points), p)
    assert sup == 1
    assert where == {(1, (-1295, -420, -144)), (-1, (1295, -420, -144))}
    cert = certify(Arrangement.from_points(data.points), p)
    assert cert.sup_norm_squared == sup
    assert {(m.sign, tuple(m.direction)) for m in cert.maximisers} == where


def test_oracle_knows_cover_count() -> None:
    """The oracle itself against a closed form: 4 points in general position in the plane."""
    rows = exact_oracle.augment([[0, 0], [1, 0], [0, 1], [2, 3]])
    assert len(exact_oracle.chambers(rows)) == 2 * (1 + 3 + 3)  # Cover: 2 sum_{k<=2} C(3, k)
