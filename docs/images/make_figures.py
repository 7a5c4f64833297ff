"""Regenerate every figure of the README and the docs: ``make figures``.

Each figure is drawn by the ``arrangement plot`` command shown next to it in the docs, run here
through :func:`arrangement.cli.main` from the repository root, so a picture never drifts from its
command. The solves behind ``--lam`` and ``--interpolate`` are numerical: a rerun may move a
colour or a label by a pixel, never a chamber, a knot position or a marked point's pattern.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: (output, arguments of ``arrangement plot``), in the order of the docs.
FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("line7_lam_data.png", ("data/line7.csv", "--lam", "1/100", "--view", "data")),
    ("plane_general_lam.png", ("data/plane_general.csv", "--lam", "1/100")),
    ("iris20_lam.png", ("data/iris20.csv", "--lam", "1/100", "--view", "parameter")),
    (
        "counterexample_dual.png",
        ("data/counterexample.csv", "--dual", "data/counterexample_dual.csv"),
    ),
)

#: Resolution of the committed pictures (small files, sharp enough for a README).
DPI = "110"


def command(name: str, args: tuple[str, ...]) -> list[str]:
    """The ``arrangement`` argument list that draws ``docs/images/<name>``."""
    return ["plot", *args, "-o", f"docs/images/{name}", "--dpi", DPI]


def main() -> int:
    """Draw every figure; return 0, or the first non-zero exit status."""
    from arrangement.cli import main as cli

    os.chdir(ROOT)
    for name, args in FIGURES:
        argv = command(name, args)
        print("arrangement " + " ".join(argv), flush=True)
        status = cli(argv)
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
