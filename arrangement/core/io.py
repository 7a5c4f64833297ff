"""Reading datasets from files, exactly and with precise error messages.

Three file formats are read, chosen by the file suffix:

``.csv``
    Comma-separated text (UTF-8, an optional byte-order mark). The first non-blank line is a
    header when one of its cells is not a number; otherwise every column is a feature and there
    are no labels. With a header, the column named ``y`` is the label (``label_column=NAME``
    picks another, ``no_label=True`` makes every column a feature). Blank lines and lines starting
    with ``#`` are skipped. Every cell must be a number in the syntax of
    :func:`arrangement.core.numbers.as_fraction` (``0.1``, ``-3/7``, ``2.5e-3``).
``.tsv``
    The same with tab-separated cells.
``-``
    Standard input: JSON when the first non-blank character is ``[`` or ``{``, TSV when the
    first non-blank line has a tab and no comma, CSV otherwise. Empty input is an error.
``.npy``
    A 2-D numpy array of integers or floats (``N x d``), all columns features, no labels.
    Pickled (object) arrays are refused.
``.json``
    Either a list of rows (``[[x11, x12], [x21, x22]]``), or an object
    ``{"points": [...], "labels": [...]}`` (equivalently ``{"X": [...], "y": [...]}``; labels
    optional). Numbers may be JSON numbers or strings such as ``"3/7"``.

A CSV written by pandas' default ``DataFrame.to_csv`` (a first column without a name holding the
row index ``0, 1, ..., N-1``) is read without that column, and :attr:`Dataset.notes` says so; an
unnamed first column holding anything else is refused with a hint (``index=False``). A pandas
DataFrame is read by :func:`load_frame`. ``features=[...]`` keeps the named columns, in that order.

Every problem raises :class:`~arrangement.core.errors.InputError` naming the file and, when it is
about one row, the row: the 1-based line number in the file for text problems (the header is
line 1; JSON syntax errors likewise), and the 1-based index of the data row for a bad entry of a
``.npy`` array or of a JSON list of rows. Files are opened read-only and never modified.

Every file is read through :func:`arrangement.core.guard.read_input`: only regular files (a link
to ``/dev/zero`` or a named pipe is refused before a byte is read), at most the byte budget of
:func:`~arrangement.core.guard.input_limit`, and, inside a command, recorded so that no output of
the command can overwrite it. A loader added here for a new kind of file must read through it too.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.guard import input_limit, read_input
from arrangement.core.numbers import as_fraction, as_matrix, looks_numeric, ndigits, shorten

__all__ = [
    "DEFAULT_LABEL_COLUMN",
    "MANY_DIGITS",
    "STDIN",
    "Dataset",
    "data_dir",
    "default_dataset_path",
    "load_arrays",
    "load_dataset",
    "load_frame",
    "load_vector",
    "round_dataset",
    "significant_digits",
    "tensor_to_numpy",
]

#: The file name that means standard input.
STDIN = "-"

#: Significant digits from which the CLI notes that the data are slow to compute on.
MANY_DIGITS = 10

#: Name of the label column of a CSV header when none is chosen.
DEFAULT_LABEL_COLUMN = "y"

_DEFAULT_DATASET = "plane_degenerate.csv"


@dataclass(frozen=True, slots=True)
class Dataset:
    """Points (and optional labels) read exactly from a file.

    Attributes
    ----------
    points : tuple of tuple of Fraction
        ``N`` rows of ``d`` exact coordinates, in file order.
    labels : tuple of Fraction or None
        One label per row, or ``None`` when the file has no label column.
    source : str
        The file the data were read from, as given by the caller.
    feature_names : tuple of str
        Names of the ``d`` feature columns (``x1 .. xd`` when the file has no header).
    label_name : str or None
        Name of the label column, if any.
    lines : tuple of int or None
        For each row, where it is in the file (the 1-based line of a CSV file, the 1-based
        entry of a ``.npy`` or JSON file), so later errors can name it.
    notes : tuple of str
        What the reader did that the user should know (an ignored pandas index column, a
        rounding), one sentence each; the CLI prints them on standard error.
    row_names : tuple of str or None
        Names of the rows (the index of a DataFrame that is not ``0..N-1``), if any.
    rounded : int or None
        The number of decimal places the features were rounded to (:func:`round_dataset`).
    """

    points: tuple[tuple[Fraction, ...], ...]
    labels: tuple[Fraction, ...] | None
    source: str
    feature_names: tuple[str, ...]
    label_name: str | None = None
    lines: tuple[int, ...] | None = None
    notes: tuple[str, ...] = ()
    row_names: tuple[str, ...] | None = None
    rounded: int | None = None

    @property
    def described(self) -> str:
        """The source for human output, saying when the data were rounded (``--round``)."""
        if self.rounded is None:
            return self.source
        k = self.rounded
        return f"{self.source} (rounded to {k} decimal place{'s' if k != 1 else ''})"

    def line_of(self, row: int) -> int:
        """Where the 0-based data row ``row`` is in the file (see ``lines``)."""
        return self.lines[row] if self.lines is not None else row + 1

    @property
    def n_points(self) -> int:
        """Number of rows ``N``."""
        return len(self.points)

    @property
    def n_features(self) -> int:
        """Number of features ``d`` (the arrangement lives in dimension ``D = d + 1``)."""
        return len(self.feature_names)


def data_dir() -> Path:
    """Return the directory of the bundled datasets (``data/`` of a source checkout)."""
    return Path(__file__).resolve().parents[2] / "data"


def default_dataset_path() -> Path:
    """Return the bundled dataset used when the CLI is given no file.

    It is ``data/plane_degenerate.csv``: 8 rows in the plane with a repeated point and collinear
    triples and quadruples (34 chambers; see ``data/README.md``).

    Raises
    ------
    InputError
        If the bundled data are not present (an installation without the source checkout).
    """
    path = data_dir() / _DEFAULT_DATASET
    if not path.is_file():
        raise InputError(
            "bundled dataset not found (install from a source checkout, e.g. pip install -e .)",
            source=str(path),
        )
    return path


def _default_names(d: int) -> tuple[str, ...]:
    return tuple(f"x{j + 1}" for j in range(d))


def _read_bytes(path: str | Path) -> bytes:
    """Read a whole file (or standard input for ``-``) as bytes, with one-line errors."""
    source = str(path)
    if source == STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        budget = input_limit()
        if stream is not None:
            data = stream.read(budget + 1)
        else:
            data = sys.stdin.read(budget + 1).encode("utf-8")
        if len(data) > budget:
            raise InputError(
                f"standard input is larger than the input limit of {budget} bytes",
                source="<stdin>",
            )
        if not data.strip():
            raise InputError("empty input: nothing was given on standard input", source="<stdin>")
        return bytes(data)
    return read_input(path)


def _read_text(path: str | Path) -> str:
    """Read a whole file as UTF-8 text, refusing binary data, with a line number on failure."""
    source = "<stdin>" if str(path) == STDIN else str(path)
    data = _read_bytes(path)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError("binary data (NUL byte), not a text file", source=source, row=line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); is it a binary file?",
            source=source,
            row=line,
        ) from None


def _csv_rows(text: str, source: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """Return the non-blank, non-comment rows of a CSV text with their 1-based line numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            cells = [c.strip() for c in cells]
            if not cells or cells == [""] or cells[0].startswith("#"):
                continue
            rows.append((line, cells))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", source=source, row=start) from None
    return rows


def _split_header(
    rows: list[tuple[int, list[str]]], source: str
) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """Separate the header (if the first row has a non-numeric cell) from the data rows."""
    line, first = rows[0]
    words = [c for c in first if c and not looks_numeric(c)]
    if not words:
        return None, rows
    numeric = [c for c in first if c and looks_numeric(c)]
    if numeric:
        raise InputError(
            f"neither a header nor a data row: {shorten(words[0])} is not a number but "
            f"{shorten(numeric[0])} is not a column name",
            source=source,
            row=line,
        )
    for j, name in enumerate(first):
        if not name and not (j == 0 and len(first) > 1):  # column 1: maybe a pandas index
            raise InputError(
                f"empty column name in the header (column {j + 1})", source=source, row=line
            )
    seen: set[str] = set()
    for name in first:
        if name in seen:
            raise InputError(f"duplicate column name {shorten(name)}", source=source, row=line)
        seen.add(name)
    return first, rows[1:]


def _pandas_index(
    header: list[str], data: list[tuple[int, list[str]]], source: str, line: int
) -> bool:
    """Whether an unnamed first header cell is pandas' default index ``0..N-1`` (else refuse)."""
    if header[0]:
        return False
    if all(len(c) == len(header) and c[0] == str(k) for k, (_, c) in enumerate(data)):
        return True
    raise InputError(
        "empty column name in the header (column 1) and its cells are not the row numbers "
        "0, 1, 2, ... of a pandas index: name the column, or write the file with "
        "DataFrame.to_csv(path, index=False)",
        source=source,
        row=line,
    )


def _unknown_column(
    name: str, names: list[str] | tuple[str, ...], source: str, line: int | None
) -> InputError:
    listed = ", ".join(names) if len(names) <= 20 else f"{len(names)} of them"
    return InputError(
        f"no column named {shorten(name)} (columns: {listed})", source=source, row=line
    )


def _feature_columns(
    names: list[str],
    features: list[str] | None,
    label_index: int | None,
    source: str,
    line: int | None,
) -> list[int]:
    """Indices of the feature columns: ``features`` in their order, or every non-label column."""
    if features is None:
        return [j for j in range(len(names)) if j != label_index]
    out = []
    for name in features:
        if name not in names:
            raise _unknown_column(name, names, source, line)
        j = names.index(name)
        if j == label_index:
            raise InputError(
                f"column {name!r} is the label; it cannot also be a feature (use --no-label or "
                "another --label-column)",
                source=source,
                row=line,
            )
        if j in out:
            raise InputError(f"feature {name!r} given twice", source=source)
        out.append(j)
    if not out:
        raise InputError("no feature selected (features is empty)", source=source)
    return out


def _load_csv(
    text: str,
    source: str,
    label_column: str | None,
    no_label: bool,
    features: list[str] | None = None,
    delimiter: str = ",",
) -> Dataset:
    rows = _csv_rows(text, source, delimiter)
    if not rows:
        raise InputError("empty file: no header and no data rows", source=source)
    header, data = _split_header(rows, source)
    notes: list[str] = []
    skip = 0  # leading columns that are not data (a pandas index)
    if header is None:
        if label_column is not None:
            raise InputError(
                f"label column {label_column!r} requested but the file has no header row",
                source=source,
            )
        width = len(data[0][1])
        names = list(_default_names(width))
    else:
        if not data:
            raise InputError("header only: no data rows", source=source)
        if _pandas_index(header, data, source, rows[0][0]):
            skip = 1
            notes.append(
                "the first column has no name and holds the row numbers 0..N-1 (a pandas "
                "index, as written by DataFrame.to_csv): it is not read as data"
            )
        names = header
        width = len(header)
    if not data:
        raise InputError("header only: no data rows", source=source)

    label_index: int | None = None
    header_line = rows[0][0] if header is not None else None
    if header is not None and not no_label:
        wanted = DEFAULT_LABEL_COLUMN if label_column is None else label_column
        if wanted in header[skip:]:
            label_index = header.index(wanted)
        elif label_column is not None:
            raise _unknown_column(label_column, header[skip:], source, header_line)
    label_at = None if label_index is None else label_index - skip
    chosen = _feature_columns(names[skip:], features, label_at, source, header_line)
    feature_index = [j + skip for j in chosen]
    if not feature_index:
        raise InputError(
            f"no feature column (the only column, {shorten(names[skip])}, is the label)",
            source=source,
        )
    used = feature_index + ([label_index] if label_index is not None else [])

    points: list[tuple[Fraction, ...]] = []
    labels: list[Fraction] = []
    for line, cells in data:
        if len(cells) != width:
            what = "the header has" if header is not None else "the first row has"
            raise InputError(
                f"expected {width} cells ({what} {width}), found {len(cells)}",
                source=source,
                row=line,
            )
        values: dict[int, Fraction] = {}
        for j in used:
            try:
                values[j] = as_fraction(cells[j], source=source, row=line)
            except InputError as exc:
                raise InputError(
                    f"column {shorten(names[j])}: {exc.message}", source=source, row=line
                ) from None
        points.append(tuple(values[j] for j in feature_index))
        if label_index is not None:
            labels.append(values[label_index])
    return Dataset(
        points=tuple(points),
        labels=tuple(labels) if label_index is not None else None,
        source=source,
        feature_names=tuple(names[j] for j in feature_index),
        label_name=names[label_index] if label_index is not None else None,
        lines=tuple(line for line, _ in data),
        notes=tuple(notes),
    )


def _check_points(points: list[list[Fraction]], source: str) -> None:
    if not points:
        raise InputError("no data rows", source=source)
    if not points[0]:
        raise InputError("no feature column (rows are empty)", source=source)


def _load_npy(path: str | Path, label_column: str | None) -> Dataset:
    source = str(path)
    if label_column is not None:
        raise InputError(
            f"label column {label_column!r} requested but a .npy file has no column names",
            source=source,
        )
    data = read_input(path)
    try:
        arr = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise InputError(f"not a readable .npy array: {exc}", source=source) from None
    if not isinstance(arr, np.ndarray):  # an .npz archive behind a .npy name
        arr.close()
        raise InputError("not a .npy array (an .npz archive?)", source=source)
    if arr.ndim != 2:
        raise InputError(
            f"expected a 2-D array (rows = points), got shape {arr.shape}", source=source
        )
    if arr.dtype.kind not in "iuf":
        raise InputError(
            f"non-numeric array dtype {arr.dtype} (expected integers or floats)", source=source
        )
    points = as_matrix(arr, source=source, first_row=1)
    _check_points(points, source)
    return Dataset(
        points=tuple(tuple(r) for r in points),
        labels=None,
        source=source,
        feature_names=_default_names(len(points[0])),
    )


_JSON_SHAPE = (
    'expected a list of rows, or an object {"points": [...], "labels": [...]} '
    '(or {"X": [...], "y": [...]})'
)


def _load_json(path: str | Path, label_column: str | None, no_label: bool) -> Dataset:
    source = str(path)
    if label_column is not None:
        raise InputError(
            f"label column {label_column!r} requested but JSON rows have no column names",
            source=source,
        )
    return _load_json_text(_read_text(path), source, label_column, no_label)


def _load_json_text(text: str, source: str, label_column: str | None, no_label: bool) -> Dataset:
    if label_column is not None:
        raise InputError(
            f"label column {label_column!r} requested but JSON rows have no column names",
            source=source,
        )
    if not text.strip():
        raise InputError("empty file", source=source)
    try:
        # Numbers stay exact decimal text (integers of any length too: no digit limit);
        # NaN/Infinity come through as strings and are refused below.
        obj = json.loads(
            text, parse_float=lambda s: s, parse_int=lambda s: s, parse_constant=lambda s: s
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", source=source, row=exc.lineno
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"invalid JSON: {exc}", source=source) from None

    raw_labels: Any = None
    label_name: str | None = None
    if isinstance(obj, dict):
        point_keys = [k for k in ("points", "X") if k in obj]
        label_keys = [k for k in ("labels", "y") if k in obj]
        extra = sorted(set(obj) - {"points", "X", "labels", "y"})
        if len(point_keys) != 1 or len(label_keys) > 1 or extra:
            raise InputError(_JSON_SHAPE, source=source)
        raw_points = obj[point_keys[0]]
        if label_keys:
            label_name = label_keys[0]
            raw_labels = obj[label_name]
    else:
        raw_points = obj
    if not isinstance(raw_points, list):
        raise InputError(_JSON_SHAPE, source=source)
    for i, r in enumerate(raw_points):
        if not isinstance(r, list):
            raise InputError(
                f"expected a list of numbers, got {json.dumps(r)[:40]}", source=source, row=i + 1
            )
    points = as_matrix(raw_points, source=source, first_row=1)
    _check_points(points, source)
    labels: tuple[Fraction, ...] | None = None
    if raw_labels is not None and not no_label:
        if not isinstance(raw_labels, list) or len(raw_labels) != len(points):
            n = len(raw_labels) if isinstance(raw_labels, list) else "not a list"
            raise InputError(
                f"labels must be a list of {len(points)} numbers, one per point (got {n})",
                source=source,
            )
        labels = tuple(as_fraction(v, source=source, row=i + 1) for i, v in enumerate(raw_labels))
    return Dataset(
        points=tuple(tuple(r) for r in points),
        labels=labels,
        source=source,
        feature_names=_default_names(len(points[0])),
        label_name=label_name if labels is not None else None,
    )


def _select(dataset: Dataset, features: list[str] | None) -> Dataset:
    """Keep the feature columns named in ``features`` (for formats read whole)."""
    if features is None:
        return dataset
    names = list(dataset.feature_names)
    keep = _feature_columns(names, features, None, dataset.source, None)
    return replace(
        dataset,
        points=tuple(tuple(r[j] for j in keep) for r in dataset.points),
        feature_names=tuple(names[j] for j in keep),
    )


def _sniff_stdin(text: str) -> str:
    """The format of standard input: ``json``, ``tsv`` or ``csv``."""
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
        return "json"
    first = next((ln for ln in stripped.splitlines() if ln.strip()), "")
    return "tsv" if "\t" in first and "," not in first else "csv"


def load_dataset(
    path: str | Path,
    *,
    label_column: str | None = None,
    no_label: bool = False,
    features: list[str] | None = None,
) -> Dataset:
    """Read a dataset exactly from a ``.csv``, ``.tsv``, ``.npy`` or ``.json`` file, or stdin.

    Parameters
    ----------
    path : str or Path
        The file; its suffix selects the format (see the module docstring). ``"-"`` reads
        standard input (CSV, TSV or JSON, recognised from the text).
    label_column : str, optional
        Name of the CSV column holding the labels (default: ``"y"`` if there is such a column).
    no_label : bool, optional
        Treat every column as a feature (and ignore JSON labels).
    features : list of str, optional
        Keep only these feature columns, in this order (names of the header, or ``x1 .. xd``
        for files without column names). The other columns are not read, so they may hold
        anything (species names, dates).

    Returns
    -------
    Dataset

    Raises
    ------
    InputError
        For a missing or unreadable file, binary junk, an empty file or empty standard input, a
        header without data, ragged rows, non-numeric cells, NaN or infinite values, absurd
        exponents, no feature column, an unknown feature or label name (the message lists the
        columns), a JSON document of the wrong shape, or a ``.npy`` array that is not 2-D
        numeric. The message names the file and, where it applies, the row.

    Examples
    --------
    >>> ds = load_dataset(data_dir() / "counterexample.csv")
    >>> ds.points[2], ds.labels, ds.feature_names
    ((Fraction(-37, 35), Fraction(35, 12)), None, ('x1', 'x2'))
    >>> load_dataset(data_dir() / "line7.csv").n_points
    7
    >>> load_dataset(data_dir() / "wine50.csv", features=["proline"]).feature_names
    ('proline',)

    Notes
    -----
    ``O(N d)`` after reading the file into memory.
    """
    if label_column is not None and no_label:
        raise InputError("choose either a label column or no label, not both", source=str(path))
    feats = None if features is None else list(features)
    if str(path) == STDIN:
        text = _read_text(path)
        kind = _sniff_stdin(text)
        if kind == "json":
            return _select(_load_json_text(text, "<stdin>", label_column, no_label), feats)
        return _load_csv(
            text, "<stdin>", label_column, no_label, feats, "\t" if kind == "tsv" else ","
        )
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv"):
        delimiter = "\t" if suffix == ".tsv" else ","
        return _load_csv(_read_text(path), str(path), label_column, no_label, feats, delimiter)
    if suffix == ".npy":
        return _select(_load_npy(path, label_column), feats)
    if suffix == ".json":
        return _select(_load_json(path, label_column, no_label), feats)
    raise InputError(
        f"unsupported file type {suffix or '(no suffix)'!r}: expected .csv, .tsv, .npy or .json "
        "(or - for standard input)",
        source=str(path),
    )


def load_frame(
    frame: Any,
    /,
    *,
    features: list[str] | None = None,
    label_column: str | None = None,
    no_label: bool = False,
    source: str = "<DataFrame>",
) -> Dataset:
    """Read a pandas DataFrame exactly, as :func:`load_dataset` reads a CSV file.

    Column ``y`` (or ``label_column``) holds the labels unless ``no_label``; the other columns
    (or those named in ``features``) are the features, and keep their names. Floats are read as
    their shortest round-trip decimal (``0.1`` is ``1/10``), integers exactly, and an object
    column is accepted when every value is an exact-convertible number (``Fraction``,
    ``Decimal``, ``"3/7"``). A row index other than ``0..N-1`` gives the row names.

    Parameters
    ----------
    frame : pandas.DataFrame
    features : list of str, optional
        The feature columns, in this order (default: every column but the label).
    label_column : str, optional
        The label column (default: ``"y"`` if present).
    no_label : bool, optional
        Every column is a feature.
    source : str, optional
        Name used in error messages.

    Returns
    -------
    Dataset

    Raises
    ------
    InputError
        One error naming every non-numeric feature column (booleans, strings, dates,
        categories) with its dtype, an unknown column name (listing the columns), a missing or
        non-finite value (with its column and row label), or an empty frame.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = load_frame(pd.DataFrame({"a": [0.1, 2.0], "b": [1, 3], "y": [1, -1]}))
    >>> ds.points[0], ds.feature_names, ds.labels
    ((Fraction(1, 10), Fraction(1, 1)), ('a', 'b'), (Fraction(1, 1), Fraction(-1, 1)))
    """
    if label_column is not None and no_label:
        raise InputError("choose either a label column or no label, not both", source=source)
    columns = getattr(frame, "columns", None)
    if columns is None or not hasattr(frame, "index"):
        raise InputError(f"expected a pandas DataFrame, got {type(frame).__name__}", source=source)
    names = [str(c) for c in columns]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError(f"duplicate column name {dup!r}", source=source)
    label_index: int | None = None
    if not no_label:
        wanted = DEFAULT_LABEL_COLUMN if label_column is None else label_column
        if wanted in names:
            label_index = names.index(wanted)
        elif label_column is not None:
            raise _unknown_column(label_column, names, source, None)
    keep = _feature_columns(names, features, label_index, source, None)
    if not keep:
        raise InputError("no feature column", source=source)
    if len(frame.index) == 0:
        raise InputError("no data rows (the DataFrame is empty)", source=source)
    index = list(frame.index)
    bad = []
    cols: dict[int, list[Fraction]] = {}
    for j in keep + ([label_index] if label_index is not None else []):
        col = frame.iloc[:, j]
        kind = getattr(col.dtype, "kind", "O")
        if kind in "iuf" and str(col.dtype) not in ("boolean",):
            values = col.to_numpy(dtype=object if col.hasnans else None)
        elif kind == "O":
            values = col.to_numpy(dtype=object)
        else:
            bad.append(f"{names[j]!r} (dtype {col.dtype})")
            continue
        out: list[Fraction] = []
        try:
            for k, v in enumerate(values):
                out.append(_frame_number(v, names[j], index[k], source))
        except _NotNumber as exc:
            if kind == "O":
                bad.append(f"{names[j]!r} (dtype {col.dtype}, {exc.args[1]})")
                continue
            raise InputError(exc.args[0], source=source) from None
        cols[j] = out
    if bad:
        what = "column" if len(bad) == 1 else "columns"
        raise InputError(
            f"non-numeric {what} {', '.join(bad)}: choose numeric feature columns "
            "(features=[...] or --features)",
            source=source,
        )
    n = len(index)
    is_range = index == list(range(n))
    row_names = None
    if not is_range and len({str(i) for i in index}) == n:
        row_names = tuple(str(i) for i in index)
    return Dataset(
        points=tuple(tuple(cols[j][k] for j in keep) for k in range(n)),
        labels=None if label_index is None else tuple(cols[label_index]),
        source=source,
        feature_names=tuple(names[j] for j in keep),
        label_name=None if label_index is None else names[label_index],
        row_names=row_names,
    )


class _NotNumber(Exception):
    """A DataFrame cell that is not an exact-convertible number (message in ``args[0]``)."""


def _frame_number(value: Any, column: str, row: Any, source: str) -> Fraction:
    try:
        return as_fraction(value)
    except InputError as exc:
        raise _NotNumber(
            f"column {column!r}: row {row!r}: {exc.message}", f"row {row!r}: {exc.message}"
        ) from None


def significant_digits(points: Any) -> int:
    """The largest number of significant decimal digits among exact coordinates.

    A terminating decimal counts its significant digits (``0.125`` has 3, ``1200`` has 2); a
    fraction without a finite decimal expansion (``1/3``) counts the digits of its numerator
    and denominator.

    Examples
    --------
    >>> significant_digits([[Fraction(1, 8), 1200], [Fraction(1, 3), 0]])
    3
    >>> significant_digits([[0.1 + 0.2]])  # 0.30000000000000004
    17
    """
    best = 0
    for row in points:
        for x in row:
            q = as_fraction(x)
            if q == 0:
                continue
            num, den = abs(q.numerator), q.denominator
            d2 = d5 = 0
            while den % 2 == 0:
                den //= 2
                d2 += 1
            while den % 5 == 0:
                den //= 5
                d5 += 1
            if den != 1 or num.bit_length() > 10000:
                digits = ndigits(num) + ndigits(q.denominator)
            else:
                k = max(d2, d5)  # q = m / 10^k with m an integer
                m = str(num * 2 ** (k - d2) * 5 ** (k - d5))
                digits = len(m.rstrip("0")) or 1
            best = max(best, digits)
    return best


def round_dataset(dataset: Dataset, decimals: int) -> Dataset:
    """The dataset with every feature rounded to ``decimals`` decimal places, exactly.

    Rounding is to the nearest multiple of ``10^-decimals``, ties to even (``Fraction.__round__``);
    labels are kept as they are. :attr:`Dataset.notes` records the rounding.

    Raises
    ------
    InputError
        If ``decimals`` is not a non-negative integer.

    Examples
    --------
    >>> ds = Dataset(((Fraction(1, 3), Fraction(2)),), None, "<input>", ("a", "b"))
    >>> round_dataset(ds, 2).points
    ((Fraction(33, 100), Fraction(2, 1)),)
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise InputError(f"the number of decimals must be a non-negative integer, got {decimals!r}")
    pts = tuple(tuple(Fraction(round(x, decimals)) for x in row) for row in dataset.points)
    note = (
        f"the data were rounded to {decimals} decimal place{'s' if decimals != 1 else ''} "
        f"(--round {decimals}): every result is for the rounded data"
    )
    return replace(dataset, points=pts, notes=dataset.notes + (note,), rounded=decimals)


def load_vector(path: str | Path, *, length: int, name: str = "vector") -> tuple[Fraction, ...]:
    """Read a one-column CSV of exact numbers (an optional header line is skipped).

    Used for vectors given next to a dataset, such as a dual vector ``p`` (one entry per row).
    A file written by pandas with its default index (``pd.DataFrame({"p": p}).to_csv(path)``:
    an unnamed first column ``0..N-1``) is read without the index column.

    Parameters
    ----------
    path : str or Path
        The file.
    length : int
        The required number of entries.
    name : str, optional
        What the vector is, for error messages.

    Returns
    -------
    tuple of Fraction

    Raises
    ------
    InputError
        For any of the file problems of :func:`load_dataset`, a row with more than one cell, or a
        length different from ``length``.

    Examples
    --------
    >>> p = load_vector(data_dir() / "counterexample_dual.csv", length=4, name="p")
    >>> [str(v) for v in p]
    ['74/35', '-74/35', '-74/175', '74/175']
    """
    source = str(path)
    rows = _csv_rows(_read_text(path), source)
    if not rows:
        raise InputError(f"empty file: no entries of {name}", source=source)
    header, data = _split_header(rows, source)
    if header is not None and len(header) == 2 and _pandas_index(header, data, source, rows[0][0]):
        # written by pandas with its default index (",p" then "0,..."): drop the index column
        header, data = header[1:], [(line, cells[1:]) for line, cells in data]
    if header is not None and len(header) != 1:
        raise InputError(
            f"{name} must be a single column, the header has {len(header)}",
            source=source,
            row=rows[0][0],
        )
    values: list[Fraction] = []
    for line, cells in data:
        if len(cells) != 1:
            raise InputError(
                f"{name} must be a single column, found {len(cells)} cells",
                source=source,
                row=line,
            )
        values.append(as_fraction(cells[0], source=source, row=line))
    if len(values) != length:
        raise InputError(
            f"{name} has {len(values)} entries, expected {length} (one per data row)",
            source=source,
        )
    return tuple(values)


def tensor_to_numpy(value: Any) -> Any:
    """A tensor-like value as a numpy array (``.detach().cpu().numpy()`` when it has them)."""
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


def load_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """Read named numeric arrays from an ``.npz`` archive (without pickles).

    PyTorch ``state_dict`` files (``.pt``, ``.pth``) need torch, which the exact core never
    imports: :func:`arrangement.training.network.load_network` reads them.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file.

    Returns
    -------
    dict
        Array name -> numpy array, in file order.

    Raises
    ------
    InputError
        A missing or unreadable file, a file that is not an archive of arrays, pickled
        (object) arrays, or another suffix.
    """
    source = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".npz", ".pt", ".pth"):
        raise InputError(
            f"unsupported weights file {suffix or '(no suffix)'!r}: expected .npz, .pt or .pth",
            source=source,
        )
    data = read_input(path)
    if suffix == ".npz":
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                if not hasattr(archive, "files"):
                    raise InputError("not an .npz archive (a single .npy array?)", source=source)
                return {name: np.asarray(archive[name]) for name in archive.files}
        except InputError:
            raise
        except (ValueError, OSError, EOFError) as exc:
            text = " ".join(str(exc).split())
            raise InputError(f"not a readable .npz archive: {text}", source=source) from None
        except Exception as exc:  # zipfile.BadZipFile and friends
            text = " ".join(str(exc).split())
            raise InputError(f"not a readable .npz archive: {text}", source=source) from None
    raise InputError(
        "a PyTorch file is read by arrangement.training.network.load_network (needs torch)",
        source=source,
    )
