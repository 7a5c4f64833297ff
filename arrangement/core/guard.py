"""Inputs are never outputs, and readers stay bounded.

Two guarantees of the command line live here, so that every reader and every writer of the
package gets them without doing anything:

* **Bounded, regular inputs.** :func:`read_input` reads a user file only if it is a regular file
  (a link to ``/dev/zero``, ``/dev/urandom``, a named pipe or a directory is refused at once, before
  a byte is read) and only up to a byte budget (:data:`DEFAULT_MAX_INPUT_BYTES`, raised with the
  ``--max-input-bytes`` option of the command line or ``guard_inputs(max_bytes=...)``).
* **Protected inputs.** Inside :func:`guard_inputs` (the command line runs every command inside
  it) each file read through :func:`read_input` is remembered by its resolved path and its
  ``(st_dev, st_ino)``; :func:`check_output` refuses an output that is one of them, whether it is
  named directly, through a symbolic link, or through a hard link. :mod:`arrangement.core.atomic`
  calls :func:`check_output` for every file and directory it writes, so every output of the
  toolkit is checked.

Outside :func:`guard_inputs` (library use) nothing is recorded and no output is refused; the
regular-file check and the byte budget always apply.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from arrangement.core.errors import InputError

__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "InputFile",
    "check_output",
    "guard_inputs",
    "input_limit",
    "inputs_read",
    "parse_size",
    "read_input",
]

#: Default byte budget of one input file (64 MiB): far above any arrangement that can be
#: enumerated, far below the memory a machine has. Raised with ``--max-input-bytes``.
DEFAULT_MAX_INPUT_BYTES = 64 * 2**20

_OPTION = "--max-input-bytes"


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file read by the current command: as named, resolved, and its device and inode."""

    name: str
    resolved: Path
    device: int
    inode: int


@dataclass(slots=True)
class _State:
    recording: bool = False
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES
    files: tuple[InputFile, ...] = ()


_STATE = _State()


@contextlib.contextmanager
def guard_inputs(*, max_bytes: int | None = None) -> Iterator[None]:
    """Record the files read inside the block and refuse them as outputs (one command).

    Parameters
    ----------
    max_bytes : int, optional
        Byte budget of one input file inside the block (default
        :data:`DEFAULT_MAX_INPUT_BYTES`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> data = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = data.write_text("1,2")
    >>> with guard_inputs():
    ...     _ = read_input(data)
    ...     check_output(data)
    Traceback (most recent call last):
    ...
    arrangement.core.errors.InputError: ...a.csv: refusing to overwrite an input of this command
    """
    if max_bytes is not None and max_bytes < 1:
        raise InputError(f"the input limit must be a positive number of bytes, got {max_bytes}")
    saved = (_STATE.recording, _STATE.max_bytes, _STATE.files)
    _STATE.recording = True
    _STATE.max_bytes = DEFAULT_MAX_INPUT_BYTES if max_bytes is None else max_bytes
    _STATE.files = ()
    try:
        yield
    finally:
        _STATE.recording, _STATE.max_bytes, _STATE.files = saved


def inputs_read() -> tuple[InputFile, ...]:
    """The files read so far inside the current :func:`guard_inputs` block (else empty)."""
    return _STATE.files


def input_limit() -> int:
    """The byte budget of one input file now in force."""
    return _STATE.max_bytes


def _mib(n: int) -> str:
    return f"{n} bytes" if n < 2**20 else f"{n / 2**20:.4g} MiB"


def read_input(path: str | Path) -> bytes:
    """Read a whole user file: a regular file within the byte budget, recorded as an input.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    bytes

    Raises
    ------
    InputError
        If the file does not exist, is a directory, is not a regular file (a device such as
        ``/dev/zero``, a pipe, a socket), cannot be read, or is larger than :func:`input_limit`.

    Notes
    -----
    The file is opened without blocking (a named pipe cannot stall the command), checked with
    ``fstat`` on the open descriptor (no race between the check and the read), and read at most
    one byte past the budget.
    """
    source = str(path)
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # a named pipe must not stall the command
    try:
        fh = open(path, "rb", buffering=0, opener=lambda p, f: os.open(p, f | nonblocking))
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", source=source) from None
    except PermissionError:
        raise InputError("permission denied", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=source) from None
    with fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise InputError(
                "not a regular file (a device, pipe or socket cannot be read as data)",
                source=source,
            )
        budget = _STATE.max_bytes
        too_big = f"larger than the input limit of {_mib(budget)} (raise it with {_OPTION})"
        if st.st_size > budget:
            raise InputError(f"{_mib(st.st_size)}: {too_big}", source=source)
        chunks = []
        left = budget + 1
        while left > 0:
            try:
                chunk = fh.read(min(left, 1 << 20))
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", source=source) from None
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:  # the file grew while being read
            raise InputError(too_big, source=source)
    if _STATE.recording:
        _STATE.files += (InputFile(source, Path(path).resolve(), int(st.st_dev), int(st.st_ino)),)
    return b"".join(chunks)


def check_output(path: str | Path) -> None:
    """Refuse ``path`` as an output if it is a file read by the current command.

    The comparison is by resolved path and by ``(st_dev, st_ino)`` of what ``path`` names, so a
    symbolic link or a hard link to an input is refused too. Outside :func:`guard_inputs` it
    does nothing.

    Raises
    ------
    InputError
        If ``path`` is (a link to) an input of the current command.
    """
    files = _STATE.files
    if not files:
        return
    target = Path(path)
    identities = {(f.device, f.inode): f for f in files}
    candidates = [target]
    with contextlib.suppress(OSError, RuntimeError):
        candidates.append(target.resolve())
    for candidate in candidates:
        with contextlib.suppress(OSError):
            st = os.stat(candidate)
            hit = identities.get((int(st.st_dev), int(st.st_ino)))
            if hit is not None:
                _refuse(path, hit)
        with contextlib.suppress(OSError):
            st = os.lstat(candidate)  # the link itself, in case it is what was read
            hit = identities.get((int(st.st_dev), int(st.st_ino)))
            if hit is not None:
                _refuse(path, hit)
    with contextlib.suppress(OSError, RuntimeError):
        resolved = target.resolve()
        for f in files:
            if f.resolved == resolved:
                _refuse(path, f)


def _refuse(path: str | Path, hit: InputFile) -> None:
    same = "" if str(path) == hit.name else f" ({hit.name})"
    raise InputError(f"refusing to overwrite an input of this command{same}", source=str(path))


_SIZE = re.compile(r"([0-9]+)\s*([kmgt]?)(i?b)?", re.IGNORECASE | re.ASCII)


def parse_size(text: str) -> int:
    """Read a byte count such as ``1000000``, ``64M``, ``2GiB`` (K, M, G, T are powers of 1024).

    Examples
    --------
    >>> parse_size("1000"), parse_size("64M"), parse_size("2GiB")
    (1000, 67108864, 2147483648)
    """
    m = _SIZE.fullmatch(text.strip())
    if m is None or int(m[1]) < 1:
        raise InputError(
            f"not a positive byte count: {text!r} (examples: 1000000, 64M, 2G)", source=_OPTION
        )
    return int(m[1]) * 1024 ** " kmgt".index((m[2] or " ").lower())
