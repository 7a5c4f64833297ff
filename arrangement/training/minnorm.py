"""The minimal-norm certificate of ``P_0``, computed by a second conic program over the duals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import InputError, SolverError
from arrangement.core.numbers import as_fraction
from arrangement.training.analysis import apply_each, certify_dual
from arrangement.training.backend import clarabel_settings, run_clarabel, status_name
from arrangement.training.model import build_model, dual_matrices
from arrangement.training.solution import DEFAULT_DENOMINATOR, DEFAULT_TOL, MinNormCertificate
from arrangement.training.solve import check_labels, solve

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "min_norm_certificate",
]


def _target_labels(
    arr: Arrangement, target: Sequence[tuple[Any, Sequence[Any]]]
) -> tuple[Fraction, ...]:
    """``y = K mu_0`` exactly for ``mu_0 = sum_j a_j delta(theta_j)`` (unit ``theta_j``)."""
    y = [Fraction(0)] * arr.n_points
    for j, (amp, theta) in enumerate(target):
        a = as_fraction(amp)
        th = [as_fraction(v) for v in theta]
        if len(th) != arr.dimension:
            raise InputError(f"target atom {j} has length {len(th)}, expected D = {arr.dimension}")
        if sum((v * v for v in th), Fraction(0)) != 1:
            raise InputError(f"target atom {j} is not an exact unit vector")
        for i, xt in enumerate(arr.augmented):
            s = sum((u * v for u, v in zip(xt, th, strict=True)), Fraction(0))
            if s > 0:
                y[i] += a * s
    return tuple(y)


def _precertificate(
    arr: Arrangement, target: Sequence[tuple[Any, Sequence[Any]]]
) -> tuple[tuple[Fraction, ...], bool]:
    """Exact pre-certificate ``p_V`` of the target and its validity.

    Delegates to :func:`arrangement.certificates.precertificate.precertificate` (atoms as sign and
    coordinates).
    """
    from arrangement.certificates.precertificate import precertificate

    atoms = [(1 if as_fraction(a) > 0 else -1, *theta) for a, theta in target]
    pre = precertificate(arr, atoms, source="target")
    return tuple(pre.dual), bool(pre.valid)


def min_norm_certificate(
    arr: Arrangement,
    y: Sequence[Any] | None = None,
    *,
    target: Sequence[tuple[Any, Sequence[Any]]] | None = None,
    slack: float = 0.0,
    use_support: bool = True,
    support_tol: float = 1e-6,
    tol: float = DEFAULT_TOL,
    max_iter: int = 200,
    dual_denominator: int = DEFAULT_DENOMINATOR,
    certify: bool = True,
    solver_options: Mapping[str, Any] | None = None,
    verbose: bool = False,
) -> MinNormCertificate:
    """Numerical minimal-norm dual solution ``p_0`` of ``P_0`` (the minimal-norm certificate).

    Method (two or three conic programs):

    1. Solve ``P_0`` with :func:`solve`; its exact certificate analysis gives a rational scale
       ``c`` with ``c p`` exactly dual-feasible and so the exact lower bound
       ``L = <c p, y> <= min P_0`` (without ``certify``, the float dual objective is used).
    2. ``"support"``: solve ``min 1/2 ||p||^2`` over dual-feasible ``p`` (``sup |eta_p| <= 1``,
       written per chamber and sign as ``dist(sigma v_s, K_s°) <= 1``: one second-order cone
       with facet multipliers) subject to ``eta_p(theta_j) = sign_j`` at the atoms of the
       ``P_0`` solution that the exact analysis confirms (angle to the chamber's maximiser at
       most ``extreme_tol`` and ``|eta^2 - 1| <= support_tol``). Given feasibility these
       equalities say ``<p, y> = ||mu||_TV``, i.e. that ``p`` is a dual solution
       (complementary slackness), and they move only linearly with the atoms' errors.
    3. ``"level"`` (if there is no confirmed atom, ``use_support=False``, or step 2 fails):
       the same problem with ``<p, y> >= L - slack * max(1, |L|)`` instead. The dual solutions
       are the feasible ``p`` with ``<p, y> = max``, so this is the minimal-norm point of a
       slightly larger set; its error behaves like the square root of ``max - L`` (the feasible
       set is curved), typically ``1e-4`` relative against ``1e-5`` for ``"support"``.

    The result is numerical; the exact analysis of its rational rounding says how close to
    valid it is, and with a ``target`` it is compared with the exact pre-certificate.

    Parameters
    ----------
    arr : Arrangement
        The data arrangement.
    y : sequence of numbers, optional
        The labels. If omitted, ``target`` must be given and ``y = K mu_0`` exactly.
    target : sequence of (amplitude, direction), optional
        A target measure ``mu_0 = sum_j a_j delta(theta_j)`` with exact rational unit vectors
        ``theta_j``; then the exact pre-certificate ``p_V`` is computed by
        :mod:`arrangement.certificates.precertificate` and compared with the numerical ``p``.
    slack : float, optional
        Relative lowering of the level ``L`` in step 3 (``L`` is already a rigorous lower
        bound, so ``0`` keeps the set non-empty up to Clarabel's rounding).
    use_support : bool, optional
        Try step 2 first.
    support_tol : float, optional
        Atoms with ``|eta^2 - 1| > support_tol`` are not used in step 2.
    tol, max_iter, dual_denominator, certify, solver_options, verbose
        As in :func:`solve` (used by every step).

    Returns
    -------
    MinNormCertificate

    Raises
    ------
    InputError
        Neither ``y`` nor ``target``, bad labels, or a target atom that is not an exact unit
        vector of the right length.
    SolverError
        Either conic program failed.

    Examples
    --------
    One point: ``p_0 = sign(y)/|xt|``.

    >>> from arrangement import Arrangement
    >>> mn = min_norm_certificate(Arrangement.from_points([[0]]), [3])
    >>> round(float(mn.dual[0]), 6), mn.certificate.valid
    (1.0, True)
    """
    if y is None:
        if target is None:
            raise InputError("give the labels y or a target measure")
        yq = _target_labels(arr, target)
    else:
        yq = check_labels(arr, y)
    primal = solve(
        arr,
        yq,
        interpolate=True,
        tol=tol,
        max_iter=max_iter,
        dual_denominator=dual_denominator,
        certify=certify,
        solver_options=solver_options,
        verbose=verbose,
    )
    if primal.certificate is not None:
        base = float(primal.certificate.lower_bound)
        confirmed = [
            primal.atoms[c.atom]
            for c in primal.certificate.atoms
            if c.at_extreme and abs(float(c.value_squared) - 1) <= support_tol
        ]
    else:
        base = float(primal.dual_objective)
        confirmed = list(primal.atoms)
    level = base - slack * max(1.0, abs(base))
    model = build_model(arr)
    yf = np.array([float(v) for v in yq])
    settings = clarabel_settings(tol, max_iter, verbose, solver_options)
    what = "the minimal-norm dual problem"
    method = "level"
    sol = None
    if use_support and confirmed:
        # complementary slackness: eta_p(theta_j) = sign_j at the confirmed atoms of P_0
        phi = apply_each(arr, confirmed)
        signs = np.array([float(at.sign) for at in confirmed])
        try:
            sol = run_clarabel(*dual_matrices(model, yf, level, phi, signs), settings, what)
            method = "support"
        except SolverError:
            sol = None
    if sol is None:
        sol = run_clarabel(*dual_matrices(model, yf, level), settings, what)
    dual = np.asarray(sol.x, dtype=float)[: arr.n_points]
    cert = (
        certify_dual(
            arr,
            dual,
            yq,
            None,
            primal.atoms,
            denominator=dual_denominator,
            extreme_tol=primal.tolerances["extreme_tol"],
        )
        if certify
        else None
    )
    pre: tuple[Fraction, ...] | None = None
    pre_valid: bool | None = None
    distance: float | None = None
    if target is not None:
        pre, pre_valid = _precertificate(arr, target)
        distance = float(np.linalg.norm(dual - np.array([float(v) for v in pre])))
    return MinNormCertificate(
        dual=dual,
        norm=float(np.linalg.norm(dual)),
        level=level,
        value=float(dual @ yf),
        status=status_name(sol.status),
        method=method,
        primal=primal,
        certificate=cert,
        precertificate=pre,
        precertificate_valid=pre_valid,
        distance=distance,
    )
