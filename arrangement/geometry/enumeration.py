"""Exact, LP-free enumeration of the chambers of a central hyperplane arrangement.

The algorithm is the deletion-restriction recursion ``r(A) = r(A - H) + r(A^H)`` run
incrementally. Hyperplanes are inserted one at a time. When ``H_k`` is inserted, a chamber ``C``
of the arrangement of ``H_1..H_{k-1}`` is cut in two exactly when ``C`` meets ``H_k``, and the
pieces ``C ∩ H_k`` are precisely the chambers of the restriction of ``H_1..H_{k-1}`` to ``H_k``.
So the restriction (one dimension lower, enumerated recursively) hands us one exact point ``w``
in every chamber that is cut; the sign vector of ``w`` locates that chamber by hashing, and the
two new chambers get the witnesses ``T w + a_k`` and ``T w - a_k`` for an integer ``T`` large
enough that no other sign changes. Chambers in dimension two are found directly by sorting the
rays exactly by angle.

No linear program is solved and no sign vector that is not realised is ever looked at. Every
sign is the sign of an exact integer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cmp_to_key

import numpy as np

from arrangement.core.linalg import canonical_rows, int_array, int_matmul, kernel_basis, max_abs

__all__ = ["enumerate_chambers", "restrict"]

ProgressFn = Callable[[int, int], None]


def restrict(normals: np.ndarray, basis: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Restrict hyperplanes to the subspace spanned by the columns of ``basis``.

    Parameters
    ----------
    normals : numpy.ndarray
        Integer normals, shape ``(m, D)``; none of them may vanish on the whole subspace.
    basis : numpy.ndarray
        Integer basis of the subspace, shape ``(D, k)``.

    Returns
    -------
    unique : numpy.ndarray
        The distinct restricted hyperplanes as canonical primitive normals, shape ``(u, k)``.
    index : numpy.ndarray
        For every input normal, the row of ``unique`` it restricts to.
    orientation : numpy.ndarray
        ``+1``/``-1``: ``sign <a_j, B z> = orientation[j] * sign <unique[index[j]], z>``.
    """
    coords = int_matmul(normals, basis)
    canon, orient = canonical_rows(coords)
    seen: dict[tuple[int, ...], int] = {}
    index = np.empty(canon.shape[0], dtype=np.int64)
    keep: list[int] = []
    for j, row in enumerate(map(tuple, canon.tolist())):
        slot = seen.get(row)
        if slot is None:
            slot = seen[row] = len(keep)
            keep.append(j)
        index[j] = slot
    return canon[keep], index, orient


def _half(v: tuple[int, int]) -> int:
    """0 for directions with angle in [0, pi), 1 for [pi, 2 pi)."""
    x, y = v
    return 0 if (y > 0 or (y == 0 and x > 0)) else 1


def _angle_cmp(u: tuple[int, int], v: tuple[int, int]) -> int:
    hu, hv = _half(u), _half(v)
    if hu != hv:
        return hu - hv
    cross = u[0] * v[1] - u[1] * v[0]
    return -1 if cross > 0 else (1 if cross < 0 else 0)


def _chambers_2d(normals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chambers of distinct lines through the origin of the plane, by exact angular sorting."""
    n = normals.shape[0]
    rows = [(int(a), int(b)) for a, b in normals.tolist()]
    if n == 1:
        a = rows[0]
        wit = [a, (-a[0], -a[1])]
    else:
        rays = [(-b, a) for a, b in rows] + [(b, -a) for a, b in rows]
        rays.sort(key=cmp_to_key(_angle_cmp))
        # Consecutive rays make an angle in (0, pi) when n >= 2, so their sum is interior.
        wit = [
            (rays[i][0] + rays[(i + 1) % len(rays)][0], rays[i][1] + rays[(i + 1) % len(rays)][1])
            for i in range(len(rays))
        ]
    w = int_array(wit)
    signs = np.sign(int_matmul(w, normals.T)).astype(np.int8)
    return signs, w


def _chambers(
    normals: np.ndarray, dim: int, progress: ProgressFn | None
) -> tuple[np.ndarray, np.ndarray]:
    """Recursive worker: ``normals`` are distinct canonical primitive integer rows."""
    n = normals.shape[0]
    if n == 0:
        return np.zeros((1, 0), dtype=np.int8), np.zeros((1, dim), dtype=np.int64)
    if dim == 1:
        return np.array([[1], [-1]], dtype=np.int8), int_array([[1], [-1]])
    if dim == 2:
        return _chambers_2d(normals)
    first = normals[0:1]
    signs = np.array([[1], [-1]], dtype=np.int8)
    wits = int_array(np.concatenate([first, -first]))
    for k in range(1, n):
        a = normals[k]
        prev = normals[:k]
        basis = kernel_basis([a.tolist()], dim)
        unique, index, orient = restrict(prev, basis)
        sub_signs, sub_wits = _chambers(unique, dim - 1, None)
        # Sign vectors (w.r.t. H_1..H_{k-1}) of the points w = B z, one per restricted chamber.
        located = sub_signs[:, index] * orient[None, :]
        lifted = int_matmul(sub_wits, basis.T)
        table = {row.tobytes(): i for i, row in enumerate(signs)}
        hit = np.fromiter(
            (table[row.tobytes()] for row in np.ascontiguousarray(located)),
            dtype=np.int64,
            count=located.shape[0],
        )
        # The side of H_k on which each old witness lies; 0 only for chambers that are cut.
        side = np.sign(int_matmul(wits, a.reshape(-1, 1)))[:, 0].astype(np.int8)
        # T > |<a_j, a>| / |<a_j, w>| for every j keeps all old signs of T w +- a.
        vals = int_matmul(lifted, prev.T)
        cross = int_matmul(prev, a.reshape(-1, 1))[:, 0]
        tmult = (np.abs(cross)[None, :] // np.abs(vals)).max(axis=1) + 1
        plus = _reduce(_scale_add(tmult, lifted, a))
        minus = _reduce(_scale_add(tmult, lifted, -a))
        old_side = side[hit]
        # A cut chamber keeps its old witness on the side it lies on (if it is off H_k).
        new_wits = np.where((old_side >= 0)[:, None], minus, plus)
        new_sides = np.where(old_side >= 0, -1, 1).astype(np.int8)
        on_plane = old_side == 0
        wits = wits.astype(object) if (wits.dtype == object or plus.dtype == object) else wits
        if on_plane.any():
            wits[hit[on_plane]] = plus[on_plane]
            side[hit[on_plane]] = 1
        signs = np.concatenate(
            [
                np.concatenate([signs, side[:, None]], axis=1),
                np.concatenate([signs[hit], new_sides[:, None]], axis=1),
            ]
        )
        wits = np.concatenate([wits, new_wits.astype(wits.dtype)])
        if progress is not None:
            progress(k + 1, n)
    # Small witnesses keep every level above in fast int64 arithmetic.
    return signs, _shrink(wits, normals, signs)


def _float_directions(w: np.ndarray) -> np.ndarray:
    """Float approximations of the directions of integer rows, each scaled to max-norm 1."""
    if w.dtype == object:
        rows = []
        for row in w.tolist():
            shift = max(max(abs(x) for x in row).bit_length() - 60, 0)
            rows.append([float(x >> shift) if x >= 0 else -float((-x) >> shift) for x in row])
        approx = np.array(rows, dtype=float)
    else:
        approx = w.astype(float)
    return approx / np.abs(approx).max(axis=1, keepdims=True)


def _shrink(w: np.ndarray, normals: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Replace witnesses by small integer points of the same chambers where one is found.

    Rounded multiples ``round(2^k u)`` of each witness direction ``u`` are tried for growing
    ``k``; a candidate is kept only if its exact sign vector is the chamber's. Rows for which
    no candidate passes keep their (exact, larger) witness.
    """
    if w.shape[0] == 0:
        return w
    if w.dtype == object:
        size = np.array([max(abs(x) for x in row) for row in w.tolist()], dtype=object)
    else:
        size = np.abs(w).max(axis=1)
    todo = np.flatnonzero(size > 4)
    if todo.size == 0:
        return w
    approx = _float_directions(w[todo])
    out = w.copy()
    for k in (2, 4, 7, 11, 16, 24, 34, 46):
        keep = size[todo] > 2**k
        todo, approx = todo[keep], approx[keep]
        if todo.size == 0:
            break
        cand = np.rint(approx * 2**k).astype(np.int64)
        ok = (np.sign(int_matmul(cand, normals.T)) == signs[todo]).all(axis=1)
        out[todo[ok]] = cand[ok]
        todo, approx = todo[~ok], approx[~ok]
        if todo.size == 0:
            break
    if out.dtype == object:
        out = int_array(out.tolist())
    return _reduce(out)


def _scale_add(t: np.ndarray, w: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Exact ``t[:, None] * w + a[None, :]`` (``int64`` only when it cannot overflow)."""
    if w.dtype != object and t.dtype != object and a.dtype != object:
        if max_abs(t) * max_abs(w) + max_abs(a) < 2**62:
            return t[:, None] * w + a[None, :]
    return t.astype(object)[:, None] * w.astype(object) + a.astype(object)[None, :]


def _reduce(w: np.ndarray) -> np.ndarray:
    """Divide every witness by the gcd of its entries (a positive rescaling)."""
    g = np.abs(np.gcd.reduce(w, axis=1))  # object gcd may come out negative
    g = np.where(g == 0, 1, g)
    return int_array((w // g[:, None]).tolist()) if w.dtype == object else w // g[:, None]


def enumerate_chambers(
    normals: np.ndarray, dim: int, *, progress: ProgressFn | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Enumerate every chamber of a central arrangement exactly.

    Parameters
    ----------
    normals : numpy.ndarray
        Distinct primitive integer normals with positive first non-zero entry, shape ``(n, D)``.
    dim : int
        Ambient dimension ``D``.
    progress : callable, optional
        Called as ``progress(k, n)`` after each inserted hyperplane.

    Returns
    -------
    signs : numpy.ndarray
        ``int8`` array ``(r, n)`` of the chambers' sign vectors.
    witnesses : numpy.ndarray
        Integer array ``(r, D)``: a primitive integer point strictly inside each chamber.

    Notes
    -----
    Let ``r_k`` be the number of chambers after ``k`` insertions. Step ``k`` enumerates the
    restriction to ``H_k`` (``r_k - r_{k-1}`` chambers, recursively) and hashes its sign vectors,
    so the top level costs ``O(n D r)`` integer operations and the recursion multiplies this by
    at most ``D``: ``O(n D^2 r)`` in all, with ``r`` the output size. No sign vector that is not
    realised is ever considered and no LP is solved.

    Examples
    --------
    >>> s, w = enumerate_chambers(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 3)
    >>> len(s)
    8
    """
    signs, wits = _chambers(np.asarray(normals), dim, progress)
    if normals.shape[0] == 0:
        wits = int_array([[0] * (dim - 1) + [-1]])
    return signs, _reduce(wits)
