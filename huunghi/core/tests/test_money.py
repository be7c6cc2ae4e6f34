"""Money: whole đồng, exact conversion, Vietnamese display, ISO 4217 codes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.utils import translation

from huunghi.core.money import (
    CurrencyField,
    format_decimal,
    format_vnd,
    format_vnd_short,
    to_vnd,
    validate_currency,
)


class TestFormatVndShort:
    def test_billions_with_one_decimal_and_a_comma(self):
        assert format_vnd_short(78_400_000_000) == "78,4 tỷ đồng"

    def test_billions_round_half_up_on_the_first_decimal(self):
        assert format_vnd_short(78_449_999_999) == "78,4 tỷ đồng"
        assert format_vnd_short(78_450_000_000) == "78,5 tỷ đồng"

    def test_thousands_of_billions_group_with_dots(self):
        assert format_vnd_short(1_234_500_000_000) == "1.234,5 tỷ đồng"

    def test_exactly_one_billion(self):
        assert format_vnd_short(1_000_000_000) == "1,0 tỷ đồng"

    def test_below_a_billion_in_millions(self):
        assert format_vnd_short(250_600_000) == "250,6 triệu đồng"

    def test_below_a_million_in_full(self):
        assert format_vnd_short(500_000) == "500.000 đ"

    def test_negative_amounts_keep_their_sign(self):
        assert format_vnd_short(-78_400_000_000) == "-78,4 tỷ đồng"

    def test_nothing_is_empty(self):
        assert format_vnd_short(None) == ""

    def test_an_amount_that_rounds_up_to_a_billion_is_shown_in_billions(self):
        assert format_vnd_short(999_960_000) == "1,0 tỷ đồng"
        assert format_vnd_short(-999_950_000) == "-1,0 tỷ đồng"


class TestFormatVnd:
    def test_full_amount_with_dot_thousands_and_d(self):
        assert format_vnd(1_250_000_000) == "1.250.000.000 đ"

    def test_small_zero_and_negative_amounts(self):
        assert format_vnd(0) == "0 đ"
        assert format_vnd(999) == "999 đ"
        assert format_vnd(-1_500) == "-1.500 đ"

    def test_nothing_is_empty(self):
        assert format_vnd(None) == ""


class TestFormatDecimal:
    def test_decimal_comma_and_dot_thousands(self):
        assert format_decimal(Decimal("1234567.891"), places=2) == "1.234.567,89"

    def test_no_places_gives_a_whole_number(self):
        assert format_decimal(Decimal("1234.5"), places=0) == "1.235"

    def test_negative_rounds_half_away_from_zero(self):
        assert format_decimal(Decimal("-1.25")) == "-1,3"


class TestToVnd:
    def test_exact_conversion_at_the_rate_of_the_day(self):
        assert to_vnd(Decimal("12.34"), Decimal("25000")) == 308_500
        assert to_vnd(Decimal("100.00"), Decimal("25450.5")) == 2_545_050

    def test_result_is_whole_dong(self):
        result = to_vnd(Decimal("1.01"), Decimal("25450.33"))
        assert isinstance(result, int)
        assert result == 25_705  # 25 704.8333 rounds up

    @pytest.mark.parametrize(
        ("amount", "rate", "expected"),
        [
            (Decimal("0.5"), Decimal("1"), 1),  # half up, not to even
            (Decimal("2.5"), Decimal("1"), 3),
            (Decimal("1.49"), Decimal("1"), 1),
            (Decimal("-0.5"), Decimal("1"), -1),  # a refund rounds away from zero too
            (Decimal("0.0001"), Decimal("4999"), 0),
            (Decimal("0.0001"), Decimal("5000"), 1),
        ],
    )
    def test_rounding_is_half_up(self, amount, rate, expected):
        assert to_vnd(amount, rate) == expected

    def test_large_amounts_stay_exact(self):
        # 12345678901234 × 2612345 = 32251172549244133730, i.e. 3 225 117 254 924 413,373 đ
        assert to_vnd(Decimal("123456789012.34"), Decimal("26123.45")) == 3_225_117_254_924_413


class TestCurrency:
    @pytest.mark.parametrize("code", ["VND", "USD", "EUR", "JPY", "usd"])
    def test_iso_4217_codes_are_accepted(self, code):
        validate_currency(code)

    @pytest.mark.parametrize("code", ["XYZ", "US", "DOLLAR", ""])
    def test_other_codes_are_refused_with_a_message_that_says_why(self, code):
        with pytest.raises(ValidationError) as caught:
            validate_currency(code)
        assert caught.value.code == "currency"
        with translation.override("en"):
            assert caught.value.messages == [
                f"“{code}” is not an ISO 4217 currency code (for example VND, USD, EUR)."
            ]

    def test_the_message_is_in_vietnamese_by_default(self):
        with pytest.raises(ValidationError) as caught:
            validate_currency("XYZ")
        [message] = caught.value.messages
        assert message.startswith("“XYZ” ")
        assert "ISO 4217" in message
        assert "VND, USD, EUR" in message
        assert "is not an ISO 4217 currency code" not in message

    def test_no_code_at_all_is_refused(self):
        with pytest.raises(ValidationError):
            validate_currency(None)

    def test_field_stores_upper_case_and_validates(self):
        field = CurrencyField()
        assert field.max_length == 3
        assert field.get_prep_value("usd") == "USD"
        assert field.clean("eur", None) == "eur"  # upper-cased when written
        with pytest.raises(ValidationError) as caught:
            field.clean("ABC", None)
        assert "ABC" in caught.value.messages[0]


class ParseAmountTests(SimpleTestCase):
    def test_vietnamese_and_international_writing(self):
        from huunghi.core.money import parse_amount

        cases = {
            "1.250.000": Decimal("1250000"),
            "1 250 000": Decimal("1250000"),
            "12.000,50": Decimal("12000.50"),
            "12000,50": Decimal("12000.50"),
            "12000.50": Decimal("12000.50"),
            "-200.000": Decimal("-200000"),
            "1.500": Decimal("1500"),
        }
        for text, value in cases.items():
            self.assertEqual(parse_amount(text), value, text)
        for bad in ("abc", "1,2,3", "", "NaN"):
            with self.assertRaises(ValueError, msg=bad):
                parse_amount(bad)
