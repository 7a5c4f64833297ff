"""Benchmark of enumeration at scale (issue 8): throughput per size, peak memory, Parquet, Dask.

Random integer data in [-30, 30] (fixed seeds), as in the issue. Every measurement runs in its own
subprocess, so that its peak RSS is its own:

* serial throughput (CPU seconds of ``Arrangement.regions()``) at three sizes per dimension
  d = 2, 3, 4, and the ratio of the largest size's throughput to the smallest's;
* (N=200, d=3) streamed to Parquet with ``arrangement regions --format parquet`` (CPU seconds of
  the whole command, peak RSS);
* (N=120, d=3) on a local Dask cluster of 2 workers: work inflation (CPU of all tasks plus the
  client's planning, over the serial CPU; and the CPU of every thread of the worker and client
  processes, Dask's own work included, over the serial CPU) and wall-clock speed-up over the
  serial run. CPU figures hardly depend on the load of a shared machine; wall-clock ones do.

Run from the repository root: ``.venv/bin/python bench/bench_scale.py [--quick] [--no-dask]
[--serial-only]`` (also run by
``make bench`` through bench/bench_regions.py). It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parent.parent
if str(_REPO) not in sys.path:
    sys.path.insert(1, str(_REPO))

BOUND = 30
SIZES = {2: (100, 200, 400), 3: (40, 80, 120), 4: (20, 35, 50)}
QUICK_SIZES = {2: (50, 100), 3: (20, 40), 4: (10, 15)}


def points(n: int, d: int, seed: int = 0) -> list[list[int]]:
    import numpy as np

    rng = np.random.default_rng(1000 * d + seed)
    return rng.integers(-BOUND, BOUND + 1, size=(n, d)).tolist()


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_serial(n: int, d: int) -> dict[str, float]:
    from arrangement import Arrangement

    arr = Arrangement.from_points(points(n, d))
    start = time.process_time()
    regions = arr.regions()
    cpu = time.process_time() - start
    return {"chambers": len(regions), "cpu": cpu, "rss_mib": _rss_mib()}


def _process_cpu() -> float:
    """CPU seconds (user + system, all threads) of the calling process."""
    t = os.times()
    return t.user + t.system


#: Repetitions of each Dask comparison: both sides report their best wall-clock run (the CPU
#: figures are those of that run), as ``bench_regions.py`` does for ours.
REPEAT = 3


def _warm() -> None:
    """Import what a task imports (a long-lived worker has it; the serial side gets it too)."""
    import arrangement.geometry.enumeration  # noqa: F401
    import arrangement.geometry.stream  # noqa: F401


def _serial_once(rows: list[list[int]], parquet_dir: str | None) -> dict[str, float]:
    from arrangement import Arrangement
    from arrangement.geometry.stream import iter_regions, parquet_directory

    arr = Arrangement.from_points(rows)
    start, cpu0 = time.perf_counter(), time.process_time()
    if parquet_dir is None:
        count = len(arr.regions())
    else:
        count = 0
        with parquet_directory(parquet_dir) as add:
            for part in iter_regions(arr):
                add(part)
                count += len(part)
    return {
        "chambers": count,
        "wall": time.perf_counter() - start,
        "cpu": time.process_time() - cpu0,
    }


def child_serial_wall(n: int, d: int, parquet: int = 0) -> dict[str, float]:
    """Best of :data:`REPEAT` serial runs (enumeration, or enumeration + Parquet shards)."""
    _warm()
    runs = []
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(_serial_once(points(n, d), str(Path(tmp) / "out") if parquet else None))
    return min(runs, key=lambda r: r["wall"])


def _dask_once(client: Any, n: int, d: int, parquet_dir: str | None) -> dict[str, float]:
    from arrangement import Arrangement
    from arrangement.distributed.partition import (
        iter_regions_distributed,
        write_parquet_distributed,
    )

    arr = Arrangement.from_points(points(n, d))
    report: list = []
    before = sum(client.run(_process_cpu).values()) + _process_cpu()
    start = time.perf_counter()
    if parquet_dir is None:
        count = sum(len(part) for part in iter_regions_distributed(arr, client, report=report))
        rep = report[0]
    else:
        rep = write_parquet_distributed(arr, client, parquet_dir)
        count = rep.chambers
    wall = time.perf_counter() - start
    # Every thread of the workers and of the client (Dask's own work included).
    processes = sum(client.run(_process_cpu).values()) + _process_cpu() - before
    return {
        "chambers": count,
        "wall": wall,
        "task_cpu": rep.task_cpu,
        "client_cpu": rep.client_cpu,
        "process_cpu": processes,
        "cones": rep.cones,
    }


def child_dask(n: int, d: int, workers: int, parquet: int = 0) -> dict[str, float]:
    """Best of :data:`REPEAT` runs on one local cluster (its start-up is not counted)."""
    from arrangement.distributed.partition import local_client

    _warm()
    with local_client(workers) as client:
        client.run(_warm)  # workers up, with the package imported, before the clock starts
        runs = []
        for _ in range(REPEAT):
            with tempfile.TemporaryDirectory() as tmp:
                out = str(Path(tmp) / "out") if parquet else None
                runs.append(_dask_once(client, n, d, out))
    return min(runs, key=lambda r: r["wall"])


def _spawn(*args: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(_REPO))
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def parquet_run(n: int, d: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        rows = points(n, d)
        header = ",".join(f"x{j}" for j in range(d))
        data.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "arrangement",
                "regions",
                str(data),
                "--no-label",
                "--format",
                "parquet",
                "-o",
                str(Path(tmp) / "out"),
            ],
            check=True,
            env=dict(os.environ, PYTHONPATH=str(_REPO)),
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        import pyarrow.parquet as pq

        count = sum(pq.read_metadata(p).num_rows for p in (Path(tmp) / "out").glob("*.parquet"))
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        return {"chambers": count, "cpu": cpu, "wall": wall, "rss_mib": after.ru_maxrss / 1024}


def report(*, quick: bool = False, dask: bool = True, parquet: bool = True) -> None:
    sizes = QUICK_SIZES if quick else SIZES
    print("enumeration at scale: CPU seconds, peak RSS per run (its own process)")
    print(f"{'N':>5} {'d':>2} {'chambers':>10} {'CPU s':>8} {'chambers/s':>11} {'peak RSS':>9}")
    for d, ns in sizes.items():
        rates = []
        for n in ns:
            res = _spawn("serial", str(n), str(d))
            rate = res["chambers"] / res["cpu"] if res["cpu"] > 0 else float("inf")
            rates.append(rate)
            print(
                f"{n:>5} {d:>2} {int(res['chambers']):>10,} {res['cpu']:>8.2f} {rate:>11,.0f} "
                f"{res['rss_mib']:>6.0f} MiB",
                flush=True,
            )
        print(
            f"      d = {d}: throughput at the largest size / smallest = {rates[-1] / rates[0]:.2f}"
        )
    if not parquet:
        return
    n3 = 60 if quick else 200
    res = parquet_run(n3, 3)
    print(
        f"\nregions --format parquet at (N={n3}, d=3): {int(res['chambers']):,} chambers, "
        f"{res['cpu']:.1f} CPU s, {res['wall']:.1f} s wall, peak RSS {res['rss_mib']:.0f} MiB",
        flush=True,
    )
    if not dask:
        return
    nd = 40 if quick else 120
    for parquet in (0, 1):
        serial = _spawn("serial-wall", str(nd), "3", str(parquet))
        par = _spawn("dask", str(nd), "3", "2", str(parquet))
        what = "each task writes its Parquet shard" if parquet else "chambers sent to the client"
        inflation = (par["task_cpu"] + par["client_cpu"]) / serial["cpu"]
        print(
            f"Dask, 2 local workers at (N={nd}, d=3), {what} (best of {REPEAT} each): "
            f"{int(par['chambers']):,} chambers in {int(par['cones'])} cones (serial "
            f"{int(serial['chambers']):,}); serial {serial['wall']:.2f} s wall, parallel "
            f"{par['wall']:.2f} s wall: speed-up {serial['wall'] / par['wall']:.2f}; work "
            f"inflation {inflation:.2f} (tasks {par['task_cpu']:.2f} + client "
            f"{par['client_cpu']:.2f} CPU s / serial {serial['cpu']:.2f}); all processes "
            f"{par['process_cpu']:.2f} CPU s: inflation {par['process_cpu'] / serial['cpu']:.2f}",
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument(
        "--serial-only", action="store_true", help="only the serial throughput table"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        nums = [int(x) for x in rest]
        fn = {"serial": child_serial, "dask": child_dask, "serial-wall": child_serial_wall}[kind]
        print(json.dumps(fn(*nums)))
        return 0
    serial_only = args.serial_only
    report(quick=args.quick, dask=not (args.no_dask or serial_only), parquet=not serial_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
