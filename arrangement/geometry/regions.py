"""Chambers of an arrangement: a columnar collection that yields small immutable values on demand.

A :class:`Regions` object stores the sign vectors of all chambers as one ``int8`` array and the
witnesses as one integer array, so millions of chambers do not become millions of Python
objects; indexing or iterating builds a :class:`Chamber` only when asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, overload

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.tables import exact_int_array, frame

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
        Integer array ``(r, D)`` of interior points (stored as ``int64`` when every value fits,
        checked exactly, else as Python integers in an ``object`` array).
    row_to_hyperplane : sequence of int
        For every input row, its hyperplane.
    row_orientation : sequence of int
        For every input row, +1 if ``xt_i`` is a positive multiple of its hyperplane's normal.
    row_names, weight_names : sequence of str, optional
        Column names for :meth:`to_pandas` (default ``r0..r{N-1}`` and ``w0..w{D-1}``).
    """

    __slots__ = ("_row_signs", "_signs", "_witnesses", "_rows", "_orient", "_names")

    def __init__(
        self,
        signs: np.ndarray,
        witnesses: np.ndarray,
        row_to_hyperplane: Sequence[int],
        row_orientation: Sequence[int],
        *,
        row_names: Sequence[str] | None = None,
        weight_names: Sequence[str] | None = None,
    ) -> None:
        self._signs = signs
        self._signs.setflags(write=False)
        if witnesses.dtype == object:  # int64 when every value fits, decided exactly
            witnesses = exact_int_array(witnesses)
        self._witnesses = witnesses
        self._witnesses.setflags(write=False)
        n_rows = len(row_to_hyperplane)
        dim = witnesses.shape[1] if witnesses.ndim == 2 else 0
        self._names = (
            tuple(row_names) if row_names is not None else tuple(f"r{i}" for i in range(n_rows)),
            tuple(weight_names) if weight_names is not None else tuple(f"w{j}" for j in range(dim)),
        )
        self._rows = np.asarray(row_to_hyperplane, dtype=np.int64)
        self._orient = np.asarray(row_orientation, dtype=np.int8)
        self._row_signs: np.ndarray | None = None

    @property
    def hyperplane_signs(self) -> np.ndarray:
        """Read-only ``int8`` array ``(r, n)``: sign vectors per distinct hyperplane."""
        return self._signs

    @property
    def witnesses(self) -> np.ndarray:
        """Read-only integer array ``(r, D)`` of primitive interior points.

        ``int64`` when every value fits (decided exactly), else ``object`` (Python integers).
        """
        return self._witnesses

    @property
    def signs(self) -> np.ndarray:
        """Read-only ``int8`` array ``(r, N)``: the sign of every chamber on every input row."""
        if self._row_signs is None:
            rs = self._signs[:, self._rows] * self._orient[None, :]
            rs.setflags(write=False)
            self._row_signs = rs
        return self._row_signs

    def sign_columns(self) -> np.ndarray:
        """``int8`` array ``(N, r)``: :attr:`signs` transposed, each input row's column contiguous.

        Built from one transpose of the per-hyperplane signs (for column stores such as
        Parquet), without the strided copies of ``signs[:, i]``.
        """
        return np.ascontiguousarray(self._signs.T)[self._rows] * self._orient[:, None]

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

    def to_numpy(self) -> np.ndarray:
        """Signs per input row, then the witness: one row per chamber, ``(r, N + D)``.

        The numeric columns of :meth:`to_pandas`, in the same order; ``int64`` when every
        witness entry fits, else ``object`` (exact Python integers).

        Examples
        --------
        >>> from arrangement import Arrangement
        >>> Arrangement.from_points([[0], [1]]).regions().to_numpy()[:2]
        array([[ 1,  1,  0,  1],
               [ 1, -1, -2,  1]])
        """
        wit = self._witnesses
        dtype = wit.dtype if wit.dtype == object else np.int64
        return np.hstack([self.signs.astype(dtype), wit.astype(dtype)])

    def to_pandas(self) -> Any:
        """The chambers as a DataFrame: one row per chamber (index ``chamber``).

        Columns: the activation sign of every input row (``int8``, named by row: the row names
        of the data, or ``r0 .. r{N-1}``), the exact interior witness (named by weight
        coordinate: ``w_<feature>`` and ``w_bias``, or ``w0 .. w{D-1}``; ``int64`` when every
        value fits, else exact Python integers) and ``pattern``, the tuple of active rows.

        Examples
        --------
        >>> from arrangement import Arrangement
        >>> df = Arrangement.from_points([[0], [1]]).regions().to_pandas()
        >>> list(df.columns), df.shape
        (['r0', 'r1', 'w0', 'w1', 'pattern'], (4, 5))
        >>> df.loc[1, "pattern"], df["w0"].dtype
        ((0,), dtype('int64'))
        """
        rows, weights = self._names
        signs = self.signs
        cols: list[tuple[str, Any]] = [(name, signs[:, i]) for i, name in enumerate(rows)]
        cols += [(name, self._witnesses[:, j]) for j, name in enumerate(weights)]
        cols.append(("pattern", [tuple(int(i) for i in np.flatnonzero(s > 0)) for s in signs]))
        return frame(cols, index_name="chamber")

    def __repr__(self) -> str:
        return f"<Regions: {len(self)} chambers on {self._signs.shape[1]} hyperplanes>"
