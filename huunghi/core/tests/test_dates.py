"""Dates as Vietnamese administrative documents write them (Decree 30/2020/NĐ-CP)."""

import datetime

import pytest

from huunghi.core.dates import format_date, format_date_long


def test_short_date_is_day_month_year_with_slashes():
    assert format_date(datetime.date(2026, 2, 5)) == "05/02/2026"
    assert format_date(datetime.date(2025, 12, 31)) == "31/12/2025"


def test_short_date_of_nothing_is_empty():
    assert format_date(None) == ""


def test_long_date_pads_a_day_below_ten_and_january_february():
    assert format_date_long(datetime.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert format_date_long(datetime.date(2026, 1, 9)) == "ngày 09 tháng 01 năm 2026"


def test_long_date_with_two_digit_day_and_month():
    assert format_date_long(datetime.date(2025, 11, 17)) == "ngày 17 tháng 11 năm 2025"
    assert format_date_long(datetime.date(2025, 12, 10)) == "ngày 10 tháng 12 năm 2025"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (datetime.date(2025, 7, 1), "ngày 01 tháng 7 năm 2025"),
        (datetime.date(2025, 9, 2), "ngày 02 tháng 9 năm 2025"),
    ],
)
def test_long_date_does_not_pad_months_three_to_nine(day, expected):
    assert format_date_long(day) == expected
