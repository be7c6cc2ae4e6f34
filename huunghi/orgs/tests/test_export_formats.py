import csv
import datetime
import io

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root


class ExportDateFormatTests(TestCase):
    """Exports write dates the Vietnamese way: 05/02/2026, not 2026-02-05."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_org(
            national_root(), code="ef_p", kind=OrgKind.PROVINCIAL_UNION,
            valid_from=datetime.date(2026, 2, 5),
        )  # fmt: skip
        cls.user = UserFactory(username="ef_admin")
        make_role(cls.user, cls.province, RoleKind.ADMIN)

    def setUp(self):
        self.client.force_login(self.user)

    def test_csv_dates(self):
        response = self.client.get(reverse("organizations:index"), {"export": "csv"})
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        self.assertIn("05/02/2026", rows[1])
        self.assertIn(str(OrgKind.PROVINCIAL_UNION.label), rows[1])

    def test_xlsx_dates_are_dates_shown_day_first(self):
        response = self.client.get(reverse("organizations:index"), {"export": "xlsx"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = [c for c in sheet[2] if isinstance(c.value, datetime.date)]
        self.assertEqual(cells[0].value, datetime.date(2026, 2, 5))
        self.assertEqual(cells[0].number_format, "dd/mm/yyyy")
