"""Subcommands ``faces`` and ``lattice`` (registered on import by the CLI).

Thin wrappers around :func:`arrangement.geometry.faces.faces` and
:func:`arrangement.geometry.lattice.flats`:
every face and every flat, reported in the input rows of the data file.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from arrangement.cli.app import (
    EXIT_OK,
    add_dataset_arguments,
    add_output_arguments,
    announce_size,
    emit_json,
    load_arrangement,
    open_output,
    subcommand,
)
from arrangement.core.progress import Progress

__all__: list[str] = []


def _faces_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    parser.add_argument("--dim", type=int, metavar="K", help="only the faces of dimension K (0..D)")
    add_output_arguments(parser, json_help="JSON Lines, one face per line (the only format)")


@subcommand(
    "faces",
    help="stream every face: its dimension, signs per input row and an exact witness",
    configure=_faces_args,
    description='Write one face per line as JSON: {"dimension": k (as a cone in R^D), "signs": '
    '[-1/0/+1 per input row, in file order], "witness": [exact point of the relative '
    "interior, length D]}. Faces are grouped by the flat they span, chambers first.",
)
def _faces(args: argparse.Namespace) -> int:
    from arrangement.core.errors import InputError
    from arrangement.geometry.faces import faces
    from arrangement.geometry.lattice import flats

    dataset, arr = load_arrangement(args)
    if args.dim is not None and not 0 <= args.dim <= arr.dimension:
        raise InputError(f"--dim must be between 0 and D = {arr.dimension}, got {args.dim}")
    with Progress(None, "intersection lattice: flats found") as bar:
        flats(arr, progress=bar)
    with Progress(None, "faces: flats done") as bar:
        found = faces(arr, dim=args.dim, progress=bar)
    with open_output(args.output, input_path=dataset.source) as out:
        for face in found:
            rec = {
                "dimension": face.dimension,
                "signs": list(face.signs),
                "witness": list(face.witness),
            }
            out.write(json.dumps(rec) + "\n")
    return EXIT_OK


def _lattice_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser, budget=False)  # flats, not chambers
    add_output_arguments(parser)


@subcommand(
    "lattice",
    help="the intersection lattice: every flat with its rank, input rows and Moebius value",
    configure=_lattice_args,
    description="Every flat (intersection of hyperplanes) with its rank, its dimension, the input "
    "rows whose hyperplanes contain it, the flats it covers and its Moebius value; the "
    "characteristic polynomial sums mu(X) t^dim(X).",
)
def _lattice(args: argparse.Namespace) -> int:
    from arrangement.geometry.lattice import flats
    from arrangement.geometry.size import flat_bound

    dataset, arr = load_arrangement(args, chambers=False)
    bound = flat_bound(arr.n_hyperplanes, arr.rank)
    announce_size(
        f"intersection lattice: at most {bound:,} flats (exact in general position)", bound
    )
    with Progress(None, "intersection lattice: flats found") as bar:
        found = flats(arr, progress=bar)
    records: list[dict[str, Any]] = [
        {
            "index": f.index,
            "rank": f.rank,
            "dimension": f.dimension,
            "rows": list(f.rows(arr)),
            "mobius": f.mobius,
            "covers": list(f.covers),
        }
        for f in found
    ]
    coeffs = [int(c) for c in reversed(arr.characteristic_polynomial().all_coeffs())]
    coeffs += [0] * (arr.dimension + 1 - len(coeffs))
    if args.json:
        with open_output(args.output, input_path=dataset.source) as out:
            emit_json(
                {"source": dataset.source, "flats": records, "characteristic_polynomial": coeffs},
                out,
            )
        return EXIT_OK
    lines = [
        f"Intersection lattice of {dataset.described}: {len(records)} flats "
        f"(rank 0 = the whole space R^{arr.dimension})",
        "  flat  rank  dim  mobius  input rows on it",
    ]
    for rec in records:
        rows = ", ".join(map(str, rec["rows"])) if rec["rows"] else "-"
        lines.append(
            f"  {rec['index']:>4}  {rec['rank']:>4}  {rec['dimension']:>3}  "
            f"{rec['mobius']:>6}  {rows}"
        )
    lines.append(
        "characteristic polynomial (ascending powers of t): " + ", ".join(str(c) for c in coeffs)
    )
    with open_output(args.output, input_path=dataset.source) as out:
        out.write("\n".join(lines) + "\n")
    return EXIT_OK
