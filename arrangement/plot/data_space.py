"""Pictures in data space: the data, the network ``f`` of a measure, its knots and zero lines.

A measure ``mu = sum_j c_j delta(theta_j)`` (a solution's atoms, or neurons read from a file) is
the shallow ReLU network ``f(x) = sum_j c_j relu(<theta_j, (x, 1)>)``. For ``d = 1`` each atom
``theta = (a, b)`` with ``a != 0`` has its knot at ``x = -b/a`` (the neuron is active to the right
of it when ``a > 0``, to the left when ``a < 0``); for ``d = 2`` its zero line ``a . x + b = 0``.
With a dual vector the ``d = 1`` picture has a second panel: the certificate ``eta_p`` over the knot
position ``t`` of the unit neurons ``(1, -t)`` (facing right) and ``(-1, t)`` (facing left), on the
same axis as the data, so every knot of ``f`` stands above the point where ``|eta_p|`` reaches 1.

Only the curves are numerical: ``f`` and ``eta_p`` are evaluated in floating point after an exact
rescaling of every coefficient by powers of two (data, amplitudes or dual vectors beyond the float
range are drawn on rescaled axes, and the axis labels say so); knots, zero lines and the marked
points come from the exact directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.numbers import as_fraction, fraction_str, readable
from arrangement.plot.common import (
    _ATOM_STYLE,
    _EXT_STYLE,
    _NEG,
    _POS,
    MAX_ATOM_LABELS,
    Mark,
    PendingLabel,
    _amount,
    _dual_vector,
    _exponent,
    _extreme_marks,
    _figure,
    _num,
    _place_labels,
    _safe_float,
    marks,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from arrangement.geometry.arrangement import Arrangement

__all__ = ["network_values", "plot_data"]

#: Knots further than this many half-ranges from the centre of the data are not drawn.
KNOT_REACH = 3


def _power_of_ten(values: Sequence[Fraction]) -> Fraction:
    """``1``, or ``10^e`` near the largest ``|value|`` when the values leave the float range."""
    nz = [abs(v) for v in values if v]
    if not nz or all(-300 < _exponent(v) < 300 for v in nz):
        return Fraction(1)
    big = max(nz)
    e = len(str(big.numerator)) - len(str(big.denominator))
    return Fraction(10) ** e


def _coefficients(
    neurons: Sequence[tuple[Fraction, Sequence[Fraction]]],
    x_scale: Sequence[Fraction],
    f_scale: Fraction,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Floats ``C, W, B`` with ``f(s * u) / f_scale = sum_j C_j relu(W_j . u + B_j)``.

    Every coefficient is computed exactly and each neuron is divided by a power of two near its
    largest entry before it becomes a float, so nothing overflows when the terms are in range.
    """
    d = len(x_scale)
    cs, ws, bs = [], [], []
    for c, theta in neurons:
        row = [theta[k] * x_scale[k] for k in range(d)] + [theta[d]]
        e = max((_exponent(v) for v in row if v), default=0)
        t = Fraction(2) ** e
        ws.append([float(v / t) for v in row[:d]])
        bs.append(float(row[d] / t))
        amp = c * t / f_scale
        try:
            cs.append(float(amp))
        except OverflowError:
            raise InputError(
                f"an atom's contribution {readable(c)} * relu(...) is beyond the float range "
                "even after rescaling: f cannot be drawn"
            ) from None
    k = len(neurons)
    return np.array(cs, dtype=float), np.array(ws, dtype=float).reshape(k, d), np.array(bs)


def _evaluate(coef: tuple[np.ndarray, np.ndarray, np.ndarray], u: np.ndarray) -> np.ndarray:
    c, w, b = coef
    return np.maximum(u @ w.T + b, 0.0) @ c


def _neurons(atoms: Any, dim: int) -> list[tuple[Fraction, tuple[Fraction, ...]]]:
    """``(c_j, theta_j)`` exactly, from a solution, atoms, marks or ``(direction, c)`` pairs."""
    items = marks(atoms, kind="atom") if not _is_marks(atoms) else list(atoms)
    out = []
    for m in items:
        exact = m.exact if m.exact is not None else tuple(as_fraction(v) for v in m.direction)
        if len(exact) != dim:
            raise InputError(f"an atom has {len(exact)} coordinates, expected D = {dim}")
        amount = m.amount if m.amount is not None else as_fraction(m.value)
        out.append((amount, exact))
    return out


def _is_marks(atoms: Any) -> bool:
    return isinstance(atoms, (list, tuple)) and all(isinstance(m, Mark) for m in atoms)


def network_values(atoms: Any, x: Any) -> np.ndarray:
    """Evaluate the network ``f(x) = sum_j c_j relu(<theta_j, (x, 1)>)`` of a measure.

    Parameters
    ----------
    atoms : Solution or iterable
        A solution (its atoms: ``c_j`` the amplitude, ``theta_j`` the unit direction), objects
        with ``direction`` and ``amplitude``, or pairs ``(theta, c)``; ``theta`` need not be a
        unit vector (a pair is then one neuron of a finite network).
    x : array_like
        ``(M, d)`` points (or ``(M,)`` for ``d = 1``).

    Returns
    -------
    numpy.ndarray
        ``(M,)`` floats: a picture's values, not an exact result.

    Raises
    ------
    InputError
        If an atom's length is not ``d + 1`` or a contribution is beyond the float range.

    Examples
    --------
    Two neurons with knots at ``x = 1`` and ``x = -1``:

    >>> network_values([((1, -1), 2), ((-1, -1), "1/2")], [-3, 0, 2]).tolist()
    [1.0, 0.0, 2.0]
    >>> network_values([], [[0, 0]]).tolist()
    [0.0]

    Notes
    -----
    ``O(M k d)`` for ``k`` atoms.
    """
    u = np.asarray(x, dtype=float)
    if u.ndim == 1:
        u = u[:, None]
    d = u.shape[1]
    neurons = _neurons(atoms, d + 1)
    if not neurons:
        return np.zeros(u.shape[0])
    return _evaluate(_coefficients(neurons, [Fraction(1)] * d, Fraction(1)), u)


# ---------------------------------------------------------------------------- pictures


def _scaled_axis_label(name: str, scale: Fraction) -> str:
    return name if scale == 1 else f"{name} / {_num(scale)} (exact rescaling)"


def _floats(values: Sequence[Fraction], scale: Fraction) -> np.ndarray:
    return np.array([float(v / scale) for v in values], dtype=float)


def plot_data(
    arr: Arrangement,
    *,
    labels: Sequence[Any] | None = None,
    atoms: Any = None,
    dual: Any = None,
    tol: float | str | None = None,
    drop_below: float | None = None,
    feature_names: Sequence[str] | None = None,
    ax: Any = None,
    path: str | Path | None = None,
    title: str | None = None,
    resolution: int = 240,
    dpi: int = 150,
) -> Figure:
    """Draw the data and the network of a measure in data space (``d = 1`` or ``d = 2``).

    Parameters
    ----------
    arr : Arrangement
        Built from data points (``Arrangement.from_points``) with ``d = 1`` or ``d = 2``.
    labels : sequence of numbers, optional
        ``y``, one per data row: the points' heights (``d = 1``) or colours (``d = 2``).
    atoms : Solution or iterable, optional
        The measure: a solution (its atoms and, unless ``dual`` is given, its dual vector), objects
        with ``direction`` and ``amplitude``, or pairs ``(theta, c)``. Its network ``f`` is drawn
        with the knots (``d = 1``) or zero lines (``d = 2``) of the atoms.
    dual : sequence of numbers or Solution, optional
        ``p`` for the ``eta_p`` panel (``d = 1``), with every chamber maximum with
        ``|eta_p| >= 1 - tol`` marked at its knot.
    tol : float or str, optional
        As for :func:`~arrangement.plot.plot_arrangement` (default: a solution's
        ``extreme_tol``, else ``1e-4``).
    drop_below : float, optional
        Atoms below this ``|amplitude|`` are kept in ``f`` but get no knot or line (default:
        ten times a solution's ``drop_threshold``).
    feature_names : sequence of str, optional
        Axis names (default ``x`` or ``x1``, ``x2``).
    ax : Axes or sequence of Axes, optional
        ``d = 1``: one axes, two with a dual vector; ``d = 2``: one.
    path : str or Path, optional
        Save the figure there (``.png``, ``.pdf`` or ``.svg``).
    title : str, optional
        Replaces the first line of the title.
    resolution : int, optional
        Grid points along ``x`` (``d = 1``: four times as many) or per side (``d = 2``).
    dpi : int, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        For ``d`` other than 1 or 2, an arrangement without data points, labels or a dual vector
        of the wrong length, atoms of the wrong length, or values beyond the float range that no
        rescaling brings back.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> arr = Arrangement.from_points([[-1], [0], [2]])
    >>> fig = plot_data(arr, labels=[1, 0, 2], atoms=[((1, 0), 1), ((-1, 0), 1)])
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['x']
    >>> plot_data(Arrangement.from_points([[0, 0, 0]]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arrangement.core.errors.InputError: the data-space view needs d = 1 or d = 2 (these data ...

    Notes
    -----
    ``O(G k d)`` float operations for ``G`` grid points and ``k`` atoms, plus the exact
    certificate when a dual vector is given.
    """
    from arrangement.plot.parameter_space import save_figure

    fig, _ = _data_figure(
        arr,
        labels=labels,
        atoms=atoms,
        dual=dual,
        tol=tol,
        drop_below=drop_below,
        feature_names=feature_names,
        ax=ax,
        title=title,
        resolution=resolution,
    )
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig


def _data_figure(
    arr: Arrangement,
    *,
    labels: Sequence[Any] | None,
    atoms: Any,
    dual: Any,
    tol: float | str | None,
    drop_below: float | None,
    feature_names: Sequence[str] | None,
    ax: Any,
    title: str | None,
    resolution: int,
) -> tuple[Figure, dict[str, Any]]:
    """The data-space picture and a JSON-ready summary of what it shows."""
    from arrangement.plot.parameter_space import _default_tol, _kept_atoms, _solution_title

    d = arr.dimension - 1
    if d not in (1, 2):
        raise InputError(f"the data-space view needs d = 1 or d = 2 (these data have d = {d})")
    if not arr.points or any(len(x) != d for x in arr.points):
        raise InputError("the data-space view needs data points (not an arrangement of normals)")
    if resolution < 16:
        raise InputError("resolution must be at least 16 grid points")
    pts = [[as_fraction(v) for v in x] for x in arr.points]
    y = None
    if labels is not None:
        y = [as_fraction(v, source="labels", row=i) for i, v in enumerate(labels)]
        if len(y) != arr.n_points:
            raise InputError(
                f"labels has {len(y)} entries, expected one per data row ({arr.n_points})"
            )
    if dual is None and hasattr(atoms, "dual") and hasattr(atoms, "atoms"):
        dual = atoms  # a solution brings its own certificate
    neurons = _neurons(atoms, arr.dimension) if atoms is not None else []
    kept, dropped, threshold = (
        _kept_atoms(atoms, drop_below) if atoms is not None else ([], [], 0.0)
    )
    names = (
        list(feature_names) if feature_names is not None else (["x"] if d == 1 else ["x1", "x2"])
    )
    if len(names) != d:
        raise InputError(f"feature_names has {len(names)} names, expected d = {d}")

    # Exact display scales: powers of ten only when a value leaves the float range.
    x_scale = [_power_of_ten([x[k] for x in pts]) for k in range(d)]
    f_at_data: list[Fraction] = []
    for x in pts:
        total = Fraction(0)
        for c, theta in neurons:
            z = sum((theta[k] * x[k] for k in range(d)), theta[d])
            if z > 0:
                total += c * z
        f_at_data.append(total)
    f_scale = _power_of_ten(list(y or []) + f_at_data)
    coef = _coefficients(neurons, x_scale, f_scale) if neurons else None
    u = [_floats([x[k] for x in pts], x_scale[k]) for k in range(d)]
    yv = None if y is None else _floats(y, f_scale)

    parts = [title if title is not None else _data_title(arr, atoms, kept)]
    source = atoms if hasattr(atoms, "problem") else dual if hasattr(dual, "problem") else None
    if source is not None:
        parts.append(_solution_title(source, len(kept)) + " (numeric)")
    notes = []
    if dropped:
        notes.append(
            f"{len(dropped)} atom{'s' if len(dropped) != 1 else ''} with |amplitude| < "
            f"{threshold:.2g} (solver noise): in f, but not marked"
        )
    summary: dict[str, Any] = {
        "view": "data",
        "d": d,
        "atoms": len(neurons),
        "dropped_atoms": len(dropped),
        "drop_threshold": threshold,
        "x_scale": [_num(s) for s in x_scale],
        "f_scale": _num(f_scale),
    }
    if d == 1:
        tol = _default_tol(atoms, dual) if tol is None else tol
        fig = _plot_line(
            arr,
            u[0],
            yv,
            coef,
            neurons,
            kept,
            dual,
            tol,
            x_scale[0],
            f_scale,
            names[0],
            ax,
            summary,
            notes,
        )
    else:
        fig = _plot_plane(
            u, yv, coef, kept, x_scale, f_scale, names, ax, resolution, summary, notes
        )
    fig.suptitle("; ".join(parts) + "".join("\n" + n for n in notes), fontsize=12)
    return fig, summary


def _data_title(arr: Arrangement, atoms: Any, kept: list[Mark]) -> str:
    d = arr.dimension - 1
    what = f"{arr.n_points} points in $\\mathbb{{R}}^{d}$"
    if atoms is None:
        return what
    formula = r"$f(x) = \Sigma_j\, c_j\, \mathrm{relu}\langle\theta_j, (x, 1)\rangle$"
    return f"{what} and the network {formula}"


def _knot(theta: Sequence[Fraction]) -> Fraction | None:
    """``-b/a``, the knot of the neuron ``theta = (a, b)`` (``None`` when ``a = 0``)."""
    a, b = theta
    return None if a == 0 else -b / a


def _plot_line(
    arr: Arrangement,
    u: np.ndarray,
    yv: np.ndarray | None,
    coef: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    neurons: list[tuple[Fraction, tuple[Fraction, ...]]],
    kept: list[Mark],
    dual: Any,
    tol: float | str,
    x_scale: Fraction,
    f_scale: Fraction,
    name: str,
    ax: Any,
    summary: dict[str, Any],
    notes: list[str],
) -> Figure:
    has_eta = dual is not None
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10.0, 8.2 if has_eta else 5.6), layout="constrained")
        if has_eta:
            axes = list(fig.subplots(2, 1, sharex=True, height_ratios=(1.25, 1.0)))
        else:
            axes = [fig.subplots()]
    else:
        fig, axes = _figure(2 if has_eta else 1, ax, (10.0, 8.0))
    top = axes[0]
    lo, hi = float(u.min()), float(u.max())
    half = max((hi - lo) / 2, 1e-300 if hi == lo and hi == 0 else abs(hi) * 0.1 or 1.0)
    mid = (hi + lo) / 2
    knots: list[tuple[float, Mark]] = []
    outside: list[str] = []
    for m in kept:
        assert m.exact is not None
        k = _knot(m.exact)
        if k is None:
            continue
        kf = _safe_float(k / x_scale)
        if abs(kf - mid) <= KNOT_REACH * half:
            knots.append((kf, m))
        else:
            outside.append(_num(k))
    span = [lo, hi] + [k for k, _ in knots]
    left, right = min(span), max(span)
    pad = 0.08 * (right - left or 1.0)
    grid = np.linspace(left - pad, right + pad, 4 * 240 + 1)
    grid = np.union1d(grid, [k for k, _ in knots])  # the kinks themselves are on the curve
    pending: list[PendingLabel] = []
    if yv is not None:
        top.scatter(u, yv, s=42, color="black", zorder=5, label="data $(x_i, y_i)$")
    else:
        top.plot(u, np.zeros_like(u), "|", color="black", ms=14, zorder=5, label="data $x_i$")
    if coef is not None:
        fx = _evaluate(coef, grid[:, None])
        top.plot(grid, fx, color="black", lw=2.0, zorder=4, label="$f(x)$", gid="f")
        # one label per knot (atoms facing both ways; knots closer than a pixel share it)
        at_knot: dict[float, list[str]] = {}
        width = float(grid[-1] - grid[0]) or 1.0
        for kf, m in knots:
            s = 1 if m.value > 0 else -1
            colour = _ATOM_STYLE[s]["mec"]
            top.axvline(kf, color=colour, lw=1.1, ls=":", zorder=2)
            fk = float(_evaluate(coef, np.array([[kf]]))[0])
            top.plot(kf, fk, ls="", zorder=6, ms=9, gid="knot", **_ATOM_STYLE[s])
            key = next((k for k in at_knot if abs(k - kf) <= 5e-4 * width), kf)
            at_knot.setdefault(key, []).append(_amount(m))
        if len(at_knot) <= MAX_ATOM_LABELS:
            for kf, texts in at_knot.items():
                fk = float(_evaluate(coef, np.array([[kf]]))[0])
                pending.append((top, kf, fk, " / ".join(texts), 5.0))
        summary["knots"] = [
            {"x": _num(k), "x_exact": fraction_str(k), "amplitude": m.value}
            for _, m in knots
            if m.exact is not None and (k := _knot(m.exact)) is not None
        ]
    if outside:
        notes.append(
            f"knot{'s' if len(outside) > 1 else ''} outside the view at x = " + ", ".join(outside)
        )
    constant = [m for m in kept if m.exact is not None and m.exact[0] == 0]
    if constant:
        notes.append(f"{len(constant)} atom(s) with a = 0 (constant neurons): no knot")
    top.set_ylabel(_scaled_axis_label("$y$, $f(x)$" if yv is not None else "$f(x)$", f_scale))
    handles = _line_legend(top, kept)
    top.legend(handles=handles, fontsize=9, loc="best", framealpha=0.9)
    if coef is not None:
        top.set_title(
            "data and network; dotted: knots $x = -b/a$ of the atoms $\\theta = (a, b)$ "
            "(marker size: |amplitude|)",
            fontsize=11,
        )
    else:
        top.set_title("the data (no measure given)", fontsize=11)
    top.grid(alpha=0.25)
    if has_eta:
        side = axes[1]
        _eta_over_knots(arr, side, grid, dual, tol, x_scale, summary)
        side.set_xlabel(_scaled_axis_label(f"${name}$ (data) and knot position $t$", x_scale))
        top.tick_params(labelbottom=False)
    else:
        top.set_xlabel(_scaled_axis_label(name, x_scale))
    _place_labels(fig, pending)
    return fig


def _line_legend(ax: Any, kept: list[Mark]) -> list[Any]:
    from matplotlib.lines import Line2D

    handles, _ = ax.get_legend_handles_labels()
    for s, text in ((1, "knot of an atom, amplitude > 0"), (-1, "knot of an atom, amplitude < 0")):
        if any(np.sign(m.value) == s for m in kept):
            handles.append(
                Line2D(
                    [],
                    [],
                    ls=":",
                    ms=9,
                    label=text,
                    color=_ATOM_STYLE[s]["mec"],
                    **{k: v for k, v in _ATOM_STYLE[s].items()},
                )
            )
    return handles


def _eta_over_knots(
    arr: Arrangement,
    ax: Any,
    grid: np.ndarray,
    dual: Any,
    tol: float | str,
    x_scale: Fraction,
    summary: dict[str, Any],
) -> None:
    """``eta_p`` of the unit neurons ``(1, -t)`` and ``(-1, t)`` against the knot ``t``."""
    p = _dual_vector(arr, dual)
    xs = [as_fraction(x[0]) for x in arr.points]
    # eta_+(s u) = sum_i p_i s relu(x_i / s - u) / sqrt(1 + s^2 u^2): p_i s rescaled by 2^e.
    weights = [pi * x_scale for pi in p]
    e = max((_exponent(w) for w in weights if w), default=0)
    fold = e if abs(e) <= 960 else 0
    pw = np.array([float(w / Fraction(2) ** (e - fold)) for w in weights])
    xi = _floats(xs, x_scale)
    inv = _safe_float(1 / (x_scale * x_scale)) if x_scale != 1 else 1.0

    def eta_right(t: np.ndarray) -> np.ndarray:
        return (np.maximum(xi[None, :] - t[:, None], 0.0) @ pw) / np.sqrt(inv + t**2)

    def eta_left(t: np.ndarray) -> np.ndarray:
        return (np.maximum(t[:, None] - xi[None, :], 0.0) @ pw) / np.sqrt(inv + t**2)

    right, left = eta_right(grid), eta_left(grid)
    shift = e - fold
    unit = "" if shift == 0 else f" $\\times 2^{{{-shift}}}$"
    if shift == 0:  # the band |eta| <= 1 means nothing on a rescaled axis
        ax.axhspan(-1, 1, color="0.94", zorder=0)
        ax.axhline(1, color=_POS, lw=1, ls="--")
        ax.axhline(-1, color=_NEG, lw=1, ls="--")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.plot(
        grid, right, color="#7b3294", lw=1.7, label=r"$\theta \propto (1, -t)$: active for $x > t$"
    )
    ax.plot(
        grid,
        left,
        color="#008837",
        lw=1.7,
        ls="--",
        label=r"$\theta \propto (-1, t)$: active for $x < t$",
    )
    for xv in xi:
        ax.axvline(xv, color="0.7", lw=0.6, zorder=1)
    extremes, cert = _extreme_marks(arr, dual, "auto", tol)
    shown = []
    for m in extremes:
        assert m.exact is not None
        k = _knot(m.exact)
        if k is None:
            continue
        t = _safe_float(k / x_scale)
        if grid[0] <= t <= grid[-1]:
            facing = eta_right if m.exact[0] > 0 else eta_left
            value = float(facing(np.array([t]))[0])  # on the drawn curve (same scale)
            ax.plot(t, value, ls="", zorder=7, **_EXT_STYLE[1 if m.value > 0 else -1])
            shown.append(
                {
                    "t": _num(k),
                    "t_exact": fraction_str(k),
                    "facing": "right" if m.exact[0] > 0 else "left",
                    "eta": m.value if abs(m.value) < 1e300 else None,
                }
            )
    summary["marks"] = shown
    summary["tol"] = str(tol)
    if cert is not None:
        summary["sup_norm_squared"] = readable(cert.sup_norm_squared, limit=40)
    ax.set_ylabel(r"$\eta_p(\theta)$" + unit)
    ax.set_title(
        r"certificate $\eta_p$ of the unit neuron with knot $t$ (grey lines: data; triangles: "
        r"chamber maxima with $|\eta_p| \geq 1 - \mathrm{tol}$)",
        fontsize=11,
    )
    ax.legend(fontsize=9, loc="best", framealpha=0.9)
    ax.grid(alpha=0.25)
    vals = np.concatenate([right, left])
    vals = vals[np.isfinite(vals)]
    lim = max(1.15, float(np.max(np.abs(vals))) * 1.08) if vals.size else 1.15
    ax.set_ylim(-lim, lim)


def _clip_line(
    a1: float, a2: float, b: float, boxes: list[tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray] | None:
    """The two ends of the segment of ``a1 x1 + a2 x2 + b = 0`` inside the box (or ``None``)."""
    (x0, x1), (y0, y1) = boxes
    pts = []
    if a2 != 0:
        for x in (x0, x1):
            y = -(a1 * x + b) / a2
            if y0 <= y <= y1:
                pts.append((x, y))
    if a1 != 0:
        for y in (y0, y1):
            x = -(a2 * y + b) / a1
            if x0 <= x <= x1:
                pts.append((x, y))
    if len(pts) < 2:
        return None
    arr = np.array(pts)
    order = np.argsort(arr[:, 0] + 1e-9 * arr[:, 1])
    return arr[order[0]], arr[order[-1]]


def _plot_plane(
    u: list[np.ndarray],
    yv: np.ndarray | None,
    coef: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    kept: list[Mark],
    x_scale: list[Fraction],
    f_scale: Fraction,
    names: list[str],
    ax: Any,
    resolution: int,
    summary: dict[str, Any],
    notes: list[str],
) -> Figure:
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    fig, axes = _figure(1, ax, (9.6, 7.8))
    plane = axes[0]
    x1, x2 = u
    boxes = []
    for v in (x1, x2):
        lo, hi = float(v.min()), float(v.max())
        pad = 0.12 * (hi - lo) if hi > lo else (abs(hi) * 0.1 or 1.0)
        boxes.append((lo - pad, hi + pad))
    g1 = np.linspace(*boxes[0], resolution)
    g2 = np.linspace(*boxes[1], resolution)
    mesh1, mesh2 = np.meshgrid(g1, g2)
    flat = np.stack([mesh1.ravel(), mesh2.ravel()], axis=1)
    values = [] if yv is None else [yv]
    fz = None
    if coef is not None:
        fz = _evaluate(coef, flat).reshape(mesh1.shape)
        values.append(fz.ravel())
    pending: list[PendingLabel] = []
    mappable: Any = None
    if values:
        allv = np.concatenate(values)
        norm = Normalize(
            float(allv.min()),
            float(allv.max()) if allv.max() > allv.min() else float(allv.min()) + 1,
        )
    if fz is not None:
        mappable = plane.contourf(mesh1, mesh2, fz, levels=24, cmap="viridis", norm=norm, zorder=1)
        levels = plane.contour(
            mesh1, mesh2, fz, levels=12, colors="white", linewidths=0.4, alpha=0.5, zorder=2
        )
        levels.set_gid("f-levels")
    lines = []
    for m in kept:
        assert m.exact is not None
        a1, a2, b = (m.exact[0] * x_scale[0], m.exact[1] * x_scale[1], m.exact[2])
        e = max((_exponent(v) for v in (a1, a2, b) if v), default=0)
        t = Fraction(2) ** e
        z = float(a1 / t) * mesh1 + float(a2 / t) * mesh2 + float(b / t)
        s = 1 if m.value > 0 else -1
        if a1 == 0 and a2 == 0:
            continue
        if z.min() < 0 < z.max():
            colour = _ATOM_STYLE[s]["mec"]
            plane.contour(mesh1, mesh2, z, levels=[0.0], colors=[colour], linewidths=2.2, zorder=4)
            ends = _clip_line(float(a1 / t), float(a2 / t), float(b / t), boxes)
            lines.append(
                {
                    "a": [str(m.exact[0]), str(m.exact[1])],
                    "b": str(m.exact[2]),
                    "amplitude": m.value,
                }
            )
            if ends is not None:  # label near one end of the visible segment, alternating
                frac = 0.9 if len(lines) % 2 else 0.1
                at = ends[0] + frac * (ends[1] - ends[0])
                pending.append((plane, float(at[0]), float(at[1]), _amount(m), 3.0))
    summary["zero_lines"] = lines
    if yv is not None:
        sc = plane.scatter(
            x1,
            x2,
            c=yv,
            cmap="viridis",
            norm=norm if values else None,
            s=60,
            edgecolors="white",
            linewidths=1.3,
            zorder=6,
        )
        mappable = mappable if mappable is not None else sc
    else:
        plane.scatter(x1, x2, color="black", s=36, zorder=6)
    if mappable is not None:
        cbar = fig.colorbar(mappable, ax=plane, shrink=0.85, pad=0.02)
        what = (
            "$f(x)$ (filled) and $y$ (points)"
            if fz is not None and yv is not None
            else ("$f(x)$" if fz is not None else "$y$")
        )
        cbar.set_label(_scaled_axis_label(what, f_scale), fontsize=11)
    plane.set_xlim(*boxes[0])
    plane.set_ylim(*boxes[1])
    plane.set_xlabel(_scaled_axis_label(names[0], x_scale[0]))
    plane.set_ylabel(_scaled_axis_label(names[1], x_scale[1]))
    plane.set_title(
        "filled: $f$; points: the data coloured by $y$; lines: zero lines $a \\cdot x + b = 0$ "
        "of the atoms",
        fontsize=11,
    )
    handles = [
        Line2D([], [], color=_ATOM_STYLE[s]["mec"], lw=2.2, label=text)
        for s, text in (
            (1, "zero line of an atom, amplitude > 0"),
            (-1, "zero line of an atom, amplitude < 0"),
        )
        if any(np.sign(m.value) == s for m in kept)
    ]
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=9)
    hidden = len(kept) - len(lines)
    if hidden:
        notes.append(f"{hidden} atom zero line(s) outside the view")
    _place_labels(fig, pending)
    return fig
