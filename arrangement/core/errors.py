"""Exception hierarchy of the toolkit.

Library code raises these; only the command-line interface turns them into one-line messages and
exit codes. Outcomes that are not errors (an invalid certificate, a degenerate extreme point) are
reported as values, never raised.
"""

from __future__ import annotations

__all__ = ["ArrangementError", "InputError", "GeometryError", "SolverError"]


class ArrangementError(Exception):
    """Root of every error raised by :mod:`arrangement`."""


class InputError(ArrangementError, ValueError):
    """Bad user input: a file, a row or a value that cannot be read or does not fit.

    Parameters
    ----------
    message : str
        What is wrong, in one line.
    source : str, optional
        The file (or ``"<input>"`` for Python data) the problem is in.
    row : int, optional
        The 1-based line number in the file (or 0-based index for Python data) of the problem.
    """

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None) -> None:
        self.message = message
        self.source = source
        self.row = row
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Return the message as ``source: row N: message`` (the parts that are known)."""
        parts = []
        if self.source is not None:
            parts.append(str(self.source))
        if self.row is not None:
            parts.append(f"row {self.row}")
        parts.append(self.message)
        return ": ".join(parts)


class GeometryError(ArrangementError, ValueError):
    """A geometric request that cannot be met (a target on a hyperplane, an inconsistent system)."""


class SolverError(ArrangementError, RuntimeError):
    """The numerical convex solver failed or reported an unusable status."""
