"""SageMath peer for the benchmarks: chamber counts and timings from Sage's hyperplane arrangements.

This module imports only the standard library at top level, so it runs under any interpreter.
Sage itself (``pip install passagemath-polyhedra``) is imported lazily, either

* in-process, by :func:`sage_regions`, when the current interpreter has Sage, or
* in a separate interpreter that has Sage (``SAGE_PYTHON``), by :func:`run_peer`, which starts
  ``SAGE_PYTHON bench/sage_peer.py`` and talks JSON over stdin/stdout::

      stdin : {"points": [[int, ...], ...]}          (N rows of length d)
      stdout: {"seconds": float, "n_regions": int, "n_hyperplanes": int}

so the project's own environment never depends on Sage.

What is timed is what :mod:`bench_regions` times on our side: building the arrangement of the
hyperplanes ``{theta : <theta, (x_i, 1)> = 0}`` in ``Q^(d+1)`` from the rows and enumerating its
regions, i.e. ``HyperplaneArrangements(QQ, names)(*hyperplanes).regions()``. Sage deduplicates
hyperplanes, so its region count is directly comparable with ``Arrangement.n_regions``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SagePeerError",
    "SageResult",
    "default_sage_python",
    "in_process_available",
    "run_peer",
    "sage_regions",
]

#: The project-local virtual environment the README tells users to create for the Sage peer.
REPO = Path(__file__).resolve().parent.parent
LOCAL_SAGE_VENV = REPO / ".venv-sage"


class SagePeerError(RuntimeError):
    """The Sage peer failed, timed out (``timed_out``), or is not installed."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


@dataclass(frozen=True, slots=True)
class SageResult:
    """One Sage measurement: wall-clock seconds of build + ``regions()``, and the counts."""

    seconds: float
    n_regions: int
    n_hyperplanes: int


def _import_sage() -> tuple[object, object]:
    # ``sage.all__sagemath_polyhedra`` initialises the parts of the Sage library that the
    # arrangement code needs at run time (``sage.rings.real_double`` among others); importing
    # ``sage.geometry.hyperplane_arrangement`` alone fails later with an AttributeError.
    # Do not star-import it: that shadows ``random`` and other builtins/stdlib names.
    import sage.all__sagemath_polyhedra  # noqa: F401
    from sage.geometry.hyperplane_arrangement.arrangement import HyperplaneArrangements
    from sage.rings.rational_field import QQ

    return HyperplaneArrangements, QQ


def in_process_available() -> bool:
    """Whether the current interpreter can import Sage's hyperplane arrangements."""
    try:
        _import_sage()
    except Exception:  # ImportError, or a broken partial install
        return False
    return True


def sage_regions(points: Sequence[Sequence[int]]) -> SageResult:
    """Time Sage's ``regions()`` on the arrangement induced by ``points``, in this interpreter.

    Parameters
    ----------
    points : sequence of sequence of int
        ``N`` rows of length ``d >= 1`` (``N >= 1``).

    Returns
    -------
    SageResult
        Seconds for building the arrangement and enumerating its regions, and the counts.
    """
    hyperplane_arrangements, qq = _import_sage()
    rows = [[int(v) for v in row] for row in points]
    dim = len(rows[0]) + 1
    names = tuple(f"t{k}" for k in range(dim))
    # A Sage hyperplane given as a list is [constant, c_1, ..., c_D]: here <theta, (x_i, 1)> = 0.
    hyperplanes = [[0, *row, 1] for row in rows]
    start = time.perf_counter()
    arrangements = hyperplane_arrangements(qq, names)  # type: ignore[operator]
    arr = arrangements(*hyperplanes)
    regions = arr.regions()
    seconds = time.perf_counter() - start
    return SageResult(seconds, len(regions), int(arr.n_hyperplanes()))


def default_sage_python(*, include_local: bool = True) -> str | None:
    """The interpreter to run the Sage peer in, or ``None``.

    ``$SAGE_PYTHON`` if set and non-empty, else (with ``include_local``)
    ``<repo>/.venv-sage/bin/python`` if it exists.
    """
    env = os.environ.get("SAGE_PYTHON", "").strip()
    if env or not include_local:
        return env or None
    local = LOCAL_SAGE_VENV / "bin" / "python"
    return str(local) if local.exists() else None


def run_peer(
    points: Sequence[Sequence[int]], *, python: str, timeout: float | None = None
) -> SageResult:
    """Run :func:`sage_regions` in the interpreter ``python`` (a separate process).

    Parameters
    ----------
    points : sequence of sequence of int
        The data rows.
    python : str
        Path of an interpreter with ``passagemath-polyhedra`` installed.
    timeout : float, optional
        Seconds after which the peer is killed and :class:`SagePeerError` raised.

    Returns
    -------
    SageResult
        As reported by the peer (its own timing, so interpreter start-up and the Sage import
        are not counted).
    """
    payload = json.dumps({"points": [[int(v) for v in row] for row in points]})
    try:
        done = subprocess.run(
            [python, str(Path(__file__).resolve())],
            input=payload,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SagePeerError(
            f"timed out after {timeout:g} s (interpreter start and Sage import included)",
            timed_out=True,
        ) from exc
    except OSError as exc:
        raise SagePeerError(f"cannot run {python}: {exc}") from exc
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise SagePeerError(lines[-1] if lines else f"exit status {done.returncode}")
    lines = done.stdout.strip().splitlines()
    try:  # the reply is the last line: anything Sage itself prints comes before it
        reply = json.loads(lines[-1])
    except (IndexError, ValueError) as exc:
        raise SagePeerError(f"unreadable reply from {python}: {done.stdout[-200:]!r}") from exc
    return SageResult(float(reply["seconds"]), int(reply["n_regions"]), int(reply["n_hyperplanes"]))


def _main() -> int:
    request = json.load(sys.stdin)
    try:
        result = sage_regions(request["points"])
    except ImportError as exc:
        print(
            f"sage_peer: Sage is not importable here ({exc}); "
            "install it with: pip install passagemath-polyhedra",
            file=sys.stderr,
        )
        return 3
    json.dump(
        {
            "seconds": result.seconds,
            "n_regions": result.n_regions,
            "n_hyperplanes": result.n_hyperplanes,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
