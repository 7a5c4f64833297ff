"""Subcommands ``certify``, ``precertify`` and ``bound`` (registered on import by the CLI).

Thin wrappers: they read files, call :mod:`arrangement.certificates.certificate`,
:mod:`arrangement.certificates.precertificate` and :mod:`arrangement.certificates.bounds`, and
print.
"""

from __future__ import annotations

import argparse
import math
from fractions import Fraction
from typing import Any

from arrangement.cli.app import (
    EXIT_OK,
    add_cluster_arguments,
    add_dataset_arguments,
    add_output_arguments,
    cluster_client,
    emit_json,
    load_arrangement,
    open_output,
    size_check,
    subcommand,
    wants_cluster,
)
from arrangement.core.errors import InputError
from arrangement.core.io import load_dataset, load_vector
from arrangement.core.numbers import as_fraction, fraction_str, with_decimal

__all__: list[str] = []


def _short(value: Any) -> str:
    """An exact number (or its ``"p/q"`` text) as a person reads it.

    Exact when short, else with a decimal beside it and, when very long, its size
    (:func:`~arrangement.core.numbers.with_decimal`); ``--json`` keeps the whole value.
    """
    return with_decimal(as_fraction(value))


def _extreme_lines(extremes: list[dict[str, Any]], sup_squared: str = "1") -> list[str]:
    """One line per extreme point; ``|eta|^2 = sup_squared`` there (1 for a valid certificate)."""
    lines = []
    for e in extremes:
        where = "interior" if e["interior"] else f"boundary, zero set rows {e['zero_set']}"
        sign = "+" if e["sign"] > 0 else "-"
        level = e.get("value_squared", sup_squared)
        shown = with_decimal(as_fraction(level))
        value = f"eta = {sign}1" if level == "1" else f"eta^2 = {shown}, eta {sign}"
        lines.append(
            f"    {value} at direction {_direction(e['direction'])} (active rows "
            f"{e['pattern']}; {where})"
        )
    return lines


def _direction(direction: list[int], limit: int = 12) -> str:
    """An integer direction, or its unit vector in decimals when an entry is too long to read."""
    if all(len(str(abs(x))) <= limit for x in direction):
        return str(direction)
    top = max(abs(x) for x in direction)
    scaled = [float(Fraction(x, top)) for x in direction]  # exact ratios, then floats in [-1, 1]
    norm = sum(v * v for v in scaled) ** 0.5
    unit = ", ".join(f"{v / norm:.6f}" for v in scaled)
    return f"≈ ({unit}) (unit vector; the exact integer direction is in --json)"


def _bound_lines(bounds: dict[str, Any], tightest: dict[str, str] | None = None) -> list[str]:
    marks = (
        {}
        if tightest is None
        else {
            tightest[k]: m
            for k, m in (("every", "tightest for every minimiser"), ("some", "tightest: existence"))
            if k in tightest
        }
    )
    lines = []
    for name, b in bounds.items():
        state = "applies" if b["holds"] else "does not apply"
        mark = f"  <- {marks[name]}" if name in marks else ""
        lines.append(f"  {name:<12} {b['bounds']} <= {b['value']}   [{state}]{mark}")
        lines.append(f"  {'':<12} hypothesis: {b['hypothesis']}")
    return lines


# ---------------------------------------------------------------------------- certify


def _certify_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    parser.add_argument(
        "--dual",
        required=True,
        metavar="P.csv",
        help="one-column CSV: the dual vector p, one exact value per input row",
    )
    parser.add_argument(
        "--lam",
        metavar="L",
        help="with the labels of FILE: if the minimiser is unique, its exact amplitudes "
        "(solving Phi_E c = y - L p)",
    )
    parser.add_argument(
        "--tol",
        metavar="EPS",
        help="also report validity up to EPS (sup |eta| <= 1 + EPS) and every point where eta "
        "peaks on a closed chamber with |eta| >= 1 - EPS; 0 < EPS < 1, read exactly (e.g. 1e-9)",
    )
    add_cluster_arguments(parser, "certify")
    add_output_arguments(parser)


@subcommand(
    "certify",
    help="decide exactly whether a dual vector gives a valid certificate",
    configure=_certify_args,
    description="Evaluate eta_p(theta) = sum_i p_i relu(<theta, (x_i, 1)>) chamber by chamber: "
    "the exact sup |eta|^2, the verdict |eta| <= 1, every extreme point with its activation "
    "pattern, the support bounds and the exact uniqueness test. With --workers or --scheduler "
    "each cone of chambers is certified on its own (its sup and extreme points), then reduced: "
    "the same verdict and points; chamber numbers then follow the cones.",
)
def _certify(args: argparse.Namespace) -> int:
    from arrangement.certificates.bounds import uniqueness
    from arrangement.certificates.certificate import certify
    from arrangement.certificates.precertificate import nondegeneracy

    cluster = wants_cluster(args)  # a bad --workers is refused before any reading
    tol = None if args.tol is None else as_fraction(args.tol, source="--tol")
    if tol is not None and not 0 < tol < 1:
        raise InputError(f"--tol must be in (0, 1), got {args.tol}")
    dataset, arr = load_arrangement(args, chambers=not cluster)
    if cluster:
        size_check(arr, args, held=False)  # each worker holds one cone at a time
    dual = load_vector(args.dual, length=arr.n_points, name="dual")
    lam = None if args.lam is None else as_fraction(args.lam, source="--lam")
    if lam is not None and lam <= 0:
        raise InputError(f"--lam must be positive, got {_short(lam)}")
    if lam is not None and dataset.labels is None:
        raise InputError(
            "--lam needs labels: the file has no 'y' column (or name one with --label-column)",
            source=dataset.source,
        )
    if cluster:
        from arrangement.distributed.partition import certify_distributed

        with cluster_client(args) as client:
            cert = certify_distributed(arr, dual, client, tol=tol)
    else:
        cert = certify(arr, dual, tol=tol)
    rec = cert.to_dict()
    report = nondegeneracy(cert)
    rec["nondegeneracy"] = report.to_dict()
    if lam is not None:
        rec["lam"] = fraction_str(lam)
        rec["uniqueness"] = uniqueness(cert, labels=dataset.labels, lam=lam).to_dict()
    if args.json:
        with open_output(args.output, input_path=dataset.source) as stream:
            emit_json(rec, stream)
        return EXIT_OK
    out = [
        f"Exact certificate of {args.dual} on {dataset.described} "
        f"({rec['n_chambers']} chambers, {rec['n_exact_chambers']} on the exact path):",
        f"  sup |eta|^2 = {with_decimal(cert.sup_norm_squared)}  ->  "
        + ("VALID (|eta| <= 1 everywhere)" if rec["valid"] else "INVALID (|eta| > 1 somewhere)"),
    ]
    if rec["extremes"]:
        out.append(f"  extreme points (|eta| = 1): {len(rec['extremes'])}")
        out += _extreme_lines(rec["extremes"])
        for pattern in rec["shared_dual_regions"]:
            out.append(
                f"  note: the dual region with active rows {pattern} holds several extreme "
                "points (no theorem forbids it for d >= 2; docs/theory.md, 7.4)"
            )
    elif rec["valid"]:
        out.append(
            "  no extreme point: |eta| < 1 everywhere (exactly), so p certifies only the zero "
            "measure" + ("" if tol is not None else "; --tol EPS shows the points near |eta| = 1")
        )
    else:
        out.append("  worst points:")
        out += _extreme_lines(rec["maximisers"], rec["sup_norm_squared"])
    unique = rec["unique"]
    if unique and not rec["extremes"]:
        verdict_u = "vacuous (no extreme point; a rounded numerical dual just below 1 is not "
        verdict_u += "the dual optimum: see --tol)"
    else:
        verdict_u = "proved (phi over the extreme set is independent)" if unique else "not proved"
    out.append("  uniqueness: " + verdict_u)
    if rec["extremes"]:
        nd = report.nondegenerate
        verdict = {True: "holds", False: "fails", None: "not decided"}[nd]
        out.append(
            f"  non-degenerate (strict |eta| < 1 off E, independence, strict "
            f"complementarity at boundary points): {verdict}"
        )
    amps = rec.get("uniqueness", {}).get("amplitudes")
    if amps:
        out.append(f"  exact amplitudes of the unique minimiser for lam = {rec['lam']}:")
        out += [
            f"    direction {a['direction']}: amplitude^2 = "
            f"{with_decimal(as_fraction(a['amplitude_squared']))}"
            + (" (positive)" if a["sign"] > 0 else " (negative)")
            for a in amps
        ]
    elif "uniqueness" in rec and rec["uniqueness"]["consistent"] is False:
        out.append(
            f"  p is not the optimal dual vector of P_lam for lam = {rec['lam']} and these y"
        )
    if tol is not None:
        out += _tolerance_lines(cert, tol)
    out.append("Support bounds:")
    out += _bound_lines(rec["support_bound"])
    with open_output(args.output, input_path=dataset.source) as stream:
        stream.write("\n".join(out) + "\n")
    return EXIT_OK


def _tolerance_lines(cert: Any, tol: Any) -> list[str]:
    """The ``--tol`` report: validity up to ``tol`` and the near-maximisers.

    It is printed apart from the exact verdict, which it never changes.
    """
    eps = fraction_str(tol)
    near = cert.near_maximisers
    ok = cert.valid_within(tol)
    lines = [
        f"Within the tolerance EPS = {eps} (numerical, apart from the exact verdict above):",
        "  valid up to EPS: "
        + ("yes (sup |eta| <= 1 + EPS)" if ok else "no (sup |eta| > 1 + EPS)"),
        f"  points where eta peaks on a closed chamber with |eta| >= 1 - EPS: {len(near)}"
        + (" (where a measure whose dual vector is accurate to EPS may put atoms)" if near else ""),
    ]
    shown = [m.to_dict() for m in near[:_NEAR_SHOWN]]
    lines += _extreme_lines(shown)
    if len(near) > _NEAR_SHOWN:
        lines.append(f"    ... {len(near) - _NEAR_SHOWN} more in --json")
    return lines


#: Near-maximisers listed in the text output of ``certify --tol`` (all of them are in --json).
_NEAR_SHOWN = 20


# ---------------------------------------------------------------------------- precertify


def _precertify_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    parser.add_argument(
        "--atoms",
        required=True,
        metavar="ATOMS.csv",
        help="one target atom per row: its sign (1 or -1), then the D coordinates of an exact "
        "rational unit vector",
    )
    add_output_arguments(parser)


@subcommand(
    "precertify",
    help="build and certify the vanishing-derivative pre-certificate of target atoms",
    configure=_precertify_args,
    description="Solve X^T D_s(j) p = sign_j theta_j for its minimal-norm solution p_V "
    "(exactly), certify eta_{p_V} exactly and report the non-degenerate source condition.",
)
def _precertify(args: argparse.Namespace) -> int:
    from arrangement.certificates.precertificate import precertificate

    dataset, arr = load_arrangement(args)
    atoms = load_dataset(args.atoms, no_label=True)
    lines = [atoms.line_of(i) for i in range(atoms.n_points)]
    pre = precertificate(arr, atoms.points, source=atoms.source, lines=lines)
    rec = pre.to_dict()
    if args.json:
        with open_output(args.output, input_path=dataset.source) as stream:
            emit_json(rec, stream)
        return EXIT_OK
    out = [
        f"Vanishing-derivative pre-certificate of {args.atoms} on {dataset.described}:",
        f"  p_V = ({', '.join(with_decimal(as_fraction(v)) for v in rec['dual'])})",
        f"  sup |eta|^2 = {with_decimal(as_fraction(rec['sup_norm_squared']))}  ->  "
        + ("valid: p_V is the minimal-norm certificate" if rec["valid"] else "NOT valid"),
        f"  |eta| < 1 off the targets: {'yes' if rec['strict'] else 'no'}",
        f"  phi(theta_j) independent: {'yes' if rec['independent'] else 'no'}",
        "  non-degenerate source condition: " + ("holds" if rec["nondegenerate"] else "fails"),
    ]
    if rec["extremes"]:
        out.append("  extreme points:")
        out += _extreme_lines(rec["extremes"])
    with open_output(args.output, input_path=dataset.source) as stream:
        stream.write("\n".join(out) + "\n")
    return EXIT_OK


# ---------------------------------------------------------------------------- bound


def _bound_args(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    add_output_arguments(parser)
    _instance_args(parser)


def _instance_args(parser: argparse.ArgumentParser) -> None:
    """``--lam`` / ``--dual`` / ``--primal``: the instance support bound (docs/theory.md, 10)."""
    parser.add_argument(
        "--lam",
        metavar="L",
        help="also the instance support bound of P_L: from a solve, or from --dual",
    )
    parser.add_argument(
        "--dual",
        metavar="P.csv",
        help="with --lam: the dual vector p (one value per row) instead of a solve",
    )
    parser.add_argument(
        "--primal",
        metavar="V",
        help="with --dual: a rigorous upper bound on the optimal value (default: the zero "
        "measure's 1/2 ||y||^2)",
    )
    parse = parser.parse_known_args

    def checked(args: Any = None, namespace: Any = None) -> Any:
        # --dual / --primal without --lam is a usage error (exit 2), as before --lam existed
        ns, extras = parse(args, namespace)
        if ns.lam is None and (ns.dual is not None or ns.primal is not None):
            parser.error("--dual and --primal need --lam (the instance support bound)")
        if ns.lam is not None and ns.dual is None and ns.primal is not None:
            parser.error("--primal needs --dual (after a solve the primal value is its own)")
        return ns, extras

    parser.parse_known_args = checked  # type: ignore[method-assign]


def _instance(args: argparse.Namespace, dataset: Any, arr: Any) -> Any:
    """The instance bound asked for by ``--lam`` (and ``--dual``), or ``None``."""
    if args.lam is None:
        return None
    lam = as_fraction(args.lam, source="--lam")
    if lam <= 0:
        raise InputError(f"--lam must be positive, got {fraction_str(lam)}")
    if dataset.labels is None:
        raise InputError(
            "--lam needs labels: the file has no 'y' column (or name one with --label-column)",
            source=dataset.source,
        )
    if args.dual is None:
        from arrangement.training import solve
        from arrangement.training.network import instance_bound_of_solution

        sol = solve(arr, dataset.labels, lam=lam)
        return instance_bound_of_solution(arr, dataset.labels, sol)
    from arrangement.certificates.instance import instance_support_bound

    dual = load_vector(args.dual, length=arr.n_points, name="dual")
    y = dataset.labels
    primal = (
        sum((v * v for v in y), Fraction(0)) / 2
        if args.primal is None
        else as_fraction(args.primal, source="--primal")
    )
    return instance_support_bound(arr, dual, y, lam=lam, primal_value=primal)


@subcommand(
    "bound",
    help="provable bounds on the support of every minimiser, with their hypotheses",
    configure=_bound_args,
    description="Every support bound the arrangement gives (per sign r - 1, total 2(r - 1), "
    "the face bound, d = 1), each with its hypothesis and value, then the existence bound (some "
    "minimiser has at most n atoms: a vertex solution); the tightest bound of each kind is "
    "marked.",
)
def _bound(args: argparse.Namespace) -> int:
    from arrangement.certificates.bounds import bound_report

    dataset, arr = load_arrangement(args)
    rec = bound_report(arr)
    rec["source"] = dataset.source
    lms = None
    if dataset.labels is not None:
        # lam >= lam_max = sup |eta_y| makes the zero measure the minimiser (decided exactly)
        from arrangement.training import lam_max_squared

        lms = lam_max_squared(arr, dataset.labels)
        rec["lam_max_squared"] = fraction_str(lms)
        rec["lam_max"] = math.sqrt(lms) if lms < Fraction(2) ** 1000 else math.inf
    inst = _instance(args, dataset, arr)
    if inst is not None:
        rec["instance"] = inst.to_dict()
        rec["instance"]["source"] = "dual" if args.dual is not None else "solve"
    if args.json:
        with open_output(args.output, input_path=dataset.source) as stream:
            emit_json(rec, stream)
        return EXIT_OK
    gp = "in general position" if rec["general_position"] else "not in general position"
    out = [
        f"Support bounds for {dataset.described}: {rec['n_chambers']} chambers, data {gp}"
        + (f" (Cover's count {rec['cover_count']})" if rec.get("cover_count") else "")
        + ":"
    ]
    out += _bound_lines(rec["bounds"], rec.get("tightest"))
    if lms is not None:
        out.append(
            f"lam_max = sup |eta_y| = sqrt({with_decimal(lms)}) ≈ {rec['lam_max']:.10g} (exact "
            "square): for lam >= lam_max the zero measure is the only minimiser (0 atoms)"
        )
    if inst is not None:
        from arrangement.cli.network import format_instance

        what = f"the dual vector {args.dual}" if args.dual is not None else "a numerical solve"
        out.append(f"Instance support bound of P_lam, lam = {fraction_str(inst.lam)}, from {what}:")
        out.append(
            f"  primal value {float(inst.primal_value):.10g} (rigorous), certified lower bound "
            f"{float(inst.lower_bound):.10g}, sup |eta_p|^2 = {float(inst.sup_norm_squared):.10g}"
        )
        out += format_instance(inst)
        every = rec["tightest"].get("every")
        n_inst = inst.total
        if every is not None and n_inst < rec["bounds"][every]["value"] * (
            2 if every == "per_sign" else 1
        ):
            out.append(
                f"  <- tightest for every minimiser of P_lam at lam = {fraction_str(inst.lam)}: "
                f"this instance bound, {n_inst} atom{'' if n_inst == 1 else 's'} in all "
                "(the bounds above hold for every lam)"
            )
    with open_output(args.output, input_path=dataset.source) as stream:
        stream.write("\n".join(out) + "\n")
    return EXIT_OK
