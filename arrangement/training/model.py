"""The conic model of the exact finite reformulation, primal and dual, as sparse matrices.

See :mod:`arrangement.training.solve` for the model itself; this module only builds matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "CscMatrix",
    "Model",
    "csc_from_triplets",
    "build_model",
    "restrict",
    "dual_matrices",
    "primal_matrices",
]


@dataclass(frozen=True, slots=True)
class Model:
    """The data of the reformulation shared by the primal and the dual conic programs.

    The facet inequalities of all used chambers are stored as one list of entries ``e``:
    chamber ``facet_chamber[e]`` (position in ``chambers``) has the facet row ``facet_rows[e]``
    (``s_h n_h / ||n_h||`` in the basis), so ``K_s = {B c : facet_rows[e] . c >= 0}``.
    """

    basis: np.ndarray  # (D, m) orthonormal basis of span{xt_i}
    xb: np.ndarray  # (N, m) rows xt_i expressed in the basis
    chambers: np.ndarray  # (c,) chamber indices with at least one active row
    active: np.ndarray  # (c, N) bool, row_sign == +1
    facet_chamber: np.ndarray  # (E,) position in `chambers` of each facet entry
    facet_rows: np.ndarray  # (E, m) signed unit facet normals in the basis
    n_regions: int

    @property
    def m(self) -> int:
        """Dimension of the span ``L`` of the augmented data (columns of the basis)."""
        return int(self.basis.shape[1])


@dataclass(frozen=True, slots=True)
class CscMatrix:
    """A compressed-sparse-column matrix with the attributes Clarabel reads.

    Clarabel's Python interface takes any object with scipy's CSC attributes (``shape``,
    ``indptr``, ``indices``, ``data``, ``nnz`` and the canonical-format flags); this one is built
    with numpy alone (:func:`csc_from_triplets`), so a solve does not pay for importing
    ``scipy.sparse`` (about 0.25 s). ``tests/test_training.py`` checks it against scipy's.
    """

    shape: tuple[int, int]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    has_canonical_format: bool = True
    has_sorted_indices: bool = True

    @property
    def nnz(self) -> int:
        """Number of stored entries."""
        return int(len(self.data))

    def toarray(self) -> np.ndarray:
        """The dense matrix (for tests and small checks)."""
        out = np.zeros(self.shape)
        cols = np.repeat(np.arange(self.shape[1]), np.diff(self.indptr))
        np.add.at(out, (self.indices, cols), self.data)
        return out


def csc_from_triplets(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]
) -> CscMatrix:
    """The CSC matrix with entries ``vals`` at ``(rows, cols)``, repeated positions summed.

    Like ``scipy.sparse.csc_matrix((vals, (rows, cols)), shape)``: row indices sorted within each
    column, duplicates summed, explicit zeros kept.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    vals = np.asarray(vals, dtype=float)
    order = np.lexsort((rows, cols))
    rows, cols, vals = rows[order], cols[order], vals[order]
    if len(vals):
        key = cols * max(shape[0], 1) + rows
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        vals = np.add.reduceat(vals, first)
        rows, cols = rows[first], cols[first]
    indptr = np.zeros(shape[1] + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=shape[1]), out=indptr[1:])
    return CscMatrix((int(shape[0]), int(shape[1])), indptr, rows, vals)


def build_model(arr: Arrangement) -> Model:
    """Chambers, facets and the lineality basis of the reformulation (cached on ``arr``)."""

    def build() -> Model:
        # the hashed wall test of the certificate code: one vectorised pass, no per-hyperplane
        # sort; a hash collision could only add a redundant (valid) facet row, never drop one
        from arrangement.certificates.certificate import chamber_walls

        reg = arr.regions()
        signs = reg.hyperplane_signs
        row_signs = reg.signs
        x = np.array([[float(v) for v in row] for row in arr.augmented], dtype=float)
        dim, rk = arr.dimension, arr.rank
        if rk == dim:
            basis = np.eye(dim)
        else:
            _, _, vt = np.linalg.svd(x, full_matrices=True)
            basis = vt[:rk].T.copy()
        xb = x @ basis
        from arrangement.core.linalg import unit_vector

        # primitive normals can have hundreds of digits: scaled, never float(huge int)
        normals = np.array([unit_vector(nrm) for nrm in arr.normals], dtype=float)
        normals = normals.reshape(len(arr.normals), arr.dimension)
        nb = normals @ basis
        r, n = signs.shape
        facet = chamber_walls(arr) if r > 1 else np.zeros((r, n), dtype=bool)
        active_all = row_signs > 0
        used = np.flatnonzero(active_all.any(axis=1))
        jj, hh = np.nonzero(facet[used])
        rows = signs[used[jj], hh].astype(float)[:, None] * nb[hh]
        return Model(basis, xb, used, active_all[used], jj, rows, r)

    return arr._cached("solver_model", build)


def restrict(model: Model, positions: np.ndarray) -> Model:
    """The model over a subset of its chambers (``positions`` into ``model.chambers``, sorted).

    Facet entries are stored sorted by chamber, so the restriction is a selection and a
    renumbering; the restricted conic program is the working-set problem of
    :mod:`arrangement.training.working_set`.
    """
    pos = np.asarray(positions, dtype=np.int64)
    new_index = np.full(len(model.chambers), -1, dtype=np.int64)
    new_index[pos] = np.arange(len(pos))
    keep = new_index[model.facet_chamber] >= 0
    return Model(
        model.basis,
        model.xb,
        model.chambers[pos],
        model.active[pos],
        new_index[model.facet_chamber[keep]],
        model.facet_rows[keep],
        model.n_regions,
    )


def _block_layout(model: Model, offset: int) -> np.ndarray:
    """Column of ``t_k`` for every block ``k`` (``c_k`` follows it)."""
    n_blocks = 2 * len(model.chambers)
    return offset + (model.m + 1) * np.arange(n_blocks)


def primal_matrices(
    model: Model, y: np.ndarray, lam: float | None
) -> tuple[CscMatrix, np.ndarray, CscMatrix, np.ndarray, list[Any], int]:
    """Clarabel data ``(P, q, A, b, cones, offset)`` of the reformulated ``P_lam`` / ``P_0``."""
    import clarabel

    n_rows = y.shape[0]
    m = model.m
    c = len(model.chambers)
    n_blocks = 2 * c
    offset = n_rows if lam is not None else 0
    n_var = offset + n_blocks * (m + 1)
    tcol = _block_layout(model, offset)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    # equality rows: (z) - sum_k sigma_k D_s X B c_k = -y   or   sum_k sigma_k D_s X B c_k = y
    jj, ii = np.nonzero(model.active)  # used chamber j, row i
    for sigma, parity in ((1.0, 0), (-1.0, 1)):
        blk = 2 * jj + parity
        base = tcol[blk] + 1
        coef = sigma if lam is None else -sigma
        rows.append(np.repeat(ii, m))
        cols.append((base[:, None] + np.arange(m)[None, :]).ravel())
        vals.append((coef * model.xb[ii]).ravel())
    if lam is not None:
        rows.append(np.arange(n_rows))
        cols.append(np.arange(n_rows))
        vals.append(np.ones(n_rows))
    b_eq = -y if lam is not None else y.copy()
    row = n_rows

    # facet rows: -G_s B c_k + s = 0, s >= 0 (one row per facet entry and block sign)
    n_facets = len(model.facet_chamber)
    for parity in (0, 1):
        base = tcol[2 * model.facet_chamber + parity] + 1
        rows.append(np.repeat(row + np.arange(n_facets), m))
        cols.append((base[:, None] + np.arange(m)[None, :]).ravel())
        vals.append((-model.facet_rows).ravel())
        row += n_facets
    n_nonneg = 2 * n_facets

    # second-order cones: -(t_k, c_k) + s = 0, s in SOC
    soc_rows = row + np.arange(n_blocks * (m + 1))
    soc_cols = (tcol[:, None] + np.arange(m + 1)[None, :]).ravel()
    rows.append(soc_rows)
    cols.append(soc_cols)
    vals.append(-np.ones(soc_rows.size))
    row += soc_rows.size

    a = csc_from_triplets(
        np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), (row, n_var)
    )
    b = np.concatenate([b_eq, np.zeros(row - n_rows)])
    q = np.zeros(n_var)
    if lam is not None:
        q[tcol] = lam
        diag = np.arange(n_rows)
        p = csc_from_triplets(diag, diag, np.ones(n_rows), (n_var, n_var))
    else:
        q[tcol] = 1.0
        empty = np.zeros(0, dtype=np.int64)
        p = csc_from_triplets(empty, empty, np.zeros(0), (n_var, n_var))
    cones: list[Any] = [clarabel.ZeroConeT(n_rows)]
    if n_nonneg:
        cones.append(clarabel.NonnegativeConeT(n_nonneg))
    cones.extend(clarabel.SecondOrderConeT(m + 1) for _ in range(n_blocks))
    return p, q, a, b, cones, offset


def dual_matrices(
    model: Model,
    y: np.ndarray,
    level: float,
    equalities: np.ndarray | None = None,
    rhs: np.ndarray | None = None,
) -> tuple[sp.csc_matrix, np.ndarray, sp.csc_matrix, np.ndarray, list[Any]]:
    """Clarabel data of ``min 1/2||p||^2`` over dual-feasible ``p`` with ``<p, y> >= level``.

    Optional linear equalities ``equalities @ p = rhs`` (zero cone) come first.

    Per block ``k`` (chamber ``s``, sign ``sigma``): ``(1, sigma M_s^T p + (G_s B)^T mu_k)`` in
    the second-order cone with ``mu_k >= 0``, where ``M_s = D_s X B``. This says
    ``dist(sigma v_s, K_s°) = ||P_{K_s}(sigma v_s)|| <= 1``, i.e. ``sigma eta_p <= 1`` on the
    closed chamber (Moreau; ``K_s° = {-G_s^T mu : mu >= 0}``).
    """
    import clarabel
    import scipy.sparse as sp

    n_rows = y.shape[0]
    m = model.m
    c = len(model.chambers)
    n_facets = len(model.facet_chamber)
    n_mu = 2 * n_facets  # mu of facet entry e and block sign parity: n_rows + parity E + e
    n_var = n_rows + n_mu
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    # non-negative cone: level row, then mu >= 0
    rows.append(np.zeros(n_rows, dtype=np.int64))
    cols.append(np.arange(n_rows))
    vals.append(-y)
    rows.append(1 + np.arange(n_mu))
    cols.append(n_rows + np.arange(n_mu))
    vals.append(-np.ones(n_mu))
    soc0 = 1 + n_mu
    # second-order cones, block k occupies rows soc0 + k (m + 1) .. + m
    jj, ii = np.nonzero(model.active)
    for sigma, parity in ((1.0, 0), (-1.0, 1)):
        blk = 2 * jj + parity
        first = soc0 + blk * (m + 1) + 1
        rows.append((first[:, None] + np.arange(m)[None, :]).ravel())
        cols.append(np.repeat(ii, m))
        vals.append((-sigma * model.xb[ii]).ravel())
        blk = 2 * model.facet_chamber + parity
        first = soc0 + blk * (m + 1) + 1
        rows.append((first[:, None] + np.arange(m)[None, :]).ravel())
        cols.append(np.repeat(n_rows + parity * n_facets + np.arange(n_facets), m))
        vals.append((-model.facet_rows).ravel())
    n_con = soc0 + 2 * c * (m + 1)
    a = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_con, n_var),
    )
    b = np.zeros(n_con)
    b[0] = -level
    b[soc0 + (m + 1) * np.arange(2 * c)] = 1.0
    p = sp.csc_matrix(
        (np.ones(n_rows), (np.arange(n_rows), np.arange(n_rows))), shape=(n_var, n_var)
    )
    cones: list[Any] = [clarabel.NonnegativeConeT(1 + n_mu)]
    cones.extend(clarabel.SecondOrderConeT(m + 1) for _ in range(2 * c))
    if equalities is not None and rhs is not None and len(rhs):
        k = len(rhs)
        eq = sp.csc_matrix(np.hstack([equalities, np.zeros((k, n_mu))]), shape=(k, n_var))
        a = sp.vstack([eq, a], format="csc")
        b = np.concatenate([rhs, b])
        cones.insert(0, clarabel.ZeroConeT(k))
    return p, np.zeros(n_var), a, b, cones
