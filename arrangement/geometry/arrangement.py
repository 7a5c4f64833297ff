"""The :class:`Arrangement` value object: a data set's central hyperplane arrangement.

A data set ``x_1..x_N`` in ``Q^d`` gives the augmented points ``xt_i = (x_i, 1)`` in ``Q^D``,
``D = d + 1``, and the central hyperplanes ``H_i = {theta : <theta, xt_i> = 0}``. Repeated points
give the same hyperplane; the arrangement stores each distinct hyperplane once, as a primitive
integer normal, and keeps the map from input rows to hyperplanes so that every result can be
reported in the user's row indices.

The algorithms live in their own modules (:mod:`arrangement.geometry.enumeration`,
:mod:`arrangement.geometry.lattice`, :mod:`arrangement.geometry.faces`,
:mod:`arrangement.geometry.graph`); the methods
here are thin, cached entry points to them.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import ArrangementError, InputError
from arrangement.core.linalg import int_array, primitive, rank, sign
from arrangement.core.numbers import as_fraction, as_matrix

if TYPE_CHECKING:
    import networkx as nx
    import sympy

    from arrangement.geometry.faces import Face
    from arrangement.geometry.lattice import Flat
    from arrangement.geometry.regions import Regions

__all__ = ["Arrangement"]


@dataclass(frozen=True, eq=False)
class Arrangement:
    """Central hyperplane arrangement of a data set, with exact primitive integer normals.

    Build it with :meth:`from_points` (data) or :meth:`from_normals` (any central arrangement).

    Attributes
    ----------
    points : tuple of tuple of Fraction
        The input rows, exactly as read (``N x d``; for :meth:`from_normals`, the normals).
    augmented : tuple of tuple of Fraction
        The vectors ``xt_i`` defining the hyperplanes, one per input row (``N x D``).
    normals : tuple of tuple of int
        The ``n`` distinct hyperplanes as primitive integer normals with first non-zero entry
        positive, in order of first appearance in the input.
    row_to_hyperplane : tuple of int
        For each input row, the index of its hyperplane in ``normals``.
    row_orientation : tuple of int
        For each input row, +1 if ``xt_i`` is a positive multiple of its normal, else -1; so
        ``sign <theta, xt_i> = row_orientation[i] * sign <theta, normals[row_to_hyperplane[i]]>``.
    dimension : int
        ``D``, the dimension of weight space (``d + 1`` for data).
    feature_names : tuple of str or None
        Names of the ``d`` features (the columns of a DataFrame or a file header), if known.
    row_names : tuple of str or None
        Names of the ``N`` rows (the index of a DataFrame that is not ``0..N-1``), if known.

    Examples
    --------
    >>> arr = Arrangement.from_points([[0], [1], [1], ["1/2"]])
    >>> arr.n_points, arr.n_hyperplanes, arr.dimension
    (4, 3, 2)
    >>> arr.row_to_hyperplane
    (0, 1, 1, 2)
    >>> arr.n_regions
    6
    """

    points: tuple[tuple[Fraction, ...], ...]
    augmented: tuple[tuple[Fraction, ...], ...]
    normals: tuple[tuple[int, ...], ...]
    row_to_hyperplane: tuple[int, ...]
    row_orientation: tuple[int, ...]
    dimension: int
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    feature_names: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    row_names: tuple[str, ...] | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_points(
        cls,
        rows: Any,
        /,
        *,
        dim: int | None = None,
        features: Sequence[str] | None = None,
        feature_names: Sequence[str] | None = None,
        row_names: Sequence[str] | None = None,
    ) -> Arrangement:
        """Arrangement of the hyperplanes ``<theta, (x_i, 1)> = 0`` of data points.

        Parameters
        ----------
        rows : array_like or pandas.DataFrame
            ``N x d`` data: numpy array, nested sequences of ints, Fractions, floats (read as
            their shortest decimal) or strings such as ``"0.1"`` and ``"3/7"``; or a DataFrame
            whose columns (all of them, or those named in ``features``) are numeric: their
            names become :attr:`feature_names` (see :func:`arrangement.core.io.load_frame`).
        dim : int, optional
            The data dimension ``d``; required only when there are no rows.
        features : sequence of str, optional
            With a DataFrame: the feature columns, in this order.
        feature_names, row_names : sequence of str, optional
            Names of the features and of the rows, for labels and tables (``to_pandas``).

        Raises
        ------
        InputError
            Ragged or non-numeric rows (for a DataFrame, one error naming every non-numeric
            column), NaN/inf, or a ``dim`` that does not match.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"alcohol": [0.5, -1.25], "proline": [2, 0]})
        >>> arr = Arrangement.from_points(df)
        >>> arr.feature_names, arr.points[0]
        (('alcohol', 'proline'), (Fraction(1, 2), Fraction(2, 1)))
        """
        if _is_frame(rows):
            from arrangement.core.io import load_frame

            ds = load_frame(
                rows, features=None if features is None else list(features), no_label=True
            )
            rows, dim = ds.points, ds.n_features
            feature_names = feature_names or ds.feature_names
            row_names = row_names or ds.row_names
        elif features is not None:
            raise InputError("features=... selects columns of a pandas DataFrame only")
        pts, d = _as_rows(rows, dim)
        aug = tuple(tuple(r) + (Fraction(1),) for r in pts)
        arr = cls._build(pts, aug, d + 1)
        names = _names(feature_names, d, "feature_names")
        rnames = _names(row_names, len(pts), "row_names")
        if names is None and rnames is None:
            return arr
        return cls(
            arr.points,
            arr.augmented,
            arr.normals,
            arr.row_to_hyperplane,
            arr.row_orientation,
            arr.dimension,
            {},
            names,
            rnames,
        )

    @classmethod
    def from_normals(cls, normals: Any, /, *, dim: int | None = None) -> Arrangement:
        """Arrangement of the central hyperplanes ``<theta, a_i> = 0`` for given normals.

        Parameters
        ----------
        normals : array_like
            ``N x D`` rational normals, none of them zero.
        dim : int, optional
            ``D``; required only when there are no normals.
        """
        rows, d = _as_rows(normals, dim)
        for i, r in enumerate(rows):
            if not any(r):
                raise InputError("the zero vector is not the normal of a hyperplane", row=i)
        return cls._build(rows, rows, d)

    @classmethod
    def _build(
        cls,
        pts: tuple[tuple[Fraction, ...], ...],
        aug: tuple[tuple[Fraction, ...], ...],
        dim: int,
    ) -> Arrangement:
        if dim < 1:
            raise InputError("weight space must have dimension at least 1")
        seen: dict[tuple[int, ...], int] = {}
        normals: list[tuple[int, ...]] = []
        where: list[int] = []
        orient: list[int] = []
        for row in aug:
            prim = primitive(row)
            lead = next(x for x in prim if x != 0)
            o = 1 if lead > 0 else -1
            canon = prim if o > 0 else tuple(-x for x in prim)
            h = seen.get(canon)
            if h is None:
                h = seen[canon] = len(normals)
                normals.append(canon)
            where.append(h)
            orient.append(o)
        return cls(pts, aug, tuple(normals), tuple(where), tuple(orient), dim)

    # ------------------------------------------------------------------ sizes
    @property
    def n_points(self) -> int:
        """``N``, the number of input rows."""
        return len(self.augmented)

    @property
    def n_hyperplanes(self) -> int:
        """``n``, the number of distinct hyperplanes."""
        return len(self.normals)

    @property
    def rank(self) -> int:
        """Exact rank of the normals: ``D`` minus the dimension of the lineality space."""
        return self._cached("rank", lambda: rank(self.normals))

    def normal_matrix(self) -> np.ndarray:
        """The normals as an exact integer array ``(n, D)`` (read-only)."""

        def build() -> np.ndarray:
            m = int_array(self.normals) if self.normals else np.zeros((0, self.dimension), int)
            m.setflags(write=False)
            return m

        return self._cached("normal_matrix", build)

    @property
    def weight_names(self) -> tuple[str, ...]:
        """Names of the ``D`` weight coordinates, for tables: ``w_<feature>`` and ``w_bias``.

        Without feature names: ``w0 .. w{D-1}`` (the columns of ``arrangement regions --format
        csv``).
        """
        if self.feature_names is None:
            return tuple(f"w{j}" for j in range(self.dimension))
        return tuple(f"w_{name}" for name in self.feature_names) + ("w_bias",)

    @property
    def row_labels(self) -> tuple[str, ...]:
        """Names of the ``N`` input rows, for tables: :attr:`row_names`, or ``r0 .. r{N-1}``."""
        if self.row_names is not None:
            return self.row_names
        return tuple(f"r{i}" for i in range(self.n_points))

    def rows_on(self, hyperplane: int) -> tuple[int, ...]:
        """The input rows whose hyperplane is ``hyperplane``."""
        return tuple(i for i, h in enumerate(self.row_to_hyperplane) if h == hyperplane)

    # ------------------------------------------------------------------ chambers
    def regions(
        self,
        *,
        progress: Callable[[int, int], None] | None = None,
        total: int | None = None,
    ) -> Regions:
        """All chambers, each with an exact interior witness (computed once, then cached).

        Parameters
        ----------
        progress : callable, optional
            ``progress(found, total)`` is called as hyperplanes are inserted, with the number of
            chambers found so far.
        total : int, optional
            The ``total`` for ``progress`` (e.g. from
            :func:`arrangement.geometry.size.estimate_chambers`; default: Cover's upper bound).

        Notes
        -----
        Output-sensitive and LP-free; see
        :func:`arrangement.geometry.enumeration.enumerate_chambers`
        (``O(n D^2 r)`` integer operations for ``r`` chambers). To stream chambers in bounded
        memory, use :func:`arrangement.geometry.stream.iter_regions`.
        """
        from arrangement.geometry.enumeration import enumerate_chambers
        from arrangement.geometry.regions import Regions

        def build() -> Regions:
            signs, wits = enumerate_chambers(
                self.normal_matrix(), self.dimension, progress=progress, total=total
            )
            return Regions(
                signs,
                wits,
                self.row_to_hyperplane,
                self.row_orientation,
                row_names=self.row_labels,
                weight_names=self.weight_names,
            )

        regions: Regions = self._cached("regions", build)
        counted = self._cache.get("n_regions")
        if counted is not None and counted != len(regions):
            raise ArrangementError(
                f"internal check failed: {len(regions)} chambers, {counted} counted by cones"
            )
        return regions

    @property
    def n_regions(self) -> int:
        """The number of chambers ``r``.

        From the enumeration, or, when the chambers are not held, from a partitioned count
        recorded by :meth:`record_region_count` (no enumeration then).
        """
        if "regions" not in self._cache and "n_regions" in self._cache:
            return int(self._cache["n_regions"])
        return len(self.regions())

    def record_region_count(self, count: int) -> None:
        """Record the number of chambers counted elsewhere (cone by cone, on many workers).

        :attr:`n_regions` then answers without enumerating; if the chambers are enumerated
        later, the two counts must agree.

        Raises
        ------
        ArrangementError
            If the chambers are held and their number differs (a bug, never the data).
        """
        held = self._cache.get("regions")
        if held is not None and len(held) != count:
            raise ArrangementError(f"internal check failed: {count} != {len(held)} chambers")
        self._cache["n_regions"] = int(count)

    def hyperplane_signs_of(self, theta: Sequence[Any]) -> tuple[int, ...]:
        """Sign vector per hyperplane (entries -1, 0, +1) of the face containing ``theta``.

        Examples
        --------
        >>> Arrangement.from_points([[0], [1]]).hyperplane_signs_of([1, "-1/2"])
        (-1, 1)
        """
        th = [as_fraction(x) for x in theta]
        if len(th) != self.dimension:
            raise InputError(f"theta has length {len(th)}, expected D = {self.dimension}")
        return tuple(
            sign(sum((a * t for a, t in zip(n, th, strict=True)), Fraction(0)))
            for n in self.normals
        )

    def signs_of(self, theta: Sequence[Any]) -> tuple[int, ...]:
        """Sign of ``<theta, xt_i>`` for every input row ``i``."""
        s = self.hyperplane_signs_of(theta)
        pairs = zip(self.row_to_hyperplane, self.row_orientation, strict=True)
        return tuple(o * s[h] for h, o in pairs)

    # ------------------------------------------------------------------ lattice, faces, graph
    def flats(self) -> list[Flat]:
        """The intersection lattice: every flat with its rank and Möbius value."""
        from arrangement.geometry.lattice import flats

        return flats(self)

    def characteristic_polynomial(self) -> sympy.Poly:
        """Characteristic polynomial ``chi(t) = sum_X mu(X) t^dim(X)`` in dimension ``D``."""
        from arrangement.geometry.lattice import characteristic_polynomial

        return characteristic_polynomial(self)

    def is_general_position(self) -> bool:
        """Whether the input rows are distinct and every ``D`` of them are independent."""
        from arrangement.geometry.lattice import is_general_position

        return is_general_position(self)

    def f_vector(self) -> tuple[int, ...]:
        """Number of faces of each dimension ``0..D`` (cones in ``R^D``)."""
        from arrangement.geometry.faces import f_vector

        return f_vector(self)

    def faces(self, dim: int | None = None) -> list[Face]:
        """All faces (or those of dimension ``dim``) with relative-interior witnesses."""
        from arrangement.geometry.faces import faces

        return faces(self, dim=dim)

    def adjacency_graph(self) -> nx.Graph:
        """The chamber graph: chambers joined when they share a wall."""
        from arrangement.geometry.graph import adjacency_graph

        return adjacency_graph(self)

    # ------------------------------------------------------------------ internals
    def _cached(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Arrangement):
            return NotImplemented
        return self.augmented == other.augmented and self.dimension == other.dimension

    def __hash__(self) -> int:
        return hash((self.augmented, self.dimension))

    def __repr__(self) -> str:
        return (
            f"<Arrangement: N={self.n_points} rows, n={self.n_hyperplanes} hyperplanes "
            f"in dimension D={self.dimension}>"
        )


def _is_frame(obj: Any) -> bool:
    """Whether ``obj`` is a pandas DataFrame (without importing pandas when it is not loaded)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, pd.DataFrame)


def _names(names: Sequence[str] | None, length: int, what: str) -> tuple[str, ...] | None:
    if names is None:
        return None
    out = tuple(str(x) for x in names)
    if len(out) != length:
        raise InputError(f"{what} has {len(out)} entries, expected {length}")
    if len(set(out)) != len(out):
        raise InputError(f"{what} are not distinct")
    return out


def _as_rows(rows: Any, dim: int | None) -> tuple[tuple[tuple[Fraction, ...], ...], int]:
    """Exact rows and their width, checking the width against ``dim`` when both are given."""
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, numbers.Integral)):
        raise InputError(f"dim must be an integer, got {dim!r} ({type(dim).__name__})")
    mat = as_matrix(rows)
    if not mat:
        shape = getattr(rows, "shape", None)
        if dim is None and shape is not None and len(shape) == 2:
            dim = int(shape[1])
        if dim is None:
            raise InputError("no rows and no dimension given (pass dim=...)")
        if dim < 0:
            raise InputError(f"dimension must be non-negative, got {dim}")
        return (), int(dim)
    width = len(mat[0])
    if dim is not None and width != dim:
        raise InputError(f"rows have {width} columns, expected {dim}")
    return tuple(tuple(r) for r in mat), width
