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
import math
import os
import sys
from fractions import Fraction
from typing import Any

from arrangement.cli.app import same_file, subcommand
from arrangement.core.errors import InputError
from arrangement.core.numbers import as_fraction, fraction_str, readable, sqrt_float, with_decimal

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
    which.add_argument(
        "--path",
        action="store_true",
        help="the regularisation path: --n-lam values of lam from lam_max (exact) down",
    )
    parser.add_argument("--n-lam", type=int, default=None, metavar="K", help="path points (20)")
    parser.add_argument(
        "--lam-min-ratio",
        default=None,
        metavar="R",
        help="last lam of the path as a fraction of lam_max, in (0, 1) (default 1/1000)",
    )
    parser.add_argument(
        "--method",
        choices=("working-set", "full"),
        default="working-set",
        help="working-set: column generation stopped by the exact certificate (default); "
        "full: all chambers in one conic program (for checking)",
    )
    parser.add_argument(
        "--standardize",
        action="store_true",
        help="centre and scale every feature first (exact; reported; predictions of a saved "
        "solution are in the original units)",
    )
    parser.add_argument(
        "--dual-out", metavar="P.csv", help="write the rounded dual vector p for `certify --dual`"
    )
    parser.add_argument(
        "--save", metavar="SOL.json", help="save the solution as JSON (see Solution.predict)"
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
    from dataclasses import replace

    from arrangement.cli.app import emit_json, open_output
    from arrangement.training.solve import DEFAULT_TOL

    if not (args.lam or args.interpolate or args.path):
        raise InputError("give --lam L, --interpolate or --path")
    if not args.path and (args.n_lam is not None or args.lam_min_ratio is not None):
        raise InputError("--n-lam and --lam-min-ratio go with --path")
    n_lam = 20 if args.n_lam is None else args.n_lam
    if n_lam < 1:
        raise InputError(f"--n-lam must be at least 1, got {n_lam}")
    ratio = as_fraction(args.lam_min_ratio or "1/1000", source="--lam-min-ratio")
    if not 0 < ratio < 1:
        raise InputError(f"--lam-min-ratio must be in (0, 1), got {_short(ratio)}")
    lam = None if args.lam is None else as_fraction(args.lam, source="--lam")
    if lam is not None and lam <= 0:
        raise InputError(f"--lam must be positive, got {_short(lam)}")
    tol = DEFAULT_TOL if args.tol is None else args.tol
    if not 0 < tol < 1:
        raise InputError(f"--tol must be in (0, 1), got {tol}")
    named = [
        (flag, path)
        for flag, path in (
            ("-o", args.output),
            ("--dual-out", args.dual_out),
            ("--save", args.save),
        )
        if path is not None and path != "-"
    ]
    for k, (flag, path) in enumerate(named):
        for other, earlier in named[:k]:
            if os.path.abspath(path) == os.path.abspath(earlier) or same_file(path, earlier):
                raise InputError(
                    f"{other} and {flag} name the same file: one would overwrite the other",
                    source=path,
                )
    for out in (args.dual_out, args.save):
        if out is not None and out != "-":
            parent = os.path.dirname(os.path.abspath(out))
            if not os.path.isdir(parent):
                raise InputError("the directory does not exist", source=out)
            if same_file(out, args.file):
                raise InputError("refusing to overwrite the input file", source=out)
    dataset, arr = _load(args)
    if dataset.labels is None:
        raise InputError(
            "no labels: the file needs a 'y' column (or name one with --label-column)",
            source=dataset.source,
        )
    if args.path:
        return _run_path(args, dataset, arr, n_lam=n_lam, ratio=ratio, tol=tol)
    sol = _with_source(
        dataset,
        lambda: _solve(
            arr,
            dataset.labels,
            lam=lam,
            interpolate=bool(args.interpolate),
            tol=tol,
            certify=not args.no_certify,
            vertex=bool(args.vertex),
            method=args.method,
        ),
    )
    if args.standardize_info is not None:
        sol = replace(sol, standardization=args.standardize_info)
    inst = None
    if sol.problem == "P_lam" and sol.certificate is not None:
        # every minimiser's support, bounded from this one solve (docs/theory.md, section 10)
        from arrangement.training.network import instance_bound_of_solution

        inst = _with_source(dataset, lambda: instance_bound_of_solution(arr, dataset.labels, sol))
    with open_output(args.output, input_path=dataset.source) as out:
        if args.json:
            record = sol.to_dict()
            record["source"] = dataset.source
            record["n_regions"] = arr.n_regions
            record["instance_support_bound"] = None if inst is None else inst.to_dict()
            emit_json(record, out)
        else:
            out.write(format_solution(sol, source=dataset.described, n_regions=arr.n_regions))
            if inst is not None:
                from arrangement.cli.network import format_instance

                out.write("\n".join(format_instance(inst)) + "\n")
                pos = sum(1 for a in sol.atoms if a.amplitude > 0)
                neg = len(sol.atoms) - pos
                if pos > inst.face_plus or neg > inst.face_minus:
                    out.write(
                        f"note: the numerical measure has {pos} positive and {neg} negative "
                        f"atoms, more than every exact minimiser can have ({inst.face_plus} and "
                        f"{inst.face_minus}, proved above): the extra atoms are solver noise "
                        "(small masses, or atoms of one sign sharing a closed chamber, which "
                        "merge); a tighter --tol or --method full removes them\n"
                    )
            if args.interpolate and sol.n_atoms > len(sol.dual) and not args.vertex:
                out.write(
                    f"note: {sol.n_atoms} atoms for {len(sol.dual)} rows: the minimiser is not "
                    "unique; --vertex gives one with at most N atoms\n"
                )
        # the dual and the solution files only once the report is written
        if args.dual_out:
            _write_dual(args.dual_out, sol)
        if args.save:
            from arrangement.training.solution import data_fingerprint, save_solution

            save_solution(sol, args.save, fingerprint=data_fingerprint(arr.points, dataset.labels))
    return 0


def _load(args: argparse.Namespace) -> tuple[Any, Any]:
    """The dataset and its arrangement, standardised on request; a one-line scale warning."""
    from dataclasses import replace

    from arrangement.cli.app import load_arrangement
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.training.scaling import scale_problem, standardize

    args.standardize_info = None
    if not args.standardize:
        dataset, arr = load_arrangement(args)
        warning = scale_problem(dataset.points, dataset.feature_names)
        if warning:
            sys.stderr.write(f"arrangement: {dataset.source}: warning: {warning}\n")
        return dataset, arr
    dataset, _ = load_arrangement(args, chambers=False)
    st = _with_source(dataset, lambda: standardize(dataset.points, names=dataset.feature_names))
    args.standardize_info = st
    sys.stderr.write(f"standardised: {st.describe()}\n")
    pts = tuple(tuple(r) for r in st.apply_exact(dataset.points))
    dataset = replace(dataset, points=pts)
    arr = Arrangement.from_points(pts, dim=dataset.n_features)
    from arrangement.core.progress import Progress

    with Progress(None, "enumerating chambers") as bar:
        arr.regions(progress=bar)
    return dataset, arr


def _with_source(dataset: Any, call: Any) -> Any:
    """Run ``call``; an InputError about a data row gets the file and its line."""
    try:
        return call()
    except InputError as exc:
        if exc.source is None and exc.row is not None:
            raise InputError(
                exc.message, source=dataset.source, row=dataset.line_of(exc.row)
            ) from None
        raise


def _solve(arr: Any, labels: Any, **kwargs: Any) -> Any:
    """:func:`arrangement.training.solve` with one progress line per round on a terminal."""
    from arrangement.core.progress import progress_enabled
    from arrangement.training.solve import solve

    show = progress_enabled()

    def report(rnd: Any) -> None:
        gap = "" if rnd.gap is None else f", certified gap {rnd.gap:.2g}"
        sys.stderr.write(
            f"\rround {rnd.index}: working set {rnd.working_set} chambers, "
            f"max |eta| ~ {rnd.max_price:.6g}, +{rnd.added}{gap}\033[K"
        )
        sys.stderr.flush()

    try:
        return solve(arr, labels, progress=report if show else None, **kwargs)
    finally:
        if show:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _write_dual(path: str, sol: Any) -> None:
    """The rounded (exact) dual vector, one entry per row, readable by ``certify --dual``."""
    from arrangement.cli.app import open_output

    values = (
        [fraction_str(q) for q in sol.certificate.dual]
        if sol.certificate is not None
        else [repr(float(v)) for v in sol.dual]
    )
    with open_output(path) as fh:
        fh.write("p\n")
        for v in values:
            fh.write(v + "\n")


def _run_path(
    args: argparse.Namespace, dataset: Any, arr: Any, *, n_lam: int, ratio: Fraction, tol: float
) -> int:
    from arrangement.cli.app import emit_json
    from arrangement.core.progress import progress_enabled
    from arrangement.training.path import regularization_path
    from arrangement.training.solve import lam_max_squared

    if args.dual_out or args.save:
        raise InputError("--dual-out and --save take a single --lam, not --path")
    lms = _with_source(dataset, lambda: lam_max_squared(arr, dataset.labels))
    show = progress_enabled()

    def report(pt: Any) -> None:
        if show:
            sys.stderr.write(f"\rlam {float(pt.lam):.4g}: {pt.solution.n_atoms} atoms\033[K")
            sys.stderr.flush()

    try:
        points = _with_source(
            dataset,
            lambda: regularization_path(
                arr,
                dataset.labels,
                n_lam=n_lam,
                lam_min_ratio=ratio,
                tol=tol,
                method=args.method,
                progress=report,
            ),
        )
    finally:
        if show:
            sys.stderr.write("\r\033[K")
    from arrangement.cli.app import open_output

    if args.json:
        with open_output(args.output, input_path=dataset.source) as out:
            emit_json(
                {
                    "source": dataset.source,
                    "n_regions": arr.n_regions,
                    "lam_max_squared": fraction_str(lms),
                    "lam_max": sqrt_float(lms),
                    "points": [p.to_dict() for p in points],
                },
                out,
            )
        return 0
    lines = [
        f"regularisation path of P_lam on {dataset.source} ({arr.n_points} rows, "
        f"{arr.n_regions} chambers)",
        f"lam_max = sqrt({readable(lms)}) = {sqrt_float(lms):.10g} (exact square: sup |eta_y|^2)",
        "",
        f"{'lam':>12} {'objective':>14} {'certified gap':>13} {'atoms +/-':>9} "
        f"{'bound/sign':>10} {'W':>6} {'optimal':>7}",
    ]
    for p in points:
        sol = p.solution
        b = sol.support_bound
        gap = "-" if sol.relative_gap is None else f"{sol.relative_gap:.1e}"
        lines.append(
            f"{float(p.lam):>12.6g} {sol.objective:>14.8g} {gap:>13} "
            f"{f'{b.n_positive}/{b.n_negative}':>9} {b.per_sign:>10} {len(sol.working_set):>6} "
            f"{'yes' if sol.optimal else 'NO':>7}"
        )
    with open_output(args.output, input_path=dataset.source) as out:
        out.write("\n".join(lines) + "\n")
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
    lines: list[str] = [
        head,
        f"data: {source} ({len(sol.dual)} rows), {n_regions} chambers"
        + (
            f", {sol.n_blocks} cone blocks (all chambers, exact reformulation)"
            if sol.n_blocks and sol.method == "full"
            else ""
        )
        + (
            f"; working set of {len(sol.working_set)} chambers after {len(sol.rounds)} "
            + ("round " if len(sol.rounds) == 1 else "rounds ")
            + "(column generation priced over ALL chambers, stopped by the exact certificate)"
            if sol.method == "working-set" and sol.n_blocks
            else ""
        ),
    ]
    if sol.lam_max_squared is not None:
        lines.append(
            f"lam_max = sup |eta_y| = sqrt({_short(sol.lam_max_squared)}) = "
            f"{sqrt_float(sol.lam_max_squared):.10g} (exact square)"
        )
    lines += [
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
        hint = " (is lam far below the scale of the data?)" if sol.problem == "P_lam" else ""
        lines.insert(
            3,
            "WARNING: the duality gap is large or negative: the numerical solve lost "
            f"accuracy{hint}; do not trust the measure below.",
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
            f"  rounded dual vector p (common denominator {_denominator(cert.dual)}):"
            if sol.n_blocks
            else "  dual vector p = y / lam (exact):",
            f"    sup |eta_p|^2 = {value}: {verdict}",
            f"    certified lower bound on the optimal value: {_short(cert.lower_bound)} "
            f"(from c * p with c = {scale})",
            f"    certified relative gap: {sol.relative_gap:.2g}"
            + (
                " (P_0: the float measure interpolates y only to the solver tolerance, so its "
                "TV is not a strict upper bound)"
                if sol.problem == "P_0"
                else ""
            )
            + " -- "
            + (
                f"OPTIMAL within {sol.tolerances.get('gap_tol', 1e-8):g} (certified)"
                if sol.optimal
                else f"NOT certified optimal (tolerance {sol.tolerances.get('gap_tol', 1e-8):g})"
            ),
            f"    atoms at maximisers of the rounded certificate: "
            f"{sum(a.at_extreme for a in cert.atoms)} of {len(cert.atoms)} "
            f"(angle and |eta^2 - 1| <= {sol.tolerances['extreme_tol']:g})",
        ]
    return "\n".join(lines) + "\n"


def _denominator(values: Any) -> str:
    """The common denominator of exact rationals: ``2^e`` when a power of two."""
    den = math.lcm(*(Fraction(q).denominator for q in values)) if len(values) else 1
    return f"2^{den.bit_length() - 1}" if den & (den - 1) == 0 else with_decimal(den)


def _short(q: Any, limit: int = 60) -> str:
    """``"p/q"``, or with its decimal (and size) when too long to read (``--json`` has it)."""
    return with_decimal(q)
