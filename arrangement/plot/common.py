"""What every picture shares: marks, eta on a grid, projections of the sphere, labels, legends.

Pictures of small arrangements: the circle S^1 (``d = 1``) and the sphere S^2 (``d = 2``).

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
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.linalg import scaled_floats, unit_vector
from arrangement.core.numbers import as_fraction, readable

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from arrangement.geometry.arrangement import Arrangement

__all__ = ["Mark", "Projection", "eta_values", "marks", "near_extremes", "sphere_grid"]

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
    exact : tuple of Fraction, optional
        The direction as given (exact, not normalised): what a rescaled display maps.
    amount : Fraction, optional
        ``value`` exactly, when it was given exactly.
    """

    direction: np.ndarray
    value: float
    exact: tuple[Fraction, ...] | None = None
    amount: Fraction | None = None


# ---------------------------------------------------------------------------- numerics


def _safe_float(q: Fraction) -> float:
    """``float(q)``, clamped to the largest finite float beyond the float range (labels, sizes)."""
    try:
        return float(q)
    except OverflowError:
        return sys.float_info.max if q > 0 else -sys.float_info.max


def _num(q: Fraction | int) -> str:
    """A number for a picture: ``readable`` (``3/2``, ``1.5e+07``), never ``0`` for non-zero.

    Where ``readable`` would round a tiny non-zero value to ``0`` a short decimal is written
    instead (``1e-400``).
    """
    q = Fraction(q)
    text = readable(q)
    if q and text.lstrip("-") in ("0", "0.0"):
        d = Decimal(q.numerator) / Decimal(q.denominator)
        text = format(d, ".4g")
    return text


def _amount(m: Mark) -> str:
    """The signed label of an atom's amplitude (exact when beyond the float range)."""
    if m.amount is not None and abs(m.value) >= 1e300:
        return ("+" if m.amount > 0 else "") + _num(m.amount)
    return f"{m.value:+.3g}"


def _exponent(q: Fraction) -> int:
    """``e`` with ``2^(e-1) < |q| < 2^(e+1)`` (0 for 0): the binary order of magnitude."""
    q = abs(q)
    return q.numerator.bit_length() - q.denominator.bit_length() if q else 0


def _normal_directions(arr: Arrangement) -> np.ndarray:
    """The normals as floats, each rescaled by a power of two (only directions are drawn)."""
    rows = [scaled_floats([Fraction(x) for x in r]) for r in arr.normals]
    return np.array(rows, dtype=float).reshape(len(rows), arr.dimension)


def _solution_dual(dual: Any) -> Any:
    """A solution stands for its dual vector."""
    if hasattr(dual, "dual") and not isinstance(dual, (str, bytes)):
        return dual.dual
    return dual


def _dual_vector(arr: Arrangement, dual: Any) -> tuple[Fraction, ...]:
    """The dual vector, exact, after the check of every entry and of the length."""
    from arrangement.certificates.certificate import dual_vector

    return dual_vector(arr, _solution_dual(dual), source="dual")


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
        is the business of :mod:`arrangement.certificates.certificate`).

    Raises
    ------
    InputError
        When a value ``p_i xt_i`` is beyond the float range even after each row ``xt_i`` is
        rescaled exactly by a power of two.

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
    rows, weights = [], []
    for i, (pi, xt) in enumerate(zip(p, arr.augmented, strict=True)):
        q = [as_fraction(v) for v in xt]
        e = max((_exponent(v) for v in q if v), default=0)  # xt_i = 2^e * (a row near 1)
        rows.append(scaled_floats(q))
        try:
            weights.append(float(pi * Fraction(2) ** e))
        except OverflowError:
            raise InputError(
                f"row {i}: p_i * xt_i = {readable(pi)} * 2^{e} (about) is beyond the float "
                "range: eta cannot be evaluated in floating point"
            ) from None
    x = np.array(rows, dtype=float).reshape(len(rows), arr.dimension)
    t = np.asarray(thetas, dtype=float).reshape(-1, arr.dimension)
    return np.maximum(t @ x.T, 0.0) @ np.array(weights, dtype=float)


def _unit(v: Sequence[Any]) -> np.ndarray:
    # rescaled by a power of two first, so that huge or tiny exact directions stay in range
    w = unit_vector([as_fraction(x) for x in v])
    if not w.any():
        raise InputError("a direction to mark is the zero vector")
    return w


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
        exact = tuple(as_fraction(x) for x in direction)
        amount = as_fraction(value)
        out.append(Mark(_unit(exact), _safe_float(amount), exact, amount))
    return out


def near_extremes(cert: Any, *, tol: float | Fraction | str = 0) -> list[Mark]:
    """Every chamber maximum of ``|eta_p|`` that reaches ``1 - tol``, decided exactly.

    On each closed chamber ``eta_p`` is linear, so it has at most one maximiser and one
    minimiser on the sphere (``docs/theory.md``); this returns, over all chambers, the maximisers
    with ``eta_p >= 1 - tol`` and the minimisers with ``eta_p <= -(1 - tol)``, deduplicated (a
    point on a face shared by several closed chambers is listed once). A solution whose six atoms
    all sit at ``|eta| = 1`` gives six points.

    Parameters
    ----------
    cert : Certificate
        From :func:`arrangement.certificates.certificate.certify`.
    tol : float, Fraction or str, optional
        ``0 <= tol < 1``; read exactly (``1e-4`` is ``1/10000``).

    Returns
    -------
    list of Mark
        ``value`` is ``eta_p`` at the point (float), ``exact`` the primitive integer direction.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> from arrangement.certificates.certificate import certify
    >>> cert = certify(Arrangement.from_points([[0], [1]]), [1, -1])
    >>> [(m.exact, m.value) for m in near_extremes(cert, tol="1/10")]
    [((Fraction(1, 1), Fraction(0, 1)), -1.0)]

    Notes
    -----
    The search is :func:`arrangement.certificates.certificate.near_maximisers` (the exact pruning
    of :func:`~arrangement.certificates.certificate.certify`, kept above ``1 - tol``).
    """
    from arrangement.certificates.certificate import near_maximisers

    t = as_fraction(tol)
    if not 0 <= t < 1:
        raise InputError(f"the tolerance must satisfy 0 <= tol < 1, got {tol}")
    found = near_maximisers(cert, t)
    out = []
    for m in sorted(found, key=lambda m: (-m.point.sign, m.point.direction)):
        exact = tuple(Fraction(x) for x in m.point.direction)
        value = m.point.sign * math.sqrt(_safe_float(m.value_squared))
        out.append(Mark(_unit(exact), value, exact))
    return out


def _extreme_marks(
    arr: Arrangement, dual: Any, extreme_points: Any, tol: float | Fraction | str
) -> tuple[list[Mark], Any]:
    """Points to mark, and the exact certificate they came from (or ``None``).

    The points are every chamber maximum with ``|eta| >= 1 - tol`` and the maximisers of
    ``|eta|``.
    """
    if not isinstance(extreme_points, str):
        return marks(extreme_points, kind="extreme"), None
    if extreme_points != "auto":
        raise InputError(
            f"extreme_points must be 'auto', None or a sequence, not {extreme_points!r}"
        )
    if dual is None:
        return [], None
    from arrangement.certificates.certificate import certify

    check = getattr(dual, "certificate", None)  # a Solution carries its own exact analysis
    if check is not None and hasattr(check, "maximisers"):
        cert = check
    elif check is not None and hasattr(check, "dual"):
        cert = certify(arr, check.dual, tol=tol)  # the rational rounding the solution analysed
    else:
        cert = certify(arr, _solution_dual(dual), tol=tol)
    near = near_extremes(cert, tol=tol)
    seen = {(m.value > 0, m.exact) for m in near}
    tops = [
        m
        for m in marks(cert, kind="extreme")
        if (m.value > 0, tuple(Fraction(x) for x in m.exact or ())) not in seen
    ]
    sup = math.sqrt(_safe_float(cert.sup_norm_squared))
    tops = [Mark(m.direction, math.copysign(sup, m.value), m.exact) for m in tops]
    return near + tops, cert


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


def _eta_label(exp: int) -> str:
    """The colour-bar label of ``eta_p``, with the binary scale of values beyond the float range."""
    return _ETA_LABEL if exp == 0 else rf"$\eta_p(\theta) \times 2^{{{-exp}}}$ (exact rescaling)"


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
        coords = ", ".join(_num(c) for c in arr.points[first])
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
    signs = np.asarray(arr.regions().hyperplane_signs, dtype=np.int8)
    return {row.tobytes(): k for k, row in enumerate(signs)}


def _chamber_ids(
    arr: Arrangement, thetas: np.ndarray, normals: np.ndarray | None = None
) -> np.ndarray:
    """Chamber index of every (float) point; -1 for points on a hyperplane or outside.

    ``normals`` are the hyperplanes' normals in the coordinates of ``thetas`` (default: raw).
    """
    lookup = _chamber_lookup(arr)
    flat = thetas.reshape(-1, arr.dimension)
    ok = np.all(np.isfinite(flat), axis=1)
    normals = _normal_directions(arr) if normals is None else normals
    vals = np.nan_to_num(flat) @ normals.T
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
        (1, r"$\eta_p > 0$: chamber maximum with $|\eta_p| \geq 1 - \mathrm{tol}$ (or max)"),
        (-1, r"$\eta_p < 0$: chamber minimum with $|\eta_p| \geq 1 - \mathrm{tol}$ (or max)"),
    ):
        if any(np.sign(m.value) == s for m in extremes):
            handles.append(Line2D([], [], ls="", label=text, **_EXT_STYLE[s]))
    for s, text in ((1, "atom, amplitude > 0"), (-1, "atom, amplitude < 0")):
        if any(np.sign(m.value) == s for m in atoms):
            handles.append(Line2D([], [], ls="", ms=13, label=text, **_ATOM_STYLE[s]))
    return handles


#: A label waiting for a place: (axes, x, y in data coordinates, text, marker radius in points).
PendingLabel = tuple[Any, float, float, str, float]


def _draw_marks(
    ax: Axes,
    extremes: list[Mark],
    ext_xy: np.ndarray,
    atoms: list[Mark],
    atom_xy: np.ndarray,
    *,
    amp_scale: float,
    pending: list[PendingLabel] | None = None,
) -> None:
    """Draw extreme points and atoms at 2-D positions (rows of NaN are skipped).

    The amplitude labels of the atoms are appended to ``pending``, to be placed without
    overlaps by :func:`_place_labels` once the figure is laid out.
    """
    for m, (x, y) in zip(extremes, ext_xy, strict=True):
        if np.isfinite(x):
            ax.plot(x, y, ls="", zorder=7, **_EXT_STYLE[1 if m.value > 0 else -1])
    label = len(atoms) <= MAX_ATOM_LABELS and pending is not None
    for m, (x, y) in zip(atoms, atom_xy, strict=True):
        if not np.isfinite(x):
            continue
        size = 11 + 13 * abs(m.value) / amp_scale
        ax.plot(x, y, ls="", ms=size, zorder=6, **_ATOM_STYLE[1 if m.value > 0 else -1])
        if label and pending is not None:
            pending.append((ax, float(x), float(y), _amount(m), size / 2))


def _place_labels(fig: Any, pending: list[PendingLabel], *, fontsize: float = 9) -> None:
    """Place every pending label next to its point where it overlaps nothing already drawn.

    The figure is laid out first; then, label by label, the first of a ring of candidate
    offsets whose box stays clear of the markers, of the texts already on the axes and of the
    labels placed before is taken (the least crowded one when none is clear), with a thin
    leader line when the label sits away from its point.
    """
    if not pending:
        return
    root = fig.figure  # the root figure, also for a subfigure
    engine = root.get_layout_engine()
    if engine is not None:  # lay the figure out (no rendering) so that positions are final
        engine.execute(root)
    scale = fig.dpi / 72.0  # pixels per point
    boxes: list[tuple[float, float, float, float]] = []
    for ax in {id(p[0]): p[0] for p in pending}.values():
        for t in ax.texts:
            if t.get_text() and t.get_visible():
                e = t.get_window_extent()
                boxes.append((e.x0, e.y0, e.x1, e.y1))
    for ax, x, y, _, r in pending:
        px, py = ax.transData.transform((x, y))
        rr = r * scale
        boxes.append((px - rr, py - rr, px + rr, py + rr))

    def overlap(b: tuple[float, float, float, float]) -> float:
        total = 0.0
        for c in boxes:
            w = min(b[2], c[2]) - max(b[0], c[0])
            h = min(b[3], c[3]) - max(b[1], c[1])
            if w > 0 and h > 0:
                total += w * h
        return total

    for ax, x, y, text, r in pending:
        px, py = ax.transData.transform((x, y))
        w = (0.62 * fontsize * len(text) + 4) * scale
        h = 1.35 * fontsize * scale
        frame = ax.get_window_extent()
        best: tuple[float, float, float] | None = None
        for ring in (r + 2, r + 12, r + 26):
            d = ring * scale
            for dx, dy in (
                (d, d),
                (d, -d - h),
                (-d - w, d),
                (-d - w, -d - h),
                (-w / 2, d + 2),
                (-w / 2, -d - h - 2),
                (d + 2, -h / 2),
                (-d - w - 2, -h / 2),
            ):
                box = (px + dx, py + dy, px + dx + w, py + dy + h)
                inside = (
                    frame.x0 <= box[0]
                    and box[2] <= frame.x1
                    and frame.y0 <= box[1]
                    and box[3] <= frame.y1
                )
                cost = overlap(box) + (0.0 if inside else w * h * 0.5)
                if best is None or cost < best[0]:
                    best = (cost, dx, dy)
                if cost == 0.0:
                    break
            if best is not None and best[0] == 0.0:
                break
        assert best is not None
        _, dx, dy = best
        boxes.append((px + dx, py + dy, px + dx + w, py + dy + h))
        far = math.hypot(dx + w / 2, dy + h / 2) > (r + 14) * scale
        ann = ax.annotate(
            text,
            (x, y),
            xytext=((dx + 2 * scale) / scale, (dy + 0.2 * h) / scale),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=fontsize,
            zorder=8,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.6} if far else None,
            annotation_clip=False,
        )
        ann.set_in_layout(False)


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


def _spread_line(values: Sequence[float], gap: float, lo: float, hi: float) -> list[float]:
    """Positions near ``values`` (same order) at least ``gap`` apart inside ``[lo, hi]``.

    The least-squares fit of ordered positions with minimal gaps (pool adjacent violators on
    ``value - rank * gap``): labels move as little as possible and never cross.
    """
    n = len(values)
    if n == 0:
        return []
    gap = min(gap, (hi - lo) / max(n - 1, 1))
    order = sorted(range(n), key=lambda i: values[i])
    shifted = [values[i] - k * gap for k, i in enumerate(order)]
    blocks: list[list[float]] = []  # [mean, weight]
    for v in shifted:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    fitted = [m for m, w in blocks for _ in range(int(w))]
    top = hi - (n - 1) * gap
    out = [0.0] * n
    for k, i in enumerate(order):
        out[i] = min(max(fitted[k], lo), top) + k * gap
    return out


def _spread_angles(angles: Sequence[float], gap: float) -> list[float]:
    """Angles (degrees) near ``angles`` at least ``gap`` apart around the circle."""
    n = len(angles)
    if n == 0:
        return []
    gap = min(gap, 360.0 / n)
    # cut the circle in its widest gap, then spread on a line
    srt = sorted(a % 360.0 for a in angles)
    gaps = [(srt[(k + 1) % n] - srt[k]) % 360.0 or 360.0 for k in range(n)]
    k = max(range(n), key=lambda j: gaps[j])
    cut = srt[(k + 1) % n] - 0.5 * gaps[k]  # the middle of the widest gap
    lifted = [(a - cut) % 360.0 + cut for a in angles]
    spread = _spread_line(lifted, gap, cut, cut + 360.0 - gap)
    return [(a + 180.0) % 360.0 - 180.0 for a in spread]


def _outward(angle_deg: float) -> dict[str, str]:
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    ha = "left" if c > 0.3 else "right" if c < -0.3 else "center"
    va = "bottom" if s > 0.3 else "top" if s < -0.3 else "center"
    return {"ha": ha, "va": va}


# ---------------------------------------------------------------------------- d = 1


def _angle(theta: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(theta[..., 1], theta[..., 0]))
