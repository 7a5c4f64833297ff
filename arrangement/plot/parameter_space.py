"""Pictures in parameter space: the arrangement on the sphere of weight space, with a certificate.

Dispatches to :mod:`arrangement.plot.circle` (``d = 1``) and :mod:`arrangement.plot.sphere`
(``d = 2``).
"""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arrangement.core.atomic import atomic_path
from arrangement.core.errors import InputError
from arrangement.core.numbers import fraction_str, readable
from arrangement.plot.circle import _plot_circle
from arrangement.plot.common import (
    Mark,
    Projection,
    _dual_vector,
    _extreme_marks,
    marks,
)
from arrangement.plot.display import DisplayMap, Rescale, display_map
from arrangement.plot.sphere import _plot_sphere

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from arrangement.geometry.arrangement import Arrangement


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


def _solution_title(sol: Any, n: int) -> str:
    lam = getattr(sol, "lam", None)
    what = "$P_0$" if lam is None else f"$P_\\lambda$ with $\\lambda = {readable(lam)}$"
    return f"{what}: {n} atom{'s' if n != 1 else ''}"


__all__ = ["plot_arrangement", "save_figure"]

#: Atoms of a solution below this multiple of its drop threshold are solver noise for a picture.
NOISE_FACTOR = 10

#: Default tolerance for marking points with ``|eta_p| >= 1 - tol`` (as the solver's).
DEFAULT_EXTREME_TOL = "1e-4"


def plot_arrangement(
    arr: Arrangement,
    *,
    dual: Any = None,
    atoms: Any = None,
    extreme_points: Any = "auto",
    tol: float | str | None = None,
    drop_below: float | None = None,
    rescale: Rescale = "auto",
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
        A dual vector ``p`` (one entry per input row), or a solution (its ``dual`` is used, and its
        atoms unless ``atoms`` is given). With
        it the chambers are coloured by ``eta_p``; without it, by the number of active rows,
        and labelled.
    atoms : Solution or iterable, optional
        Atoms to mark: a solution (its ``atoms``), objects with ``direction`` and ``amplitude``,
        or pairs ``(direction, amplitude)``.
    extreme_points : "auto", None or iterable, optional
        Points to mark where ``|eta_p|`` is maximal (objects with ``direction`` and ``sign``,
        pairs, or a :class:`~arrangement.certificates.certificate.Certificate`). ``"auto"``
        (default): if ``dual`` is given, every chamber maximum with ``|eta_p| >= 1 - tol`` and
        the maximisers of ``|eta_p|``, decided on the exact certificate (a solution's rounded
        dual, else :func:`~arrangement.certificates.certificate.certify` of ``p``; see
        :func:`near_extremes`). ``None``: none.
    tol : float or str, optional
        The tolerance of ``"auto"`` (default: a solution's ``extreme_tol``, else ``1e-4``).
    drop_below : float, optional
        Atoms with ``|amplitude|`` below this are not drawn (default: ten times a solution's
        ``drop_threshold``, the mass below which its solver dropped blocks, else 0); the
        title says how many were left out.
    rescale : {"auto", "always", "never"}, optional
        Draw badly scaled data in rescaled display coordinates (see
        :func:`~arrangement.plot.display.display_map`); the title says so.
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
        length or with entries that are not numbers, a marked direction of the wrong length,
        a tolerance outside ``[0, 1)`` or the wrong number of axes.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> fig = plot_arrangement(Arrangement.from_points([[0], [1], [3]]))
    >>> len(fig.axes)  # the circle and its colour bar
    2
    >>> plot_arrangement(Arrangement.from_points([[0, 0, 0]]))
    Traceback (most recent call last):
    ...
    arrangement.core.errors.InputError: plotting needs d = 1 or d = 2 (these data have d = 3)

    Notes
    -----
    The colours are float evaluations on a grid (``O(resolution^2 N)`` for ``d = 2``); the
    marked points come from the exact certificate, whose cost dominates for larger data.
    """
    fig, _ = _parameter_figure(
        arr,
        dual=dual,
        atoms=atoms,
        extreme_points=extreme_points,
        tol=tol,
        drop_below=drop_below,
        rescale=rescale,
        projection=projection,
        ax=ax,
        title=title,
        resolution=resolution,
    )
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig


def save_figure(fig: Any, path: str | Path, *, dpi: int = 150) -> None:
    """Write ``fig`` atomically (format from the suffix: ``.png``, ``.pdf`` or ``.svg``)."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=Path(path).suffix.lstrip(".").lower() or None)


def _kept_atoms(atoms: Any, drop_below: float | None) -> tuple[list[Mark], list[Mark], float]:
    """The atoms to draw, those below the drop threshold, and the threshold used."""
    if drop_below is None:
        drop_below = NOISE_FACTOR * float(getattr(atoms, "drop_threshold", 0.0) or 0.0)
    every = marks(atoms, kind="atom")
    kept = [m for m in every if abs(m.value) >= drop_below]
    dropped = [m for m in every if abs(m.value) < drop_below]
    return kept, dropped, drop_below


def _default_tol(*sources: Any) -> float | str:
    for src in sources:
        tols = getattr(src, "tolerances", None)
        if isinstance(tols, dict) and "extreme_tol" in tols:
            return float(tols["extreme_tol"])
    return DEFAULT_EXTREME_TOL


def _parameter_figure(
    arr: Arrangement,
    *,
    dual: Any,
    atoms: Any,
    extreme_points: Any,
    tol: float | str | None,
    drop_below: float | None,
    rescale: Rescale,
    projection: Projection,
    ax: Any,
    title: str | None,
    resolution: int,
) -> tuple[Figure, dict[str, Any]]:
    """The parameter-space picture and a JSON-ready summary of what it shows."""
    if arr.dimension not in (2, 3):
        raise InputError(f"plotting needs d = 1 or d = 2 (these data have d = {arr.dimension - 1})")
    if projection not in ("lambert", "orthographic"):
        raise InputError(f"unknown projection {projection!r}: use 'lambert' or 'orthographic'")
    if resolution < 16:
        raise InputError("resolution must be at least 16 grid points per side")
    tol = _default_tol(atoms, dual) if tol is None else tol
    p = None if dual is None else _dual_vector(arr, dual)
    dm = display_map(arr, rescale=rescale)
    if atoms is None and hasattr(dual, "problem") and hasattr(dual, "atoms"):
        atoms = dual  # a solution given as the dual brings its own atoms
    extremes, cert = _extreme_marks(arr, dual, extreme_points, tol)
    atom_marks, dropped, threshold = _kept_atoms(atoms, drop_below)
    for m in (*extremes, *atom_marks):
        if m.direction.shape != (arr.dimension,):
            raise InputError(
                f"a marked direction has {m.direction.size} coordinates, expected {arr.dimension}"
            )
    parts = [title if title is not None else _default_title(arr)]
    for source in (atoms, dual):
        if hasattr(source, "problem") and hasattr(source, "atoms"):
            parts.append(_solution_title(source, len(atom_marks)))
            break
    if cert is not None and (extra := _certificate_title(cert)):
        parts.append(extra)
    notes = []
    if dropped:
        notes.append(
            f"{len(dropped)} atom{'s' if len(dropped) != 1 else ''} with |amplitude| < "
            f"{threshold:.2g} (solver noise) not drawn"
        )
    if dm.rescaled:
        why = "values beyond the float range" if dm.forced else "badly scaled raw data"
        notes.append(
            f"display rescaled ({why}): {dm.describe()}; chambers, marks and colours are "
            "those of the raw data"
        )
    width = 80 if arr.dimension == 2 and p is None else 120  # characters per title line
    full_title = "; ".join(parts) + "".join("\n" + textwrap.fill(n, width) for n in notes)
    shown_ext = [_shown(dm, m) for m in extremes]
    shown_atoms = [_shown(dm, m) for m in atom_marks]
    if arr.dimension == 2:
        fig = _plot_circle(arr, dm, p, shown_ext, shown_atoms, ax, full_title)
    else:
        fig = _plot_sphere(
            arr, dm, p, shown_ext, shown_atoms, ax, full_title, projection, resolution
        )
    summary: dict[str, Any] = {
        "view": "parameter",
        "space": "circle S^1" if arr.dimension == 2 else "sphere S^2",
        "tol": str(tol) if p is not None else None,
        "marks": [_mark_json(m, "near_extreme") for m in extremes],
        "atoms": [_mark_json(m, "atom") for m in atom_marks],
        "dropped_atoms": len(dropped),
        "drop_threshold": threshold,
        "rescaled": dm.rescaled,
        "display": dm.describe() or None,
    }
    return fig, summary


def _shown(dm: DisplayMap, m: Mark) -> Mark:
    """A mark moved to the display coordinates."""
    if not dm.rescaled or m.exact is None:
        return m
    return Mark(dm.direction(m.exact), m.value, m.exact)


def _mark_json(m: Mark, kind: str) -> dict[str, Any]:
    direction = [fraction_str(x) for x in m.exact] if m.exact is not None else None
    key = "eta" if kind == "near_extreme" else "amplitude"
    return {"direction": direction, key: m.value}
