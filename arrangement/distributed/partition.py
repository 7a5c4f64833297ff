"""Partitioned enumeration on ``dask.distributed``: one task per cone, shards as they complete.

The chamber set is split into cones (chambers of the sub-arrangement of the first ``m``
hyperplanes, :func:`arrangement.geometry.enumeration.cone_split`); each task enumerates the
chambers inside one cone (:func:`arrangement.geometry.enumeration.enumerate_cone`). The union is
exactly the chamber set, with no duplicate and no gap (docs/theory.md, "Partitioned
enumeration"). The cone-independent work (the chambers of the restriction to every hyperplane, held
in a :class:`~arrangement.geometry.enumeration.Plan`) is done once, one task per hyperplane, and the
plan is scattered to the workers once. There are
several cones per worker, handed out dynamically by the scheduler; results are consumed with
:func:`distributed.as_completed`.

Everything here takes a :class:`distributed.Client`: :func:`local_client` starts a cluster of
local processes, :func:`connect` joins an existing scheduler.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import ArrangementError, InputError

if TYPE_CHECKING:
    from distributed import Client

    from arrangement.geometry.arrangement import Arrangement
    from arrangement.geometry.enumeration import Plan
    from arrangement.geometry.regions import Regions

__all__ = [
    "ConeResult",
    "PartitionReport",
    "cone_task",
    "connect",
    "count_chambers",
    "iter_regions_distributed",
    "local_client",
    "plan_cones",
    "restriction_task",
    "write_parquet_distributed",
]

#: Cones per worker to aim for (dynamic scheduling evens out unequal cones).
CONES_PER_WORKER = 2


@dataclass(frozen=True, slots=True)
class ConeResult:
    """What one cone task sends back.

    Attributes
    ----------
    cone : int
        The cone's number.
    count : int
        Chambers in the cone.
    cpu : float
        CPU seconds the task used.
    signs, witnesses : numpy.ndarray or None
        The chambers (per hyperplane signs, witnesses), or ``None`` when written to a shard.
    int_witnesses : bool
        Whether the shard's witnesses are ``int64`` (else decimal strings).
    """

    cone: int
    count: int
    cpu: float
    signs: np.ndarray | None
    witnesses: np.ndarray | None
    int_witnesses: bool = True


@dataclass(frozen=True, slots=True)
class PartitionReport:
    """Totals of a partitioned run: chambers, cones and CPU seconds (tasks and client)."""

    chambers: int
    cones: int
    task_cpu: float
    client_cpu: float


def cone_task(
    plan: Plan,
    cone: np.ndarray,
    number: int,
    rows: tuple[tuple[int, ...], tuple[int, ...]] | None = None,
    shard: str | None = None,
) -> ConeResult:
    """Enumerate the chambers of one cone (a Dask task; module level, so it pickles by name).

    Parameters
    ----------
    plan : Plan
        The shared plan of the arrangement.
    cone : numpy.ndarray
        Signs on the first hyperplanes.
    number : int
        The cone's number.
    rows : tuple of numpy.ndarray, optional
        ``(row_to_hyperplane, row_orientation)``; required with ``shard``.
    shard : str, optional
        A Parquet file to write the chambers to (then they are not sent back).
    """
    from arrangement.geometry.enumeration import enumerate_cone

    start = time.process_time()
    signs, wits = enumerate_cone(plan, cone)
    if shard is not None and rows is not None:
        from arrangement.geometry.regions import Regions
        from arrangement.geometry.stream import write_shard

        fits = write_shard(Regions(signs, wits, rows[0], rows[1]), shard)
        return ConeResult(number, signs.shape[0], time.process_time() - start, None, None, fits)
    return ConeResult(number, signs.shape[0], time.process_time() - start, signs, wits)


def _count_task(plan: Plan, cone: np.ndarray, number: int) -> ConeResult:
    """Count the chambers of one cone (a Dask task)."""
    res = cone_task(plan, cone, number)
    return ConeResult(res.cone, res.count, res.cpu, None, None)


def restriction_task(plan: Plan, k: int) -> tuple[int, tuple[Any, ...], tuple[Any, ...], float]:
    """Enumerate the chambers of the restriction to ``H_k`` (a Dask task, cone-independent).

    Returns ``(k, (basis, unique, index, orientation), (signs, witnesses), cpu seconds)``.
    """
    start = time.process_time()
    basis, unique, index, orient, _ = plan.step(k)
    cut = plan.restriction_chambers(k)
    return k, (basis, unique, index, orient), cut, time.process_time() - start


def plan_cones(
    arr: Arrangement, *, workers: int, chunk: int, client: Client | None = None
) -> tuple[Plan, list[np.ndarray], float]:
    """The shared plan and the cones for a run on ``workers`` workers.

    Cones hold about ``min(chunk, total / (CONES_PER_WORKER * workers))`` chambers each, with
    ``total`` from :func:`arrangement.geometry.size.estimate_chambers`. With more than one cone
    and the numpy path (:attr:`~arrangement.geometry.enumeration.Plan.shares_restrictions`),
    the chambers of every restriction (the cone-independent part of the work) are enumerated
    once, one task per hyperplane on ``client`` (locally without one), and stored in the plan.
    Returns the plan, the cones and the CPU seconds of the restriction tasks.
    """
    from arrangement.geometry.enumeration import Plan, cone_split
    from arrangement.geometry.size import estimate_chambers

    total = estimate_chambers(arr).chambers
    plan = Plan(arr.normal_matrix(), arr.dimension)
    target = max(1, min(chunk, -(-total // (CONES_PER_WORKER * max(workers, 1)))))
    cones = cone_split(plan, target=target, estimate=total)
    cpu = 0.0
    if len(cones) > 1 and plan.shares_restrictions:
        if client is None:
            plan.prepare()
        else:
            from distributed import as_completed

            shared = client.scatter(Plan(plan.normals, plan.dim), broadcast=True, hash=False)
            n = plan.normals.shape[0]
            futures = [client.submit(restriction_task, shared, k, pure=False) for k in range(1, n)]
            try:
                for fut in as_completed(futures):
                    k, step, cut, used = fut.result()
                    fut.release()
                    plan.keep_restriction(k, step, cut)
                    cpu += used
            finally:
                client.cancel(futures)
    return plan, cones, cpu


def _workers(client: Client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def _run(
    client: Client,
    fn: Callable[..., ConeResult],
    plan: Plan,
    cones: list[np.ndarray],
    extra: Callable[[int], tuple[Any, ...]],
) -> Iterator[ConeResult]:
    from distributed import as_completed

    shared = client.scatter(plan, broadcast=True, hash=False)
    futures = [
        client.submit(fn, shared, cone, k, *extra(k), pure=False) for k, cone in enumerate(cones)
    ]
    try:
        for fut in as_completed(futures):
            res = fut.result()
            fut.release()
            yield res
    finally:
        client.cancel(futures)


def iter_regions_distributed(
    arr: Arrangement,
    client: Client,
    *,
    chunk: int = 1 << 19,
    progress: Callable[[int, int], None] | None = None,
    report: list[PartitionReport] | None = None,
) -> Iterator[Regions]:
    """Yield the chambers of ``arr`` cone by cone as the workers of ``client`` finish them.

    Every chamber appears exactly once; the order of the cones is the order of completion.
    ``report`` (a list), if given, receives one :class:`PartitionReport` at the end.
    """
    from arrangement.geometry.regions import Regions

    start = time.process_time()
    plan, cones, cpu = plan_cones(arr, workers=_workers(client), chunk=chunk, client=client)
    total = 0
    for res in _run(client, cone_task, plan, cones, lambda k: ()):
        assert res.signs is not None and res.witnesses is not None
        total += res.count
        cpu += res.cpu
        if progress is not None:
            progress(total, 0)
        yield Regions(res.signs, res.witnesses, arr.row_to_hyperplane, arr.row_orientation)
    if report is not None:
        report.append(PartitionReport(total, len(cones), cpu, time.process_time() - start))


def write_parquet_distributed(
    arr: Arrangement,
    client: Client,
    directory: str | Path,
    *,
    chunk: int = 1 << 19,
    progress: Callable[[int, int], None] | None = None,
) -> PartitionReport:
    """Write the chambers of ``arr`` as Parquet shards, one per cone, each by its own task.

    ``directory`` must not exist or be empty; it appears complete or not at all. The workers
    write the shards themselves, so with remote workers ``directory`` must be on a file system
    they share with the client.
    """
    from arrangement.core.atomic import atomic_directory
    from arrangement.geometry.stream import check_output_directory, unify_shards

    start = time.process_time()
    path = check_output_directory(directory)
    plan, cones, cpu = plan_cones(arr, workers=_workers(client), chunk=chunk, client=client)
    rows = (arr.row_to_hyperplane, arr.row_orientation)
    total = 0
    with atomic_directory(path) as tmp:
        tmp_abs = tmp.resolve()

        def extra(k: int) -> tuple[Any, ...]:
            return (rows, str(tmp_abs / f"part-{k:05d}.parquet"))

        for res in _run(client, cone_task, plan, cones, extra):
            total += res.count
            cpu += res.cpu
            if progress is not None:
                progress(total, 0)
        unify_shards(tmp)
    return PartitionReport(total, len(cones), cpu, time.process_time() - start)


def count_chambers(arr: Arrangement, client: Client) -> PartitionReport:
    """The number of chambers of ``arr``: each cone counts its own, then a sum."""
    start = time.process_time()
    plan, cones, cpu = plan_cones(arr, workers=_workers(client), chunk=1 << 19, client=client)
    total = 0
    for res in _run(client, _count_task, plan, cones, lambda k: ()):
        total += res.count
        cpu += res.cpu
    return PartitionReport(total, len(cones), cpu, time.process_time() - start)


@contextlib.contextmanager
def local_client(workers: int) -> Iterator[Client]:
    """A :class:`distributed.Client` on a new local cluster of ``workers`` processes.

    One thread per process (the kernel is single-threaded numpy). The cluster is closed on exit,
    also on Ctrl-C.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"--workers must be a positive integer, got {workers!r}")
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    # The worker processes ignore Ctrl-C (the disposition survives their start): only this
    # process handles it, and it closes the cluster, so a terminal interrupt never prints the
    # workers' tracebacks.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # no fixed port to collide with another cluster
            silence_logs=logging.CRITICAL,
        )
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


@contextlib.contextmanager
def connect(address: str, *, timeout: float = 3.0) -> Iterator[Client]:
    """A :class:`distributed.Client` connected to the scheduler at ``address``.

    Raises
    ------
    ArrangementError
        If no scheduler answers within ``timeout`` seconds.
    """
    import logging

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ArrangementError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
            f"({type(exc).__name__})"
        ) from None
    try:
        yield client
    finally:
        client.close()
