"""Column generation over the chambers, stopped only by the exact certificate.

The reformulation of :mod:`arrangement.training.solve` has one pair of cone blocks per chamber,
and at an optimum almost all of them are zero. The working-set method solves the problem
restricted to a few chambers ``W``, prices every chamber with the dual vector
``p = (y - K mu)/lam`` of the restricted solution, adds the most violating chambers, and
repeats:

* the price of chamber ``s`` is ``max(||P_{K_s}(v_s)||, ||P_{K_s}(-v_s)||)``, the maximum of
  ``|eta_p|`` over the closed chamber on the sphere (``v_s = X^T D_s p``); a price above ``1``
  means a block whose column improves the objective (its reduced cost is negative);
* floats choose which chambers to add (:class:`Pricer`: ``||v_s||`` bounds the price from above,
  a vector inside its cone has price ``||v_s||``, the rest get accelerated projected gradient);
  only the top ``k`` most violating chambers enter per round, so ``W`` stays small; the cheap
  pass estimates chambers by decreasing ``||v_s||`` until ``k`` violations are found;
* a chamber without mass in the restricted optimum and clearly slack in the dual leaves ``W``
  (the restricted optimum stays optimal without it); it may leave only once, so the loop
  still ends;
* the loop stops only on the EXACT certificate of the rounded dual over ALL chambers
  (:func:`arrangement.training.analysis.certify_dual`): it gives an exact lower bound on the
  optimal value, and the solution is called optimal only when the certified relative gap is
  within the tolerance. A chamber that the exact check finds violated goes back into the loop.

``docs/theory.md`` ("Column generation priced by the exact certificate") has the proof that this
is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.training.model import Model

__all__ = [
    "Pricer",
    "Round",
    "feasible_chambers",
    "pricer",
]


@dataclass(frozen=True, slots=True)
class Round:
    """One round of the working-set loop.

    Attributes
    ----------
    index : int
        Round number (1-based).
    working_set : int
        Chambers in the restricted problem of this round.
    added : int
        Chambers added after this round (0 in the last round).
    max_price : float
        Float estimate of ``sup |eta_p|`` over all chambers for this round's dual vector.
    gap : float or None
        Certified relative gap when the exact certificate was run in this round.
    exact : bool
        Whether the exact certificate (over all chambers) was run in this round.
    seconds : float
        Wall-clock seconds of the round.
    """

    index: int
    working_set: int
    added: int
    max_price: float
    gap: float | None
    exact: bool
    seconds: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {
            "round": self.index,
            "working_set": self.working_set,
            "added": self.added,
            "max_price": self.max_price,
            "gap": self.gap,
            "exact": self.exact,
            "seconds": self.seconds,
        }


class Pricer:
    """Float prices of every chamber for a dual vector (data computed once per arrangement).

    Parameters
    ----------
    arr : Arrangement
        The arrangement (for the chambers' interior witnesses).
    model : Model
        The full model (all chambers with an active row).

    Notes
    -----
    Memory ``O(c F)`` for ``c`` chambers with at most ``F`` facets (indices only); a pricing
    costs ``O(c N m)`` for the vectors ``v_s`` plus ``O(iterations b F m)`` for the ``b``
    chambers whose vector leaves its cone and whose norm exceeds the threshold.
    """

    def __init__(self, arr: Arrangement, model: Model) -> None:
        self.model = model
        c = len(model.chambers)
        counts = np.bincount(model.facet_chamber, minlength=c)
        width = int(counts.max()) if c and counts.size else 0
        start = np.concatenate([[0], np.cumsum(counts)[:-1]]) if c else np.zeros(0, np.int64)
        pad = len(model.facet_rows)  # index of an all-zero padding row
        idx = np.full((c, max(width, 1)), pad, dtype=np.int64)
        if len(model.facet_chamber):
            offs = np.arange(len(model.facet_chamber)) - start[model.facet_chamber]
            idx[model.facet_chamber, offs] = np.arange(len(model.facet_chamber))
        self._idx = idx
        self._rows = np.vstack([model.facet_rows, np.zeros((1, model.m))])
        # v_s for every chamber is accumulated along a spanning tree of the chamber graph
        # (crossing hyperplane h changes v_s by +-sum of o_i p_i xt_i over the rows on h);
        # the (c, N) activity product is the fallback when the tree misses a chamber
        from arrangement.certificates.certificate import chamber_tree

        order, parent, hyper, levels = chamber_tree(arr)
        self._tree: tuple[np.ndarray, ...] | None = None
        if len(order) == model.n_regions and model.n_regions:
            signs = arr.regions().hyperplane_signs
            child = order[1:]
            step = np.zeros(model.n_regions)
            step[child] = signs[child, hyper[child]]
            root_active = np.asarray(arr.regions().signs[order[0]] > 0, dtype=float)
            self._tree = (order, parent, hyper, levels, step, root_active)
        self._row_h = np.asarray(arr.row_to_hyperplane, dtype=np.intp)
        self._orient = np.asarray(arr.row_orientation, dtype=float)
        self._n_hyperplanes = arr.n_hyperplanes
        # multipliers of the last pricing, per sign: a warm start for the next one (the dual
        # vector moves little between rounds)
        self._mu = np.zeros((2, c, idx.shape[1]))
        regions = arr.regions()
        wit = np.asarray(regions.witnesses, dtype=float)[model.chambers] @ model.basis
        wit /= np.maximum(np.linalg.norm(wit, axis=1), 1e-300)[:, None]
        self._witness = wit
        self._step = np.full(c, np.nan)  # 1 / ||G_s G_s^T||, computed on first use

    def certificate_start(self, arr: Arrangement) -> np.ndarray | None:
        """The last pricing's multipliers as the ``start`` of the exact certificate.

        The facets of the model are the walls of
        :func:`arrangement.certificates.certificate.chamber_wall_layout` in the same order
        (both come from ``chamber_walls``, walls in increasing hyperplane order); the model's
        rows are unit normals, the certificate's primitive integer normals, so each multiplier
        is divided by the normal's length. ``None`` when the model works in a proper subspace
        (low-rank data): then the certificate starts from zero.
        """
        from arrangement.certificates.certificate import chamber_wall_layout

        model = self.model
        dim = arr.dimension
        if model.m != dim or not np.array_equal(model.basis, np.eye(dim)):
            return None
        wall_idx, _ = chamber_wall_layout(arr)
        r = model.n_regions
        width = wall_idx.shape[1]
        if self._mu.shape[2] < width or len(model.chambers) == 0:
            return None
        try:
            with np.errstate(all="ignore"):
                lengths = np.linalg.norm(arr.normal_matrix().astype(float), axis=1)
        except OverflowError:  # normals beyond the float range: start from zero
            return None
        with np.errstate(all="ignore"):
            inverse = np.where(np.isfinite(lengths) & (lengths > 0), 1.0 / lengths, 0.0)
        scale = inverse[wall_idx[model.chambers]]  # (c, width)
        start = np.zeros((2 * r, width))
        # the pricer minimises ||sigma v_s - G^T mu|| (the price of -sigma * eta), the
        # certificate ||sigma v_s + G^T mu||: the signs trade places
        start[model.chambers] = self._mu[1, :, :width] * scale
        start[r + model.chambers] = self._mu[0, :, :width] * scale
        return start

    def vectors(self, p: np.ndarray) -> np.ndarray:
        """``v_s = (D_s X B)^T p`` of every chamber, shape ``(c, m)``."""
        pxt = p[:, None] * self.model.xb  # (N, m)
        if self._tree is None:
            out: np.ndarray = self.model.active.astype(float) @ pxt
            return out
        order, parent, hyper, levels, step, root_active = self._tree
        m = pxt.shape[1]
        jump = np.zeros((self._n_hyperplanes, m))
        np.add.at(jump, self._row_h, self._orient[:, None] * pxt)
        v = np.empty((len(step), m))
        v[order[0]] = root_active @ pxt
        for lo, hi in zip(levels[1:-1], levels[2:], strict=True):
            nodes = order[lo:hi]
            v[nodes] = v[parent[nodes]] + step[nodes, None] * jump[hyper[nodes]]
        res: np.ndarray = v[self.model.chambers]
        return res

    def prices(
        self,
        p: np.ndarray,
        *,
        threshold: float = 1.0,
        iterations: int = 10,
        need: int | None = None,
        skip: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Float ``(lower, upper)`` estimates of ``max |eta_p|`` over each closed chamber.

        ``upper`` is ``||v_s||`` below ``threshold`` and ``||±v_s + G_s^T mu||`` (any
        ``mu >= 0`` bounds the projection from above, Moreau) above it; ``lower`` is the value
        at a point of the cone (the approximate projection, pushed into the cone along the
        chamber's interior witness when needed). Both are floats: they only propose.
        With ``iterations=0`` no projected-gradient step is taken: the multipliers of the last
        pricing are reused as they are (cheap, and both bounds stay valid, only looser).

        With ``need``, the chambers are estimated in decreasing order of ``||v_s||``, in slices,
        until ``need`` of them (not marked in the boolean mask ``skip``) have ``lower`` above
        ``threshold``; the rest keep ``lower = 0`` and ``upper = ||v_s||`` (still bounds).
        """
        v = self.vectors(np.asarray(p, dtype=float))
        upper = np.linalg.norm(v, axis=1)
        lower = np.zeros_like(upper)
        cand = np.flatnonzero(upper > threshold)
        if need is None:
            if len(cand):
                lower[cand], upper[cand] = self._estimate(v, cand, iterations, threshold=threshold)
            return lower, upper
        cand = cand[np.argsort(-upper[cand], kind="stable")]
        size = max(4 * need, 2048)
        found = 0
        for lo in range(0, len(cand), size):
            ids = cand[lo : lo + size]
            lower[ids], upper[ids] = self._estimate(v, ids, iterations, threshold=threshold)
            hit = lower[ids] > threshold
            if skip is not None:
                hit &= ~skip[ids]
            found += int(np.count_nonzero(hit))
            if found >= need:
                break
        return lower, upper

    def refine(
        self, p: np.ndarray, ids: np.ndarray, *, iterations: int = 100
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sharper ``(lower, upper)`` estimates for the chambers ``ids`` (warm-started)."""
        v = self.vectors(np.asarray(p, dtype=float))
        return self._estimate(v, np.asarray(ids, dtype=np.int64), iterations, full=True)

    def _estimate(
        self,
        v: np.ndarray,
        cand: np.ndarray,
        iterations: int,
        full: bool = False,
        threshold: float = 1.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Float ``(lower, upper)`` estimates for the chambers ``cand``.

        ``lower`` stays ``0`` where ``upper`` is at most ``threshold`` (no lower bound is needed
        there), unless ``full``.
        """
        up = np.zeros(len(cand))
        low = np.zeros(len(cand))
        chunk = 1 << 14
        for lo in range(0, len(cand), chunk):
            ids = cand[lo : lo + chunk]
            g = self._rows[self._idx[ids]]  # (b, F, m), rows G_s: K_s = {G_s c >= 0}
            for parity, sigma in enumerate((1.0, -1.0)):
                vs = sigma * v[ids]
                # Moreau: ||P_K(v)|| = dist(v, K°), K° = {-G^T mu : mu >= 0}; the last
                # round's multipliers often already show the price is below 1
                mu = self._mu[parity, ids]
                resid = vs - np.matmul(mu[:, None, :], g)[:, 0, :]
                u = np.linalg.norm(resid, axis=1)
                work = np.flatnonzero(u > 1.0) if not full else np.arange(len(ids))
                if len(work) and iterations > 0:
                    step = self._steps(ids[work], g[work])
                    mu_w = _fista(vs[work], g[work], mu[work], step, iterations)
                    mu[work] = mu_w
                    self._mu[parity, ids[work]] = mu_w
                    resid[work] = vs[work] - np.matmul(mu_w[:, None, :], g[work])[:, 0, :]
                    u[work] = np.linalg.norm(resid[work], axis=1)
                sl = slice(lo, lo + len(ids))
                up[sl] = np.maximum(up[sl], u)
                # a lower bound only where the upper bound leaves the question open: a point
                # of the cone near the projection (a few projections onto the most violated
                # facet hyperplane, then a push along the interior witness)
                sel = np.flatnonzero(u > threshold) if not full else np.arange(len(ids))
                if not len(sel):
                    continue
                gs, vsel = g[sel], vs[sel]
                rows_b = np.arange(len(sel))
                theta0 = resid[sel]
                for _ in range(_SWEEPS):
                    gt0 = np.matmul(gs, theta0[:, :, None])[:, :, 0]
                    worst = np.argmin(gt0, axis=1)
                    amount = np.minimum(gt0[rows_b, worst], 0.0)
                    theta0 -= amount[:, None] * gs[rows_b, worst]
                w = self._witness[ids[sel]]
                gr = np.matmul(gs, theta0[:, :, None])[:, :, 0]
                gw = np.matmul(gs, w[:, :, None])[:, :, 0]
                with np.errstate(divide="ignore", invalid="ignore"):
                    need = np.where(gw > 0, -gr / gw, 0.0)
                t = np.maximum(need.max(axis=1, initial=0.0), 0.0)
                theta = theta0 + t[:, None] * w
                val = np.einsum("bm,bm->b", vsel, theta)
                nrm = np.linalg.norm(theta, axis=1)
                with np.errstate(divide="ignore", invalid="ignore"):
                    lv = np.where((val > 0) & (nrm > 0), val / nrm, 0.0)
                low[lo + sel] = np.maximum(low[lo + sel], np.nan_to_num(lv))
        return low, up

    def _steps(self, ids: np.ndarray, g: np.ndarray) -> np.ndarray:
        todo = np.flatnonzero(np.isnan(self._step[ids]))
        if len(todo):
            gt = g[todo]
            # ||G G^T|| = ||G^T G||: the (m, m) Gram matrix is the small one
            gram = np.matmul(np.swapaxes(gt, 1, 2), gt)
            lip = np.linalg.eigvalsh(gram)[:, -1]
            self._step[ids[todo]] = 1.0 / np.where(lip > 0, lip, 1.0)
        out: np.ndarray = self._step[ids]
        return out


#: Projections onto violated facet hyperplanes when building a point of the cone.
_SWEEPS = 4


def _fista(
    v: np.ndarray, g: np.ndarray, mu: np.ndarray, step: np.ndarray, iterations: int
) -> np.ndarray:
    """Accelerated projected gradient for ``min ||v - G^T mu||^2 / 2`` over ``mu >= 0``.

    All problems at once (``v`` ``(b, m)``, ``g`` ``(b, F, m)``), with adaptive restart.
    """
    mu = np.maximum(mu, 0.0)
    z = mu.copy()
    t = np.ones(len(v))
    gt = np.swapaxes(g, 1, 2)  # (b, m, F)
    for _ in range(iterations):
        r = v - np.matmul(z[:, None, :], g)[:, 0, :]
        grad = -np.matmul(r[:, None, :], gt)[:, 0, :]
        new = np.maximum(z - step[:, None] * grad, 0.0)
        restart = np.einsum("ij,ij->i", grad, new - mu) > 0
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        beta = np.where(restart, 0.0, (t - 1.0) / t_new)
        z = new + beta[:, None] * (new - mu)
        t = np.where(restart, 1.0, t_new)
        mu = new
    return mu


def pricer(arr: Arrangement, model: Model) -> Pricer:
    """The :class:`Pricer` of an arrangement's full model (cached on the arrangement)."""
    return arr._cached("solver_pricer", lambda: Pricer(arr, model))


def feasible_chambers(arr: Arrangement, model: Model) -> np.ndarray:
    """Positions (in ``model.chambers``) of chambers whose blocks can interpolate any labels.

    Project the points on a direction ``u`` that separates distinct points (an integer vector
    chosen exactly); the neurons ``(u, -c_k)`` with breakpoints ``c_k`` between consecutive
    projections (and below the smallest) have nested activation sets, so their features form a
    triangular system: ``K mu = y`` has a solution on these chambers for any labels that agree
    on repeated points. Decided exactly (the projections are compared as rationals).
    """
    import random

    if any(row[-1] != 1 for row in arr.augmented):  # not data rows (x, 1): no shortcut
        return np.arange(len(model.chambers))
    pts = [row[:-1] for row in arr.augmented]
    d = arr.dimension - 1
    distinct = {tuple(pt) for pt in pts}
    rng = random.Random(20260317)
    for attempt in range(64):
        u = [rng.randint(-(10 ** (3 + attempt // 8)), 10 ** (3 + attempt // 8)) for _ in range(d)]
        proj = {
            pt: sum((a * b for a, b in zip(u, pt, strict=True)), Fraction(0)) for pt in distinct
        }
        values = sorted(set(proj.values()))
        if len(values) == len(distinct):
            break
    else:  # pragma: no cover - 64 random directions all fail only on adversarial data
        return np.arange(len(model.chambers))
    cuts = [values[0] - 1] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    regions = arr.regions()
    lookup = {int(c): k for k, c in enumerate(model.chambers.tolist())}
    out = []
    for c in cuts:
        theta = [*u, -c]
        signs = arr.signs_of(theta)
        idx = regions.index_of([1 if s > 0 else -1 for s in signs])
        if idx in lookup:
            out.append(lookup[idx])
    return np.array(sorted(set(out)), dtype=np.int64)
