"""Exact combinatorial geometry of data-induced hyperplane arrangements.

A data set ``x_1..x_N`` in ``Q^d`` induces the central arrangement of hyperplanes
``{theta : <theta, (x_i, 1)> = 0}`` in weight space ``R^(d+1)``; its chambers are the activation
patterns of one ReLU neuron with bias. Everything combinatorial is decided in exact integer or
rational arithmetic.

Examples
--------
>>> from arrangement import Arrangement
>>> arr = Arrangement.from_points([[0, 0], [1, 0], [0, 1], [1, 1]])
>>> arr.n_regions, arr.f_vector()
(14, (1, 12, 24, 14))
"""

from arrangement.arrangement import Arrangement
from arrangement.errors import ArrangementError, GeometryError, InputError, SolverError
from arrangement.regions import Chamber, Regions

__all__ = [
    "Arrangement",
    "ArrangementError",
    "Chamber",
    "GeometryError",
    "InputError",
    "Regions",
    "SolverError",
]

__version__ = "0.1.0"
