"""Benchmark: exact certification throughput of ``arrangement.certificates.certificate.certify``
(issue 3).

On the (N=40, d=3) arrangement of :mod:`bench_regions` (same seeded data), a random rational dual
vector ``p`` (entries ``a/b`` with ``a`` in [-10, 10], ``b`` in [1, 10], fixed seed) is certified
twice:

* ``random p``: as drawn (almost surely invalid, ``sup |eta| > 1``);
* ``valid``: ``c p`` with the largest rational ``c = m / 10^6`` such that ``c^2 sup|eta_p|^2 <= 1``
  (exact), i.e. a random *valid* certificate with ``sup |eta|`` just below 1. Scaling does not
  change which chambers the pruning can skip, only the verdict.

The table shows the chambers, the seconds of chamber enumeration (done once, then cached by the
arrangement), the seconds of ``certify`` (best of ``--repeat``), chambers certified per second,
how many chambers took the exact path (exact projection) and their share, ``sup |eta|^2`` and the
verdict. Issue 3's target: the whole exact certification of the valid case under 10 seconds.

Run from the repository root::

    .venv/bin/python bench/bench_certificate.py [--quick] [--repeat K]

``bench/bench_regions.py`` runs this after its own table unless given ``--no-certificate``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction

import bench_regions  # noqa: E402  (bench/bench_regions.py; also puts the checkout on sys.path)

#: Seed of the random dual vector.
DUAL_SEED = 33
#: Denominator of the scaling factor that makes the random dual vector valid.
SCALE_DENOMINATOR = 10**6


@dataclass(frozen=True, slots=True)
class CertRow:
    """One line of the certification table."""

    case: str
    n_points: int
    d: int
    chambers: int
    enumerate_seconds: float
    certify_seconds: float
    exact_chambers: int
    sup_norm_squared: Fraction
    valid: bool

    @property
    def chambers_per_second(self) -> float:
        s = self.certify_seconds
        return self.chambers / s if s > 0 else float("inf")

    @property
    def exact_share(self) -> float:
        return self.exact_chambers / self.chambers if self.chambers else 0.0


def random_dual(n_points: int, *, seed: int = DUAL_SEED) -> list[Fraction]:
    """A seeded random rational dual vector, one entry per input row."""
    rng = random.Random(seed)
    return [Fraction(rng.randint(-10, 10), rng.randint(1, 10)) for _ in range(n_points)]


def valid_scale(sup_norm_squared: Fraction) -> Fraction:
    """Largest ``m / SCALE_DENOMINATOR`` with ``(m / SCALE_DENOMINATOR)^2 * sup <= 1`` (exact)."""
    if sup_norm_squared <= 0:
        return Fraction(1)
    k2 = SCALE_DENOMINATOR**2
    # m = isqrt(floor(k^2 / s)) gives m^2 <= k^2 / s, i.e. (m/k)^2 s <= 1.
    m = math.isqrt(k2 * sup_norm_squared.denominator // sup_norm_squared.numerator)
    return Fraction(m, SCALE_DENOMINATOR)


def time_certify(arr: object, dual: Sequence[Fraction], *, repeat: int) -> tuple[float, object]:
    """Best-of-``repeat`` seconds of ``certify(arr, dual)``, and the last certificate."""
    from arrangement.certificates.certificate import certify

    best, cert = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        cert = certify(arr, dual)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - start)
    return best, cert


def run(*, quick: bool = False, repeat: int = 3) -> list[CertRow]:
    """Measure both rows (``random p`` and ``valid``) on the (N=40, d=3) case."""
    from arrangement import Arrangement

    case = (bench_regions.QUICK_CASES if quick else bench_regions.CASES)[1]
    points = bench_regions.random_points(case)
    start = time.perf_counter()
    arr = Arrangement.from_points(points)
    chambers = len(arr.regions())
    enumerate_seconds = time.perf_counter() - start

    rows = []
    dual = random_dual(case.n_points)
    for label in ("random p", "valid"):
        seconds, cert = time_certify(arr, dual, repeat=repeat)
        rows.append(
            CertRow(
                f"{case.name} {label}",
                case.n_points,
                case.d,
                chambers,
                enumerate_seconds,
                seconds,
                cert.n_exact_chambers,
                cert.sup_norm_squared,
                cert.valid,  # type: ignore[union-attr]
            )
        )
        dual = [valid_scale(cert.sup_norm_squared) * x for x in dual]  # type: ignore[union-attr]
    return rows


def format_table(rows: Sequence[CertRow]) -> str:
    """A fixed-width text table of the rows."""
    header = (
        "case",
        "N",
        "d",
        "chambers",
        "enum s",
        "certify s",
        "chambers/s",
        "exact",
        "exact share",
        "sup|eta|^2",
        "valid",
    )
    lines = [
        (
            r.case,
            str(r.n_points),
            str(r.d),
            str(r.chambers),
            f"{r.enumerate_seconds:.3f}",
            f"{r.certify_seconds:.3f}",
            f"{r.chambers_per_second:,.0f}",
            str(r.exact_chambers),
            f"{100 * r.exact_share:.2f}%",
            f"{float(r.sup_norm_squared):.6g}",
            "yes" if r.valid else "no",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(line[k]) for line in lines)) for k, h in enumerate(header)]
    out = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def report(*, quick: bool = False, repeat: int = 3, as_json: bool = False) -> None:
    """Print the certification table (or one JSON object per row)."""
    rows = run(quick=quick, repeat=repeat)
    if as_json:
        for r in rows:
            rec = {
                **asdict(r),
                "sup_norm_squared": str(r.sup_norm_squared),
                "chambers_per_second": r.chambers_per_second,
                "exact_share": r.exact_share,
            }
            print(json.dumps(rec), flush=True)
        return
    print(
        f"exact certification (arrangement.certificates.certificate.certify), random dual vector "
        f"(seed {DUAL_SEED}); certify: best of {max(1, repeat)}"
    )
    print(format_table(rows))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Exact certification throughput (issue 3).")
    parser.add_argument("--quick", action="store_true", help="the tiny (N=10, d=3) case")
    parser.add_argument(
        "--repeat", type=int, default=3, help="certify runs per row; the best is kept (default 3)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per row instead")
    args = parser.parse_args(argv)
    report(quick=args.quick, repeat=args.repeat, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
