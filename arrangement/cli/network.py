"""The ``arrangement certify-network`` command: how far a trained network is from the optimum.

``arrangement certify-network FILE --weights W.npz --lam L`` reads the data (labels in ``y``) and
a two-layer ReLU network, and prints its objective under the TV / weight-decay equivalence, the
exact ``sup |eta_p|`` of its rounded dual vector, the certified lower bound on the optimum of
every width, the gap, dead / parallel / mergeable neurons, the instance support bound and the
near-maximisers of the certificate (:func:`arrangement.training.network.certify_network`).
The command is thin: it parses, calls the library and prints.
"""

from __future__ import annotations

import argparse
from typing import Any

from arrangement.cli.app import (
    EXIT_OK,
    add_dataset_arguments,
    add_output_arguments,
    emit_json,
    open_output,
    subcommand,
)
from arrangement.core.errors import InputError
from arrangement.core.linalg import unit_vector
from arrangement.core.numbers import as_fraction, fraction_str, sqrt_float

__all__ = ["format_instance", "format_network"]

DESCRIPTION = (
    "Certify a trained two-layer ReLU network f(x) = sum_j w2_j relu(<W1_j, x> + b1_j) [+ b2] "
    "against the global optimum of TV-regularised training at ANY width:\n"
    "  objective   1/2 ||f(X) - y||^2 + lam ||mu||_TV, mu = sum_j w2_j |theta_j| "
    "delta(theta_j/|theta_j|)\n"
    "              (= the weight-decay objective 1/2||f - y||^2 + lam/2 (|W1|^2 + |b1|^2 + "
    "|w2|^2) for balanced neurons; an exact rational upper bound from the float weights)\n"
    "  lower bound D(c p) with p = (y - f(X))/lam rounded and c <= 1/sup|eta_p| decided "
    "exactly\n"
    "Weights: --weights W.npz with arrays W1 (m x d), b1 (m, optional), w2 (m), b2 (optional); "
    "or a PyTorch state_dict (.pt/.pth, needs torch) of Linear(d, m), ReLU, Linear(m, 1).\n"
    "lam: --lam L for 1/2 ||f - y||^2 + L/2 ||weights||^2; --weight-decay WD for mean squared "
    "loss (1/N) sum (f - y)^2 with weight decay WD (gradient + WD w), i.e. L = N WD / 2."
)


def _configure(parser: argparse.ArgumentParser) -> None:
    add_dataset_arguments(parser)
    parser.add_argument(
        "--weights", required=True, metavar="W.npz", help="the network (.npz, or .pt/.pth)"
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--lam", metavar="L", help="lam > 0 (read exactly): L/2 ||weights||^2")
    which.add_argument(
        "--weight-decay",
        metavar="WD",
        help="weight decay of mean-squared-loss training; lam = N WD / 2",
    )
    parser.add_argument(
        "--output-bias",
        choices=("atom", "free"),
        default="atom",
        help="an output bias b2 is the atom b2 delta(e_D) with cost lam |b2| (atom, default), or "
        "a free constant P_lam does not model (free: certify against y - b2)",
    )
    parser.add_argument(
        "--top", type=int, default=10, metavar="K", help="near-maximisers listed (default 10)"
    )
    add_output_arguments(parser)


@subcommand(
    "certify-network",
    help="certified optimality gap of a trained two-layer ReLU network (any width)",
    configure=_configure,
    description=DESCRIPTION,
)
def _run(args: argparse.Namespace) -> int:
    from arrangement.cli.app import load_arrangement
    from arrangement.training.network import (
        certify_network,
        lam_from_weight_decay,
        load_network,
    )

    if args.top < 0:
        raise InputError(f"--top must be non-negative, got {args.top}")
    if args.lam is not None:
        lam = as_fraction(args.lam, source="--lam")
        if lam <= 0:
            raise InputError(f"--lam must be positive, got {fraction_str(lam)}")
    net = load_network(args.weights)
    dataset, arr = load_arrangement(args)
    if dataset.labels is None:
        raise InputError(
            "no labels: the file needs a 'y' column (or name one with --label-column)",
            source=dataset.source,
        )
    if args.lam is None:
        lam = lam_from_weight_decay(
            as_fraction(args.weight_decay, source="--weight-decay"), arr.n_points
        )
    cert = certify_network(
        arr, dataset.labels, net, lam=lam, output_bias=args.output_bias, top=args.top
    )
    with open_output(args.output, input_path=dataset.source) as out:
        if args.json:
            rec = cert.to_dict()
            rec["source"] = dataset.source
            rec["weights"] = str(args.weights)
            rec["n_chambers"] = arr.n_regions
            emit_json(rec, out)
        else:
            out.write(
                format_network(
                    cert, source=dataset.source, weights=str(args.weights), n_rows=arr.n_points
                )
            )
    return EXIT_OK


def _num(q: Any) -> str:
    return f"{float(q):.10g}"


def _short(q: Any, limit: int = 40) -> str:
    text = fraction_str(q)
    return text if len(text) <= limit else f"a fraction of {len(text)} characters, in --json"


def format_instance(b: Any, *, uncovered: tuple[int, ...] | None = None) -> list[str]:
    """Lines describing an :class:`~arrangement.certificates.instance.InstanceBound`."""
    lines = [
        f"  instance support bound (gap {_num(b.gap)}, delta^2 = 2 gap / lam^2 = "
        f"{float(b.delta_squared):.4g}, eps <= {float(b.eps):.4g}):",
        f"    every minimiser has at most {b.face_plus} positive and {b.face_minus} negative "
        f"atoms ({b.total} in all)",
        f"    counted: {b.n_plus}+/{b.n_minus}- of {b.n_chambers} closed chambers reach "
        "max +-eta_{p^} >= 1 - eps_s, eps_s = delta ||D_s X||_F (each holds at most one point "
        "of E+ and one of E-)",
        (
            f"    grouped by face: {b.n_grouped} of them provably hold their point on a face "
            "shared with other chambers, which counts it once (docs/theory.md, 10)"
            if b.n_grouped
            else "    grouped by face: none of them is proved to hold its point on a face shared "
            "with other chambers (docs/theory.md, 10)"
        ),
    ]
    if b.near_maximisers:
        star = ""
        if uncovered is not None:
            star = " (* = no neuron of that sign in its closed chamber)"
        lines.append(f"  near-maximisers of the certificate, largest first{star}:")
        for k, m in enumerate(b.near_maximisers):
            sign = "+" if m.sign > 0 else "-"
            where = f"; on the hyperplanes of rows {list(m.zero_set)}" if m.zero_set else ""
            mark = " *" if uncovered is not None and k in uncovered else ""
            unit = ", ".join(f"{x:.4f}" for x in unit_vector(m.direction))
            lines.append(
                f"    {sign}eta = {m.value:.6f} at unit direction ({unit}) "
                f"(active rows {list(m.pattern)}{where}){mark}"
            )
    return lines


def format_network(cert: Any, *, source: str, weights: str, n_rows: int) -> str:
    """Human-readable report of a :class:`~arrangement.training.network.NetworkCertificate`."""
    sup = cert.sup_norm_squared
    if cert.output_bias == "none":
        bias = "none"
    elif cert.output_bias == "atom":
        bias = f"b2 = {cert.b2:.6g}, the atom b2 delta(e_D) with cost lam |b2|"
    else:
        bias = (
            f"b2 = {cert.b2:.6g}, a free constant that P_lam does not model: the network "
            "minus b2 is certified against y - b2"
        )
    live = [n for n in cert.neurons if not (n.dead or n.zero)]
    at = sum(1 for n in live if n.at_extreme)
    lines = [
        f"Network {weights} (width {cert.width}) on {source} ({n_rows} rows, "
        f"{cert.instance.n_chambers} chambers), lam = {fraction_str(cert.lam)}",
        f"  output bias: {bias}",
        "RIGOROUS (exact rational arithmetic on the float weights):",
        f"  objective (TV / weight decay)  {_num(cert.objective)}   = 1/2 ||f(X) - y||^2 "
        f"{_num(cert.primal.data_term)} + lam ||mu||_TV "
        f"{_num(cert.lam * cert.primal.total_variation)}",
        f"  weight-decay objective         {_num(cert.weight_decay_objective)}   "
        "(>= objective; equal when every neuron is balanced)",
        f"  sup |eta_p|                    {sqrt_float(sup):.10g}   (sup |eta_p|^2 = "
        f"{_short(sup)}; p = (y - f(X))/lam rounded)",
        f"  certified lower bound          {_num(cert.lower_bound)}   (on the optimum of every "
        "width: D(c p), c <= 1/sup|eta_p|)",
        f"  gap                            {_num(cert.gap)}   relative {cert.relative_gap:.3g}",
        f"  neurons: {cert.width}; dead (inactive on every row): {list(cert.dead) or 'none'}; "
        f"parallel: {[list(g) for g in cert.parallel] or 'none'}; same pattern and sign "
        f"(mergeable): {[list(g) for g in cert.mergeable] or 'none'}",
        f"  live neurons at their chamber's maximiser of the rounded certificate: {at} of "
        f"{len(live)}",
    ]
    lines += format_instance(cert.instance, uncovered=cert.uncovered)
    return "\n".join(lines) + "\n"
