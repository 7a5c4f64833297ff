"""Ctrl-C at random moments of real ``arrangement`` processes (issue 12, items 2 and 6).

Each test starts the installed command in a subprocess and sends it SIGINT after a random delay
(seeded: the same delays on every run). Whatever the moment, the process must end either
normally or with exactly ``arrangement: interrupted`` and status 130, and an output file must be
either the previous file, untouched, or the complete new one, with no temporary file left.

The moments of the import test start once the interpreter itself is running the ``arrangement``
entry point: before that (the interpreter's own start-up, about the time of ``python -c pass``)
no code of the package exists to handle the signal. The delays are therefore measured from a
calibration: the time a fresh interpreter takes to import ``arrangement.cli``.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-c", "import sys; from arrangement.cli import main; sys.exit(main())"]
OLD = "the previous output\n"


def _dataset(path: Path, n: int) -> Path:
    rng = random.Random(n)
    rows = [",".join(str(rng.randint(-50, 50)) for _ in range(3)) for _ in range(n)]
    path.write_text("x1,x2,x3\n" + "\n".join(rows) + "\n")
    return path


def _interrupt(argv: list[str], delay: float, cwd: Path) -> tuple[int, str]:
    proc = subprocess.Popen(
        COMMAND + argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def _startup_seconds() -> float:
    """How long a fresh interpreter takes to reach the entry point (the slowest of three)."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import arrangement.cli"], check=True)
        times.append(time.perf_counter() - t)
    return max(times)


def _assert_clean_end(code: int, err: str) -> None:
    assert "Traceback" not in err, err
    if code == 130:
        assert err == "arrangement: interrupted\n", err
    else:
        assert code == 0 and err == "", (code, err)


@pytest.mark.parametrize(
    ("argv", "suffix", "n"),
    [(["regions"], ".jsonl", 45), (["graph"], ".graphml", 24)],
)
def test_interrupted_outputs_are_old_or_complete(tmp_path, argv, suffix, n):
    data = _dataset(tmp_path / "data.csv", n)
    out = tmp_path / f"out{suffix}"
    done = subprocess.run(COMMAND + [*argv, str(data), "-o", str(out)], capture_output=True)
    assert done.returncode == 0, done.stderr
    complete = out.read_bytes()
    rng = random.Random(f"{argv}{suffix}")
    for _ in range(3):
        out.write_text(OLD)
        code, err = _interrupt([*argv, str(data), "-o", str(out)], rng.uniform(0.05, 1.2), tmp_path)
        _assert_clean_end(code, err)
        assert out.read_bytes() == (complete if code == 0 else OLD.encode())
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", out.name]


def test_interrupt_during_imports(tmp_path):
    """The finding: Ctrl-C in the first 0.2 s printed a KeyboardInterrupt traceback."""
    data = _dataset(tmp_path / "data.csv", 12)
    start = _startup_seconds()
    rng = random.Random(6)
    # From just after the entry point starts (imports of numpy, python-flint and the commands
    # follow) to well into the command.
    for delay in sorted(rng.uniform(start, start + 0.5) for _ in range(5)):
        code, err = _interrupt(["stats", str(data)], delay, tmp_path)
        _assert_clean_end(code, err)


def test_interrupt_with_local_workers(tmp_path):
    """Ctrl-C during a ``--workers`` run: during the cluster's start, the count or its close.

    The finding (issue 8): the cluster started with SIGINT ignored, so a Ctrl-C in that second
    was lost and the run ended with status 0; one during the close left the workers running for
    Dask's 10 s exit handler. Every such run lasts several seconds (100 points in R^3), so each
    interrupt must end it with status 130, one line and no traceback from any worker.
    """
    data = _dataset(tmp_path / "data.csv", 100)
    start = _startup_seconds()
    rng = random.Random(8)
    for delay in sorted(rng.uniform(start, start + 1.5) for _ in range(5)):
        code, err = _interrupt(["stats", str(data), "--workers", "2"], delay, tmp_path)
        lines = [line for line in err.splitlines() if "chambers" not in line]  # the size line
        assert code == 130 and lines == ["arrangement: interrupted"], (delay, code, err)


def test_sigint_deferred_acts_at_the_end():
    """Inside :func:`_sigint_deferred` a SIGINT is held back, then handled once at the end."""
    import os
    import threading

    from arrangement.distributed.partition import _sigint_deferred

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        reached = []
        with pytest.raises(KeyboardInterrupt):
            with _sigint_deferred(block=True):
                seen: list[set[int]] = []
                thread = threading.Thread(
                    target=lambda: seen.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
                )
                thread.start()
                thread.join()
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
                reached.append(True)  # not interrupted inside the block
        assert reached == [True]
        assert signal.SIGINT in seen[0]  # a thread started in the block inherits the block
        assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        with _sigint_deferred():
            pass  # no interrupt: nothing raised
    finally:
        signal.signal(signal.SIGINT, previous)


def test_interrupt_swallowed_by_a_finaliser_still_ends_130(monkeypatch, capsys):
    """A Ctrl-C that lands in a finaliser is swallowed by Python ("Exception ignored", the run
    went on to status 0: seen in a clean-clone run with --workers); it must still end 130, with
    one line and no report of the ignored exception."""
    import arrangement.cli as cli
    import arrangement.cli.app as app

    class Finalised:
        def __del__(self) -> None:
            cli._interrupt(signal.SIGINT, None)

    def command(argv: object) -> int:
        Finalised()  # collected at once: the KeyboardInterrupt is unraisable
        return 0

    monkeypatch.setattr(app, "main", command)
    previous = signal.getsignal(signal.SIGINT)
    try:
        assert cli.main(["stats"]) == 130
    finally:
        signal.signal(signal.SIGINT, previous)
    assert capsys.readouterr().err == "arrangement: interrupted\n"
