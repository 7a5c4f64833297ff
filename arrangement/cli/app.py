"""Command-line interface: ``arrangement <command> ...``.

The interface is thin: it parses arguments, calls the library and prints. Errors of the toolkit
(:class:`~arrangement.core.errors.ArrangementError`) become one line ``arrangement: <message>`` on
standard error and exit status 1; usage errors exit with status 2 (argparse); Ctrl-C prints
``arrangement: interrupted`` and exits with status 130; a closed output pipe (``| head``) ends the
command quietly with status 141, as for other Unix filters.

Adding a subcommand
-------------------
Write a function that adds the command's arguments to its parser and a function that runs it
(returning the exit status), and register them with the :func:`subcommand` decorator::

    def _certify_args(parser: argparse.ArgumentParser) -> None:
        add_dataset_arguments(parser)
        parser.add_argument("--dual", required=True)

    @subcommand("certify", help="check a dual certificate exactly", configure=_certify_args)
    def _certify(args: argparse.Namespace) -> int:
        dataset, arr = load_arrangement(args)
        ...
        return 0

Commands appear in ``arrangement --help`` in registration order. Helpers shared by commands:
:func:`add_dataset_arguments`, :func:`load_arrangement`, :func:`open_output` and :func:`emit_json`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

import numpy as np

from arrangement.core.atomic import atomic_open
from arrangement.core.errors import ArrangementError, InputError
from arrangement.core.guard import DEFAULT_MAX_INPUT_BYTES, check_output, guard_inputs, parse_size
from arrangement.core.io import (
    MANY_DIGITS,
    Dataset,
    default_dataset_path,
    load_dataset,
    round_dataset,
    significant_digits,
)
from arrangement.core.numbers import fraction_str, unlimited_digits
from arrangement.core.progress import Progress

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "SUBCOMMANDS",
    "Subcommand",
    "UsageError",
    "add_dataset_arguments",
    "add_input_limit_argument",
    "add_output_arguments",
    "build_parser",
    "emit_json",
    "enumeration_budget",
    "load_arrangement",
    "size_check",
    "announce_size",
    "main",
    "exact_json",
    "open_output",
    "same_file",
    "subcommand",
]

PROG = "arrangement"
_ENUMERATING = "enumerating chambers: found"

#: Exit statuses.
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SIGPIPE, EXIT_INTERRUPTED = 0, 1, 2, 141, 130


# ---------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class Subcommand:
    """A registered subcommand: its name, one-line help, argument setup and runner."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str | None = None


#: The registered subcommands, in the order they appear in ``--help``.
SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(
    name: str,
    *,
    help: str,
    configure: Callable[[argparse.ArgumentParser], None],
    description: str | None = None,
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register a subcommand (decorator for its runner ``run(args) -> exit status``).

    Parameters
    ----------
    name : str
        The command word.
    help : str
        One line for ``arrangement --help``.
    configure : callable
        ``configure(parser)`` adds the command's arguments.
    description : str, optional
        Longer text for ``arrangement NAME --help`` (default: ``help``).
    """

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        if name in SUBCOMMANDS:
            raise ValueError(f"subcommand {name!r} registered twice")
        SUBCOMMANDS[name] = Subcommand(name, help, configure, run, description)
        return run

    return register


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("arrangement")
    except Exception:  # not installed: fall back to the package attribute
        import arrangement

        return str(getattr(arrangement, "__version__", "unknown"))


#: Modules that register the subcommands when imported, in the order of ``--help``.
_COMMAND_MODULES = (
    "arrangement.cli.geometry",
    "arrangement.cli.lattice",
    "arrangement.cli.certificate",
    "arrangement.cli.solve",
    "arrangement.cli.predict",
    "arrangement.cli.network",
    "arrangement.cli.plot",
    "arrangement.cli.completion",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered subcommand."""
    for module in _COMMAND_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Exact hyperplane arrangements induced by data (ReLU activation regions).",
        epilog="Run 'arrangement COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in SUBCOMMANDS.values():
        p = sub.add_parser(
            cmd.name,
            help=cmd.help,
            description=cmd.description or cmd.help,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        cmd.configure(p)
        p.set_defaults(_run=cmd.run)
    return parser


# ---------------------------------------------------------------------------- shared helpers


def _feature_list(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated column names, got {text!r}")
    return names


class UsageError(Exception):
    """A bad option value found after parsing: exit status 2.

    One line on standard error; with ``usage=True`` the command's usage line comes first, as
    for the errors argparse finds.
    """

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def _decimals(text: str) -> int:
    """``--round K``: a non-negative integer written in ASCII digits."""
    if not (text.isascii() and text.isdigit()):
        raise UsageError(f"--round must be a non-negative integer (decimal places), got {text!r}")
    return int(text)


def add_dataset_arguments(
    parser: argparse.ArgumentParser, *, optional: bool = False, budget: bool = True
) -> None:
    """Add the dataset ``FILE`` argument and the options that say how to read it.

    ``--label-column`` / ``--no-label`` (the labels), ``--features a,b,c`` (the feature
    columns, in that order) and ``--round K`` (compute on the data rounded to ``K`` decimals).

    Parameters
    ----------
    parser : argparse.ArgumentParser
    optional : bool, optional
        If true, ``FILE`` may be omitted and the bundled default dataset is used.
    budget : bool, optional
        If true (commands that enumerate chambers), add ``--max-chambers`` and ``--max-memory``.
    """
    kinds = "data file (.csv, .tsv, .npy or .json; - reads standard input)"
    if optional:
        parser.add_argument(
            "file",
            metavar="FILE",
            nargs="?",
            help=f"{kinds}; default: the bundled data/plane_degenerate.csv",
        )
    else:
        parser.add_argument("file", metavar="FILE", help=kinds)
    if budget:
        _add_budget_arguments(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--label-column",
        metavar="NAME",
        help="CSV column holding the labels (default: 'y' if present); not a feature",
    )
    group.add_argument("--no-label", action="store_true", help="treat every column as a feature")
    add_input_limit_argument(parser)
    parser.add_argument(
        "--features",
        metavar="A,B,C",
        type=_feature_list,
        help="the feature columns, in this order (default: every column but the label); "
        "the other columns are not read",
    )
    parser.add_argument(
        "--round",
        metavar="K",
        dest="round_decimals",
        help="compute on the data rounded to K decimals (exact data with many significant "
        "digits are slow; the output says that the data were rounded)",
    )


def add_output_arguments(
    parser: argparse.ArgumentParser, *, json_help: str = "print one JSON object"
) -> None:
    """Add ``--json`` and ``-o/--output OUT`` (default: standard output), the shared convention."""
    parser.add_argument("--json", action="store_true", help=json_help)
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write the output to OUT (default: standard output)"
    )


def _byte_count(text: str) -> int:
    try:
        return parse_size(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def add_input_limit_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-input-bytes`` (the byte budget of each input file, see :mod:`core.guard`).

    :func:`add_dataset_arguments` adds it; :func:`main` applies it to every file the command
    reads.
    """
    parser.add_argument(
        "--max-input-bytes",
        metavar="BYTES",
        type=_byte_count,
        default=None,
        help="largest input file read, e.g. 500M or 2G "
        f"(default {DEFAULT_MAX_INPUT_BYTES // 2**20}M)",
    )


def _display_path(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it, else unchanged."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


#: Notes on the input of the current command, added to its JSON output (see ``emit_json``).
_INPUT_NOTES: dict[str, Any] = {}

#: Measured by bench/bench_digits.py (17 significant digits against 3 decimals, 2-core machine).
_DIGITS_COST = "4-12x slower than the same data rounded to 3 decimals (bench/bench_digits.py)"


def _note(message: str) -> None:
    sys.stderr.write(f"{PROG}: note: {message}\n")


def _add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """``--max-chambers`` and ``--max-memory``: the size check before any enumeration."""
    parser.add_argument(
        "--max-chambers",
        metavar="N",
        default=None,
        help="refuse to enumerate more than N chambers (default 10,000,000); the size is known "
        "before the work starts",
    )
    parser.add_argument(
        "--max-memory",
        metavar="GIB",
        default=None,
        help="refuse to hold more than GIB gibibytes of chambers in memory (default 4); "
        "streamed output (regions) is not held",
    )


def _positive(text: str | None, option: str, default: float, *, integer: bool) -> float:
    """The value of a budget option (``InputError`` unless it is a positive number)."""
    if text is None:
        return default
    try:
        value = float(int(str(text).replace("_", ""))) if integer else float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        kind = "a positive integer" if integer else "a positive number"
        raise InputError(f"{option} must be {kind}, got {text!r}")
    return value


def enumeration_budget(args: argparse.Namespace) -> tuple[int, int]:
    """``(max_chambers, max_memory_bytes)`` from ``--max-chambers`` and ``--max-memory``."""
    from arrangement.geometry.size import DEFAULT_MAX_CHAMBERS, DEFAULT_MAX_MEMORY

    chambers = _positive(
        getattr(args, "max_chambers", None), "--max-chambers", DEFAULT_MAX_CHAMBERS, integer=True
    )
    gib = _positive(
        getattr(args, "max_memory", None), "--max-memory", DEFAULT_MAX_MEMORY / 2**30, integer=False
    )
    return int(chambers), int(gib * 2**30)


#: Enumerations at least this large announce their size on standard error even when it is not
#: a terminal (smaller ones only on a terminal, so small pipelines keep a clean stderr).
ANNOUNCE_ABOVE = 100_000


def size_check(arr: Arrangement, args: argparse.Namespace, *, held: bool = True) -> int:
    """Say how big the enumeration of ``arr`` is, and refuse it above the budget.

    Prints one line on standard error (on a terminal, or for a large run) and raises
    :class:`~arrangement.geometry.size.BudgetError` above ``--max-chambers`` or, when the
    result is ``held`` in memory, above ``--max-memory``. Returns the count or bound.
    """
    from arrangement.geometry.size import STREAM_ADVICE, check_budget, estimate_chambers

    max_chambers, max_memory = enumeration_budget(args)
    est = estimate_chambers(arr)
    # A refusal is one line that says the size itself and the way around it this command has.
    if args.command == "regions":
        advice = "the chambers are streamed, never all held; several cores: --workers K"
    elif not held:
        advice = "each worker holds one cone of chambers at a time"
    elif hasattr(args, "workers"):
        advice = "--workers K or --scheduler ADDRESS go cone by cone, never holding them all"
    else:
        advice = STREAM_ADVICE
    check_budget(
        est, max_chambers=max_chambers, max_memory=max_memory if held else None, advice=advice
    )
    announce_size(est.describe(), est.chambers)
    return est.chambers


def announce_size(line: str, size: int) -> None:
    """Say on standard error how big a computation is, before it starts.

    On a terminal always; otherwise only when ``size`` is at least :data:`ANNOUNCE_ABOVE`, so
    small pipelines keep a clean standard error.
    """
    from arrangement.core.progress import progress_enabled

    if progress_enabled() or size >= ANNOUNCE_ABOVE:
        sys.stderr.write(f"{PROG}: {line}\n")
        sys.stderr.flush()


def add_cluster_arguments(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--workers K`` / ``--scheduler ADDRESS``: run cone by cone on Dask (one of them)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        metavar="K",
        help=f"{verb} cone by cone on a local Dask cluster of K processes",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=f"{verb} cone by cone on the Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://host:8786)",
    )


def parse_workers(text: str | None) -> int | None:
    """The value of ``--workers``: a positive integer, or ``None`` when not given."""
    if text is None:
        return None
    try:
        k = int(text)
    except ValueError:
        k = 0
    if k < 1:
        raise InputError(f"--workers must be a positive integer, got {text!r}")
    return k


def wants_cluster(args: argparse.Namespace) -> bool:
    """Whether ``--workers`` or ``--scheduler`` was given (``--workers`` checked)."""
    return parse_workers(args.workers) is not None or args.scheduler is not None


@contextlib.contextmanager
def cluster_client(args: argparse.Namespace) -> Iterator[Any]:
    """The Dask client asked for by ``--workers`` / ``--scheduler`` (``None``: serial)."""
    workers = parse_workers(args.workers)
    if workers is None and args.scheduler is None:
        yield None
        return
    from arrangement.distributed.partition import connect, local_client

    ctx = local_client(workers) if workers is not None else connect(args.scheduler)
    with ctx as client:
        yield client


def load_arrangement(
    args: argparse.Namespace, *, chambers: bool = True
) -> tuple[Dataset, Arrangement]:
    """Read the dataset named by ``args`` and build its arrangement.

    With ``chambers`` (the default) the size of the enumeration is announced and checked
    against the budget (:func:`size_check`), then the chambers are enumerated at once, with a
    progress line on a terminal counting chambers found against that size. The reader's notes
    (an ignored pandas index, ``--round``) and a note on data with many significant digits go
    to standard error; with ``--round`` the JSON output also says ``"rounded_to_decimals": K``.
    """
    from arrangement.geometry.arrangement import Arrangement

    enumeration_budget(args)  # a bad budget is refused before any reading
    text = getattr(args, "round_decimals", None)
    decimals = None if text is None else _decimals(text)
    path = args.file if args.file is not None else _display_path(default_dataset_path())
    dataset = load_dataset(
        path,
        label_column=args.label_column,
        no_label=args.no_label,
        features=getattr(args, "features", None),
    )
    if decimals is not None:
        dataset = round_dataset(dataset, decimals)
        _INPUT_NOTES["rounded_to_decimals"] = decimals
    else:
        # Only non-integers can be rounded: huge integers are exact and get no note.
        fractional = [[x for x in row if x.denominator != 1] for row in dataset.points]
        digits = significant_digits(fractional)
        if digits >= MANY_DIGITS:
            dataset = replace(
                dataset,
                notes=dataset.notes
                + (
                    f"the data have up to {digits} significant digits, all used exactly; exact "
                    f"computation on such data measured {_DIGITS_COST}: --round K computes on "
                    "the data rounded to K decimals",
                ),
            )
    for message in dataset.notes:
        _note(f"{dataset.source}: {message}")
    arr = Arrangement.from_points(
        dataset.points,
        dim=dataset.n_features,
        feature_names=dataset.feature_names,
        row_names=dataset.row_names,
    )
    if chambers:
        total = size_check(arr, args)
        with Progress(total, _ENUMERATING) as bar:
            arr.regions(progress=bar, total=total)
    return dataset, arr


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` name the same existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def open_output(path: str | None, *, input_path: str | Path | None = None) -> Iterator[TextIO]:
    """Open ``path`` for writing text (``None`` or ``-``: standard output).

    Refuses to overwrite ``input_path`` and every other file the command has read
    (:func:`arrangement.core.guard.check_output`): input files are never modified. A file is
    written atomically (:func:`arrangement.core.atomic.atomic_open`): complete, or not at all.
    """
    if path is None or path == "-":
        yield sys.stdout
        return
    if input_path is not None and same_file(path, input_path):
        raise InputError("refusing to overwrite the input file", source=str(path))
    check_output(path)
    with atomic_open(path, "w", newline="") as fh:
        yield cast(TextIO, fh)


def emit_json(obj: Any, stream: TextIO | None = None) -> None:
    """Print one JSON object (indented, keys in insertion order) and a newline.

    When the command computed on rounded data (``--round K``), a top-level object gets the key
    ``"rounded_to_decimals": K``.
    """
    stream = sys.stdout if stream is None else stream
    if isinstance(obj, dict) and _INPUT_NOTES:
        obj = {**obj, **_INPUT_NOTES}
    stream.write(json.dumps(obj, indent=2) + "\n")


def exact_json(x: Any) -> int | str:
    """Write a rational as a JSON value: an int, or the string ``"p/q"``."""
    q = Fraction(x)
    return q.numerator if q.denominator == 1 else fraction_str(q)


# ---------------------------------------------------------------------------- entry point


def _one_line(exc: BaseException) -> str:
    text = exc.one_line() if isinstance(exc, InputError) else str(exc)
    return " ".join(text.split()) or type(exc).__name__


def _error(message: str) -> None:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()


def _command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of subcommand ``name``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return cast(argparse.ArgumentParser, action.choices[name])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Examples
    --------
    >>> main(["stats", "--json", str(default_dataset_path())])  # doctest: +ELLIPSIS
    {
      "n_points": 8,
    ...
    0
    """
    try:
        parser = build_parser()
        _INPUT_NOTES.clear()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help, --version and usage errors
            return exc.code if isinstance(exc.code, int) else EXIT_USAGE
        max_bytes = getattr(args, "max_input_bytes", None)
        # Every file the command reads is recorded and refused as an output (core.guard); exact
        # numbers of any size are printed in full (json.dumps, f-strings).
        with guard_inputs(max_bytes=max_bytes), unlimited_digits():
            # Floating-point trouble (overflow in a picture or a numerical solve) is reported by
            # the commands themselves (e.g. ``solve``'s accuracy flag), not by numpy warnings.
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                return int(args._run(args))
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except UsageError as exc:
        if exc.usage:
            sys.stderr.write(_command_parser(parser, args.command).format_usage())
        _error(str(exc))
        return EXIT_USAGE
    except ArrangementError as exc:
        _error(_one_line(exc))
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); silence the final flush of stdout.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_SIGPIPE
    except OSError as exc:  # e.g. the output directory does not exist
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_ERROR
    except MemoryError:
        _error("out of memory (the input is too large for this machine)")
        return EXIT_ERROR
    except OverflowError:
        # an exact value (e.g. sup |eta_p|^2 with p = residual / lam) too large to show or solve
        # as a float; outputs are written atomically, so nothing half-written is left
        _error(
            "a value is beyond the floating-point range (is lam far below the scale of the "
            "data?); the exact values exist, but cannot be solved or shown in floats"
        )
        return EXIT_ERROR
