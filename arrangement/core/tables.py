"""Exact values as numpy arrays and pandas DataFrames: the ``to_numpy``/``to_pandas`` helpers.

Integers go to ``int64`` columns when every value fits (checked exactly, in Python integers),
and stay Python integers in an ``object`` column otherwise, so nothing is ever rounded or wrapped.
pandas is imported only when a DataFrame is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["INT64_MAX", "INT64_MIN", "exact_int_array", "frame"]

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def exact_int_array(values: Any) -> np.ndarray:
    """An integer array as ``int64`` when every entry fits, else ``object`` (Python ints).

    Parameters
    ----------
    values : array_like of int
        Integers (Python ints, numpy integers, or an ``int64``/``object`` array), any shape.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> exact_int_array([[1, -2], [3, 4]]).dtype
    dtype('int64')
    >>> a = exact_int_array([2**63, 1])
    >>> a.dtype, a[0] == 2**63
    (dtype('O'), True)
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu" and values.dtype.itemsize <= 8:
        if values.dtype.kind == "i" or values.size == 0 or int(values.max()) <= INT64_MAX:
            return values.astype(np.int64)
    arr = np.asarray(values, dtype=object)
    flat = [int(x) for x in arr.flat]
    if all(INT64_MIN <= x <= INT64_MAX for x in flat):
        return np.array(flat, dtype=np.int64).reshape(arr.shape)
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape)


def frame(
    columns: Iterable[tuple[str, Any]], *, index: Sequence[Any] | None = None, index_name: str
) -> Any:
    """A pandas DataFrame from ``(name, column)`` pairs, dtypes kept as given.

    Parameters
    ----------
    columns : iterable of (str, array_like)
        The columns in order; numpy arrays keep their dtype, lists become ``object`` columns
        (tuples stay tuples).
    index : sequence, optional
        The row labels (default ``0..n-1``).
    index_name : str
        Name of the index.
    """
    import pandas as pd

    data: dict[str, Any] = {}
    n = None
    for name, col in columns:
        if isinstance(col, np.ndarray):
            data[name] = pd.Series(col, dtype=col.dtype)
        else:
            values = list(col)
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            data[name] = pd.Series(arr, dtype=object)
        n = len(data[name])
    df = pd.DataFrame(data) if data else pd.DataFrame(index=range(n or 0))
    if index is not None:
        df.index = pd.Index(list(index))
    df.index.name = index_name
    return df
