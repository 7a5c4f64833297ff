"""The circle S^1 (``d = 1``): hyperplanes are antipodal point pairs, chambers are arcs."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.plot.common import (
    _COUNT_LABEL,
    _FORMULA,
    _NEG,
    _POS,
    MAX_ARC_LABELS,
    MAX_HYPERPLANE_LABELS,
    Mark,
    PendingLabel,
    _add_legend,
    _amp_scale,
    _angle,
    _chamber_ids,
    _count_norm,
    _count_ticks,
    _draw_marks,
    _eta_label,
    _figure,
    _pattern_label,
    _place_labels,
    _point_label,
    _rows_of,
    _spread_angles,
    _spread_line,
    _value_norm,
)

if TYPE_CHECKING:
    from fractions import Fraction

    from matplotlib.figure import Figure

    from arrangement.geometry.arrangement import Arrangement
    from arrangement.plot.display import DisplayMap


def _plot_circle(
    arr: Arrangement,
    dm: DisplayMap,
    p: tuple[Fraction, ...] | None,
    extremes: list[Mark],
    atoms: list[Mark],
    ax: Any,
    title: str,
) -> Figure:
    from matplotlib.collections import LineCollection
    from matplotlib.transforms import blended_transform_factory

    has_dual = p is not None
    if has_dual:
        fig, axes = _figure(2, ax, (15.0, 7.0), widths=(1.0, 1.15))
    else:
        fig, axes = _figure(1, ax, (8.6, 7.6))
    circ = axes[0]
    x = dm.rows
    normals = dm.normals
    rows = _rows_of(arr)
    eta_fn, eta_exp = dm.eta(p) if p is not None else (None, 0)
    prime = "'" if dm.rescaled else ""
    # The hyperplane with normal n meets S^1 in the two points +-(-n2, n1)/|n|.
    zero_dirs = np.stack([-normals[:, 1], normals[:, 0]], axis=1)
    zero_dirs /= np.linalg.norm(zero_dirs, axis=1)[:, None]
    boundaries = np.sort(np.concatenate([_angle(zero_dirs), _angle(-zero_dirs)]))

    # The marked points are on the curve: a rescaled display can squeeze a peak of eta into a
    # sliver narrower than the grid step.
    marked = [float(_angle(m.direction)) for m in (*extremes, *atoms)]
    phi = np.union1d(np.linspace(-180.0, 180.0, 3601), marked)
    pts = np.stack([np.cos(np.radians(phi)), np.sin(np.radians(phi))], axis=1)
    eta = None if eta_fn is None else eta_fn(pts)
    if eta is not None:
        norm = _value_norm(eta)
        cmap: Any = "RdBu_r"
        colour = eta
    else:
        cmap, norm = _count_norm(arr.n_points)
        colour = (pts @ x.T > 0).sum(axis=1).astype(float)

    # Chambers: thick arcs of the circle, coloured point by point.
    segs = np.stack([pts[:-1], pts[1:]], axis=1)
    lc = LineCollection(list(segs), cmap=cmap, norm=norm, linewidths=11, capstyle="butt", zorder=2)
    lc.set_array(0.5 * (colour[:-1] + colour[1:]))
    circ.add_collection(lc)
    cbar = fig.colorbar(lc, ax=circ, shrink=0.7, pad=0.02)
    cbar.set_label(_eta_label(eta_exp) if has_dual else _COUNT_LABEL, fontsize=11)
    if not has_dual:
        cbar.set_ticks(_count_ticks(arr.n_points))

    # Hyperplanes: pairs of antipodal ticks, both labelled by their data rows.
    label_planes = len(rows) <= MAX_HYPERPLANE_LABELS
    ticks = [(h, q) for h, d in enumerate(zero_dirs) for q in (d, -d)]
    # Labels are pushed apart along the circle (leader lines to their ticks): no overlaps.
    spread = _spread_angles([float(_angle(q)) for _, q in ticks], 10.0)
    for (h, q), a in zip(ticks, spread, strict=True):
        circ.plot(
            [0.86 * q[0], 1.14 * q[0]], [0.86 * q[1], 1.14 * q[1]], color="black", lw=1.8, zorder=4
        )
        if label_planes:
            ux, uy = math.cos(math.radians(a)), math.sin(math.radians(a))
            circ.plot(
                [1.14 * q[0], 1.2 * ux], [1.14 * q[1], 1.2 * uy], color="0.5", lw=0.6, zorder=4
            )
            circ.text(
                1.22 * ux,
                1.22 * uy,
                _point_label(arr, rows[h]),
                fontsize=9,
                rotation=a if abs(a) <= 90 else a - 180,
                rotation_mode="anchor",
                ha="left" if abs(a) <= 90 else "right",
                va="center",
                zorder=5,
            )

    # Chambers: the activation pattern at the middle of each arc, inside the circle.
    regions = arr.regions()
    label_arcs = len(regions) <= MAX_ARC_LABELS
    if label_arcs:
        ends = np.append(boundaries, boundaries[0] + 360.0)
        for a0, a1 in zip(ends[:-1], ends[1:], strict=True):
            mid = math.radians(0.5 * (a0 + a1))
            u = np.array([math.cos(mid), math.sin(mid)])
            k = int(_chamber_ids(arr, u[None, :], normals)[0])
            if k < 0:
                continue
            a = math.degrees(mid)
            right = abs((a + 180.0) % 360.0 - 180.0) <= 90.0
            circ.text(
                0.88 * u[0],
                0.88 * u[1],
                _pattern_label(regions[k].pattern),
                fontsize=8,
                color="0.2",
                va="center",
                zorder=5,
                ha="right" if right else "left",
                rotation=a if right else a - 180.0,
                rotation_mode="anchor",
            )

    amp = _amp_scale(atoms)
    pending: list[PendingLabel] = []

    def on_circle(ms: list[Mark]) -> np.ndarray:
        return np.array([m.direction for m in ms]).reshape(-1, 2)

    _draw_marks(
        circ, extremes, on_circle(extremes), atoms, on_circle(atoms), amp_scale=amp, pending=pending
    )

    lim = 1.75 if label_planes else 1.3
    circ.set_xlim(-lim, lim)
    circ.set_ylim(-lim, lim)
    circ.set_aspect("equal")
    circ.set_xlabel(f"a{prime} (weight)")
    circ.set_ylabel(f"b{prime} (bias)")
    circ.axhline(0, color="0.85", lw=0.5, zorder=0)
    circ.axvline(0, color="0.85", lw=0.5, zorder=0)
    circ.set_title(
        r"the circle $S^1$ of neurons $\theta = (a, b)$: hyperplanes (ticks), "
        "\nchambers (arcs" + (", labelled by their active rows)" if label_arcs else ")"),
        fontsize=11,
    )

    if eta is not None and eta_fn is not None:
        side = axes[1]
        if eta_exp == 0:  # the band |eta| <= 1 means nothing on a rescaled axis
            side.axhspan(-1, 1, color="0.94", zorder=0)
        top = blended_transform_factory(side.transData, side.transAxes)
        for b in boundaries:
            side.axvline(b, color="black", lw=0.7, ls=":", zorder=1)
        if label_planes:
            tops = _spread_line([float(_angle(q)) for _, q in ticks], 6.0, -180.0, 180.0)
            for (h, q), a in zip(ticks, tops, strict=True):
                side.annotate(
                    _point_label(arr, rows[h]),
                    (float(_angle(q)), 1.0),
                    xytext=(a, 1.03),
                    xycoords=top,
                    textcoords=top,
                    rotation=90,
                    fontsize=7,
                    ha="center",
                    va="bottom",
                    arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.5},
                    annotation_clip=False,
                )
        if eta_exp == 0:
            side.axhline(1, color=_POS, lw=1, ls="--")
            side.axhline(-1, color=_NEG, lw=1, ls="--")
        side.axhline(0, color="0.6", lw=0.6)
        side.plot(phi, eta, color="black", lw=1.6, zorder=3)

        def graph(ms: list[Mark]) -> np.ndarray:
            d = np.array([m.direction for m in ms]).reshape(-1, 2)
            return np.stack([_angle(d), eta_fn(d)], axis=1)

        _draw_marks(
            side, extremes, graph(extremes), atoms, graph(atoms), amp_scale=amp, pending=pending
        )
        side.set_xlim(-180, 180)
        side.set_xticks(range(-180, 181, 45))
        side.set_xlabel(
            rf"angle $\varphi$ of $\theta{prime} = (\cos\varphi, \sin\varphi)$ in degrees"
        )
        side.set_ylabel(_eta_label(eta_exp))
        side.set_title(
            f"{_FORMULA} over the circle\n(dotted: hyperplanes; grey band: "
            r"$|\eta_p| \leq 1$)",
            fontsize=11,
            pad=62 if label_planes else 6,
        )
    _add_legend(fig, extremes, atoms)
    fig.suptitle(title, fontsize=13)
    _place_labels(fig, pending)
    return fig


# ---------------------------------------------------------------------------- d = 2
