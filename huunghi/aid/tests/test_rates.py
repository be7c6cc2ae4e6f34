"""Exchange rates in the staff workspace: who keeps them, the recomputation that follows a
change, the log of recomputations, and the import of rates from .csv and .xlsx."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from huunghi.aid.choices import RecomputeStatus
from huunghi.aid.imports.values import AmbiguousNumber, format_number, parse_decimal, parse_whole
from huunghi.aid.models import ExchangeRate, RateRecomputation, Sector
from huunghi.aid.rate_import import RateEvent, exchange_rate_changed
from huunghi.aid.tests.factories import AidTransactionFactory, ExchangeRateFactory, make_activity
from huunghi.orgs.choices import RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.partners.tests.factories import PartnerFactory

JAN, FEB, MAR = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)


def csv_file(text: str, name="ty-gia.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding))


def xlsx_file(rows, headers=("currency", "date", "rate", "source"), name="rates.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


class _Users:
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="rates_prov", name_vi="Liên hiệp tỉnh A")
        cls.national_editor = UserFactory(username="rates_nat_editor")
        make_role(cls.national_editor, root, RoleKind.EDITOR)
        cls.national_viewer = UserFactory(username="rates_nat_viewer")
        make_role(cls.national_viewer, root, RoleKind.VIEWER)
        cls.national_admin = UserFactory(username="rates_nat_admin")
        make_role(cls.national_admin, root, RoleKind.ADMIN)
        cls.provincial_admin = UserFactory(username="rates_prov_admin")
        make_role(cls.provincial_admin, cls.province, RoleKind.ADMIN)
        cls.donor = PartnerFactory()
        cls.activity = make_activity(
            organization=cls.province,
            donors=[cls.donor],
            planned_start=datetime.date(2024, 1, 1),
            planned_end=datetime.date(2026, 12, 31),
        )

    def tx(self, date, amount="100", currency="USD"):
        return AidTransactionFactory(
            activity=self.activity, currency=currency, amount=Decimal(amount), date=date
        )


class NumberTests(TestCase):
    def test_vietnamese_and_english_marks(self):
        for text, expected in (
            ("25.415,5", "25415.5"),
            ("25,415.5", "25415.5"),
            ("25415,5", "25415.5"),
            ("25415.5", "25415.5"),
            ("1.234.567", "1234567"),
            ("1 250 000", "1250000"),
            ("-1.000,25", "-1000.25"),
            ("0.125", "0.125"),
        ):
            with self.subTest(text=text):
                self.assertEqual(parse_decimal(text), Decimal(expected))
        with self.assertRaises(AmbiguousNumber) as ctx:
            parse_decimal("25.415")
        self.assertEqual(ctx.exception.readings, (Decimal("25415"), Decimal("25.415")))
        for bad in ("abc", "12.34.5", "1,2,3", ""):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_decimal(bad)
        self.assertEqual(parse_whole("1.200"), 1200)
        self.assertEqual(format_number(Decimal("25415.500000")), "25.415,5")


class RatePermissionTests(_Users, TestCase):
    def test_staff_read_rates_national_editors_keep_them(self):
        rate = ExchangeRateFactory(currency="EUR", date=JAN, rate=Decimal("27000"))
        for user in (self.national_viewer, self.provincial_admin, self.national_editor):
            self.client.force_login(user)
            response = self.client.get(reverse("aid_exchange_rates:index"))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "27.000")
        self.client.force_login(self.provincial_admin)
        response = self.client.post(
            reverse("aid_exchange_rates:edit", args=[rate.pk]),
            {"currency": "EUR", "date": "2025-01-01", "rate": "1", "source": ""},
        )
        self.assertIn(response.status_code, (302, 403))
        rate.refresh_from_db()
        self.assertEqual(rate.rate, Decimal("27000"))
        for name in ("aid_rates:import", "aid_rates:template", "aid_rates:trash"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 404, name)
        self.client.force_login(self.national_editor)
        for name in ("aid_rates:import", "aid_rates:template", "aid_rates:trash"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 200, name)

    def test_reference_data_changed_by_national_admins_only(self):
        sector = Sector.objects.get(code="health")
        data = {"code": "health", "name_vi": "Y tế cộng đồng", "name_en": "Health", "dac_codes": ""}
        for user, allowed in (
            (self.provincial_admin, False),
            (self.national_editor, False),
            (self.national_admin, True),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                index = self.client.get(reverse("aid_sectors:index"))
                self.assertEqual(index.status_code, 200)
                self.client.post(
                    reverse("aid_sectors:edit", args=[sector.pk]), {**data, "is_active": "on"}
                )
                sector.refresh_from_db()
                self.assertEqual(sector.name_vi == "Y tế cộng đồng", allowed)
        for name in ("aid_forms:index", "aid_beneficiary_groups:index"):
            self.client.force_login(self.national_viewer)
            self.assertEqual(self.client.get(reverse(name)).status_code, 200)


class RateChangeTests(_Users, TestCase):
    def post_rate(self, url, **data):
        self.client.force_login(self.national_editor)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        return response

    def test_adding_a_rate_recomputes_the_transactions_it_governs(self):
        before = self.tx(datetime.date(2025, 1, 15))
        after = self.tx(datetime.date(2025, 2, 15))
        self.assertIsNone(before.vnd)
        ExchangeRateFactory(currency="USD", date=FEB, rate=Decimal("26000"))
        self.post_rate(
            reverse("aid_exchange_rates:add"),
            currency="usd",
            date="2025-01-01",
            rate="25000",
            source="NHNN",
        )
        run = RateRecomputation.objects.get()
        self.assertEqual(
            (run.currency, run.date_from, run.date_to), ("USD", JAN, datetime.date(2025, 1, 31))
        )
        self.assertEqual(run.requested_by, self.national_editor)
        self.assertEqual((run.status, run.examined, run.changed), (RecomputeStatus.DONE, 1, 1))
        before.refresh_from_db()
        after.refresh_from_db()
        self.assertEqual(before.vnd, 2_500_000)
        self.assertIsNone(after.vnd)  # still the value stored at save (the Feb rate came later)

    def test_moving_a_rate_recomputes_the_old_and_new_dates(self):
        rate = ExchangeRateFactory(currency="USD", date=JAN, rate=Decimal("25000"))
        early = self.tx(datetime.date(2025, 1, 10))
        late = self.tx(datetime.date(2025, 3, 10))
        self.assertEqual((early.vnd, late.vnd), (2_500_000, 2_500_000))
        self.post_rate(
            reverse("aid_exchange_rates:edit", args=[rate.pk]),
            currency="USD",
            date="2025-03-01",
            rate="25500",
            source="",
        )
        runs = list(RateRecomputation.objects.order_by("pk"))
        self.assertEqual([r.date_from for r in runs], [JAN, MAR])
        early.refresh_from_db()
        late.refresh_from_db()
        self.assertIsNone(early.vnd)  # no rate on or before 10/01 any more
        self.assertEqual(late.vnd, 2_550_000)

    def test_changing_only_the_source_recomputes_nothing(self):
        rate = ExchangeRateFactory(currency="USD", date=JAN, rate=Decimal("25000"))
        self.post_rate(
            reverse("aid_exchange_rates:edit", args=[rate.pk]),
            currency="USD",
            date="2025-01-01",
            rate="25000.000000",
            source="Vietcombank",
        )
        self.assertFalse(RateRecomputation.objects.exists())

    def test_trash_and_restore_recompute(self):
        ExchangeRateFactory(currency="USD", date=JAN, rate=Decimal("25000"))
        rate = ExchangeRateFactory(currency="USD", date=FEB, rate=Decimal("26000"))
        tx = self.tx(datetime.date(2025, 2, 10))
        self.assertEqual(tx.vnd, 2_600_000)
        self.post_rate(reverse("aid_exchange_rates:delete", args=[rate.pk]))
        tx.refresh_from_db()
        self.assertEqual(tx.vnd, 2_500_000)
        self.client.force_login(self.national_editor)
        trash = self.client.get(reverse("aid_rates:trash"))
        self.assertContains(trash, "26.000")
        self.post_rate(reverse("aid_rates:restore", args=[rate.pk]))
        tx.refresh_from_db()
        self.assertEqual(tx.vnd, 2_600_000)
        self.assertEqual(RateRecomputation.objects.count(), 2)
        self.client.force_login(self.provincial_admin)
        response = self.client.post(reverse("aid_rates:restore", args=[rate.pk]))
        self.assertEqual(response.status_code, 404)

    def test_service_asks_nothing_when_nothing_that_counts_changed(self):
        rate = ExchangeRateFactory(currency="USD", date=JAN, rate=Decimal("25000"))
        runs = exchange_rate_changed(
            actor=self.national_editor,
            rate=rate,
            event=RateEvent.CHANGED,
            before=("USD", JAN, Decimal("25000.000000")),
        )
        self.assertEqual(runs, [])

    def test_recomputation_log_is_read_only_and_its_list_does_not_grow_queries(self):
        self.client.force_login(self.provincial_admin)
        url = reverse("aid_rate_recomputations:index")

        def count():
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            return len(ctx)

        RateRecomputation.objects.create(
            currency="USD", date_from=JAN, reason="x", requested_by=self.national_editor
        )
        count()
        few = count()
        for i in range(10):
            RateRecomputation.objects.create(
                currency="EUR", date_from=JAN, reason=f"r{i}", requested_by=self.national_admin
            )
        self.assertLessEqual(count(), few)
        run = RateRecomputation.objects.first()
        response = self.client.get(reverse("aid_rate_recomputations:inspect", args=[run.pk]))
        self.assertEqual(response.status_code, 200)
        self.client.force_login(self.national_admin)
        response = self.client.post(
            reverse("aid_rate_recomputations:delete", args=[run.pk]), follow=False
        )
        self.assertIn(response.status_code, (302, 403))
        self.assertTrue(RateRecomputation.objects.filter(pk=run.pk).exists())


class RateImportTests(_Users, TestCase):
    def upload(self, upload, user=None):
        self.client.force_login(user or self.national_editor)
        response = self.client.post(reverse("aid_rates:import"), {"file": upload})
        self.assertEqual(response.status_code, 200)
        return response

    def confirm(self, response):
        with self.captureOnCommitCallbacks(execute=True):
            result = self.client.post(
                reverse("aid_rates:confirm"), {"payload": response.context["payload"]}
            )
        self.assertRedirects(
            result, reverse("aid_exchange_rates:index"), fetch_redirect_response=False
        )
        return result

    def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(self):
        text = (
            "Tiền tệ;Ngày;Tỷ giá;Nguồn\n"
            "USD;02/01/2025;25.415,5;NHNN\n"
            "XYZ;03/01/2025;25000;\n"
            "VND;03/01/2025;1;\n"
            "EUR;31/02/2025;27000;\n"
            "EUR;04/01/2025;-5;\n"
            "EUR;05/01/2025;hai mươi;\n"
            "USD;02/01/2025;25500;\n"
            "GBP;06/01/2025;32.100;\n"
            ";07/01/2025;;\n"
        )
        response = self.upload(csv_file(text))
        cells = {(p["row"], p["column"], p["letter"]) for p in response.context["problems"]}
        self.assertEqual(
            cells,
            {
                (3, "Tiền tệ", "A"),
                (4, "Tiền tệ", "A"),
                (5, "Ngày", "B"),
                (6, "Tỷ giá", "C"),
                (7, "Tỷ giá", "C"),
                (8, "Ngày", "B"),  # the same currency and date as row 2
                (9, "Tỷ giá", "C"),  # 32.100: no earlier GBP rate says which reading
                (10, "Tiền tệ", "A"),
                (10, "Tỷ giá", "C"),
            },
        )
        self.assertContains(response, "XYZ")
        self.assertNotIn("payload", response.context)
        self.assertFalse(ExchangeRate.objects.exists())

    def test_clean_csv_previews_then_applies_and_recomputes(self):
        ExchangeRateFactory(currency="USD", date=JAN, rate=Decimal("24000"))
        old = self.tx(datetime.date(2025, 1, 10))
        late = self.tx(datetime.date(2025, 3, 10))
        euro = self.tx(datetime.date(2025, 2, 10), currency="EUR")
        self.assertEqual((old.vnd, late.vnd, euro.vnd), (2_400_000, 2_400_000, None))
        text = (
            "Tiền tệ,Ngày,Tỷ giá,Nguồn\n"
            'USD,01/01/2025,"25.000",NHNN\n'  # an update; 25.000 read by the size of 24000
            'USD,01/03/2025,"25.500,5",NHNN\n'
            "eur,01/02/2025,27000,\n"
        )
        response = self.upload(csv_file(text))
        self.assertEqual(response.context["problems"], [])
        self.assertEqual(response.context["counts"], {"new": 2, "update": 1, "unchanged": 0})
        self.assertContains(response, "25.500,5")
        self.assertFalse(ExchangeRate.objects.filter(currency="EUR").exists())  # preview only
        self.confirm(response)
        self.assertEqual(ExchangeRate.objects.get(currency="USD", date=JAN).rate, Decimal("25000"))
        self.assertEqual(
            ExchangeRate.objects.get(currency="USD", date=MAR).rate, Decimal("25500.5")
        )
        self.assertEqual(ExchangeRate.objects.get(currency="EUR").source, "")
        runs = {r.currency: r for r in RateRecomputation.objects.all()}
        self.assertEqual((runs["USD"].date_from, runs["USD"].date_to), (JAN, None))
        self.assertEqual((runs["EUR"].date_from, runs["EUR"].date_to), (FEB, None))
        for tx, vnd in ((old, 2_500_000), (late, 2_550_050), (euro, 2_700_000)):
            tx.refresh_from_db()
            self.assertEqual(tx.vnd, vnd)
        # The same file again changes nothing.
        response = self.upload(csv_file(text))
        self.assertEqual(response.context["counts"], {"new": 0, "update": 0, "unchanged": 3})

    def test_xlsx_with_english_headers_and_date_cells(self):
        rows = [
            ("JPY", datetime.datetime(2025, 1, 2), 165.25, "SBV"),
            ("USD", "03/01/2025", "25,415.5", ""),
        ]
        response = self.upload(xlsx_file(rows))
        self.assertEqual(response.context["problems"], [])
        self.confirm(response)
        self.assertEqual(ExchangeRate.objects.get(currency="JPY").date, datetime.date(2025, 1, 2))
        self.assertEqual(ExchangeRate.objects.get(currency="USD").rate, Decimal("25415.5"))

    def test_file_errors_and_tampered_preview(self):
        response = self.upload(csv_file("Mã,Giá\nUSD,1\n"))
        self.assertTrue(response.context["form"].errors["file"])
        response = self.upload(SimpleUploadedFile("a.xlsx", b"not a workbook"))
        self.assertTrue(response.context["form"].errors["file"])
        response = self.upload(SimpleUploadedFile("a.txt", b"x"))
        self.assertTrue(response.context["form"].errors["file"])
        response = self.client.post(reverse("aid_rates:confirm"), {"payload": "forged"})
        self.assertRedirects(response, reverse("aid_rates:import"), fetch_redirect_response=False)
        self.assertFalse(ExchangeRate.objects.exists())

    def test_template_downloads_and_round_trips(self):
        self.client.force_login(self.national_editor)
        response = self.client.get(reverse("aid_rates:template"))
        wb = load_workbook(io.BytesIO(response.content))
        ws = wb["Tỷ giá"]
        self.assertEqual([c.value for c in ws[1]], ["Tiền tệ", "Ngày", "Tỷ giá", "Nguồn"])
        ws.append(["USD", datetime.date(2025, 1, 2), 25415, "NHNN"])
        out = io.BytesIO()
        wb.save(out)
        response = self.upload(SimpleUploadedFile("mau.xlsx", out.getvalue()))
        self.assertEqual(response.context["counts"]["new"], 1)

    def test_only_national_editors_import(self):
        self.client.force_login(self.provincial_admin)
        response = self.client.post(
            reverse("aid_rates:import"),
            {"file": csv_file("currency,date,rate\nUSD,02/01/2025,25000\n")},
        )
        self.assertEqual(response.status_code, 404)
        response = self.client.post(reverse("aid_rates:confirm"), {"payload": "x"})
        self.assertEqual(response.status_code, 404)
