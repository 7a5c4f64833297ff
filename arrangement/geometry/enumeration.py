"""Exact, LP-free enumeration of the chambers of a central hyperplane arrangement.

The algorithm is the deletion-restriction recursion ``r(A) = r(A - H) + r(A^H)`` run
incrementally. Hyperplanes are inserted one at a time. When ``H_k`` is inserted, a chamber ``C``
of the arrangement of ``H_1..H_{k-1}`` is cut in two exactly when ``C`` meets ``H_k``, and the
pieces ``C ∩ H_k`` are precisely the chambers of the restriction of ``H_1..H_{k-1}`` to ``H_k``.
So the restriction (one dimension lower, enumerated recursively) hands us one exact point ``w``
in every chamber that is cut; the sign vector of ``w`` locates that chamber, and the two new
chambers get the witnesses ``T w + a_k`` and ``T w - a_k`` for an integer ``T`` large enough that
no other sign changes. Chambers in dimension two are found directly by sorting the rays by angle
(floats propose the order, exact integer cross products confirm it).

Locating a cut chamber does not rebuild any table: every chamber carries a 64-bit code, the sum
of random weights of the hyperplanes on whose positive side it lies, updated in place at each
insertion. The codes of the located sign vectors are sorted, the codes of all chambers are looked
up in them with :func:`numpy.searchsorted`, and every hit is confirmed by an exact comparison of
the sign vectors (a hash collision, however unlikely, only sends the step to an exact fallback).
Signs are stored in a preallocated ``int8`` buffer that grows geometrically.

Cones
-----
The chambers of the full arrangement that lie in one chamber ``K`` of the sub-arrangement of the
first ``m`` hyperplanes (a *cone*) are enumerated by the same recursion with a sign filter: while
the first ``m`` hyperplanes are inserted, only chambers on the side of ``K`` are kept, and the
restriction to ``H_k`` is asked only for its chambers inside ``K ∩ H_k``. The cones partition the
chamber set (docs/theory.md, "Partitioned enumeration"), which gives streaming output
(:func:`iter_chambers`) and parallel runs (:mod:`arrangement.distributed`). The
cone-independent data (every restriction, at every level) live in a :class:`Plan`, built once.

No linear program is solved and no sign vector that is not realised is ever looked at. Every
sign is the sign of an exact integer: products use float64 BLAS only when every partial sum is an
integer below ``2^53`` (so every float operation is exact), ``int64`` below ``2^62``, and Python
integers otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cmp_to_key

import numpy as np

from arrangement.core.linalg import canonical_rows, int_array, int_matmul, kernel_basis, max_abs

__all__ = [
    "Plan",
    "cone_split",
    "enumerate_chambers",
    "enumerate_cone",
    "exact_dot",
    "iter_chambers",
    "restrict",
]

ProgressFn = Callable[[int, int], None]

_INT_EXACT = 2**62
_FLOAT_EXACT = 2**53


def exact_dot(
    a: np.ndarray, b: np.ndarray, *, amax: int | None = None, bmax: int | None = None
) -> np.ndarray:
    """Exact product of two integer matrices, as fast as the entries allow.

    A ``float64`` product (BLAS) when every partial sum is an integer below ``2^53`` in absolute
    value, so that every float operation is exact; ``int64`` when below ``2^62``; Python integers
    otherwise. The result holds exact integers in every case. ``amax``/``bmax``, when given, are
    bounds on the absolute values of the entries (saving a pass over them).

    Examples
    --------
    >>> exact_dot(np.array([[1, 2]]), np.array([[3], [4]])).tolist()
    [[11.0]]
    """
    inner = max(a.shape[-1], 1)
    if a.dtype != object and b.dtype != object:
        bound = (max_abs(a) if amax is None else amax) * (max_abs(b) if bmax is None else bmax)
        bound *= inner
        if bound < _FLOAT_EXACT:
            return np.asarray(a, dtype=np.float64) @ np.asarray(b, dtype=np.float64)
        if bound < _INT_EXACT:
            return np.asarray(a, dtype=np.int64) @ np.asarray(b, dtype=np.int64)
    return int_matmul(a, b)


def _as_int(x: np.ndarray) -> np.ndarray:
    """An exact float result of :func:`exact_dot` as ``int64`` (other dtypes unchanged)."""
    return x.astype(np.int64) if x.dtype == np.float64 else x


def _sign8(x: np.ndarray) -> np.ndarray:
    """Signs of an exact integer array (float, int or object) as ``int8``."""
    if x.dtype == object:
        return np.array([(v > 0) - (v < 0) for v in x.flat], dtype=np.int8).reshape(x.shape)
    out = np.empty(x.shape, dtype=np.int8)
    np.sign(x, out=out, casting="unsafe")
    return out


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
        The distinct restricted hyperplanes as canonical primitive normals, shape ``(u, k)``, in
        order of first appearance.
    index : numpy.ndarray
        For every input normal, the row of ``unique`` it restricts to.
    orientation : numpy.ndarray
        ``+1``/``-1``: ``sign <a_j, B z> = orientation[j] * sign <unique[index[j]], z>``.
    """
    coords = int_matmul(normals, basis)
    canon, orient = canonical_rows(coords)
    if canon.shape[0] == 0:
        return canon, np.zeros(0, dtype=np.int64), orient
    if canon.dtype != object and canon.shape[0] > 256:
        _, first, inverse = np.unique(canon, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        # Renumber the distinct rows by first appearance.
        order = np.argsort(first, kind="stable")
        rank_of = np.empty_like(order)
        rank_of[order] = np.arange(order.size)
        return canon[np.sort(first)], rank_of[inverse].astype(np.int64), orient
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


_WEIGHTS = np.zeros(0, dtype=np.uint64)


def _weights(n: int) -> np.ndarray:
    """The first ``n`` of a fixed sequence of random odd 64-bit hash weights."""
    global _WEIGHTS
    if _WEIGHTS.size < n:
        rng = np.random.default_rng(20261202)
        _WEIGHTS = rng.integers(1, 2**63, size=max(n, 2 * _WEIGHTS.size, 256), dtype=np.uint64)
        _WEIGHTS |= np.uint64(1)
    return _WEIGHTS[:n]


class Plan:
    """The cone-independent data of the recursion for one list of hyperplanes.

    For every step ``k >= 1`` the plan holds the restriction of ``H_0..H_{k-1}`` to ``H_k``
    (:func:`restrict`) and, recursively, the plan of that restriction. Steps are built on first
    use and kept, so enumerating many cones of the same arrangement computes each restriction
    once; :meth:`build` completes the plan eagerly (before it is shipped to workers).

    Parameters
    ----------
    normals : numpy.ndarray
        Distinct canonical primitive integer normals, shape ``(n, D)``.
    dim : int
        ``D``.
    """

    __slots__ = ("normals", "dim", "weights", "amax", "_steps", "_cut")

    def __init__(self, normals: np.ndarray, dim: int) -> None:
        self.normals = normals
        self.dim = dim
        self.weights = _weights(normals.shape[0])
        self.amax = max_abs(normals)
        self._steps: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Plan]] = {}
        self._cut: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def restriction_chambers(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """All chambers ``(signs, witnesses)`` of the restriction to ``H_k`` (cone-independent).

        Kept when :meth:`prepare` or :meth:`keep_restriction` stored them, computed otherwise.
        """
        got = self._cut.get(k)
        if got is None:
            got = _chambers(self.step(k)[4], np.zeros(0, dtype=np.int8))
        return got

    def keep_restriction(
        self,
        k: int,
        step: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        cut: tuple[np.ndarray, np.ndarray],
    ) -> None:
        """Store step ``k``'s restriction data and chambers (computed elsewhere, e.g. a worker).

        The sub-plan is not kept: with the chambers of every restriction stored, the cones need
        only the top level of the plan. A step already stored is kept (the data are
        cone-independent, so both copies are equal).
        """
        if k in self._cut:
            return
        self._steps[k] = (*step, Plan(step[1][:0], self.dim - 1))
        self._cut[k] = cut

    def prepare(self) -> Plan:
        """Enumerate and keep the chambers of every restriction (for many cones); return self."""
        from threadpoolctl import threadpool_limits

        if self.dim <= 2:
            return self  # the base case sorts rays directly: there is nothing to share
        # Small exact float products: BLAS threads would only spin (twice the CPU on 2 cores).
        with threadpool_limits(limits=1, user_api="blas"):
            for k in range(1, self.normals.shape[0]):
                if k not in self._cut:
                    basis, unique, index, orient, _ = self.step(k)
                    self.keep_restriction(
                        k, (basis, unique, index, orient), self.restriction_chambers(k)
                    )
        return self

    @property
    def prepared(self) -> bool:
        """Whether the chambers of every restriction are stored."""
        return self.dim <= 2 or len(self._cut) == max(self.normals.shape[0] - 1, 0)

    def step(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Plan]:
        """``(basis, unique, index, orientation, subplan)`` of the restriction to ``H_k``."""
        got = self._steps.get(k)
        if got is None:
            a = self.normals[k]
            basis = kernel_basis([a.tolist()], self.dim)
            unique, index, orient = restrict(self.normals[:k], basis)
            got = (basis, unique, index, orient, Plan(unique, self.dim - 1))
            self._steps[k] = got
        return got

    def build(self) -> Plan:
        """Build every step at every level now; return the plan itself."""
        if self.dim > 2:
            for k in range(1, self.normals.shape[0]):
                self.step(k)[4].build()
        return self


def _chambers_2d(normals: np.ndarray, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chambers of distinct lines through the origin of the plane, by exact angular sorting.

    Only the chambers whose first ``len(fixed)`` signs are ``fixed`` are kept; their other signs
    are computed after the filter.
    """
    n = normals.shape[0]
    m = fixed.shape[0]
    if n == 1:
        w = int_array(np.concatenate([normals, -normals]))
    else:
        perp = np.stack([-normals[:, 1], normals[:, 0]], axis=1)
        rays = _sort_rays(np.concatenate([perp, -perp]))
        # Consecutive rays make an angle in (0, pi) when n >= 2, so their sum is interior.
        w = rays + np.roll(rays, -1, axis=0)
    if m:
        w = w[(_sign8(exact_dot(w, normals[:m].T)) == fixed[None, :]).all(axis=1)]
    signs = _sign8(exact_dot(w, normals.T))
    return signs, w


def _half(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """0 for directions with angle in [0, pi), 1 for [pi, 2 pi) (exact)."""
    return np.where((y > 0) | ((y == 0) & (x > 0)), 0, 1)


def _sort_rays(rays: np.ndarray) -> np.ndarray:
    """Rays (pairwise non-parallel or opposite) sorted by angle in [0, 2 pi), decided exactly."""
    if rays.dtype != object:
        fl = rays.astype(float)
        order = np.argsort(np.arctan2(fl[:, 1], fl[:, 0]) % (2 * np.pi), kind="stable")
        cand = rays[order]
        x, y = cand[:, 0], cand[:, 1]
        half = _half(x, y)
        if max_abs(cand) ** 2 * 2 < _INT_EXACT and np.all(np.diff(half) >= 0):
            cross = x[:-1] * y[1:] - y[:-1] * x[1:]
            same = half[:-1] == half[1:]
            if np.all(cross[same] > 0):
                return cand
    rows = [(int(a), int(b)) for a, b in rays.tolist()]
    rows.sort(key=cmp_to_key(_angle_cmp))
    return int_array(rows)


def _angle_cmp(u: tuple[int, int], v: tuple[int, int]) -> int:
    hu = 0 if (u[1] > 0 or (u[1] == 0 and u[0] > 0)) else 1
    hv = 0 if (v[1] > 0 or (v[1] == 0 and v[0] > 0)) else 1
    if hu != hv:
        return hu - hv
    cross = u[0] * v[1] - u[1] * v[0]
    return -1 if cross > 0 else (1 if cross < 0 else 0)


def _keep(signs: np.ndarray, wits: np.ndarray, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose first ``len(fixed)`` signs are ``fixed``."""
    m = fixed.shape[0]
    if m == 0:
        return signs, wits
    ok = (signs[:, :m] == fixed[None, :]).all(axis=1)
    return signs[ok], wits[ok]


class _Store:
    """Growing storage of sign vectors, codes and witnesses (capacity doubles)."""

    __slots__ = ("signs", "codes", "wits", "r", "wmax")

    def __init__(self, n: int, dim: int, cap: int) -> None:
        self.signs = np.zeros((cap, n), dtype=np.int8)
        self.codes = np.zeros(cap, dtype=np.uint64)
        self.wits: np.ndarray = np.zeros((cap, dim), dtype=np.int64)
        self.r = 0
        self.wmax = 0

    def reserve(self, need: int) -> None:
        cap = self.signs.shape[0]
        if need <= cap:
            return
        new = max(need, 2 * cap)
        signs = np.zeros((new, self.signs.shape[1]), dtype=np.int8)
        signs[:cap] = self.signs
        codes = np.zeros(new, dtype=np.uint64)
        codes[:cap] = self.codes
        wits = np.zeros((new, self.wits.shape[1]), dtype=self.wits.dtype)
        wits[:cap] = self.wits
        self.signs, self.codes, self.wits = signs, codes, wits

    def set_wits(self, rows: np.ndarray | slice, values: np.ndarray) -> None:
        if values.shape[0] == 0:
            return
        big = max_abs(values)
        if self.wits.dtype != object and (values.dtype == object or big >= 2**62):
            self.wits = self.wits.astype(object)
        self.wits[rows] = values
        self.wmax = max(self.wmax, big)


def _codes(pos: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum_j weights[j] * pos[:, j]`` modulo ``2^64`` for a boolean matrix ``pos``."""
    with np.errstate(over="ignore"):
        return pos.astype(np.uint64) @ weights


def _locate(store: _Store, located: np.ndarray, loc_codes: np.ndarray, k: int) -> np.ndarray:
    """Rows of ``store`` whose first ``k`` signs are the rows of ``located`` (exact)."""
    u = located.shape[0]
    r = store.r
    order = np.argsort(loc_codes, kind="stable")
    table = loc_codes[order]
    if u and r and r <= 4096 and not (table[1:] == table[:-1]).any():
        codes = store.codes[:r]
        pos = np.minimum(np.searchsorted(table, codes), u - 1)
        cand = np.flatnonzero(table[pos] == codes)
        pos = pos[cand]
    elif u and r and not (table[1:] == table[:-1]).any():
        # A bitmap on the top bits of the codes discards most chambers in one cheap pass; the
        # binary search runs only on the few that pass.
        bits = min(max(int(u).bit_length() + 4, 8), 26)
        shift = np.uint64(64 - bits)
        bitmap = np.zeros(1 << bits, dtype=bool)
        bitmap[table >> shift] = True
        codes = store.codes[:r]
        maybe = np.flatnonzero(bitmap[codes >> shift])
        pos = np.minimum(np.searchsorted(table, codes[maybe]), u - 1)
        good = table[pos] == codes[maybe]
        cand, pos = maybe[good], pos[good]
    else:
        cand = pos = np.zeros(0, dtype=np.int64)
    if u and r and cand.size == u:
        hit = np.empty(u, dtype=np.int64)
        hit[order[pos]] = cand
        if (store.signs[hit, :k] == located).all():
            return hit
    # Exact fallback (a 64-bit collision): look the sign vectors up in a dictionary.
    table_d = {row.tobytes(): i for i, row in enumerate(np.ascontiguousarray(store.signs[:r, :k]))}
    return np.fromiter(
        (table_d[row.tobytes()] for row in np.ascontiguousarray(located)), dtype=np.int64, count=u
    )


def _chambers(
    plan: Plan,
    fixed: np.ndarray,
    progress: Callable[[int], None] | None = None,
    *,
    top: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Chambers of ``plan.normals`` whose first ``len(fixed)`` signs are ``fixed``.

    ``progress(found)`` is called after each insertion with the number of chambers so far.
    Witnesses are made small at the ``top`` level; inside the recursion only those above
    ``2^12`` are (enough to keep the arithmetic of the levels above in ``int64``).
    """
    normals, dim = plan.normals, plan.dim
    n = normals.shape[0]
    if n == 0:
        return np.zeros((1, 0), dtype=np.int8), np.zeros((1, dim), dtype=np.int64)
    if dim == 1:
        return _keep(np.array([[1], [-1]], dtype=np.int8), int_array([[1], [-1]]), fixed)
    if dim == 2:
        return _chambers_2d(normals, fixed)
    m = fixed.shape[0]
    store = _Store(n, dim, 64)
    first = normals[0:1]
    s0 = np.array([[1], [-1]], dtype=np.int8)
    w0 = int_array(np.concatenate([first, -first]))
    if m:
        keep = s0[:, 0] == fixed[0]
        s0, w0 = s0[keep], w0[keep]
    store.r = s0.shape[0]
    store.signs[: store.r, :1] = s0
    store.codes[: store.r] = np.where(s0[:, 0] > 0, plan.weights[0], np.uint64(0))
    store.set_wits(slice(0, store.r), w0)
    amax = plan.amax
    for k in range(1, n):
        a = normals[k]
        basis, unique, index, orient, sub = plan.step(k)
        lim = min(k, m)
        sub_fixed = np.zeros(0, dtype=np.int8)
        empty = False
        if lim:
            mp = int(index[:lim].max()) + 1
            sub_fixed = np.zeros(mp, dtype=np.int8)
            want = fixed[:lim] * orient[:lim]
            sub_fixed[index[:lim]] = want
            empty = bool((sub_fixed[index[:lim]] != want).any())  # K ∩ H_k is empty
        r = store.r
        if empty:
            u = 0
            sub_signs = np.zeros((0, unique.shape[0]), dtype=np.int8)
            sub_wits = np.zeros((0, dim - 1), dtype=np.int64)
        elif k in plan._cut:
            # Cone-independent chambers of the restriction, computed once: keep those in K.
            sub_signs, sub_wits = plan._cut[k]
            if sub_fixed.shape[0]:
                inside = (sub_signs[:, : sub_fixed.shape[0]] == sub_fixed[None, :]).all(axis=1)
                sub_signs, sub_wits = sub_signs[inside], sub_wits[inside]
            u = sub_signs.shape[0]
        else:
            sub_signs, sub_wits = _chambers(sub, sub_fixed)
            u = sub_signs.shape[0]
        # The side of H_k on which each old witness lies; 0 only for chambers that are cut.
        if store.wits.dtype != object and store.wmax * amax * dim < _INT_EXACT:
            side = _sign8(store.wits[:r] @ a.astype(np.int64))
        else:
            side = _sign8(exact_dot(store.wits[:r], a.reshape(-1, 1))[:, 0])
        if u:
            # Sign vectors (w.r.t. H_0..H_{k-1}) of the points w = B z, one per restricted chamber.
            located = sub_signs[:, index] * orient[None, :]
            loc_codes = _codes(located > 0, plan.weights[:k])
            hit = _locate(store, located, loc_codes, k)
            lifted = _as_int(exact_dot(sub_wits, basis.T))
            # T > |<a_j, a>| / |<a_j, w>| for every j keeps all old signs of T w +- a.
            vals = _as_int(exact_dot(lifted, normals[:k].T, bmax=amax))
            cross = _as_int(exact_dot(normals[:k], a.reshape(-1, 1), amax=amax, bmax=amax)[:, 0])
            tmult = (np.abs(cross)[None, :] // np.abs(vals)).max(axis=1) + 1
            plus = _reduce(_scale_add(tmult, lifted, a))
            minus = _reduce(_scale_add(tmult, lifted, -a))
            old_side = side[hit]
            # A cut chamber keeps its old witness on the side it lies on (if it is off H_k).
            new_wits = np.where((old_side >= 0)[:, None], minus, plus)
            new_sides = np.where(old_side >= 0, -1, 1).astype(np.int8)
            on_plane = old_side == 0
            if on_plane.any():
                store.set_wits(hit[on_plane], plus[on_plane])
                side[hit[on_plane]] = 1
        wk = plan.weights[k]
        with np.errstate(over="ignore"):
            store.codes[:r] += np.where(side > 0, wk, np.uint64(0))
        store.signs[:r, k] = side
        if u:
            store.reserve(r + u)
            store.signs[r : r + u, :k] = located
            store.signs[r : r + u, k] = new_sides
            with np.errstate(over="ignore"):
                store.codes[r : r + u] = loc_codes + np.where(new_sides > 0, wk, np.uint64(0))
            store.set_wits(slice(r, r + u), new_wits)
            store.r = r + u
        if k < m:
            # Inside the cone: drop the chambers on the wrong side of H_k.
            keep = np.flatnonzero(store.signs[: store.r, k] == fixed[k])
            store.signs[: keep.size] = store.signs[keep]
            store.codes[: keep.size] = store.codes[keep]
            store.wits[: keep.size] = store.wits[keep]
            store.r = keep.size
        if progress is not None:
            progress(store.r)
    signs = store.signs[: store.r].copy()
    # Small witnesses keep every level above in fast arithmetic.
    wits = store.wits[: store.r].copy()
    return signs, _shrink(wits, normals, signs, above=4 if top else 2**12)


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


_SHRINK_CHUNK = 1 << 15


def _shrink(w: np.ndarray, normals: np.ndarray, signs: np.ndarray, *, above: int = 4) -> np.ndarray:
    """Replace witnesses by small integer points of the same chambers where one is found.

    Rounded multiples ``round(2^k u)`` of each witness direction ``u`` are tried for growing
    ``k``; a candidate is kept only if its exact sign vector is the chamber's. Rows for which
    no candidate passes keep their (exact, larger) witness; rows whose entries are at most
    ``above`` are left as they are. Done in chunks of rows, so the
    temporary products stay small whatever the number of chambers.
    """
    if w.shape[0] == 0:
        return w
    if w.dtype == object:
        size = np.array([max(abs(x) for x in row) for row in w.tolist()], dtype=object)
    else:
        size = np.abs(w).max(axis=1)
    todo_all = np.flatnonzero(size > above)
    if todo_all.size == 0:
        return _reduce(w)
    out = w.copy()
    nt = normals.T
    for lo in range(0, todo_all.size, _SHRINK_CHUNK):
        todo = todo_all[lo : lo + _SHRINK_CHUNK]
        approx = _float_directions(w[todo])
        for k in (2, 4, 7, 11, 16, 24, 34, 46):
            keep = size[todo] > 2**k
            todo, approx = todo[keep], approx[keep]
            if todo.size == 0:
                break
            cand = np.rint(approx * 2**k).astype(np.int64)
            ok = (_sign8(exact_dot(cand, nt)) == signs[todo]).all(axis=1)
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
    if w.shape[0] == 0:
        return w
    g = np.abs(np.gcd.reduce(w, axis=1))  # object gcd may come out negative
    g = np.where(g == 0, 1, g)
    return int_array((w // g[:, None]).tolist()) if w.dtype == object else w // g[:, None]


def enumerate_cone(
    plan: Plan,
    fixed: np.ndarray,
    *,
    progress: ProgressFn | None = None,
    total: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Enumerate exactly the chambers whose first ``len(fixed)`` signs are ``fixed``.

    Parameters
    ----------
    plan : Plan
        The plan of the arrangement (distinct canonical primitive normals).
    fixed : numpy.ndarray
        ``int8`` signs ``+1``/``-1`` on the first ``m`` hyperplanes: the cone (a chamber of the
        sub-arrangement ``H_0..H_{m-1}``). Length 0: every chamber.
    progress : callable, optional
        Called as ``progress(found, total)`` after each inserted hyperplane, with the number of
        chambers of the hyperplanes inserted so far (it grows to the final count).
    total : int, optional
        The ``total`` handed to ``progress`` (default: Cover's number, an upper bound).

    Returns
    -------
    signs : numpy.ndarray
        ``int8`` array ``(r, n)`` of the sign vectors of the chambers in the cone.
    witnesses : numpy.ndarray
        Integer array ``(r, D)``: a primitive integer point strictly inside each chamber.
    """
    from threadpoolctl import threadpool_limits

    fixed = np.asarray(fixed, dtype=np.int8)
    normals, dim = plan.normals, plan.dim
    if normals.shape[0] == 0:
        return np.zeros((1, 0), dtype=np.int8), int_array([[0] * (dim - 1) + [-1]])
    report: Callable[[int], None] | None = None
    if progress is not None:
        if total is None:
            from arrangement.geometry.size import cover_number

            total = cover_number(normals.shape[0], dim)
        bar, whole = progress, total

        def report(found: int) -> None:
            bar(found, whole)

    # Small exact float products: BLAS threads would only spin.
    with threadpool_limits(limits=1, user_api="blas"):
        signs, wits = _chambers(plan, fixed, report, top=True)
    return signs, _reduce(wits)


def enumerate_chambers(
    normals: np.ndarray,
    dim: int,
    *,
    progress: ProgressFn | None = None,
    total: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Enumerate every chamber of a central arrangement exactly.

    Parameters
    ----------
    normals : numpy.ndarray
        Distinct primitive integer normals with positive first non-zero entry, shape ``(n, D)``.
    dim : int
        Ambient dimension ``D``.
    progress : callable, optional
        Called as ``progress(found, total)``: chambers found so far against ``total``.
    total : int, optional
        The expected number of chambers, for ``progress`` (default: Cover's upper bound).

    Returns
    -------
    signs : numpy.ndarray
        ``int8`` array ``(r, n)`` of the chambers' sign vectors.
    witnesses : numpy.ndarray
        Integer array ``(r, D)``: a primitive integer point strictly inside each chamber.

    Notes
    -----
    Let ``r_k`` be the number of chambers after ``k`` insertions. Step ``k`` enumerates the
    restriction to ``H_k`` (``r_k - r_{k-1}`` chambers, recursively), computes their 64-bit
    codes and looks the ``r_{k-1}`` current codes up in them (``O(r_{k-1})`` in compiled code),
    so the top level costs ``O(n D r)`` integer operations and the recursion multiplies this by
    at most ``D``: ``O(n D^2 r)`` in all, with ``r`` the output size. No sign vector that is not
    realised is ever considered and no LP is solved.

    Examples
    --------
    >>> s, w = enumerate_chambers(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 3)
    >>> len(s)
    8
    """
    return enumerate_cone(
        Plan(np.asarray(normals), dim),
        np.zeros(0, dtype=np.int8),
        progress=progress,
        total=total,
    )


def cone_split(plan: Plan, *, target: int, estimate: int) -> list[np.ndarray]:
    """Split the chamber set into cones of about ``target`` chambers each.

    The cones are the chambers of the sub-arrangement of the first ``m`` hyperplanes, for the
    smallest ``m`` whose chamber count reaches ``estimate / target`` (``estimate``: the total,
    or a bound on it). A cone that holds more than twice the mean number of chambers of the
    sub-arrangement with two hyperplanes more (a sign that it is oversized) is replaced by those
    finer cones. Every chamber of the arrangement lies in exactly one returned cone.

    Returns
    -------
    list of numpy.ndarray
        The cones as ``int8`` sign vectors on a prefix of the hyperplanes (lengths may differ).
    """
    n = plan.normals.shape[0]
    want = max(1, -(-estimate // max(target, 1)))
    if want <= 1 or n == 0:
        return [np.zeros(0, dtype=np.int8)]
    m = 1
    while True:
        coarse, _ = enumerate_cone(Plan(plan.normals[:m], plan.dim), np.zeros(0, dtype=np.int8))
        if coarse.shape[0] >= want or m == n:
            break
        m += 1
    m2 = min(n, m + 2)
    if m2 == m:
        return list(coarse)
    fine, _ = enumerate_cone(Plan(plan.normals[:m2], plan.dim), np.zeros(0, dtype=np.int8))
    # Group the finer cones by their coarse cone.
    weights = np.uint64(1) << np.arange(m, dtype=np.uint64)
    key_c = (coarse > 0).astype(np.uint64) @ weights
    key_f = (fine[:, :m] > 0).astype(np.uint64) @ weights
    counts = {int(c): 0 for c in key_c}
    for c in key_f.tolist():
        counts[int(c)] += 1
    mean = fine.shape[0] / coarse.shape[0]
    out: list[np.ndarray] = []
    for row, c in zip(coarse, key_c.tolist(), strict=True):
        if counts[int(c)] > 2 * mean:
            out.extend(fine[key_f == c])
        else:
            out.append(row)
    return out


def iter_chambers(
    plan: Plan,
    *,
    estimate: int,
    chunk: int = 1 << 19,
    progress: ProgressFn | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield every chamber exactly once, cone by cone, in bounded memory.

    Parameters
    ----------
    plan : Plan
        The plan of the arrangement.
    estimate : int
        The number of chambers, or an upper bound (sets the number of cones).
    chunk : int, optional
        The number of chambers per cone to aim for (memory is about ``chunk * (n + 8 D)``
        bytes).
    progress : callable, optional
        ``progress(chambers so far, estimate)`` after every cone.

    Yields
    ------
    tuple of numpy.ndarray
        ``(signs, witnesses)`` of the chambers of one cone, as :func:`enumerate_cone` returns.
    """
    done = 0
    cones = cone_split(plan, target=chunk, estimate=estimate)
    if len(cones) > 1:
        plan.prepare()
    for cone in cones:
        signs, wits = enumerate_cone(plan, cone)
        done += signs.shape[0]
        if progress is not None:
            progress(done, estimate)
        yield signs, wits
