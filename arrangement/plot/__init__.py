"""Pictures: the only layer that imports matplotlib.

What lives here
---------------
* :mod:`~arrangement.plot.common`: marks, ``eta`` on a grid, projections of the sphere, labels;
* :mod:`~arrangement.plot.circle`: the circle ``S^1`` (``d = 1``);
* :mod:`~arrangement.plot.sphere`: the sphere ``S^2`` (``d = 2``);
* :mod:`~arrangement.plot.parameter_space`: :func:`plot_arrangement`, which picks one of the two.

What it may use
---------------
Every layer below it (:mod:`arrangement.core`, :mod:`arrangement.geometry`,
:mod:`arrangement.certificates`, :mod:`arrangement.training`); never :mod:`arrangement.cli`.
matplotlib is imported only when a picture is drawn; no global state (``pyplot``) is touched.
"""

from arrangement.plot.common import Mark, eta_values, marks, sphere_grid
from arrangement.plot.parameter_space import plot_arrangement

__all__ = ["Mark", "eta_values", "marks", "plot_arrangement", "sphere_grid"]
