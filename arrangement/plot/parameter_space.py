"""Pictures in parameter space: the arrangement on the sphere of weight space, with a certificate.

Dispatches to :mod:`arrangement.plot.circle` (``d = 1``) and :mod:`arrangement.plot.sphere`
(``d = 2``).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arrangement.core.atomic import atomic_path
from arrangement.core.errors import InputError
from arrangement.core.numbers import fraction_str, readable
from arrangement.plot.circle import _plot_circle
from arrangement.plot.common import (
    Projection,
    _dual_vector,
    _extreme_marks,
    marks,
)
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


def _solution_title(sol: Any) -> str:
    n = len(sol.atoms)
    lam = getattr(sol, "lam", None)
    what = "$P_0$" if lam is None else f"$P_\\lambda$ with $\\lambda = {readable(lam)}$"
    return f"{what}: {n} atom{'s' if n != 1 else ''}"


__all__ = ["plot_arrangement"]


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
        pairs, or a :class:`~arrangement.certificates.certificate.Certificate`). ``"auto"``
        (default): if ``dual`` is given, the maximisers of the exact certificate (a solution's
        own ``certificate``, else :func:`~arrangement.certificates.certificate.certify` of
        ``p``). ``None``: none.
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
    arrangement.core.errors.InputError: plotting needs d = 1 or d = 2 (these data have d = 3)

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
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format=Path(path).suffix.lstrip(".").lower() or None)
    return fig
