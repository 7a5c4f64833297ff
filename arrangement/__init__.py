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

# Nothing is imported here until it is used (module ``__getattr__``, as in scipy): the command
# line installs its Ctrl-C handling before numpy and python-flint are loaded, and ``import
# arrangement`` costs nothing. ``arrangement.certify`` is
# ``arrangement.certificates.certificate.certify``, and so on.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from arrangement.certificates.bounds import support_bounds
    from arrangement.certificates.certificate import certify
    from arrangement.certificates.precertificate import precertificate
    from arrangement.core.errors import ArrangementError, GeometryError, InputError, SolverError
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.geometry.regions import Chamber, Regions
    from arrangement.plot import plot_arrangement
    from arrangement.training.solve import solve

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

_LAZY = {
    "Arrangement": "arrangement.geometry.arrangement",
    "ArrangementError": "arrangement.core.errors",
    "Chamber": "arrangement.geometry.regions",
    "GeometryError": "arrangement.core.errors",
    "InputError": "arrangement.core.errors",
    "Regions": "arrangement.geometry.regions",
    "SolverError": "arrangement.core.errors",
    "certify": "arrangement.certificates.certificate",
    "precertificate": "arrangement.certificates.precertificate",
    "solve": "arrangement.training.solve",
    "support_bounds": "arrangement.certificates.bounds",
    "plot_arrangement": "arrangement.plot",
}


def __getattr__(name: str) -> object:
    """Import the lazily exported names of :data:`_LAZY` on first access."""
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later accesses are plain attribute lookups
        return value
    raise AttributeError(f"module 'arrangement' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0"
