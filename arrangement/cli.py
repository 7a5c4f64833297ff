"""Command-line interface: ``arrangement <command> ...``.

The interface is thin: it parses arguments, calls the library and prints. Errors of the toolkit
(:class:`~arrangement.errors.ArrangementError`) become one line ``arrangement: <message>`` on
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
import csv
import importlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from arrangement.errors import ArrangementError, InputError
from arrangement.io import Dataset, default_dataset_path, load_dataset
from arrangement.numbers import fraction_str
from arrangement.progress import Progress

if TYPE_CHECKING:
    from arrangement.arrangement import Arrangement

__all__ = [
    "SUBCOMMANDS",
    "Subcommand",
    "add_dataset_arguments",
    "build_parser",
    "emit_json",
    "load_arrangement",
    "main",
    "open_output",
    "subcommand",
]

PROG = "arrangement"
_ENUMERATING = "enumerating chambers: hyperplanes inserted"

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


#: Modules that register further subcommands when imported (after the ones defined here).
_COMMAND_MODULES = (
    "arrangement._cli_lattice",
    "arrangement._cli_certificate",
    "arrangement._cli_solve",
    "arrangement._cli_plot",
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


def add_dataset_arguments(parser: argparse.ArgumentParser, *, optional: bool = False) -> None:
    """Add the dataset ``FILE`` argument and the ``--label-column`` / ``--no-label`` options.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    optional : bool, optional
        If true, ``FILE`` may be omitted and the bundled default dataset is used.
    """
    if optional:
        parser.add_argument(
            "file",
            metavar="FILE",
            nargs="?",
            help="data file (.csv, .npy or .json); default: the bundled data/plane_degenerate.csv",
        )
    else:
        parser.add_argument("file", metavar="FILE", help="data file (.csv, .npy or .json)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--label-column",
        metavar="NAME",
        help="CSV column holding the labels (default: 'y' if present); not a feature",
    )
    group.add_argument("--no-label", action="store_true", help="treat every column as a feature")


def _display_path(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it, else unchanged."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def load_arrangement(
    args: argparse.Namespace, *, chambers: bool = True
) -> tuple[Dataset, Arrangement]:
    """Read the dataset named by ``args`` and build its arrangement.

    With ``chambers`` (the default) the chambers are enumerated at once, with a progress line
    on a terminal, since almost every command needs them.
    """
    from arrangement.arrangement import Arrangement

    path = args.file if args.file is not None else _display_path(default_dataset_path())
    dataset = load_dataset(path, label_column=args.label_column, no_label=args.no_label)
    arr = Arrangement.from_points(dataset.points, dim=dataset.n_features)
    if chambers:
        with Progress(None, _ENUMERATING) as bar:
            arr.regions(progress=bar)
    return dataset, arr


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def open_output(path: str | None, *, input_path: str | Path | None = None) -> Iterator[TextIO]:
    """Open ``path`` for writing text (``None`` or ``-``: standard output).

    Refuses to overwrite ``input_path``: input files are never modified.
    """
    if path is None or path == "-":
        yield sys.stdout
        return
    if input_path is not None and _same_file(path, input_path):
        raise InputError("refusing to overwrite the input file", source=str(path))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        yield fh


def emit_json(obj: Any, stream: TextIO | None = None) -> None:
    """Print one JSON object (indented, keys in insertion order) and a newline."""
    stream = sys.stdout if stream is None else stream
    stream.write(json.dumps(obj, indent=2) + "\n")


def _exact(x: Any) -> int | str:
    """Write a rational as a JSON value: an int, or the string ``"p/q"``."""
    s = fraction_str(x)
    return int(s) if "/" not in s else s


# ---------------------------------------------------------------------------- stats


#: The support bounds shown by ``arrangement stats`` (``arrangement bound`` shows them all).
_STATS_BOUNDS = ("per_sign", "total")


def stats_record(dataset: Dataset, arr: Arrangement) -> dict[str, Any]:
    """Collect the numbers printed by ``arrangement stats`` in a JSON-ready dict."""
    from arrangement.bounds import support_bounds
    from arrangement.faces import f_vector as faces_f_vector
    from arrangement.graph import graph_summary
    from arrangement.invariants import check_invariants
    from arrangement.lattice import flats

    n_regions = arr.n_regions
    with Progress(None, "intersection lattice: flats found") as bar:
        flats(arr, progress=bar)
    with Progress(None, "faces: flats done") as bar:
        f_vector = [int(f) for f in faces_f_vector(arr, progress=bar)]
    poly = arr.characteristic_polynomial()
    coeffs = [int(c) for c in reversed(poly.all_coeffs())]  # ascending powers of t
    coeffs += [0] * (arr.dimension + 1 - len(coeffs))
    with Progress(None, "chamber graph: hyperplanes done") as bar:
        graph = graph_summary(arr, progress=bar)
    with Progress(None, "exact checks"):
        checks = check_invariants(arr)
    return {
        "n_points": arr.n_points,
        "n_hyperplanes": arr.n_hyperplanes,
        "dimension": arr.dimension,
        "rank": arr.rank,
        "general_position": bool(arr.is_general_position()),
        "n_regions": n_regions,
        "f_vector": f_vector,
        "characteristic_polynomial": coeffs,
        "graph": graph,
        # Each closed chamber but the all-inactive one holds at most one atom of each sign
        # (docs/theory.md, section 7), for every minimiser.
        "support_bound": {b.name: b.value for b in support_bounds(arr) if b.name in _STATS_BOUNDS},
        "source": dataset.source,
        # Identities between the independent computations (see arrangement.invariants).
        "checks": checks,
    }


def _poly_str(coeffs: Sequence[int]) -> str:
    terms = []
    for k in range(len(coeffs) - 1, -1, -1):
        c = coeffs[k]
        if c == 0:
            continue
        mag = abs(c)
        power = "" if k == 0 else ("t" if k == 1 else f"t^{k}")
        body = str(mag) if k == 0 or mag != 1 else ""
        body = f"{body}{'*' if body and power else ''}{power}"
        sign = "-" if c < 0 else "+"
        terms.append((sign, body))
    if not terms:
        return "0"
    first_sign, first = terms[0]
    out = ("-" if first_sign == "-" else "") + first
    for sign, body in terms[1:]:
        out += f" {sign} {body}"
    return out


def _stats_table(rec: dict[str, Any]) -> str:
    g = rec["graph"]
    rows = [
        ("points (rows) N", rec["n_points"]),
        ("distinct hyperplanes n", rec["n_hyperplanes"]),
        ("dimension D = d + 1", rec["dimension"]),
        ("rank", rec["rank"]),
        ("general position", "yes" if rec["general_position"] else "no"),
        ("chambers r", rec["n_regions"]),
        ("f-vector (dim 0..D)", ", ".join(map(str, rec["f_vector"]))),
        ("characteristic polynomial", _poly_str(rec["characteristic_polynomial"])),
        (
            "chamber graph",
            f"{g['n_nodes']} nodes, {g['n_edges']} edges, diameter {g['diameter']}, "
            f"degree {g['min_degree']}..{g['max_degree']}",
        ),
        (
            "support bound",
            f"<= {rec['support_bound']['per_sign']} atoms per sign, "
            f"<= {rec['support_bound']['total']} in all",
        ),
    ]
    failed = [name for name, ok in rec["checks"].items() if not ok]
    rows.append(
        (
            "exact checks",
            "Zaslavsky, Euler, walls, antipodes, Cover: all hold"
            if not failed
            else "FAILED: " + ", ".join(failed),
        )
    )
    rows.insert(0, ("source", rec["source"]))
    width = max(len(k) for k, _ in rows)
    lines = [
        "Exact counts for the hyperplanes <theta, (x_i, 1)> = 0 in R^D "
        "(chambers = ReLU activation patterns):"
    ]
    lines += [f"  {k:<{width}}  {v}" for k, v in rows]
    return "\n".join(lines)


def _stats_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser, optional=True)
    parser.add_argument("--json", action="store_true", help="print one JSON object")


@subcommand(
    "stats",
    help="exact counts of the arrangement of a dataset",
    configure=_stats_args,
    description="Exact counts of the arrangement induced by a dataset: hyperplanes, chambers, "
    "f-vector, characteristic polynomial, chamber graph and the support bound 2(r - 1).\n"
    "Without FILE, the bundled dataset data/plane_degenerate.csv is used.",
)
def _stats(args: argparse.Namespace) -> int:
    dataset, arr = load_arrangement(args)
    rec = stats_record(dataset, arr)
    if args.json:
        emit_json(rec)
    else:
        sys.stdout.write(_stats_table(rec) + "\n")
    failed = [name for name, ok in rec["checks"].items() if not ok]
    if failed:
        # A failed identity is a bug in the toolkit, never a property of the data.
        print(f"{PROG}: internal check failed: {', '.join(failed)}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


# ---------------------------------------------------------------------------- regions


def _regions_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    parser.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="output format (default jsonl)"
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")


@subcommand(
    "regions",
    help="stream every chamber: signs per input row and an exact witness",
    configure=_regions_args,
    description='Write one chamber per line. jsonl: {"signs": [+1/-1 per input row, in file '
    'order], "witness": [exact point strictly inside, length D]}; csv: columns r0..r{N-1} '
    "(signs) then w0..w{D-1} (witness).",
)
def _regions(args: argparse.Namespace) -> int:
    dataset, arr = load_arrangement(args)
    regions = arr.regions()
    row_signs = regions.row_signs()
    witnesses = regions.witnesses
    n_rows, dim = arr.n_points, arr.dimension
    with (
        open_output(args.output, input_path=dataset.source) as out,
        Progress(len(regions), "writing") as bar,
    ):
        if args.format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow([f"r{i}" for i in range(n_rows)] + [f"w{j}" for j in range(dim)])
        for k in range(len(regions)):
            signs = [int(s) for s in row_signs[k].tolist()]
            witness = [_exact(w) for w in witnesses[k].tolist()]
            if args.format == "csv":
                writer.writerow(signs + witness)
            else:
                out.write(json.dumps({"signs": signs, "witness": witness}) + "\n")
            bar.update()
    return EXIT_OK


# ---------------------------------------------------------------------------- graph

_GRAPH_FORMATS = (".graphml", ".json")


def _graph_output(text: str) -> str:
    if Path(text).suffix.lower() not in _GRAPH_FORMATS:
        raise argparse.ArgumentTypeError(f"must end in .graphml or .json: {text!r}")
    return text


def _graph_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        required=True,
        type=_graph_output,
        help="output file: .graphml (GraphML) or .json (node-link JSON)",
    )


@subcommand(
    "graph",
    help="export the chamber graph (GraphML or JSON)",
    configure=_graph_args,
    description="Export the chamber adjacency graph: one node per chamber (signs, witness, "
    "activation pattern), one edge per shared wall (hyperplane, input rows on it). The format "
    "follows the suffix of OUT: .graphml or .json.",
)
def _graph(args: argparse.Namespace) -> int:
    suffix = Path(args.output).suffix.lower()
    dataset, arr = load_arrangement(args)
    if _same_file(args.output, dataset.source):
        raise InputError("refusing to overwrite the input file", source=args.output)
    from arrangement.graph import walls, write_graphml, write_json

    with Progress(None, "chamber graph: hyperplanes done") as bar:
        walls(arr, progress=bar)
    (write_graphml if suffix == ".graphml" else write_json)(arr, args.output)
    return EXIT_OK


# ---------------------------------------------------------------------------- entry point


def _one_line(exc: BaseException) -> str:
    text = exc.one_line() if isinstance(exc, InputError) else str(exc)
    return " ".join(text.split()) or type(exc).__name__


def _error(message: str) -> None:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()


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
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        # Floating-point trouble (overflow in a picture or a numerical solve) is reported by
        # the commands themselves (e.g. ``solve``'s accuracy flag), not by numpy warnings.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return int(args._run(args))
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
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
