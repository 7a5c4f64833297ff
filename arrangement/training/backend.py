"""The Clarabel backend: settings, the call, and its statuses turned into errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import InputError, SolverError

if TYPE_CHECKING:
    pass

from arrangement.training.solution import ACCEPTED_STATUSES

__all__ = [
    "clarabel_settings",
    "run_clarabel",
    "status_name",
]


def clarabel_settings(
    tol: float, max_iter: int, verbose: bool, options: Mapping[str, Any] | None = None
) -> Any:
    """Clarabel settings: the tolerances, then any further ``options`` by name."""
    import clarabel

    if not (0 < tol < 1):
        raise InputError(f"tol must be in (0, 1), got {tol}")
    if max_iter < 1:
        raise InputError(f"max_iter must be positive, got {max_iter}")
    settings = clarabel.DefaultSettings()
    settings.verbose = verbose
    settings.max_iter = max_iter
    settings.tol_gap_abs = tol
    settings.tol_gap_rel = tol
    settings.tol_feas = tol
    for name, value in (options or {}).items():
        if name.startswith("_") or not hasattr(settings, name):
            raise InputError(f"unknown Clarabel setting {name!r}")
        try:
            setattr(settings, name, value)
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad value for Clarabel setting {name!r}: {exc}") from None
    return settings


def run_clarabel(
    p: Any, q: np.ndarray, a: Any, b: np.ndarray, cones: list[Any], settings: Any, what: str
) -> Any:
    """Solve with Clarabel; raise :class:`SolverError` on any status but (almost) solved."""
    import clarabel

    try:
        solver = clarabel.DefaultSolver(p, q, a, b, cones, settings)
        sol = _interruptible(solver.solve)
    except Exception as exc:  # the Rust extension raises plain exceptions on bad data
        raise SolverError(f"Clarabel could not solve {what}: {exc}") from exc
    status = status_name(sol.status)
    if status not in ACCEPTED_STATUSES:
        hint = {
            "PrimalInfeasible": "the problem is infeasible",
            "DualInfeasible": "the problem is unbounded",
            "MaxIterations": "raise max_iter or loosen tol",
            "MaxTime": "the time limit was reached",
            "NumericalError": "numerical trouble; try a looser tol or rescale the data",
            "InsufficientProgress": "numerical trouble; try a looser tol or rescale the data",
        }.get(status, "no usable solution")
        if status == "PrimalInfeasible" and what.startswith("P_"):
            # P_lam is always feasible, and P_0 is once the labels of repeated points agree
            # (checked exactly before the solve): a claim of infeasibility is numerical.
            hint = (
                "but the problem is feasible (decided exactly): a numerical failure; try a "
                "looser tol" + (" or lam > 0" if what == "P_0" else "")
            )
        raise SolverError(f"Clarabel did not solve {what}: status {status} ({hint})")
    return sol


def _interruptible(call: Any) -> Any:
    """Run ``call()`` in a daemon thread and wait for it in short slices.

    Clarabel's solve runs in Rust and does not look at signals; waiting here in slices lets
    Ctrl-C raise :class:`KeyboardInterrupt` in the main thread within a fraction of a second
    (the abandoned solve ends with the process).
    """
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except Exception as exc:  # handed to the caller below
            box["error"] = exc

    worker = threading.Thread(target=target, name="clarabel", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
    if "error" in box:
        raise box["error"]
    return box["value"]


def status_name(status: Any) -> str:
    """The name of a Clarabel status (``"Solved"``, ``"MaxIterations"``, ...)."""
    text = str(status)
    return text.rsplit(".", 1)[-1]
