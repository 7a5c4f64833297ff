"""Badly scaled data: detection and an exact standardisation with predictions in original units.

The solver works in floating point on the augmented rows ``(x_i, 1)``. When a feature is far
from centred compared with its spread (years 1871-1910 as ``x``), the hyperplanes are nearly
parallel, the cone blocks are thin slivers and the interior-point method loses accuracy. The
remedy is to centre and scale the features; the transformation is exact (rational), reported,
and :meth:`Standardization.apply` maps new points the same way, so predictions are in the
original units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.numbers import readable

__all__ = ["Standardization", "scale_problem", "standardize"]

#: A feature whose |mean| exceeds this many spreads is reported as badly scaled.
OFF_CENTRE = 20


@dataclass(frozen=True, slots=True)
class Standardization:
    """``x' = (x - centre) / scale`` per feature, with exact rational centre and scale.

    Attributes
    ----------
    centre, scale : tuple of Fraction
        One per feature; ``scale > 0`` (the standard deviation rounded to 6 significant digits).
    names : tuple of str
        Feature names, for the report.
    """

    centre: tuple[Fraction, ...]
    scale: tuple[Fraction, ...]
    names: tuple[str, ...] = ()

    def apply(self, x: Any) -> np.ndarray:
        """The transformation on float points ``(n, d)`` (for predictions)."""
        pts = np.atleast_2d(np.asarray(x, dtype=float))
        c = np.array([float(v) for v in self.centre])
        s = np.array([float(v) for v in self.scale])
        out: np.ndarray = (pts - c[None, :]) / s[None, :]
        return out

    def apply_exact(self, rows: Sequence[Sequence[Fraction]]) -> list[list[Fraction]]:
        """The transformation in exact arithmetic."""
        return [
            [(v - c) / s for v, c, s in zip(row, self.centre, self.scale, strict=True)]
            for row in rows
        ]

    def describe(self) -> str:
        """One line: ``x1 -> (x1 - 1890.5) / 11.69, ...``."""
        names = self.names or tuple(f"x{k + 1}" for k in range(len(self.centre)))
        parts = [
            f"{n} -> ({n} - {readable(c)}) / {float(s):.6g}"  # s has 6 digits: exact
            for n, c, s in zip(names, self.centre, self.scale, strict=True)
        ]
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (exact values as strings)."""
        from arrangement.core.numbers import fraction_str

        return {
            "centre": [fraction_str(v) for v in self.centre],
            "scale": [fraction_str(v) for v in self.scale],
            "names": list(self.names),
        }


def _round_sig(x: float, digits: int = 6) -> Fraction:
    return Fraction(f"{x:.{digits - 1}e}")


def standardize(
    points: Sequence[Sequence[Fraction]], *, names: Sequence[str] = ()
) -> Standardization:
    """The standardisation of ``points``: exact mean, standard deviation to 6 digits.

    Raises
    ------
    InputError
        If a feature is constant (it has no spread to scale by).

    Examples
    --------
    >>> st = standardize([[Fraction(1871)], [Fraction(1872)], [Fraction(1873)]], names=["year"])
    >>> st.describe()
    'year -> (year - 1872) / 0.816497'
    """
    rows = [list(r) for r in points]
    if not rows:
        raise InputError("no data rows to standardise")
    d = len(rows[0])
    n = len(rows)
    centre = []
    scale = []
    labels = tuple(names) if names else tuple(f"x{k + 1}" for k in range(d))
    for k in range(d):
        col = [r[k] for r in rows]
        mean = sum(col, Fraction(0)) / n
        var = sum(((v - mean) ** 2 for v in col), Fraction(0)) / n
        if var == 0:
            raise InputError(f"--standardize: feature {labels[k]!r} is constant")
        centre.append(mean.limit_denominator(10**6) if mean.denominator > 10**6 else mean)
        scale.append(_round_sig(float(var) ** 0.5))
    return Standardization(tuple(centre), tuple(scale), labels)


def scale_problem(points: Sequence[Sequence[Fraction]], names: Sequence[str] = ()) -> str | None:
    """One line when a feature is far off-centre compared with its spread, else ``None``."""
    rows = [list(r) for r in points]
    if len(rows) < 2:
        return None
    d = len(rows[0])
    labels = tuple(names) if names else tuple(f"x{k + 1}" for k in range(d))
    for k in range(d):
        col = [r[k] for r in rows]
        lo, hi = min(col), max(col)
        mean = sum(col, Fraction(0)) / len(col)
        spread = hi - lo
        if spread > 0 and abs(mean) > OFF_CENTRE * spread:
            return (
                f"feature {labels[k]!r} is badly scaled (values {readable(lo)} to "
                f"{readable(hi)}, far from 0 compared with their spread): the float solver "
                "loses accuracy; use --standardize"
            )
    return None
