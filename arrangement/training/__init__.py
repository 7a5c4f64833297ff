"""Training: the exact finite convex reformulation of ``P_lam`` and ``P_0`` and its solution.

What lives here
---------------
* :mod:`~arrangement.training.model`: the conic model over the chamber cones, as sparse matrices;
* :mod:`~arrangement.training.backend`: the Clarabel call and its statuses;
* :mod:`~arrangement.training.solution`: the numeric solution and the values of its exact checks;
* :mod:`~arrangement.training.analysis`: from solver output to exact facts (snapped atoms, the
  vertex move, the exact analysis of the rounded dual);
* :mod:`~arrangement.training.solve`: :func:`solve`, the entry point;
* :mod:`~arrangement.training.working_set`: column generation priced by the exact certificate;
* :mod:`~arrangement.training.path`: the regularisation path;
* :mod:`~arrangement.training.minnorm`: the minimal-norm certificate of ``P_0``.

What it may use
---------------
:mod:`arrangement.core`, :mod:`arrangement.geometry`, :mod:`arrangement.certificates` and
:mod:`arrangement.distributed`; never :mod:`arrangement.plot` or :mod:`arrangement.cli`. Clarabel
and scipy are imported inside the functions that call them.
"""

from arrangement.training.minnorm import min_norm_certificate
from arrangement.training.path import PathPoint, regularization_path
from arrangement.training.solution import (
    Atom,
    AtomCheck,
    CertificateCheck,
    MinNormCertificate,
    Solution,
    SupportCheck,
)
from arrangement.training.solve import lam_max, lam_max_squared, solve

__all__ = [
    "Atom",
    "AtomCheck",
    "CertificateCheck",
    "MinNormCertificate",
    "Solution",
    "PathPoint",
    "SupportCheck",
    "lam_max",
    "lam_max_squared",
    "min_norm_certificate",
    "regularization_path",
    "solve",
]
