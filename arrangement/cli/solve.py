"""The ``arrangement solve`` command: numerical training with exact checks.

``arrangement solve FILE --lam 1/100 [--json]`` solves ``P_lam`` and ``arrangement solve FILE
--interpolate`` solves ``P_0`` through the exact reformulation over all chambers
(:func:`arrangement.training.solve.solve`). The labels are the ``y`` column of the CSV (or the
column
named by ``--label-column``); ``lam`` is read exactly (``1/100``, ``0.01`` and ``1e-2`` are the
same number). The command is thin: it parses, calls the library and prints.

It registers itself with :func:`arrangement.cli.app.subcommand` when imported.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any

from arrangement.cli.app import subcommand
from arrangement.core.errors import InputError
from arrangement.core.numbers import as_fraction, with_decimal

__all__ = ["DESCRIPTION", "HELP", "configure", "format_solution", "run"]

HELP = "solve the training problem numerically (all chambers) and check its dual exactly"

DESCRIPTION = (
    "Solve TV-regularised training of the infinite-width ReLU network on FILE through its exact "
    "finite convex reformulation over ALL chambers (no sampled activation patterns):\n"
    "  --lam L        P_lam: minimise 1/2 ||K mu - y||^2 + L ||mu||_TV  (L read exactly)\n"
    "  --interpolate  P_0:   minimise ||mu||_TV subject to K mu = y\n"
    "The labels are the 'y' column (or --label-column). The measure, objective and duality gap "
    "are NUMERIC (interior-point solver Clarabel). The dual vector p is then rounded to "
    "rationals and analysed EXACTLY: sup |eta_p|^2, a certified lower bound on the optimal "
    "value, and whether the atoms sit at the maximisers of the rounded certificate."
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``arrangement solve`` to ``parser``."""
    from arrangement.cli.app import add_dataset_arguments

    add_dataset_arguments(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--lam", metavar="L", help="regularisation weight L > 0, read exactly (e.g. 1/100)"
    )
    which.add_argument(
        "--interpolate", action="store_true", help="solve P_0 (exact interpolation, minimal TV)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write the output to OUT (default: standard output)"
    )
    parser.add_argument(
        "--tol",
        type=float,
        default=None,
        metavar="T",
        help="Clarabel gap and feasibility tolerance (default 1e-9)",
    )
    parser.add_argument(
        "--vertex",
        action="store_true",
        help="if the minimiser is not unique, move to a vertex of the optimal face (at most N "
        "atoms, same K mu and total variation) with one simplex linear program",
    )
    parser.add_argument(
        "--no-certify",
        action="store_true",
        help="skip the exact analysis of the dual vector (faster on large arrangements)",
    )


@subcommand("solve", help=HELP, configure=configure, description=DESCRIPTION)
def run(args: argparse.Namespace) -> int:
    """Run ``arrangement solve``; return the exit status (errors are raised, not printed)."""
    from arrangement.cli.app import emit_json, load_arrangement, open_output
    from arrangement.training.solve import DEFAULT_TOL, solve

    lam = None if args.lam is None else as_fraction(args.lam, source="--lam")
    if lam is not None and lam <= 0:
        raise InputError(f"--lam must be positive, got {_short(lam)}")
    tol = DEFAULT_TOL if args.tol is None else args.tol
    if not 0 < tol < 1:
        raise InputError(f"--tol must be in (0, 1), got {tol}")
    dataset, arr = load_arrangement(args)
    if dataset.labels is None:
        raise InputError(
            "no labels: the file needs a 'y' column (or name one with --label-column)",
            source=dataset.source,
        )
    sol = solve(
        arr,
        dataset.labels,
        lam=lam,
        interpolate=bool(args.interpolate),
        tol=tol,
        certify=not args.no_certify,
        vertex=bool(args.vertex),
    )
    with open_output(args.output, input_path=dataset.source) as out:
        if args.json:
            record = sol.to_dict()
            record["source"] = dataset.source
            record["n_regions"] = arr.n_regions
            emit_json(record, out)
        else:
            out.write(format_solution(sol, source=dataset.described, n_regions=arr.n_regions))
    return 0


def _fmt_vec(values: Any, width: int = 9) -> str:
    parts = (f"{float(v):.{width - 3}f}".rstrip("0").rstrip(".") for v in values)
    return "(" + ", ".join(parts) + ")"


def format_solution(sol: Any, *, source: str, n_regions: int) -> str:
    """Human-readable report of a :class:`~arrangement.training.solve.Solution`.

    It separates the numeric part (the interior-point solution) from the rigorous part (the
    exact analysis of the rounded dual vector and the exact support bounds).
    """
    if sol.problem == "P_lam":
        head = "P_lam: minimise 1/2 ||K mu - y||^2 + lam ||mu||_TV with lam = "
        head += _short(sol.lam)
    else:
        head = "P_0: minimise ||mu||_TV subject to K mu = y"
    bound = sol.support_bound
    lines = [
        head,
        f"data: {source} ({len(sol.dual)} rows), {n_regions} chambers"
        + (
            f", {sol.n_blocks} cone blocks (all chambers, exact reformulation)"
            if sol.n_blocks
            else ""
        ),
        "",
        f"NUMERIC (interior-point solver Clarabel, status {sol.status}, "
        f"{sol.iterations} iterations, tol {sol.tolerances['tol']:g}):"
        if sol.n_blocks
        else "EXACT: lam >= lam_max = sup |eta_y| (decided in rational arithmetic), so the zero "
        "measure is optimal; no numerical solve:",
        f"  objective        {sol.objective:.10g}",
        f"  dual objective   {sol.dual_objective:.10g}",
        f"  duality gap      {sol.duality_gap:.3g}",
        f"  residual norm    {sol.residual_norm:.3g}   (||K mu - y||)",
        f"  total variation  {sol.total_variation:.10g}",
        f"  atoms            {sol.n_atoms} ({bound.n_positive} positive, {bound.n_negative} "
        f"negative; blocks of mass below {sol.drop_threshold:.2g} dropped, "
        f"{sol.dropped_mass:.2g} in all)",
    ]
    if sol.atoms_before_vertex is not None:
        lines.append(
            f"  vertex of the optimal face: {sol.atoms_before_vertex} atoms before the simplex "
            f"step, {sol.n_atoms} after (same K mu up to the LP tolerance)"
        )
    if not sol.accurate:
        lines.insert(
            3,
            "WARNING: the duality gap is large or negative: the numerical solve lost accuracy "
            "(is lam far below the scale of the data?); do not trust the measure below.",
        )
    if sol.atoms:
        lines.append("    amplitude       direction (unit)                 active rows")
        for a in sol.atoms:
            where = "" if a.interior else f"  [on hyperplanes of rows {list(a.zero_set)}]"
            lines.append(
                f"    {a.amplitude:+.6e}  {_fmt_vec(a.direction):<32} {list(a.pattern)}{where}"
            )
    lines += [
        "",
        "RIGOROUS (exact arithmetic):",
        f"  support bound for every minimiser (docs/theory.md 7.1): at most {bound.per_sign} "
        f"atoms per sign, {bound.total} in total -- "
        + ("respected" if bound.satisfied else "VIOLATED"),
        "  atom patterns: decided exactly on a rational point of the atom's closed chamber",
    ]
    cert = sol.certificate
    if cert is None:
        lines.append("  dual vector: not analysed (--no-certify)")
    else:
        sup = cert.sup_norm_squared
        near_one = abs(sup - 1) < Fraction(1, 1000)
        verdict = "valid" if cert.valid else "NOT valid"
        if near_one and not cert.valid:
            verdict += " (slightly above 1)"
        value = f"{_short(sup)} = 1 {float(sup - 1):+.3g}" if near_one else _short(sup)
        scale = _short(cert.scale)
        lines += [
            f"  rounded dual vector p (denominators <= {sol.tolerances['dual_denominator']:g}):"
            if sol.n_blocks
            else "  dual vector p = y / lam (exact):",
            f"    sup |eta_p|^2 = {value}: {verdict}",
            f"    certified lower bound on the optimal value: {float(cert.lower_bound):.10g} "
            f"(exact: {_short(cert.lower_bound)}, from c * p with c = "
            f"{scale if 'json' not in scale else 'the value in --json'})",
            f"    atoms at maximisers of the rounded certificate: "
            f"{sum(a.at_extreme for a in cert.atoms)} of {len(cert.atoms)} "
            f"(angle and |eta^2 - 1| <= {sol.tolerances['extreme_tol']:g})",
        ]
    return "\n".join(lines) + "\n"


def _short(q: Any, limit: int = 60) -> str:
    """``"p/q"``, or with its decimal (and size) when too long to read (``--json`` has it)."""
    return with_decimal(q)
