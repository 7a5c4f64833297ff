"""Display coordinates for parameter-space pictures: an exact rescaling of badly scaled data.

Raw data far from the origin or spread over a tiny or huge range (years as ``x``, values near
``10^400``) give hyperplanes ``<theta, (x_i, 1)> = 0`` that are all nearly parallel: on the
sphere every great circle is squeezed into one black band. The picture is then drawn in the
coordinates of rescaled data ``x' = (x - c) / s`` (``c`` and ``s`` exact, short decimals). With
``M`` the matrix of ``(x, 1) -> (x', 1)``, the neuron drawn at the point ``theta'`` of the display
sphere is the raw neuron ``theta = M^T theta' / |M^T theta'|``: the map is a homeomorphism of the
sphere that keeps every chamber, face and sign (``<theta', M xt_i>`` and ``<theta, xt_i>`` have the
same sign), and the colours are the values of ``eta_p`` at the raw neuron, so nothing but the
positions changes. Every exact number is rescaled by powers of two before it becomes a float, so
data and dual vectors beyond the float range are drawn too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.linalg import scaled_floats
from arrangement.core.numbers import as_fraction
from arrangement.plot.common import _exponent

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = ["DisplayMap", "Rescale", "display_map"]

Rescale = Literal["auto", "always", "never"]

#: Raw data are drawn as they are when every feature lies in ``[-LIMIT, LIMIT]``, is spread over
#: at least ``1 / LIMIT`` and is not centred further than ``2 x`` its half-range from 0.
LIMIT = 8


def _nice(q: Fraction, digits: int = 2) -> Fraction:
    """``q > 0`` rounded to ``digits`` significant decimal digits, exactly (never 0)."""
    e = len(str(q.numerator)) - len(str(q.denominator))  # 10^(e-1) <= q < 10^(e+1)
    unit = Fraction(10) ** (e - digits)
    out = round(q / unit) * unit
    return out if out > 0 else unit


def _unit_floats(v: Sequence[Fraction]) -> np.ndarray:
    w = np.array(scaled_floats(list(v)), dtype=float)
    n = float(np.linalg.norm(w))
    if n == 0.0:
        raise InputError("a direction to mark is the zero vector")
    return w / n


@dataclass(frozen=True, slots=True, eq=False)
class DisplayMap:
    """Exact affine display coordinates ``x' = (x - centre) / scale`` of the data (per feature).

    Attributes
    ----------
    centre, scale : tuple of Fraction
        Per feature; ``(0, ..., 0)`` and ``(1, ..., 1)`` when the data are drawn as they are.
    rescaled : bool
        Whether the display differs from the raw coordinates.
    forced : bool
        Rescaled because some value is beyond what floats can draw (not only for looks).
    rows : numpy.ndarray
        ``(N, D)`` floats, the display rows ``z_i = M xt_i = (x_i', 1)``.
    normals : numpy.ndarray
        ``(n, D)`` floats, the display normal of each distinct hyperplane (``M n_h``, rescaled).
    """

    centre: tuple[Fraction, ...]
    scale: tuple[Fraction, ...]
    rescaled: bool
    forced: bool
    rows: np.ndarray
    normals: np.ndarray
    _back: np.ndarray  # M^T / 2^_back_exp, floats
    _back_exp: int

    def direction(self, exact: Sequence[Fraction]) -> np.ndarray:
        """The display unit vector of a raw direction (``M^-T theta``, normalised)."""
        th = [as_fraction(x) for x in exact]
        d = len(self.centre)
        out = [th[k] * self.scale[k] for k in range(d)]
        out.append(th[d] + sum((c * t for c, t in zip(self.centre, th, strict=False)), Fraction(0)))
        return _unit_floats(out)

    def eta(self, dual: Sequence[Fraction]) -> tuple[Any, int]:
        """A float evaluator of ``eta_p`` at display points, and its binary scale ``k``.

        ``f(thetas)`` returns ``eta_p(theta) * 2^-k`` at the raw unit neuron ``theta`` of each
        display point; ``k = 0`` unless the values would leave the float range.
        """
        p = [as_fraction(x) for x in dual]
        a = max((_exponent(x) for x in p if x), default=0)
        k = a - self._back_exp
        fold = 0 if abs(k) > 960 else k  # fold 2^k into the floats when it is in range
        shift = Fraction(2) ** (fold - a)
        pf = np.array([float(x * shift) for x in p], dtype=float)
        z, back = self.rows, self._back

        def f(thetas: np.ndarray) -> np.ndarray:
            t = np.asarray(thetas, dtype=float)
            flat = t.reshape(-1, t.shape[-1])
            num = np.maximum(flat @ z.T, 0.0) @ pf
            den = np.linalg.norm(flat @ back.T, axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                out = num / den
            return out.reshape(t.shape[:-1])

        return f, k - fold

    def describe(self, names: Sequence[str] | None = None) -> str:
        """``"x1' = (x1 - 9)/5, x2' = x2/2"`` (empty when not rescaled)."""
        if not self.rescaled:
            return ""
        parts = []
        for k, (c, s) in enumerate(zip(self.centre, self.scale, strict=True)):
            name = names[k] if names is not None else f"x{k + 1}" if len(self.centre) > 1 else "x"
            top = f"{name} - {_short(c)}" if c > 0 else f"{name} + {_short(-c)}" if c else name
            top = f"({top})" if c else top
            parts.append(f"{name}' = {top}" + (f" / {_short(s)}" if s != 1 else ""))
        return ", ".join(parts)


def _features(arr: Arrangement) -> list[list[Fraction]] | None:
    """The data points, or ``None`` for an arrangement given by its normals."""
    d = arr.dimension - 1
    if not arr.points or any(len(x) != d for x in arr.points):
        return None
    return [[as_fraction(v) for v in x] for x in arr.points]


def _short(q: Fraction) -> str:
    """A short decimal for a display constant (they are rounded to a few digits)."""
    d = Decimal(q.numerator) / Decimal(q.denominator)
    return format(d.normalize(), "g") if len(format(d.normalize(), "g")) <= 12 else format(d, ".4g")


def _in_float_range(values: Sequence[Fraction]) -> bool:
    return all(x == 0 or -900 < _exponent(x) < 900 for x in values)


def display_map(arr: Arrangement, *, rescale: Rescale = "auto") -> DisplayMap:
    """Choose display coordinates for a parameter-space picture of ``arr``.

    Parameters
    ----------
    arr : Arrangement
    rescale : {"auto", "always", "never"}
        ``"auto"``: rescale when the raw data are badly scaled (a feature outside
        ``[-8, 8]``, spread over less than ``1/8``, or centred more than twice its half-range away
        from 0); ``"always"``: rescale every feature to about ``[-1, 1]``; ``"never"``: draw the
        raw data, unless a value is beyond what floats can draw (then rescaling is forced).

    Returns
    -------
    DisplayMap

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> m = display_map(Arrangement.from_points([[1990], [2000], [2020]]))
    >>> m.rescaled, m.describe()
    (True, "x' = (x - 2005) / 15")
    >>> display_map(Arrangement.from_points([[0], [1]])).rescaled
    False
    """
    if rescale not in ("auto", "always", "never"):
        raise InputError(f"unknown rescale {rescale!r}: use 'auto', 'always' or 'never'")
    dim = arr.dimension
    pts = _features(arr)
    d = dim - 1
    centre = [Fraction(0)] * d
    scale = [Fraction(1)] * d
    forced = False
    if pts is not None and pts:
        flat = [v for x in pts for v in x]
        forced = not _in_float_range(flat)
        for k in range(d):
            col = [x[k] for x in pts]
            lo, hi = min(col), max(col)
            half = (hi - lo) / 2
            mid = (hi + lo) / 2
            big = max(abs(lo), abs(hi))
            bad = big > LIMIT or (half < Fraction(1, LIMIT)) or abs(mid) > 2 * half
            if rescale == "always" or forced or (rescale == "auto" and bad):
                s = _nice(half if half else (big if big else Fraction(1)))
                e = len(str(s.numerator)) - len(str(s.denominator))  # s ~ 10^e
                step = Fraction(10) ** (e - 2)
                centre[k] = round(mid / step) * step
                scale[k] = s
    rescaled = any(c != 0 for c in centre) or any(s != 1 for s in scale)
    # M maps (x, 1) to ((x - c)/s, 1); M^T theta' is the raw neuron of the display point theta'.
    mt: list[list[Fraction]] = [[Fraction(0)] * dim for _ in range(dim)]
    for k in range(d):
        mt[k][k] = 1 / scale[k]
        mt[d][k] = -centre[k] / scale[k]
    mt[d][d] = Fraction(1)
    g = max((_exponent(v) for row in mt for v in row if v), default=0)
    back = np.array([[float(v / Fraction(2) ** g) for v in row] for row in mt], dtype=float)

    def to_display(n: Sequence[Any]) -> list[Fraction]:
        q = [as_fraction(v) for v in n]
        return [(q[k] - centre[k] * q[d]) / scale[k] for k in range(d)] + [q[d]]

    try:
        rows = np.array(
            [[float(v) for v in to_display(xt)] for xt in arr.augmented], dtype=float
        ).reshape(arr.n_points, dim)
    except OverflowError:  # only for arrangements given by huge normals (no data to rescale)
        raise InputError(
            "the arrangement's rows are beyond the float range and cannot be drawn"
        ) from None
    normals = np.array([scaled_floats(to_display(n)) for n in arr.normals], dtype=float).reshape(
        len(arr.normals), dim
    )
    return DisplayMap(
        tuple(centre), tuple(scale), rescaled, forced and rescaled, rows, normals, back, g
    )
