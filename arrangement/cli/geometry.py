"""The geometry commands: ``stats``, ``regions`` and ``graph``.

They register themselves with :func:`arrangement.cli.app.subcommand` when imported.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from arrangement.cli.app import (
    EXIT_ERROR,
    EXIT_OK,
    PROG,
    UsageError,
    add_cluster_arguments,
    add_dataset_arguments,
    add_output_arguments,
    cluster_client,
    emit_json,
    enumeration_budget,
    exact_json,
    load_arrangement,
    open_output,
    parse_workers,
    same_file,
    size_check,
    subcommand,
    wants_cluster,
)
from arrangement.core.errors import InputError
from arrangement.core.io import Dataset
from arrangement.core.progress import Progress

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.geometry.regions import Regions

__all__ = ["stats_record"]


# ---------------------------------------------------------------------------- stats


#: The support bounds shown by ``arrangement stats`` (``arrangement bound`` shows them all).
_STATS_BOUNDS = ("per_sign", "total")


def stats_record(dataset: Dataset, arr: Arrangement, *, held: bool = True) -> dict[str, Any]:
    """Collect the numbers printed by ``arrangement stats`` in a JSON-ready dict.

    Without ``held`` (a partitioned run: the chambers were counted cone by cone and are not in
    memory) only what needs no chamber set is computed: ``f_vector`` and ``graph`` are
    ``None`` and ``checks`` holds the count identities only.
    """
    from arrangement.certificates.bounds import support_bounds
    from arrangement.geometry.faces import f_vector as faces_f_vector
    from arrangement.geometry.graph import graph_summary
    from arrangement.geometry.invariants import check_count_invariants, check_invariants
    from arrangement.geometry.lattice import flats

    n_regions = arr.n_regions
    with Progress(None, "intersection lattice: flats found") as bar:
        flats(arr, progress=bar)
    f_vector: list[int] | None = None
    graph: dict[str, Any] | None = None
    if held:
        with Progress(None, "faces: flats done") as bar:
            f_vector = [int(f) for f in faces_f_vector(arr, progress=bar)]
    poly = arr.characteristic_polynomial()
    coeffs = [int(c) for c in reversed(poly.all_coeffs())]  # ascending powers of t
    coeffs += [0] * (arr.dimension + 1 - len(coeffs))
    if held:
        with Progress(None, "chamber graph: hyperplanes done") as bar:
            graph = graph_summary(arr, progress=bar)
    with Progress(None, "exact checks"):
        checks = check_invariants(arr) if held else check_count_invariants(arr)
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
        # Identities between the independent computations (see arrangement.geometry.invariants).
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


_NOT_HELD = "not computed: needs every chamber in one process (run without --workers)"

#: The names of the checks in the text output.
_CHECK_NAMES = {
    "zaslavsky": "Zaslavsky",
    "euler": "Euler",
    "walls": "walls",
    "antipodal": "antipodes",
    "cover": "Cover",
}


def _stats_table(rec: dict[str, Any]) -> str:
    g = rec["graph"]
    rows = [
        ("points (rows) N", rec["n_points"]),
        ("distinct hyperplanes n", rec["n_hyperplanes"]),
        ("dimension D = d + 1", rec["dimension"]),
        ("rank", rec["rank"]),
        ("general position", "yes" if rec["general_position"] else "no"),
        ("chambers r", rec["n_regions"]),
        (
            "f-vector (dim 0..D)",
            _NOT_HELD if rec["f_vector"] is None else ", ".join(map(str, rec["f_vector"])),
        ),
        ("characteristic polynomial", _poly_str(rec["characteristic_polynomial"])),
        (
            "chamber graph",
            _NOT_HELD
            if g is None
            else f"{g['n_nodes']} nodes, {g['n_edges']} edges, diameter {g['diameter']}, "
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
            ", ".join(v for k, v in _CHECK_NAMES.items() if k in rec["checks"]) + ": all hold"
            if not failed
            else "FAILED: " + ", ".join(failed),
        )
    )
    rows.insert(0, ("source", rec.get("described", rec["source"])))
    width = max(len(k) for k, _ in rows)
    lines = [
        "Exact counts for the hyperplanes <theta, (x_i, 1)> = 0 in R^D "
        "(chambers = ReLU activation patterns):"
    ]
    lines += [f"  {k:<{width}}  {v}" for k, v in rows]
    return "\n".join(lines)


def _stats_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser, optional=True)
    add_cluster_arguments(parser, "count the chambers")
    add_output_arguments(parser)


@subcommand(
    "stats",
    help="exact counts of the arrangement of a dataset",
    configure=_stats_args,
    description="Exact counts of the arrangement induced by a dataset: hyperplanes, chambers, "
    "f-vector, characteristic polynomial, chamber graph and the support bound 2(r - 1).\n"
    "Without FILE, the bundled dataset data/plane_degenerate.csv is used. With --workers or "
    "--scheduler the chambers are counted cone by cone and never held: the counts that need "
    "no chamber set are shown (not the f-vector and the chamber graph).",
)
def _stats(args: argparse.Namespace) -> int:
    cluster = wants_cluster(args)  # a bad --workers is refused before any reading
    dataset, arr = load_arrangement(args, chambers=not cluster)
    if cluster:
        from arrangement.distributed.partition import count_chambers

        size_check(arr, args, held=False)
        with cluster_client(args) as client:
            count_chambers(arr, client)  # recorded on arr
    rec = stats_record(dataset, arr, held=not cluster)
    shown = {**rec, "described": dataset.described}
    with open_output(args.output, input_path=dataset.source) as out:
        if args.json:
            emit_json(rec, out)
        else:
            out.write(_stats_table(shown) + "\n")
    failed = [name for name, ok in rec["checks"].items() if not ok]
    if failed:
        # A failed identity is a bug in the toolkit, never a property of the data.
        print(f"{PROG}: internal check failed: {', '.join(failed)}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


# ---------------------------------------------------------------------------- regions


def _regions_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    form = parser.add_mutually_exclusive_group()  # --json --format csv: refused, not a guess
    form.add_argument(
        "--format",
        choices=("jsonl", "csv", "parquet"),
        default="jsonl",
        help="output format (default jsonl); parquet writes shards to the directory -o DIR",
    )
    form.add_argument(
        "--json",
        action="store_const",
        const="jsonl",
        dest="format",
        help="JSON Lines (the default; same as --format jsonl)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file, or directory for parquet (default: stdout)",
    )
    add_cluster_arguments(parser, "enumerate")


@subcommand(
    "regions",
    help="stream every chamber: signs per input row and an exact witness",
    configure=_regions_args,
    description='Write one chamber per line, as they are found. jsonl: {"signs": [+1/-1 per '
    'input row, in file order], "witness": [exact point strictly inside, length D]}; csv: '
    "columns r0..r{N-1} (signs) then w0..w{D-1} (witness); parquet: shards in the directory "
    "-o DIR (docs/cli.md gives the schema). The size is announced and checked against "
    "--max-chambers before any work; memory stays bounded whatever the number of chambers.",
)
def _regions(args: argparse.Namespace) -> int:
    from arrangement.geometry.stream import check_output_directory

    workers = parse_workers(args.workers)
    if args.format == "parquet":
        if args.output in (None, "-"):
            raise InputError("--format parquet needs an output directory: -o DIR")
        check_output_directory(args.output)
    enumeration_budget(args)
    dataset, arr = load_arrangement(args, chambers=False)
    if args.format == "parquet" and same_file(args.output, dataset.source):
        raise InputError("refusing to overwrite the input file", source=args.output)
    total = size_check(arr, args, held=False)
    del workers
    with cluster_client(args) as client, Progress(total, "chambers written") as bar:
        if args.format == "parquet":
            _regions_parquet(arr, client, args.output, bar)
        else:
            with open_output(args.output, input_path=dataset.source) as out:
                _regions_text(arr, client, out, args.format, bar)
    return EXIT_OK


def _chunks(arr: Arrangement, client: Any) -> Iterator[Regions]:
    if client is None:
        from arrangement.geometry.stream import iter_regions

        return iter_regions(arr)
    from arrangement.distributed.partition import iter_regions_distributed

    return iter_regions_distributed(arr, client)


_BLOCK = 4096  # rows turned into text at a time: memory is bounded by this, not by a chunk


def sign_texts(signs: np.ndarray, sep: str) -> list[str]:
    """Each row of a +1/-1 matrix as text: ``1`` and ``-1`` joined by ``sep``.

    The same text as ``sep.join(map(str, row))``, built for the whole block at once: every
    entry becomes a cell ``[-]1<sep>`` of fixed width (a placeholder where the ``-`` is not),
    the placeholders are dropped, and the bytes are cut into rows at their known lengths.

    Examples
    --------
    >>> sign_texts(np.array([[1, -1, 1], [-1, -1, 1]]), ", ")
    ['1, -1, 1', '-1, -1, 1']
    """
    k, n = signs.shape
    if n == 0:
        return [""] * k
    separator = np.frombuffer(sep.encode("ascii"), np.uint8)
    width = 2 + len(separator)
    cells = np.empty((k, n, width), np.uint8)
    negative = signs < 0
    cells[:, :, 0] = np.where(negative, ord("-"), 0)  # 0: the placeholder, dropped below
    cells[:, :, 1] = ord("1")
    cells[:, :, 2:] = separator
    rows = cells.reshape(k, n * width)[:, : n * width - len(separator)]
    text = rows[rows != 0].tobytes().decode("ascii")
    lengths = (2 + len(separator)) * n - len(separator) - (n - negative.sum(axis=1))
    bounds = [0, *np.cumsum(lengths).tolist()]
    return [text[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]


def _witness_values(witnesses: np.ndarray) -> list[list[int | str]]:
    """The witness rows as JSON values (ints, or ``"p/q"`` strings)."""
    rows = witnesses.tolist()
    if witnesses.dtype.kind in "iu":
        return rows  # int64 witnesses are already exact ints
    return [[exact_json(w) for w in row] for row in rows]


def _regions_text(arr: Arrangement, client: Any, out: TextIO, fmt: str, bar: Progress) -> None:
    n_rows, dim = arr.n_points, arr.dimension
    if fmt == "csv":
        csv.writer(out, lineterminator="\n").writerow(
            [f"r{i}" for i in range(n_rows)] + [f"w{j}" for j in range(dim)]
        )
    for part in _chunks(arr, client):
        signs, witnesses = part.signs, part.witnesses
        for start in range(0, len(part), _BLOCK):
            block = slice(start, start + _BLOCK)
            wits = _witness_values(witnesses[block])
            if fmt == "csv":
                texts = sign_texts(signs[block], ",")
                lines = [
                    ",".join([t, *map(str, w)] if n_rows else map(str, w))
                    for t, w in zip(texts, wits, strict=True)
                ]
            else:
                texts = sign_texts(signs[block], ", ")
                lines = [
                    f'{{"signs": [{t}], "witness": {json.dumps(w)}}}'
                    for t, w in zip(texts, wits, strict=True)
                ]
            # Line by line into the stream's buffer: one huge write to a pipe that closes half
            # way may end as a partial write that Python does not report (`| head` would then
            # exit 0 instead of with a broken pipe).
            out.writelines(line + "\n" for line in lines)
        out.flush()
        bar.update(len(part))


def _regions_parquet(arr: Arrangement, client: Any, output: str, bar: Progress) -> None:
    if client is not None:
        from arrangement.distributed.partition import write_parquet_distributed

        write_parquet_distributed(arr, client, output, progress=bar)
        return
    from arrangement.geometry.stream import iter_regions, parquet_directory

    with parquet_directory(output) as add:
        for part in iter_regions(arr):
            add(part)
            bar.update(len(part))


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
        type=_graph_output,
        help="output file: .graphml (GraphML) or .json (node-link JSON)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="node-link JSON (on standard output without -o, or into OUT.json)",
    )


@subcommand(
    "graph",
    help="export the chamber graph (GraphML or JSON)",
    configure=_graph_args,
    description="Export the chamber adjacency graph: one node per chamber (signs, witness, "
    "activation pattern), one edge per shared wall (hyperplane, input rows on it). The format "
    "follows the suffix of OUT: .graphml or .json; --json without -o prints the node-link JSON.",
)
def _graph(args: argparse.Namespace) -> int:
    if args.output is None and not args.json:
        raise UsageError(
            "graph needs -o OUT (.graphml or .json) or --json (JSON on standard output)",
            usage=True,
        )
    suffix = Path(args.output).suffix.lower() if args.output is not None else ".json"
    if args.json and suffix != ".json":
        raise UsageError(
            f"--json writes node-link JSON, but -o {args.output} asks for GraphML", usage=True
        )
    dataset, arr = load_arrangement(args)
    if args.output is not None and same_file(args.output, dataset.source):
        raise InputError("refusing to overwrite the input file", source=args.output)
    from arrangement.geometry.graph import graph_json, walls, write_graphml, write_json

    with Progress(None, "chamber graph: hyperplanes done") as bar:
        walls(arr, progress=bar)
    if args.output is None:
        sys.stdout.write(json.dumps(graph_json(arr)) + "\n")
    else:
        (write_graphml if suffix == ".graphml" else write_json)(arr, args.output)
    return EXIT_OK
