"""Chambers of an arrangement: a columnar collection that yields small immutable values on demand.

A :class:`Regions` object stores the sign vectors of all chambers as one ``int8`` array and the
witnesses as one integer array, so millions of chambers do not become millions of Python
objects; indexing or iterating builds a :class:`Chamber` only when asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import overload

import numpy as np

__all__ = ["Chamber", "Regions"]


@dataclass(frozen=True, slots=True)
class Chamber:
    """One chamber (open region) of the arrangement.

    Attributes
    ----------
    index : int
        Position of the chamber in its :class:`Regions` collection.
    signs : tuple of int
        Sign (+1/-1) of the chamber on every distinct hyperplane, in hyperplane order.
    row_signs : tuple of int
        Sign of ``<theta, xt_i>`` on the chamber for every input row ``i`` (provenance).
    witness : tuple of int
        A primitive integer vector strictly inside the chamber (every sign verified exactly).
    pattern : tuple of int
        The activation pattern: the 0-based input rows with ``<theta, xt_i> > 0``. The dual
        region of this pattern is the chamber plus some of its boundary faces.
    """

    index: int
    signs: tuple[int, ...]
    row_signs: tuple[int, ...]
    witness: tuple[int, ...]
    pattern: tuple[int, ...]

    def witness_fractions(self) -> tuple[Fraction, ...]:
        """The witness as a tuple of :class:`~fractions.Fraction`."""
        return tuple(Fraction(x) for x in self.witness)


class Regions(Sequence[Chamber]):
    """The chambers of an arrangement, stored column-wise.

    Parameters
    ----------
    signs : numpy.ndarray
        ``int8`` array ``(r, n)``: the sign vector of every chamber on the ``n`` hyperplanes.
    witnesses : numpy.ndarray
        Integer array ``(r, D)`` of interior points.
    row_to_hyperplane : sequence of int
        For every input row, its hyperplane.
    row_orientation : sequence of int
        For every input row, +1 if ``xt_i`` is a positive multiple of its hyperplane's normal.
    """

    __slots__ = ("_row_signs", "_signs", "_witnesses", "_rows", "_orient")

    def __init__(
        self,
        signs: np.ndarray,
        witnesses: np.ndarray,
        row_to_hyperplane: Sequence[int],
        row_orientation: Sequence[int],
    ) -> None:
        self._signs = signs
        self._signs.setflags(write=False)
        self._witnesses = witnesses
        self._witnesses.setflags(write=False)
        self._rows = np.asarray(row_to_hyperplane, dtype=np.int64)
        self._orient = np.asarray(row_orientation, dtype=np.int8)
        self._row_signs: np.ndarray | None = None

    @property
    def signs(self) -> np.ndarray:
        """Read-only ``int8`` array ``(r, n)`` of sign vectors per hyperplane."""
        return self._signs

    @property
    def witnesses(self) -> np.ndarray:
        """Read-only integer array ``(r, D)`` of primitive interior points."""
        return self._witnesses

    def row_signs(self) -> np.ndarray:
        """Read-only ``int8`` array ``(r, N)``: the sign of every chamber on every input row."""
        if self._row_signs is None:
            rs = self._signs[:, self._rows] * self._orient[None, :]
            rs.setflags(write=False)
            self._row_signs = rs
        return self._row_signs

    def __len__(self) -> int:
        return int(self._signs.shape[0])

    @overload
    def __getitem__(self, k: int) -> Chamber: ...

    @overload
    def __getitem__(self, k: slice) -> list[Chamber]: ...

    def __getitem__(self, k: int | slice) -> Chamber | list[Chamber]:
        """Return chamber ``k`` (a :class:`Chamber`); slices give lists."""
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = int(k)
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        rs = self.row_signs()[k]
        return Chamber(
            index=k,
            signs=tuple(int(x) for x in self._signs[k]),
            row_signs=tuple(int(x) for x in rs),
            witness=tuple(int(x) for x in self._witnesses[k]),
            pattern=tuple(int(i) for i in np.flatnonzero(rs > 0)),
        )

    def __iter__(self) -> Iterator[Chamber]:
        for k in range(len(self)):
            yield self[k]

    def index_of(self, signs: Sequence[int]) -> int:
        """Position of the chamber with the given sign vector per hyperplane.

        Raises
        ------
        KeyError
            If no chamber has that sign vector.
        """
        key = np.asarray(signs, dtype=np.int8)
        hits = np.flatnonzero((self._signs == key[None, :]).all(axis=1))
        if hits.size == 0:
            raise KeyError(tuple(int(x) for x in key))
        return int(hits[0])

    def __repr__(self) -> str:
        return f"<Regions: {len(self)} chambers on {self._signs.shape[1]} hyperplanes>"
