"""Exact dual certificates, chamber by chamber.

For a dual vector ``p`` (one rational per input row) the certificate is

    eta_p(theta) = sum_i p_i relu(<theta, xt_i>).

On the closed chamber ``K_s = {theta : s_h <theta, n_h> >= 0}`` it is the linear function
``<v_s, theta>`` with ``v_s = sum over rows active in s of p_i xt_i``. Its maximum over
``K_s ∩ S^d`` is ``||P_{K_s}(v_s)||`` (attained only at ``P/||P||`` when ``P != 0``), its minimum is
``-||P_{K_s}(-v_s)||``; both projections are rational (:mod:`arrangement.certificates.cones`). Hence

    sup |eta_p|^2 = max over chambers s of max(||P_{K_s}(v_s)||^2, ||P_{K_s}(-v_s)||^2)

is an exact rational number and every maximiser is a rational direction.

Pruning. Most chambers are far from the supremum. A batched floating-point solve proposes
non-negative dual multipliers ``mu`` for every chamber; rounded to rationals, they give exact upper
bounds ``||v + G^T mu||^2`` (:func:`arrangement.certificates.cones.upper_bound_sq`). A chamber
whose exact
bound is below the best exact value found so far can contain no maximiser, so it is skipped. Every
other chamber takes the *exact path* (exact projection with a KKT check). Because every maximiser
lies in a chamber whose bound is at least the supremum, the supremum, the verdict and the full set
of maximisers are all exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.certificates.cones import ConeProjection, batch_dual_multipliers, project
from arrangement.core.errors import InputError, SolverError
from arrangement.core.linalg import (
    CodeTable,
    int_array,
    int_matmul,
    mask_matmul,
    max_abs,
    sign,
)
from arrangement.core.numbers import as_fraction, as_vector, fraction_str

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "BlockCertificate",
    "Certificate",
    "ChamberExtrema",
    "ExtremePoint",
    "NearMaximiser",
    "certify",
    "certify_block",
    "chambers_containing",
    "dual_vector",
    "eta",
    "near_maximisers",
    "reduce_blocks",
]


# ---------------------------------------------------------------------------------------------
# values


@dataclass(frozen=True, slots=True)
class ExtremePoint:
    """A point of the sphere where ``|eta|`` attains its supremum.

    For a valid certificate with ``sup |eta| = 1`` these are the points of ``E+ = {eta = +1}``
    (``sign = 1``) and ``E- = {eta = -1}`` (``sign = -1``).

    Attributes
    ----------
    sign : int
        +1 if ``eta = +sup |eta|`` there, -1 if ``eta = -sup |eta|``.
    direction : tuple of int
        Primitive integer vector; the point is ``direction / ||direction||``.
    hyperplane_signs : tuple of int
        Sign (-1, 0, +1) of ``<direction, n_h>`` on every distinct hyperplane: the relatively open
        face of the arrangement that contains the point (internal indexing).
    signs : tuple of int
        Sign of ``<direction, xt_i>`` on every input row: the same face in the user's rows.
    pattern : tuple of int
        The activation pattern: input rows with ``<direction, xt_i> > 0`` (0-based). The point
        lies in the dual region of this pattern.
    interior : bool
        Whether the point is inside an open chamber (no zero sign).
    zero_set : tuple of int
        Input rows with ``<direction, xt_i> = 0``.
    chambers : tuple of int
        The chambers whose closure contains the point (one if ``interior``).
    """

    sign: int
    direction: tuple[int, ...]
    hyperplane_signs: tuple[int, ...]
    signs: tuple[int, ...]
    pattern: tuple[int, ...]
    interior: bool
    zero_set: tuple[int, ...]
    chambers: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: sign, direction, pattern, interior, zero set, faces, chambers.

        ``face`` is the sign of ``<theta, xt_i>`` per input row (the user's indexing);
        ``hyperplane_face`` the sign per distinct hyperplane, in the orientation of the
        arrangement's primitive normals (``Arrangement.normals``).
        """
        return {
            "sign": self.sign,
            "direction": list(self.direction),
            "pattern": list(self.pattern),
            "interior": self.interior,
            "zero_set": list(self.zero_set),
            "face": list(self.signs),
            "hyperplane_face": list(self.hyperplane_signs),
            "chambers": list(self.chambers),
        }


@dataclass(frozen=True, slots=True)
class NearMaximiser:
    """A point where ``eta`` peaks on a closed chamber with ``|eta| >= 1 - tol`` (exactly).

    Attributes
    ----------
    point : ExtremePoint
        The point (its sign, direction, pattern, face and chambers).
    value_squared : Fraction
        ``eta^2`` at the point, exactly (``>= (1 - tol)^2``).
    """

    point: ExtremePoint
    value_squared: Fraction

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the point's keys and ``value_squared`` (exact string)."""
        return {**self.point.to_dict(), "value_squared": fraction_str(self.value_squared)}


@dataclass(frozen=True, slots=True)
class ChamberExtrema:
    """Exact maximum and minimum of ``eta`` over one closed chamber intersected with the sphere.

    Attributes
    ----------
    index : int
        The chamber.
    vector : tuple of Fraction
        ``v_s``: ``eta(theta) = <v_s, theta>`` on the closed chamber.
    max_squared : Fraction
        ``max(0, max eta)^2`` over the closed chamber on the sphere (``||P_K(v_s)||^2``).
    argmax : tuple of int or None
        Primitive direction of the unique maximiser when ``max eta > 0``.
    min_squared : Fraction
        ``max(0, -min eta)^2`` (``||P_K(-v_s)||^2``).
    argmin : tuple of int or None
        Primitive direction of the unique minimiser when ``min eta < 0``.
    """

    index: int
    vector: tuple[Fraction, ...]
    max_squared: Fraction
    argmax: tuple[int, ...] | None
    min_squared: Fraction
    argmin: tuple[int, ...] | None

    @property
    def sup_squared(self) -> Fraction:
        """``max |eta|^2`` over the closed chamber on the sphere."""
        return max(self.max_squared, self.min_squared)


@dataclass(frozen=True, slots=True, eq=False)
class Certificate:
    """The exact verdict on a dual vector: ``sup |eta|^2``, validity and the extreme points.

    Build it with :func:`certify`.

    Attributes
    ----------
    arrangement : Arrangement
        The data arrangement.
    dual : tuple of Fraction
        ``p``, one value per input row.
    sup_norm_squared : Fraction
        ``sup |eta_p|^2`` over the sphere, exactly.
    maximisers : tuple of ExtremePoint
        Every point where ``|eta|`` attains the supremum (empty when ``eta = 0``), deduplicated
        by (sign, primitive direction), sorted by sign (+1 first) then direction.
    n_exact_chambers : int
        Chambers for which the cheap exact upper bound could not rule out the supremum, so
        that the exact projection was computed (for either sign).
    n_exact_projections : int
        Number of exact projections computed (at most two per chamber).
    tolerance : Fraction or None
        The ``tol`` given to :func:`certify`, if any.
    near_maximisers : tuple of NearMaximiser
        With ``tol``: every point where ``eta`` (or ``-eta``) peaks on a closed chamber with
        ``|eta| >= 1 - tol``, decided exactly (at most one per chamber and sign); sorted by
        decreasing value. These are where a solver's measure may put atoms when its dual vector
        is only accurate to ``tol``.
    """

    arrangement: Arrangement
    dual: tuple[Fraction, ...]
    sup_norm_squared: Fraction
    maximisers: tuple[ExtremePoint, ...]
    n_exact_chambers: int
    n_exact_projections: int
    tolerance: Fraction | None = None
    near_maximisers: tuple[NearMaximiser, ...] = ()
    projections: dict[tuple[int, int], tuple[Fraction, tuple[int, ...] | None]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def valid_within(self, tol: Any) -> bool:
        """Whether ``sup |eta| <= 1 + tol`` (decided exactly; ``tol >= 0``).

        Examples
        --------
        >>> from arrangement import Arrangement
        >>> cert = certify(Arrangement.from_points([[0], [1]]), [1, 1])  # sup |eta|^2 = 5
        >>> cert.valid_within(1), cert.valid_within("1.25")
        (False, True)
        """
        t = as_fraction(tol, source="tol")
        if t < 0:
            raise InputError(f"the tolerance must be non-negative, got {fraction_str(t)}")
        return self.sup_norm_squared <= (1 + t) ** 2

    @property
    def valid(self) -> bool:
        """Whether ``|eta| <= 1`` on the whole sphere (decided exactly)."""
        return self.sup_norm_squared <= 1

    @property
    def n_chambers(self) -> int:
        """Number of chambers of the arrangement."""
        return self.arrangement.n_regions

    @property
    def extremes(self) -> tuple[ExtremePoint, ...]:
        """The points of ``E+ ∪ E-`` = ``{|eta| = 1}`` for a valid certificate.

        Empty when ``sup |eta| < 1``. For an invalid certificate the level sets ``{eta = ±1}``
        are not finite, and this is empty too: see :attr:`maximisers` for the worst violations.
        """
        return self.maximisers if self.sup_norm_squared == 1 else ()

    @property
    def e_plus(self) -> tuple[ExtremePoint, ...]:
        """The points of ``E+ = {eta = +1}`` (valid certificates with ``sup = 1``)."""
        return tuple(e for e in self.extremes if e.sign > 0)

    @property
    def e_minus(self) -> tuple[ExtremePoint, ...]:
        """The points of ``E- = {eta = -1}`` (valid certificates with ``sup = 1``)."""
        return tuple(e for e in self.extremes if e.sign < 0)

    def shared_dual_regions(self) -> dict[tuple[int, ...], tuple[ExtremePoint, ...]]:
        """Activation patterns (dual regions) that hold more than one extreme point.

        "At most one point with ``|eta| = 1`` per dual region" is not a theorem for ``d >= 2``
        (``docs/theory.md``, section 7.4): this lists where it fails for this certificate.
        """
        groups: dict[tuple[int, ...], list[ExtremePoint]] = {}
        for e in self.extremes:
            groups.setdefault(e.pattern, []).append(e)
        return {k: tuple(v) for k, v in groups.items() if len(v) > 1}

    def value(self, theta: Sequence[Any]) -> Fraction:
        """``eta_p(theta)`` for an exact vector ``theta`` (not normalised)."""
        return eta(self.arrangement, self.dual, theta)

    def chamber_vector(self, index: int) -> tuple[Fraction, ...]:
        """``v_s`` of chamber ``index``: ``eta(theta) = <v_s, theta>`` on its closure."""
        chamber = self.arrangement.regions()[index]
        return _chamber_vector(self.arrangement, self.dual, chamber.signs)

    def chamber_extrema(self, index: int) -> ChamberExtrema:
        """Exact maximum and minimum of ``eta`` over closed chamber ``index`` on the sphere.

        Computed on demand by two exact projections (``O(n D + D^3)`` rational operations),
        or taken from those :func:`certify` already computed.
        """
        v = _chamber_vector(self.arrangement, self.dual, self.arrangement.regions()[index].signs)
        hi_sq, hi_dir = self.extremum(index, 1)
        lo_sq, lo_dir = self.extremum(index, -1)
        return ChamberExtrema(index, v, hi_sq, hi_dir, lo_sq, lo_dir)

    def extremum(self, index: int, sign: int) -> tuple[Fraction, tuple[int, ...] | None]:
        """The maximum of ``sign * eta`` over closed chamber ``index`` on the sphere.

        Returns ``(value_squared, direction)``: ``max(0, max sign * eta)^2`` and the primitive
        direction of the maximiser (``None`` when that maximum is not positive), i.e.
        ``||P_K(sign v_s)||^2`` and the direction of the projection. Exact; reuses the
        projection of :func:`certify` when it computed this one.
        """
        key = (int(index), 1 if sign > 0 else -1)
        found = self.projections.get(key)
        if found is None:
            arr = self.arrangement
            chamber = arr.regions()[index]
            v = _chamber_vector(arr, self.dual, chamber.signs)
            res = project([key[1] * x for x in v], chamber_cone_rows(arr, key[0]))
            found = (res.norm_squared, res.direction)
            self.projections[key] = found
        return found

    def to_dict(self, *, bounds: bool = True) -> dict[str, Any]:
        """JSON-ready summary (the output of ``arrangement certify --json``).

        Parameters
        ----------
        bounds : bool, optional
            Include ``"support_bound"`` and ``"unique"`` (see
            :mod:`arrangement.certificates.bounds`).

        Returns
        -------
        dict
            Keys ``sup_norm_squared`` (string ``"p/q"``), ``valid``, ``extremes`` (the points of
            ``E+ ∪ E-``), ``maximisers``, ``n_chambers``, ``n_exact_chambers``,
            ``shared_dual_regions`` (patterns holding several extreme points), and with
            ``bounds`` also ``support_bound`` and ``unique`` (``null`` when not decided).
        """
        out: dict[str, Any] = {
            "sup_norm_squared": fraction_str(self.sup_norm_squared),
            "valid": self.valid,
            "extremes": [e.to_dict() for e in self.extremes],
            "maximisers": [e.to_dict() for e in self.maximisers],
            "n_chambers": self.n_chambers,
            "n_exact_chambers": self.n_exact_chambers,
            "shared_dual_regions": [list(k) for k in self.shared_dual_regions()],
        }
        if bounds:
            from arrangement.certificates.bounds import support_bounds, uniqueness

            out["support_bound"] = {
                b.name: b.to_dict() for b in support_bounds(self.arrangement, certificate=self)
            }
            uniq = uniqueness(self)
            out["unique"] = uniq.unique
        if self.tolerance is not None:
            out["tolerance"] = {
                "tol": fraction_str(self.tolerance),
                "valid_within_tol": self.valid_within(self.tolerance),
                "near_maximisers": [m.to_dict() for m in self.near_maximisers],
            }
        return out

    def to_pandas(self, *, near: bool = False) -> Any:
        """The maximisers (or, with ``near``, the near-maximisers) as a DataFrame.

        One row per point: ``sign`` (``int8``), ``extreme`` (``|eta| = 1`` exactly: a point of
        ``E+`` or ``E-``), ``value_squared`` (exact ``eta^2``, a Fraction), the primitive
        integer direction (columns named by weight coordinate, ``w_<feature>`` and ``w_bias``
        or ``w0 ..``; ``int64`` when every value fits), ``interior``, and the tuples
        ``pattern``, ``zero_set`` and ``chambers``.

        Examples
        --------
        >>> from arrangement import Arrangement
        >>> cert = certify(Arrangement.from_points([[0], [1]]), [1, -1])
        >>> cert.to_pandas()[["sign", "extreme", "w0", "w1", "pattern"]]
               sign  extreme  w0  w1 pattern
        point
        0        -1     True   1   0    (1,)
        """
        from arrangement.core.tables import exact_int_array, frame

        if near:
            rows = [(m.point, m.value_squared) for m in self.near_maximisers]
        else:
            rows = [(e, self.sup_norm_squared) for e in self.maximisers]
        names = self.arrangement.weight_names
        dirs = exact_int_array(
            np.array([list(e.direction) for e, _ in rows], dtype=object).reshape(
                len(rows), self.arrangement.dimension
            )
        )
        cols: list[tuple[str, Any]] = [
            ("sign", np.array([e.sign for e, _ in rows], dtype=np.int8)),
            ("extreme", np.array([v == 1 for _, v in rows], dtype=bool)),
            ("value_squared", [v for _, v in rows]),
        ]
        cols += [(name, dirs[:, j]) for j, name in enumerate(names)]
        cols += [
            ("interior", np.array([e.interior for e, _ in rows], dtype=bool)),
            ("pattern", [e.pattern for e, _ in rows]),
            ("zero_set", [e.zero_set for e, _ in rows]),
            ("chambers", [e.chambers for e, _ in rows]),
        ]
        return frame(cols, index_name="point")

    def to_numpy(self, *, near: bool = False) -> np.ndarray:
        """Sign and primitive direction of every maximiser (or near-maximiser), ``(k, 1 + D)``.

        ``int64`` when every value fits, else ``object`` (exact Python integers).
        """
        from arrangement.core.tables import exact_int_array

        pts = [m.point for m in self.near_maximisers] if near else list(self.maximisers)
        rows = [[e.sign, *e.direction] for e in pts]
        return exact_int_array(
            np.array(rows, dtype=object).reshape(len(rows), 1 + self.arrangement.dimension)
        )

    def __repr__(self) -> str:
        return (
            f"<Certificate: sup|eta|^2 = {self.sup_norm_squared}, valid={self.valid}, "
            f"{len(self.maximisers)} maximiser(s)>"
        )


# ---------------------------------------------------------------------------------------------
# exact evaluation


def dual_vector(
    arr: Arrangement, dual: Sequence[Any], *, source: str = "<input>"
) -> tuple[Fraction, ...]:
    """Check and convert a dual vector: one exact rational per input row.

    Raises
    ------
    InputError
        If the length is not ``N`` or an entry is not a number.
    """
    return as_vector(dual, length=arr.n_points, name="the dual vector", source=source)


def eta(arr: Arrangement, dual: Sequence[Any], theta: Sequence[Any]) -> Fraction:
    """``eta_p(theta) = sum_i p_i relu(<theta, xt_i>)`` exactly (``theta`` need not be unit).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> arr = Arrangement.from_points([[0], [1]])
    >>> eta(arr, [1, -1], [1, 0]), eta(arr, [1, -1], [-1, 1])
    (Fraction(-1, 1), Fraction(1, 1))
    """
    p = dual_vector(arr, dual)
    th = [as_fraction(x) for x in theta]
    if len(th) != arr.dimension:
        raise InputError(f"theta has length {len(th)}, expected D = {arr.dimension}")
    total = Fraction(0)
    for pi, xt in zip(p, arr.augmented, strict=True):
        s = sum((a * b for a, b in zip(xt, th, strict=True)), Fraction(0))
        if s > 0:
            total += pi * s
    return total


def _chamber_vector(
    arr: Arrangement, p: Sequence[Fraction], row_signs: Sequence[int]
) -> tuple[Fraction, ...]:
    v = [Fraction(0)] * arr.dimension
    for pi, xt, s in zip(p, arr.augmented, row_signs, strict=True):
        if s > 0 and pi != 0:
            v = [a + pi * b for a, b in zip(v, xt, strict=True)]
    return tuple(v)


def _hyperplane_coefficients(
    arr: Arrangement, p: Sequence[Fraction]
) -> tuple[list[Fraction], list[Fraction]]:
    """``(a_plus, a_minus)``: rows on hyperplane ``h`` contribute ``a * n_h`` to ``v_s``.

    ``a_plus[h]`` is the contribution when ``s_h = +1`` (rows with ``xt_i = c n_h``, ``c > 0``),
    ``a_minus[h]`` when ``s_h = -1`` (rows with ``c < 0``).
    """
    n = arr.n_hyperplanes
    plus = [Fraction(0)] * n
    minus = [Fraction(0)] * n
    for pi, xt, h, o in zip(
        p, arr.augmented, arr.row_to_hyperplane, arr.row_orientation, strict=True
    ):
        if pi == 0:
            continue
        nrm = arr.normals[h]
        k = next(j for j, x in enumerate(nrm) if x != 0)
        c = xt[k] / nrm[k]
        if o > 0:
            plus[h] += pi * c
        else:
            minus[h] += pi * c
    return plus, minus


# ---------------------------------------------------------------------------------------------
# the certification


def _sign_codes(signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, weights)``: a 64-bit hash of every sign vector and the weight of each column.

    The code of a sign vector is the sum (mod ``2^64``) of random weights of the hyperplanes on
    whose positive side it lies, so flipping hyperplane ``h`` adds or subtracts its weight.
    """
    r, n = signs.shape
    rng = np.random.default_rng(20260317)
    weights = np.asarray(rng.integers(1, 2**63, size=n, dtype=np.uint64))
    codes = np.zeros(r, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for lo in range(0, r, _ROW_BLOCK):  # bounded temporaries
            part = signs[lo : lo + _ROW_BLOCK] > 0
            codes[lo : lo + _ROW_BLOCK] = np.where(part, weights[None, :], np.uint64(0)).sum(
                axis=1, dtype=np.uint64
            )
    return codes, weights


#: Chambers per block of the hashed wall and code computations (temporaries of
#: ``_ROW_BLOCK x n`` 64-bit words).
_ROW_BLOCK = 1 << 13


def _walls(signs: np.ndarray) -> np.ndarray:
    """Boolean ``(r, n)``: hyperplane ``h`` is a wall (facet) of chamber ``s``.

    ``h`` is a wall of ``K_s`` iff flipping ``s_h`` gives another chamber. Sign vectors are
    hashed with random 64-bit weights; a collision can only add a spurious wall, which leaves
    the cone unchanged (the extra inequality is valid on ``K_s``), never drop a true one.
    """
    r, n = signs.shape
    if r == 0 or n == 0:
        return np.zeros((r, n), dtype=bool)
    codes, weights = _sign_codes(signs)
    table = CodeTable(codes)
    walls = np.zeros((r, n), dtype=bool)
    with np.errstate(over="ignore"):
        for lo in range(0, r, _ROW_BLOCK):
            part = signs[lo : lo + _ROW_BLOCK] > 0
            flipped = codes[lo : lo + _ROW_BLOCK, None] + np.where(
                part, np.uint64(0) - weights, weights
            )
            walls[lo : lo + _ROW_BLOCK] = table.index(flipped) >= 0
    return walls


def chamber_walls(arr: Arrangement) -> np.ndarray:
    """:func:`_walls` of the arrangement's chambers, computed once and cached on ``arr``."""
    return arr._cached("chamber_walls", lambda: _walls(np.asarray(arr.regions().hyperplane_signs)))


def chamber_tree(arr: Arrangement) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A breadth-first spanning tree of the chamber graph, cached on ``arr``.

    Returns ``(order, parent, hyperplane, levels)``: the chambers in breadth-first order from
    chamber 0, and for each chamber its parent in the tree and the hyperplane crossed from the
    parent (``-1`` for the root); ``levels`` holds the start of every depth in ``order``
    (and ``len(order)`` last). Every edge is checked exactly: parent and child differ in the
    sign of that hyperplane and in no other. Chambers not reached (none, for a connected chamber
    graph) are missing from ``order``.

    A quantity that changes by a known amount across each hyperplane (the chamber vectors
    ``v_s`` of a dual vector) is then accumulated along the tree in ``O(r D)``.
    """

    def build() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        signs = np.asarray(arr.regions().hyperplane_signs)
        r, n = signs.shape
        parent = np.full(r, -1, dtype=np.intp)
        hyper = np.full(r, -1, dtype=np.intp)
        if r == 0:
            empty = np.zeros(0, dtype=np.intp)
            return empty, parent, hyper, np.zeros(1, dtype=np.intp)
        codes, weights = _sign_codes(signs)
        table = CodeTable(codes)
        wall_idx, wall_sign = chamber_wall_layout(arr)
        seen = np.zeros(r, dtype=bool)
        seen[0] = True
        frontier = np.zeros(1, dtype=np.intp)
        order = [frontier]
        levels = [0, 1]
        while len(frontier):
            hs = wall_idx[frontier]
            sg = wall_sign[frontier]
            with np.errstate(over="ignore"):
                delta = np.where(sg > 0, np.uint64(0) - weights[hs], weights[hs])
                nb = table.index(codes[frontier][:, None] + delta)
            ok = (sg != 0) & (nb >= 0)
            rows, cols = np.nonzero(ok)
            child = nb[rows, cols]
            fresh = ~seen[child]
            rows, cols, child = rows[fresh], cols[fresh], child[fresh]
            child, first = np.unique(child, return_index=True)
            par = frontier[rows[first]]
            h = hs[rows[first], cols[first]]
            # exact check of every edge: the signs differ in h and nowhere else
            diff = signs[child] != signs[par]
            good = (diff.sum(axis=1) == 1) & diff[np.arange(len(child)), h]
            child, par, h = child[good], par[good], h[good]
            seen[child] = True
            parent[child] = par
            hyper[child] = h
            frontier = child.astype(np.intp)
            if len(frontier):
                order.append(frontier)
                levels.append(levels[-1] + len(frontier))
        return np.concatenate(order), parent, hyper, np.asarray(levels, dtype=np.intp)

    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] = arr._cached("chamber_tree", build)
    return out


def chamber_cone_rows(arr: Arrangement, index: int) -> list[list[int]]:
    """The rows ``G`` of the closed chamber ``K = {theta : G theta >= 0}``: its signed walls.

    Only the walls (:func:`chamber_walls`) are listed; the other hyperplanes are implied by
    them on the chamber, so the cone is the same and exact projections onto it are cheaper.
    """
    wall_idx, wall_sign = chamber_wall_layout(arr)
    return [
        [int(s) * x for x in arr.normals[int(h)]]
        for h, s in zip(wall_idx[index].tolist(), wall_sign[index].tolist(), strict=True)
        if s != 0
    ]


def _wall_layout(signs: np.ndarray, walls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(wall_idx, wall_sign)``: the walls of every chamber in increasing hyperplane order.

    ``wall_idx[s, f]`` is the hyperplane of the ``f``-th wall of chamber ``s`` and
    ``wall_sign[s, f]`` the chamber's sign on it (``0`` marks padding).
    """
    r, n = signs.shape
    counts = walls.sum(axis=1) if r and n else np.zeros(r, dtype=np.int64)
    width = int(counts.max()) if r and n else 0
    rows, hyper = np.nonzero(walls)  # row-major: increasing h within each chamber
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]) if r else np.zeros(0, np.int64)
    col = np.arange(len(rows)) - start[rows]
    order = np.zeros((r, width), dtype=np.intp)  # padding: hyperplane 0 with sign 0
    wall_sign = np.zeros((r, width), dtype=np.int8)
    order[rows, col] = hyper
    wall_sign[rows, col] = signs[rows, hyper]
    return order, wall_sign


def chamber_wall_layout(arr: Arrangement) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_wall_layout` of :func:`chamber_walls`, cached on ``arr``.

    This is the layout of the ``start`` multipliers of :func:`certify`: problem ``k < r`` is
    chamber ``k`` with ``sigma = +1``, problem ``r + k`` the same chamber with ``sigma = -1``,
    and column ``f`` belongs to the wall ``wall_idx[k, f]`` (primitive integer normal).
    """

    def build() -> tuple[np.ndarray, np.ndarray]:
        signs = np.asarray(arr.regions().hyperplane_signs)
        return _wall_layout(signs, chamber_walls(arr))

    return arr._cached("chamber_wall_layout", build)


@dataclass(slots=True)
class _Problems:
    """The ``2r`` signed chamber problems ``max <sigma v_s, theta>`` over ``K_s ∩ S``."""

    chamber: np.ndarray  # (b,) chamber index
    sigma: np.ndarray  # (b,) +1 / -1
    vint: np.ndarray  # (b, D) exact integer numerators of sigma v_s (denominator q)
    q: int
    wall_idx: np.ndarray  # (r, F) hyperplane indices of the walls, padded
    wall_sign: np.ndarray  # (r, F) int8 sign of the chamber on the wall, 0 = padding
    normals: np.ndarray  # (n, D) exact integer


def _exact_below(
    pr: _Problems, ids: np.ndarray, mu: np.ndarray, bound: Fraction | Sequence[Fraction]
) -> np.ndarray:
    """Exactly decide ``||sigma v_s + G_s^T mu||^2 < bound`` for the problems ``ids``.

    ``mu`` (float, ``(len(ids), F)``) is rounded down to ``m / 2^e`` with ``0 <= m < 2^31`` per
    problem; any non-negative rational multipliers give a rigorous upper bound. ``bound`` is one
    rational for all problems or one per problem (as used by
    :mod:`arrangement.certificates.instance`).
    """
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    out = _fast_below(pr, ids, mu, bound)
    rest = np.flatnonzero(~out)
    if len(rest):
        bounds = bound if isinstance(bound, Fraction) else [bound[int(k)] for k in rest]
        out[rest] = _exact_below_slow(pr, ids[rest], mu[rest], bounds)
    return out


def _exact_below_slow(
    pr: _Problems, ids: np.ndarray, mu: np.ndarray, bound: Fraction | Sequence[Fraction]
) -> np.ndarray:
    """:func:`_exact_below` in Python integers, one problem at a time (any magnitudes)."""
    top = mu.max(axis=1)
    safe_top = np.where(top > 0, top, 1.0)
    expo = np.where(top > 0, 30 - np.ceil(np.log2(safe_top)).astype(np.int64), 0)
    expo = np.clip(expo, -1000, 1000)
    scaled = np.floor(np.ldexp(mu, expo[:, None]))
    scaled = np.where(np.isfinite(scaled) & (scaled > 0), scaled, 0.0)
    m_int = scaled.astype(np.int64)  # < 2^31
    chambers = pr.chamber[ids]
    widx = pr.wall_idx[chambers]
    wsgn = pr.wall_sign[chambers].astype(np.int64)
    coeff = m_int * wsgn  # (b, F)
    nrm = pr.normals
    bmax = int(np.abs(nrm).max()) if nrm.size else 0
    if nrm.dtype != object and bmax * (2**31) * max(widx.shape[1], 1) < 2**62:
        gm = np.einsum("bf,bfd->bd", coeff, nrm[widx])
        gm = gm.astype(object)
    else:
        rows = nrm.astype(object)[widx]
        gm = np.einsum("bf,bfd->bd", coeff.astype(object), rows)
    vnum = pr.vint[ids].astype(object)
    out = np.zeros(len(ids), dtype=bool)
    bounds = [bound] * len(ids) if isinstance(bound, Fraction) else list(bound)
    q = pr.q
    for k in range(len(ids)):
        a, b = bounds[k].numerator, bounds[k].denominator
        e = int(expo[k])
        if e >= 0:
            num = vnum[k] * (1 << e) + gm[k] * q
            den_sq = (q << e) ** 2
        else:
            num = vnum[k] + gm[k] * (q << -e)
            den_sq = q**2
        nsq = sum(int(x) * int(x) for x in num)
        out[k] = nsq * b < a * den_sq
    return out


#: Largest residual entry (in units of ``1 / (q 2^j)``) of the machine-integer bound: with
#: ``D <= 16`` its squared norm stays below ``2^62``.
_FAST_RESIDUAL = 2**29
#: Problems per slice of :func:`_fast_below` (its arrays stay in cache).
_FAST_CHUNK = 1 << 13


def _fast_below(
    pr: _Problems, ids: np.ndarray, mu: np.ndarray, bound: Fraction | Sequence[Fraction]
) -> np.ndarray:
    """Machine-integer version of :func:`_exact_below`: ``True`` where it proves the bound.

    Per problem an exponent ``j`` is chosen so that the residual ``sigma v_s + G_s^T mu`` is about
    ``2^28`` in the unit ``u = 1 / (q 2^j)`` (``q`` the common denominator of the numerators
    ``vint``). With ``V = floor(vint 2^j)`` (exact: a shift) and ``m = floor(mu / u) >= 0``,
    ``R = V + G_s^T m`` is an integer vector computed exactly in float64 (every term and partial
    sum is an integer below ``2^53``), and

        ||P_K(sigma v_s)|| <= ||sigma v_s + G_s^T m u|| <= (||R|| + c) u,

    with ``c = 0`` when ``j >= 0`` (no rounding) and ``c >= sqrt(D)`` otherwise (the entries of
    ``vint 2^j - V`` lie in ``[0, 1)``). The test ``(s + c)^2 < bound / u^2`` with an integer
    ``s >= ||R||`` is decided in ``int64``. ``False`` means "not proved here" (a slack below
    about ``2^-26`` or a magnitude that does not fit): the caller decides those problems in
    Python integers.
    """
    b = len(ids)
    nrm = pr.normals
    dim = nrm.shape[1] if nrm.ndim == 2 else 0
    if b == 0 or nrm.dtype == object or dim == 0 or dim > 16 or not np.isfinite(mu).all():
        return np.zeros(b, dtype=bool)
    bmax = int(np.abs(nrm).max()) if nrm.size else 0
    if bmax >= 2**40:
        return np.zeros(b, dtype=bool)
    if b > _FAST_CHUNK:
        out = np.zeros(b, dtype=bool)
        for lo in range(0, b, _FAST_CHUNK):
            sl = slice(lo, lo + _FAST_CHUNK)
            part = bound if isinstance(bound, Fraction) else bound[sl]
            out[sl] = _fast_below(pr, ids[sl], mu[sl], part)
        return out
    chambers = pr.chamber[ids]
    g = pr.wall_sign[chambers].astype(float)[:, :, None] * nrm.astype(float)[pr.wall_idx[chambers]]
    width = max(g.shape[1], 1)
    q = pr.q
    log_q = q.bit_length() - 1 + math.log2(q / (1 << (q.bit_length() - 1))) if q > 0 else 0.0
    vint = pr.vint[ids]
    try:
        vf = _to_float(vint, q)
    except OverflowError:  # beyond the float range: the caller decides in Python integers
        return np.zeros(b, dtype=bool)
    with np.errstate(all="ignore"):
        mu = np.maximum(mu, 0.0)
        resid = vf + np.einsum("bf,bfd->bd", mu, g)
        tiny = 2.0**-1000
        e_res = np.log2(np.maximum(np.abs(resid).max(axis=1), tiny)) + log_q
        e_v = np.log2(np.maximum(np.abs(vf).max(axis=1), tiny)) + log_q
        e_mu = np.log2(np.maximum(mu.max(axis=1, initial=0.0) * bmax * width, tiny)) + log_q
        jf = np.floor(np.minimum(np.minimum(28.0 - e_res, 50.0 - e_v), 50.0 - e_mu))
    ok = np.isfinite(jf) & np.isfinite(vf).all(axis=1) & np.isfinite(resid).all(axis=1)
    j = np.clip(np.where(ok, jf, 0.0), -1000, 1000).astype(np.int64)
    # V = floor(vint 2^j): shifts, exact in int64 (Python integers for huge numerators)
    if vint.dtype != object:
        up = np.clip(j, 0, 62)[:, None]
        down = np.clip(-j, 0, 63)[:, None]
        ok &= (np.abs(vint) < np.left_shift(np.int64(1), np.clip(50 - j, 0, 62))[:, None]).all(
            axis=1
        )
        big_v = np.where(j[:, None] >= 0, np.left_shift(vint, up), np.right_shift(vint, down))
    else:
        pow_up = np.array([1 << int(e) if e > 0 else 1 for e in j], dtype=object)
        pow_down = np.array([1 << int(-e) if e < 0 else 1 for e in j], dtype=object)
        exact = (vint * pow_up[:, None]) // pow_down[:, None]
        ok &= np.array([max(abs(int(x)) for x in row) < 2**50 for row in exact], dtype=bool)
        big_v = np.where(ok[:, None], exact, 0).astype(np.int64)
    big_v = np.where(ok[:, None], big_v, 0).astype(np.float64)
    with np.errstate(all="ignore"):
        # mu / u = mu q 2^j, with q split as q_mant 2^q_exp so that nothing overflows
        q_exp = max(q.bit_length() - 53, 0)
        q_mant = float(q >> q_exp)
        m = np.floor(np.ldexp(mu * q_mant, np.where(ok, j + q_exp, 0)[:, None]))
    ok &= np.isfinite(m).all(axis=1)
    ok &= (m.max(axis=1, initial=0.0) * bmax * width) < 2.0**50
    m = np.where(ok[:, None], m, 0.0)
    res = big_v + np.einsum("bf,bfd->bd", m, g)  # exact: integers below 2^53
    ok &= np.abs(res).max(axis=1) < _FAST_RESIDUAL
    r_int = np.where(ok[:, None], res, 0.0).astype(np.int64)
    sq = (r_int * r_int).sum(axis=1)  # < 16 * 2^58
    root = np.floor(np.sqrt(sq.astype(float))).astype(np.int64)
    for _ in range(3):  # an integer upper bound on sqrt(sq), checked in integers
        root += root * root < sq
    ok &= root * root >= sq
    c = np.where(j < 0, math.isqrt(dim - 1) + 1, 0)  # >= sqrt(D) where V was rounded
    lhs = (root + c) ** 2
    limit = 2**63 - 1

    def threshold(x: Fraction, e: int) -> int:
        """``min(ceil(x q^2 4^e), 2^63 - 1)``: ``x / u^2`` rounded up."""
        num = x.numerator * q * q
        num = num << (2 * e) if e > 0 else num
        den = x.denominator << (-2 * e) if e < 0 else x.denominator
        return min(-((-num) // den), limit)

    if isinstance(bound, Fraction):
        uniq, inverse = np.unique(j, return_inverse=True)
        table = np.array([threshold(bound, int(e)) for e in uniq], dtype=np.int64)
        thresholds = table[inverse.reshape(-1)]
    else:
        thresholds = np.array(
            [threshold(bj, int(e)) for bj, e in zip(bound, j, strict=True)], dtype=np.int64
        )
    out = ok & (lhs < thresholds)
    return out


def certify(
    arrangement: Arrangement,
    dual: Sequence[Any],
    /,
    *,
    iterations: int = 15,
    rounds: int = 4,
    tol: Any = None,
    start: np.ndarray | None = None,
) -> Certificate:
    """Decide exactly whether ``|eta_p| <= 1`` on the sphere, with every maximiser.

    Parameters
    ----------
    arrangement : Arrangement
        The data arrangement (its chambers are enumerated if not yet cached).
    dual : sequence
        ``p``, one exact number per input row (ints, Fractions, strings such as ``"3/7"``).
    iterations : int, optional
        Float gradient steps per pruning round (performance only, never correctness).
    rounds : int, optional
        Pruning rounds before the remaining chambers take the exact path.
    tol : number, optional
        A tolerance ``0 <= tol < 1`` (read exactly): also find every point where ``eta`` or
        ``-eta`` peaks on a closed chamber with ``|eta| >= 1 - tol``
        (:attr:`Certificate.near_maximisers`; :meth:`Certificate.valid_within` tells whether
        ``sup |eta| <= 1 + tol``). The exact verdict is unchanged.
    start : numpy.ndarray, optional
        Float multipliers ``(2r, F)`` to start the pruning from, in the layout of
        :func:`chamber_wall_layout` (for example those of a solver's last pricing of a nearby
        dual vector). Performance only: any non-negative multipliers give valid bounds.

    Returns
    -------
    Certificate
        The exact supremum, the verdict and the maximisers.

    Raises
    ------
    InputError
        If ``dual`` does not have one number per input row.

    Examples
    --------
    Two points on the line, ``p = (1, -1)``: ``eta(a, b) = relu(b) - relu(a + b)`` reaches
    ``-1`` at ``theta = (1, 0)``, on the hyperplane of row 0, and nowhere exceeds 1 in absolute
    value.

    >>> from arrangement import Arrangement
    >>> cert = certify(Arrangement.from_points([[0], [1]]), [1, -1])
    >>> cert.sup_norm_squared, cert.valid
    (Fraction(1, 1), True)
    >>> [(e.sign, e.direction, e.pattern, e.zero_set) for e in cert.extremes]
    [(-1, (1, 0), (1,), (0,))]

    With ``p = (1, 1)`` the maximum ``sqrt(5)`` is inside the chamber where both rows are active:

    >>> cert = certify(Arrangement.from_points([[0], [1]]), [1, 1])
    >>> cert.sup_norm_squared, cert.valid, cert.maximisers[0].direction
    (Fraction(5, 1), False, (1, 2))

    The zero vector certifies nothing:

    >>> certify(Arrangement.from_points([[0], [1]]), [0, 0]).maximisers
    ()

    Notes
    -----
    ``r`` chambers, ``n`` hyperplanes, ``F`` walls per chamber at most: the float stage costs
    ``O(rounds * iterations * r * F * D)``, the exact bounds ``O(r * F * D)`` integer operations,
    and each exact path ``O(F D + D^3)`` rational operations.
    """
    arr = arrangement
    p = dual_vector(arr, dual)
    tolerance = None if tol is None else as_fraction(tol, source="tol")
    if tolerance is not None and not 0 <= tolerance < 1:
        raise InputError(f"the tolerance must satisfy 0 <= tol < 1, got {fraction_str(tolerance)}")
    regions = arr.regions()
    signs = np.asarray(regions.hyperplane_signs)
    block = certify_block(
        arr,
        p,
        signs,
        np.asarray(regions.witnesses),
        iterations=iterations,
        rounds=rounds,
        tolerance=tolerance,
        start=start,
        layout=chamber_wall_layout(arr),
    )
    return reduce_blocks(
        arr,
        p,
        [block],
        chambers_containing(signs),
        tolerance=tolerance,
        projections=block.projections,
    )


@dataclass(frozen=True, slots=True)
class BlockCertificate:
    """What certifying one block of chambers gives, ready for :func:`reduce_blocks`.

    Attributes
    ----------
    best : Fraction
        The largest ``||P_{K_s}(sigma v_s)||^2`` over the block's chambers and both signs
        ``sigma`` (``0`` for an empty block): the block's ``sup |eta|^2``, exactly.
    points : tuple of tuple
        ``(sign, direction, eta^2)`` for every exact peak with a direction whose value is the
        block's ``best``, or (with a tolerance) at least ``(1 - tol)^2``: every point that can
        be reported after the reduction.
    n_exact_chambers : int
        Chambers of the block that took the exact path.
    n_exact_projections : int
        Exact projections computed in the block.
    projections : dict
        ``(chamber, sigma) -> (value_squared, direction)`` of every exact projection, chambers
        numbered within the block.
    """

    best: Fraction
    points: tuple[tuple[int, tuple[int, ...], Fraction], ...]
    n_exact_chambers: int
    n_exact_projections: int
    projections: dict[tuple[int, int], tuple[Fraction, tuple[int, ...] | None]] = field(
        default_factory=dict, repr=False, compare=False
    )


def certify_block(
    arrangement: Arrangement,
    dual: tuple[Fraction, ...],
    signs: np.ndarray,
    witnesses: np.ndarray,
    /,
    *,
    iterations: int = 15,
    rounds: int = 4,
    tolerance: Fraction | None = None,
    cone: int = 0,
    start: np.ndarray | None = None,
    layout: tuple[np.ndarray, np.ndarray] | None = None,
) -> BlockCertificate:
    """Certify a block of chambers: each one's exact peaks of ``eta`` and ``-eta``, pruned.

    The body of :func:`certify`, which calls it once with every chamber; a partitioned run
    (:mod:`arrangement.distributed`) calls it once per cone and combines the blocks with
    :func:`reduce_blocks`. The walls of a chamber are found among the chambers of the block
    (:func:`_walls`); for a block that is a cone ``{s : s_h = c_h for h < cone}`` the first
    ``cone`` hyperplanes are added as walls of every chamber (a chamber's neighbour across one
    of them lies in another cone; a spurious wall is a valid inequality, so it changes nothing).

    Parameters
    ----------
    arrangement : Arrangement
    dual : tuple of Fraction
        ``p`` (checked by :func:`dual_vector`).
    signs : numpy.ndarray
        ``int8`` hyperplane sign vectors of the block's chambers, shape ``(r, n)``.
    witnesses : numpy.ndarray
        An integer point inside each chamber, shape ``(r, D)``.
    iterations, rounds, start : optional
        As for :func:`certify` (performance only).
    tolerance : Fraction, optional
        Also keep every peak with ``eta^2 >= (1 - tolerance)^2``.
    cone : int, optional
        The number of leading hyperplanes that bound the block (``0``: all chambers).
    layout : tuple of numpy.ndarray, optional
        The walls of the block's chambers (:func:`_wall_layout`), if already known (then
        ``cone`` is not used).

    Returns
    -------
    BlockCertificate
    """
    arr = arrangement
    p = dual
    floor = None if tolerance is None else (1 - tolerance) ** 2
    r = signs.shape[0]
    dim = arr.dimension
    normals = arr.normal_matrix()
    if layout is None:
        walls = _walls(signs)
        walls[:, :cone] = True
        layout = _wall_layout(signs, walls)
    pr = _problems(arr, p, signs, normals, layout=layout)
    width = pr.wall_idx.shape[1]

    alive = np.flatnonzero((pr.vint != 0).any(axis=1))  # exact: v = 0 projects to 0
    mu_all = np.zeros((2 * r, width))
    try:
        vf = _to_float(pr.vint, pr.q)
        nf = normals.astype(float)
        wit = np.asarray(witnesses, dtype=float).reshape(r, dim)
        with np.errstate(all="ignore"):
            wit /= np.maximum(np.linalg.norm(wit, axis=1), 1e-300)[:, None]
            scale_ok = bool(np.isfinite(vf).all() and np.isfinite(wit).all())
            # Squares and products of the float data must stay finite as well.
            scale_ok = scale_ok and bool(np.isfinite(np.einsum("bd,bd->b", vf, vf)).all())
            scale_ok = scale_ok and bool(np.isfinite(np.einsum("hd,hd->h", nf, nf)).all())
    except OverflowError:
        scale_ok = False
    if not scale_ok:
        # Numbers beyond the float range: no float proposals, every problem takes the exact
        # path (the verdict is the same, only slower).
        vf = nf = wit = np.zeros((0, 0))
        rounds = 0
    elif start is not None and np.shape(start) == mu_all.shape:
        mu_all = np.nan_to_num(np.maximum(np.asarray(start, dtype=float), 0.0), posinf=0.0)

    def rows_of(ids: np.ndarray) -> np.ndarray:
        cham = pr.chamber[ids]
        return pr.wall_sign[cham].astype(float)[:, :, None] * nf[pr.wall_idx[cham]]

    def estimates(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Float (upper, lower) estimates of ``max(0, max <sigma v_s, theta>)^2``."""
        g = rows_of(ids)
        v = vf[ids]
        resid = v + np.einsum("bf,bfd->bd", mu_all[ids], g)
        upper = np.einsum("bd,bd->b", resid, resid)
        # a feasible point: push the residual into the chamber along the interior witness
        w = wit[pr.chamber[ids]]
        gr = np.einsum("bfd,bd->bf", g, resid)
        gw = np.einsum("bfd,bd->bf", g, w)
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(gw > 0, -gr / gw, 0.0)
        t = np.maximum(need.max(axis=1, initial=0.0), 0.0)
        theta = resid + t[:, None] * w
        val = np.einsum("bd,bd->b", v, theta)
        norm = np.einsum("bd,bd->b", theta, theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = np.where((val > 0) & (norm > 0), val * val / norm, 0.0)
        return upper, np.nan_to_num(lower)

    best = Fraction(0)
    results: list[tuple[int, ConeProjection]] = []

    def cut() -> Fraction:
        """Chambers whose exact upper bound is below this hold nothing that is reported."""
        return best if floor is None else min(best, floor)

    def exact_path(k: int) -> None:
        nonlocal best
        c = int(pr.chamber[k])
        real = [f for f in range(width) if pr.wall_sign[c, f] != 0]
        v = [Fraction(int(x), pr.q) for x in pr.vint[k]]
        rows = [
            [int(pr.wall_sign[c, f]) * int(x) for x in normals[pr.wall_idx[c, f]]] for f in real
        ]
        hint = [float(mu_all[k, f]) for f in real] if scale_ok else None
        res = project(v, rows, hint=hint)
        results.append((k, res))
        best = max(best, res.norm_squared)

    # Pruning rounds: float multipliers, the exact value of the most promising problem, then
    # exact bounds for every problem whose float bound is below it. Round -1 takes no gradient
    # step: its bound is ``||v_s||`` itself, which already settles most chambers.
    for rnd in range(-1, rounds) if rounds > 0 else range(0):
        if len(alive) <= 1:
            break
        upper = np.empty(len(alive))
        lower = np.empty(len(alive))
        for lo in range(0, len(alive), _CHUNK):
            ids = alive[lo : lo + _CHUNK]
            if rnd >= 0:
                mu_all[ids] = batch_dual_multipliers(
                    vf[ids], rows_of(ids), iterations=iterations << rnd, start=mu_all[ids]
                )
            upper[lo : lo + _CHUNK], lower[lo : lo + _CHUNK] = estimates(ids)
        pick = int(np.argmax(lower))
        exact_path(int(alive[pick]))
        keep = np.arange(len(alive)) != pick
        alive, upper = alive[keep], upper[keep]
        if cut() > 0:
            cand = np.flatnonzero(upper < _safe_float(cut()) * (1 - 1e-9))
            below = _exact_below(pr, alive[cand], mu_all[alive[cand]], cut())
            keep = np.ones(len(alive), dtype=bool)
            keep[cand[below]] = False
            alive = alive[keep]
        if len(alive) <= 8:
            break

    # The exact path for the rest, most promising first; the bound only rises.
    if len(alive):
        order = alive[np.argsort(-estimates(alive)[0], kind="stable")] if scale_ok else alive
        for k in order:
            k = int(k)
            if cut() > 0 and _exact_below(pr, np.array([k]), mu_all[k : k + 1], cut())[0]:
                continue
            exact_path(k)

    points = tuple(
        (int(pr.sigma[k]), res.direction, res.norm_squared)
        for k, res in results
        if res.direction is not None
        and res.norm_squared > 0
        and (res.norm_squared == best or (floor is not None and res.norm_squared >= floor))
    )
    chambers_exact = {int(pr.chamber[k]) for k, _ in results}
    projections = {
        (int(pr.chamber[k]), int(pr.sigma[k])): (res.norm_squared, res.direction)
        for k, res in results
    }
    return BlockCertificate(best, points, len(chambers_exact), len(results), projections)


def reduce_blocks(
    arrangement: Arrangement,
    dual: tuple[Fraction, ...],
    blocks: Sequence[BlockCertificate],
    chambers_of: Callable[[tuple[int, ...]], tuple[int, ...]],
    /,
    *,
    tolerance: Fraction | None = None,
    projections: dict[tuple[int, int], tuple[Fraction, tuple[int, ...] | None]] | None = None,
) -> Certificate:
    """Combine the blocks of a partition of the chambers into the certificate of all of them.

    ``sup |eta|^2`` is the largest block value; the maximisers are the points that reach it
    (every chamber whose closure holds a maximiser peaks there, so each block that contains
    such a chamber reports the point); near-maximisers likewise. Each point is checked exactly
    against the definition of ``eta``.

    Parameters
    ----------
    arrangement : Arrangement
    dual : tuple of Fraction
    blocks : sequence of BlockCertificate
        One per block; the blocks partition the chambers.
    chambers_of : callable
        ``chambers_of(face)``: the indices of the chambers whose closure holds the relatively
        open face with hyperplane signs ``face`` (:func:`chambers_containing` for a sign array).
    tolerance : Fraction, optional
        The tolerance the blocks were certified with.
    projections : dict, optional
        :attr:`Certificate.projections`, keyed by the indices of ``arrangement.regions()``
        (only a single block that holds every chamber has them).
    """
    arr, p = arrangement, dual
    best = max((b.best for b in blocks), default=Fraction(0))
    found: dict[tuple[int, tuple[int, ...]], Fraction] = {}
    if best > 0:
        for b in blocks:
            for sgn, direction, value in b.points:
                if value == best:
                    found[(sgn, direction)] = best
    maximisers = _points(arr, p, chambers_of, found)
    near: tuple[NearMaximiser, ...] = ()
    if tolerance is not None:
        floor = (1 - tolerance) ** 2
        level = {
            (sgn, direction): value
            for b in blocks
            for sgn, direction, value in b.points
            if value >= floor
        }
        pts = _points(arr, p, chambers_of, level)
        near = tuple(
            sorted(
                (NearMaximiser(e, level[(e.sign, e.direction)]) for e in pts),
                key=lambda m: (-m.value_squared, -m.point.sign, m.point.direction),
            )
        )
    return Certificate(
        arr,
        p,
        best,
        maximisers,
        sum(b.n_exact_chambers for b in blocks),
        sum(b.n_exact_projections for b in blocks),
        tolerance,
        near,
        {} if projections is None else projections,
    )


def chambers_containing(signs: np.ndarray) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
    """``face -> indices of the rows of signs whose closed chamber holds the face``."""

    def of(face: tuple[int, ...]) -> tuple[int, ...]:
        nz = np.flatnonzero(np.asarray(face) != 0)
        key = np.asarray(face, dtype=np.int8)[nz]
        return tuple(int(c) for c in np.flatnonzero((signs[:, nz] == key[None, :]).all(axis=1)))

    return of


_CHUNK = 1 << 13


def near_maximisers(certificate: Certificate, tol: Any) -> tuple[NearMaximiser, ...]:
    """Every point where ``eta`` or ``-eta`` peaks on a closed chamber with ``|eta| >= 1 - tol``.

    On a closed chamber ``eta`` is linear, so it has at most one maximiser and one minimiser
    there (``docs/theory.md``, section 6); these are the ones that reach ``1 - tol`` in absolute
    value, decided exactly and deduplicated (a point on a face shared by several closed chambers
    is listed once). Reuses ``certificate.near_maximisers`` when it was certified with a
    tolerance at least ``tol``; otherwise certifies again with ``tol`` (:func:`certify`, whose
    exact pruning keeps every chamber that can reach the level).

    Parameters
    ----------
    certificate : Certificate
    tol : number
        ``0 <= tol < 1``, read exactly.

    Returns
    -------
    tuple of NearMaximiser
        By decreasing ``eta^2``.

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> cert = certify(Arrangement.from_points([[0], [1]]), [1, -1])
    >>> [(m.point.sign, m.point.direction, m.value_squared) for m in near_maximisers(cert, "1/10")]
    [(-1, (1, 0), Fraction(1, 1))]
    """
    t = as_fraction(tol, source="tol")
    if not 0 <= t < 1:
        raise InputError(f"the tolerance must satisfy 0 <= tol < 1, got {fraction_str(t)}")
    if certificate.tolerance is not None and certificate.tolerance >= t:
        level = (1 - t) ** 2
        return tuple(m for m in certificate.near_maximisers if m.value_squared >= level)
    return certify(certificate.arrangement, certificate.dual, tol=t).near_maximisers


def _safe_float(x: Fraction) -> float:
    """``float(x)``, or infinity when ``x`` is beyond the float range."""
    try:
        return float(x)
    except OverflowError:
        return float("inf") if x > 0 else float("-inf")


def _to_float(a: np.ndarray, q: int = 1) -> np.ndarray:
    """Exact integer array (int64 or object) divided by ``q``, as floats."""
    if a.dtype != object and q < 2**1000:
        return a.astype(float) / float(q)
    flat = [float(Fraction(int(x), q)) for x in a.flat]
    return np.array(flat, dtype=float).reshape(a.shape)


def _problems(
    arr: Arrangement,
    p: tuple[Fraction, ...],
    signs: np.ndarray,
    normals: np.ndarray,
    walls: np.ndarray | None = None,
    layout: tuple[np.ndarray, np.ndarray] | None = None,
) -> _Problems:
    """Exact data of the ``2r`` problems: ``sigma v_s`` over a common denominator, and walls.

    ``walls`` (boolean ``(r, n)``, see :func:`_walls`) defaults to the walls computed from
    ``signs`` themselves; ``layout`` (see :func:`_wall_layout`) replaces both.
    """
    r, n = signs.shape
    dim = arr.dimension
    plus, minus = _hyperplane_coefficients(arr, p)
    q = 1
    for c in plus + minus:
        q = q * c.denominator // math.gcd(q, c.denominator)
    if n:
        aplus = int_array(np.array([int(c * q) for c in plus], dtype=object))
        aminus = int_array(np.array([int(c * q) for c in minus], dtype=object))
        # v_s = sum_h aminus_h n_h + sum over s_h > 0 of (aplus_h - aminus_h) n_h
        base = int_matmul(aminus.astype(object)[None, :], normals.astype(object))
        step = (aplus.astype(object) - aminus.astype(object))[:, None] * normals.astype(object)
        part = mask_matmul(signs > 0, step)
        base = int_array(base)
        if part.dtype != object and base.dtype != object and max_abs(part) + max_abs(base) < 2**62:
            vint = part + base
        else:
            vint = int_array(part.astype(object) + base.astype(object))
    else:
        vint = np.zeros((r, dim), dtype=np.int64)
    if layout is None:
        layout = _wall_layout(signs, _walls(signs) if walls is None else walls)
    order, wall_sign = layout
    both = np.concatenate([np.arange(r), np.arange(r)])
    sigma = np.concatenate([np.ones(r, dtype=np.int64), -np.ones(r, dtype=np.int64)])
    return _Problems(both, sigma, np.concatenate([vint, -vint]), q, order, wall_sign, normals)


def _points(
    arr: Arrangement,
    p: tuple[Fraction, ...],
    chambers_of: Callable[[tuple[int, ...]], tuple[int, ...]],
    found: dict[tuple[int, tuple[int, ...]], Fraction],
) -> tuple[ExtremePoint, ...]:
    """The points ``(sign, direction) -> eta^2`` with their faces, each checked exactly."""
    out = []
    for sgn, direction in sorted(found, key=lambda t: (-t[0], t[1])):
        # independent exact check against the definition of eta
        value = eta(arr, p, direction)
        norm_sq = sum(x * x for x in direction)
        if sign(value) != sgn or value * value != found[(sgn, direction)] * norm_sq:
            raise SolverError(f"internal check failed for the maximiser {direction}")
        face = arr.hyperplane_signs_of(direction)
        row_signs = arr.signs_of(direction)
        out.append(
            ExtremePoint(
                sign=sgn,
                direction=direction,
                hyperplane_signs=face,
                signs=row_signs,
                pattern=tuple(i for i, s in enumerate(row_signs) if s > 0),
                interior=all(s != 0 for s in face),
                zero_set=tuple(i for i, s in enumerate(row_signs) if s == 0),
                chambers=chambers_of(face),
            )
        )
    return tuple(out)
