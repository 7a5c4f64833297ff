"""Benchmark: ``arrangement certify-network`` at (N=40, d=3), enumeration included (issue 10).

Data: the (N=40, d=3) points of :mod:`bench_regions` (integers in [-20, 20], seed 3) with labels
``y_i = relu(<u, x_i> / 20) - relu(<v, x_i> / 20 + 1/2) + noise`` rounded to two decimals (seed
5). A width-``m`` network (``m`` = 10 by default) is trained by full-batch numpy gradient descent
with weight decay (``lam = 1``) and saved as ``.npz``; when PyTorch is installed the same weights
are also saved as a ``state_dict`` (``.pt``) and certified through the PyTorch loader.

Timed: the whole command ``certify-network FILE --weights W --lam 1 --json`` run in-process
(reading the files, building the arrangement, enumerating its chambers, the exact certificate,
the instance bound); best of ``--repeat``. Issue 10's target: under 3 s.

Run from the repository root::

    .venv/bin/python bench/bench_network.py [--quick] [--repeat K] [--width M]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import bench_regions  # noqa: E402  (bench/bench_regions.py; also puts the checkout on sys.path)
import numpy as np

LABEL_SEED = 5
LAM = "1"


def dataset(n: int, d: int, seed: int) -> tuple[list[list[int]], list[str]]:
    """The benchmark points and their labels (exact decimals)."""
    points = bench_regions.random_points(bench_regions.Case("space", n, d, seed=seed))
    rng = random.Random(LABEL_SEED)
    u = [rng.uniform(-1, 1) for _ in range(d)]
    v = [rng.uniform(-1, 1) for _ in range(d)]
    labels = []
    for x in points:
        a = max(0.0, sum(ui * xi for ui, xi in zip(u, x, strict=True)) / 20)
        b = max(0.0, sum(vi * xi for vi, xi in zip(v, x, strict=True)) / 20 + 0.5)
        labels.append(f"{a - b + rng.gauss(0, 0.1):.2f}")
    return points, labels


def run(quick: bool, repeat: int, width: int) -> list[dict[str, object]]:
    from arrangement.cli.app import main
    from arrangement.training.network import gradient_descent, init_network

    n, d = (12, 3) if quick else (40, 3)
    points, labels = dataset(n, d, seed=3)
    x = np.array(points, dtype=float)
    y = np.array([float(v) for v in labels])
    net = gradient_descent(init_network(d, width, seed=0), x, y, lam=float(LAM), steps=20000,
                           lr=2e-5)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        data.write_text(
            ",".join([f"x{j + 1}" for j in range(d)] + ["y"]) + "\n"
            + "".join(",".join([*map(str, p), t]) + "\n" for p, t in zip(points, labels,
                                                                          strict=True))
        )
        files = {"npz": Path(tmp) / "w.npz"}
        np.savez(files["npz"], W1=net.W1, b1=net.b1, w2=net.w2)
        try:
            import torch

            model = torch.nn.Sequential(
                torch.nn.Linear(d, width), torch.nn.ReLU(), torch.nn.Linear(width, 1, bias=False)
            )
            with torch.no_grad():
                model[0].weight.copy_(torch.from_numpy(net.W1))
                model[0].bias.copy_(torch.from_numpy(net.b1))
                model[2].weight.copy_(torch.from_numpy(net.w2[None, :]))
            files["pt (torch)"] = Path(tmp) / "w.pt"
            torch.save(model.state_dict(), files["pt (torch)"])
        except ImportError:
            pass
        for kind, path in files.items():
            best = float("inf")
            rec: dict[str, object] = {}
            for _ in range(repeat):
                out = io.StringIO()
                start = time.perf_counter()
                with contextlib.redirect_stdout(out):
                    code = main(["certify-network", str(data), "--weights", str(path), "--lam",
                                 LAM, "--json"])
                best = min(best, time.perf_counter() - start)
                if code != 0:
                    raise SystemExit(f"certify-network failed on {kind}")
                rec = json.loads(out.getvalue())
            inst = rec["instance_bound"]
            assert isinstance(inst, dict)
            rows.append(
                {
                    "weights": kind,
                    "N": n,
                    "d": d,
                    "width": width,
                    "chambers": rec["n_chambers"],
                    "seconds": round(best, 3),
                    "objective": rec["objective_float"],
                    "lower_bound": rec["lower_bound_float"],
                    "relative_gap": rec["relative_gap"],
                    "sup_norm": rec["sup_norm"],
                    "instance_bound": f"{inst['n_plus']}+/{inst['n_minus']}-",
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 12 instead of 40")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--width", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = run(args.quick, args.repeat, args.width)
    if args.json:
        for r in rows:
            print(json.dumps(r))
        return 0
    head = f"{'weights':>10} {'N':>3} {'d':>2} {'m':>3} {'chambers':>8} {'seconds':>8} " \
           f"{'objective':>11} {'lower bound':>11} {'rel. gap':>9} {'sup|eta|':>9} {'instance':>9}"
    print("certify-network, enumeration included (target < 3 s):")
    print(head)
    for r in rows:
        print(
            f"{r['weights']:>10} {r['N']:>3} {r['d']:>2} {r['width']:>3} {r['chambers']:>8} "
            f"{r['seconds']:>8.3f} {r['objective']:>11.6g} {r['lower_bound']:>11.6g} "
            f"{r['relative_gap']:>9.3g} {r['sup_norm']:>9.4g} {r['instance_bound']:>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
