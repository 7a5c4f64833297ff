"""Benchmark: chambers per second of ``Arrangement.from_points(X).regions()``, against SageMath.

Random integer data (entries uniform in [-20, 20], fixed seeds) at the sizes of issue 2:
(N=100, d=2), (N=40, d=3), (N=15, d=4). For every case the table shows our chambers, seconds
(best of ``--repeat`` in-process runs, each on a fresh ``Arrangement``) and chambers per second;
then, if a SageMath peer is available, Sage's seconds for
``HyperplaneArrangements(QQ, names)(...).regions()`` on the same data (one run), the ratio
Sage / ours, and whether the chamber counts agree.

Sage peer, first match wins:

1. ``--no-sage``: none.
2. ``--sage-python PATH`` or ``$SAGE_PYTHON``: Sage runs in that interpreter, in a subprocess
   (``bench/sage_peer.py``) that receives the data as JSON and returns its time and count.
3. Sage importable in this interpreter: in-process.
4. ``.venv-sage/bin/python`` in the repository: as 2.

Run from the repository root::

    .venv/bin/python bench/bench_regions.py                 # full sizes
    .venv/bin/python bench/bench_regions.py --quick         # tiny sizes, a few seconds
    SAGE_PYTHON=.venv-sage/bin/python .venv/bin/python bench/bench_regions.py

Then the exact certification throughput of issue 3 (``bench/bench_certificate.py``; skip it with
``--no-certificate``), and enumeration at scale of issue 8 (``bench/bench_scale.py``: throughput per
size, peak memory, streaming to Parquet, Dask inflation and speed-up; skip it with ``--no-scale``).

A benchmark prints figures; it asserts nothing about speed. It exits non-zero only when the
chamber counts disagree (a correctness failure) or the command line is wrong.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# Running ``python bench/bench_regions.py`` puts bench/ on sys.path, not the repository root; make
# the checkout's package importable even when it is not installed in the running interpreter.
_REPO = Path(__file__).resolve().parent.parent
if str(_REPO) not in sys.path:
    sys.path.insert(1, str(_REPO))

import sage_peer  # noqa: E402  (bench/sage_peer.py, standard library only)

#: Entries of the random data are uniform integers in [-BOUND, BOUND].
BOUND = 20


@dataclass(frozen=True, slots=True)
class Case:
    """One benchmark size: ``n_points`` random integer rows in dimension ``d``."""

    name: str
    n_points: int
    d: int
    seed: int


#: The sizes of issue 2's Performance section.
CASES = (
    Case("plane", 100, 2, seed=2),
    Case("space", 40, 3, seed=3),
    Case("4-space", 15, 4, seed=4),
)

#: ``--quick``: the same shapes, small enough that Sage also answers in about a second.
QUICK_CASES = (
    Case("plane", 20, 2, seed=2),
    Case("space", 10, 3, seed=3),
    Case("4-space", 8, 4, seed=4),
)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table (``sage_*`` are ``None`` without a peer)."""

    case: str
    n_points: int
    n_hyperplanes: int
    d: int
    chambers: int
    seconds: float
    sage_seconds: float | None = None
    sage_chambers: int | None = None
    sage_error: str | None = None

    @property
    def chambers_per_second(self) -> float:
        return self.chambers / self.seconds if self.seconds > 0 else float("inf")

    @property
    def ratio(self) -> float | None:
        if self.sage_seconds is None:
            return None
        return self.sage_seconds / self.seconds if self.seconds > 0 else float("inf")

    @property
    def agree(self) -> bool | None:
        if self.sage_chambers is None:
            return None
        return self.sage_chambers == self.chambers


def random_points(case: Case) -> list[list[int]]:
    """The case's data: ``n_points x d`` integers uniform in ``[-BOUND, BOUND]``, seeded."""
    rng = random.Random(case.seed)
    return [[rng.randint(-BOUND, BOUND) for _ in range(case.d)] for _ in range(case.n_points)]


def time_ours(points: Sequence[Sequence[int]], *, repeat: int) -> tuple[float, int, int]:
    """Best-of-``repeat`` seconds of ``Arrangement.from_points(points).regions()``.

    Returns ``(seconds, chambers, distinct hyperplanes)``. Every run builds a fresh arrangement,
    so the per-instance cache of ``regions()`` never helps.
    """
    from arrangement import Arrangement

    best = float("inf")
    chambers = hyperplanes = 0
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        arr = Arrangement.from_points(points)
        regions = arr.regions()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        chambers, hyperplanes = len(regions), arr.n_hyperplanes
    return best, chambers, hyperplanes


class SageRunner:
    """How (and whether) to run the Sage peer; see the module docstring for the order."""

    def __init__(self, *, disabled: bool, python: str | None, timeout: float | None) -> None:
        self.timeout = timeout
        self.python: str | None = None
        self.in_process = False
        if disabled:
            self.description = "disabled (--no-sage)"
            return
        env_python = python or sage_peer.default_sage_python(include_local=False)
        if env_python:
            self.python, self.description = env_python, f"subprocess {env_python}"
        elif sage_peer.in_process_available():
            self.in_process, self.description = True, "in-process"
        elif (local := sage_peer.default_sage_python()) is not None:
            self.python, self.description = local, f"subprocess {local}"
        else:
            self.description = (
                "not available (pip install passagemath-polyhedra in a separate venv and set "
                "SAGE_PYTHON; see bench/README.md)"
            )

    @property
    def enabled(self) -> bool:
        return self.in_process or self.python is not None

    def run(self, points: Sequence[Sequence[int]]) -> sage_peer.SageResult:
        """Sage's timing and count on ``points``; a peer that fails other than by a timeout is
        not tried again for the remaining cases."""
        if self.in_process:
            return sage_peer.sage_regions(points)
        assert self.python is not None
        try:
            return sage_peer.run_peer(points, python=self.python, timeout=self.timeout)
        except sage_peer.SagePeerError as exc:
            if not exc.timed_out:
                self.python = None
            raise


def run_case(case: Case, *, repeat: int, sage: SageRunner) -> Row:
    """Measure one case on our side and, if enabled, on Sage's."""
    points = random_points(case)
    seconds, chambers, hyperplanes = time_ours(points, repeat=repeat)
    row = Row(case.name, case.n_points, hyperplanes, case.d, chambers, seconds)
    if not sage.enabled:
        return row
    try:
        result = sage.run(points)
    except sage_peer.SagePeerError as exc:
        return Row(**{**asdict(row), "sage_error": str(exc)})
    return Row(**{**asdict(row), "sage_seconds": result.seconds, "sage_chambers": result.n_regions})


def format_table(rows: Sequence[Row]) -> str:
    """A fixed-width text table of the rows."""
    header = (
        "case",
        "N",
        "n",
        "d",
        "chambers",
        "seconds",
        "chambers/s",
        "sage s",
        "ratio",
        "counts agree",
    )
    lines = []
    for r in rows:
        if r.sage_error is not None:
            sage_cols = ("timeout" if "timed out" in r.sage_error else "error", "-", "-")
        elif r.sage_seconds is None:
            sage_cols = ("-", "-", "-")
        else:
            sage_cols = (
                f"{r.sage_seconds:.2f}",
                f"{r.ratio:.0f}x",
                "yes" if r.agree else f"NO (sage {r.sage_chambers})",
            )
        lines.append(
            (
                r.case,
                str(r.n_points),
                str(r.n_hyperplanes),
                str(r.d),
                str(r.chambers),
                f"{r.seconds:.3f}",
                f"{r.chambers_per_second:,.0f}",
                *sage_cols,
            )
        )
    widths = [max(len(h), *(len(line[k]) for line in lines)) for k, h in enumerate(header)]
    out = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    errors = dict.fromkeys(f"SageMath peer, {r.case}: {r.sage_error}" for r in rows if r.sage_error)
    return "\n".join(out + list(errors))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Chambers per second of Arrangement.from_points(X).regions(), vs SageMath."
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a few seconds)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="in-process runs per case on our side; the best is kept (default 3)",
    )
    parser.add_argument("--no-sage", action="store_true", help="skip the SageMath peer")
    parser.add_argument(
        "--sage-python",
        metavar="PATH",
        default=None,
        help="interpreter with passagemath-polyhedra (default: $SAGE_PYTHON, "
        "else Sage in this interpreter, else .venv-sage/bin/python)",
    )
    parser.add_argument(
        "--sage-timeout",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="kill a subprocess Sage peer after this long (default 900)",
    )
    parser.add_argument(
        "--no-certificate",
        action="store_true",
        help="skip the certification benchmark (bench/bench_certificate.py)",
    )
    parser.add_argument(
        "--no-scale",
        action="store_true",
        help="skip the enumeration-at-scale benchmark (bench/bench_scale.py)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per case instead")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cases = QUICK_CASES if args.quick else CASES
    sage = SageRunner(disabled=args.no_sage, python=args.sage_python, timeout=args.sage_timeout)
    if not args.json:
        print(
            f"random integer data in [-{BOUND}, {BOUND}], augmented with 1; "
            f"ours: best of {max(1, args.repeat)}; SageMath: {sage.description}",
            flush=True,
        )
    rows = []
    for case in cases:
        row = run_case(case, repeat=args.repeat, sage=sage)
        rows.append(row)
        if args.json:
            print(
                json.dumps(
                    {
                        **asdict(row),
                        "chambers_per_second": row.chambers_per_second,
                        "ratio": row.ratio,
                        "agree": row.agree,
                    }
                ),
                flush=True,
            )
    if not args.json:
        print(format_table(rows))
    # ------------------------------------------------------------------------------------------
    # Certificate throughput (issue 3): bench/bench_certificate.py, on the (N=40, d=3) data of
    # ``CASES`` above (``--quick``: of ``QUICK_CASES``).
    # ------------------------------------------------------------------------------------------
    if not args.no_certificate:
        run_certificate_bench(quick=args.quick, repeat=args.repeat, as_json=args.json)
    # ------------------------------------------------------------------------------------------
    # Enumeration at scale (issue 8): throughput per size, peak RSS, Parquet streaming, Dask.
    # ------------------------------------------------------------------------------------------
    if not args.no_scale and not args.json:
        import bench_scale

        print()
        bench_scale.report(quick=args.quick)
    return 1 if any(r.agree is False for r in rows) else 0


def run_certificate_bench(*, quick: bool, repeat: int, as_json: bool) -> None:
    """Print the certification table of ``bench_certificate`` (if the module is there)."""
    try:
        import arrangement.certificates.certificate  # noqa: F401
    except ImportError:
        print("\n(certificate benchmark skipped: its module is not available)")
        return
    import bench_certificate

    if not as_json:
        print()
    bench_certificate.report(quick=quick, repeat=repeat, as_json=as_json)


if __name__ == "__main__":
    sys.exit(main())
