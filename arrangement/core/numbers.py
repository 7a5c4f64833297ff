"""Exact conversion of user numbers to :class:`fractions.Fraction`.

Every number that enters the toolkit goes through :func:`as_fraction`, so there is one place that
decides what a number is. The rules:

- ``int``, :class:`~fractions.Fraction` and other exact rationals are taken as they are;
- a string is read exactly in its decimal or ``p/q`` form: ``"0.1"`` is ``1/10``, ``"-3/7"`` is
  ``-3/7``, ``"1e-3"`` is ``1/1000``;
- a binary ``float`` (or numpy floating scalar) is taken as its *shortest round-trip decimal*,
  so ``0.1`` is ``1/10``, not ``3602879701896397/36028797018963968``;
- :class:`~decimal.Decimal` values are exact already;
- ``bool``, NaN, infinities, complex numbers and decimal exponents beyond ``+-1000`` are rejected
  with :class:`~arrangement.core.errors.InputError`;
- digits are the ASCII digits ``0-9`` only: other Unicode digits (``"١٢"``, ``"１２"``), digit
  separators (``"1_000"``, ``"1,000"``) and the like are not numbers and are rejected.

Exact numbers of any size are read and written without the interpreter's limit on integer string
conversions (:func:`parse_int`, :func:`int_str`, :func:`fraction_str`; :func:`unlimited_digits`
lifts the limit for a block, e.g. for :mod:`json`). :func:`readable` shortens a long number for a
person, with its size.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import re
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import numpy as np

from arrangement.core.errors import InputError

__all__ = [
    "MAX_EXPONENT",
    "SIZE_NOTE",
    "approx_str",
    "as_fraction",
    "ndigits",
    "as_matrix",
    "as_vector",
    "decimal_str",
    "fraction_str",
    "int_str",
    "looks_numeric",
    "parse_int",
    "readable",
    "shorten",
    "sqrt_float",
    "unlimited_digits",
    "with_decimal",
]

#: Largest accepted absolute decimal exponent (``1e1000`` is fine, ``1e1001`` is not).
MAX_EXPONENT = 1000

# ASCII digits only (re.ASCII): "١٢" and "１２" are not numbers here, whatever int() would say.
_DECIMAL = re.compile(
    r"""(?P<sign>[+-]?)
        (?:(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]*))?|\.(?P<frac_only>[0-9]+))
        (?:[eE](?P<exp>[+-]?[0-9]+))?""",
    re.VERBOSE | re.ASCII,
)
_RATIO = re.compile(r"(?P<num>[+-]?[0-9]+)\s*/\s*(?P<den>[+-]?[0-9]+)", re.ASCII)

#: Up to this many digits the interpreter converts integers itself (its limit is 4300); longer
#: ones go through python-flint, which has no limit and is sub-quadratic.
_FAST_DIGITS = 4000


def parse_int(text: str) -> int:
    """Read a decimal integer (optional sign, ASCII digits) of any length.

    Examples
    --------
    >>> parse_int("-12"), parse_int("9" * 5000) == 10**5000 - 1
    (-12, True)
    """
    if len(text) <= _FAST_DIGITS:
        return int(text)
    import flint

    return int(flint.fmpz(text.removeprefix("+")))


def int_str(n: int) -> str:
    """Write an integer of any size in decimal (no interpreter digit limit).

    Examples
    --------
    >>> int_str(-12), len(int_str(10**5000))
    ('-12', 5001)
    """
    if n.bit_length() <= 3 * _FAST_DIGITS:  # fewer than _FAST_DIGITS decimal digits
        return str(n)
    import flint

    return str(flint.fmpz(n))


@contextlib.contextmanager
def unlimited_digits() -> Iterator[None]:
    """Lift the interpreter's limit on integer string conversions inside the block.

    For code that converts integers implicitly (``json.dumps``, f-strings, ``Fraction.__str__``).
    The previous limit is restored on exit.

    Examples
    --------
    >>> import json
    >>> with unlimited_digits():
    ...     len(json.dumps(10**5000))
    5001
    """
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:  # an interpreter without the limit
        yield
        return
    previous = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)


_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


def looks_numeric(text: str) -> bool:
    """Tell whether a string is written like a number (including ``nan`` and ``inf``).

    Used to tell a CSV header from a data row: a row is a header when one of its non-empty cells
    does not look numeric. Non-finite spellings count as numeric so that they are *rejected* as
    data (with a precise message) rather than silently taken as column names.

    Parameters
    ----------
    text : str
        The text of one cell.

    Returns
    -------
    bool

    Examples
    --------
    >>> looks_numeric(" -3/7 "), looks_numeric("1e-3"), looks_numeric("NaN"), looks_numeric("x1")
    (True, True, True, False)
    """
    # Other Unicode digits count as "written like a number", so that a cell such as "١٢" is
    # rejected as a number with a precise message instead of being taken for a column name.
    s = "".join("0" if c.isdigit() else c for c in text.strip())
    return bool(_DECIMAL.fullmatch(s) or _RATIO.fullmatch(s) or _NONFINITE.fullmatch(s))


def _digits(digits: str) -> int:
    return parse_int(digits or "0")


def shorten(text: str, *, limit: int = 40) -> str:
    """Quote ``text`` for a message, cut to about ``limit`` characters with its length.

    Examples
    --------
    >>> shorten("abc"), shorten("7" * 100, limit=10)
    ("'abc'", "'7777777777...' (100 characters)")
    """
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}"[:-1] + f"...' ({len(text)} characters)"


def _parse_str(text: str, source: str | None, row: int | None) -> Fraction:
    s = text.strip()
    if not s:
        raise InputError("empty cell (expected a number)", source=source, row=row)
    if _NONFINITE.fullmatch(s):
        raise InputError(f"not a finite number: {text!r}", source=source, row=row)
    m = _DECIMAL.fullmatch(s)
    if m is not None:
        exp_text = (m["exp"] or "0").lstrip("+-").lstrip("0")
        exp = _digits(m["exp"]) if len(exp_text) <= 6 else 10**7  # huge: out of range anyway
        if abs(exp) > MAX_EXPONENT:
            raise InputError(
                f"exponent out of range (|exponent| > {MAX_EXPONENT}): {shorten(s)}",
                source=source,
                row=row,
            )
        frac = (m["frac"] if m["int"] is not None else m["frac_only"]) or ""
        mantissa = _digits((m["int"] or "") + frac)
        value = Fraction(mantissa) * Fraction(10) ** (exp - len(frac))
        return -value if m["sign"] == "-" else value
    m = _RATIO.fullmatch(s)
    if m is not None:
        den = _digits(m["den"])
        if den == 0:
            raise InputError(f"zero denominator: {shorten(s)}", source=source, row=row)
        return Fraction(_digits(m["num"]), den)
    if any(c.isdigit() and not c.isascii() for c in s):
        raise InputError(
            f"not a number: {shorten(s)} (digits must be ASCII 0-9)", source=source, row=row
        )
    raise InputError(f"not a number: {shorten(s)}", source=source, row=row)


def as_fraction(value: Any, *, source: str | None = None, row: int | None = None) -> Fraction:
    """Convert one number exactly to a :class:`~fractions.Fraction`.

    Parameters
    ----------
    value : int, Fraction, str, float, Decimal or numpy scalar
        The number. Strings may be decimals (``"0.1"``, ``"-2.5e3"``) or ratios (``"3/7"``);
        surrounding whitespace is ignored.
    source, row : optional
        Where the value comes from; used only in the error message.

    Returns
    -------
    Fraction

    Raises
    ------
    InputError
        For booleans, non-numbers, NaN and infinities, zero denominators and decimal exponents
        with absolute value above :data:`MAX_EXPONENT`.

    Examples
    --------
    >>> as_fraction("0.1"), as_fraction("-3/7"), as_fraction("1e-3")
    (Fraction(1, 10), Fraction(-3, 7), Fraction(1, 1000))
    >>> as_fraction(0.1)  # a float means its shortest round-trip decimal
    Fraction(1, 10)
    >>> as_fraction(np.int64(-4)), as_fraction(np.float32(0.1))
    (Fraction(-4, 1), Fraction(1, 10))
    >>> as_fraction("nan", source="data.csv", row=3)
    Traceback (most recent call last):
    ...
    arrangement.core.errors.InputError: data.csv: row 3: not a finite number: 'nan'
    """
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"a boolean is not a number: {value!r}", source=source, row=row)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, float):  # includes np.float64
        if not math.isfinite(value):
            raise InputError(f"not a finite number: {float(value)}", source=source, row=row)
        return Fraction(repr(float(value)))
    if isinstance(value, np.floating):  # float16/32, longdouble: numpy prints the shortest repr
        if not np.isfinite(value):
            raise InputError(f"not a finite number: {value}", source=source, row=row)
        return _parse_str(str(value), source, row)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"not a finite number: {str(value)!r}", source=source, row=row)
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # finite decimals have an int exponent
        if abs(exponent) > MAX_EXPONENT:
            raise InputError(
                f"exponent out of range (|exponent| > {MAX_EXPONENT}): {str(value)!r}",
                source=source,
                row=row,
            )
        return Fraction(value)
    if isinstance(value, str):
        return _parse_str(value, source, row)
    if isinstance(value, numbers.Integral):  # e.g. sympy.Integer
        return Fraction(int(value))
    if isinstance(value, numbers.Rational):  # e.g. sympy.Rational
        return Fraction(int(value.numerator), int(value.denominator))
    raise InputError(
        f"not a number: {value!r} (of type {type(value).__name__})", source=source, row=row
    )


def _matrix_from_array(arr: np.ndarray, source: str, first_row: int) -> list[list[Fraction]]:
    if arr.ndim != 2:
        raise InputError(f"expected a 2-D array of points, got {arr.ndim}-D", source=source)
    kind = arr.dtype.kind
    if kind in "iu":
        return [[Fraction(v) for v in r] for r in arr.tolist()]
    if kind == "f":
        finite = np.isfinite(arr)
        if not finite.all():
            i, j = (int(k) for k in np.argwhere(~finite)[0])
            raise InputError(
                f"column {j + 1}: not a finite number: {arr[i, j]}",
                source=source,
                row=i + first_row,
            )
        if arr.dtype == np.float64:
            return [[Fraction(repr(v)) for v in r] for r in arr.tolist()]
    elif kind != "O":
        raise InputError(
            f"non-numeric array dtype {arr.dtype} (expected integers or floats)", source=source
        )
    return [
        [as_fraction(v, source=source, row=i + first_row) for v in r] for i, r in enumerate(arr)
    ]


def as_matrix(rows: Any, *, source: str = "<input>", first_row: int = 0) -> list[list[Fraction]]:
    """Convert a table of numbers exactly to a rectangular list of rows of fractions.

    Parameters
    ----------
    rows : 2-D numpy array or iterable of sequences
        The rows (points). Every row must have the same length.
    source : str, optional
        Name of the origin of the data, for error messages.
    first_row : int, optional
        Number given to the first row in error messages: ``0`` (the default) for Python data,
        ``1`` for rows of a file.

    Returns
    -------
    list of list of Fraction
        ``N`` rows of equal length (``N`` may be ``0``).

    Raises
    ------
    InputError
        If a row is not a sequence, the rows differ in length (the message names the first row
        that differs), or an entry is not an exact-convertible number.

    Examples
    --------
    >>> as_matrix([[1, "0.5"], (np.int8(2), 0.25)])
    [[Fraction(1, 1), Fraction(1, 2)], [Fraction(2, 1), Fraction(1, 4)]]
    >>> as_matrix([])
    []
    >>> as_matrix([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    arrangement.core.errors.InputError: <input>: row 1: expected 2 entries like row 0, found 1

    Notes
    -----
    ``O(N d)`` conversions. Integer and ``float64`` numpy arrays take a fast path through
    ``ndarray.tolist()``.
    """
    if isinstance(rows, np.ndarray):
        return _matrix_from_array(rows, source, first_row)
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise InputError(f"expected a table of rows, got {type(rows).__name__}", source=source)
    out: list[list[Fraction]] = []
    width: int | None = None
    for i, row in enumerate(rows):
        r = i + first_row
        if isinstance(row, (str, bytes, dict)) or not isinstance(row, Iterable):
            raise InputError(
                f"expected a sequence of numbers, got {type(row).__name__}", source=source, row=r
            )
        values = [as_fraction(v, source=source, row=r) for v in row]
        if width is None:
            width = len(values)
        elif len(values) != width:
            raise InputError(
                f"expected {width} entries like row {first_row}, found {len(values)}",
                source=source,
                row=r,
            )
        out.append(values)
    return out


def as_vector(
    values: Any, *, length: int, name: str = "vector", source: str | None = None
) -> tuple[Fraction, ...]:
    """Convert a sequence of numbers exactly, one per input row.

    Parameters
    ----------
    values : sequence of numbers (list, tuple, 1-D numpy array)
    length : int
        The required number of entries.
    name : str, optional
        What the vector is (``"dual vector"``, ``"labels"``), for messages.
    source : str, optional
        Where it comes from, for messages.

    Returns
    -------
    tuple of Fraction

    Raises
    ------
    InputError
        For a string, a mapping, a scalar or a 2-D array (a string is a sequence of characters,
        not of numbers: ``"12"`` is not ``(1, 2)``), a length other than ``length``, or an entry
        that is not a number.

    Examples
    --------
    >>> as_vector(["1/2", 3], length=2)
    (Fraction(1, 2), Fraction(3, 1))
    >>> as_vector("12", length=2, name="dual vector")
    Traceback (most recent call last):
    ...
    arrangement.core.errors.InputError: dual vector must be a sequence of numbers, not a str
    """
    if (
        isinstance(values, str | bytes | bytearray | dict)
        or not isinstance(values, Iterable)
        or getattr(values, "ndim", 1) != 1
    ):
        raise InputError(
            f"{name} must be a sequence of numbers, not a {type(values).__name__}"
            + (f" of shape {values.shape}" if hasattr(values, "shape") else ""),
            source=source,
        )
    items = list(values)
    if len(items) != length:
        raise InputError(
            f"{name} has {len(items)} entries, expected one per input row (N = {length})",
            source=source,
        )
    return tuple(as_fraction(v, source=source, row=i) for i, v in enumerate(items))


def fraction_str(q: Fraction | int) -> str:
    """Write an exact rational as ``"p/q"``, or ``"p"`` when it is an integer (any size).

    Parameters
    ----------
    q : Fraction or int

    Returns
    -------
    str

    Examples
    --------
    >>> fraction_str(Fraction(3, 7)), fraction_str(Fraction(-4, 2)), fraction_str(0)
    ('3/7', '-2', '0')
    >>> len(fraction_str(Fraction(1, 10**5000)))
    5003
    """
    q = Fraction(q)
    num = int_str(q.numerator)
    return num if q.denominator == 1 else f"{num}/{int_str(q.denominator)}"


def decimal_str(q: Fraction | int) -> str:
    """``q`` as an exact decimal when it has one (denominator ``2^a 5^b``), else ``"p/q"``.

    For tables written back for people and spreadsheets: ``14.23`` rather than ``1423/100``;
    nothing is rounded.

    Examples
    --------
    >>> decimal_str(Fraction(1423, 100)), decimal_str(Fraction(-1, 8)), decimal_str(Fraction(1, 3))
    ('14.23', '-0.125', '1/3')
    >>> decimal_str(5), decimal_str(Fraction(50, 10))
    ('5', '5')
    """
    q = Fraction(q)
    den = q.denominator
    twos = (den & -den).bit_length() - 1
    rest = den >> twos
    fives = 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return fraction_str(q)
    places = max(twos, fives)
    if places == 0:
        return int_str(q.numerator)
    scaled = abs(q.numerator) * (10**places // den)
    digits = str(scaled).rjust(places + 1, "0")
    text = f"{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")
    return ("-" if q < 0 else "") + text


#: Beyond this many characters an exact value is too long to read: :func:`readable` says its size.
SIZE_NOTE = 60


def _decimal_digits(n: int) -> int:
    """Number of decimal digits of ``|n|`` (1 for 0), without converting to text."""
    n = abs(n)
    if n < 10:
        return 1
    k = max(1, int(n.bit_length() * 0.30102999566398120) - 1)  # a lower estimate of digits - 1
    while 10**k <= n:
        k += 1
    return k


def _scientific(q: Fraction, digits: int) -> str:
    """``q`` rounded to ``digits`` significant digits, as ``m.mmme+E`` (exact, any size)."""
    if q == 0:
        return "0"
    a = abs(q)
    e = _decimal_digits(a.numerator) - _decimal_digits(a.denominator)
    if a < Fraction(10) ** e:  # now 10^e <= a < 10^(e+1)
        e -= 1
    m = round(a * Fraction(10) ** (digits - 1 - e))
    if m >= 10**digits:  # rounding carried into a new digit
        m //= 10
        e += 1
    text = str(m)
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{'-' if q < 0 else ''}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def readable(q: Fraction | int, *, limit: int = 12, digits: int = 4) -> str:
    """``fraction_str(q)`` when it is short, else a decimal approximation (for people).

    The approximation has ``digits`` significant digits and is computed exactly, so it never
    raises for numbers beyond the float range. When the exact value is longer than
    :data:`SIZE_NOTE` characters, its size follows in brackets (the digits of the numerator, and
    of the denominator when it is not 1), so a table or a message stays one readable line while
    saying how big the exact value is (``--json`` outputs keep the exact value).

    Examples
    --------
    >>> readable(Fraction(3, 7)), readable(Fraction(10**40 + 1, 3)), readable(-(10**400))
    ('3/7', '3.333e+39', '-1.000e+400 [exact: 401 digits]')
    >>> readable(Fraction(1, 10**400))
    '1.000e-400 [exact: 1/401 digits]'
    """
    q = Fraction(q)
    n_num, n_den = _decimal_digits(q.numerator), _decimal_digits(q.denominator)
    length = n_num + (q < 0) + (0 if q.denominator == 1 else n_den + 1)
    if length <= limit:
        return fraction_str(q)
    approx = _scientific(q, digits)
    if length <= SIZE_NOTE:
        return approx
    size = f"{n_num}" if q.denominator == 1 else f"{n_num}/{n_den}"
    return f"{approx} [exact: {size} digits]"


def approx_str(q: Fraction | int, *, digits: int = 11) -> str:
    """A decimal approximation of ``q`` with ``digits`` significant digits, for people.

    Computed from the exact value (never through a float), so it works far beyond the float
    range, and trailing zeros are kept (``0.99999999980`` says how close to 1 it is).

    Examples
    --------
    >>> approx_str(Fraction(1, 3)), approx_str(1 - Fraction(2, 10**10))
    ('0.33333333333', '0.99999999980')
    >>> approx_str(Fraction(10**400, 3)), approx_str(0)
    ('3.3333333333E+399', '0')
    """
    q = Fraction(q)
    if q == 0:
        return "0"
    with localcontext() as ctx:
        ctx.prec = digits + 2
        ctx.Emax, ctx.Emin = 10**9, -(10**9)
        d = Decimal(q.numerator) / Decimal(q.denominator)
        ctx.prec = digits
        d = +d  # rounded to `digits` significant digits
        # keep trailing zeros: quantize to the last significant place
        return str(d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1)))


def with_decimal(q: Fraction | int, *, short: int = 12, digits: int = 11) -> str:
    """``q`` for human output: exact when short, with a decimal of ``digits`` digits beside it.

    Integers and fractions of at most ``short`` characters are written exactly (``"3/7"``);
    longer fractions are written as :func:`readable` writes them (exact up to
    :data:`SIZE_NOTE` characters, else shortened with their size) followed by ``≈`` and
    :func:`approx_str`, whose trailing digits show how close to 1 a certificate is. The exact
    value belongs in ``--json``.

    Examples
    --------
    >>> with_decimal(Fraction(3, 7)), with_decimal(10**20)
    ('3/7', '100000000000000000000')
    >>> with_decimal(Fraction(236910960225, 236910960208))
    '236910960225/236910960208 ≈ 1.0000000001'
    >>> with_decimal(1 - Fraction(2, 10**10) + Fraction(1, 10**300))
    '1.000e+0 [exact: 300/301 digits] ≈ 0.99999999980'
    """
    q = Fraction(q)
    if q.denominator == 1:
        return readable(q, limit=SIZE_NOTE)
    size = ndigits(q.numerator) + ndigits(q.denominator) + 1 + (q < 0)  # len("p/q")
    if size <= short:
        return fraction_str(q)
    return f"{readable(q, limit=SIZE_NOTE)} ≈ {approx_str(q, digits=digits)}"


def ndigits(n: int) -> int:
    """The number of decimal digits of ``|n|`` (``1`` for 0), for integers of any size.

    Exact, and without converting a huge integer to a string (the interpreter limits that).

    Examples
    --------
    >>> ndigits(0), ndigits(-999), ndigits(10**5000)
    (1, 3, 5001)
    """
    return _decimal_digits(int(n))


def sqrt_float(q: Fraction | int) -> float:
    """``sqrt(q)`` as a float for display, ``inf`` when ``q`` is beyond the float range.

    Examples
    --------
    >>> sqrt_float(Fraction(9, 4)), sqrt_float(10**400)
    (1.5, inf)
    """
    import math

    try:
        return math.sqrt(float(q))
    except OverflowError:
        return math.inf
