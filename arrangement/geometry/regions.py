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

from arrangement.core.errors import InputError

__all__ = ["Chamber", "Regions"]


def _sign_vector(signs: Sequence[int], length: int) -> np.ndarray:
    """``signs`` as an ``int8`` array of ``length`` entries ``+1``/``-1`` (InputError otherwise)."""
    if isinstance(signs, str | bytes) or not isinstance(signs, Sequence | np.ndarray):
        raise InputError(f"signs must be a sequence of +1/-1, got {type(signs).__name__}")
    if len(signs) != length:
        raise InputError(f"signs has {len(signs)} entries, expected one per input row ({length})")
    out = np.empty(length, dtype=np.int8)
    for i, s in enumerate(signs):
        if isinstance(s, bool) or not isinstance(s, int | np.integer) or int(s) not in (1, -1):
            raise InputError(f"signs[{i}] must be +1 or -1, got {s!r}")
        out[i] = int(s)
    return out


@dataclass(frozen=True, slots=True)
class Chamber:
    """One chamber (open region) of the arrangement.

    Attributes
    ----------
    index : int
        Position of the chamber in its :class:`Regions` collection.
    hyperplane_signs : tuple of int
        Sign (+1/-1) of the chamber on every *distinct hyperplane*, in hyperplane order and in the
        orientation of the primitive normals (internal indexing; see
        :attr:`~arrangement.geometry.arrangement.Arrangement.row_to_hyperplane`).
    signs : tuple of int
        The activation signs: the sign of ``<theta, xt_i>`` on the chamber for every *input row*
        ``i``, in file order (``+1``: the neuron is active on ``x_i``).
    witness : tuple of int
        A primitive integer vector strictly inside the chamber (every sign verified exactly).
    pattern : tuple of int
        The activation pattern: the 0-based input rows with ``<theta, xt_i> > 0``. The dual
        region of this pattern is the chamber plus some of its boundary faces.
    """

    index: int
    hyperplane_signs: tuple[int, ...]
    signs: tuple[int, ...]
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
    def hyperplane_signs(self) -> np.ndarray:
        """Read-only ``int8`` array ``(r, n)``: sign vectors per distinct hyperplane."""
        return self._signs

    @property
    def witnesses(self) -> np.ndarray:
        """Read-only integer array ``(r, D)`` of primitive interior points."""
        return self._witnesses

    @property
    def signs(self) -> np.ndarray:
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
        rs = self.signs[k]
        return Chamber(
            index=k,
            hyperplane_signs=tuple(int(x) for x in self._signs[k]),
            signs=tuple(int(x) for x in rs),
            witness=tuple(int(x) for x in self._witnesses[k]),
            pattern=tuple(int(i) for i in np.flatnonzero(rs > 0)),
        )

    def __iter__(self) -> Iterator[Chamber]:
        for k in range(len(self)):
            yield self[k]

    def index_of(self, signs: Sequence[int]) -> int:
        """Position of the chamber with the given activation signs (one per input row).

        Parameters
        ----------
        signs : sequence of int
            ``+1`` or ``-1`` for every input row, as in :attr:`Chamber.signs`.

        Raises
        ------
        InputError
            If ``signs`` is not a sequence of ``N`` entries ``+1``/``-1``.
        KeyError
            If no chamber has that sign vector.
        """
        key = _sign_vector(signs, len(self._rows))
        hits = np.flatnonzero((self.signs == key[None, :]).all(axis=1))
        if hits.size == 0:
            raise KeyError(tuple(int(x) for x in key))
        return int(hits[0])

    def __repr__(self) -> str:
        return f"<Regions: {len(self)} chambers on {self._signs.shape[1]} hyperplanes>"
