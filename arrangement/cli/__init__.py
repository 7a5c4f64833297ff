"""The command line ``arrangement``: the only layer that imports argparse.

What lives here
---------------
* :func:`main`, the entry point of the ``arrangement`` command: it installs the Ctrl-C handling
  first and only then imports the rest (numpy, python-flint), so an interrupt at any moment, even
  during the imports, ends with ``arrangement: interrupted`` and exit status 130;
* :mod:`~arrangement.cli.app`: the parser, the registry of subcommands, shared helpers and
  :func:`arrangement.cli.app.main` (errors to one line and an exit status);
* one module per group of commands: :mod:`~arrangement.cli.geometry` (``stats``, ``regions``,
  ``graph``), :mod:`~arrangement.cli.lattice` (``faces``, ``lattice``),
  :mod:`~arrangement.cli.certificate` (``certify``, ``precertify``, ``bound``),
  :mod:`~arrangement.cli.solve` (``solve``) and :mod:`~arrangement.cli.plot` (``plot``).

What it may use
---------------
Every other layer; nothing imports it. Commands are thin: parse, call the library, print.
"""

# This module must stay light: it runs before anything heavy is imported (standard library only).
from __future__ import annotations

import os
import signal
import sys

__all__ = ["main"]

_PROG = "arrangement"
_EXIT_INTERRUPTED = 130


_received: list[int] = []  # the signals received by _interrupt (for wrapped interrupts)


def _interrupt(signum: int, frame: object) -> None:
    """First Ctrl-C: stop the command (cleanups run); a second one while stopping ends at once."""
    _received.append(signum)
    signal.signal(signal.SIGINT, _force_exit)
    raise KeyboardInterrupt


def _force_exit(signum: int, frame: object) -> None:
    os._exit(_EXIT_INTERRUPTED)


def _unraisable(info: sys.UnraisableHookArgs) -> None:
    """Drop the "Exception ignored" report of an interrupt raised inside a finaliser.

    Python swallows it there; ``main`` still ends with status 130 and one line. Anything else is
    reported as usual.
    """
    if not isinstance(info.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(info)


def _interrupted() -> int:
    try:
        sys.stderr.write(f"{_PROG}: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return _EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    The entry point of the ``arrangement`` command; see :func:`arrangement.cli.app.main`.
    """
    previous = None
    try:
        # A command started with Ctrl-C ignored (``arrangement ... &`` in a script) stays so.
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            previous = signal.signal(signal.SIGINT, _interrupt)
    except ValueError:  # not the main thread of the interpreter: leave signals alone
        pass
    _received.clear()
    sys.unraisablehook = _unraisable
    try:
        try:
            from arrangement.cli.app import main as run
        except BaseException:
            # An interrupt inside an extension module's initialisation may surface as an
            # ImportError or SystemError rather than KeyboardInterrupt.
            if _received:
                return _interrupted()
            raise
        code = run(argv)
        # An interrupt swallowed where Python cannot raise it (a finaliser) still interrupted.
        return _interrupted() if _received and code == 0 else code
    except KeyboardInterrupt:  # between the command's own handling and the return
        return _interrupted()
    except BaseException:
        if _received:  # an interrupt that a library turned into another exception
            return _interrupted()
        raise
    finally:
        if previous is not None:
            # As the program (no argv given), stay uninterruptible until the interpreter exits,
            # so no traceback can appear after the last line; in-process callers get their
            # handler back.
            signal.signal(signal.SIGINT, signal.SIG_IGN if argv is None else previous)
        if argv is not None:
            sys.unraisablehook = sys.__unraisablehook__
