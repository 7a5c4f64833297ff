"""Shared helpers of the experiment scripts (paths, datasets, markdown tables).

Each experiment is one script in this directory that regenerates its markdown page, its table
and its figure with one command, for example ``python docs/experiments/sparsity.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # run from a source checkout without installing
    sys.path.insert(0, str(ROOT))

__all__ = ["HERE", "ROOT", "Timer", "lam_max", "markdown_table", "rational", "write_page"]


def rational(x: float, digits: int = 6) -> Fraction:
    """A short exact rational close to ``x`` (``digits`` significant decimal digits)."""
    from arrangement.core.numbers import as_fraction

    return as_fraction(f"{x:.{digits}g}")


def lam_max(arr: Any, y: Sequence[Any]) -> float:
    """``sup_theta |<phi(theta), y>|``: ``mu = 0`` solves ``P_lam`` iff ``lam >= lam_max``.

    ``mu = 0`` is optimal iff ``p = y / lam`` is a valid certificate, i.e. iff
    ``sup |eta_y| <= lam``; ``sup |eta_y|^2`` is computed exactly by the certificate code.
    """
    from arrangement.certificates.certificate import certify

    return float(certify(arr, y).sup_norm_squared) ** 0.5


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_page(name: str, text: str) -> Path:
    """Write ``docs/experiments/<name>.md`` and say so."""
    from arrangement.core.atomic import atomic_open

    path = HERE / f"{name}.md"
    with atomic_open(path) as fh:  # a failed run leaves the previous page
        fh.write(text.rstrip() + "\n")
    print(f"wrote {path.relative_to(ROOT)}")
    return path


class Timer:
    """Wall-clock seconds since creation."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.start
