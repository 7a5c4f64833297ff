"""Randomised malformed inputs through the command line (issue 12, item 9).

Hypothesis builds data, dual and atom files that each carry at least one defect (a bad cell, a
ragged row, a NUL byte, invalid UTF-8, a non-ASCII digit, an exponent out of range, an unclosed
quote, a wrong length...) and runs the command in-process through
:func:`arrangement.cli.app.main`. Whatever the defect: no traceback, exactly one line on standard
error, a non-zero exit status, and every input file byte-for-byte unchanged (sha256 before and
after). On CI the examples are fixed (``tests/conftest.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrangement.cli.app import main

GOOD_CELLS = ["0", "1", "-2", "3/7", "0.5", "1e-3", "-4.25", "7"]
BAD_CELLS = [
    "x",
    "",
    "nan",
    "-inf",
    "1/0",
    "1e1001",
    "1e-99999",
    "١٢",
    "１２",
    "1_000",
    "0x10",
    "--1",
    "1..2",
    "٣/٤",
    "+",
    "e5",
    "1e",
    "\u00a0",
    "'3'",
    "9" * 5000 + "x",
]
BYTE_DEFECTS = [b"\x00", b"\xff\xfe", b"\xc3", b'"1,2', b'"1"x,2', b"\r\r\n\x00"]

# A few rows of good numbers (d = 1 or 2, N <= 5: every valid file is quick to process).
rows_st = st.integers(1, 2).flatmap(
    lambda d: st.lists(
        st.lists(st.sampled_from(GOOD_CELLS), min_size=d, max_size=d), min_size=1, max_size=5
    )
)


@st.composite
def malformed_table(draw: st.DrawFn, *, width: int | None = None) -> bytes:
    """CSV bytes with at least one defect."""
    rows = draw(rows_st)
    if width is not None:
        rows = [r[:1] * width for r in rows]
    # A header first, so that a bad word in the first row is a bad cell, not a column name.
    lines = [",".join(f"x{j + 1}" for j in range(len(rows[0])))] + [",".join(r) for r in rows]
    kind = draw(st.sampled_from(["cell", "ragged", "bytes", "empty", "header"]))
    i = draw(st.integers(1, len(lines) - 1))
    if kind == "cell":
        cells = lines[i].split(",")
        bad = draw(st.sampled_from(BAD_CELLS))
        if len(cells) == 1 and not bad.strip():
            bad = "x"  # a lone blank cell is a blank line, which files may have
        cells[draw(st.integers(0, len(cells) - 1))] = bad
        lines[i] = ",".join(cells)
    elif kind == "ragged":
        lines[i] = lines[i] + ",1" if draw(st.booleans()) or "," not in lines[i] else "1"
    elif kind == "header":
        # ("y" over one column of good numbers is a valid dual file: only a defect for data)
        headers = ["x1,x1", "x1,,x2", "a,1", "x1,2"] + (["y"] if width is None else [])
        lines[0] = draw(st.sampled_from(headers))
    elif kind == "empty":
        lines = draw(st.sampled_from([[], ["# only a comment"], ["x1,x2"], ["", " "]]))
    text = "\n".join(lines).encode()
    if kind == "bytes":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(BYTE_DEFECTS)) + text[at:]
    return text


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(argv: list[str], inputs: list[Path]) -> None:
    before = [_sha(p) for p in inputs]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    text = err.getvalue()
    assert code != 0, (argv, out.getvalue())
    assert "Traceback" not in text, text
    assert text.count("\n") == 1 and text.startswith("arrangement: ") and text.endswith("\n"), text
    assert [_sha(p) for p in inputs] == before


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=malformed_table(), suffix=st.sampled_from([".csv", ".json", ".npy"]))
def test_malformed_data_files(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data{suffix}"
        if suffix == ".json":  # the same defects, as JSON text (often not even JSON)
            data = b"[[" + data.replace(b"\n", b"],[") + b"]]"
        path.write_bytes(data)
        out = Path(tmp) / "out.jsonl"
        _run(["regions", str(path), "-o", str(out)], [path])
        assert not out.exists()


@FUZZ
@given(dual=malformed_table(width=1), wrong_length=st.booleans())
def test_malformed_dual_files(dual: bytes, wrong_length: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        data.write_text("x1,x2\n0,0\n1,0\n0,1\n")
        p = Path(tmp) / "p.csv"
        p.write_bytes(b"1\n-1\n" if wrong_length else dual)
        _run(["certify", str(data), "--dual", str(p)], [data, p])
        pic = Path(tmp) / "p.png"
        _run(["plot", str(data), "--dual", str(p), "-o", str(pic)], [data, p])
        assert not pic.exists()


@FUZZ
@given(atoms=malformed_table())
def test_malformed_atom_files(atoms: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        data.write_text("x1\n0\n1\n2\n")
        a = Path(tmp) / "atoms.csv"
        a.write_bytes(atoms)
        _run(["precertify", str(data), "--atoms", str(a)], [data, a])
