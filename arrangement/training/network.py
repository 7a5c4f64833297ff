"""Certify a trained two-layer ReLU network against the global optimum of every width.

A width-``m`` network ``f(x) = sum_j w2_j relu(<W1_j, x> + b1_j) [+ b2]`` equals ``K mu`` for the
measure ``mu = sum_j w2_j ||theta_j|| delta(theta_j / ||theta_j||)``, ``theta_j = (W1_j, b1_j)``
(positive homogeneity), and ``lam/2 (||W1||^2 + ||b1||^2 + ||w2||^2) >= lam ||mu||_TV`` (AM-GM,
equality when every neuron is balanced). So the network is a feasible point of ``P_lam`` and

    weight-decay objective  >=  P(mu)  >=  OPT  >=  D(p^),

with ``p^`` a feasible multiple of the rounded ``(y - f(X)) / lam``, decided exactly
(:mod:`arrangement.certificates.certificate`). ``P(mu)`` is bounded above in exact rational
arithmetic from the float weights read as exact binary fractions
(:func:`arrangement.certificates.instance.primal_upper_bound`); ``D(p^)`` is exact.

Conventions
-----------
* ``lam`` multiplies ``1/2 ||f(X) - y||^2 + lam/2 (||W1||^2 + ||b1||^2 + ||w2||^2)``. Training
  with the mean squared loss ``(1/N) sum (f - y)^2`` and weight decay ``wd`` (gradient
  ``+ wd * w``, i.e. ``wd/2 ||w||^2`` in the loss) is the same problem with ``lam = N wd / 2``
  (:func:`lam_from_weight_decay`).
* The output bias ``b2`` is the atom ``b2 delta(e_D)`` (``relu(<e_D, xt>) = 1``) with cost
  ``lam |b2|`` when it is penalised like the other weights (``output_bias="atom"``, the
  default). Otherwise (``"free"``) it is a constant that ``P_lam`` does not model, and the rest of
  the network is certified against the labels ``y - b2``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.io import tensor_to_numpy
from arrangement.core.linalg import primitive, unit_vector
from arrangement.core.numbers import as_fraction, fraction_str, sqrt_float

if TYPE_CHECKING:
    from arrangement.certificates.instance import InstanceBound, PrimalValue
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.training.solution import CertificateCheck, Solution

__all__ = [
    "NETWORK_ARRAYS",
    "Network",
    "NetworkCertificate",
    "Neuron",
    "certify_network",
    "gradient_descent",
    "init_network",
    "instance_bound_of_solution",
    "lam_from_weight_decay",
    "load_network",
    "network_from_arrays",
    "network_from_state_dict",
    "round_to_bits",
]

#: The array names of a network file (``numpy.savez(path, W1=..., b1=..., w2=..., b2=...)``).
NETWORK_ARRAYS = {
    "W1": "first-layer weights, m x d (row j: the input weights of neuron j)",
    "b1": "first-layer biases, m (optional: zero)",
    "w2": "second-layer weights, m (or 1 x m)",
    "b2": "output bias, a scalar or 1 (optional)",
}

OUTPUT_BIAS_MODES = ("atom", "free")


# ---------------------------------------------------------------------------------------------
# reading a network


@dataclass(frozen=True, slots=True, eq=False)
class Network:
    """A two-layer ReLU network ``f(x) = sum_j w2_j relu(<W1_j, x> + b1_j) + b2``.

    Attributes
    ----------
    W1 : numpy.ndarray
        ``(m, d)`` float64.
    b1 : numpy.ndarray
        ``(m,)`` float64.
    w2 : numpy.ndarray
        ``(m,)`` float64.
    b2 : float or None
        The output bias, ``None`` when the network has none.
    source : str
        Where the weights came from (for messages).
    """

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float | None
    source: str = "<network>"

    @property
    def width(self) -> int:
        """``m``, the number of hidden neurons."""
        return int(self.W1.shape[0])

    @property
    def input_dimension(self) -> int:
        """``d``."""
        return int(self.W1.shape[1])

    def __call__(self, x: Any) -> np.ndarray:
        """Float outputs on the rows of ``x`` (``(n, d)``)."""
        x = np.asarray(x, dtype=float)
        out = np.maximum(x @ self.W1.T + self.b1, 0.0) @ self.w2
        return out + (self.b2 or 0.0)

    def thetas(self) -> list[tuple[Fraction, ...]]:
        """``theta_j = (W1_j, b1_j)`` exactly (every float is an exact binary fraction)."""
        return [
            tuple(Fraction(float(v)) for v in (*row, b))
            for row, b in zip(self.W1.tolist(), self.b1.tolist(), strict=True)
        ]


def _array(value: Any, name: str, source: str) -> np.ndarray:
    try:
        arr = np.asarray(tensor_to_numpy(value))
    except Exception as exc:
        raise InputError(f"array {name!r} cannot be read: {exc}", source=source) from None
    if arr.dtype.kind not in "iuf":
        raise InputError(
            f"array {name!r} has dtype {arr.dtype}, expected integers or floats", source=source
        )
    out = arr.astype(np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InputError(f"array {name!r} has a NaN or infinite entry at {where}", source=source)
    return out


def network_from_arrays(arrays: Mapping[str, Any], *, source: str = "<network>") -> Network:
    """Build a :class:`Network` from named arrays (see :data:`NETWORK_ARRAYS`).

    Arrays named ``W1``, ``w2`` (and optionally ``b1``, ``b2``) are used; a mapping without
    ``W1`` is read as a PyTorch ``state_dict`` (:func:`network_from_state_dict`).

    Raises
    ------
    InputError
        A missing array, arrays of the wrong shapes, a width of zero, NaN or infinite weights.

    Examples
    --------
    >>> net = network_from_arrays({"W1": [[1.0], [-1.0]], "b1": [0.0, 1.0], "w2": [2.0, 0.5]})
    >>> net.width, net.input_dimension, net([[0.0], [2.0]]).tolist()
    (2, 1, [0.5, 4.0])
    """
    if "W1" not in arrays:
        return network_from_state_dict(arrays, source=source)
    if "w2" not in arrays:
        raise InputError(
            f"no array 'w2' (second-layer weights); found {', '.join(sorted(arrays))}",
            source=source,
        )
    w1 = _array(arrays["W1"], "W1", source)
    if w1.ndim != 2:
        raise InputError(f"W1 must be m x d (2-D), got shape {w1.shape}", source=source)
    m, d = w1.shape
    if m == 0:
        raise InputError("the network has width 0 (W1 has no rows)", source=source)
    if d == 0:
        raise InputError("W1 has no columns (input dimension 0)", source=source)
    w2 = _array(arrays["w2"], "w2", source)
    if w2.ndim == 2 and w2.shape[0] == 1:
        w2 = w2[0]
    if w2.shape != (m,):
        raise InputError(
            f"w2 must have one entry per neuron (shape ({m},) or (1, {m})), got {w2.shape}",
            source=source,
        )
    if "b1" in arrays:
        b1 = _array(arrays["b1"], "b1", source)
        if b1.shape != (m,):
            raise InputError(f"b1 must have shape ({m},), got {b1.shape}", source=source)
    else:
        b1 = np.zeros(m)
    b2: float | None = None
    if "b2" in arrays:
        b2a = _array(arrays["b2"], "b2", source)
        if b2a.size != 1:
            raise InputError(f"b2 must be a single number, got shape {b2a.shape}", source=source)
        b2 = float(b2a.reshape(-1)[0])
    extra = sorted(set(arrays) - set(NETWORK_ARRAYS))
    if extra:
        raise InputError(
            f"unexpected array(s) {', '.join(extra)}: a network file holds W1, b1, w2, b2",
            source=source,
        )
    return Network(w1, b1, w2, b2, source)


def network_from_state_dict(state: Mapping[str, Any], *, source: str = "<state_dict>") -> Network:
    """A :class:`Network` from a PyTorch ``state_dict`` of ``Linear(d, m), ReLU, Linear(m, 1)``.

    The mapping must hold exactly two 2-D ``*weight`` entries, in module order (as
    ``nn.Sequential`` or attributes ``fc1``, ``fc2`` store them): the first ``(m, d)``, the
    second ``(1, m)``; each may have a ``*bias`` with the same prefix. Values may be tensors
    (read with ``.detach().cpu().numpy()``) or anything numpy reads, so the logic needs no
    PyTorch.

    Examples
    --------
    >>> import numpy as np
    >>> sd = {"0.weight": np.ones((3, 2)), "0.bias": np.zeros(3), "2.weight": np.ones((1, 3))}
    >>> net = network_from_state_dict(sd)
    >>> net.width, net.b2
    (3, None)
    """
    weights = [k for k in state if str(k).endswith("weight")]
    if len(weights) != 2:
        raise InputError(
            "expected a state_dict of Linear(d, m), ReLU, Linear(m, 1): exactly two '*weight' "
            f"entries, found {len(weights)} ({', '.join(map(str, state)) or 'none'}); or an "
            "archive with arrays W1, b1, w2, b2",
            source=source,
        )
    first, second = weights
    arrays: dict[str, Any] = {"W1": state[first], "w2": state[second]}
    w2 = _array(state[second], str(second), source)
    if w2.ndim != 2 or w2.shape[0] != 1:
        raise InputError(
            f"{second} must be 1 x m (one output), got shape {w2.shape}", source=source
        )
    for weight, name in ((first, "b1"), (second, "b2")):
        bias = str(weight)[: -len("weight")] + "bias"
        if bias in state:
            arrays[name] = state[bias]
    known = {first, second} | {str(w)[: -len("weight")] + "bias" for w in weights}
    extra = [str(k) for k in state if k not in known]
    if extra:
        raise InputError(
            f"unexpected state_dict entries {', '.join(extra)}: expected a two-layer network",
            source=source,
        )
    return network_from_arrays(arrays, source=source)


def load_network(path: Any) -> Network:
    """Read a network from ``.npz`` (:data:`NETWORK_ARRAYS`) or a PyTorch ``state_dict`` file.

    ``.pt`` / ``.pth`` files need PyTorch (never a dependency of this package); they are read
    with ``torch.load(..., weights_only=True)`` and interpreted by
    :func:`network_from_state_dict`.

    Raises
    ------
    InputError
        Unreadable files, PyTorch files without torch, and every problem of
        :func:`network_from_arrays`.
    """
    import io
    from pathlib import Path

    from arrangement.core.guard import read_input
    from arrangement.core.io import load_arrays

    source = str(path)
    if Path(path).suffix.lower() not in (".pt", ".pth"):
        return network_from_arrays(load_arrays(path), source=source)
    data = read_input(path)  # a regular file within the byte budget, recorded as an input
    try:
        import torch
    except ImportError:
        raise InputError(
            "reading a PyTorch file needs PyTorch (pip install torch); or save the weights "
            "with numpy.savez(W1=..., b1=..., w2=..., b2=...)",
            source=source,
        ) from None
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:
        raise InputError(
            f"not a readable PyTorch state_dict ({type(exc).__name__}): save "
            "model.state_dict() with torch.save; whole pickled models are not read "
            "(weights_only=True)",
            source=source,
        ) from None
    if hasattr(state, "state_dict"):
        state = state.state_dict()
    if not isinstance(state, Mapping):
        raise InputError("expected a state_dict (a mapping of names to tensors)", source=source)
    return network_from_state_dict(state, source=source)


def round_to_bits(values: Sequence[Fraction], *, bits: int = 40) -> tuple[Fraction, ...]:
    """Round exact rationals to one denominator ``2^e``, ``max |p_i| 2^e`` about ``2^bits``.

    (A network's residual is exact already; :func:`arrangement.training.analysis.round_dual` is
    the other rounding, of a solver's float dual vector within the certificate's integer budget.)

    Examples
    --------
    >>> round_to_bits([Fraction(1, 3), Fraction(-2)], bits=8)
    (Fraction(43, 128), Fraction(-2, 1))
    """
    top = max((abs(v) for v in values), default=Fraction(0))
    if top == 0:
        return tuple(Fraction(0) for _ in values)
    e = bits - (top.numerator.bit_length() - top.denominator.bit_length())
    if e >= 0:
        return tuple(Fraction(round(v * (1 << e)), 1 << e) for v in values)
    return tuple(Fraction(round(v / (1 << -e)) << -e) for v in values)


def lam_from_weight_decay(weight_decay: Any, n_points: int) -> Fraction:
    """``lam = N wd / 2``: the ``P_lam`` of mean squared loss with weight decay ``wd``.

    ``(1/N) sum (f - y)^2 + wd/2 ||w||^2``, multiplied by ``N/2``, is
    ``1/2 ||f - y||^2 + (N wd / 4) ||w||^2 = 1/2 ||f - y||^2 + lam/2 ||w||^2``.

    Examples
    --------
    >>> lam_from_weight_decay("1e-3", 20)
    Fraction(1, 100)
    """
    wd = as_fraction(weight_decay, source="weight decay")
    if wd <= 0:
        raise InputError(f"the weight decay must be positive, got {fraction_str(wd)}")
    return Fraction(n_points) * wd / 2


# ---------------------------------------------------------------------------------------------
# the certificate of a network


@dataclass(frozen=True, slots=True)
class Neuron:
    """One hidden neuron seen as an atom of ``mu``.

    Attributes
    ----------
    index : int
    amplitude : float
        ``w2_j ||theta_j||``, the signed mass of the atom.
    direction : tuple of float
        ``theta_j / ||theta_j||`` (``theta_j = (W1_j, b1_j)``).
    pattern : tuple of int
        Input rows where the neuron is active, ``<theta_j, xt_i> > 0`` (exact).
    zero_set : tuple of int
        Input rows with ``<theta_j, xt_i> = 0`` exactly.
    chamber : int or None
        The chamber of its activation pattern (``None`` for a dead or zero neuron).
    dead : bool
        Inactive on every data row (contributes nothing to ``f(X)``, costs ``lam |amplitude|``).
    zero : bool
        ``w2_j = 0`` or ``theta_j = 0``.
    at_extreme : bool or None
        Whether it sits at the maximiser of ``sign * eta_p`` over its closed chamber (angle and
        ``|eta^2 - 1|`` within the tolerance; ``None`` for dead or zero neurons).
    """

    index: int
    amplitude: float
    direction: tuple[float, ...]
    pattern: tuple[int, ...]
    zero_set: tuple[int, ...]
    chamber: int | None
    dead: bool
    zero: bool
    at_extreme: bool | None

    @property
    def sign(self) -> int:
        """Sign of the output weight (0 for a zero neuron)."""
        return 0 if self.zero else (1 if self.amplitude > 0 else -1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "index": self.index,
            "amplitude": self.amplitude,
            "direction": list(self.direction),
            "pattern": list(self.pattern),
            "zero_set": list(self.zero_set),
            "chamber": self.chamber,
            "dead": self.dead,
            "zero": self.zero,
            "at_extreme": self.at_extreme,
        }


@dataclass(frozen=True, slots=True)
class NetworkCertificate:
    """How far a trained network is from the global optimum of ``P_lam`` (any width).

    Attributes
    ----------
    lam : Fraction
    width : int
    output_bias : str
        ``"none"``, ``"atom"`` (``b2 delta(e_D)``, cost ``lam |b2|``) or ``"free"`` (a constant
        ``P_lam`` does not model; certified against ``y - b2``).
    b2 : float or None
    weight_decay_objective : Fraction
        ``1/2 ||f(X) - y||^2 + lam/2 (||W1||^2 + ||b1||^2 + ||w2||^2)`` (plus ``lam |b2|`` for
        an atom bias), exactly.
    primal : PrimalValue
        The rigorous upper bound on ``P(mu)`` (``primal.value``): the objective under the
        TV / weight-decay equivalence (every neuron balanced).
    check : CertificateCheck
        Exact analysis of the rounded ``p = (y - f(X)) / lam``: ``sup |eta_p|^2``, the scale,
        the lower bound, and each neuron against its chamber's maximiser.
    lower_bound : Fraction
        Certified lower bound on the optimal value of every network of any width.
    gap : Fraction
        ``primal.value - lower_bound``.
    neurons : tuple of Neuron
    dead : tuple of int
        Neurons inactive on every data row.
    parallel : tuple of tuple of int
        Groups of neurons with positively parallel ``theta`` (one atom split in several).
    mergeable : tuple of tuple of int
        Groups of live neurons with the same activation pattern and output sign: one closed
        chamber, so replacing them by one neuron keeps ``f(X)`` and does not increase the TV.
    instance : InstanceBound
        The instance support bound of this gap and the near-maximisers of the certificate.
    uncovered : tuple of int
        Indices into ``instance.near_maximisers`` whose closed chambers hold no neuron of that
        sign: where the global optimum may put mass the network lacks.
    """

    lam: Fraction
    width: int
    output_bias: str
    b2: float | None
    weight_decay_objective: Fraction
    primal: PrimalValue
    check: CertificateCheck
    lower_bound: Fraction
    gap: Fraction
    neurons: tuple[Neuron, ...]
    dead: tuple[int, ...]
    parallel: tuple[tuple[int, ...], ...]
    mergeable: tuple[tuple[int, ...], ...]
    instance: InstanceBound
    uncovered: tuple[int, ...]

    @property
    def objective(self) -> Fraction:
        """The rigorous objective under the TV / weight-decay equivalence (``primal.value``)."""
        return self.primal.value

    @property
    def relative_gap(self) -> float:
        """``gap / objective``: 0 means globally optimal (to the rounding of ``p``)."""
        return 0.0 if self.objective == 0 else float(self.gap / abs(self.objective))

    @property
    def sup_norm_squared(self) -> Fraction:
        """Exact ``sup |eta_p|^2`` of the rounded dual vector."""
        return self.check.sup_norm_squared

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the output of ``arrangement certify-network --json``)."""
        sup = self.sup_norm_squared
        return {
            "lam": fraction_str(self.lam),
            "width": self.width,
            "output_bias": self.output_bias,
            "b2": self.b2,
            "objective": fraction_str(self.objective),
            "objective_float": float(self.objective),
            "data_term_float": float(self.primal.data_term),
            "total_variation_float": float(self.primal.total_variation),
            "weight_decay_objective": fraction_str(self.weight_decay_objective),
            "weight_decay_objective_float": float(self.weight_decay_objective),
            "sup_norm_squared": fraction_str(sup),
            "sup_norm": sqrt_float(sup),
            "scale": fraction_str(self.instance.scale),
            "lower_bound": fraction_str(self.lower_bound),
            "lower_bound_float": float(self.lower_bound),
            "gap": fraction_str(self.gap),
            "gap_float": float(self.gap),
            "relative_gap": self.relative_gap,
            "dead": list(self.dead),
            "parallel": [list(g) for g in self.parallel],
            "mergeable": [list(g) for g in self.mergeable],
            "neurons": [n.to_dict() for n in self.neurons],
            "instance_bound": self.instance.to_dict(),
            "uncovered_near_maximisers": list(self.uncovered),
            "certificate": self.check.to_dict(),
        }


def certify_network(
    arrangement: Arrangement,
    labels: Sequence[Any],
    network: Network,
    /,
    *,
    lam: Any,
    output_bias: str = "atom",
    bits: int = 40,
    top: int = 10,
) -> NetworkCertificate:
    """Certified optimality gap of a trained network for ``P_lam`` on the data of ``arrangement``.

    Parameters
    ----------
    arrangement : Arrangement
        The data (``Arrangement.from_points``).
    labels : sequence
        ``y``, exact.
    network : Network
        The trained network (:func:`network_from_arrays`, :func:`network_from_state_dict`).
    lam : number
        ``lam > 0`` in the convention ``1/2 ||f - y||^2 + lam/2 ||weights||^2``; for mean
        squared loss with weight decay ``wd`` use ``lam_from_weight_decay(wd, N)``.
    output_bias : {"atom", "free"}, optional
        How an output bias is read (see the module docstring).
    bits : int, optional
        ``p`` is rounded to a common power-of-two denominator, ``bits`` significant bits
        relative to ``max |p_i|`` (:func:`round_to_bits`): short exact numbers keep the exact
        certification fast; any rounding is rigorous, it only changes the bound slightly.
    top : int, optional
        Near-maximisers described.

    Returns
    -------
    NetworkCertificate

    Raises
    ------
    InputError
        ``lam <= 0``, a label count different from ``N``, a network whose input dimension is
        not the data's, an unknown ``output_bias``.

    Examples
    --------
    The optimum for one point ``x = 0``, ``y = 2``, ``lam = 1/2`` is one neuron of mass ``3/2``
    at ``e_2``; the balanced network ``W1 = 0, b1 = sqrt(3/2), w2 = sqrt(3/2)`` is within
    rounding of it:

    >>> from arrangement import Arrangement
    >>> r = 1.5 ** 0.5
    >>> net = network_from_arrays({"W1": [[0.0]], "b1": [r], "w2": [r]})
    >>> cert = certify_network(Arrangement.from_points([[0]]), [2], net, lam="1/2")
    >>> round(float(cert.objective), 9), round(float(cert.lower_bound), 9)
    (0.875, 0.875)
    >>> cert.relative_gap < 1e-12
    True
    """
    from arrangement.certificates.certificate import certify
    from arrangement.certificates.instance import instance_support_bound, primal_upper_bound
    from arrangement.training.analysis import certify_dual
    from arrangement.training.solution import DEFAULT_EXTREME_TOL, Atom
    from arrangement.training.solve import check_labels

    arr = arrangement
    lam_q = as_fraction(lam, source="lam")
    if lam_q <= 0:
        raise InputError(f"lam must be positive, got {fraction_str(lam_q)}")
    if output_bias not in OUTPUT_BIAS_MODES:
        raise InputError(f"output_bias must be 'atom' or 'free', got {output_bias!r}")
    y = check_labels(arr, labels)
    d = arr.dimension - 1
    if network.input_dimension != d:
        raise InputError(
            f"the network takes {network.input_dimension} input(s) but the data have {d} "
            f"feature(s)",
            source=network.source,
        )
    thetas = network.thetas()
    w2 = [Fraction(float(v)) for v in network.w2.tolist()]
    b2 = None if network.b2 is None else Fraction(network.b2)
    mode = "none" if b2 is None else output_bias
    target = list(y) if mode != "free" else [v - b2 for v in y]  # type: ignore[operator]
    dirs: list[Sequence[Fraction]] = list(thetas)
    coefs = list(w2)
    if mode == "atom":
        dirs.append(tuple([Fraction(0)] * d + [Fraction(1)]))
        coefs.append(b2)  # type: ignore[arg-type]
    primal = primal_upper_bound(arr, target, lam_q, dirs, coefs)
    squares = sum((x * x for t in thetas for x in t), Fraction(0)) + sum(v * v for v in w2)
    wd_obj = primal.data_term + lam_q * squares / 2
    if mode == "atom":
        wd_obj += lam_q * abs(b2)  # type: ignore[arg-type]

    # neurons: exact activation patterns, chambers, dead / parallel / mergeable
    regions = arr.regions()
    neurons: list[Neuron] = []
    atoms: list[Atom] = []
    atom_of: list[int] = []
    row_signs_of: list[tuple[int, ...]] = []
    for j, (theta, a) in enumerate(zip(thetas, w2, strict=True)):
        rs = arr.signs_of(theta)
        row_signs_of.append(rs)
        pattern = tuple(i for i, s in enumerate(rs) if s > 0)
        zero_set = tuple(i for i, s in enumerate(rs) if s == 0)
        unit = unit_vector(theta)
        norm = math.hypot(*(float(x) for x in theta))  # weights are floats: no overflow
        zero = a == 0 or all(x == 0 for x in theta)
        dead = not pattern
        direction = tuple(float(x) for x in unit)
        chamber = None
        if not dead and not zero:
            chamber = regions.index_of([1 if s > 0 else -1 for s in rs])
            atoms.append(
                Atom(
                    direction=direction,
                    amplitude=float(a) * norm,
                    exact_direction=primitive(theta),
                    pattern=pattern,
                    zero_set=zero_set,
                    chambers=(chamber,),
                )
            )
            atom_of.append(j)
        neurons.append(
            Neuron(j, float(a) * norm, direction, pattern, zero_set, chamber, dead, zero, None)
        )

    # the dual vector, its exact certificate and the lower bound
    p_exact = [(t - f) / lam_q for t, f in zip(target, primal.prediction, strict=True)]
    pq = round_to_bits(p_exact, bits=bits)
    cert = certify(arr, pq)
    check = certify_dual(
        arr,
        pq,
        target,
        lam_q,
        atoms,
        denominator=1,  # unused: the entries are Fractions already
        extreme_tol=DEFAULT_EXTREME_TOL,
        certificate=cert,
    )
    for ac, j in zip(check.atoms, atom_of, strict=True):
        n = neurons[j]
        neurons[j] = Neuron(
            n.index,
            n.amplitude,
            n.direction,
            n.pattern,
            n.zero_set,
            n.chamber,
            n.dead,
            n.zero,
            ac.at_extreme,
        )
    instance = instance_support_bound(
        arr, pq, target, lam=lam_q, primal_value=primal.value, certificate=cert, top=top
    )
    # near-maximisers that no neuron of the same sign covers (closed chamber containment, exact)
    row_signs = np.asarray(regions.signs)
    uncovered = []
    for k, nm in enumerate(instance.near_maximisers):
        covered = False
        for ch in nm.chambers:
            s = row_signs[ch]
            for j, n in enumerate(neurons):
                if n.zero or n.dead or n.sign != nm.sign:
                    continue
                rs = row_signs_of[j]
                if all(x == 0 or x == si for x, si in zip(rs, s.tolist(), strict=True)):
                    covered = True
                    break
            if covered:
                break
        if not covered:
            uncovered.append(k)
    return NetworkCertificate(
        lam=lam_q,
        width=network.width,
        output_bias=mode,
        b2=network.b2,
        weight_decay_objective=wd_obj,
        primal=primal,
        check=check,
        lower_bound=check.lower_bound,
        gap=primal.value - check.lower_bound,
        neurons=tuple(neurons),
        dead=tuple(n.index for n in neurons if n.dead and not n.zero),
        parallel=_groups([(primitive(t), j) for j, t in enumerate(thetas) if not neurons[j].zero]),
        mergeable=_groups(
            [((n.pattern, n.sign), n.index) for n in neurons if not (n.dead or n.zero)]
        ),
        instance=instance,
        uncovered=tuple(uncovered),
    )


def _groups(keyed: Sequence[tuple[Any, int]]) -> tuple[tuple[int, ...], ...]:
    """Groups of more than one index with equal keys, in order of first index."""
    groups: dict[Any, list[int]] = {}
    for key, j in keyed:
        groups.setdefault(key, []).append(j)
    return tuple(tuple(g) for g in groups.values() if len(g) > 1)


# ---------------------------------------------------------------------------------------------
# a plain numpy trainer (float; for experiments and examples)


def init_network(d: int, width: int, *, seed: int = 0, scale: float = 1.0) -> Network:
    """A random width-``m`` network (Gaussian weights, no output bias).

    Standard deviations ``scale / sqrt(d + 1)`` (``W1``, ``b1``) and ``scale / sqrt(m)`` (``w2``).

    Examples
    --------
    >>> init_network(2, 5, seed=1).W1.shape
    (5, 2)
    """
    if width <= 0 or d <= 0:
        raise InputError(f"width and input dimension must be positive, got {width}, {d}")
    rng = np.random.default_rng(seed)
    s1 = scale / math.sqrt(d + 1)
    return Network(
        rng.normal(0.0, s1, size=(width, d)),
        rng.normal(0.0, s1, size=width),
        rng.normal(0.0, scale / math.sqrt(width), size=width),
        None,
        f"<init seed {seed}>",
    )


def gradient_descent(
    network: Network,
    points: Any,
    labels: Any,
    /,
    *,
    lam: float,
    steps: int,
    lr: float,
) -> Network:
    """Full-batch gradient descent on the weight-decay objective of :func:`certify_network`.

    The objective is ``1/2 ||f(X) - y||^2 + lam/2 (||W1||^2 + ||b1||^2 + ||w2||^2)``.

    Float arithmetic (numpy); the result is certified by :func:`certify_network`. An output bias
    is kept fixed. ``lr`` is the step size on this (sum-of-squares) objective.

    Examples
    --------
    >>> net = gradient_descent(init_network(1, 3, seed=0), [[0.0], [1.0]], [1.0, 0.0],
    ...                        lam=0.01, steps=2000, lr=0.05)
    >>> [round(v, 2) for v in net([[0.0], [1.0]]).tolist()]
    [0.99, 0.01]
    """
    x = np.asarray(points, dtype=float)
    y = np.asarray(labels, dtype=float)
    w1, b1, w2 = network.W1.copy(), network.b1.copy(), network.w2.copy()
    c = network.b2 or 0.0
    for _ in range(steps):
        z = x @ w1.T + b1  # (N, m)
        h = np.maximum(z, 0.0)
        r = h @ w2 + c - y  # (N,)
        gh = np.outer(r, w2) * (z > 0)  # (N, m)
        gw2 = h.T @ r + lam * w2
        gw1 = gh.T @ x + lam * w1
        gb1 = gh.sum(axis=0) + lam * b1
        w1 -= lr * gw1
        b1 -= lr * gb1
        w2 -= lr * gw2
    return Network(w1, b1, w2, network.b2, network.source)


def _norm_60_bits(direction: Sequence[int]) -> Fraction:
    """``||direction||`` to about 60 significant bits, for integer directions of any size."""
    s = sum(int(v) ** 2 for v in direction)
    k = max(0, 60 - s.bit_length() // 2)
    return Fraction(max(1, math.isqrt(s << (2 * k))), 1 << k)


def instance_bound_of_solution(
    arrangement: Arrangement, labels: Sequence[Any], solution: Solution, /, *, top: int = 10
) -> InstanceBound:
    """The instance support bound of a numerical solve of ``P_lam`` (its atoms and rounded dual).

    The primal value is bounded rigorously (:func:`primal_upper_bound` on the atoms' exact
    directions with rational coefficients), the dual vector is the solve's rounded ``p``.

    Raises
    ------
    InputError
        For a ``P_0`` solution or one without the exact certificate analysis.
    """
    from arrangement.certificates.instance import instance_support_bound, primal_upper_bound

    if solution.lam is None or solution.certificate is None:
        raise InputError("the instance support bound needs a P_lam solution with its certificate")
    dirs = [a.exact_direction for a in solution.atoms]
    coefs = [Fraction(a.amplitude) / _norm_60_bits(a.exact_direction) for a in solution.atoms]
    pv = primal_upper_bound(arrangement, labels, solution.lam, dirs, coefs)
    return instance_support_bound(
        arrangement,
        solution.certificate.dual,
        labels,
        lam=solution.lam,
        primal_value=pv.value,
        top=top,
        certificate=solution.certificate.certificate,  # of the same dual: not certified twice
    )
