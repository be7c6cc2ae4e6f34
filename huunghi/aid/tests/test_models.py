import datetime
from decimal import Decimal

from django.test import TestCase

from huunghi.aid.models import ActivityLocation, equal_shares
from huunghi.aid.tests.factories import (
    AidTransactionFactory,
    ExchangeRateFactory,
    make_activity,
    province,
)
from huunghi.partners.tests.factories import PartnerFactory


class TransactionValueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.donor = PartnerFactory()
        cls.activity = make_activity(donors=[cls.donor])

    def test_uses_the_latest_rate_on_or_before_the_date(self):
        ExchangeRateFactory(currency="USD", date=datetime.date(2026, 1, 1), rate=Decimal("25000"))
        ExchangeRateFactory(currency="USD", date=datetime.date(2026, 3, 2), rate=Decimal("26000"))
        tx = AidTransactionFactory(
            activity=self.activity,
            currency="USD",
            amount=Decimal("10.50"),
            date=datetime.date(2026, 3, 1),
        )
        self.assertEqual(tx.rate, Decimal("25000"))
        self.assertEqual(tx.vnd, 262_500)

    def test_no_rate_leaves_the_value_empty_not_zero(self):
        tx = AidTransactionFactory(activity=self.activity, currency="EUR", amount=Decimal("100"))
        self.assertIsNone(tx.vnd)
        self.assertTrue(tx.rate_missing)

    def test_credited_value_overrides_the_rate(self):
        tx = AidTransactionFactory(
            activity=self.activity, currency="EUR", amount=Decimal("100"), vnd_credited=2_700_000
        )
        self.assertEqual(tx.vnd, 2_700_000)


class ShareTests(TestCase):
    def test_equal_shares_add_up_to_exactly_100(self):
        self.assertEqual(sum(equal_shares(3)), 100)
        self.assertEqual(equal_shares(3), [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")])

    def test_location_rolls_up_to_todays_province(self):
        activity = make_activity(locations=[province("dong_thap")])
        location = ActivityLocation.objects.get(activity=activity)
        self.assertEqual(location.province.codename, "dong_thap")
        self.assertEqual(location.weight, 10000)


class RateTableTests(TestCase):
    def test_answers_like_the_query_without_one_per_row(self):
        from huunghi.aid.services.rates import RateTable, rate_on

        for day, rate in ((1, "25000"), (15, "25100")):
            ExchangeRateFactory(
                currency="USD", date=datetime.date(2026, 3, day), rate=Decimal(rate)
            )
        table = RateTable(["usd", "EUR", "VND"])
        with self.assertNumQueries(0):
            found = [table.on("USD", datetime.date(2026, 3, d)) for d in (1, 14, 15, 31)]
            self.assertIsNone(table.on("USD", datetime.date(2026, 2, 28)))
            self.assertIsNone(table.on("EUR", datetime.date(2026, 3, 1)))
        for day, rate in zip((1, 14, 15, 31), found, strict=True):
            self.assertEqual(rate, rate_on("USD", datetime.date(2026, 3, day)))
