"""What full-precision floats cost: enumeration on 17 significant digits against 3 decimals.

Standardised data written by numpy or pandas carry 17 significant digits (the shortest
round-trip decimal of a float64), and the toolkit reads them exactly; rounded to 3 decimals they
give the same picture at a fraction of the cost. This prints, for the bundled wine data and for
random Gaussian data, the chamber count and the enumeration time of both versions, and their
ratio (the figure quoted by the CLI's note on many significant digits).

Run: ``python bench/bench_digits.py``. Timings move with the machine's load.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from arrangement import Arrangement
from arrangement.core.io import data_dir, load_dataset, significant_digits


def _time(points: list[list[Fraction]] | np.ndarray, repeat: int = 3) -> tuple[float, int]:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        count = len(Arrangement.from_points(points).regions())
        best = min(best, time.perf_counter() - t0)
    return best, count


def cases() -> list[tuple[str, np.ndarray]]:
    raw = load_dataset(data_dir() / "wine50_raw.csv")
    x = np.array([[float(v) for v in row] for row in raw.points])
    wine = (x - x.mean(axis=0)) / x.std(axis=0)
    rng = np.random.default_rng(7)
    return [
        ("wine50 (d=2)", wine),
        ("gauss N=100 d=2", rng.standard_normal((100, 2))),
        ("gauss N=30 d=3", rng.standard_normal((30, 3))),
    ]


def main() -> None:
    head = ("case", "digits", "chambers", "17-digit s", "3-dec s", "ratio")
    print("{:>16} {:>6} {:>9} {:>10} {:>8} {:>6}".format(*head))
    for name, full in cases():
        rounded = np.round(full, 3)
        t_full, n_full = _time(full)
        t_round, n_round = _time(rounded)
        digits = significant_digits(full.tolist())
        print(
            f"{name:>16} {digits:>6} {n_full:>9} {t_full:>10.3f} {t_round:>8.3f} "
            f"{t_full / t_round:>5.1f}x  (3 decimals: {n_round} chambers)"
        )


if __name__ == "__main__":
    main()
