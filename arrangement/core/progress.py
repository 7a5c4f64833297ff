r"""A tiny progress reporter for long computations, and how long loops are interrupted.

:class:`Progress` writes one ``\r``-updated line to standard error, at most about ten times a
second, and only when standard error is a terminal and the ``CI`` environment variable is not
set: piped or logged output never receives progress noise. An instance is also a callback with
the library's progress protocol ``progress(done, total)``, so it can be handed directly to
functions such as :meth:`arrangement.Arrangement.regions`::

    with Progress(None, "chambers") as bar:
        regions = arr.regions(progress=bar)

Interruption
------------
Long loops need no special code to be stoppable: Ctrl-C raises :class:`KeyboardInterrupt` at
the next Python bytecode (a C call such as one exact linear solve finishes first). Library
code must simply let it propagate: no bare ``except:`` or ``except BaseException``, and results
are built in local variables and published (cached) only once complete, so an interrupted
computation leaves no half-filled cache behind. :meth:`Progress.__exit__` ends its status line
so that the next message starts on a fresh line, and the command-line interface turns the
interrupt into the single line ``arrangement: interrupted`` and exit status 130 (``128 +
SIGINT``), without a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress", "progress_enabled"]


def progress_enabled(stream: TextIO | None = None) -> bool:
    """Tell whether progress should be shown on ``stream`` (default: standard error).

    True when the stream is a terminal and the ``CI`` environment variable is unset, empty,
    ``0`` or ``false``.

    Examples
    --------
    >>> import io
    >>> progress_enabled(io.StringIO())
    False
    """
    stream = sys.stderr if stream is None else stream
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    r"""Throttled one-line progress display on standard error.

    Parameters
    ----------
    total : int or None
        Number of steps expected, or ``None`` if unknown (then only the count is shown).
    label : str
        What is being counted, shown in front of the count.
    enabled : bool, optional
        Force the display on or off; by default :func:`progress_enabled` decides.
    stream : text stream, optional
        Where to write (default: ``sys.stderr`` at construction time).
    interval : float, optional
        Minimal number of seconds between two redraws (default ``0.1``).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress(3, "hyperplanes", enabled=True, stream=out, interval=0) as bar:
    ...     for _ in range(3):
    ...         bar.update()
    >>> out.getvalue().split("\r")[-1]
    'hyperplanes: 3/3 (100%)\n'
    >>> with Progress(3, "quiet", stream=out) as bar:  # not a terminal: nothing is written
    ...     bar.update(3)
    >>> bar.done
    3

    Notes
    -----
    ``update`` costs one clock read; drawing happens at most once per ``interval``.
    """

    def __init__(
        self,
        total: int | None,
        label: str,
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        interval: float = 0.1,
    ) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self._stream = sys.stderr if stream is None else stream
        self.enabled = progress_enabled(self._stream) if enabled is None else bool(enabled)
        self._interval = interval
        self._last = float("-inf")
        self._width = 0

    def update(self, k: int = 1) -> None:
        """Advance by ``k`` steps and redraw if the last redraw is old enough."""
        self.done += k
        self._maybe_draw()

    def __call__(self, done: int, total: int | None = None) -> None:
        """Set the position to ``done`` of ``total``: the library's ``progress(k, n)`` protocol."""
        self.done = done
        if total is not None:
            self.total = total
        self._maybe_draw()

    def _maybe_draw(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._draw()

    def _draw(self) -> None:
        if self.total:
            pct = min(100, 100 * self.done // self.total)
            text = f"{self.label}: {self.done}/{self.total} ({pct}%)"
        else:
            text = f"{self.label}: {self.done}"
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self._stream.write("\r" + text + " " * pad)
        self._stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line (only if something was drawn)."""
        if self.enabled and self._width:
            self._draw()
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        """Return the reporter itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """End the status line (also when an exception, such as Ctrl-C, is passing)."""
        self.close()
