"""Vanishing-derivative pre-certificates, exact rational unit vectors and non-degeneracy.

Target measure ``mu_0 = sum_j a_j delta(theta_j)`` with every ``theta_j`` an exact rational unit
vector inside an open chamber ``C_s(j)``. On that chamber ``eta_p = <v_s, .>`` with
``v_s = X^T D_s(j) p``; ``eta(theta_j) = sign(a_j)`` together with a vanishing tangential gradient
says exactly ``X^T D_s(j) p = sign(a_j) theta_j`` (``D`` equations per atom). The minimal-norm
solution ``p_V`` of the stacked system is rational; if ``|eta_{p_V}| <= 1`` it is the minimal-norm
certificate ``eta_0``, and if moreover ``|eta| < 1`` off the targets and the ``phi(theta_j)`` are
linearly independent, the non-degenerate source condition holds.

Extreme points on a chamber boundary are judged by strict complementarity (see
:func:`nondegeneracy`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import flint

from arrangement.certificates.bounds import feature_matrix
from arrangement.certificates.certificate import Certificate, ExtremePoint, certify
from arrangement.core.errors import GeometryError, InputError
from arrangement.core.linalg import fmpq_matrix, primitive, rank, to_fraction
from arrangement.core.numbers import as_fraction, fraction_str

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "Atom",
    "ExtremeCondition",
    "NonDegeneracy",
    "PreCertificate",
    "min_norm_solution",
    "nondegeneracy",
    "precertificate",
    "rational_unit_vector",
]


# ---------------------------------------------------------------------------------------------
# exact linear algebra


def _pivot_columns(mat: flint.fmpq_mat) -> list[int]:
    red, rk = mat.rref()
    pivots = []
    col = 0
    for i in range(int(rk)):
        while red[i, col] == 0:
            col += 1
        pivots.append(col)
        col += 1
    return pivots


def min_norm_solution(
    rows: Sequence[Sequence[int | Fraction]], rhs: Sequence[int | Fraction], ncols: int
) -> tuple[Fraction, ...] | None:
    """Minimal-norm exact solution of ``A x = b``, or ``None`` if the system is inconsistent.

    The solution lies in the row space of ``A``: ``x = A_B^T z`` for a maximal independent set
    ``B`` of rows, with ``(A_B A_B^T) z = b_B``; consistency is then checked on every row.

    Parameters
    ----------
    rows : sequence of sequences
        ``A`` (``m x ncols``), rational.
    rhs : sequence
        ``b`` (length ``m``).
    ncols : int
        Number of unknowns (needed when ``m = 0``).

    Examples
    --------
    >>> min_norm_solution([[1, 1]], [2], 2)
    (Fraction(1, 1), Fraction(1, 1))
    >>> min_norm_solution([[1, 1], [2, 2]], [1, 3], 2) is None
    True
    """
    b = [Fraction(x) for x in rhs]
    if not rows:
        return tuple(Fraction(0) for _ in range(ncols))
    a = fmpq_matrix(rows, ncols)
    basis = _pivot_columns(a.transpose())
    if basis:
        ab = fmpq_matrix([rows[i] for i in basis])
        z = (ab * ab.transpose()).solve(fmpq_matrix([[b[i]] for i in basis]))
        x = ab.transpose() * z
        sol = [to_fraction(x[i, 0]) for i in range(ncols)]
    else:
        sol = [Fraction(0)] * ncols
    for row, bi in zip(rows, b, strict=True):
        if sum((Fraction(u) * v for u, v in zip(row, sol, strict=True)), Fraction(0)) != bi:
            return None
    return tuple(sol)


# ---------------------------------------------------------------------------------------------
# rational points of the sphere


def _exact_unit(w: Sequence[Fraction]) -> tuple[Fraction, ...] | None:
    """``w / ||w||`` if ``||w||`` is rational, else ``None``."""
    nsq = sum(x * x for x in w)
    num, den = nsq.numerator, nsq.denominator
    rn, rd = math.isqrt(num), math.isqrt(den)
    if rn * rn == num and rd * rd == den:
        norm = Fraction(rn, rd)
        return tuple(x / norm for x in w)
    return None


def _close_enough(
    x: Sequence[Fraction], w: Sequence[Fraction], nsq: Fraction, tol: Fraction
) -> bool:
    """Exactly decide ``||x - w / ||w|| || < tol`` for a unit vector ``x``.

    ``||x - w/|w| ||^2 = 2 - 2 <x, w> / |w|``, so the test is ``<x, w> > (1 - tol^2 / 2) |w|``.
    """
    t = sum((a * b for a, b in zip(x, w, strict=True)), Fraction(0))
    c = 1 - tol * tol / 2
    if c <= 0:
        return True
    return t > 0 and t * t > c * c * nsq


def rational_unit_vector(
    direction: Sequence[Any], *, precision: Any = Fraction(1, 10**6)
) -> tuple[Fraction, ...]:
    """An exact rational unit vector within ``precision`` of ``direction / ||direction||``.

    Uses inverse stereographic projection ``u -> (2u, |u|^2 - 1) / (|u|^2 + 1)`` from the pole
    farther from the target, with ``u`` rounded to rationals of growing denominators until the
    distance (decided exactly) is below ``precision``. A direction whose norm is already
    rational is normalised exactly.

    Parameters
    ----------
    direction : sequence
        Non-zero vector (ints, Fractions, floats, strings).
    precision : number, optional
        Euclidean distance allowed (``> 0``).

    Returns
    -------
    tuple of Fraction
        ``x`` with ``sum(x_i^2) == 1`` exactly.

    Raises
    ------
    InputError
        For the zero vector, an empty vector or a non-positive precision.

    Examples
    --------
    >>> rational_unit_vector([3, 4])
    (Fraction(3, 5), Fraction(4, 5))
    >>> x = rational_unit_vector([1, 1, 1], precision="1/100")
    >>> sum(t * t for t in x)
    Fraction(1, 1)
    """
    w = [as_fraction(x, source="direction", row=i) for i, x in enumerate(direction)]
    tol = as_fraction(precision, source="precision")
    if tol <= 0:
        raise InputError("precision must be positive")
    if not w or all(x == 0 for x in w):
        raise InputError("cannot normalise the zero vector")
    exact = _exact_unit(w)
    if exact is not None:
        return exact
    nsq = sum((x * x for x in w), Fraction(0))
    last = w[-1]
    pole = 1 if last <= 0 else -1  # project from e_D when the target is in the lower half
    den = 16
    while True:
        bits = 2 * den.bit_length() + 16
        # |w| to ~bits binary digits; u_i = w_i / (|w| - pole * w_D)
        norm = Fraction(math.isqrt((nsq.numerator << (2 * bits)) // nsq.denominator), 1 << bits)
        u = [(x / (norm - pole * last)).limit_denominator(den) for x in w[:-1]]
        usq = sum((t * t for t in u), Fraction(0))
        x = tuple([2 * t / (usq + 1) for t in u] + [pole * (usq - 1) / (usq + 1)])
        if _close_enough(x, w, nsq, tol):
            return x
        den *= 16


# ---------------------------------------------------------------------------------------------
# non-degeneracy


@dataclass(frozen=True, slots=True)
class ExtremeCondition:
    """First-order and strict-complementarity data of one extreme point of ``E``.

    At ``theta`` with ``eta(theta) = eps`` (``eps = ±1``) and zero hyperplanes ``Z``, the
    first-order condition of a maximum of ``eps eta`` on the sphere reads
    ``eps v - theta = sum_{h in Z} gamma_h n_h`` with ``lower_h <= gamma_h <= upper_h``, where
    ``v`` sums ``p_i xt_i`` over the rows active at ``theta`` and the bounds come from the rows on
    ``h`` (``xt_i = c_i n_h``): ``upper_h = -eps sum_{c_i > 0} p_i c_i`` and
    ``lower_h = eps sum_{c_i < 0} p_i |c_i|``. Non-degeneracy is strict complementarity
    ``lower_h < gamma_h < upper_h`` on every hyperplane that bends ``eta`` (``lower_h`` or
    ``upper_h`` non-zero); for data rows this is ``0 < c_i < -eps p_i`` of the theory notes.

    Attributes
    ----------
    sign : int
    direction : tuple of int
    interior : bool
        Inside an open chamber: the Riemannian Hessian is ``-I``, always non-degenerate.
    zero_hyperplanes : tuple of int
    independent : bool
        Whether the normals of ``Z`` are linearly independent (otherwise not decided).
    multipliers : tuple of Fraction or None
        ``gamma_h`` for ``h`` in ``Z`` (``None`` if dependent or not in the span).
    lower, upper : tuple of Fraction
        The bounds per hyperplane of ``Z``.
    first_order : bool or None
        Whether the necessary condition holds (``True`` for every point of a valid certificate).
    strict : bool or None
        Strict complementarity (``True`` for interior points, ``None`` if not decided).
    """

    sign: int
    direction: tuple[int, ...]
    interior: bool
    zero_hyperplanes: tuple[int, ...]
    independent: bool
    multipliers: tuple[Fraction, ...] | None
    lower: tuple[Fraction, ...]
    upper: tuple[Fraction, ...]
    first_order: bool | None
    strict: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sign": self.sign,
            "direction": list(self.direction),
            "interior": self.interior,
            "zero_hyperplanes": list(self.zero_hyperplanes),
            "multipliers": None
            if self.multipliers is None
            else [fraction_str(x) for x in self.multipliers],
            "lower": [fraction_str(x) for x in self.lower],
            "upper": [fraction_str(x) for x in self.upper],
            "first_order": self.first_order,
            "strict": self.strict,
        }


@dataclass(frozen=True, slots=True)
class NonDegeneracy:
    """Non-degeneracy report of a certificate.

    Attributes
    ----------
    valid : bool
        ``|eta| <= 1``.
    attains_one : bool
        ``sup |eta| = 1`` (so ``E`` is non-empty); ``|eta| < 1`` off ``E`` holds by definition.
    independent : bool or None
        Whether ``phi(theta_j)`` over ``E`` are linearly independent (``None`` if invalid).
    extremes : tuple of ExtremeCondition
        One per point of ``E``.
    nondegenerate : bool or None
        ``valid``, ``attains_one``, ``independent`` and every point strictly complementary;
        ``None`` if some boundary point could not be decided or ``sup |eta| < 1``.
    """

    valid: bool
    attains_one: bool
    independent: bool | None
    extremes: tuple[ExtremeCondition, ...]
    nondegenerate: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "valid": self.valid,
            "attains_one": self.attains_one,
            "independent": self.independent,
            "nondegenerate": self.nondegenerate,
            "extremes": [e.to_dict() for e in self.extremes],
        }


def _row_scale(xt: Sequence[Fraction], normal: Sequence[int]) -> Fraction:
    k = next(j for j, x in enumerate(normal) if x != 0)
    return xt[k] / normal[k]


def _condition(cert: Certificate, ext: ExtremePoint) -> ExtremeCondition:
    arr = cert.arrangement
    p = cert.dual
    w = ext.direction
    theta = _exact_unit([Fraction(x) for x in w])
    if theta is None:  # pragma: no cover - points of E of a certificate with sup 1 are rational
        raise GeometryError(f"extreme direction {w} has irrational norm")
    eps = ext.sign
    v = [Fraction(0)] * arr.dimension
    for i in ext.pattern:
        v = [a + p[i] * b for a, b in zip(v, arr.augmented[i], strict=True)]
    resid = [eps * a - t for a, t in zip(v, theta, strict=True)]
    zero = tuple(h for h, s in enumerate(ext.hyperplane_signs) if s == 0)
    lower, upper = [], []
    for h in zero:
        lo, up = Fraction(0), Fraction(0)
        for i in arr.rows_on(h):
            c = _row_scale(arr.augmented[i], arr.normals[h])
            if c > 0:
                up -= eps * p[i] * c
            else:
                lo += eps * p[i] * (-c)
        lower.append(lo)
        upper.append(up)
    normals = [arr.normals[h] for h in zero]
    independent = rank(normals) == len(zero)
    if not zero:
        ok = all(x == 0 for x in resid)
        return ExtremeCondition(eps, w, True, (), True, (), (), (), ok, True if ok else None)
    if not independent:
        return ExtremeCondition(
            eps, w, False, zero, False, None, tuple(lower), tuple(upper), None, None
        )
    gamma = min_norm_solution([list(col) for col in zip(*normals, strict=True)], resid, len(zero))
    if gamma is None:
        return ExtremeCondition(
            eps, w, False, zero, True, None, tuple(lower), tuple(upper), False, False
        )
    first = all(lo <= g <= up for g, lo, up in zip(gamma, lower, upper, strict=True))
    strict = first and all(
        (lo < g < up) if (lo != 0 or up != 0) else True
        for g, lo, up in zip(gamma, lower, upper, strict=True)
    )
    return ExtremeCondition(
        eps, w, False, zero, True, gamma, tuple(lower), tuple(upper), first, strict
    )


def nondegeneracy(certificate: Certificate, /) -> NonDegeneracy:
    """Non-degeneracy report: independence over ``E`` and strict complementarity per point.

    Parameters
    ----------
    certificate : Certificate

    Returns
    -------
    NonDegeneracy

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> cert = certify(Arrangement.from_points([[0], [1]]), [1, -1])
    >>> rep = nondegeneracy(cert)
    >>> rep.nondegenerate, rep.extremes[0].multipliers, rep.extremes[0].upper
    (False, (Fraction(1, 1),), (Fraction(1, 1),))
    """
    ext = certificate.extremes
    valid = certificate.valid
    attains = certificate.sup_norm_squared == 1
    if not valid:
        return NonDegeneracy(False, False, None, (), False)
    conds = tuple(_condition(certificate, e) for e in ext)
    arr = certificate.arrangement
    phi = feature_matrix(arr, [e.direction for e in ext])
    independent = (rank([list(c) for c in zip(*phi, strict=True)]) if ext else 0) == len(ext)
    if not attains:
        return NonDegeneracy(True, False, independent, conds, None)
    stricts = [c.strict for c in conds]
    if not independent or any(s is False for s in stricts):
        nd: bool | None = False
    elif any(s is None for s in stricts):
        nd = None
    else:
        nd = True
    return NonDegeneracy(True, True, independent, conds, nd)


# ---------------------------------------------------------------------------------------------
# pre-certificates


@dataclass(frozen=True, slots=True)
class Atom:
    """A target atom: a sign and an exact rational unit vector, with its chamber.

    Attributes
    ----------
    sign : int
        +1 or -1 (the sign of the amplitude).
    theta : tuple of Fraction
        Exact unit vector.
    chamber : int
        The open chamber that contains it.
    pattern : tuple of int
        Its activation pattern (input rows).
    """

    sign: int
    theta: tuple[Fraction, ...]
    chamber: int
    pattern: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PreCertificate:
    """The vanishing-derivative pre-certificate ``p_V`` of a target and its verdicts.

    Attributes
    ----------
    atoms : tuple of Atom
    dual : tuple of Fraction
        ``p_V``, one value per input row.
    certificate : Certificate
        The exact certification of ``p_V``.
    report : NonDegeneracy
        Non-degeneracy of ``eta_{p_V}``.
    strict : bool
        Whether ``E`` is exactly the target set (with signs): ``|eta| < 1`` off the targets.
    independent : bool
        Whether ``phi(theta_j)`` over the targets are linearly independent.
    """

    atoms: tuple[Atom, ...]
    dual: tuple[Fraction, ...]
    certificate: Certificate
    report: NonDegeneracy
    strict: bool
    independent: bool

    @property
    def valid(self) -> bool:
        """``|eta_{p_V}| <= 1``: then ``eta_{p_V}`` is the minimal-norm certificate ``eta_0``."""
        return self.certificate.valid

    @property
    def nondegenerate(self) -> bool:
        """The non-degenerate source condition: valid, strict and independent."""
        return self.valid and self.strict and self.independent

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the output of ``arrangement precertify --json``)."""
        cert = self.certificate
        return {
            "dual": [fraction_str(x) for x in self.dual],
            "sup_norm_squared": fraction_str(cert.sup_norm_squared),
            "valid": self.valid,
            "nondegenerate": self.nondegenerate,
            "strict": self.strict,
            "independent": self.independent,
            "extremes": [e.to_dict() for e in cert.extremes],
            "maximisers": [e.to_dict() for e in cert.maximisers],
            "n_exact_chambers": cert.n_exact_chambers,
        }


def _atoms(
    arr: Arrangement, atoms: Sequence[Any], source: str, lines: Sequence[int] | None
) -> list[tuple[int, tuple]]:
    out = []
    for k, atom in enumerate(atoms):
        j = lines[k] if lines is not None else k
        items = list(atom)
        if len(items) != arr.dimension + 1:
            raise InputError(
                f"an atom needs a sign and {arr.dimension} coordinates, got {len(items)} values",
                source=source,
                row=j,
            )
        s = as_fraction(items[0], source=source, row=j)
        if s not in (1, -1):
            raise InputError(f"the sign of an atom must be 1 or -1, got {s}", source=source, row=j)
        theta = tuple(as_fraction(x, source=source, row=j) for x in items[1:])
        nsq = sum(x * x for x in theta)
        if nsq != 1:
            raise InputError(
                f"theta is not an exact unit vector (|theta|^2 = {fraction_str(nsq)}); "
                "use rational_unit_vector",
                source=source,
                row=j,
            )
        out.append((int(s), theta))
    return out


def precertificate(
    arrangement: Arrangement,
    atoms: Sequence[Any],
    /,
    *,
    source: str = "<atoms>",
    lines: Sequence[int] | None = None,
) -> PreCertificate:
    """Minimal-norm vanishing-derivative pre-certificate of a target, certified exactly.

    Parameters
    ----------
    arrangement : Arrangement
    atoms : sequence
        Each atom is ``(sign, theta_1, ..., theta_D)``: a sign ``±1`` and the coordinates of an
        exact rational unit vector.
    source : str, optional
        Name used in error messages.
    lines : sequence of int, optional
        Where each atom is in its file, for error messages (default: 0-based positions).

    Returns
    -------
    PreCertificate

    Raises
    ------
    InputError
        Malformed atoms (length, sign, non-unit vector) or no atoms.
    GeometryError
        An atom lies on a hyperplane, two atoms share a chamber, or the linear system
        ``X^T D_s(j) p = sign_j theta_j`` is inconsistent.

    Examples
    --------
    One atom inside the chamber where both rows of ``{0, 1}`` are active:

    >>> from arrangement import Arrangement
    >>> pre = precertificate(Arrangement.from_points([[0], [1]]), [(1, "3/5", "4/5")])
    >>> pre.dual, pre.valid, pre.nondegenerate
    ((Fraction(1, 5), Fraction(3, 5)), True, True)
    """
    arr = arrangement
    parsed = _atoms(arr, atoms, source, lines)
    if not parsed:
        raise InputError("no atoms given", source=source)
    regions = arr.regions()
    targets: list[Atom] = []
    seen: dict[int, int] = {}
    equations: list[list[Fraction]] = []
    rhs: list[Fraction] = []

    def where(j: int) -> str:
        return f"{source}: row {lines[j] if lines is not None else j}"

    for j, (s, theta) in enumerate(parsed):
        face = arr.hyperplane_signs_of(theta)
        if 0 in face:
            rows = [i for i, x in enumerate(arr.signs_of(theta)) if x == 0]
            raise GeometryError(
                f"{where(j)}: the atom lies on the hyperplane of input row(s) {rows}: a "
                "vanishing-derivative pre-certificate needs every target inside an open chamber"
            )
        chamber = regions.index_of(arr.signs_of(theta))
        if chamber in seen:
            k = seen[chamber]
            raise GeometryError(
                f"{where(j)}: this atom and the one at {where(k)} lie in the same chamber: eta "
                "is linear there and cannot peak at both"
            )
        seen[chamber] = j
        row_signs = arr.signs_of(theta)
        pattern = tuple(i for i, x in enumerate(row_signs) if x > 0)
        targets.append(Atom(s, theta, chamber, pattern))
        active = set(pattern)
        for c in range(arr.dimension):
            equations.append(
                [xt[c] if i in active else Fraction(0) for i, xt in enumerate(arr.augmented)]
            )
            rhs.append(s * theta[c])
    p = min_norm_solution(equations, rhs, arr.n_points)
    if p is None:
        raise GeometryError(
            f"{source}: the vanishing-derivative system X^T D_s(j) p = sign_j theta_j is "
            "inconsistent for these atoms (no dual vector makes every target a critical point)"
        )
    cert = certify(arr, p)
    report = nondegeneracy(cert)
    wanted = {(a.sign, primitive(a.theta)) for a in targets}
    got = {(e.sign, e.direction) for e in cert.maximisers}
    strict = cert.sup_norm_squared == 1 and got == wanted
    phi = feature_matrix(arr, [a.theta for a in targets])
    independent = rank([list(c) for c in zip(*phi, strict=True)]) == len(targets)
    return PreCertificate(tuple(targets), p, cert, report, strict, independent)
