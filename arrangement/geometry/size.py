"""Size before work: how many chambers an enumeration will produce, and what holding them costs.

Every command that enumerates chambers first asks :func:`estimate_chambers`, which never
enumerates:

* rank ``rho <= 2``: the count is exact (2 chambers for one hyperplane class, ``2 n`` lines);
* a small arrangement (few flats): the exact count ``r = sum_X |mu(X)|`` (Zaslavsky) from the
  intersection lattice;
* otherwise Cover's number ``2 sum_{i < rho} C(n - 1, i)``: the exact count when the normals are
  in general position, and an upper bound for every central arrangement of ``n`` distinct
  hyperplanes of rank ``rho`` (deletion-restriction: ``r(A) = r(A - H) + r(A^H)`` and both terms
  are bounded by the same recursion with ``n - 1``).

:func:`check_budget` then refuses (one clear line, :class:`BudgetError`) a run above the chamber
budget, or one whose result would not fit the memory budget when it must be held at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import TYPE_CHECKING

from arrangement.core.errors import ArrangementError

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "DEFAULT_MAX_CHAMBERS",
    "DEFAULT_MAX_MEMORY",
    "STREAM_ADVICE",
    "BudgetError",
    "SizeEstimate",
    "check_budget",
    "cover_number",
    "estimate_chambers",
    "flat_bound",
]

#: Default chamber budget (``--max-chambers``).
DEFAULT_MAX_CHAMBERS = 10**7
#: Default budget in bytes for results held in memory at once (``--max-memory``, in GiB).
DEFAULT_MAX_MEMORY = 4 * 2**30

#: Above this many candidate flats the lattice is not "cheap" and Cover's bound is used.
_LATTICE_LIMIT = 3000


class BudgetError(ArrangementError):
    """An enumeration refused before it started: it is larger than the budget allows."""


def cover_number(n: int, rank: int) -> int:
    """``2 sum_{i < rank} C(n - 1, i)``: chambers of ``n`` central hyperplanes in general position.

    Examples
    --------
    >>> cover_number(3, 3), cover_number(4, 2), cover_number(0, 3)
    (8, 8, 1)
    """
    if n == 0:
        return 1
    return 2 * sum(comb(n - 1, i) for i in range(rank))


def flat_bound(n: int, rank: int) -> int:
    """``1 + sum_{k < rank} C(n, k)``: an upper bound on the flats of ``n`` central hyperplanes.

    A flat of rank ``k`` is the intersection of ``k`` independent hyperplanes containing it, so
    there are at most ``C(n, k)`` of them, and exactly one of the top rank; the bound is exact
    when the normals are in general position.

    Examples
    --------
    >>> flat_bound(3, 2), flat_bound(3, 3), flat_bound(0, 0)
    (5, 8, 1)
    """
    return 1 + sum(comb(n, k) for k in range(rank))


@dataclass(frozen=True, slots=True)
class SizeEstimate:
    """The size of a chamber enumeration, known before it runs.

    Attributes
    ----------
    chambers : int
        The number of chambers (``exact``) or an upper bound on it.
    exact : bool
        Whether ``chambers`` is the exact count.
    method : str
        How it was obtained.
    n_hyperplanes, n_rows, dimension : int
        ``n``, ``N`` and ``D``.
    """

    chambers: int
    exact: bool
    method: str
    n_hyperplanes: int
    n_rows: int
    dimension: int

    @property
    def bytes_per_chamber(self) -> int:
        """Bytes to hold one chamber: signs per hyperplane and per row, a 64-bit witness."""
        return self.n_hyperplanes + self.n_rows + 8 * self.dimension + 16

    @property
    def memory(self) -> int:
        """Bytes to hold every chamber at once."""
        return self.chambers * self.bytes_per_chamber

    def describe(self) -> str:
        """One line: ``559,904 chambers (exact: general position), 310 MiB to hold``."""
        what = "exactly" if self.exact else "at most"
        return (
            f"{what} {self.chambers:,} chambers ({self.method}); "
            f"{_human(self.memory)} to hold them all"
        )


def _human(nbytes: int) -> str:
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{nbytes} B"  # pragma: no cover


def estimate_chambers(arr: Arrangement) -> SizeEstimate:
    """The number of chambers of ``arr`` (exact when cheap, else an upper bound); no enumeration.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> est = estimate_chambers(Arrangement.from_points([[0], [1], [2]]))
    >>> est.chambers, est.exact
    (6, True)
    """
    n, rho = arr.n_hyperplanes, arr.rank
    shape = (n, arr.n_points, arr.dimension)
    if n == 0 or rho <= 2:
        count = 1 if n == 0 else (2 if rho == 1 else 2 * n)
        return SizeEstimate(count, True, f"rank {rho}", *shape)
    if comb(n, rho - 1) <= _LATTICE_LIMIT:
        from arrangement.geometry.lattice import flats

        count = sum(abs(f.mobius) for f in flats(arr))
        return SizeEstimate(count, True, "intersection lattice", *shape)
    return SizeEstimate(
        cover_number(n, rho), False, "Cover's number, exact in general position", *shape
    )


#: What to do about a refusal, when the caller does not say (``check_budget``).
STREAM_ADVICE = "'regions --format parquet -o DIR' streams the chambers; several cores: --workers K"


def check_budget(
    est: SizeEstimate,
    *,
    max_chambers: int = DEFAULT_MAX_CHAMBERS,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
    advice: str = STREAM_ADVICE,
) -> None:
    """Refuse an enumeration above the budget, before any work.

    Parameters
    ----------
    est : SizeEstimate
    max_chambers : int, optional
        Largest number of chambers allowed (an upper bound above it refuses too: raise the budget
        when the bound is known to be loose).
    max_memory : int or None, optional
        Bytes available to hold the result at once; ``None`` when the result is streamed.
    advice : str, optional
        The way around the refusal that the running command offers, ending the line.

    Raises
    ------
    BudgetError
        With one line that names the size, the budget and the way around it.
    """
    what = "" if est.exact else "up to "
    if est.chambers > max_chambers:
        raise BudgetError(
            f"{what}{est.chambers:,} chambers exceed the budget --max-chambers {max_chambers:,}; "
            f"raise it to go on ({advice})"
        )
    if max_memory is not None and est.memory > max_memory:
        raise BudgetError(
            f"{what}{est.chambers:,} chambers need {_human(est.memory)} in memory, more than "
            f"--max-memory {max_memory / 2**30:g} GiB; {advice}"
        )
