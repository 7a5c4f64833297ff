"""The sphere S^2 (``d = 2``): hyperplanes are great circles, chambers spherical polygons."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.plot.common import (
    _COUNT_LABEL,
    _FORMULA,
    MAX_CHAMBER_LABELS,
    MAX_HYPERPLANE_LABELS,
    Mark,
    PendingLabel,
    Projection,
    _add_legend,
    _amp_scale,
    _angle,
    _chamber_ids,
    _count_norm,
    _count_ticks,
    _disc_radius,
    _draw_marks,
    _eta_label,
    _figure,
    _great_circle,
    _outward,
    _place_labels,
    _point_label,
    _project,
    _rows_of,
    _spread,
    _value_norm,
    sphere_grid,
)

if TYPE_CHECKING:
    from fractions import Fraction

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from arrangement.geometry.arrangement import Arrangement
    from arrangement.plot.display import DisplayMap


def _plot_sphere(
    arr: Arrangement,
    dm: DisplayMap,
    p: tuple[Fraction, ...] | None,
    extremes: list[Mark],
    atoms: list[Mark],
    ax: Any,
    title: str,
    projection: Projection,
    resolution: int,
) -> Figure:
    fig, axes = _figure(2, ax, (14.0, 7.4))
    x = dm.rows
    normals = dm.normals
    eta_fn, eta_exp = dm.eta(p) if p is not None else (None, 0)
    prime = "'" if dm.rescaled else ""
    regions = arr.regions()
    rad = _disc_radius(projection)
    grids = [sphere_grid(resolution, upper=up, projection=projection) for up in (True, False)]

    if eta_fn is not None:
        values = [np.where(g[1], eta_fn(np.nan_to_num(g[0])), np.nan) for g in grids]
        norm = _value_norm(np.concatenate([v.ravel() for v in values]))
        cmap: Any = "RdBu_r"
    else:
        values = [
            np.where(g[1], (np.nan_to_num(g[0]) @ x.T > 0).sum(axis=-1), np.nan) for g in grids
        ]
        cmap, norm = _count_norm(arr.n_points)

    rows = _rows_of(arr)
    label_planes = len(rows) <= MAX_HYPERPLANE_LABELS
    circles = [_great_circle(n) for n in normals]
    # Each great circle meets the rim (the equator b = 0) in two antipodal points, the same in
    # both discs; its label goes just outside the rim at one of them, spread out greedily.
    rim_angles: list[tuple[float, float]] = []
    for c in circles:
        if c is None:
            rim_angles.append((-135.0, 45.0))
        else:
            a = float(_angle(c[0][0]))
            rim_angles.append((a, a + 180.0))
    placement = _spread(rim_angles, 16.0) if label_planes else []
    amp = _amp_scale(atoms)
    pending: list[PendingLabel] = []
    t = np.linspace(0, 2 * math.pi, 721)
    rim = (rad * np.cos(t), rad * np.sin(t))
    image: Any = None
    for k, (axk, (thetas, inside, extent), vals) in enumerate(
        zip(axes, grids, values, strict=True)
    ):
        upper = k == 0
        image = axk.imshow(
            vals,
            origin="lower",
            extent=extent,
            cmap=cmap,
            norm=norm,
            interpolation="nearest",
            zorder=1,
        )
        axk.plot(*rim, color="black", lw=1.5, zorder=3)
        for c in circles:
            if c is None:  # a data point at the origin: its hyperplane b = 0 is the rim
                axk.plot(*rim, color="black", lw=3.5, zorder=3)
                continue
            uv = _project(c[0] if upper else c[1], projection)
            axk.plot(uv[:, 0], uv[:, 1], color="black", lw=1.3, zorder=3)
        for h, (_, a) in enumerate(placement):
            ang = math.radians(a)
            end = (rad * math.cos(ang), rad * math.sin(ang))
            axk.annotate(
                _point_label(arr, rows[h]),
                end,
                xytext=(1.09 * end[0], 1.09 * end[1]),
                fontsize=8.5,
                zorder=4,
                arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.6},
                annotation_clip=False,
                **_outward(a),
            )

        def in_disc(ms: list[Mark], upper: bool = upper) -> np.ndarray:
            out = np.full((len(ms), 2), np.nan)
            for j, m in enumerate(ms):
                b = m.direction[2]
                if (upper and b >= -1e-12) or (not upper and b <= 1e-12):
                    out[j] = _project(m.direction, projection)
            return out

        _draw_marks(
            axk, extremes, in_disc(extremes), atoms, in_disc(atoms), amp_scale=amp, pending=pending
        )
        if p is None and len(regions) <= MAX_CHAMBER_LABELS:
            _label_chambers(axk, arr, thetas, inside, extent, normals)
        pad = 0.3 * rad if label_planes else 0.06 * rad
        axk.set_xlim(-rad - pad, rad + pad)
        axk.set_ylim(-rad - pad, rad + pad)
        axk.set_aspect("equal")
        axk.set_xticks([])
        axk.set_yticks([])
        for spine in axk.spines.values():
            spine.set_visible(False)
        _axis_arrows(axk, -rad - 0.6 * pad, -rad - 0.6 * pad, 0.25 * rad)
        which = f"upper hemisphere $b{prime} > 0$" if upper else f"lower hemisphere $b{prime} < 0$"
        axk.set_title(
            f"{which} (centre: $\\theta{prime} = (0, 0, {'+' if upper else '-'}1)$)", fontsize=11
        )
    cbar = fig.colorbar(image, ax=axes, shrink=0.75, pad=0.02)
    label = _FORMULA if eta_exp == 0 else _eta_label(eta_exp)
    cbar.set_label(label if p is not None else _COUNT_LABEL, fontsize=12, labelpad=8)
    if p is None:
        cbar.set_ticks(_count_ticks(arr.n_points))
    _add_legend(fig, extremes, atoms)
    name = "Lambert equal-area" if projection == "lambert" else "orthographic"
    lines = [
        title,
        f"the sphere $S^2$ of neurons $\\theta{prime} = (a_1{prime}, a_2{prime}, b{prime})$ "
        f"as two {name} discs (antipodes at mirrored positions); black: great circles of the "
        "hyperplanes",
    ]
    if any(c is None for c in circles):
        lines.append("thick rim: the great circle $b = 0$ of the data point at the origin")
    fig.suptitle("\n".join(lines), fontsize=12)
    _place_labels(fig, pending)
    return fig


def _axis_arrows(ax: Axes, x0: float, y0: float, length: float) -> None:
    """Small arrows for the directions of ``a1`` and ``a2`` in a corner of a disc picture."""
    style = {"arrowstyle": "->", "color": "black", "lw": 1.2}
    ax.annotate("", (x0 + length, y0), (x0, y0), arrowprops=style, annotation_clip=False)
    ax.annotate("", (x0, y0 + length), (x0, y0), arrowprops=style, annotation_clip=False)
    ax.text(x0 + length, y0, r" $a_1$", ha="left", va="center", fontsize=11)
    ax.text(x0, y0 + length, r"$a_2$", ha="center", va="bottom", fontsize=11)


def _label_chambers(
    ax: Axes,
    arr: Arrangement,
    thetas: np.ndarray,
    inside: np.ndarray,
    extent: tuple[float, float, float, float],
    normals: np.ndarray,
) -> None:
    """Write each chamber's index at the pixel deepest inside its part of the disc."""
    from scipy.ndimage import distance_transform_edt

    ids = _chamber_ids(arr, thetas, normals)
    ids[~inside] = -1
    res = ids.shape[0]
    step = (extent[1] - extent[0]) / (res - 1)
    for k in np.unique(ids[ids >= 0]):
        depth = distance_transform_edt(np.pad(ids == k, 1))[1:-1, 1:-1]
        if depth.max() < 6:  # too thin a sliver to hold a label
            continue
        i, j = np.unravel_index(int(np.argmax(depth)), depth.shape)
        ax.text(
            extent[0] + j * step,
            extent[2] + i * step,
            str(int(k)),
            fontsize=7.5,
            color="white",
            ha="center",
            va="center",
            zorder=5,
            bbox={"boxstyle": "circle,pad=0.15", "fc": "0.2", "ec": "none", "alpha": 0.75},
        )


# ---------------------------------------------------------------------------- entry point
