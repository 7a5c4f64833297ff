"""Theorems the computed numbers must satisfy, checked exactly on every arrangement.

The chamber count comes from the enumeration, the characteristic polynomial from the lattice and
the f-vector from enumerating restrictions: three independent computations. The identities below
tie them together, so :func:`check_invariants` is a cheap self-test that ``arrangement stats``
runs and reports on every data set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arrangement.geometry.library import cover_count

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = ["check_count_invariants", "check_invariants", "zaslavsky_count"]


def zaslavsky_count(arr: Arrangement) -> int:
    """The number of chambers by Zaslavsky's theorem, ``(-1)^D chi(-1)``, from the lattice alone."""
    chi = arr.characteristic_polynomial()
    return int((-1) ** arr.dimension * chi.eval(-1))


def check_invariants(arr: Arrangement) -> dict[str, bool]:
    """Check the exact identities linking chambers, lattice, faces and graph.

    Returns
    -------
    dict of str to bool
        ``zaslavsky``: ``r = (-1)^D chi(-1)``; ``chi_at_one``: ``chi(1) = 0`` (vacuous without
        hyperplanes); ``euler``: ``sum_k (-1)^k f_k = (-1)^D``; ``walls``: the chamber graph has
        ``f_{D-1}`` edges; ``antipodal``: ``-s`` is a chamber for every chamber ``s``;
        ``cover``: Cover's closed form (vacuous unless the points are in general position).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> all(check_invariants(Arrangement.from_points([[0, 0], [1, 0], [0, 1], [2, 2]])).values())
    True
    """
    from arrangement.geometry.graph import walls

    reg = arr.regions()
    f = arr.f_vector()
    keys = {s.tobytes() for s in reg.hyperplane_signs}
    counts = check_count_invariants(arr)
    return {
        "zaslavsky": counts["zaslavsky"],
        "chi_at_one": counts["chi_at_one"],
        "euler": sum((-1) ** k * fk for k, fk in enumerate(f)) == (-1) ** arr.dimension,
        "walls": len(walls(arr)) == (f[arr.dimension - 1] if arr.n_hyperplanes else 0),
        "antipodal": all((-s).tobytes() in keys for s in reg.hyperplane_signs),
        "cover": counts["cover"],
    }


def check_count_invariants(arr: Arrangement) -> dict[str, bool]:
    """The identities of :func:`check_invariants` that need only the number of chambers.

    ``zaslavsky``, ``chi_at_one`` and ``cover``, with ``r = arr.n_regions`` (which may be a
    count recorded by a partitioned run, so that no chamber needs to be held).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> check_count_invariants(Arrangement.from_points([[0], [1], [2]]))
    {'zaslavsky': True, 'chi_at_one': True, 'cover': True}
    """
    r = arr.n_regions
    chi = arr.characteristic_polynomial()
    general = arr.is_general_position()
    return {
        "zaslavsky": zaslavsky_count(arr) == r,
        "chi_at_one": arr.n_hyperplanes == 0 or chi.eval(1) == 0,
        "cover": (not general) or r == cover_count(arr.n_hyperplanes, arr.dimension - 1),
    }
