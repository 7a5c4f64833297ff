"""Atomic output: a file or a directory appears complete, or not at all.

Every file the toolkit writes goes through :func:`atomic_path` (or :func:`atomic_open`): the data go
to a temporary file in the target's own directory, which is renamed onto the target with
:func:`os.replace` only when the writer finished without an exception. On any failure or interrupt
(``KeyboardInterrupt`` included) the temporary file is removed and an existing target is left as
it was, so a reader never sees half a file and an old result is never destroyed by a failed run.
:func:`atomic_directory` does the same for an output directory (Parquet shards).

Both refuse a target that is an input of the running command
(:func:`arrangement.core.guard.check_output`: by path and inode, through symbolic and hard links),
so every output of the toolkit is checked against every file the command read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from arrangement.core.guard import check_output

__all__ = ["atomic_directory", "atomic_open", "atomic_path"]


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    Parameters
    ----------
    target : str or path
        The file to (re)place. Its directory must exist.

    Yields
    ------
    pathlib.Path
        A fresh temporary file name in the directory of ``target`` (the file exists, empty).

    Raises
    ------
    InputError
        If ``target`` is an input of the running command
        (:func:`~arrangement.core.guard.check_output`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text()
    'done'
    """
    target = Path(target)
    check_output(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with contextlib.suppress(OSError):
            # Keep the permissions a plain open() would have given (mkstemp makes it 0600).
            mask = os.umask(0)
            os.umask(mask)
            mode = (target.stat().st_mode & 0o777) if target.exists() else (0o666 & ~mask)
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``target`` for writing; rename it onto ``target`` on success.

    ``mode`` is ``"w"`` (text, UTF-8 by default) or ``"wb"``; ``kwargs`` go to :func:`open`.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes only, mode 'w' or 'wb', got {mode!r}")
    if mode == "w":
        kwargs.setdefault("encoding", "utf-8")
    with atomic_path(target) as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Yield a temporary directory beside ``target``; rename it to ``target`` on success.

    ``target`` must not exist, or be an empty directory (which is then replaced). On failure the
    temporary directory and everything in it are removed.
    """
    target = Path(target)
    check_output(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or "."))
    try:
        yield tmp
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
