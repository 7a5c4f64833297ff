"""Exact integer linear algebra shared by the enumeration, lattice and certificate code.

Everything here is exact: integer matrices are numpy arrays of ``int64`` when every intermediate
value provably fits (a bound is checked before each product) and of Python ``int`` objects
otherwise. Rational work goes through python-flint (``fmpz_mat``, ``fmpq_mat``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

import flint
import numpy as np

__all__ = [
    "canonical_rows",
    "CodeTable",
    "code_index",
    "code_member",
    "fmpq_matrix",
    "int_array",
    "int_matmul",
    "kernel_basis",
    "mask_matmul",
    "max_abs",
    "primitive",
    "rank",
    "row_scale",
    "scaled_floats",
    "sign",
    "to_fraction",
    "unit_vector",
]

# |x| < 2**62 for every entry and every partial sum keeps int64 arithmetic exact.
_SAFE = 2**62


def sign(x: int | Fraction) -> int:
    """Return the sign of an exact number as -1, 0 or +1.

    Examples
    --------
    >>> sign(Fraction(-3, 7)), sign(0), sign(5)
    (-1, 0, 1)
    """
    return (x > 0) - (x < 0)


def primitive(vec: Iterable[int | Fraction]) -> tuple[int, ...]:
    """Scale a rational vector by a positive number to a primitive integer vector.

    The direction (and orientation) is kept; the entries become coprime integers. The zero
    vector is returned unchanged.

    Examples
    --------
    >>> primitive([Fraction(1, 2), Fraction(-1, 3), 0])
    (3, -2, 0)
    """
    fr = [Fraction(x) for x in vec]
    den = 1
    for q in fr:
        den = den * q.denominator // math.gcd(den, q.denominator)
    ints = [int(q * den) for q in fr]
    g = 0
    for v in ints:
        g = math.gcd(g, v)
    if g > 1:
        ints = [v // g for v in ints]
    return tuple(ints)


def max_abs(a: np.ndarray) -> int:
    """Largest absolute value of an integer array (0 for an empty array)."""
    if a.size == 0:
        return 0
    if a.dtype == object:
        return max(abs(int(x)) for x in a.flat)
    return int(np.abs(a).max())


def int_array(rows: Sequence[Sequence[int]] | np.ndarray, ncols: int | None = None) -> np.ndarray:
    """Build an exact integer array: ``int64`` if every entry is small, Python ints otherwise."""
    arr = np.array(rows, dtype=object)
    if arr.ndim == 1 and ncols is not None and arr.size == 0:
        arr = arr.reshape(0, ncols)
    if max_abs(arr) < _SAFE:
        return arr.astype(np.int64)
    return arr


def int_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact product of two integer matrices.

    Uses ``int64`` when ``max|a| * max|b| * inner`` is below 2**62, so no partial sum can
    overflow; otherwise multiplies Python integers.
    """
    inner = a.shape[-1]
    if a.dtype != object and b.dtype != object:
        if max_abs(a) * max_abs(b) * max(inner, 1) < _SAFE:
            return a @ b
    res = np.dot(a.astype(object), b.astype(object))
    return int_array(res) if res.ndim else res


def mask_matmul(mask: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Exact product of a 0/1 matrix ``(r, n)`` with an integer matrix ``(n, D)``.

    The integers of ``a`` (``int64`` or Python ``int``) are cut into signed 24-bit limbs; each
    limb is multiplied in float64 (BLAS), exactly, since every partial sum is an integer below
    ``n 2^24 < 2^53``; the limbs are recombined in ``int64`` when every column sum of ``|a|`` is
    below ``2^62`` and in Python integers otherwise. So a product whose entries are huge costs
    a few float products instead of ``r n D`` Python multiplications.

    Examples
    --------
    >>> mask_matmul(np.array([[1, 0], [1, 1]]), np.array([[2**70], [-3]], dtype=object)).tolist()
    [[1180591620717411303424], [1180591620717411303421]]
    """
    r, n = mask.shape
    dim = a.shape[1] if a.ndim == 2 else 0
    if n == 0 or dim == 0:
        return np.zeros((r, dim), dtype=np.int64)
    mag = np.abs(a.astype(object))
    column = [sum(int(x) for x in mag[:, k]) for k in range(dim)]
    top = max(column)
    if top < 2**53:
        parts = [a.astype(np.float64)]
    else:
        sgn = np.where(a.astype(object) < 0, -1, 1)
        mask24 = (1 << 24) - 1
        count = (int(top).bit_length() + 23) // 24
        parts = [(sgn * ((mag >> (24 * k)) & mask24)).astype(np.float64) for k in range(count)]
    fits = top < 2**62
    out: np.ndarray = np.zeros((r, dim), dtype=np.int64 if fits else object)
    block = 1 << 14  # bounded float copies of the mask
    for lo in range(0, r, block):
        m = np.asarray(mask[lo : lo + block] != 0, dtype=np.float64)
        for k, part in enumerate(parts):
            prod = (m @ part).astype(np.int64)
            if fits:
                out[lo : lo + block] += prod << (24 * k)
            else:
                out[lo : lo + block] += prod.astype(object) * (1 << (24 * k))
    return int_array(out) if not fits else out


def canonical_rows(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make every non-zero row primitive with its first non-zero entry positive.

    Parameters
    ----------
    m : numpy.ndarray
        Integer matrix (``int64`` or object).

    Returns
    -------
    canon : numpy.ndarray
        The canonical rows (same dtype family).
    orientation : numpy.ndarray
        ``int8`` array of +1/-1 with ``row = orientation * (positive multiple of canon)``;
        zero rows get +1.
    """
    if m.shape[0] == 0:
        return m.copy(), np.ones(0, dtype=np.int8)
    g = np.abs(np.gcd.reduce(m, axis=1))  # object gcd may come out negative
    g = np.where(g == 0, 1, g)
    canon = m // g[:, None]
    nz = canon != 0
    first = np.argmax(nz, axis=1)
    lead = canon[np.arange(canon.shape[0]), first]
    orient = np.where(lead < 0, -1, 1).astype(np.int8)
    canon = canon * orient[:, None].astype(canon.dtype if canon.dtype != object else object)
    return canon, orient


def kernel_basis(rows: Sequence[Sequence[int]], dim: int) -> np.ndarray:
    """Integer basis of the orthogonal complement of the span of ``rows``.

    Parameters
    ----------
    rows : sequence of integer vectors of length ``dim``
        The normals whose common zero set is wanted (may be dependent).
    dim : int
        Ambient dimension.

    Returns
    -------
    numpy.ndarray
        Integer matrix of shape ``(dim, k)`` whose columns form an LLL-reduced basis of
        ``{x : <r, x> = 0 for all r in rows}``.

    Examples
    --------
    >>> kernel_basis([(1, 1, 1)], 3).T.tolist()
    [[1, -1, 0], [1, 0, -1]]
    """
    if len(rows) == 0:
        return np.eye(dim, dtype=np.int64)
    mat = flint.fmpz_mat([[int(x) for x in r] for r in rows])
    ker, nullity = mat.nullspace()
    if nullity == 0:
        return np.zeros((dim, 0), dtype=np.int64)
    cols = flint.fmpz_mat([[int(ker[i, j]) for i in range(dim)] for j in range(nullity)])
    red = cols.lll()
    basis = [[int(red[j, i]) for j in range(nullity)] for i in range(dim)]
    return int_array(basis)


def fmpq_matrix(
    rows: Sequence[Sequence[int | Fraction]], ncols: int | None = None
) -> flint.fmpq_mat:
    """Exact python-flint matrix from rows of ints or Fractions."""
    data = [[flint.fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in r] for r in rows]
    if not data:
        return flint.fmpq_mat(0, ncols or 0)
    return flint.fmpq_mat(data)


def to_fraction(x: flint.fmpq | flint.fmpz | int) -> Fraction:
    """Convert a python-flint rational (or integer) to :class:`~fractions.Fraction`."""
    if isinstance(x, flint.fmpq):
        return Fraction(int(x.p), int(x.q))
    return Fraction(int(x))


def rank(rows: Sequence[Sequence[int | Fraction]]) -> int:
    """Exact rank over Q of a rational matrix given by its rows.

    Examples
    --------
    >>> rank([(1, 2), (2, 4)]), rank([]), rank([(Fraction(1, 3), 1), (0, 1)])
    (1, 0, 2)
    """
    if len(rows) == 0 or len(rows[0]) == 0:
        return 0
    return int(fmpq_matrix(rows).rank())


def row_scale(row: Sequence[Fraction]) -> float:
    """``2^-e`` with ``2^e`` about the largest entry of ``row`` (``inf`` becomes 0 safely)."""
    e = max(
        (abs(x).numerator.bit_length() - abs(x).denominator.bit_length() for x in row if x),
        default=0,
    )
    return 2.0 ** (-e) if -1000 < e < 1000 else 0.0


def scaled_floats(row: Sequence[Fraction]) -> list[float]:
    """The row divided by a power of two near its largest entry, as floats (never overflows)."""
    e = max(
        (abs(x).numerator.bit_length() - abs(x).denominator.bit_length() for x in row if x),
        default=0,
    )
    scale = Fraction(1, 2**e) if e >= 0 else Fraction(2 ** (-e))
    out = []
    for x in row:
        y = x * scale
        try:
            out.append(float(y))
        except OverflowError:  # pragma: no cover - |y| < 2 by construction
            out.append(0.0)
    return out


def unit_vector(direction: Sequence[int | Fraction]) -> np.ndarray:
    """The float unit vector of an exact direction of any size (never overflows).

    The entries are divided by a common power of two near the largest (:func:`scaled_floats`),
    converted, then normalised: the relative error is about ``2^-52``. The zero vector stays zero.

    Examples
    --------
    >>> unit_vector([3 * 10**400, 4 * 10**400]).tolist()
    [0.6, 0.8]
    >>> unit_vector([Fraction(1, 10**500), 0]).tolist()
    [1.0, 0.0]
    """
    vec = np.array(scaled_floats([Fraction(v) for v in direction]), dtype=float)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else vec


def code_member(codes: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Which ``needles`` occur in ``codes`` (both ``uint64`` hash codes), vectorised.

    See :func:`code_index`, of which this is ``code_index(codes, needles) >= 0``.

    Examples
    --------
    >>> code_member(np.array([5, 9], dtype=np.uint64), np.array([9, 4], dtype=np.uint64)).tolist()
    [True, False]
    """
    out: np.ndarray = code_index(codes, needles) >= 0
    return out


def code_index(codes: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """The position in ``codes`` of every needle (``-1`` when absent), vectorised.

    ``CodeTable(codes).index(needles)``; build the :class:`CodeTable` once to look up many
    batches.

    Examples
    --------
    >>> code_index(np.array([5, 9], dtype=np.uint64), np.array([9, 4], dtype=np.uint64)).tolist()
    [1, -1]
    """
    return CodeTable(codes).index(needles)


class CodeTable:
    """Bucketed lookup of ``uint64`` hash codes.

    The codes are sorted into ``2^b >= 2 len(codes)`` buckets by their top ``b`` bits; each
    needle is compared only with the codes of its own bucket. For uniformly random codes (the
    sums of random 64-bit weights used to hash sign vectors) a bucket holds about one code, so
    a lookup costs a few passes over the needles instead of a binary search per needle.

    Parameters
    ----------
    codes : numpy.ndarray
        ``uint64`` array (any order; with repeats, one of their positions is found).
    """

    def __init__(self, codes: np.ndarray) -> None:
        codes = np.asarray(codes, dtype=np.uint64)
        self._perm = np.argsort(codes, kind="stable")
        self._table = codes[self._perm]
        bits = min(max(int(len(codes)).bit_length() + 1, 1), 30)
        self._shift = np.uint64(64 - bits)
        self._start = np.searchsorted(
            self._table >> self._shift, np.arange(2**bits + 1, dtype=np.uint64)
        )

    def index(self, needles: np.ndarray) -> np.ndarray:
        """The position in ``codes`` of every needle (``-1`` when absent), shape of ``needles``."""
        flat = np.ascontiguousarray(needles, dtype=np.uint64).ravel()
        found = np.full(flat.shape, -1, dtype=np.intp)
        if len(self._table) == 0 or flat.size == 0:
            return found.reshape(np.shape(needles))
        table, start, perm = self._table, self._start, self._perm
        step = 1 << 16  # slices that stay in cache
        for lo in range(0, flat.size, step):
            part = flat[lo : lo + step]
            hit = found[lo : lo + step]
            bucket = (part >> self._shift).astype(np.intp)
            cur = start[bucket]
            end = start[bucket + 1]
            act = np.flatnonzero(cur < end)
            while len(act):
                same = table[cur[act]] == part[act]
                hit[act[same]] = perm[cur[act[same]]]
                cur[act] += 1
                act = act[(cur[act] < end[act]) & (hit[act] < 0)]
        return found.reshape(np.shape(needles))
