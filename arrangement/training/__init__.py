"""Training: the exact finite convex reformulation of ``P_lam`` and ``P_0`` and its solution.

What lives here
---------------
* :mod:`~arrangement.training.model`: the conic model over the chamber cones, as sparse matrices;
* :mod:`~arrangement.training.backend`: the Clarabel call and its statuses;
* :mod:`~arrangement.training.solution`: the numeric solution and the values of its exact checks;
* :mod:`~arrangement.training.analysis`: from solver output to exact facts (snapped atoms, the
  vertex move, the exact analysis of the rounded dual);
* :mod:`~arrangement.training.solve`: :func:`solve`, the entry point;
* :mod:`~arrangement.training.minnorm`: the minimal-norm certificate of ``P_0``.

What it may use
---------------
:mod:`arrangement.core`, :mod:`arrangement.geometry`, :mod:`arrangement.certificates` and
:mod:`arrangement.distributed`; never :mod:`arrangement.plot` or :mod:`arrangement.cli`. Clarabel
and scipy are imported inside the functions that call them.
"""

from arrangement.training.minnorm import min_norm_certificate
from arrangement.training.solution import (
    Atom,
    AtomCheck,
    CertificateCheck,
    MinNormCertificate,
    Solution,
    SupportCheck,
)
from arrangement.training.solve import solve

__all__ = [
    "Atom",
    "AtomCheck",
    "CertificateCheck",
    "MinNormCertificate",
    "Solution",
    "SupportCheck",
    "min_norm_certificate",
    "solve",
]
