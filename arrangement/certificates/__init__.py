"""Certificates: the dual certificate ``eta_p`` checked exactly, chamber by chamber.

What lives here
---------------
* :mod:`~arrangement.certificates.cones`: exact Euclidean projections onto chamber cones;
* :mod:`~arrangement.certificates.certificate`: :func:`certify`, the exact ``sup |eta_p|``
  and every extreme point;
* :mod:`~arrangement.certificates.bounds`: support bounds with their hypotheses, uniqueness;
* :mod:`~arrangement.certificates.precertificate`: vanishing-derivative pre-certificates and
  non-degeneracy.

What it may use
---------------
:mod:`arrangement.core` and :mod:`arrangement.geometry`; never training, pictures or the CLI.
"""
