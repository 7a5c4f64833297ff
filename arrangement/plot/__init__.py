"""Pictures: the only layer that imports matplotlib.

What lives here
---------------
* :mod:`~arrangement.plot.common`: marks, ``eta`` on a grid, projections of the sphere, labels;
* :mod:`~arrangement.plot.circle`: the circle ``S^1`` (``d = 1``);
* :mod:`~arrangement.plot.sphere`: the sphere ``S^2`` (``d = 2``);
* :mod:`~arrangement.plot.parameter_space`: :func:`plot_arrangement`, which picks one of the two;
* :mod:`~arrangement.plot.display`: exact display rescaling of badly scaled data;
* :mod:`~arrangement.plot.data_space`: :func:`plot_data`, the data with the network ``f`` of a
  measure, its knots (``d = 1``) or zero lines (``d = 2``), and ``eta_p`` over the knots;
* :mod:`~arrangement.plot.views`: :func:`draw`, one or both views in one figure.

What it may use
---------------
Every layer below it (:mod:`arrangement.core`, :mod:`arrangement.geometry`,
:mod:`arrangement.certificates`, :mod:`arrangement.training`); never :mod:`arrangement.cli`.
matplotlib is imported only when a picture is drawn; no global state (``pyplot``) is touched.
"""

from arrangement.plot.common import Mark, eta_values, marks, near_extremes, sphere_grid
from arrangement.plot.data_space import network_values, plot_data
from arrangement.plot.display import DisplayMap, display_map
from arrangement.plot.parameter_space import plot_arrangement, save_figure
from arrangement.plot.views import Picture, draw

__all__ = [
    "DisplayMap",
    "Mark",
    "Picture",
    "display_map",
    "draw",
    "eta_values",
    "marks",
    "near_extremes",
    "network_values",
    "plot_arrangement",
    "plot_data",
    "save_figure",
    "sphere_grid",
]
