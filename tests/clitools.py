"""Helpers shared by the command-line tests (imported as a plain module, like ``oracle``)."""

from __future__ import annotations

import os
from pathlib import Path

from arrangement.cli.app import main


def run(capsys, *argv: str | Path) -> tuple[int, str, str]:
    """Run ``arrangement ARGV`` in-process; return the exit status, stdout and stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    """The error output is one line ``arrangement: ...`` containing every fragment."""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("arrangement: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def snapshot(*paths: Path) -> list[tuple[bytes, int]]:
    """Bytes and modification times, to check that a command left its input files alone."""
    return [(p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths]
