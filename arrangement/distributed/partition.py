"""Partitioned enumeration on ``dask.distributed``: one task per cone, shards as they complete.

The chamber set is split into cones (chambers of the sub-arrangement of the first ``m``
hyperplanes, :func:`arrangement.geometry.enumeration.cone_split`); each task enumerates the
chambers inside one cone (:func:`arrangement.geometry.enumeration.enumerate_cone`). The union is
exactly the chamber set, with no duplicate and no gap (docs/theory.md, "Partitioned
enumeration"). The cone-independent work (the chambers of the restriction to every hyperplane, held
in a :class:`~arrangement.geometry.enumeration.Plan`) is done once, in a few tasks per worker
balanced by estimated size; their results stay on the workers and reach each cone task as
dependencies (each worker fetches a batch at most once, never through the client). The top-level
plan is scattered once. There are several cones per worker, handed out dynamically by the
scheduler; oversized cones are split further; results are consumed with
:func:`distributed.as_completed`.

Everything here takes a :class:`distributed.Client`: :func:`local_client` starts a cluster of
local processes, :func:`connect` joins an existing scheduler.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from arrangement.core.errors import ArrangementError, InputError

if TYPE_CHECKING:
    from distributed import Client

    from arrangement.certificates.certificate import BlockCertificate, Certificate
    from arrangement.geometry.arrangement import Arrangement
    from arrangement.geometry.enumeration import Plan
    from arrangement.geometry.regions import Regions

__all__ = [
    "ConeResult",
    "PartitionReport",
    "certify_cone_task",
    "certify_distributed",
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
CONES_PER_WORKER = 4


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
        The chambers, or ``None`` when written to a shard: the per hyperplane signs packed
        eight to a byte (``numpy.packbits`` of ``signs > 0`` along each row, an eighth of the
        ``int8`` matrix on the wire; :meth:`sign_matrix` unpacks them) and the witnesses.
    int_witnesses : bool
        Whether the shard's witnesses are ``int64`` (else decimal strings).
    hyperplanes : int
        Length of each sign vector (the unpacked width of ``signs``).
    """

    cone: int
    count: int
    cpu: float
    signs: np.ndarray | None
    witnesses: np.ndarray | None
    int_witnesses: bool = True
    hyperplanes: int = 0

    def sign_matrix(self) -> np.ndarray:
        """The ``int8`` sign matrix ``(count, hyperplanes)`` of entries ``+1``/``-1``."""
        if self.signs is None:
            raise ArrangementError(f"cone {self.cone} was written to a shard, not sent back")
        bits = np.unpackbits(self.signs, axis=1, count=self.hyperplanes).view(np.int8)
        bits <<= 1  # 0/1 -> -1/+1 in place: 2 b - 1
        bits -= 1
        return bits


@dataclass(frozen=True, slots=True)
class PartitionReport:
    """Totals of a partitioned run: chambers, cones and CPU seconds (tasks and client)."""

    chambers: int
    cones: int
    task_cpu: float
    client_cpu: float


#: Restriction batches per worker (the cone-independent work, balanced by estimated size).
BATCHES_PER_WORKER = 3

#: One batch of restrictions: ``(k, (basis, unique, index, orientation), (signs, witnesses))``.
RestrictionBatch = list[tuple[int, tuple[Any, ...], tuple[Any, ...]]]


def _share(plan: Plan, batches: tuple[tuple[RestrictionBatch, float], ...]) -> Plan:
    """Store the restriction chambers of ``batches`` in ``plan``; return it.

    The plan is shared by every task of a worker process: the first task stores them, the later
    ones find them stored.
    """
    for batch, _ in batches:
        for k, step, cut in batch:
            plan.keep_restriction(k, step, cut)
    return plan


def cone_task(
    plan: Plan,
    cone: np.ndarray,
    number: int,
    rows: tuple[tuple[int, ...], tuple[int, ...]] | None = None,
    shard: str | None = None,
    *batches: tuple[RestrictionBatch, float],
) -> ConeResult:
    """Enumerate the chambers of one cone (a Dask task; module level, so it pickles by name).

    Parameters
    ----------
    plan : Plan
        The shared plan of the arrangement (scattered once; the same object serves every task
        of a worker process).
    cone : numpy.ndarray
        Signs on the first hyperplanes.
    number : int
        The cone's number.
    rows : tuple of numpy.ndarray, optional
        ``(row_to_hyperplane, row_orientation)``; required with ``shard``.
    shard : str, optional
        A Parquet file to write the chambers to (then they are not sent back).
    *batches : tuple
        The results of :func:`restriction_task` (Dask futures resolved on the worker, moved
        there once from the worker that computed them, never through the client).
    """
    from arrangement.geometry.enumeration import enumerate_cone

    start = time.process_time()
    signs, wits = enumerate_cone(_share(plan, batches), cone)
    if shard is not None and rows is not None:
        from arrangement.geometry.regions import Regions
        from arrangement.geometry.stream import write_shard

        fits = write_shard(Regions(signs, wits, rows[0], rows[1]), shard)
        return ConeResult(number, signs.shape[0], time.process_time() - start, None, None, fits)
    packed = np.packbits(signs > 0, axis=1)
    return ConeResult(
        number, signs.shape[0], time.process_time() - start, packed, wits, True, signs.shape[1]
    )


def _count_task(
    plan: Plan, cone: np.ndarray, number: int, *batches: tuple[RestrictionBatch, float]
) -> ConeResult:
    """Count the chambers of one cone (a Dask task)."""
    signs, _, cpu = _cone_chambers_task(plan, cone, *batches)
    return ConeResult(number, signs.shape[0], cpu, None, None)


def restriction_task(plan: Plan, ks: Sequence[int]) -> tuple[RestrictionBatch, float]:
    """Enumerate the chambers of the restrictions to ``H_k``, ``k in ks`` (cone-independent).

    Returns the batch ``[(k, (basis, unique, index, orientation), (signs, witnesses)), ...]``
    and the CPU seconds used.
    """
    from threadpoolctl import threadpool_limits

    from arrangement.geometry.enumeration import Plan

    start = time.process_time()
    local = Plan(plan.normals, plan.dim)  # its sub-plans are dropped with it
    out: RestrictionBatch = []
    with threadpool_limits(limits=1, user_api="blas"):
        for k in ks:
            basis, unique, index, orient, _ = local.step(k)
            out.append((k, (basis, unique, index, orient), local.restriction_chambers(k)))
    return out, time.process_time() - start


def _batches(plan: Plan, count: int) -> list[list[int]]:
    """Split the steps ``1..n-1`` into ``count`` batches of about equal estimated work.

    The restriction to ``H_k`` of ``H_0..H_{k-1}`` has at most Cover's number of chambers for
    ``k`` hyperplanes in dimension ``D - 1``; batches are filled largest first (LPT).
    """
    from arrangement.geometry.size import cover_number

    n, dim = plan.normals.shape[0], plan.dim
    cost = {k: cover_number(k, dim - 1) + k for k in range(1, n)}
    bins: list[list[int]] = [[] for _ in range(max(1, min(count, n - 1)))]
    load = [0] * len(bins)
    for k in sorted(cost, key=lambda j: -cost[j]):
        b = load.index(min(load))
        bins[b].append(k)
        load[b] += cost[k]
    return [sorted(b) for b in bins if b]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A plan on the workers: the scattered plan, the cones and the restriction futures."""

    plan: Any
    cones: list[np.ndarray]
    batches: list[Any]


def plan_cones(arr: Arrangement, *, workers: int, chunk: int) -> tuple[Plan, list[np.ndarray]]:
    """The plan (not yet prepared) and the cones for a run on ``workers`` workers.

    Cones hold about ``min(chunk, total / (CONES_PER_WORKER * workers))`` chambers each, with
    ``total`` from :func:`arrangement.geometry.size.estimate_chambers`; oversized cones are
    split further (:func:`arrangement.geometry.enumeration.cone_split`).
    """
    from arrangement.geometry.enumeration import Plan, cone_split
    from arrangement.geometry.size import estimate_chambers

    total = estimate_chambers(arr).chambers
    plan = Plan(arr.normal_matrix(), arr.dimension)
    target = max(1, min(chunk, -(-total // (CONES_PER_WORKER * max(workers, 1)))))
    return plan, cone_split(plan, target=target, estimate=total)


def _prepare(client: Client, arr: Arrangement, chunk: int) -> _Prepared:
    """Cones on the client; the plan scattered once; the restrictions as tasks on the workers.

    The chambers of the restrictions (the cone-independent half of the work) are enumerated
    once, in ``BATCHES_PER_WORKER`` tasks per worker, and stay on the workers: each cone task
    takes their futures as arguments, so a worker fetches each batch at most once, directly from
    the worker that holds it.
    """
    workers = _workers(client)
    plan, cones = plan_cones(arr, workers=workers, chunk=chunk)
    shared = client.scatter(plan, broadcast=True, hash=False)
    batches: list[Any] = []
    if len(cones) > 1 and plan.shares_restrictions:
        batches = [
            client.submit(restriction_task, shared, ks, pure=False)
            for ks in _batches(plan, BATCHES_PER_WORKER * workers)
        ]
    return _Prepared(shared, cones, batches)


def _workers(client: Client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def _run(
    client: Client,
    fn: Callable[..., ConeResult],
    prep: _Prepared,
    extra: Callable[[int], tuple[Any, ...]],
) -> Iterator[ConeResult]:
    """Submit one task per cone, yield the results as they complete; then the batches' CPU."""
    from distributed import as_completed

    futures = [
        client.submit(fn, prep.plan, cone, k, *extra(k), *prep.batches, pure=False)
        for k, cone in enumerate(prep.cones)
    ]
    try:
        for fut in as_completed(futures):
            res = fut.result()
            fut.release()
            yield res
    finally:
        client.cancel(futures)


def _batch_cpu(client: Client, prep: _Prepared) -> float:
    """CPU seconds of the restriction tasks (their small second field, fetched at the end)."""
    if not prep.batches:
        return 0.0
    cpus = client.gather([client.submit(_second, b, pure=False) for b in prep.batches])
    for fut in prep.batches:
        fut.release()  # not cancel: that would cancel the tasks that depend on them
    return float(sum(cpus))


def _second(pair: tuple[Any, float]) -> float:
    return pair[1]


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
    prep = _prepare(client, arr, chunk)
    total, cpu = 0, 0.0
    for res in _run(client, cone_task, prep, lambda k: (None, None)):
        assert res.witnesses is not None
        total += res.count
        cpu += res.cpu
        if progress is not None:
            progress(total, 0)
        yield Regions(res.sign_matrix(), res.witnesses, arr.row_to_hyperplane, arr.row_orientation)
    cpu += _batch_cpu(client, prep)
    if report is not None:
        report.append(PartitionReport(total, len(prep.cones), cpu, time.process_time() - start))


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
    prep = _prepare(client, arr, chunk)
    rows = (arr.row_to_hyperplane, arr.row_orientation)
    total, cpu = 0, 0.0
    with atomic_directory(path) as tmp:
        tmp_abs = tmp.resolve()

        def extra(k: int) -> tuple[Any, ...]:
            return (rows, str(tmp_abs / f"part-{k:05d}.parquet"))

        for res in _run(client, cone_task, prep, extra):
            total += res.count
            cpu += res.cpu
            if progress is not None:
                progress(total, 0)
        unify_shards(tmp)
    cpu += _batch_cpu(client, prep)
    return PartitionReport(total, len(prep.cones), cpu, time.process_time() - start)


def count_chambers(arr: Arrangement, client: Client) -> PartitionReport:
    """The number of chambers of ``arr``: each cone counts its own, then a sum."""
    start = time.process_time()
    prep = _prepare(client, arr, 1 << 19)
    total, cpu = 0, 0.0
    for res in _run(client, _count_task, prep, lambda k: ()):
        total += res.count
        cpu += res.cpu
    cpu += _batch_cpu(client, prep)
    arr.record_region_count(total)
    return PartitionReport(total, len(prep.cones), cpu, time.process_time() - start)


# ---------------------------------------------------------------------------- certify


def _cone_chambers_task(
    plan: Plan, cone: np.ndarray, *batches: tuple[RestrictionBatch, float]
) -> tuple[np.ndarray, np.ndarray, float]:
    """The chambers ``(signs, witnesses)`` of one cone and the CPU seconds (kept on a worker)."""
    from arrangement.geometry.enumeration import enumerate_cone

    start = time.process_time()
    signs, wits = enumerate_cone(_share(plan, batches), cone)
    return signs, wits, time.process_time() - start


def certify_cone_task(
    arr: Arrangement,
    dual: tuple[Fraction, ...],
    chambers: tuple[np.ndarray, np.ndarray, float],
    cone: int,
    iterations: int,
    rounds: int,
    tolerance: Fraction | None,
) -> tuple[BlockCertificate, int, float]:
    """Certify the chambers of one cone (a Dask task): its block, its size and the CPU used.

    ``cone`` is the number of hyperplanes that define the cone; they are walls of every chamber
    of the block (:func:`arrangement.certificates.certificate.certify_block`).
    """
    from arrangement.certificates.certificate import certify_block

    start = time.process_time()
    signs, wits, used = chambers
    block = certify_block(
        arr, dual, signs, wits, iterations=iterations, rounds=rounds, tolerance=tolerance, cone=cone
    )
    # The projections are numbered within the cone: of no use to the client, not sent.
    block = dataclasses.replace(block, projections={})
    return block, signs.shape[0], used + time.process_time() - start


def _faces_task(
    chambers: tuple[np.ndarray, np.ndarray, float], faces: list[tuple[int, ...]]
) -> list[tuple[int, ...]]:
    """For each face, the cone's chambers (local indices) whose closure holds it."""
    from arrangement.certificates.certificate import chambers_containing

    of = chambers_containing(chambers[0])
    return [of(face) for face in faces]


def certify_distributed(
    arr: Arrangement,
    dual: Sequence[Any],
    client: Client,
    *,
    iterations: int = 15,
    rounds: int = 4,
    tol: Any = None,
    chunk: int = 1 << 19,
    report: list[PartitionReport] | None = None,
) -> Certificate:
    """:func:`~arrangement.certificates.certificate.certify`, cone by cone on ``client``.

    Each cone's chambers are enumerated and certified by the workers
    (:func:`~arrangement.certificates.certificate.certify_block`: the cone's sup and its
    extreme points), then reduced on the client
    (:func:`~arrangement.certificates.certificate.reduce_blocks`). ``sup_norm_squared``, the
    maximisers and the near-maximisers equal those of the serial :func:`certify` exactly; the
    counts of exact chambers and projections differ (they depend on the order of the pruning).

    Chamber indices (``ExtremePoint.chambers``): when ``arr`` holds its chambers
    (``arr.regions()`` was computed), they index ``arr.regions()``, as in the serial result;
    otherwise they index the *partitioned order*: the cones in the order of
    :func:`arrangement.geometry.enumeration.cone_split`, each cone's chambers in the order
    :func:`arrangement.geometry.enumeration.enumerate_cone` returns them (what
    :func:`iter_regions_distributed` yields, sorted by cone). No process holds every chamber;
    the number of chambers is recorded on ``arr`` (:meth:`Arrangement.record_region_count`).

    Parameters
    ----------
    arr : Arrangement
    dual : sequence
        ``p``, one exact number per input row.
    client : distributed.Client
    iterations, rounds, tol
        As for :func:`~arrangement.certificates.certificate.certify`.
    chunk : int, optional
        The largest number of chambers per cone to aim for.
    report : list, optional
        Receives one :class:`PartitionReport`.

    Returns
    -------
    Certificate
    """
    from arrangement.certificates.certificate import (
        chambers_containing,
        dual_vector,
        reduce_blocks,
    )
    from arrangement.core.numbers import as_fraction, fraction_str

    start = time.process_time()
    p = dual_vector(arr, dual)
    tolerance = None if tol is None else as_fraction(tol, source="tol")
    if tolerance is not None and not 0 <= tolerance < 1:
        raise InputError(f"the tolerance must satisfy 0 <= tol < 1, got {fraction_str(tolerance)}")
    held = arr._cache.get("regions")
    prep = _prepare(client, arr, chunk)
    light = client.scatter(dataclasses.replace(arr, _cache={}), broadcast=True, hash=False)
    chambers = [
        client.submit(_cone_chambers_task, prep.plan, cone, *prep.batches, pure=False)
        for cone in prep.cones
    ]
    tasks = [
        client.submit(
            certify_cone_task, light, p, ch, len(cone), iterations, rounds, tolerance, pure=False
        )
        for ch, cone in zip(chambers, prep.cones, strict=True)
    ]
    try:
        results = client.gather(tasks)
        blocks = [b for b, _, _ in results]
        counts = [c for _, c, _ in results]
        cpu = sum(c for _, _, c in results) + _batch_cpu(client, prep)
        if held is not None:
            chambers_of = chambers_containing(np.asarray(held.hyperplane_signs))
        else:
            faces = _candidate_faces(arr, blocks, tolerance)
            located = client.gather(
                [client.submit(_faces_task, ch, faces, pure=False) for ch in chambers]
            )
            offsets = np.concatenate([[0], np.cumsum(counts)]).tolist()
            table = {
                face: tuple(
                    offsets[c] + i for c, per_cone in enumerate(located) for i in per_cone[j]
                )
                for j, face in enumerate(faces)
            }
            chambers_of = table.__getitem__
    finally:
        client.cancel(chambers + tasks)
    arr.record_region_count(sum(counts))
    cert = reduce_blocks(arr, p, blocks, chambers_of, tolerance=tolerance)
    if report is not None:
        report.append(
            PartitionReport(sum(counts), len(prep.cones), cpu, time.process_time() - start)
        )
    return cert


def _candidate_faces(
    arr: Arrangement, blocks: list[BlockCertificate], tolerance: Fraction | None
) -> list[tuple[int, ...]]:
    """The faces of every point the reduction can report (value = sup, or >= the floor)."""
    best = max((b.best for b in blocks), default=Fraction(0))
    floor = None if tolerance is None else (1 - tolerance) ** 2
    directions = {
        d
        for b in blocks
        for _, d, v in b.points
        if (v == best and best > 0) or (floor is not None and v >= floor)
    }
    return sorted({arr.hyperplane_signs_of(d) for d in directions})


#: Settings of the local cluster. Dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` also fixes
#: glibc's mmap threshold, so every large temporary array of the kernel is mapped and faulted in
#: afresh: 30-60 % more CPU per task, measured. The statistical profiler samples the task thread
#: every 10 ms (GIL and CPU); it is off.
_LOCAL_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@contextlib.contextmanager
def _sigint_deferred(*, block: bool = False) -> Iterator[None]:
    """Hold back Ctrl-C in the block (a cluster's start or close): act on it at the block's end.

    Starting or closing a cluster cannot be abandoned half way: an interrupt there would leave
    worker processes behind (and Dask's exit handler waits 10 s for them). Inside the block a
    SIGINT is only recorded; at its end the handler that was in place is called once for it, so
    the command stops as usual. Outside the main thread, or when SIGINT is not handled by Python
    (ignored, default), nothing changes.

    With ``block``, SIGINT is also blocked in this thread, so the threads the block starts, and
    the processes they spawn (Dask's workers), inherit the block and never see a terminal Ctrl-C:
    only this process handles it, and no worker prints a traceback. Multiprocessing's resource
    tracker is started first, because starting it unblocks SIGINT in the calling thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    handler = previous if callable(previous) else None
    mask = None
    if block and hasattr(signal, "pthread_sigmask"):
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    interrupts: list[int] = []
    if handler is not None:
        signal.signal(signal.SIGINT, lambda signum, frame: interrupts.append(signum))
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending Ctrl-C is recorded
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
            if interrupts:
                handler(signal.SIGINT, None)  # the Ctrl-C of the block, handled as usual


@contextlib.contextmanager
def local_client(workers: int) -> Iterator[Client]:
    """A :class:`distributed.Client` on a new local cluster of ``workers`` processes.

    One thread per process (the kernel is single-threaded numpy). The cluster is closed on exit,
    also on Ctrl-C; the workers never see Ctrl-C, and one during the cluster's start or close
    takes effect as soon as that is over (:func:`_sigint_deferred`).
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"--workers must be a positive integer, got {workers!r}")
    import logging

    import dask
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    with _sigint_deferred(block=True), dask.config.set(_LOCAL_CONFIG):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # no fixed port to collide with another cluster
            silence_logs=logging.CRITICAL,
        )
    try:
        with _sigint_deferred():
            client = Client(cluster)
        try:
            yield client
        finally:
            with _sigint_deferred():
                client.close()
    finally:
        with _sigint_deferred():
            cluster.close()


async def _identity(address: str, timeout: float) -> dict[str, Any]:
    """What the server at ``address`` says it is (Dask's ``identity`` call), within ``timeout``.

    Raises
    ------
    ArrangementError
        Naming what went wrong: a malformed address, no connection, no answer, or an answer
        that is not Dask's.
    """
    import asyncio

    from distributed.comm import connect as open_comm
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend
    from distributed.core import send_recv

    where = f"cannot reach the Dask scheduler at {address or repr(address)}"
    silent = f"{where}: no Dask answer within {timeout:g} s"
    foreign = f"{where}: the server there does not speak Dask"
    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme != "inproc":
            parse_host_port(location)
    except ValueError as exc:
        raise ArrangementError(f"{where}: not a Dask address ({exc})") from None
    try:
        comm = await asyncio.wait_for(open_comm(address, timeout=timeout), timeout + 0.5)
    except TimeoutError:  # before OSError, its base class: connected, but no handshake
        raise ArrangementError(silent) from None
    except OSError:
        raise ArrangementError(
            f"{where}: no connection within {timeout:g} s (nothing listens there, or the host "
            "is unknown or unreachable)"
        ) from None
    except Exception:  # noqa: BLE001  (a server speaking another protocol: any failure)
        raise ArrangementError(foreign) from None
    try:
        reply = await asyncio.wait_for(send_recv(comm, op="identity"), timeout)
    except TimeoutError:
        raise ArrangementError(silent) from None
    except Exception:  # noqa: BLE001
        raise ArrangementError(foreign) from None
    finally:
        comm.abort()
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind.lower()}" if isinstance(kind, str) else "not Dask"
        raise ArrangementError(f"{where}: the server there is {what}, not a scheduler")
    return reply


def _check_scheduler(address: str, timeout: float) -> None:
    """Refuse ``address`` unless a Dask scheduler answers there within ``timeout`` seconds.

    :class:`distributed.Client` alone hangs on a port that accepts and stays silent, and on one
    that answers in another protocol (HTTP) it may try to allocate a frame of the length the
    first bytes spell (a ``MemoryError``). The question (:func:`_identity`) is asked in a thread
    of its own with its own event loop, bounded by ``timeout``, so it also works where a loop
    already runs (Jupyter).
    """
    import asyncio
    import concurrent.futures

    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dask-probe")
    try:
        pool.submit(asyncio.run, _identity(address, timeout)).result(2 * timeout + 1.0)
    except TimeoutError:
        raise ArrangementError(
            f"cannot reach the Dask scheduler at {address}: no Dask answer within {timeout:g} s"
        ) from None
    finally:
        pool.shutdown(wait=False)  # the question is bounded: the thread ends on its own


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
    _check_scheduler(address, timeout)
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError, ValueError, MemoryError) as exc:
        raise ArrangementError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
            f"({type(exc).__name__})"
        ) from None
    try:
        yield client
    finally:
        with _sigint_deferred():
            client.close()
