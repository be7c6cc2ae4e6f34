"""Dates as Vietnamese documents write them."""

import datetime


def format_date(value: datetime.date | None) -> str:
    """``05/02/2026``."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_date_long(value: datetime.date) -> str:
    """``ngày 05 tháng 02 năm 2026`` (Decree 30: day below 10 and months 1–2 zero-padded)."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"
