"""Geometry: the arrangement a data set induces, decided exactly.

What lives here
---------------
* :mod:`~arrangement.geometry.arrangement`: the immutable :class:`Arrangement` value;
* :mod:`~arrangement.geometry.enumeration`: chamber enumeration (deletion-restriction);
* :mod:`~arrangement.geometry.regions`: the columnar chamber collection :class:`Regions`;
* :mod:`~arrangement.geometry.faces`, :mod:`~arrangement.geometry.lattice`: faces of every
  dimension, flats, the Möbius function and the characteristic polynomial;
* :mod:`~arrangement.geometry.graph`: the chamber adjacency graph (networkx);
* :mod:`~arrangement.geometry.library`: named arrangements with known counts;
* :mod:`~arrangement.geometry.invariants`: identities between independent computations.

What it may use
---------------
:mod:`arrangement.core` only: geometry knows nothing of certificates, training or pictures.
networkx and sympy are imported only by the modules that need them.
"""
