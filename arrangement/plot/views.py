"""One entry point for every picture: the data-space view, the parameter-space view, or both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from arrangement.core.errors import InputError
from arrangement.plot.common import Projection
from arrangement.plot.display import Rescale

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from arrangement.geometry.arrangement import Arrangement

__all__ = ["VIEWS", "Picture", "View", "draw"]

View = Literal["auto", "data", "parameter", "both"]

#: The views :func:`draw` knows.
VIEWS: tuple[str, ...] = ("auto", "data", "parameter", "both")


@dataclass(frozen=True, slots=True)
class Picture:
    """A drawn picture and what it shows.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    view : str
        ``"data"``, ``"parameter"`` or ``"both"`` (``"auto"`` resolved).
    summary : dict
        JSON-ready: per view, the marked points (exact directions), the atoms drawn and left
        out, knots or zero lines, and the display rescaling, if any.
    """

    figure: Figure
    view: str
    summary: dict[str, Any] = field(default_factory=dict)


def resolve_view(view: str, *, has_measure: bool) -> str:
    """``"auto"`` is ``"both"`` when a measure is drawn, else ``"parameter"``."""
    if view not in VIEWS:
        raise InputError(f"unknown view {view!r}: use " + ", ".join(repr(v) for v in VIEWS))
    if view == "auto":
        return "both" if has_measure else "parameter"
    return view


def draw(
    arr: Arrangement,
    *,
    view: View = "auto",
    labels: Sequence[Any] | None = None,
    dual: Any = None,
    atoms: Any = None,
    tol: float | str | None = None,
    drop_below: float | None = None,
    rescale: Rescale = "auto",
    projection: Projection = "lambert",
    feature_names: Sequence[str] | None = None,
    title: str | None = None,
    resolution: int | None = None,
    path: str | Path | None = None,
    dpi: int = 150,
) -> Picture:
    """Draw the data-space view, the parameter-space view, or both in one figure.

    Parameters
    ----------
    arr : Arrangement
        Data with ``d = 1`` or ``d = 2``.
    view : {"auto", "data", "parameter", "both"}
        ``"data"``: :func:`~arrangement.plot.plot_data`; ``"parameter"``:
        :func:`~arrangement.plot.plot_arrangement`; ``"both"``: the data view above the
        parameter view. ``"auto"`` (default): both when ``atoms`` are given, else parameter.
    labels, dual, atoms, tol, drop_below, feature_names, title
        As for :func:`~arrangement.plot.plot_data` and :func:`~arrangement.plot.plot_arrangement`.
    rescale, projection
        Parameter view only, see :func:`~arrangement.plot.plot_arrangement`.
    resolution : int, optional
        Grid resolution (default: 240 for the data view, 401 for the sphere).
    path : str or Path, optional
        Save there (``.png``, ``.pdf`` or ``.svg``), atomically.
    dpi : int, optional

    Returns
    -------
    Picture

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> pic = draw(Arrangement.from_points([[0], [1]]), labels=[0, 1], atoms=[((1, 0), 1)])
    >>> pic.view, sorted(pic.summary)
    ('both', ['data', 'parameter'])
    """
    from matplotlib.figure import Figure

    from arrangement.plot.data_space import _data_figure
    from arrangement.plot.parameter_space import _parameter_figure, save_figure

    chosen = resolve_view(view, has_measure=atoms is not None)
    d = arr.dimension - 1
    if d not in (1, 2):
        raise InputError(f"plotting needs d = 1 or d = 2 (these data have d = {d})")
    data_res = 240 if resolution is None else resolution
    sphere_res = 401 if resolution is None else resolution

    def data(ax: Any = None) -> tuple[Figure, dict[str, Any]]:
        return _data_figure(
            arr,
            labels=labels,
            atoms=atoms,
            dual=dual,
            tol=tol,
            drop_below=drop_below,
            feature_names=feature_names,
            ax=ax,
            title=title,
            resolution=data_res,
        )

    def parameter(ax: Any = None) -> tuple[Figure, dict[str, Any]]:
        return _parameter_figure(
            arr,
            dual=dual if dual is not None else atoms if hasattr(atoms, "dual") else None,
            atoms=atoms,
            extreme_points="auto",
            tol=tol,
            drop_below=drop_below,
            rescale=rescale,
            projection=projection,
            ax=ax,
            title=title,
            resolution=sphere_res,
        )

    summary: dict[str, Any] = {}
    if chosen == "data":
        fig, summary["data"] = data()
    elif chosen == "parameter":
        fig, summary["parameter"] = parameter()
    else:
        has_eta = dual is not None or hasattr(atoms, "dual")
        tall = 8.2 if d == 1 and has_eta else 7.6
        fig = Figure(figsize=(15.0, tall + 7.8), layout="constrained")
        subs: Any = fig.subfigures(2, 1, height_ratios=(tall, 7.8))
        top, bottom = subs[0], subs[1]
        if d == 1:
            top_axes: Any = (
                list(top.subplots(2, 1, sharex=True, height_ratios=(1.25, 1.0)))
                if has_eta
                else top.subplots()
            )
        else:
            top_axes = top.subplots()
        if d == 2 or has_eta:
            ratios = (1.0, 1.15) if d == 1 else None
            bottom_axes: Any = list(bottom.subplots(1, 2, width_ratios=ratios))
        else:  # one circle: centred between two empty columns
            cols = bottom.subplots(1, 3, width_ratios=(0.6, 1.4, 0.6))
            for empty in (cols[0], cols[2]):
                empty.set_axis_off()
            bottom_axes = cols[1]
        _, summary["data"] = data(top_axes)
        _, summary["parameter"] = parameter(bottom_axes)
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return Picture(fig, chosen, summary)
