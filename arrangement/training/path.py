"""The regularisation path: ``P_lam`` for a decreasing sequence of ``lam`` from ``lam_max``.

Each point is solved by the working-set method warm-started from the previous point's working
set, and certified exactly (see :mod:`arrangement.training.working_set`). The first point is
``lam_max`` itself (rounded up to a rational, so the zero measure is exactly optimal there).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from arrangement.core.errors import InputError
from arrangement.core.numbers import as_fraction, fraction_str

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.training.solution import Solution

__all__ = ["PathPoint", "lam_grid", "regularization_path", "sqrt_upper"]


@dataclass(frozen=True, slots=True)
class PathPoint:
    """One point of the path: ``lam`` and its certified solution.

    Attributes
    ----------
    lam : Fraction
        The regularisation weight (exact).
    solution : Solution
        The certified working-set solution at ``lam``.
    seconds : float
        Wall-clock seconds of this point.
    """

    lam: Fraction
    solution: Solution
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: lam, objective, certified bound and gap, atoms, support bounds."""
        sol = self.solution
        bound = sol.support_bound
        return {
            "lam": fraction_str(self.lam),
            "lam_float": float(self.lam),
            "objective": sol.objective,
            "lower_bound": None if sol.lower_bound is None else fraction_str(sol.lower_bound),
            "relative_gap": sol.relative_gap,
            "optimal": sol.optimal,
            "n_atoms": sol.n_atoms,
            "n_positive": bound.n_positive,
            "n_negative": bound.n_negative,
            "bound_per_sign": bound.per_sign,
            "bound_total": bound.total,
            "working_set": len(sol.working_set),
            "seconds": self.seconds,
        }


def sqrt_upper(q: Fraction, digits: int = 12) -> Fraction:
    """A rational ``s >= sqrt(q)`` within ``10^-digits`` relative, decided exactly.

    Examples
    --------
    >>> s = sqrt_upper(Fraction(2)); s * s >= 2, round(float(s), 9)
    (True, 1.414213562)
    """
    if q <= 0:
        return Fraction(0)
    # sqrt(a/b) = sqrt(a b) / b; scale so the integer square root has enough digits
    a, b = q.numerator, q.denominator
    shift = max(0, 2 * digits - (len(str(a * b)) // 2) * 2 + 2)
    n = a * b * 10 ** (2 * shift)
    root = math.isqrt(n)
    if root * root < n:
        root += 1
    out = Fraction(root, b * 10**shift)
    out = out.limit_denominator(10**digits) if out.denominator > 10**digits else out
    while out * out < q:  # limit_denominator may round down
        out += Fraction(1, 10**digits)
    return out


def lam_grid(lam_max_sq: Fraction, n_lam: int, lam_min_ratio: Any) -> list[Fraction]:
    """``n_lam`` exact values, geometric from ``lam_max`` (rounded up) to ``ratio * lam_max``."""
    if not isinstance(n_lam, int) or n_lam < 1:
        raise InputError(f"n_lam must be a positive integer, got {n_lam}")
    ratio = as_fraction(lam_min_ratio)
    if not 0 < ratio < 1:
        raise InputError(f"lam_min_ratio must be in (0, 1), got {fraction_str(ratio)}")
    top = _decimal_up(lam_max_sq)
    if n_lam == 1:
        return [top]
    step = float(ratio) ** (1.0 / (n_lam - 1))
    out = [top]
    for k in range(1, n_lam):
        out.append(Fraction(f"{float(top) * step**k:.6g}"))  # 6 significant digits
    return out


def _decimal_up(q: Fraction) -> Fraction:
    """The smallest 6-significant-digit decimal ``s`` with ``s^2 >= q`` (exact check)."""
    s = sqrt_upper(q)
    top = Fraction(f"{float(s):.6g}")
    exp = math.floor(math.log10(float(top))) if top > 0 else 0
    unit = Fraction(10) ** (exp - 5)
    while top * top < q:
        top += unit
    return top


def regularization_path(
    arr: Arrangement,
    y: Sequence[Any],
    *,
    n_lam: int = 20,
    lam_min_ratio: Any = "1/1000",
    progress: Callable[[PathPoint], None] | None = None,
    **options: Any,
) -> tuple[PathPoint, ...]:
    """Solve ``P_lam`` along a geometric grid of ``lam`` from ``lam_max`` down.

    Parameters
    ----------
    arr : Arrangement
    y : sequence of numbers
        One label per input row.
    n_lam : int, optional
        Number of points (``>= 1``).
    lam_min_ratio : number, optional
        The last ``lam`` is ``lam_min_ratio * lam_max`` (in ``(0, 1)``).
    progress : callable, optional
        Called with each :class:`PathPoint` when it is done.
    **options
        Further keyword arguments of :func:`arrangement.training.solve` (not ``lam``,
        ``interpolate`` or ``start``).

    Returns
    -------
    tuple of PathPoint
        In decreasing ``lam``; the optimal values decrease along it.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> pts = regularization_path(Arrangement.from_points([[0], [1], [2]]), [1, 0, 1], n_lam=3)
    >>> [p.solution.n_atoms for p in pts][0], all(p.solution.optimal for p in pts)
    (0, True)
    """
    from arrangement.training.solve import lam_max_squared, solve

    for bad in ("lam", "interpolate", "start"):
        if bad in options:
            raise InputError(f"regularization_path chooses {bad} itself")
    grid = lam_grid(lam_max_squared(arr, y), n_lam, lam_min_ratio)
    out: list[PathPoint] = []
    start: tuple[int, ...] | None = None
    for lam in grid:
        t0 = time.perf_counter()
        sol = solve(arr, y, lam=lam, start=start, **options)
        if sol.working_set:
            start = sol.working_set
        point = PathPoint(lam, sol, time.perf_counter() - t0)
        out.append(point)
        if progress is not None:
            progress(point)
    return tuple(out)
