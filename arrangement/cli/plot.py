"""The ``arrangement plot`` command: draw the arrangement of a dataset (``d = 1`` or ``d = 2``).

Usage::

    arrangement plot FILE -o out.png                     # chambers, coloured by |A(theta)|
    arrangement plot FILE --dual P.csv -o out.png        # coloured by eta_p, maximisers marked
    arrangement plot FILE --lam 1/10 -o out.png          # solve P_lam, draw its atoms and eta_p
    arrangement plot FILE --interpolate -o out.png       # the same for P_0

The command is thin: it reads the files, calls :func:`arrangement.plot.plot_arrangement` (and
:func:`arrangement.training.solve.solve` for ``--lam`` / ``--interpolate``) and writes the picture.
It
registers itself with :func:`arrangement.cli.app.subcommand` when imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from arrangement.cli.app import subcommand
from arrangement.core.errors import InputError

__all__ = ["HELP", "configure", "run"]

HELP = "draw the arrangement on the circle (d = 1) or the sphere (d = 2) as a PNG"

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
        "and mark the maximisers of |eta_p| found by the exact certificate",
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
    what.add_argument(
        "--path",
        action="store_true",
        help="the regularisation path: atoms (+/-) against lam with the support bounds",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT.png",
        help="the picture to write (.png, .pdf or .svg)",
    )
    parser.add_argument(
        "--projection",
        choices=("lambert", "orthographic"),
        default="lambert",
        help="map of each hemisphere to a disc for d = 2 (default: lambert equal-area)",
    )
    parser.add_argument("--title", help="replace the first line of the title")
    parser.add_argument("--dpi", type=int, default=150, help="resolution (default: 150)")


@subcommand("plot", help=HELP, configure=configure)
def run(args: argparse.Namespace) -> int:
    """Run ``arrangement plot``; return the exit status (0).

    Raises
    ------
    InputError
        For unreadable data or dual files, ``d`` other than 1 or 2, a dual vector of the wrong
        length, missing labels with ``--lam`` / ``--interpolate``, an unsupported output suffix
        or an output path equal to the input file. :func:`arrangement.cli.app.main` turns it into
        one line on standard error and exit status 1.
    """
    from arrangement.cli.app import load_arrangement, same_file
    from arrangement.core.io import load_vector
    from arrangement.plot import plot_arrangement

    out = Path(args.output)
    if out.suffix.lower() not in _FORMATS:
        raise InputError(
            f"unsupported picture format {out.suffix or '(no suffix)'!r}: use "
            + ", ".join(_FORMATS),
            source=str(out),
        )
    if args.dpi < 10 or args.dpi > 1200:
        raise InputError("--dpi must be between 10 and 1200")
    dataset, arr = load_arrangement(args)
    if same_file(out, dataset.source):
        raise InputError("refusing to overwrite the input file", source=str(out))
    if getattr(args, "path", False):
        return _plot_path(args, dataset, arr, out)
    if arr.dimension not in (2, 3):  # fail before any solving
        raise InputError(
            f"plotting needs d = 1 or d = 2 (these data have d = {arr.dimension - 1})",
            source=dataset.source,
        )
    dual: Any = None
    atoms: Any = None
    if args.dual is not None:
        dual = load_vector(args.dual, length=arr.n_points, name="dual")
    elif args.lam is not None or args.interpolate:
        if dataset.labels is None:
            raise InputError(
                "--lam and --interpolate need labels (a 'y' column or --label-column)",
                source=dataset.source,
            )
        from arrangement.training.solve import solve

        if args.interpolate:
            solution = solve(arr, dataset.labels, interpolate=True)
        else:
            solution = solve(arr, dataset.labels, lam=args.lam)
        dual = atoms = solution
        sys.stderr.write(
            f"{solution.problem}: {solution.n_atoms} atoms, objective {solution.objective:.6g}\n"
        )
    plot_arrangement(
        arr,
        dual=dual,
        atoms=atoms,
        projection=args.projection,
        title=args.title,
        path=out,
        dpi=args.dpi,
    )
    return 0


def _plot_path(args: argparse.Namespace, dataset: Any, arr: Any, out: Path) -> int:
    """``plot --path``: the regularisation path (any d), drawn by arrangement.plot.path."""
    from arrangement.plot.path import plot_path
    from arrangement.training.path import regularization_path

    if dataset.labels is None:
        raise InputError("--path needs labels (a 'y' column or --label-column)",
                         source=dataset.source)
    points = regularization_path(arr, dataset.labels)
    plot_path(points, path=out, title=args.title, dpi=args.dpi)
    return 0
