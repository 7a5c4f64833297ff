"""An exact oracle for chambers and certificates in plain Python (test helper, no tests here).

Written without any code of :mod:`arrangement` and without the libraries it uses (no numpy, no
python-flint, no pycddlib): only :class:`fractions.Fraction` and two textbook algorithms, so a bug
shared by the package and ``tests/oracle.py`` cannot hide here.

* **Chambers.** A sign vector ``s`` is a chamber of the central arrangement of the rows ``a_i``
  iff the strict homogeneous system ``s_i <a_i, theta> > 0`` is feasible. Fourier-Motzkin
  elimination decides it exactly: eliminating a variable combines each row with a positive
  coefficient with each row with a negative one (positive combinations of strict inequalities
  are strict); the system is infeasible iff a row ``0 > 0`` remains when no variable is left.
* **Certificates.** On the closed cone ``K_s = {s_i <a_i, theta> >= 0}`` the certificate is linear,
  ``eta = <v_s, theta>`` with ``v_s = sum_{s_i = +1} p_i a_i`` (for every ``s``, realised or not),
  and the cones cover the space. The maximum of ``<v, theta>`` over ``K ∩ S`` is ``||P_K(v)||``,
  and ``P_K(v)`` is the orthogonal projection of ``v`` onto ``L_Z = {<a_i, theta> = 0, i in Z}``
  for the zero set ``Z`` of the face holding it. So ``sup |eta|^2`` is the largest ``||u||^2`` over
  all ``s``, all subsets ``Z``, both signs, of ``u = P_{L_Z}(+-v_s)`` that lies in ``K_s``
  (every such ``u`` gives ``<v, u/||u||> = ||u||``, a value attained). The projection is exact
  Gram-Schmidt over the rationals.

Cost: ``2^N`` Fourier-Motzkin runs for the chambers, ``4^N`` projections for a certificate: use
``N <= 6``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations, product

__all__ = ["augment", "chambers", "feasible_strict", "sup_eta_squared"]

Vector = Sequence[Fraction | int]


def augment(points: Sequence[Vector]) -> list[tuple[Fraction, ...]]:
    """The rows ``(x_i, 1)``."""
    return [tuple(Fraction(v) for v in p) + (Fraction(1),) for p in points]


def _dot(u: Vector, v: Vector) -> Fraction:
    return sum((Fraction(a) * b for a, b in zip(u, v, strict=True)), Fraction(0))


def feasible_strict(rows: Sequence[Vector]) -> bool:
    """Whether ``<r, theta> > 0`` for every row ``r`` has a solution (exact Fourier-Motzkin)."""
    system = [tuple(Fraction(c) for c in r) for r in rows]
    if not system:
        return True
    dim = len(system[0])
    for k in range(dim):
        pos = [r for r in system if r[k] > 0]
        neg = [r for r in system if r[k] < 0]
        rest = [r for r in system if r[k] == 0]
        combined = [
            tuple(-n[k] * a + p[k] * b for a, b in zip(p, n, strict=True)) for p in pos for n in neg
        ]
        system = list(set(rest + combined))
    # No variable left: every remaining row reads 0 > 0.
    return not system


def chambers(rows: Sequence[Vector]) -> set[tuple[int, ...]]:
    """Every realisable sign vector in ``{+1, -1}^N`` (one sign per row, rows may repeat)."""
    out = set()
    for s in product((1, -1), repeat=len(rows)):
        if feasible_strict([tuple(si * c for c in r) for si, r in zip(s, rows, strict=True)]):
            out.add(s)
    return out


def _project_out(v: Vector, spanning: Sequence[Vector]) -> tuple[Fraction, ...]:
    """``v`` minus its orthogonal projection onto the span of ``spanning`` (exact Gram-Schmidt)."""
    basis: list[tuple[Fraction, ...]] = []
    for a in spanning:
        w = tuple(Fraction(c) for c in a)
        for b in basis:
            c = _dot(w, b) / _dot(b, b)
            w = tuple(x - c * y for x, y in zip(w, b, strict=True))
        if any(w):
            basis.append(w)
    u = tuple(Fraction(c) for c in v)
    for b in basis:
        c = _dot(u, b) / _dot(b, b)
        u = tuple(x - c * y for x, y in zip(u, b, strict=True))
    return u


def _primitive(u: Sequence[Fraction]) -> tuple[int, ...]:
    scale = math.lcm(*(q.denominator for q in u))
    ints = [int(q * scale) for q in u]
    g = math.gcd(*ints)
    return tuple(v // g for v in ints)


def sup_eta_squared(
    rows: Sequence[Vector], p: Sequence[Fraction | int]
) -> tuple[Fraction, set[tuple[int, tuple[int, ...]]]]:
    """``sup |eta_p|^2`` over the unit sphere and its maximisers ``(sign, primitive direction)``.

    ``eta_p(theta) = sum_i p_i relu(<theta, a_i>)``; the maximisers are empty when ``eta = 0``.
    """
    n = len(rows)
    dim = len(rows[0])
    best = Fraction(0)
    where: set[tuple[int, tuple[int, ...]]] = set()
    subsets = [z for k in range(min(n, dim) + 1) for z in combinations(range(n), k)]
    for s in product((1, -1), repeat=n):
        v = [Fraction(0)] * dim
        for i in range(n):
            if s[i] > 0:
                v = [a + Fraction(p[i]) * b for a, b in zip(v, rows[i], strict=True)]
        if not any(v):
            continue
        for sign in (1, -1):
            target = [sign * c for c in v]
            for z in subsets:
                u = _project_out(target, [rows[i] for i in z])
                if not any(u) or any(s[i] * _dot(rows[i], u) < 0 for i in range(n)):
                    continue
                value = _dot(u, u)
                if value > best:
                    best, where = value, set()
                if value == best:
                    where.add((sign, _primitive(u)))
    return best, where
