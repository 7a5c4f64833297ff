"""The regularisation path as a picture: atoms of each sign against ``lam``, with the bounds.

Input: the points of :func:`arrangement.training.regularization_path`. The x axis is ``lam``
(log scale, ``lam_max`` at the right), the y axis the number of atoms; positive and negative
atoms are drawn as steps, the total as a dashed line, and the support bound of every minimiser
(``r - 1`` per sign, docs/theory.md, section 7) as a horizontal line when it fits on the scale, else
stated in the title. Points whose certified gap exceeds the tolerance are marked with a cross.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["plot_path"]


def plot_path(
    points: Sequence[Any],
    *,
    path: str | Path,
    title: str | None = None,
    dpi: int = 150,
) -> None:
    """Draw atoms (+/-) against ``lam`` for a regularisation path and write it atomically.

    Parameters
    ----------
    points : sequence of PathPoint
        From :func:`arrangement.training.regularization_path` (decreasing ``lam``).
    path : str or Path
        Output picture (.png, .pdf, .svg), written through :func:`arrangement.core.atomic`.
    title : str, optional
        First line of the title.
    dpi : int, optional
        Resolution.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from arrangement.core.atomic import atomic_path

    lams = [float(p.lam) for p in points]
    pos = [p.solution.support_bound.n_positive for p in points]
    neg = [p.solution.support_bound.n_negative for p in points]
    tot = [a + b for a, b in zip(pos, neg, strict=True)]
    per_sign = points[0].solution.support_bound.per_sign if points else 0
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.step(lams, pos, where="mid", color="tab:red", label="positive atoms", lw=2, marker="o", ms=3)
    ax.step(
        lams, neg, where="mid", color="tab:blue", label="negative atoms", lw=2, marker="o", ms=3
    )
    ax.step(lams, tot, where="mid", color="k", ls="--", lw=1, label="all atoms")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    top = max([*tot, 1])
    if per_sign <= 4 * top:
        ax.axhline(per_sign, color="gray", lw=1, label=f"bound per sign r - 1 = {per_sign}")
    bad = [i for i, p in enumerate(points) if not p.solution.optimal]
    if bad:
        ax.plot(
            [lams[i] for i in bad],
            [tot[i] for i in bad],
            "x",
            color="orange",
            ms=9,
            label="gap not certified",
        )
    ax.set_xscale("log")
    ax.set_xlabel("lam (log scale; lam_max at the right)")
    ax.set_ylabel("atoms of the certified solution")
    head = title or "Regularisation path"
    ax.set_title(
        f"{head}\nsupport bound of every minimiser: {per_sign} per sign "
        f"(docs/theory.md, 7), {len(points)} values of lam",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format=Path(path).suffix.lstrip(".").lower() or None)
    finally:
        plt.close(fig)
