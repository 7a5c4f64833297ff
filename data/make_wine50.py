"""Regenerate ``wine50_raw.csv`` and ``wine50.csv`` from the UCI Wine data (see README.md).

Usage::

    pip download scikit-learn --no-deps -d /tmp/skl      # the wheel bundles a copy of UCI Wine
    unzip -o /tmp/skl/scikit_learn-*.whl 'sklearn/datasets/data/wine_data.csv' -d /tmp/skl
    python data/make_wine50.py /tmp/skl/sklearn/datasets/data/wine_data.csv

The first 25 wines of cultivar 1 (``class_0``, label ``y = 1``) and the first 25 of cultivar 2
(``class_1``, ``y = -1``), in file order; features ``alcohol`` and ``proline``. ``wine50_raw.csv``
holds the measured values as published; ``wine50.csv`` the same rows standardised over these 50
rows (mean 0, population standard deviation 1), rounded to 3 decimals (exact decimals, so the
arrangement is computed on exactly the numbers in the file). Nothing is downloaded at run time.
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

FEATURES = {"alcohol": 0, "proline": 12}
PER_CLASS = 25
LABELS = {"0": 1, "1": -1}


def main(source: str) -> None:
    """Write the two CSV files next to this script from ``source`` (sklearn's wine_data.csv)."""
    getcontext().prec = 50
    with open(source, newline="") as fh:
        rows = list(csv.reader(fh))[1:]  # the first line is "178,13,class_0,class_1,class_2"
    picked: list[list[str]] = []
    for cls in LABELS:
        picked += [r for r in rows if r[-1] == cls][:PER_CLASS]
    here = Path(__file__).resolve().parent
    with open(here / "wine50_raw.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([*FEATURES, "y"])
        for r in picked:
            w.writerow([r[j] for j in FEATURES.values()] + [LABELS[r[-1]]])
    columns = []
    for j in FEATURES.values():
        x = [Fraction(r[j]) for r in picked]
        mean = sum(x, Fraction(0)) / len(x)
        var = sum(((v - mean) ** 2 for v in x), Fraction(0)) / len(x)
        std = (Decimal(var.numerator) / Decimal(var.denominator)).sqrt()
        columns.append(
            [
                (Decimal((v - mean).numerator) / Decimal((v - mean).denominator) / std).quantize(
                    Decimal("0.001")
                )
                for v in x
            ]
        )
    with open(here / "wine50.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([*FEATURES, "y"])
        for k, r in enumerate(picked):
            w.writerow([str(c[k]) for c in columns] + [LABELS[r[-1]]])


if __name__ == "__main__":
    main(sys.argv[1])
