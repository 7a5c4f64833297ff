"""Chambers in bounded memory: a generator of chunks, and columnar Parquet shards.

:func:`iter_regions` yields the chambers cone by cone (see
:mod:`arrangement.geometry.enumeration`), each chunk a
:class:`~arrangement.geometry.regions.Regions` in the user's row indices, so that memory is
bounded by the largest chunk whatever the total.
:func:`write_shard` writes one chunk as a Parquet file and :func:`parquet_directory` collects the
shards of one run in a directory that appears complete or not at all.

Parquet schema
--------------
One row per chamber. Columns ``r0 .. r{N-1}`` (``int8``): the sign ``+1``/``-1`` of
``<theta, (x_i, 1)>`` on the chamber for every input row, in file order; columns ``w0 .. w{D-1}``:
an exact integer point strictly inside the chamber, ``int64`` when every witness of the run fits,
otherwise (all shards alike) exact decimal strings. File metadata key ``arrangement`` holds a JSON
object with ``n_rows``, ``dimension`` and ``witness`` (``"int64"`` or ``"decimal-string"``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from arrangement.core.atomic import atomic_directory, atomic_path
from arrangement.core.errors import InputError

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.geometry.regions import Regions

__all__ = [
    "CHUNK_BYTES",
    "check_output_directory",
    "chunk_size",
    "iter_regions",
    "parquet_directory",
    "read_shard_witnesses",
    "shard_table",
    "unify_shards",
    "write_shard",
]

#: Memory aimed at for one chunk of chambers (the kernel needs a small multiple of it).
CHUNK_BYTES = 64 * 2**20


def chunk_size(bytes_per_chamber: int, *, budget: int = CHUNK_BYTES) -> int:
    """Chambers per chunk so that one chunk takes about ``budget`` bytes (at least 1024)."""
    return max(1024, min(1 << 19, budget // max(bytes_per_chamber, 1)))


def iter_regions(
    arr: Arrangement,
    *,
    chunk: int | None = None,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Regions]:
    """Yield every chamber of ``arr`` exactly once, in chunks, in bounded memory.

    Parameters
    ----------
    arr : Arrangement
    chunk : int, optional
        Chambers per chunk to aim for (default: about 64 MiB worth).
    total : int, optional
        The number of chambers or a bound on it (default:
        :func:`arrangement.geometry.size.estimate_chambers`).
    progress : callable, optional
        ``progress(chambers so far, total)`` after every chunk.

    Yields
    ------
    Regions
        The chambers of one cone; ``Regions.signs`` is in the user's row indices.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> arr = Arrangement.from_points([[0], [1], [2]])
    >>> sum(len(part) for part in iter_regions(arr, chunk=2))
    6
    """
    from arrangement.geometry.enumeration import Plan, iter_chambers
    from arrangement.geometry.regions import Regions
    from arrangement.geometry.size import estimate_chambers

    est = estimate_chambers(arr)
    total = est.chambers if total is None else total
    chunk = chunk_size(est.bytes_per_chamber) if chunk is None else chunk
    plan = Plan(arr.normal_matrix(), arr.dimension)
    for signs, wits in iter_chambers(plan, estimate=total, chunk=chunk, progress=progress):
        yield Regions(signs, wits, arr.row_to_hyperplane, arr.row_orientation)


def _witness_fits(wits: np.ndarray) -> bool:
    return wits.dtype != object or all(-(2**63) <= int(x) < 2**63 for x in wits.flat)


def shard_table(regions: Regions, *, as_strings: bool = False) -> object:
    """One chunk as a :class:`pyarrow.Table` with the documented schema."""
    import pyarrow as pa

    columns = regions.sign_columns()
    wits = np.asarray(regions.witnesses)
    n_rows, dim = columns.shape[0], wits.shape[1]
    cols: dict[str, object] = {f"r{i}": pa.array(columns[i], pa.int8()) for i in range(n_rows)}
    for j in range(dim):
        col = wits[:, j]
        if as_strings:
            cols[f"w{j}"] = pa.array([_dec(x) for x in col.tolist()], pa.string())
        else:
            cols[f"w{j}"] = pa.array(col.astype(np.int64), pa.int64())
    meta = {
        "n_rows": n_rows,
        "dimension": dim,
        "witness": "decimal-string" if as_strings else "int64",
    }
    return pa.table(cols, metadata={"arrangement": json.dumps(meta)})


def _dec(x: int) -> str:
    """Exact decimal string of an integer of any size (no interpreter digit limit)."""
    from arrangement.core.numbers import fraction_str

    return fraction_str(x)


def write_shard(regions: Regions, path: str | Path) -> bool:
    """Write one chunk to the Parquet file ``path`` (atomically).

    Returns
    -------
    bool
        Whether the witnesses were written as ``int64`` (else as decimal strings).
    """
    import pyarrow.parquet as pq

    fits = _witness_fits(np.asarray(regions.witnesses))
    table = shard_table(regions, as_strings=not fits)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return fits


def read_shard_witnesses(path: str | Path) -> list[tuple[int, ...]]:
    """The witnesses of a shard as exact integers (either column type)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    dim = sum(1 for c in table.column_names if c.startswith("w"))
    cols = [table.column(f"w{j}").to_pylist() for j in range(dim)]
    return [tuple(int(x) for x in row) for row in zip(*cols, strict=True)]


def _restring(path: Path) -> None:
    """Rewrite an ``int64``-witness shard with decimal-string witnesses (same rows)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"arrangement"])
    meta["witness"] = "decimal-string"
    for name in table.column_names:
        if name.startswith("w"):
            col = pa.array([str(int(x)) for x in table.column(name).to_pylist()], pa.string())
            table = table.set_column(table.column_names.index(name), name, col)
    table = table.replace_schema_metadata({"arrangement": json.dumps(meta)})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def check_output_directory(target: str | Path) -> Path:
    """``target`` as a path, if it does not exist or is an empty directory (else InputError)."""
    path = Path(target)
    if path.is_dir() and any(path.iterdir()):
        raise InputError(
            "output directory is not empty; give a new or empty directory", source=str(path)
        )
    if path.exists() and not path.is_dir():
        raise InputError(
            "exists and is a file, not a directory; parquet output is a directory of shards: "
            "give a new or empty directory",
            source=str(path),
        )
    parent = path.parent
    if str(parent) not in ("", ".") and not parent.is_dir():
        what = "is a file" if parent.exists() else "does not exist"
        raise InputError(f"the parent directory {what}", source=str(path))
    return path


@contextlib.contextmanager
def parquet_directory(target: str | Path) -> Iterator[Callable[[Regions], None]]:
    """Collect Parquet shards in a directory that appears complete, or not at all.

    ``target`` must not exist or be empty. Yields ``add(regions)``, which writes the next shard
    ``part-00000.parquet``, ``part-00001.parquet``, ... On success the witness columns of all
    shards are made the same type and the directory is renamed into place
    (:func:`arrangement.core.atomic.atomic_directory`); on failure or Ctrl-C nothing is left.
    """
    path = check_output_directory(target)
    with atomic_directory(path) as tmp:
        fits: list[bool] = []

        def add(regions: Regions) -> None:
            fits.append(write_shard(regions, tmp / f"part-{len(fits):05d}.parquet"))

        yield add
        unify_shards(tmp)


def unify_shards(directory: Path) -> None:
    """Give every shard of ``directory`` the same witness type (strings if any needs them)."""
    import pyarrow.parquet as pq

    shards = sorted(directory.glob("part-*.parquet"))
    kinds = {s: json.loads(pq.read_schema(s).metadata[b"arrangement"])["witness"] for s in shards}
    if "decimal-string" in kinds.values():
        for s, kind in kinds.items():
            if kind == "int64":
                _restring(s)
