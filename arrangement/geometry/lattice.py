"""The intersection lattice: flats, their ranks, the Möbius function, the characteristic polynomial.

A flat is a non-empty intersection of hyperplanes of the arrangement (the whole space is the
empty intersection). Flats are generated rank by rank: the flats covering a flat ``X`` are the
hyperplanes of the restriction ``A^X``, that is, the classes of hyperplanes not containing
``X`` whose restrictions to ``X`` coincide. Each flat is identified by the set of hyperplanes
containing it, so equality of flats is decided exactly, by integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from arrangement.core.linalg import canonical_rows, int_matmul, kernel_basis

if TYPE_CHECKING:
    import networkx as nx
    import sympy

    from arrangement.geometry.arrangement import Arrangement

# sympy and networkx are imported by the two functions that return their objects: the size
# estimate before every enumeration (flats, Mobius values) must not pay for them.

#: ``progress(done, total)``; ``total`` is ``None`` when it is not known in advance.
ProgressFn = Callable[[int, "int | None"], None]

__all__ = [
    "Flat",
    "characteristic_polynomial",
    "flats",
    "intersection_lattice",
    "is_general_position",
]


@dataclass(frozen=True, slots=True)
class Flat:
    """One flat ``X`` of the intersection lattice.

    Attributes
    ----------
    index : int
        Position in :func:`flats` (flats are sorted by rank; index 0 is the whole space).
    hyperplanes : tuple of int
        The hyperplanes containing ``X`` (sorted).
    rank : int
        Codimension of ``X`` in ``R^D``.
    dimension : int
        ``D - rank``.
    basis : tuple of tuple of int
        An integer basis of ``X`` (``dimension`` vectors of length ``D``).
    mobius : int
        The Möbius value ``mu(R^D, X)``.
    covers : tuple of int
        Indices of the flats of rank ``rank - 1`` that contain ``X``.
    """

    index: int
    hyperplanes: tuple[int, ...]
    rank: int
    dimension: int
    basis: tuple[tuple[int, ...], ...]
    mobius: int
    covers: tuple[int, ...]

    def rows(self, arrangement: Arrangement) -> tuple[int, ...]:
        """The input rows whose hyperplane contains this flat."""
        hs = set(self.hyperplanes)
        return tuple(i for i, h in enumerate(arrangement.row_to_hyperplane) if h in hs)

    def basis_matrix(self) -> np.ndarray:
        """The basis as an integer array of shape ``(D, dimension)``."""
        if not self.basis:
            return np.zeros((0, 0), dtype=np.int64)
        return np.array(self.basis, dtype=object).T


def flats(arr: Arrangement, *, progress: ProgressFn | None = None) -> list[Flat]:
    """Every flat of the arrangement, by increasing rank, with Möbius values.

    Parameters
    ----------
    arr : Arrangement
        The arrangement.
    progress : callable, optional
        ``progress(k, None)`` as flats are found (first computation only; the result is cached).

    Returns
    -------
    list of Flat
        Index 0 is the whole space (rank 0, Möbius value 1).

    Notes
    -----
    Each flat ``X`` is expanded once: the hyperplanes not containing it are restricted to an
    integer basis of ``X`` and grouped by their canonical restricted normal, which costs
    ``O(n D^2)`` per flat. The Möbius values follow from ``sum_{Y >= X} mu(Y) = 0`` over the
    flats containing ``X``, found through the cover relation.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> fl = Arrangement.from_points([[0], [1], [2]]).flats()
    >>> [(f.rank, f.mobius) for f in fl]
    [(0, 1), (1, -1), (1, -1), (1, -1), (2, 2)]
    """
    return arr._cached("flats", lambda: _build_flats(arr, progress))


def _build_flats(arr: Arrangement, progress: ProgressFn | None) -> list[Flat]:
    normals = arr.normal_matrix()
    n, dim = normals.shape
    # Each level maps hyperplane set -> (basis array, set of covering flat keys).
    keys: list[frozenset[int]] = [frozenset()]
    bases: list[np.ndarray] = [np.eye(dim, dtype=np.int64)]
    ranks: list[int] = [0]
    covers: list[list[int]] = [[]]
    level = [0]
    index_of: dict[frozenset[int], int] = {frozenset(): 0}
    r = 0
    while level:
        nxt: list[int] = []
        for fid in level:
            if progress is not None:
                progress(len(keys), None)
            key, basis = keys[fid], bases[fid]
            others = [h for h in range(n) if h not in key]
            if not others:
                continue
            if basis.shape[1] == 1:
                groups = [others]
            else:
                coords = int_matmul(normals[others], basis)
                canon, _ = canonical_rows(coords)
                by_row: dict[tuple[int, ...], list[int]] = {}
                for h, row in zip(others, map(tuple, canon.tolist()), strict=True):
                    by_row.setdefault(row, []).append(h)
                groups = list(by_row.values())
            for g in groups:
                new = key.union(g)
                j = index_of.get(new)
                if j is None:
                    j = index_of[new] = len(keys)
                    keys.append(new)
                    sub = sorted(new)
                    bases.append(kernel_basis(normals[sub].tolist(), dim))
                    ranks.append(r + 1)
                    covers.append([])
                    nxt.append(j)
                covers[j].append(fid)
        level = nxt
        r += 1
    mobius = _mobius(covers)
    result = []
    for j, key in enumerate(keys):
        b = bases[j]
        result.append(
            Flat(
                index=j,
                hyperplanes=tuple(sorted(key)),
                rank=ranks[j],
                dimension=dim - ranks[j],
                basis=tuple(tuple(int(x) for x in col) for col in b.T.tolist()),
                mobius=mobius[j],
                covers=tuple(sorted(set(covers[j]))),
            )
        )
    return result


def _mobius(covers: list[list[int]]) -> list[int]:
    """Möbius values from the cover relation (flats listed by increasing rank)."""
    mu = [0] * len(covers)
    above: list[set[int]] = []
    for j, cov in enumerate(covers):
        up: set[int] = set()
        for c in cov:
            up.add(c)
            up |= above[c]
        above.append(up)
        mu[j] = 1 if j == 0 else -sum(mu[c] for c in up)
    return mu


def characteristic_polynomial(arr: Arrangement) -> sympy.Poly:
    """The characteristic polynomial ``chi(t) = sum_X mu(X) t^dim(X)`` in dimension ``D``.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> Arrangement.from_points([[0], [1], [2]]).characteristic_polynomial().all_coeffs()
    [1, -3, 2]
    """
    import sympy

    t = sympy.Symbol("t")
    coeffs = [0] * (arr.dimension + 1)
    for f in flats(arr):
        coeffs[f.dimension] += f.mobius
    return sympy.Poly(list(reversed(coeffs)), t, domain="ZZ")


def is_general_position(arr: Arrangement) -> bool:
    """Whether the input rows are distinct and any ``D`` of them are linearly independent.

    For data this is the usual general position of points (no ``d + 1`` points on a common
    affine hyperplane, no repeated points); it is read off the lattice: every flat of rank
    ``k < D`` lies on exactly ``k`` hyperplanes.
    """
    if arr.n_points != arr.n_hyperplanes:
        return False
    return all(len(f.hyperplanes) == f.rank for f in flats(arr) if f.rank < arr.dimension)


def intersection_lattice(arr: Arrangement) -> nx.DiGraph:
    """The intersection lattice as a directed graph of cover relations.

    Nodes are flat indices (attributes ``rank``, ``dimension``, ``hyperplanes``, ``mobius``);
    an edge ``Y -> X`` means ``X`` is a flat of ``Y`` one rank higher (``X`` is contained in
    ``Y``).
    """
    import networkx as nx

    g = nx.DiGraph()
    for f in flats(arr):
        g.add_node(
            f.index,
            rank=f.rank,
            dimension=f.dimension,
            hyperplanes=list(f.hyperplanes),
            mobius=f.mobius,
        )
        for c in f.covers:
            g.add_edge(c, f.index)
    return g
