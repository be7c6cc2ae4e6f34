"""Reading numbers as people write them in Vietnamese and English spreadsheets.

Vietnamese writes "25.415,5" (dots group thousands, the comma is the decimal mark), English
"25,415.5". A number with both marks, or with one mark repeated, says which is which. A single
mark followed by exactly three digits ("25.415", "1,500") does not: ``parse_decimal`` then
raises ``AmbiguousNumber`` with both readings, and the caller decides (an exchange rate by
its known size, an amount by asking the user to write it plainly).
"""

import re
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_ALLOWED = re.compile(r"^[+-]?[\d.,]+$")


class AmbiguousNumber(ValueError):
    """The text can be read as two numbers (``readings``: thousands first, decimal second)."""

    def __init__(self, text: str, readings: tuple[Decimal, Decimal]):
        super().__init__(text)
        self.text = text
        self.readings = readings


def _grouped(whole: str, sep: str) -> str | None:
    """``whole`` with its thousands separator ``sep`` removed, or None when the groups are
    not groups of three ("1.234.567" → "1234567"; "12.34" → None)."""
    parts = whole.split(sep)
    if not parts[0] or len(parts[0]) > 3 or any(len(p) != 3 for p in parts[1:]):
        return None
    return "".join(parts)


def parse_decimal(value) -> Decimal:
    """A number cell or a written number as a ``Decimal``.

    Raises ``ValueError`` for text that is not a number and ``AmbiguousNumber`` for a single
    separator followed by exactly three digits.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _SPACES.sub("", str(value))
    if not _ALLOWED.match(text) or not any(ch.isdigit() for ch in text):
        raise ValueError(value)
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        whole, _sep, fraction = text.rpartition(decimal_mark)
        if thousands in fraction or decimal_mark in whole:
            raise ValueError(value)
        digits = _grouped(whole, thousands)
        if digits is None or not fraction:
            raise ValueError(value)
        return _number(f"{sign}{digits}.{fraction}", value)
    mark = "." if dots else "," if commas else ""
    if not mark:
        return _number(sign + text, value)
    if text.count(mark) > 1:
        digits = _grouped(text, mark)
        if digits is None:
            raise ValueError(value)
        return _number(sign + digits, value)
    whole, _sep, fraction = text.partition(mark)
    if not fraction:
        raise ValueError(value)
    if not whole:
        return _number(f"{sign}0.{fraction}", value)
    as_decimal = _number(f"{sign}{whole}.{fraction}", value)
    if len(fraction) == 3 and _grouped(text, mark) is not None and whole.strip("0"):
        raise AmbiguousNumber(str(value), (_number(sign + whole + fraction, value), as_decimal))
    return as_decimal


def _number(text: str, original) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(original) from exc


def parse_whole(value) -> int:
    """A count or an amount in đồng: a whole number, where a single separator followed by
    three digits groups thousands ("1.200" → 1200). Raises ``ValueError`` otherwise."""
    try:
        number = parse_decimal(value)
    except AmbiguousNumber as exc:
        number = exc.readings[0]
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def format_number(value: Decimal | int | None) -> str:
    """``Decimal("25415.500000")`` → ``"25.415,5"``: Vietnamese marks, no trailing zeros."""
    if value is None:
        return ""
    number = Decimal(value)
    text = f"{abs(number):f}"
    whole, _sep, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    sign = "-" if number < 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
