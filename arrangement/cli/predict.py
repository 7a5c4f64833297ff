"""The ``arrangement predict`` command: the network of a saved solution on data.

``arrangement solve FILE --lam L --save SOL.json`` stores a solution tied to its data by a
fingerprint of the exact points and labels. ``arrangement predict FILE --solution SOL.json``
reads it back, checks that it belongs to ``FILE`` (a solution of other data is refused), and
prints the predictions ``f(x) = sum_j a_j relu(<theta_j, (x, 1)>)`` on the rows of ``FILE``, or
on the rows of ``--points NEW.csv`` (same features, original units even when the solution was
computed with ``--standardize``). Numeric output (float atoms), said in the header line.

It registers itself with :func:`arrangement.cli.app.subcommand` when imported.
"""

from __future__ import annotations

import argparse
from typing import Any

from arrangement.cli.app import subcommand
from arrangement.core.errors import InputError

__all__ = ["DESCRIPTION", "HELP", "configure", "run"]

HELP = "predictions of a saved solution (solve --save) on its data or on new points"

DESCRIPTION = (
    "Read a solution saved by 'arrangement solve FILE ... --save SOL.json', check that it was "
    "computed on FILE (same exact points and labels), and print its network\n"
    "  f(x) = sum_j a_j relu(<theta_j, (x, 1)>)\n"
    "on the rows of FILE (with the label and the residual) or on the rows of --points NEW "
    "(the same feature columns, in the original units). The atoms are floats: the predictions "
    "are NUMERIC. Output: CSV (default) or --json."
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``arrangement predict`` to ``parser``."""
    from arrangement.cli.app import add_dataset_arguments, add_output_arguments

    add_dataset_arguments(parser, budget=False)  # no enumeration
    parser.add_argument(
        "--solution", required=True, metavar="SOL.json", help="a file written by solve --save"
    )
    parser.add_argument(
        "--points",
        metavar="NEW",
        help="predict on the rows of NEW (same feature columns as FILE; a label column is "
        "ignored) instead of the rows of FILE",
    )
    add_output_arguments(parser, json_help="print one JSON object instead of CSV")


def _fingerprints(dataset: Any, sol: Any) -> list[str]:
    """The fingerprints the solution may carry: of the points as read, or as standardised."""
    from arrangement.training.solution import data_fingerprint

    out = [data_fingerprint(dataset.points, dataset.labels)]
    if sol.standardization is not None and len(sol.standardization.centre) == dataset.n_features:
        pts = sol.standardization.apply_exact(dataset.points)
        out.append(data_fingerprint(pts, dataset.labels))
    return out


@subcommand("predict", help=HELP, configure=configure, description=DESCRIPTION)
def run(args: argparse.Namespace) -> int:
    """Run ``arrangement predict``; return the exit status (errors are raised, not printed)."""
    import numpy as np

    from arrangement.cli.app import emit_json, load_arrangement, open_output
    from arrangement.core.io import load_dataset
    from arrangement.core.numbers import decimal_str, readable
    from arrangement.training.solution import load_solution

    dataset, _ = load_arrangement(args, chambers=False)
    if dataset.labels is None:
        raise InputError(
            "no labels: a solution is tied to the data AND labels it was computed on (name the "
            "label column with --label-column)",
            source=dataset.source,
        )
    sol = load_solution(args.solution)
    load_solution(args.solution, fingerprint=_fingerprints(dataset, sol))  # other data: refused
    if args.points is not None:
        new = load_dataset(args.points, label_column=args.label_column)
        if new.n_features != dataset.n_features:
            raise InputError(
                f"{new.n_features} feature column(s), but the solution was computed on "
                f"{dataset.n_features}",
                source=new.source,
            )
        points, names, labels = new.points, new.feature_names, None
        source = new.source
    else:
        points, names, labels = dataset.points, dataset.feature_names, dataset.labels
        source = dataset.source
    x = np.array([[float(v) for v in row] for row in points], dtype=float).reshape(
        len(points), dataset.n_features
    )
    pred = sol.predict(x) if len(points) else np.zeros(0)
    header = list(names) if names else [f"x{k + 1}" for k in range(dataset.n_features)]
    with open_output(args.output, input_path=dataset.source) as out:
        if args.json:
            record: dict[str, Any] = {
                "source": source,
                "solution": str(args.solution),
                "numeric": True,
                "n_atoms": sol.n_atoms,
                "predictions": [float(v) for v in pred],
            }
            if labels is not None:
                record["labels"] = [readable(v) for v in labels]
                record["residuals"] = [
                    float(v) - float(p) for v, p in zip(labels, pred, strict=True)
                ]
            emit_json(record, out)
            return 0
        cols = [*header, *(["y"] if labels is not None else []), "prediction"]
        cols += ["residual"] if labels is not None else []
        out.write(",".join(cols) + "\n")
        for k, row in enumerate(points):
            cells = [decimal_str(v) for v in row]
            if labels is not None:
                cells.append(decimal_str(labels[k]))
            cells.append(repr(float(pred[k])))
            if labels is not None:
                cells.append(repr(float(labels[k]) - float(pred[k])))
            out.write(",".join(cells) + "\n")
    return 0
