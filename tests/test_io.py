"""Exact number parsing and dataset reading, including every kind of bad input."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from fractions import Fraction as Q
from pathlib import Path

import numpy as np
import pytest

from arrangement.core.errors import InputError
from arrangement.core.io import Dataset, data_dir, default_dataset_path, load_dataset, load_vector
from arrangement.core.numbers import as_fraction, as_matrix, fraction_str, looks_numeric

# ------------------------------------------------------------------------------ numbers

# (input, exact value): one row per rule of as_fraction
EXACT = [
    ("0.1", Q(1, 10)),  # decimal strings are exact, not binary floats
    ("-3/7", Q(-3, 7)),  # ratios
    (" 3 / -7 ", Q(-3, 7)),  # spaces and a negative denominator
    ("1e-3", Q(1, 1000)),  # scientific notation
    ("-2.5E+2", Q(-250)),
    (".5", Q(1, 2)),
    ("5.", Q(5)),
    ("+7", Q(7)),
    ("007", Q(7)),
    ("1e1000", Q(10) ** 1000),  # the largest accepted exponent
    ("1e-1000", Q(1, 10**1000)),
    ("123456789012345678901234567890", Q(123456789012345678901234567890)),  # big ints stay exact
    (0.1, Q(1, 10)),  # a float is its shortest round-trip decimal
    (1 / 3, Q(3333333333333333, 10**16)),
    (-0.0, Q(0)),
    (1e300, Q(10) ** 300),
    (5e-324, Q(5, 10**324)),  # smallest subnormal
    (np.float64(0.1), Q(1, 10)),
    (np.float32(0.1), Q(1, 10)),  # shortest float32 repr
    (np.int8(-4), Q(-4)),
    (np.uint64(2**64 - 1), Q(2**64 - 1)),
    (3, Q(3)),
    (Q(2, 6), Q(1, 3)),
    (Decimal("0.1"), Q(1, 10)),
    (Decimal("-1.5E+3"), Q(-1500)),
]


@pytest.mark.parametrize(("value", "expected"), EXACT, ids=[repr(v) for v, _ in EXACT])
def test_as_fraction_exact(value, expected):
    got = as_fraction(value)
    assert type(got) is Q
    assert got == expected


def test_sympy_rationals():
    import sympy

    assert as_fraction(sympy.Rational(3, 7)) == Q(3, 7)
    assert as_fraction(sympy.Integer(-5)) == Q(-5)


# (input, fragment of the message)
BAD_NUMBERS = [
    ("", "empty"),
    ("   ", "empty"),
    ("abc", "not a number"),
    ("1,5", "not a number"),
    ("1.5/2", "not a number"),
    ("0x10", "not a number"),
    ("1e", "not a number"),
    ("--1", "not a number"),
    ("1/0", "zero denominator"),
    ("nan", "not a finite number"),
    ("NaN", "not a finite number"),
    ("-inf", "not a finite number"),
    ("Infinity", "not a finite number"),
    ("1e1001", "exponent out of range"),
    ("1e-99999", "exponent out of range"),
    # Beyond the interpreter's 4300-digit limit: the exponent is still out of range (issue 12).
    ("1e" + "9" * 5000, "exponent out of range"),
    (float("nan"), "not a finite number"),
    (float("inf"), "not a finite number"),
    (np.float32("inf"), "not a finite number"),
    (Decimal("NaN"), "not a finite number"),
    (Decimal("1E+5000"), "exponent out of range"),
    (True, "boolean"),
    (np.bool_(False), "boolean"),
    (1 + 2j, "not a number"),
    (None, "not a number"),
    ([1], "not a number"),
]


@pytest.mark.parametrize(
    ("value", "fragment"), BAD_NUMBERS, ids=[repr(v)[:30] for v, _ in BAD_NUMBERS]
)
def test_as_fraction_rejects(value, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        as_fraction(value, source="f.csv", row=4)
    assert info.value.one_line().startswith("f.csv: row 4: ")
    assert "\n" not in info.value.one_line()


def test_looks_numeric():
    assert all(looks_numeric(s) for s in ["1", "-0.5", "3/7", "1e5", "nan", "-Inf", " 2 "])
    assert not any(looks_numeric(s) for s in ["x1", "y", "", "1e", "a/b", "sepal_length"])


def test_fraction_str():
    assert [fraction_str(q) for q in (Q(3, 7), Q(-4, 2), Q(0), 5, Q(-1, 3))] == [
        "3/7",
        "-2",
        "0",
        "5",
        "-1/3",
    ]


def test_as_matrix_forms():
    expected = [[Q(1), Q(1, 2)], [Q(-2), Q(1, 4)]]
    assert as_matrix([[1, "0.5"], [-2, 0.25]]) == expected
    assert as_matrix(((1, Q(1, 2)), (-2, Q(1, 4)))) == expected
    assert as_matrix(np.array([[1, 0.5], [-2, 0.25]])) == expected
    assert as_matrix(np.array([[1, 2]], dtype=np.int64)) == [[Q(1), Q(2)]]
    assert as_matrix(np.array([[1, "1/2"]], dtype=object)) == [[Q(1), Q(1, 2)]]
    assert as_matrix([]) == []
    assert as_matrix(np.zeros((0, 3))) == []
    assert as_matrix(iter([(1,), (2,)])) == [[Q(1)], [Q(2)]]


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([[1, 2], [3]], "row 1: expected 2 entries"),
        ([[1, 2], [3, "x"]], "row 1: not a number"),
        ([[1, 2], 3], "row 1: expected a sequence"),
        (["12", "34"], "row 0: expected a sequence"),
        (np.array([1.0, 2.0]), "2-D"),
        (np.array([[1.0, np.nan]]), "row 0: column 2: not a finite"),
        (np.array([["a", "b"]]), "non-numeric array dtype"),
        (np.array([[True]]), "non-numeric array dtype"),
        (5, "expected a table"),
        ("1,2", "expected a table"),
    ],
)
def test_as_matrix_rejects(rows, fragment):
    with pytest.raises(InputError, match=fragment):
        as_matrix(rows)


# ------------------------------------------------------------------------------ files


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_csv_exact_with_header_and_label(tmp_path):
    path = write(tmp_path, "d.csv", "x1,x2,y\n0.1,3/7,1e-3\n-2,0,5\n")
    ds = load_dataset(path)
    assert isinstance(ds, Dataset)
    assert ds.points == ((Q(1, 10), Q(3, 7)), (Q(-2), Q(0)))
    assert ds.labels == (Q(1, 1000), Q(5))
    assert ds.feature_names == ("x1", "x2")
    assert ds.label_name == "y"
    assert ds.source == str(path)
    assert (ds.n_points, ds.n_features) == (2, 2)


def test_csv_label_column_in_the_middle_and_options(tmp_path):
    path = write(tmp_path, "d.csv", "a,target,b,y\n1,2,3,4\n5,6,7,8\n")
    ds = load_dataset(path, label_column="target")
    assert ds.feature_names == ("a", "b", "y")
    assert ds.points == ((Q(1), Q(3), Q(4)), (Q(5), Q(7), Q(8)))
    assert ds.labels == (Q(2), Q(6))
    ds = load_dataset(path)
    assert ds.labels == (Q(4), Q(8)) and ds.feature_names == ("a", "target", "b")
    ds = load_dataset(path, no_label=True)
    assert ds.labels is None and ds.feature_names == ("a", "target", "b", "y")


def test_csv_without_header_has_no_labels(tmp_path):
    path = write(tmp_path, "d.csv", "1,2\n3,4.5\n")
    ds = load_dataset(path)
    assert ds.points == ((Q(1), Q(2)), (Q(3), Q(9, 2)))
    assert ds.labels is None
    assert ds.feature_names == ("x1", "x2")


def test_csv_tolerates_bom_crlf_spaces_blank_and_comment_lines(tmp_path):
    text = "\ufeff# a comment\r\n x1 , y \r\n\r\n 1 , 2 \r\n# another\r\n3,4\r\n\r\n"
    ds = load_dataset(write(tmp_path, "d.csv", text))
    assert ds.points == ((Q(1),), (Q(3),))
    assert ds.labels == (Q(2), Q(4))


def test_csv_quoted_header(tmp_path):
    ds = load_dataset(write(tmp_path, "d.csv", '"sepal, length",y\n1,2\n'))
    assert ds.feature_names == ("sepal, length",)


def test_npy(tmp_path):
    path = tmp_path / "d.npy"
    np.save(path, np.array([[0.1, 2], [3, -0.5]]))
    ds = load_dataset(path)
    assert ds.points == ((Q(1, 10), Q(2)), (Q(3), Q(-1, 2)))
    assert ds.labels is None and ds.feature_names == ("x1", "x2")
    np.save(path, np.array([[1, 2]], dtype=np.int32))
    assert load_dataset(path).points == ((Q(1), Q(2)),)


@pytest.mark.parametrize(
    ("obj", "points", "labels"),
    [
        ([[0.1, "3/7"], [1, 2]], ((Q(1, 10), Q(3, 7)), (Q(1), Q(2))), None),
        ({"points": [[1], [2]], "labels": [0.5, "1/3"]}, ((Q(1),), (Q(2),)), (Q(1, 2), Q(1, 3))),
        ({"X": [[1], [2]], "y": [3, 4]}, ((Q(1),), (Q(2),)), (Q(3), Q(4))),
        ({"X": [[1, 2]]}, ((Q(1), Q(2)),), None),
    ],
)
def test_json_forms(tmp_path, obj, points, labels):
    ds = load_dataset(write(tmp_path, "d.json", json.dumps(obj)))
    assert ds.points == points
    assert ds.labels == labels


def test_json_floats_are_read_as_written(tmp_path):
    # 0.1 in the JSON text is 1/10, and 1e-30 is not rounded through a binary float
    ds = load_dataset(write(tmp_path, "d.json", "[[0.1, 1e-30]]"))
    assert ds.points == ((Q(1, 10), Q(1, 10**30)),)


def test_json_no_label_drops_labels(tmp_path):
    path = write(tmp_path, "d.json", '{"X": [[1], [2]], "y": [3, 4]}')
    assert load_dataset(path, no_label=True).labels is None


def test_bundled_datasets_load():
    for name in [
        "line7",
        "plane_general",
        "plane_degenerate",
        "space3",
        "anscombe1",
        "iris20",
        "counterexample",
    ]:
        ds = load_dataset(data_dir() / f"{name}.csv")
        assert ds.n_points > 0 and ds.n_features >= 1
    assert default_dataset_path().name == "plane_degenerate.csv"
    ds = load_dataset(data_dir() / "counterexample.csv")
    assert ds.points == (
        (Q(-1, 4), Q(-2)),
        (Q(1, 4), Q(-2)),
        (Q(-37, 35), Q(35, 12)),
        (Q(37, 35), Q(35, 12)),
    )
    p = load_vector(data_dir() / "counterexample_dual.csv", length=4, name="p")
    assert p == (Q(74, 35), Q(-74, 35), Q(-74, 175), Q(74, 175))


# (file name, content, expected row or None, fragment of the message). Row numbers are 1-based
# lines of the file, the header being line 1.
BAD_FILES = [
    ("ragged.csv", "x1,x2,y\n1,2,3\n4,5\n", 3, "expected 3 cells"),
    ("ragged_long.csv", "x1,y\n1,2\n3,4\n5,6,7\n", 4, "found 3"),
    ("ragged_noheader.csv", "1,2\n3\n", 2, "expected 2 cells"),
    ("nonnumeric.csv", "x1,y\n1,2\nabc,3\n", 3, "column 'x1': not a number: 'abc'"),
    ("nan.csv", "x1,y\n1,2\nnan,3\n", 3, "not a finite number"),
    ("inf.csv", "x1,y\n1,2\n3,-inf\n", 3, "column 'y': not a finite number"),
    ("exponent.csv", "x1,y\n1e5000,1\n", 2, "exponent out of range"),
    ("empty_cell.csv", "x1,x2\n1,\n", 2, "empty cell"),
    ("empty.csv", "", None, "empty file"),
    ("blank.csv", "\n\n  \n", None, "empty file"),
    ("header_only.csv", "x1,x2,y\n", None, "header only"),
    ("label_only.csv", "y\n1\n2\n", None, "no feature column"),
    ("mixed_header.csv", "x1,2\n1,2\n", 1, "neither a header nor a data row"),
    ("dup_header.csv", "x,x\n1,2\n", 1, "duplicate column name"),
    ("empty_name.csv", "x,,y\n1,2,3\n", 1, "empty column name"),
    ("junk.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "NUL byte"),  # 2 newlines first
    ("latin1.csv", b"x1,y\n1,2\n3,\xe9\n", 3, "not UTF-8"),
    ("quote.csv", 'x1,y\n1,"2\n', 2, "malformed CSV"),
    ("bad.json", "[[1, 2], [3, 4]", 1, "invalid JSON"),
    ("bad2.json", "[\n[1, 2],\n[3, 4],\n]", 4, "invalid JSON"),
    ("scalar.json", "42", None, "expected a list of rows"),
    ("dict.json", '{"rows": [[1]]}', None, "expected a list of rows"),
    ("extra_key.json", '{"X": [[1]], "y": [1], "z": 0}', None, "expected a list of rows"),
    ("flat.json", "[1, 2, 3]", 1, "expected a list of numbers"),
    ("ragged.json", "[[1, 2], [3]]", 2, "expected 2 entries"),
    ("nan.json", "[[1, NaN]]", 1, "not a finite number"),
    ("bool.json", "[[1, true]]", 1, "boolean"),
    ("exp.json", "[[1e1001]]", 1, "exponent out of range"),
    ("labels.json", '{"X": [[1], [2]], "y": [1]}', None, "labels must be a list of 2"),
    ("empty_rows.json", "[]", None, "no data rows"),
    ("no_features.json", "[[], []]", None, "no feature column"),
    ("empty.json", "", None, "empty file"),
    ("junk.json", b"\xff\xfe\x00{", 1, "NUL byte"),
    ("data.txt", "1,2\n", None, "unsupported file type '.txt'"),
    ("noext", "1,2\n", None, "unsupported file type"),
    ("junk.npy", b"this is not an npy file", None, "not a readable .npy array"),
    ("truncated.npy", b"\x93NUMPY\x01\x00", None, "not a readable .npy array"),
]


@pytest.mark.parametrize(
    ("name", "content", "row", "fragment"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_bad_files(tmp_path, name, content, row, fragment):
    path = write(tmp_path, name, content)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    with pytest.raises(InputError) as info:
        load_dataset(path)
    err = info.value
    assert fragment in err.message, err.one_line()
    assert err.source == str(path)
    assert err.row == row, err.one_line()
    assert "\n" not in err.one_line()
    assert err.one_line().startswith(str(path) + ": ")
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before  # never modified


@pytest.mark.parametrize(
    ("array", "fragment", "row"),
    [
        (np.array([1.0, 2.0]), "expected a 2-D array", None),
        (np.zeros((2, 2, 2)), "expected a 2-D array", None),
        (np.array([["1", "2"]]), "non-numeric array dtype", None),
        (np.array([[True, False]]), "non-numeric array dtype", None),
        (np.array([[1 + 1j]]), "non-numeric array dtype", None),
        (np.array([[1.0], [np.inf]]), "not a finite number", 2),
        (np.zeros((0, 2)), "no data rows", None),
        (np.zeros((3, 0)), "no feature column", None),
    ],
)
def test_bad_npy(tmp_path, array, fragment, row):
    path = tmp_path / "a.npy"
    np.save(path, array)
    before = path.read_bytes()
    with pytest.raises(InputError, match=fragment) as info:
        load_dataset(path)
    assert info.value.row == row
    assert path.read_bytes() == before


def test_npy_object_array_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "o.npy"
    np.save(path, np.array([[1, "x"]], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match="not a readable .npy array"):
        load_dataset(path)


def test_missing_and_directory(tmp_path):
    for name in ("missing.csv", "missing.npy", "missing.json"):
        with pytest.raises(InputError, match="no such file") as info:
            load_dataset(tmp_path / name)
        assert info.value.source == str(tmp_path / name)
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match="directory"):
        load_dataset(tmp_path / "dir.csv")


def test_unreadable(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.csv", "x1\n1\n")
    if os.geteuid() == 0:
        # root reads files whatever their mode: make the open itself fail as it would for a user
        import builtins

        real_open = builtins.open

        def guarded(file, *args, **kwargs):
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded)
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            load_dataset(path)
    finally:
        path.chmod(0o644)


def test_label_option_errors(tmp_path):
    path = write(tmp_path, "d.csv", "x1,y\n1,2\n")
    with pytest.raises(InputError, match="no column named 'z'") as info:
        load_dataset(path, label_column="z")
    assert info.value.row == 1
    with pytest.raises(InputError, match="not both"):
        load_dataset(path, label_column="y", no_label=True)
    with pytest.raises(InputError, match="no header row"):
        load_dataset(write(tmp_path, "n.csv", "1,2\n"), label_column="y")
    with pytest.raises(InputError, match="no column names"):
        load_dataset(write(tmp_path, "n.json", "[[1]]"), label_column="y")


def test_load_vector(tmp_path):
    assert load_vector(write(tmp_path, "p.csv", "p\n1/2\n-0.25\n"), length=2, name="p") == (
        Q(1, 2),
        Q(-1, 4),
    )
    assert load_vector(write(tmp_path, "q.csv", "3\n4\n"), length=2) == (Q(3), Q(4))
    with pytest.raises(InputError, match="p has 2 entries, expected 3"):
        load_vector(tmp_path / "p.csv", length=3, name="p")
    with pytest.raises(InputError, match="single column") as info:
        load_vector(write(tmp_path, "w.csv", "p\n1\n2,3\n"), length=2, name="p")
    assert info.value.row == 3
    with pytest.raises(InputError, match="not a finite number") as info:
        load_vector(write(tmp_path, "nan.csv", "p\n1\nnan\n"), length=2, name="p")
    assert info.value.row == 3
    with pytest.raises(InputError, match="empty file"):
        load_vector(write(tmp_path, "e.csv", ""), length=0, name="p")
    with pytest.raises(InputError, match="no such file"):
        load_vector(tmp_path / "absent.csv", length=1, name="p")
