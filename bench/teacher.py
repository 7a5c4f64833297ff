"""Benchmark data for the solver: random points, labels from a 3-neuron ReLU teacher plus noise.

``teacher_data(n, d, seed)`` returns ``(x, y)`` as exact decimals (strings with 3 decimals for
``x``, 4 for ``y``), so every run and every peer sees the same rational data. The points are
standard normal; the teacher is ``f(x) = sum_j a_j relu(<w_j, x> + b_j)`` with ``w_j`` standard
normal, ``b_j`` uniform in ``[-1/2, 1/2]`` and ``a_j = (+1, -1, +1/2)``; the noise is normal with
standard deviation ``0.1``. Standard library only (``random.Random(seed)``).
"""

from __future__ import annotations

import random

__all__ = ["teacher_data", "write_csv"]

#: Output weights of the three teacher neurons.
TEACHER_AMPLITUDES = (1.0, -1.0, 0.5)
#: Standard deviation of the label noise.
NOISE = 0.1


def teacher_data(n: int, d: int, seed: int) -> tuple[list[list[str]], list[str]]:
    """``n`` points in ``R^d`` and their labels, as exact decimal strings."""
    rng = random.Random(seed)
    x = [[rng.gauss(0.0, 1.0) for _ in range(d)] for _ in range(n)]
    x = [[round(v, 3) for v in row] for row in x]
    neurons = [
        ([rng.gauss(0.0, 1.0) for _ in range(d)], rng.uniform(-0.5, 0.5))
        for _ in TEACHER_AMPLITUDES
    ]
    y = []
    for row in x:
        f = sum(
            a * max(0.0, sum(wi * xi for wi, xi in zip(w, row, strict=True)) + b)
            for a, (w, b) in zip(TEACHER_AMPLITUDES, neurons, strict=True)
        )
        y.append(round(f + rng.gauss(0.0, NOISE), 4))
    return [[f"{v:.3f}" for v in row] for row in x], [f"{v:.4f}" for v in y]


def write_csv(path: str, x: list[list[str]], y: list[str]) -> None:
    """Write the data as a CSV file with columns ``x1..xd, y``."""
    d = len(x[0]) if x else 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join([*(f"x{k + 1}" for k in range(d)), "y"]) + "\n")
        for row, label in zip(x, y, strict=True):
            fh.write(",".join([*row, label]) + "\n")
