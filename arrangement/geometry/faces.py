"""Faces of every dimension and the f-vector.

Every face ``F`` of a central arrangement spans a flat ``X`` (the intersection of the
hyperplanes that contain ``F``), and ``F`` is a chamber of the restriction ``A^X``. So the faces
are enumerated flat by flat with the chamber algorithm of :mod:`arrangement.geometry.enumeration`,
run in
the coordinates of an integer basis of ``X``: ``f_k = sum over flats X of dimension k of
r(A^X)``. A face is reported by its sign vector in ``{-1, 0, +1}`` and a primitive integer point
of its relative interior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from arrangement.core.linalg import int_array, int_matmul, primitive
from arrangement.geometry.enumeration import enumerate_chambers, restrict
from arrangement.geometry.lattice import Flat, ProgressFn, flats

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = ["Face", "f_vector", "faces"]


@dataclass(frozen=True, slots=True)
class Face:
    """A relatively open face of the arrangement (a cone in ``R^D``).

    Attributes
    ----------
    hyperplane_signs : tuple of int
        Sign (-1, 0, +1) on every distinct hyperplane (internal indexing).
    signs : tuple of int
        Sign (-1, 0, +1) of ``<theta, xt_i>`` on the face for every input row ``i``.
    dimension : int
        Dimension of the face (of its span, the flat).
    witness : tuple of int
        A primitive integer point of the relative interior (zero for the face ``{0}``).
    flat : int
        Index of the flat spanned by the face in :func:`arrangement.geometry.lattice.flats`.
    """

    hyperplane_signs: tuple[int, ...]
    signs: tuple[int, ...]
    dimension: int
    witness: tuple[int, ...]
    flat: int


def _restricted_chambers(arr: Arrangement, flat: Flat) -> tuple[np.ndarray, np.ndarray]:
    """Sign vectors (on all hyperplanes) and witnesses (in ``R^D``) of the faces spanning a flat."""
    normals = arr.normal_matrix()
    n, dim = normals.shape
    if flat.rank == 0:
        reg = arr.regions()
        return reg.hyperplane_signs, reg.witnesses
    inside = list(flat.hyperplanes)
    others = [h for h in range(n) if h not in set(inside)]
    if flat.dimension == 0:
        return np.zeros((1, n), dtype=np.int8), np.zeros((1, dim), dtype=np.int64)
    basis = int_array([list(col) for col in flat.basis]).T.reshape(dim, flat.dimension)
    if others:
        unique, index, orient = restrict(normals[others], basis)
        sub_signs, sub_wits = enumerate_chambers(unique, flat.dimension)
    else:
        # The flat is the lineality space: one face, the flat itself.
        sub_signs = np.zeros((1, 0), dtype=np.int8)
        sub_wits = int_array([[1] + [0] * (flat.dimension - 1)])
        index = np.zeros(0, dtype=np.int64)
        orient = np.zeros(0, dtype=np.int8)
    signs_full = np.zeros((sub_signs.shape[0], n), dtype=np.int8)
    if others:
        signs_full[:, others] = sub_signs[:, index] * orient[None, :]
    wits = int_matmul(sub_wits, basis.T)
    return signs_full, wits


def f_vector(arr: Arrangement, *, progress: ProgressFn | None = None) -> tuple[int, ...]:
    """The numbers ``f_0..f_D`` of faces of each dimension (cones in ``R^D``).

    The minimal face (the lineality space, ``{0}`` for an essential arrangement) is counted
    once; ``f_D`` is the number of chambers. The Euler relation
    ``sum_k (-1)^k f_k = (-1)^D`` holds.

    Parameters
    ----------
    arr : Arrangement
        The arrangement.
    progress : callable, optional
        ``progress(k, n)`` after each of the ``n`` flats (first computation only: cached).

    Returns
    -------
    tuple of int
        ``(f_0, ..., f_D)``.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> Arrangement.from_points([[0], [1]]).f_vector()
    (1, 4, 4)
    """

    def build() -> tuple[int, ...]:
        counts = [0] * (arr.dimension + 1)
        all_flats = flats(arr, progress=progress)
        for k, fl in enumerate(all_flats):
            if progress is not None:
                progress(k + 1, len(all_flats))
            if fl.dimension <= 1 and fl.rank > 0:
                others = arr.n_hyperplanes - len(fl.hyperplanes)
                counts[fl.dimension] += 1 if (fl.dimension == 0 or others == 0) else 2
            else:
                counts[fl.dimension] += _restricted_chambers(arr, fl)[0].shape[0]
        return tuple(counts)

    return arr._cached("f_vector", build)


def faces(
    arr: Arrangement, *, dim: int | None = None, progress: ProgressFn | None = None
) -> list[Face]:
    """All relatively open faces, or those of dimension ``dim``.

    Parameters
    ----------
    arr : Arrangement
        The arrangement.
    dim : int, optional
        Only faces of this dimension.
    progress : callable, optional
        ``progress(k, n)`` after each of the ``n`` flats.

    Returns
    -------
    list of Face
        Faces grouped by flat (flats by increasing rank, so chambers come first).
    """
    out: list[Face] = []
    rows = np.asarray(arr.row_to_hyperplane, dtype=np.int64)
    orient = np.asarray(arr.row_orientation, dtype=np.int8)
    all_flats = flats(arr)
    for k, fl in enumerate(all_flats):
        if progress is not None:
            progress(k + 1, len(all_flats))
        if dim is not None and fl.dimension != dim:
            continue
        signs, wits = _restricted_chambers(arr, fl)
        row_signs = signs[:, rows] * orient[None, :]
        for s, rs, w in zip(signs.tolist(), row_signs.tolist(), wits.tolist(), strict=True):
            out.append(Face(tuple(s), tuple(rs), fl.dimension, primitive(w), fl.index))
    return out
