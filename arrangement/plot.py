"""Pictures of small arrangements: the circle S^1 (``d = 1``) and the sphere S^2 (``d = 2``).

A neuron ``theta = (a, b)`` lives on the unit sphere of weight space ``R^D`` (``D = d + 1``); the
hyperplane of a data point ``x_i`` is ``{theta : <theta, (x_i, 1)> = 0}``, so on the sphere it is a
pair of antipodal points (``d = 1``) or a great circle (``d = 2``), and the chambers are arcs or
spherical polygons. Given a dual vector ``p``, the picture also shows the certificate
``eta_p(theta) = sum_i p_i relu(<theta, xt_i>)``, its extreme points (where ``|eta_p|`` is
maximal, as found by the exact certificate) and the atoms of a solution.

Only the picture is numerical: the colours come from a dense grid of float evaluations of
``eta_p``. Every combinatorial fact drawn (hyperplanes, chambers, extreme points, atoms) comes from
the exact objects passed in.

matplotlib is imported only when a picture is drawn, and no global state (``pyplot``, the
backend) is touched: figures are plain :class:`matplotlib.figure.Figure` objects, saved with the
Agg renderer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from arrangement._linalg import scaled_floats
from arrangement.errors import InputError
from arrangement.numbers import as_fraction, fraction_str, readable

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from arrangement.arrangement import Arrangement

__all__ = ["Mark", "eta_values", "marks", "plot_arrangement", "sphere_grid"]

Projection = Literal["lambert", "orthographic"]

#: Chambers whose labels are written on the picture (above this, labels would be unreadable).
MAX_CHAMBER_LABELS = 40
#: Chambers (arcs) of the circle whose activation patterns are written (d = 1).
MAX_ARC_LABELS = 16
#: Hyperplanes whose labels are written on the picture.
MAX_HYPERPLANE_LABELS = 12
#: Atoms whose amplitudes are written next to them.
MAX_ATOM_LABELS = 12

_POS, _NEG = "#b2182b", "#2166ac"  # the two ends of the RdBu colour map


@dataclass(frozen=True, slots=True)
class Mark:
    """A point of the sphere to mark: an extreme point or an atom.

    Attributes
    ----------
    direction : numpy.ndarray
        Unit vector (float, length ``D``); only for drawing.
    value : float
        The sign of an extreme point (``+1`` / ``-1``) or the amplitude of an atom.
    """

    direction: np.ndarray
    value: float


# ---------------------------------------------------------------------------- numerics


def _float_rows(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    return np.array([[float(x) for x in r] for r in rows], dtype=float).reshape(len(rows), -1)


def _normal_directions(arr: Arrangement) -> np.ndarray:
    """The normals as floats, each rescaled by a power of two (only directions are drawn)."""
    rows = [scaled_floats([Fraction(x) for x in r]) for r in arr.normals]
    return np.array(rows, dtype=float).reshape(len(rows), arr.dimension)


def _solution_dual(dual: Any) -> Any:
    """A solution stands for its dual vector."""
    if hasattr(dual, "dual") and not isinstance(dual, (str, bytes)):
        return dual.dual
    return dual


def _dual_vector(arr: Arrangement, dual: Any) -> np.ndarray:
    """The dual vector as floats, after the exact check of every entry and of the length."""
    from arrangement.certificate import dual_vector

    return np.array([float(v) for v in dual_vector(arr, _solution_dual(dual), source="dual")])


def eta_values(arr: Arrangement, dual: Any, thetas: Any) -> np.ndarray:
    """Evaluate ``eta_p(theta) = sum_i p_i relu(<theta, xt_i>)`` in floating point.

    Parameters
    ----------
    arr : Arrangement
        The arrangement (its :attr:`~Arrangement.augmented` rows ``xt_i``).
    dual : sequence of numbers
        ``p``, one entry per input row (exact numbers, floats or strings such as ``"3/7"``).
    thetas : array_like
        ``(M, D)`` points of weight space (not necessarily unit vectors).

    Returns
    -------
    numpy.ndarray
        ``(M,)`` float values; for pictures and numerical experiments only (the exact supremum
        is the business of :mod:`arrangement.certificate`).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> arr = Arrangement.from_points([[0], [1]])
    >>> eta_values(arr, [1, "-1/2"], [[1, 0], [1, 1], [0, -1]]).tolist()
    [-0.5, 0.0, 0.0]

    Notes
    -----
    ``O(M N D)``.
    """
    p = _dual_vector(arr, dual)
    x = _float_rows(arr.augmented)
    t = np.asarray(thetas, dtype=float).reshape(-1, arr.dimension)
    return np.maximum(t @ x.T, 0.0) @ p


def _unit(v: Sequence[Any]) -> np.ndarray:
    # rescale by a power of two first, so that huge or tiny exact directions stay in range
    w = np.array(scaled_floats([as_fraction(x) for x in v]), dtype=float)
    n = float(np.linalg.norm(w))
    if n == 0.0:
        raise InputError("a direction to mark is the zero vector")
    return w / n


def marks(items: Any, *, kind: Literal["atom", "extreme"] = "atom") -> list[Mark]:
    """Turn atoms or extreme points, in any of the toolkit's forms, into :class:`Mark` values.

    Parameters
    ----------
    items : iterable or object
        A solution (anything with an ``atoms`` attribute), a certificate (anything with an
        ``maximisers`` attribute), or an iterable of objects with a ``direction`` and an
        ``amplitude`` (atoms) or a ``sign`` (extreme points), or of pairs ``(direction, value)``.
    kind : {"atom", "extreme"}
        Which attribute to read the value from when the items are objects.

    Returns
    -------
    list of Mark

    Examples
    --------
    >>> [(m.direction.tolist(), m.value) for m in marks([((3, 4), "1/2")])]
    [([0.6, 0.8], 0.5)]
    """
    if items is None:
        return []
    if kind == "atom" and hasattr(items, "atoms"):
        items = items.atoms
    if kind == "extreme" and hasattr(items, "maximisers"):
        items = items.maximisers
    out: list[Mark] = []
    for item in items:
        if hasattr(item, "direction"):
            value = getattr(item, "amplitude", None) if kind == "atom" else None
            if value is None:
                value = getattr(item, "sign", None)
            if value is None:
                value = getattr(item, "amplitude", 1)
            direction = item.direction
        else:
            direction, value = item
        out.append(Mark(_unit(direction), float(as_fraction(value))))
    return out


def _extreme_marks(arr: Arrangement, dual: Any, extreme_points: Any) -> tuple[list[Mark], Any]:
    """Extreme points to draw and the exact certificate they came from (or ``None``)."""
    if not isinstance(extreme_points, str):
        return marks(extreme_points, kind="extreme"), None
    if extreme_points != "auto":
        raise InputError(
            f"extreme_points must be 'auto', None or a sequence, not {extreme_points!r}"
        )
    if dual is None:
        return [], None
    from arrangement.certificate import certify

    check = getattr(dual, "certificate", None)  # a Solution carries its own exact analysis
    if check is not None and hasattr(check, "maximisers"):
        cert = check
    elif check is not None and hasattr(check, "dual"):
        cert = certify(arr, check.dual)  # the rational rounding the solution analysed
    else:
        cert = certify(arr, _solution_dual(dual))
    return marks(cert, kind="extreme"), cert


# ---------------------------------------------------------------------------- sphere geometry


def _project(theta: np.ndarray, projection: Projection) -> np.ndarray:
    """Map unit vectors ``(a1, a2, b)`` to disc coordinates of their hemisphere (sign of ``b``)."""
    a = theta[..., :2]
    if projection == "orthographic":
        return a.copy()
    scale = np.sqrt(2.0 / (1.0 + np.abs(theta[..., 2])))
    return a * scale[..., None]


def _disc_radius(projection: Projection) -> float:
    return math.sqrt(2.0) if projection == "lambert" else 1.0


def sphere_grid(
    resolution: int, *, upper: bool, projection: Projection = "lambert"
) -> tuple[np.ndarray, np.ndarray, tuple[float, float, float, float]]:
    """Unit vectors on a square grid over one hemisphere's disc.

    Parameters
    ----------
    resolution : int
        Grid points per side.
    upper : bool
        The hemisphere ``b > 0`` (else ``b < 0``).
    projection : {"lambert", "orthographic"}
        Lambert azimuthal equal-area (disc of radius ``sqrt 2``) or orthographic (radius 1),
        centred on the pole ``(0, 0, +-1)``; both show ``(a1, a2)`` with ``a1`` to the right, so a
        point and its antipode appear at mirrored positions ``u`` and ``-u`` of the two discs.

    Returns
    -------
    thetas : numpy.ndarray
        ``(resolution, resolution, 3)`` unit vectors (NaN outside the disc).
    inside : numpy.ndarray
        ``(resolution, resolution)`` boolean mask of the disc.
    extent : tuple of float
        ``(left, right, bottom, top)`` for :meth:`matplotlib.axes.Axes.imshow`.
    """
    rad = _disc_radius(projection)
    s = np.linspace(-rad, rad, resolution)
    u1, u2 = np.meshgrid(s, s)
    rho2 = u1**2 + u2**2
    inside = rho2 <= rad**2
    if projection == "orthographic":
        a_scale = np.ones_like(rho2)
        b = np.sqrt(np.clip(1.0 - rho2, 0.0, None))
    else:
        a_scale = np.sqrt(np.clip(1.0 - rho2 / 4.0, 0.0, None))
        b = np.clip(1.0 - rho2 / 2.0, 0.0, None)
    thetas = np.stack([u1 * a_scale, u2 * a_scale, b if upper else -b], axis=-1)
    thetas[~inside] = np.nan
    return thetas, inside, (-rad, rad, -rad, rad)


def _great_circle(normal: np.ndarray, samples: int = 721) -> tuple[np.ndarray, np.ndarray] | None:
    """The great circle ``normal^perp`` split at the equator: (upper half, lower half).

    Each half runs from one equator crossing to the other, so the projected curves end exactly on
    the rim of the discs. ``None`` if the circle is the equator itself.
    """
    n = normal / np.linalg.norm(normal)
    w = np.cross(n, [0.0, 0.0, 1.0])
    if np.linalg.norm(w) < 1e-12:
        return None
    w /= np.linalg.norm(w)
    v = np.cross(n, w)
    if v[2] < 0:
        v = -v
    t = np.linspace(0.0, math.pi, samples)
    upper = np.cos(t)[:, None] * w + np.sin(t)[:, None] * v
    return upper, -upper


# ---------------------------------------------------------------------------- drawing helpers

_ETA_LABEL = r"$\eta_p(\theta)$"
_COUNT_LABEL = r"number of active data points $|A(\theta)|$"
_FORMULA = r"$\eta_p(\theta) = \Sigma_i\, p_i\,\mathrm{relu}\langle\theta, \tilde x_i\rangle$"


def _figure(
    n_panels: int, ax: Any, size: tuple[float, float], widths: Sequence[float] | None = None
) -> tuple[Figure, list[Axes]]:
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=size, layout="constrained")
        grid = fig.subplots(1, n_panels, squeeze=False, width_ratios=widths)
        return fig, list(grid[0])
    axes = [ax] if not isinstance(ax, (Sequence, np.ndarray)) else list(ax)
    if len(axes) != n_panels:
        raise InputError(f"this picture needs {n_panels} axes, got {len(axes)}")
    return axes[0].figure, axes


def _value_norm(values: np.ndarray) -> Any:
    """Symmetric colour scale for ``eta``: ``[-1, 1]``, or wider if ``|eta|`` exceeds 1."""
    from matplotlib.colors import Normalize

    finite = values[np.isfinite(values)]
    m = max(1.0, float(np.max(np.abs(finite)))) if finite.size else 1.0
    return Normalize(vmin=-m, vmax=m)


def _count_norm(max_count: int) -> tuple[Any, Any]:
    """Discrete colour scale for the number of active rows ``0..N``."""
    from matplotlib import colormaps
    from matplotlib.colors import BoundaryNorm

    cmap = colormaps["viridis"].resampled(max_count + 1)
    return cmap, BoundaryNorm(np.arange(-0.5, max_count + 1.5), cmap.N)


def _count_ticks(n: int) -> list[int]:
    step = max(1, math.ceil((n + 1) / 12))
    return list(range(0, n + 1, step))


def _point_label(arr: Arrangement, rows: Sequence[int]) -> str:
    """Name the hyperplane of some input rows: ``x3=1/2``, ``x1,6=(0, 1)`` or ``H0`` (normals)."""
    first = rows[0]
    names = ",".join(str(i) for i in rows)
    if len(arr.points[first]) == arr.dimension - 1:
        coords = ", ".join(readable(c) for c in arr.points[first])
        if arr.dimension == 2:
            return f"x{names}={coords}"
        return f"x{names}=({coords})"
    return f"H{arr.row_to_hyperplane[first]}"


def _rows_of(arr: Arrangement) -> list[list[int]]:
    rows: list[list[int]] = [[] for _ in arr.normals]
    for i, h in enumerate(arr.row_to_hyperplane):
        rows[h].append(i)
    return rows


def _pattern_label(pattern: Sequence[int]) -> str:
    return "{" + ",".join(str(i) for i in pattern) + "}"


def _chamber_lookup(arr: Arrangement) -> dict[bytes, int]:
    """Map the packed per-hyperplane sign vector of a chamber to its index."""
    signs = np.asarray(arr.regions().signs, dtype=np.int8)
    return {row.tobytes(): k for k, row in enumerate(signs)}


def _chamber_ids(arr: Arrangement, thetas: np.ndarray) -> np.ndarray:
    """Chamber index of every (float) point; -1 for points on a hyperplane or outside."""
    lookup = _chamber_lookup(arr)
    flat = thetas.reshape(-1, arr.dimension)
    ok = np.all(np.isfinite(flat), axis=1)
    vals = np.nan_to_num(flat) @ _normal_directions(arr).T
    ok &= np.all(np.abs(vals) > 1e-12, axis=1)
    signs = np.where(vals > 0, 1, -1).astype(np.int8)
    ids = np.array([lookup.get(s.tobytes(), -1) for s in signs], dtype=np.int64)
    ids[~ok] = -1
    return ids.reshape(thetas.shape[:-1])


_EXT_STYLE: dict[int, dict[str, Any]] = {
    1: {"marker": "^", "mfc": "white", "mec": "black", "mew": 1.6, "ms": 10},
    -1: {"marker": "v", "mfc": "black", "mec": "white", "mew": 0.8, "ms": 11},
}
_ATOM_STYLE: dict[int, dict[str, Any]] = {
    1: {"marker": "o", "mfc": "none", "mec": "#ffb000", "mew": 2.6},
    -1: {"marker": "s", "mfc": "none", "mec": "#00b050", "mew": 2.6},
}


def _add_legend(fig: Any, extremes: Any, atoms: Any) -> None:
    """One legend below the panels for the extreme points and atoms drawn (if any)."""
    handles = _legend_handles(extremes, atoms)
    if handles:
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=min(4, len(handles)),
            fontsize=9,
            framealpha=0.9,
        )


def _legend_handles(extremes: list[Mark], atoms: list[Mark]) -> list[Any]:
    from matplotlib.lines import Line2D

    handles: list[Any] = []
    for s, text in (
        (1, r"maximiser of $|\eta_p|$ with $\eta_p > 0$"),
        (-1, r"maximiser of $|\eta_p|$ with $\eta_p < 0$"),
    ):
        if any(np.sign(m.value) == s for m in extremes):
            handles.append(Line2D([], [], ls="", label=text, **_EXT_STYLE[s]))
    for s, text in ((1, "atom, amplitude > 0"), (-1, "atom, amplitude < 0")):
        if any(np.sign(m.value) == s for m in atoms):
            handles.append(Line2D([], [], ls="", ms=13, label=text, **_ATOM_STYLE[s]))
    return handles


def _draw_marks(
    ax: Axes,
    extremes: list[Mark],
    ext_xy: np.ndarray,
    atoms: list[Mark],
    atom_xy: np.ndarray,
    *,
    amp_scale: float,
) -> None:
    """Draw extreme points and atoms at 2-D positions (rows of NaN are skipped)."""
    for m, (x, y) in zip(extremes, ext_xy, strict=True):
        if np.isfinite(x):
            ax.plot(x, y, ls="", zorder=7, **_EXT_STYLE[1 if m.value > 0 else -1])
    label = len(atoms) <= MAX_ATOM_LABELS
    for k, (m, (x, y)) in enumerate(zip(atoms, atom_xy, strict=True)):
        if not np.isfinite(x):
            continue
        size = 11 + 13 * abs(m.value) / amp_scale
        ax.plot(x, y, ls="", ms=size, zorder=6, **_ATOM_STYLE[1 if m.value > 0 else -1])
        if label:
            ax.annotate(
                f"{m.value:+.3g}",
                (x, y),
                xytext=(9, 9) if k % 2 == 0 else (9, -18),  # alternate: neighbours stay apart
                textcoords="offset points",
                fontsize=9,
                zorder=8,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )


def _amp_scale(atoms: list[Mark]) -> float:
    return max((abs(m.value) for m in atoms), default=1.0) or 1.0


def _spread(angles: list[tuple[float, float]], min_gap: float) -> list[tuple[int, float]]:
    """Greedy choice of one of two candidate angles per label, as far from the others as possible.

    Returns, per label, the chosen candidate (0 or 1) and the angle (degrees).
    """
    placed: list[float] = []
    out: list[tuple[int, float]] = []

    def gap(a: float) -> float:
        return min((abs((a - b + 180.0) % 360.0 - 180.0) for b in placed), default=360.0)

    for cands in angles:
        k = max(range(len(cands)), key=lambda j: gap(cands[j]))
        a = cands[k]
        if gap(a) < min_gap:  # both ends are crowded: slide along the rim to the nearest gap
            for step in range(1, 30):
                for b in (a + step * min_gap / 3, a - step * min_gap / 3):
                    if gap(b) >= min_gap:
                        a = b
                        break
                else:
                    continue
                break
        placed.append(a)
        out.append((k, a))
    return out


def _outward(angle_deg: float) -> dict[str, str]:
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    ha = "left" if c > 0.3 else "right" if c < -0.3 else "center"
    va = "bottom" if s > 0.3 else "top" if s < -0.3 else "center"
    return {"ha": ha, "va": va}


# ---------------------------------------------------------------------------- d = 1


def _angle(theta: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(theta[..., 1], theta[..., 0]))


def _plot_circle(
    arr: Arrangement,
    p: np.ndarray | None,
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
    x = _float_rows(arr.augmented)
    normals = _normal_directions(arr)
    rows = _rows_of(arr)
    # The hyperplane with normal n meets S^1 in the two points +-(-n2, n1)/|n|.
    zero_dirs = np.stack([-normals[:, 1], normals[:, 0]], axis=1)
    zero_dirs /= np.linalg.norm(zero_dirs, axis=1)[:, None]
    boundaries = np.sort(np.concatenate([_angle(zero_dirs), _angle(-zero_dirs)]))

    phi = np.linspace(-180.0, 180.0, 3601)
    pts = np.stack([np.cos(np.radians(phi)), np.sin(np.radians(phi))], axis=1)
    eta = None if p is None else np.maximum(pts @ x.T, 0.0) @ p
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
    cbar.set_label(_ETA_LABEL if has_dual else _COUNT_LABEL, fontsize=11)
    if not has_dual:
        cbar.set_ticks(_count_ticks(arr.n_points))

    # Hyperplanes: pairs of antipodal ticks, both labelled by their data rows.
    label_planes = len(rows) <= MAX_HYPERPLANE_LABELS
    for h, d in enumerate(zero_dirs):
        for q in (d, -d):
            circ.plot(
                [0.86 * q[0], 1.14 * q[0]],
                [0.86 * q[1], 1.14 * q[1]],
                color="black",
                lw=1.8,
                zorder=4,
            )
            if label_planes:
                a = float(_angle(q))
                circ.text(
                    1.19 * q[0],
                    1.19 * q[1],
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
            k = int(_chamber_ids(arr, u[None, :])[0])
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

    def on_circle(ms: list[Mark]) -> np.ndarray:
        return np.array([m.direction for m in ms]).reshape(-1, 2)

    _draw_marks(circ, extremes, on_circle(extremes), atoms, on_circle(atoms), amp_scale=amp)

    lim = 1.75 if label_planes else 1.3
    circ.set_xlim(-lim, lim)
    circ.set_ylim(-lim, lim)
    circ.set_aspect("equal")
    circ.set_xlabel("a (weight)")
    circ.set_ylabel("b (bias)")
    circ.axhline(0, color="0.85", lw=0.5, zorder=0)
    circ.axvline(0, color="0.85", lw=0.5, zorder=0)
    circ.set_title(
        r"the circle $S^1$ of neurons $\theta = (a, b)$: hyperplanes (ticks), "
        "\nchambers (arcs" + (", labelled by their active rows)" if label_arcs else ")"),
        fontsize=11,
    )

    if eta is not None and p is not None:
        side = axes[1]
        side.axhspan(-1, 1, color="0.94", zorder=0)
        top = blended_transform_factory(side.transData, side.transAxes)
        for b in boundaries:
            side.axvline(b, color="black", lw=0.7, ls=":", zorder=1)
        if label_planes:
            for h, d in enumerate(zero_dirs):
                for q in (d, -d):
                    side.text(
                        float(_angle(q)),
                        1.01,
                        _point_label(arr, rows[h]),
                        rotation=90,
                        fontsize=7,
                        ha="center",
                        va="bottom",
                        transform=top,
                    )
        side.axhline(1, color=_POS, lw=1, ls="--")
        side.axhline(-1, color=_NEG, lw=1, ls="--")
        side.axhline(0, color="0.6", lw=0.6)
        side.plot(phi, eta, color="black", lw=1.6, zorder=3)

        def graph(ms: list[Mark]) -> np.ndarray:
            d = np.array([m.direction for m in ms]).reshape(-1, 2)
            return np.stack([_angle(d), np.maximum(d @ x.T, 0.0) @ p], axis=1)

        _draw_marks(side, extremes, graph(extremes), atoms, graph(atoms), amp_scale=amp)
        side.set_xlim(-180, 180)
        side.set_xticks(range(-180, 181, 45))
        side.set_xlabel(r"angle $\varphi$ of $\theta = (\cos\varphi, \sin\varphi)$ in degrees")
        side.set_ylabel(_ETA_LABEL)
        side.set_title(
            f"{_FORMULA} over the circle\n(dotted: hyperplanes; grey band: "
            r"$|\eta_p| \leq 1$)",
            fontsize=11,
            pad=48 if label_planes else 6,
        )
    _add_legend(fig, extremes, atoms)
    fig.suptitle(title, fontsize=13)
    return fig


# ---------------------------------------------------------------------------- d = 2


def _plot_sphere(
    arr: Arrangement,
    p: np.ndarray | None,
    extremes: list[Mark],
    atoms: list[Mark],
    ax: Any,
    title: str,
    projection: Projection,
    resolution: int,
) -> Figure:
    fig, axes = _figure(2, ax, (14.0, 7.4))
    x = _float_rows(arr.augmented)
    normals = _normal_directions(arr)
    regions = arr.regions()
    rad = _disc_radius(projection)
    grids = [sphere_grid(resolution, upper=up, projection=projection) for up in (True, False)]

    if p is not None:
        values = [
            np.where(g[1], np.maximum(np.nan_to_num(g[0]) @ x.T, 0.0) @ p, np.nan) for g in grids
        ]
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

        _draw_marks(axk, extremes, in_disc(extremes), atoms, in_disc(atoms), amp_scale=amp)
        if p is None and len(regions) <= MAX_CHAMBER_LABELS:
            _label_chambers(axk, arr, thetas, inside, extent)
        pad = 0.3 * rad if label_planes else 0.06 * rad
        axk.set_xlim(-rad - pad, rad + pad)
        axk.set_ylim(-rad - pad, rad + pad)
        axk.set_aspect("equal")
        axk.set_xticks([])
        axk.set_yticks([])
        for spine in axk.spines.values():
            spine.set_visible(False)
        _axis_arrows(axk, -rad - 0.6 * pad, -rad - 0.6 * pad, 0.25 * rad)
        which = r"upper hemisphere $b > 0$" if upper else r"lower hemisphere $b < 0$"
        axk.set_title(
            f"{which} (centre: $\\theta = (0, 0, {'+' if upper else '-'}1)$)", fontsize=11
        )
    cbar = fig.colorbar(image, ax=axes, shrink=0.75, pad=0.02)
    cbar.set_label(_FORMULA if p is not None else _COUNT_LABEL, fontsize=12, labelpad=8)
    if p is None:
        cbar.set_ticks(_count_ticks(arr.n_points))
    _add_legend(fig, extremes, atoms)
    name = "Lambert equal-area" if projection == "lambert" else "orthographic"
    lines = [
        title,
        f"the sphere $S^2$ of neurons $\\theta = (a_1, a_2, b)$ as two {name} discs "
        "(antipodes at mirrored positions); black: great circles of the hyperplanes",
    ]
    if any(c is None for c in circles):
        lines.append("thick rim: the great circle $b = 0$ of the data point at the origin")
    fig.suptitle("\n".join(lines), fontsize=12)
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
) -> None:
    """Write each chamber's index at the pixel deepest inside its part of the disc."""
    from scipy.ndimage import distance_transform_edt

    ids = _chamber_ids(arr, thetas)
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


def _default_title(arr: Arrangement) -> str:
    d = arr.dimension - 1
    return (
        f"{arr.n_points} points in $\\mathbb{{R}}^{d}$: {arr.n_hyperplanes} hyperplanes, "
        f"{arr.n_regions} chambers"
    )


def _certificate_title(cert: Any) -> str | None:
    sup = getattr(cert, "sup_norm_squared", None)
    if sup is None:
        return None
    valid = getattr(cert, "valid", None)
    q = Fraction(sup)
    exact = fraction_str(q)
    if len(exact) > 16:  # a long rational: its decimal expansion is what a reader wants
        text = f"exact $\\sup|\\eta_p|^2$ = {readable(q, limit=0, digits=12)}..."
    else:
        text = f"exact $\\sup|\\eta_p|^2$ = {exact}"
    if valid is not None:
        text += " (a valid certificate)" if valid else " (> 1: NOT a valid certificate)"
    return text


def _solution_title(sol: Any) -> str:
    n = len(sol.atoms)
    lam = getattr(sol, "lam", None)
    what = "$P_0$" if lam is None else f"$P_\\lambda$ with $\\lambda = {readable(lam)}$"
    return f"{what}: {n} atom{'s' if n != 1 else ''}"


def plot_arrangement(
    arr: Arrangement,
    *,
    dual: Any = None,
    atoms: Any = None,
    extreme_points: Any = "auto",
    projection: Projection = "lambert",
    ax: Any = None,
    path: str | Path | None = None,
    title: str | None = None,
    resolution: int = 401,
    dpi: int = 150,
) -> Figure:
    """Draw the arrangement on the circle (``d = 1``) or the sphere (``d = 2``).

    Parameters
    ----------
    arr : Arrangement
        An arrangement in weight space of dimension ``D = 2`` or ``D = 3``.
    dual : sequence of numbers or Solution, optional
        A dual vector ``p`` (one entry per input row), or a solution (its ``dual`` is used). With
        it the chambers are coloured by ``eta_p``; without it, by the number of active rows,
        and labelled.
    atoms : Solution or iterable, optional
        Atoms to mark: a solution (its ``atoms``), objects with ``direction`` and ``amplitude``,
        or pairs ``(direction, amplitude)``.
    extreme_points : "auto", None or iterable, optional
        Points to mark where ``|eta_p|`` is maximal (objects with ``direction`` and ``sign``,
        pairs, or a :class:`~arrangement.certificate.Certificate`). ``"auto"`` (default): if
        ``dual`` is given, the maximisers of the exact certificate (a solution's own
        ``certificate``, else :func:`arrangement.certificate.certify` of ``p``). ``None``: none.
    projection : {"lambert", "orthographic"}, optional
        Map of each hemisphere to a disc (``d = 2`` only); see :func:`sphere_grid`.
    ax : Axes or sequence of Axes, optional
        Where to draw: ``d = 1`` needs one axes (two with a dual vector), ``d = 2`` two. By
        default a new figure is made.
    path : str or Path, optional
        Save the figure there (format from the suffix, e.g. ``.png``).
    title : str, optional
        Replaces the first line of the default title.
    resolution : int, optional
        Grid points per side of each disc for the colours (``d = 2``).
    dpi : int, optional
        Resolution of the saved image.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        For ``d`` other than 1 or 2 ("plotting needs d = 1 or d = 2"), a dual vector of the wrong
        length or with entries that are not numbers, a marked direction of the wrong length, or
        the wrong number of axes.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> fig = plot_arrangement(Arrangement.from_points([[0], [1], [3]]))
    >>> len(fig.axes)  # the circle and its colour bar
    2
    >>> plot_arrangement(Arrangement.from_points([[0, 0, 0]]))
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: plotting needs d = 1 or d = 2 (these data have d = 3)

    Notes
    -----
    The colours are float evaluations on a grid (``O(resolution^2 N)`` for ``d = 2``); the
    marked points come from the exact certificate, whose cost dominates for larger data.
    """
    if arr.dimension not in (2, 3):
        raise InputError(f"plotting needs d = 1 or d = 2 (these data have d = {arr.dimension - 1})")
    if projection not in ("lambert", "orthographic"):
        raise InputError(f"unknown projection {projection!r}: use 'lambert' or 'orthographic'")
    if resolution < 16:
        raise InputError("resolution must be at least 16 grid points per side")
    p = None if dual is None else _dual_vector(arr, dual)
    extremes, cert = _extreme_marks(arr, dual, extreme_points)
    atom_marks = marks(atoms, kind="atom")
    for m in (*extremes, *atom_marks):
        if m.direction.shape != (arr.dimension,):
            raise InputError(
                f"a marked direction has {m.direction.size} coordinates, expected {arr.dimension}"
            )
    parts = [title if title is not None else _default_title(arr)]
    for source in (atoms, dual):
        if hasattr(source, "problem") and hasattr(source, "atoms"):
            parts.append(_solution_title(source))
            break
    if cert is not None and (extra := _certificate_title(cert)):
        parts.append(extra)
    full_title = "; ".join(parts)
    if arr.dimension == 2:
        fig = _plot_circle(arr, p, extremes, atom_marks, ax, full_title)
    else:
        fig = _plot_sphere(arr, p, extremes, atom_marks, ax, full_title, projection, resolution)
    if path is not None:
        fig.savefig(path, dpi=dpi)
    return fig
