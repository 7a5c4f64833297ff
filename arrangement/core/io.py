"""Reading datasets from files, exactly and with precise error messages.

Three file formats are read, chosen by the file suffix:

``.csv``
    Comma-separated text (UTF-8, an optional byte-order mark). The first non-blank line is a
    header when one of its cells is not a number; otherwise every column is a feature and there
    are no labels. With a header, the column named ``y`` is the label (``label_column=NAME``
    picks another, ``no_label=True`` makes every column a feature). Blank lines and lines starting
    with ``#`` are skipped. Every cell must be a number in the syntax of
    :func:`arrangement.core.numbers.as_fraction` (``0.1``, ``-3/7``, ``2.5e-3``).
``.npy``
    A 2-D numpy array of integers or floats (``N x d``), all columns features, no labels.
    Pickled (object) arrays are refused.
``.json``
    Either a list of rows (``[[x11, x12], [x21, x22]]``), or an object
    ``{"points": [...], "labels": [...]}`` (equivalently ``{"X": [...], "y": [...]}``; labels
    optional). Numbers may be JSON numbers or strings such as ``"3/7"``.

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
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from arrangement.core.errors import InputError
from arrangement.core.guard import read_input
from arrangement.core.numbers import as_fraction, as_matrix, looks_numeric, shorten

__all__ = [
    "DEFAULT_LABEL_COLUMN",
    "Dataset",
    "data_dir",
    "default_dataset_path",
    "load_dataset",
    "load_vector",
]

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
    """

    points: tuple[tuple[Fraction, ...], ...]
    labels: tuple[Fraction, ...] | None
    source: str
    feature_names: tuple[str, ...]
    label_name: str | None = None
    lines: tuple[int, ...] | None = None

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


def _read_text(path: str | Path) -> str:
    """Read a whole file as UTF-8 text, refusing binary data, with a line number on failure."""
    source = str(path)
    data = read_input(path)
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


def _csv_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Return the non-blank, non-comment rows of a CSV text with their 1-based line numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
        if not name:
            raise InputError(
                f"empty column name in the header (column {j + 1})", source=source, row=line
            )
    seen: set[str] = set()
    for name in first:
        if name in seen:
            raise InputError(f"duplicate column name {shorten(name)}", source=source, row=line)
        seen.add(name)
    return first, rows[1:]


def _load_csv(path: str | Path, label_column: str | None, no_label: bool) -> Dataset:
    source = str(path)
    rows = _csv_rows(_read_text(path), source)
    if not rows:
        raise InputError("empty file: no header and no data rows", source=source)
    header, data = _split_header(rows, source)
    if header is None:
        if label_column is not None:
            raise InputError(
                f"label column {label_column!r} requested but the file has no header row",
                source=source,
            )
        width = len(data[0][1])
        names = list(_default_names(width))
    else:
        names = header
        width = len(header)
    if not data:
        raise InputError("header only: no data rows", source=source)

    label_index: int | None = None
    if header is not None and not no_label:
        wanted = DEFAULT_LABEL_COLUMN if label_column is None else label_column
        if wanted in header:
            label_index = header.index(wanted)
        elif label_column is not None:
            raise InputError(
                f"no column named {shorten(label_column)} (columns: "
                + (", ".join(header) if len(header) <= 20 else f"{len(header)} of them")
                + ")",
                source=source,
                row=rows[0][0],
            )
    feature_index = [j for j in range(width) if j != label_index]
    if not feature_index:
        raise InputError(
            f"no feature column (the only column, {shorten(names[0])}, is the label)", source=source
        )

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
        values = []
        for j, cell in enumerate(cells):
            try:
                values.append(as_fraction(cell, source=source, row=line))
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
    text = _read_text(path)
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


def load_dataset(
    path: str | Path, *, label_column: str | None = None, no_label: bool = False
) -> Dataset:
    """Read a dataset exactly from a ``.csv``, ``.npy`` or ``.json`` file.

    Parameters
    ----------
    path : str or Path
        The file; its suffix selects the format (see the module docstring).
    label_column : str, optional
        Name of the CSV column holding the labels (default: ``"y"`` if there is such a column).
    no_label : bool, optional
        Treat every column as a feature (and ignore JSON labels).

    Returns
    -------
    Dataset

    Raises
    ------
    InputError
        For a missing or unreadable file, binary junk, an empty file, a header without data,
        ragged rows, non-numeric cells, NaN or infinite values, absurd exponents, no feature
        column, a JSON document of the wrong shape, or a ``.npy`` array that is not 2-D numeric.
        The message names the file and, where it applies, the row.

    Examples
    --------
    >>> ds = load_dataset(data_dir() / "counterexample.csv")
    >>> ds.points[2], ds.labels, ds.feature_names
    ((Fraction(-37, 35), Fraction(35, 12)), None, ('x1', 'x2'))
    >>> load_dataset(data_dir() / "line7.csv").n_points
    7

    Notes
    -----
    ``O(N d)`` after reading the file into memory.
    """
    if label_column is not None and no_label:
        raise InputError("choose either a label column or no label, not both", source=str(path))
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return _load_csv(path, label_column, no_label)
    if suffix == ".npy":
        return _load_npy(path, label_column)
    if suffix == ".json":
        return _load_json(path, label_column, no_label)
    raise InputError(
        f"unsupported file type {suffix or '(no suffix)'!r}: expected .csv, .npy or .json",
        source=str(path),
    )


def load_vector(path: str | Path, *, length: int, name: str = "vector") -> tuple[Fraction, ...]:
    """Read a one-column CSV of exact numbers (an optional header line is skipped).

    Used for vectors given next to a dataset, such as a dual vector ``p`` (one entry per row).

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
