"""The ``arrangement plot`` command: pictures of a dataset in data space and in parameter space.

Usage::

    arrangement plot FILE -o out.png                     # chambers, coloured by |A(theta)|
    arrangement plot FILE --dual P.csv -o out.png        # coloured by eta_p, |eta_p| ~ 1 marked
    arrangement plot FILE --lam 1/10 -o out.png          # solve P_lam: f(x), knots, eta, atoms
    arrangement plot FILE --interpolate -o out.pdf       # the same for P_0
    arrangement plot FILE --atoms A.csv --view data -o out.svg   # the network of given atoms

The command is thin: it reads the files, calls :func:`arrangement.plot.draw` (and
:func:`arrangement.training.solve.solve` for ``--lam`` / ``--interpolate``) and writes the
picture; with ``--json`` it prints what was drawn. It registers itself with
:func:`arrangement.cli.app.subcommand` when imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from arrangement.cli.app import subcommand
from arrangement.core.errors import InputError

__all__ = ["DESCRIPTION", "HELP", "configure", "run"]

HELP = (
    "draw the data with the network f of a solution (data space) and the arrangement on the "
    "circle or sphere (parameter space), as PNG, PDF or SVG"
)

DESCRIPTION = """\
Draw a dataset with d = 1 or d = 2 as a PNG, PDF or SVG picture (by the suffix of -o).

data space (--view data): the data, the network f(x) = sum_j c_j relu(<theta_j, (x, 1)>) of a
  solution (--lam, --interpolate) or of given atoms (--atoms), the knot x = -b/a of each atom
  theta = (a, b) and, with a dual vector, eta_p over the knot position (d = 1); a filled
  contour of f, the data coloured by y and each atom's zero line a.x + b = 0 (d = 2).
parameter space (--view parameter): the arrangement on the circle (d = 1) or the sphere
  (d = 2), coloured by eta_p, every chamber maximum with |eta_p| >= 1 - tol marked, badly
  scaled raw data drawn in exact display coordinates (said in the title).
both: one above the other; the default (auto) when a measure is drawn."""

_FORMATS = (".png", ".pdf", ".svg")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``arrangement plot`` to ``parser``."""
    from arrangement.cli.app import add_dataset_arguments

    add_dataset_arguments(parser)
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--dual",
        metavar="P.csv",
        help="one-column CSV with a dual vector p (one entry per data row): colour by eta_p "
        "and mark every chamber maximum with |eta_p| >= 1 - tol (exact certificate)",
    )
    what.add_argument(
        "--lam",
        metavar="LAM",
        help="solve P_lam with this lam > 0 (labels from the 'y' column) and draw its atoms "
        "and its dual certificate",
    )
    what.add_argument(
        "--interpolate",
        action="store_true",
        help="solve P_0 (minimal total variation interpolation) and draw it",
    )
    parser.add_argument(
        "--atoms",
        metavar="A.csv",
        help="a measure to draw: one row per atom, its amplitude c then the D coordinates of "
        "theta (the row contributes c relu(<theta, (x, 1)>) to f; data/line7_atoms.csv has this "
        "layout); not with --lam or --interpolate",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="the picture to write: PNG, PDF or SVG, chosen by the suffix (.png, .pdf, .svg)",
    )
    parser.add_argument(
        "--view",
        choices=("auto", "data", "parameter", "both"),
        default="auto",
        help="data: the data, f(x) with its knots (d = 1, with eta over the knots) or a contour "
        "of f with the zero lines of the atoms (d = 2); parameter: the circle or sphere of "
        "neurons; both: one above the other (default auto: both when a measure is drawn, "
        "else parameter)",
    )
    parser.add_argument(
        "--tol",
        metavar="EPS",
        help="mark every chamber maximum with |eta_p| >= 1 - EPS (default: 1e-4)",
    )
    parser.add_argument(
        "--drop-below",
        type=float,
        metavar="A",
        help="do not mark atoms with |amplitude| < A (default: ten times the solver's drop "
        "threshold, i.e. solver noise)",
    )
    parser.add_argument(
        "--rescale",
        choices=("auto", "always", "never"),
        default="auto",
        help="parameter view: draw badly scaled data (large offsets, tiny or huge ranges) in "
        "rescaled display coordinates, said in the picture (default: auto)",
    )
    parser.add_argument(
        "--projection",
        choices=("lambert", "orthographic"),
        default="lambert",
        help="map of each hemisphere to a disc for d = 2 (default: lambert equal-area)",
    )
    parser.add_argument("--title", help="replace the first line of the title")
    parser.add_argument("--dpi", type=int, default=150, help="resolution (default: 150)")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON summary of what was drawn (file, view, marked points, atoms)",
    )


@subcommand("plot", help=HELP, configure=configure, description=DESCRIPTION)
def run(args: argparse.Namespace) -> int:
    """Run ``arrangement plot``; return the exit status (0).

    Raises
    ------
    InputError
        For unreadable data, dual or atoms files, ``d`` other than 1 or 2, a dual vector of the
        wrong length, missing labels with ``--lam`` / ``--interpolate``, data beyond the float
        range with ``--lam`` / ``--interpolate``, an unsupported output suffix or an output path
        equal to an input file. :func:`arrangement.cli.app.main` turns it into one line on
        standard error and exit status 1.
    """
    from arrangement.cli.app import emit_json, load_arrangement
    from arrangement.plot import draw

    out = _output_path(args)
    dataset, arr = load_arrangement(args)
    _protect_inputs(args, out, dataset.source)
    if arr.dimension not in (2, 3):  # fail before any solving
        raise InputError(
            f"plotting needs d = 1 or d = 2 (these data have d = {arr.dimension - 1})",
            source=dataset.source,
        )
    dual, atoms = _measure_and_dual(args, dataset, arr)
    picture = draw(
        arr,
        view=args.view,
        labels=dataset.labels,
        dual=dual,
        atoms=atoms,
        tol=args.tol,
        drop_below=args.drop_below,
        rescale=args.rescale,
        projection=args.projection,
        feature_names=dataset.feature_names,
        title=args.title,
        path=out,
        dpi=args.dpi,
    )
    if args.json:
        emit_json(
            {
                "file": str(out),
                "format": out.suffix.lstrip(".").lower(),
                "source": dataset.source,
                "view": picture.view,
                **picture.summary,
            }
        )
    return 0


def _output_path(args: argparse.Namespace) -> Path:
    out = Path(args.output)
    if out.suffix.lower() not in _FORMATS:
        raise InputError(
            f"unsupported picture format {out.suffix or '(no suffix)'!r}: use "
            + ", ".join(_FORMATS),
            source=str(out),
        )
    if args.dpi < 10 or args.dpi > 1200:
        raise InputError("--dpi must be between 10 and 1200")
    if args.atoms is not None and (args.lam is not None or args.interpolate):
        raise InputError("--atoms draws a given measure: not with --lam or --interpolate")
    return out


def _protect_inputs(args: argparse.Namespace, out: Path, data_source: str) -> None:
    """No input file (data, dual, atoms) may be the output."""
    from arrangement.cli.app import same_file

    for given in (data_source, args.dual, args.atoms):
        if given is not None and same_file(out, given):
            raise InputError("refusing to overwrite an input file", source=str(out))


def _measure_and_dual(args: argparse.Namespace, dataset: Any, arr: Any) -> tuple[Any, Any]:
    """The dual vector and the measure to draw, read from files or solved for."""
    from arrangement.core.io import load_dataset, load_vector

    dual: Any = None
    atoms: Any = None
    if args.dual is not None:
        dual = load_vector(args.dual, length=arr.n_points, name="dual")
    if args.atoms is not None:
        table = load_dataset(args.atoms, no_label=True)
        if table.n_features != arr.dimension + 1:
            raise InputError(
                f"{table.n_features} columns, expected {arr.dimension + 1} (the amplitude, then "
                f"the D = {arr.dimension} coordinates of theta)",
                source=table.source,
            )
        atoms = []
        for i, row in enumerate(table.points):
            if not any(row[1:]):
                raise InputError(
                    f"row {table.line_of(i)}: theta is the zero vector", source=table.source
                )
            atoms.append((row[1:], row[0]))
    elif args.lam is not None or args.interpolate:
        if dataset.labels is None:
            raise InputError(
                "--lam and --interpolate need labels (a 'y' column or --label-column)",
                source=dataset.source,
            )
        _check_float_range(dataset)
        from arrangement.training.solve import solve

        if args.interpolate:
            solution = solve(arr, dataset.labels, interpolate=True)
        else:
            solution = solve(arr, dataset.labels, lam=args.lam)
        dual = atoms = solution
        sys.stderr.write(
            f"{solution.problem}: {solution.n_atoms} atoms, objective {solution.objective:.6g}\n"
        )
    return dual, atoms


#: Magnitudes the numerical solver can take (squares and sums of squares stay finite).
_FLOAT_SAFE = 2**500


def _check_float_range(dataset: Any) -> None:
    """The numerical solver works in floats: stop at the first value it cannot take."""
    from arrangement.core.numbers import readable

    for i, row in enumerate(dataset.points):
        values = [*row, dataset.labels[i]]
        for v in values:
            if v and not (1 / _FLOAT_SAFE < abs(v) < _FLOAT_SAFE):
                raise InputError(
                    f"row {dataset.line_of(i)}: the value {readable(v)} is beyond the range the "
                    "numerical solver of --lam/--interpolate can take (about 1e-150 to 1e150); "
                    "rescale the data, or draw them without --lam",
                    source=dataset.source,
                )
