"""The money convention of every part.

VND values are whole đồng in a ``BigIntegerField`` (``VNDField``): sums are exact on
SQLite and PostgreSQL alike. Amounts in other currencies keep their ``Decimal`` value and
their ISO 4217 code (``CurrencyField``). Display follows Vietnamese usage.
"""

from decimal import ROUND_HALF_UP, Decimal

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

BILLION = 10**9
MILLION = 10**6


class VNDField(models.BigIntegerField):
    """An amount in whole Vietnamese đồng."""

    description = _("Amount in Vietnamese đồng")


def validate_currency(code: str) -> None:
    if not code or pycountry.currencies.get(alpha_3=str(code).upper()) is None:
        raise ValidationError(
            _("“%(code)s” is not an ISO 4217 currency code (for example VND, USD, EUR)."),
            code="currency",
            params={"code": code},
        )


class CurrencyField(models.CharField):
    """An ISO 4217 currency code, upper case."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("verbose_name", _("currency"))
        kwargs.setdefault("validators", [validate_currency])
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value.upper() if isinstance(value, str) else value


class AmountField(models.DecimalField):
    """An amount in its original currency."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


def to_vnd(amount: Decimal, rate: Decimal) -> int:
    """Convert ``amount`` at ``rate`` (đồng per unit) to whole đồng, rounding half up."""
    return int((Decimal(amount) * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def group_thousands(value: int, sep: str = ".") -> str:
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", sep)


def format_vnd(value: int | None) -> str:
    """``1250000000`` → ``"1.250.000.000 đ"``."""
    if value is None:
        return ""
    return f"{group_thousands(value)} đ"


def format_decimal(value: Decimal | float, places: int = 1) -> str:
    """``78.44`` → ``"78,4"`` (Vietnamese decimal comma, thousands with dots)."""
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _sep, frac = f"{abs(q):f}".partition(".")
    text = group_thousands(int(whole))
    if q < 0:
        text = "-" + text
    return f"{text},{frac}" if places else text


def format_vnd_short(value: int | None) -> str:
    """``78_400_000_000`` → ``"78,4 tỷ đồng"``; below a billion, in millions.

    The unit is chosen after rounding, so 999.960.000 đ reads "1,0 tỷ đồng".
    """
    if value is None:
        return ""
    one_place = Decimal("0.1")
    if abs(Decimal(value) / BILLION).quantize(one_place, rounding=ROUND_HALF_UP) >= 1:
        return f"{format_decimal(Decimal(value) / BILLION)} tỷ đồng"
    if abs(Decimal(value) / MILLION).quantize(one_place, rounding=ROUND_HALF_UP) >= 1:
        return f"{format_decimal(Decimal(value) / MILLION)} triệu đồng"
    return format_vnd(value)


def parse_amount(text) -> Decimal:
    """Read an amount written the Vietnamese way or the international way.

    "1.250.000" and "1 250 000" → 1250000; "12.000,50" and "12000,50" → 12000.50;
    "12000.50" → 12000.50; "-200.000" → -200000. A single dot followed by exactly three
    digits is a thousands separator ("1.500" is one thousand five hundred), as in Vietnamese.
    Raises ``ValueError`` when the text is not a number.
    """
    if isinstance(text, Decimal | int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not raw:
        raise ValueError("empty")
    if "," in raw:
        if raw.count(",") > 1:
            raise ValueError(raw)
        whole, frac = raw.split(",")
        raw = whole.replace(".", "") + "." + frac
    elif raw.count(".") > 1 or (raw.count(".") == 1 and len(raw.rsplit(".", 1)[1]) == 3):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except ArithmeticError as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value
