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

from importlib import import_module
from typing import Any

from arrangement.core.errors import ArrangementError, GeometryError, InputError, SolverError
from arrangement.geometry.arrangement import Arrangement
from arrangement.geometry.regions import Chamber, Regions

__all__ = [
    "Arrangement",
    "ArrangementError",
    "Chamber",
    "GeometryError",
    "InputError",
    "Regions",
    "SolverError",
    "certify",
    "plot_arrangement",
    "precertificate",
    "solve",
    "support_bounds",
]

# Entry points of the heavier modules, imported on first use (the solver needs scipy and
# Clarabel, the pictures matplotlib): ``arrangement.certify`` is
# ``arrangement.certificates.certificate.certify``, and so on.
_LAZY = {
    "certify": "arrangement.certificates.certificate",
    "precertificate": "arrangement.certificates.precertificate",
    "solve": "arrangement.training.solve",
    "support_bounds": "arrangement.certificates.bounds",
    "plot_arrangement": "arrangement.plot",
}


def __getattr__(name: str) -> Any:
    """Import the lazily exported functions of :data:`_LAZY` on first access."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'arrangement' has no attribute {name!r}")

__version__ = "0.1.0"
