import datetime

from django.test import SimpleTestCase
from django.utils import formats, translation


class VietnameseFormatTests(SimpleTestCase):
    """Dates and numbers in the interface follow Vietnamese usage by default."""

    def test_dates_are_day_first(self):
        with translation.override("vi"):
            self.assertEqual(
                formats.date_format(datetime.date(2026, 2, 5), "SHORT_DATE_FORMAT"), "05/02/2026"
            )
            self.assertEqual(formats.date_format(datetime.date(2026, 2, 5)), "05/02/2026")

    def test_numbers_group_thousands_with_dots_and_use_a_decimal_comma(self):
        with translation.override("vi"):
            self.assertEqual(formats.localize(1250000, use_l10n=True), "1.250.000")
            self.assertEqual(formats.number_format(78.4, 1, force_grouping=True), "78,4")

    def test_date_input_accepts_dd_mm_yyyy(self):
        from django import forms

        with translation.override("vi"):
            field = forms.DateField()
            self.assertEqual(field.clean("05/02/2026"), datetime.date(2026, 2, 5))
