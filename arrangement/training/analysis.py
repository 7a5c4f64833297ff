"""From a numeric solver output to exact facts.

Atoms snapped to rational directions, the move to a vertex of the optimal face, and the exact
analysis of the rounded dual vector (through :mod:`arrangement.certificates.certificate`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.linalg import kernel_basis, primitive, unit_vector
from arrangement.training.solution import DIRECTION_DENOMINATOR, Atom, AtomCheck, CertificateCheck

if TYPE_CHECKING:
    from arrangement.certificates.certificate import Certificate
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.training.model import Model

__all__ = [
    "apply_each",
    "apply_measure",
    "certify_dual",
    "extract_atoms",
    "move_to_vertex",
    "round_dual",
]


# ---------------------------------------------------------------------------------------------
# from the solver output to atoms


def _to_fraction(x: float, denominator: int) -> Fraction:
    return Fraction(float(x)).limit_denominator(denominator)


def _snap(
    arr: Arrangement, direction: np.ndarray, chamber: int, boundary_tol: float
) -> tuple[Fraction, ...]:
    """Exact rational point of the closed chamber cone near a float unit direction.

    Rows with ``|<d, xt_i>| <= boundary_tol * ||xt_i||`` are put exactly on their hyperplane
    (orthogonal projection onto ``span{xt} ∩ {<theta, xt_i> = 0}``), then the point is projected
    exactly onto the closed cone of ``chamber``, so its signs are those of the chamber or zero.
    """
    from arrangement.certificates.cones import project

    x = np.array([[float(v) for v in row] for row in arr.augmented], dtype=float)
    lengths = np.linalg.norm(x, axis=1)
    near = np.flatnonzero(np.abs(x @ direction) <= boundary_tol * lengths)
    den = DIRECTION_DENOMINATOR
    q = [Fraction(round(float(v) * den), den) for v in direction]
    lineality = kernel_basis(arr.normals, arr.dimension).T.tolist()  # span{xt}^perp
    zero_rows = [arr.normals[arr.row_to_hyperplane[i]] for i in near.tolist()]
    theta = _project_subspace(q, [*zero_rows, *lineality], arr.dimension)
    if not any(theta):
        theta = _project_subspace(q, lineality, arr.dimension)
    from arrangement.certificates.certificate import chamber_cone_rows

    snapped = project(theta, chamber_cone_rows(arr, chamber)).point
    return snapped if any(snapped) else tuple(theta)


def _project_subspace(
    q: Sequence[Fraction], rows: Sequence[Sequence[int]], dim: int
) -> tuple[Fraction, ...]:
    """Exact orthogonal projection of ``q`` onto ``{theta : <r, theta> = 0 for r in rows}``."""
    from arrangement.core.linalg import fmpq_matrix, to_fraction

    if not rows:
        return tuple(q)
    ker = kernel_basis(rows, dim)  # (dim, k) integer
    k = ker.shape[1]
    if k == 0:
        return tuple(Fraction(0) for _ in range(dim))
    nmat = fmpq_matrix([[int(v) for v in r] for r in ker.tolist()])  # dim x k
    qv = fmpq_matrix([[v] for v in q])
    gram = nmat.transpose() * nmat
    coef = gram.solve(nmat.transpose() * qv)
    out = nmat * coef
    return tuple(to_fraction(out[i, 0]) for i in range(dim))


def extract_atoms(
    arr: Arrangement,
    model: Model,
    coeffs: np.ndarray,
    *,
    scale: float,
    drop_tol: float,
    merge_tol: float,
    boundary_tol: float,
) -> tuple[list[Atom], float, float]:
    """Atoms from the block coefficients ``(n_blocks, m)``: drop, merge, snap, merge exactly."""
    masses = np.linalg.norm(coeffs, axis=1)
    threshold = drop_tol * max(float(masses.sum()), scale)
    keep = np.flatnonzero(masses > threshold)
    dropped = float(masses.sum() - masses[keep].sum())
    # greedy clustering of parallel directions, heaviest first
    clusters: list[dict[str, Any]] = []
    for k in keep[np.argsort(-masses[keep], kind="stable")].tolist():
        d = model.basis @ (coeffs[k] / masses[k])
        sigma = 1.0 if k % 2 == 0 else -1.0
        chamber = int(model.chambers[k // 2])
        for cl in clusters:
            if np.linalg.norm(d - cl["lead"]) <= merge_tol:
                cl["vec"] += masses[k] * d
                cl["amp"] += sigma * masses[k]
                cl["chambers"].append(chamber)
                break
        else:
            clusters.append(
                {"lead": d, "vec": masses[k] * d, "amp": sigma * masses[k], "chambers": [chamber]}
            )
    # snap each cluster to an exact point of its main chamber's closed cone; merge equal ones
    exact: dict[tuple[int, ...], dict[str, Any]] = {}
    for cl in clusters:
        if abs(cl["amp"]) <= threshold:
            dropped += abs(cl["amp"])
            continue
        d = cl["vec"] / np.linalg.norm(cl["vec"])
        theta = _snap(arr, d, cl["chambers"][0], boundary_tol)
        key = primitive(theta)
        if key in exact:
            exact[key]["amp"] += cl["amp"]
            exact[key]["chambers"] += cl["chambers"]
        else:
            exact[key] = {"theta": theta, "amp": cl["amp"], "chambers": list(cl["chambers"])}
    atoms = []
    for key, e in exact.items():
        if abs(e["amp"]) <= threshold:
            dropped += abs(e["amp"])
            continue
        row_signs = arr.signs_of(e["theta"])
        vec = np.array([float(v) for v in e["theta"]])
        atoms.append(
            Atom(
                direction=tuple(float(v) for v in vec / np.linalg.norm(vec)),
                amplitude=float(e["amp"]),
                exact_direction=key,
                pattern=tuple(i for i, s in enumerate(row_signs) if s > 0),
                zero_set=tuple(i for i, s in enumerate(row_signs) if s == 0),
                chambers=tuple(dict.fromkeys(e["chambers"])),
            )
        )
    atoms.sort(key=lambda a: -abs(a.amplitude))
    return atoms, dropped, threshold


def apply_each(arr: Arrangement, atoms: Sequence[Atom]) -> np.ndarray:
    """``phi(theta_j)_i = relu(<theta_j, xt_i>)`` in floating point, shape ``(k, N)``.

    Only the rows of an atom's exact pattern are non-zero.
    """
    x = np.array([[float(v) for v in row] for row in arr.augmented], dtype=float)
    out = np.zeros((len(atoms), arr.n_points))
    for j, a in enumerate(atoms):
        rows = list(a.pattern)
        out[j, rows] = x[rows] @ np.asarray(a.direction)
    return out


def move_to_vertex(arr: Arrangement, atoms: list[Atom], drop: float) -> list[Atom]:
    """Move to a vertex of the optimal face: at most ``rank(Phi) <= N`` atoms, same ``K mu``.

    The optimal measures of ``P_lam`` share ``K mu`` (and those of ``P_0`` have ``K mu = y``),
    and among measures on the found atoms with the found signs and that prediction, the total
    variation is minimised by the linear program ``min sum c_j`` subject to
    ``sum_j c_j s_j phi(theta_j) = K mu``, ``c >= 0``, whose optimum is at most the current
    one. The dual simplex method (HiGHS) returns a basic solution, so at most ``rank`` of the
    ``c_j`` are non-zero (Caratheodory). Returns ``atoms`` unchanged if the program fails.
    """
    from scipy.optimize import linprog

    if len(atoms) <= 1:
        return atoms
    phi = apply_each(arr, atoms).T  # (N, k)
    signs = np.array([a.sign for a in atoms], dtype=float)
    mass = np.array([abs(a.amplitude) for a in atoms])
    target = phi @ (signs * mass)
    res = linprog(
        np.ones(len(atoms)),
        A_eq=phi * signs[None, :],
        b_eq=target,
        bounds=(0, None),
        method="highs-ds",
    )
    if res.status != 0 or res.x is None or float(res.x.sum()) > float(mass.sum()) * (1 + 1e-9):
        return atoms
    out = []
    for a, c in zip(atoms, res.x, strict=True):
        if c > drop:
            out.append(replace(a, amplitude=float(a.sign * c)))
    out.sort(key=lambda a: -abs(a.amplitude))
    return out


def apply_measure(arr: Arrangement, atoms: Sequence[Atom]) -> np.ndarray:
    """``K mu`` in floating point for a list of atoms."""
    if not atoms:
        return np.zeros(arr.n_points)
    return np.array([a.amplitude for a in atoms]) @ apply_each(arr, atoms)


# ---------------------------------------------------------------------------------------------
# exact certificate analysis (through arrangement.certificates.certificate)


def _chamber_maxima(
    arr: Arrangement,
    p: Sequence[Fraction],
    cert: Certificate | None = None,
    start: np.ndarray | None = None,
) -> tuple[Any, Any]:
    """Exact analysis of ``p`` by :func:`arrangement.certificates.certificate.certify`.

    Returns ``(certificate, query)``; ``query(chamber, sign)`` gives
    ``(value_squared, direction)`` of the maximum of ``sign * eta_p`` over the closed chamber on
    the sphere (``direction`` is ``None`` when that maximum is not positive).
    """
    from arrangement.certificates.certificate import certify

    if cert is None:
        cert = certify(arr, p, start=start)

    def query(chamber: int, sign: int) -> tuple[Fraction, tuple[int, ...] | None]:
        return cert.extremum(chamber, sign)

    return cert, query


def round_dual(arr: Arrangement, p: np.ndarray, denominator: int) -> tuple[Fraction, ...]:
    """Round a float dual vector to rationals ``m_i / 2^e`` with one common ``e``.

    The exact certificate works with ``v_s`` over a common denominator; one power of two keeps
    that denominator (and the integers) small, so its arithmetic stays in machine integers,
    while ``2^-e`` is as fine as that allows (about ``2^62`` over the largest possible
    ``|v_s|``, at most ``2^-60``). When the entries snap (``Fraction.limit_denominator``) to
    rationals whose common denominator is at most ``denominator``, those are used; the same
    per-entry snapping is the fallback when fewer than 24 bits are left.
    """
    snapped = tuple(_to_fraction(v, denominator) for v in p) if np.isfinite(p).all() else ()
    common = 1
    for q in snapped:
        common = common * q.denominator // math.gcd(common, q.denominator)
        if common > denominator:
            break
    if snapped and common <= denominator:  # simple rationals with a small common denominator
        return snapped
    lcm = 1
    for row in arr.augmented:
        for v in row:
            lcm = lcm * v.denominator // math.gcd(lcm, v.denominator)
    size = sum(
        abs(float(pi)) * max((abs(float(v)) for v in row), default=0.0)
        for pi, row in zip(p.tolist(), arr.augmented, strict=True)
    )
    budget = 2.0**61 / (max(size, 1e-300) * lcm * 4)
    e = min(60, math.floor(math.log2(budget))) if budget > 1 else 0
    if e < 24 or not np.isfinite(p).all():
        return tuple(_to_fraction(v, denominator) for v in p)
    scale = 2**e
    return tuple(Fraction(round(float(v) * scale), scale) for v in p)


def _scale_for(sup: Fraction) -> Fraction:
    """A rational ``c`` with ``c^2 sup <= 1`` (see ``certificates.instance.feasible_scale``)."""
    from arrangement.certificates.instance import feasible_scale

    return feasible_scale(sup)


def _lower_bound(
    p: Sequence[Fraction], y: Sequence[Fraction], lam: Fraction | None, c: Fraction
) -> Fraction:
    """Best exact dual objective over the feasible multiples ``c' p``, ``0 <= c' <= c``."""
    from arrangement.certificates.instance import dual_lower_bound

    return dual_lower_bound(p, y, lam, c)[0]


def certify_dual(
    arr: Arrangement,
    p: np.ndarray | Sequence[Fraction],
    y: Sequence[Fraction],
    lam: Fraction | None,
    atoms: Sequence[Atom],
    *,
    denominator: int,
    extreme_tol: float,
    certificate: Certificate | None = None,
    start: np.ndarray | None = None,
) -> CertificateCheck:
    """Exact analysis of a dual vector: float entries are rounded, Fractions are kept.

    A float vector is rounded to one common power-of-two denominator as fine as the exact
    certificate's integer arithmetic allows (:func:`round_dual`); ``denominator`` is the
    per-entry fallback when the data leave no room for that. ``certificate``: the exact
    certificate of the (rounded) vector, when already computed; ``start``: float multipliers
    for its pruning (the ``start`` of :func:`arrangement.certificates.certificate.certify`).
    """
    if all(isinstance(v, Fraction) for v in p):
        pq = tuple(p)
    else:
        pq = round_dual(arr, np.asarray(p, dtype=float), denominator)
    full, query = _chamber_maxima(arr, pq, certificate, start)
    sup = full.sup_norm_squared
    c = _scale_for(sup)
    checks = []
    for idx, atom in enumerate(atoms):
        chamber = atom.chambers[0]
        val, ext = query(chamber, atom.sign)
        if ext is None:
            angle = math.pi
        else:
            # scaled: the integer direction may have hundreds of digits (float(x) overflows)
            cos = float(np.dot(unit_vector(ext), unit_vector(atom.exact_direction)))
            angle = math.acos(max(-1.0, min(1.0, cos)))
        at = angle <= extreme_tol and abs(float(val) - 1.0) <= extreme_tol
        checks.append(AtomCheck(idx, chamber, val, ext, angle, at))
    return CertificateCheck(
        dual=pq,
        sup_norm_squared=sup,
        valid=sup <= 1,
        scale=c,
        lower_bound=_lower_bound(pq, y, lam, c),
        atoms=tuple(checks),
        n_exact_chambers=full.n_exact_chambers,
        certificate=full,
    )
