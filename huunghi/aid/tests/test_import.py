"""The aid import: the template round trip, every bad input named by sheet, row and column,
all-or-nothing writing, scoping, and query counts."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from huunghi.aid.choices import ActivityStatus, TransactionKind
from huunghi.aid.imports import (
    ACTIVITY_COLUMNS,
    ACTIVITY_SHEET,
    ERROR_HEADER,
    IMPORT_ACTION,
    TRANSACTION_COLUMNS,
    TRANSACTION_SHEET,
    VALUES_SHEET,
)
from huunghi.aid.models import (
    ActivityBeneficiary,
    ActivityLocation,
    ActivitySector,
    AidActivity,
    AidTransaction,
)
from huunghi.aid.tests.factories import ExchangeRateFactory, make_activity, province
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import ImportJob
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.partners.tests.factories import PartnerFactory
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel
from huunghi.places.selectors import current_province

A_HEADERS = [c.header for c in ACTIVITY_COLUMNS]
T_HEADERS = [c.header for c in TRANSACTION_COLUMNS]
A_LETTER = {c.header: chr(ord("A") + i) for i, c in enumerate(ACTIVITY_COLUMNS)}
T_LETTER = {c.header: chr(ord("A") + i) for i, c in enumerate(TRANSACTION_COLUMNS)}


def workbook(activities, transactions, *, a_headers=A_HEADERS, t_headers=T_HEADERS):
    """An uploaded .xlsx whose rows are dicts keyed by header (missing keys stay empty)."""
    wb = Workbook()
    ws = wb.active
    ws.title = ACTIVITY_SHEET
    ws.append(a_headers)
    for row in activities:
        ws.append([row.get(h) for h in a_headers])
    if t_headers is not None:
        ws = wb.create_sheet(TRANSACTION_SHEET)
        ws.append(t_headers)
        for row in transactions:
            ws.append([row.get(h) for h in t_headers])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("lich-su-vien-tro.xlsx", out.getvalue())


class AidImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.dong_thap = province("dong_thap")
        cls.union = make_org(
            root, kind=OrgKind.PROVINCIAL_UNION, code="aid_imp_a", unit=cls.dong_thap
        )
        cls.other_union = make_org(root, kind=OrgKind.PROVINCIAL_UNION, code="aid_imp_b")
        cls.editor = UserFactory(username="aid_imp_editor")
        make_role(cls.editor, cls.union, RoleKind.EDITOR)
        cls.viewer = UserFactory(username="aid_imp_viewer")
        make_role(cls.viewer, cls.union, RoleKind.VIEWER)
        cls.outsider = UserFactory(username="aid_imp_outsider")
        make_role(cls.outsider, cls.other_union, RoleKind.EDITOR)
        cls.gni = PartnerFactory(
            name="Good Neighbors International", acronym="GNI", iati_identifier="KR-CHC-1234"
        )
        cls.plan = PartnerFactory(name="Plan International", acronym="PLAN")
        cls.ngo = PartnerFactory(name="Trung tâm Phát triển cộng đồng", acronym="CDC")
        cls.commune = cls.dong_thap.children.order_by("code").first()
        cls.old_province = AdministrativeUnit.objects.get(
            code_system=CodeSystem.GSO_PRE_2025, level=UnitLevel.PROVINCE, codename="tien_giang"
        )
        ExchangeRateFactory(currency="USD", date=datetime.date(2024, 1, 1), rate=Decimal("24000"))
        ExchangeRateFactory(currency="USD", date=datetime.date(2025, 1, 1), rate=Decimal("25000"))
        cls.existing = make_activity(organization=cls.union, reference="DT-OLD", donors=[cls.gni])

    # -- rows

    def activity(self, **changes):
        values = {
            "Số hiệu": "DT-2024-01",
            "Hình thức viện trợ": "Dự án",
            "Tên khoản viện trợ (tiếng Việt)": "Nước sạch cho trường tiểu học",
            "Tên khoản viện trợ (tiếng Anh)": "Clean water for primary schools",
            "Nhà tài trợ": "GNI; Plan International",
            "Đối tác thực hiện": "CDC",
            "Chủ khoản viện trợ": "Sở Giáo dục và Đào tạo",
            "Cơ quan chủ quản": "Ủy ban nhân dân tỉnh Đồng Tháp",
            "Đơn vị vận động": "aid_imp_a",
            "Lĩnh vực": "Nước sạch và vệ sinh môi trường 60; education 40",
            "Địa bàn": f"{self.commune.code}: 70; Tỉnh Tiền Giang: 30",
            "Đối tượng thụ hưởng": "Trẻ em: 1.200; Phụ nữ",
            "Ngày bắt đầu dự kiến": "01/01/2024",
            "Ngày kết thúc dự kiến": "31/12/2025",
            "Ngày bắt đầu thực tế": datetime.date(2024, 2, 1),
            "Trạng thái": "Đang thực hiện",
            "Số quyết định phê duyệt": "123/QĐ-UBND",
            "Ngày quyết định phê duyệt": "15/01/2024",
            "Cơ quan phê duyệt": "Ủy ban nhân dân tỉnh Đồng Tháp",
            "Mã IATI": "KR-CHC-1234-DT01",
        }
        values.update(changes)
        return values

    def transaction(self, **changes):
        values = {
            "Số hiệu khoản viện trợ": "DT-2024-01",
            "Loại giao dịch": "Cam kết",
            "Ngày": "20/01/2024",
            "Số tiền": 100000,
            "Tiền tệ": "USD",
            "Nhà tài trợ": "GNI",
            "Nội dung": "Cam kết theo thỏa thuận",
        }
        values.update(changes)
        return values

    def good_file(self):
        return workbook(
            [
                self.activity(),
                self.activity(
                    **{
                        "Số hiệu": "DT-2024-02",
                        "Hình thức viện trợ": "Phi dự án",
                        "Tên khoản viện trợ (tiếng Việt)": "Học bổng cho học sinh nghèo",
                        "Nhà tài trợ": "Plan International",
                        "Đối tác thực hiện": None,
                        "Lĩnh vực": "Giáo dục",
                        "Địa bàn": None,
                        "Đối tượng thụ hưởng": None,
                        "Trạng thái": "Đã phê duyệt",
                        "Số quyết định phê duyệt": None,
                        "Ngày quyết định phê duyệt": None,
                        "Cơ quan phê duyệt": None,
                        "Mã IATI": None,
                    }
                ),
            ],
            [
                self.transaction(),
                self.transaction(
                    **{
                        "Loại giao dịch": "disbursement",
                        "Ngày": "01/03/2025",
                        "Số tiền": "40.000,50",
                        "Nhà tài trợ": "Plan International",
                    }
                ),
                self.transaction(
                    **{
                        "Loại giao dịch": "Giải ngân",
                        "Ngày": "01/04/2025",
                        "Số tiền": -500,
                        "Nhà tài trợ": "PLAN",
                    }
                ),
                self.transaction(
                    **{
                        "Loại giao dịch": "Chi tiêu",
                        "Ngày": "01/05/2024",
                        "Số tiền": 2000,
                        "Tiền tệ": "EUR",
                        "Nhà tài trợ": "KR-CHC-1234",
                    }
                ),
                self.transaction(
                    **{
                        "Số hiệu khoản viện trợ": "DT-2024-02",
                        "Loại giao dịch": "Cam kết",
                        "Số tiền": "50.000.000",
                        "Tiền tệ": "VND",
                        "Nhà tài trợ": None,
                    }
                ),
                self.transaction(
                    **{
                        "Số hiệu khoản viện trợ": "DT-2024-02",
                        "Loại giao dịch": "Giải ngân",
                        "Số tiền": 1000,
                        "Tiền tệ": "EUR",
                        "Số tiền VNĐ thực nhận": "27.000.000",
                        "Nhà tài trợ": None,
                    }
                ),
            ],
        )

    def upload(self, file, user=None, organization=None):
        self.client.force_login(user or self.editor)
        response = self.client.post(
            reverse("aid_import:upload"),
            {"organization": (organization or self.union).pk, "file": file},
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])

    def confirm(self, job, user=None):
        self.client.force_login(user or self.editor)
        return self.client.post(reverse("aid_import:confirm", args=[job.pk]))

    def cells(self, job):
        return {(p["sheet"], p["row"], p["column"], p["letter"]) for p in job.problems}

    # -- tests

    def test_template_round_trip_creates_live_activities_with_values_in_dong(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("aid_import:template"))
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual([c.value for c in wb[ACTIVITY_SHEET][1]], A_HEADERS)
        self.assertEqual([c.value for c in wb[TRANSACTION_SHEET][1]], T_HEADERS)
        allowed = {c.value for row in wb[VALUES_SHEET].iter_rows() for c in row}
        self.assertTrue({"Dự án", "Y tế", "Trẻ em", "Đang thực hiện", "Cam kết"} <= allowed)
        self.assertTrue({"Good Neighbors International", "GNI", "aid_imp_a"} <= allowed)
        # The example rows left in are refused.
        out = io.BytesIO()
        wb.save(out)
        job = self.upload(SimpleUploadedFile("mau.xlsx", out.getvalue()))
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual(
            {(p["sheet"], p["row"]) for p in job.problems},
            {(ACTIVITY_SHEET, 2), (TRANSACTION_SHEET, 2)},
        )
        # Filled in over the example rows.
        for ws, row in (
            (wb[ACTIVITY_SHEET], self.activity()),
            (wb[TRANSACTION_SHEET], self.transaction()),
        ):
            headers = [c.value for c in ws[1]]
            for i, header in enumerate(headers, start=1):
                ws.cell(row=2, column=i, value=row.get(header))
        ws = wb[TRANSACTION_SHEET]
        ws.append(
            [
                {"Loại giao dịch": "Giải ngân", "Ngày": "10/01/2025", "Số tiền": 30000}.get(h, v)
                for h, v in zip(T_HEADERS, [c.value for c in ws[2]], strict=True)
            ]
        )
        out = io.BytesIO()
        wb.save(out)
        job = self.upload(SimpleUploadedFile("mau.xlsx", out.getvalue()))
        self.assertEqual(job.status, ImportJob.Status.VALID, job.problems)
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.APPLIED, job.result)
        activity = AidActivity.objects.get(reference="DT-2024-01")
        values = sorted(activity.transactions.values_list("kind", "vnd"))
        self.assertEqual(
            values,
            [
                (TransactionKind.COMMITMENT, 2_400_000_000),
                (TransactionKind.DISBURSEMENT, 750_000_000),
            ],
        )

    def test_good_file_imports_everything_in_one_go(self):
        job = self.upload(self.good_file())
        self.assertEqual(job.status, ImportJob.Status.VALID, job.problems)
        self.assertEqual((job.total_rows, job.clean_rows), (8, 8))
        self.assertEqual(job.result["missing_rates"], 1)  # the EUR expenditure
        page = self.client.get(reverse("aid_import:job", args=[job.pk]))
        self.assertContains(page, "data-missing-rates")
        self.assertContains(page, "EUR: 1")
        self.assertContains(page, reverse("aid_import:confirm", args=[job.pk]))
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.APPLIED, job.result)
        self.assertEqual(
            (job.result["activities_created"], job.result["transactions_created"]), (2, 6)
        )
        self.assertEqual(job.result["transactions_without_rate"], 1)

        first = AidActivity.objects.get(reference="DT-2024-01")
        self.assertEqual(first.organization, self.union)
        self.assertEqual(first.status, ActivityStatus.IMPLEMENTING)
        self.assertEqual(first.form.code, "project")
        self.assertEqual(first.implementing_partner, self.ngo)
        self.assertEqual(first.mobilised_by, self.union)
        self.assertEqual(
            (first.decision_number, first.decision_date),
            ("123/QĐ-UBND", datetime.date(2024, 1, 15)),
        )
        self.assertEqual(first.actual_start, datetime.date(2024, 2, 1))
        self.assertEqual(
            set(first.donors.values_list("partner", flat=True)), {self.gni.pk, self.plan.pk}
        )
        self.assertEqual(
            sorted(
                ActivitySector.objects.filter(activity=first).values_list("sector__code", "weight")
            ),
            [("education", 4000), ("water", 6000)],
        )
        locations = {loc.unit_id: loc for loc in ActivityLocation.objects.filter(activity=first)}
        self.assertEqual(locations[self.commune.pk].weight, 7000)
        self.assertEqual(locations[self.old_province.pk].weight, 3000)
        for loc in locations.values():
            self.assertEqual(loc.province, current_province(loc.unit))
        self.assertEqual(locations[self.old_province.pk].province, self.dong_thap)
        self.assertEqual(
            sorted(
                ActivityBeneficiary.objects.filter(activity=first).values_list(
                    "group__code", "number"
                )
            ),
            [("children", 1200), ("women", None)],
        )
        # Live, with a first revision so that Wagtail's history and later edits work.
        self.assertTrue(first.live)
        self.assertFalse(first.has_unpublished_changes)
        self.assertIsNotNone(first.latest_revision)
        self.assertEqual(first.latest_revision, first.live_revision)
        self.assertEqual(first.latest_revision.user, self.editor)
        as_revised = first.latest_revision.as_object()
        self.assertEqual(as_revised.title_vi, first.title_vi)
        self.assertEqual(len(as_revised.donors.all()), 2)
        self.assertTrue(AidActivity.objects.search("nuoc sach truong").filter(pk=first.pk).exists())

        tx = {
            (t.activity.reference, t.kind, t.date): t
            for t in AidTransaction.objects.select_related("activity")
        }
        commitment = tx[("DT-2024-01", TransactionKind.COMMITMENT, datetime.date(2024, 1, 20))]
        self.assertEqual((commitment.rate, commitment.vnd), (Decimal("24000"), 2_400_000_000))
        disbursed = tx[("DT-2024-01", TransactionKind.DISBURSEMENT, datetime.date(2025, 3, 1))]
        self.assertEqual((disbursed.amount, disbursed.vnd), (Decimal("40000.50"), 1_000_012_500))
        self.assertEqual(disbursed.provider, self.plan)
        correction = tx[("DT-2024-01", TransactionKind.DISBURSEMENT, datetime.date(2025, 4, 1))]
        self.assertEqual(correction.vnd, -12_500_000)
        euro = tx[("DT-2024-01", TransactionKind.EXPENDITURE, datetime.date(2024, 5, 1))]
        self.assertTrue(euro.rate_missing)
        self.assertEqual(euro.provider, self.gni)
        second = AidActivity.objects.get(reference="DT-2024-02")
        vnd = tx[("DT-2024-02", TransactionKind.COMMITMENT, datetime.date(2024, 1, 20))]
        self.assertEqual((vnd.vnd, vnd.provider), (50_000_000, self.plan))
        credited = tx[("DT-2024-02", TransactionKind.DISBURSEMENT, datetime.date(2024, 1, 20))]
        self.assertEqual(credited.vnd, 27_000_000)
        self.assertEqual(second.status, ActivityStatus.APPROVED)
        self.assertEqual(second.sectors.get().weight, 10000)
        # One log entry for the import.
        log = ModelLogEntry.objects.get(action=IMPORT_ACTION, object_id=str(job.pk))
        self.assertEqual(log.user, self.editor)
        self.assertIn("2", log.message)
        # A second confirmation writes nothing more.
        self.confirm(job)
        self.assertEqual(AidActivity.objects.filter(reference="DT-2024-01").count(), 1)

    def test_every_bad_input_is_named_by_sheet_row_and_column_and_nothing_is_written(self):
        before = (AidActivity.objects.count(), AidTransaction.objects.count())
        activities = [
            self.activity(),  # row 2: fine
            self.activity(
                **{
                    "Số hiệu": "DT-2024-01",  # row 3: duplicate reference
                    "Hình thức viện trợ": "Khoản vay",  # unknown form
                    "Nhà tài trợ": "Quỹ Không Có Thật",  # unknown partner
                    "Lĩnh vực": "Y tế 50; Giáo dục 40",  # shares add up to 90
                    "Địa bàn": "Xã Không Có: 50; Tỉnh Tiền Giang: 50",  # unknown unit
                }
            ),
            self.activity(
                **{
                    "Số hiệu": "DT-OLD",  # row 4: already recorded in the organisation
                    "Lĩnh vực": "Thiên văn học",  # unknown sector
                    "Địa bàn": f"{self.commune.code}: 50; Tỉnh Tiền Giang: 30",  # 80
                    "Trạng thái": "Bản nháp",  # not a counted status
                }
            ),
        ]
        transactions = [
            self.transaction(**{"Số tiền": "mười nghìn"}),  # row 2: not a number
            self.transaction(**{"Số tiền": -5}),  # row 3: negative commitment
            self.transaction(**{"Tiền tệ": "ABC"}),  # row 4: not ISO 4217
            self.transaction(**{"Ngày": "01/01/2023"}),  # row 5: before the activity
            self.transaction(**{"Nhà tài trợ": "CDC"}),  # row 6: not a donor
            self.transaction(**{"Số hiệu khoản viện trợ": "KHONG-CO"}),  # row 7: unknown
            self.transaction(**{"Số tiền": "1.500"}),  # row 8: 1500 or 1,5 USD?
        ]
        job = self.upload(workbook(activities, transactions))
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        a, t = ACTIVITY_SHEET, TRANSACTION_SHEET

        def at(sheet, row, header):
            letters = A_LETTER if sheet == a else T_LETTER
            return (sheet, row, header, letters[header])

        expected = {
            at(a, 3, "Số hiệu"),
            at(a, 3, "Hình thức viện trợ"),
            at(a, 3, "Nhà tài trợ"),
            at(a, 3, "Lĩnh vực"),
            at(a, 3, "Địa bàn"),
            at(a, 4, "Số hiệu"),
            at(a, 4, "Lĩnh vực"),
            at(a, 4, "Địa bàn"),
            at(a, 4, "Trạng thái"),
            at(t, 2, "Số tiền"),
            at(t, 3, "Số tiền"),
            at(t, 4, "Tiền tệ"),
            at(t, 5, "Ngày"),
            at(t, 6, "Nhà tài trợ"),
            at(t, 7, "Số hiệu khoản viện trợ"),
            at(t, 8, "Số tiền"),
        }
        self.assertEqual(self.cells(job), expected)
        self.assertTrue(all(p["message"] and p["field"] for p in job.problems))
        messages = {(p["sheet"], p["row"], p["key"]): p["message"] for p in job.problems}
        self.assertIn("90", messages[(a, 3, "sectors")])
        self.assertIn("80", messages[(a, 4, "locations")])
        self.assertIn("Trung tâm Phát triển cộng đồng", messages[(t, 6, "provider")])
        self.assertIn("01/01/2024", messages[(t, 5, "date")])
        page = self.client.get(reverse("aid_import:job", args=[job.pk]))
        self.assertContains(page, "Quỹ Không Có Thật")
        self.assertContains(page, f"Lĩnh vực ({A_LETTER['Lĩnh vực']})")
        self.assertNotContains(page, reverse("aid_import:confirm", args=[job.pk]))
        # Confirming is refused; nothing is written.
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual((AidActivity.objects.count(), AidTransaction.objects.count()), before)
        # The rejected rows of both sheets, with what is wrong in each.
        response = self.client.get(reverse("aid_import:rejected", args=[job.pk]))
        wb = load_workbook(io.BytesIO(response.content))
        rows = list(wb[a].iter_rows(values_only=True))
        self.assertEqual(rows[0][len(A_HEADERS)], ERROR_HEADER)
        self.assertEqual([r[-1] for r in rows[1:]], [3, 4])
        self.assertIn("Lĩnh vực (J)", rows[1][len(A_HEADERS)])
        self.assertEqual(
            [r[-1] for r in list(wb[t].iter_rows(values_only=True))[1:]], list(range(2, 9))
        )

    def test_decision_status_and_dates_rules(self):
        activities = [
            self.activity(**{"Số quyết định phê duyệt": None, "Cơ quan phê duyệt": None}),
            self.activity(
                **{
                    "Số hiệu": "DT-2",
                    "Ngày kết thúc dự kiến": "01/01/2023",
                    "Ngày quyết định phê duyệt": "không rõ",
                }
            ),
        ]
        job = self.upload(workbook(activities, [], t_headers=None))
        self.assertEqual(
            {(p["row"], p["key"]) for p in job.problems},
            {(2, "decision_number"), (3, "planned_end"), (3, "decision_date")},
        )

    def test_another_province_cannot_import_into_or_see_the_jobs(self):
        job = self.upload(self.good_file())
        self.client.force_login(self.outsider)
        for name in ("job", "status", "rejected"):
            response = self.client.get(reverse(f"aid_import:{name}", args=[job.pk]))
            self.assertEqual(response.status_code, 404, name)
        self.assertEqual(self.confirm(job, user=self.outsider).status_code, 404)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.VALID)
        self.assertNotContains(self.client.get(reverse("aid_import:index")), job.original_name)
        response = self.client.post(
            reverse("aid_import:upload"), {"organization": self.union.pk, "file": self.good_file()}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["organization"])
        self.assertFalse(AidActivity.objects.filter(reference="DT-2024-01").exists())

    def test_locations_by_name_code_and_old_units(self):
        from huunghi.aid.imports.checks import AidRows

        def places(text, target=self.union):
            errors = []
            items = AidRows(actor=self.editor, target=target)._locations(text, errors.append)
            return [AdministrativeUnit.objects.get(pk=pk) for pk, _s, _p in items], errors

        found, errors = places("Tân Phú")  # five communes of 2025; one in Đồng Tháp
        self.assertEqual((errors, found[0].parent), ([], self.dong_thap))
        found, errors = places("Xã Tân Phú, Đồng Nai: 40; Đồng Tháp: 60")
        self.assertEqual(errors, [])
        self.assertEqual([u.name for u in found], ["Xã Tân Phú", "Đồng Tháp"])
        self.assertEqual(found[0].parent.name, "Đồng Nai")
        found, errors = places("Phường 5, Thành phố Mỹ Tho")  # before 1 July 2025
        self.assertEqual(errors, [])
        self.assertEqual(found[0].code_system, CodeSystem.GSO_PRE_2025)
        self.assertEqual(current_province(found[0]), self.dong_thap)
        found, errors = places("Tân Phú", target=self.other_union)
        self.assertEqual(found, [])
        self.assertIn("Tân Phú", errors[0])

    def test_viewer_sees_the_job_but_cannot_upload_or_confirm(self):
        self.client.force_login(self.editor)
        home = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(home, reverse("aid_import:index"))
        job = self.upload(self.good_file())
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(reverse("aid_import:upload")).status_code, 404)
        self.assertEqual(self.client.get(reverse("aid_import:template")).status_code, 404)
        page = self.client.get(reverse("aid_import:job", args=[job.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, reverse("aid_import:confirm", args=[job.pk]))
        self.assertEqual(self.confirm(job, user=self.viewer).status_code, 404)
        self.assertFalse(AidActivity.objects.filter(reference="DT-2024-01").exists())

    def test_file_errors_are_one_clear_message(self):
        not_xlsx = SimpleUploadedFile("a.xlsx", b"so,hieu\n1,2\n")
        missing = workbook([{"Số hiệu": "X"}], [], a_headers=["Số hiệu", "Trạng thái"])
        empty = workbook([], [])
        for upload in (not_xlsx, missing, empty):
            with self.subTest(upload=upload):
                job = self.upload(upload)
                self.assertEqual(job.status, ImportJob.Status.FAILED)
                self.assertTrue(job.result["error"])
        self.assertIn(ACTIVITY_SHEET, job.result["error"])
        response = self.client.post(
            reverse("aid_import:upload"),
            {"organization": self.union.pk, "file": SimpleUploadedFile("a.csv", b"x")},
        )
        self.assertTrue(response.context["form"].errors["file"])

    def test_english_headers_are_accepted(self):
        a_english = {c.header: c.aliases[0] for c in ACTIVITY_COLUMNS}
        t_english = {c.header: c.aliases[0] for c in TRANSACTION_COLUMNS}
        activities = [{a_english[k]: v for k, v in self.activity().items()}]
        transactions = [{t_english[k]: v for k, v in self.transaction().items()}]
        a_headers = [c.aliases[0] for c in ACTIVITY_COLUMNS]
        t_headers = [c.aliases[0] for c in TRANSACTION_COLUMNS]
        job = self.upload(
            workbook(activities, transactions, a_headers=a_headers, t_headers=t_headers)
        )
        self.assertEqual(job.status, ImportJob.Status.VALID, job.problems)

    def test_query_counts_do_not_grow_with_rows(self):
        def rows(n):
            activities = [
                self.activity(**{"Số hiệu": f"Q{n}-{i}", "Trạng thái": "Đã phê duyệt"})
                for i in range(n)
            ]
            transactions = [
                self.transaction(
                    **{"Số hiệu khoản viện trợ": f"Q{n}-{i}", "Tiền tệ": "VND", "Số tiền": 1000}
                )
                for i in range(n)
            ]
            return workbook(activities, transactions)

        def measure(n):
            with CaptureQueriesContext(connection) as check:
                job = self.upload(rows(n))
            self.assertEqual(job.status, ImportJob.Status.VALID, job.problems[:3])
            with CaptureQueriesContext(connection) as apply:
                self.confirm(job)
            job.refresh_from_db()
            self.assertEqual(job.result["activities_created"], n)
            return len(check), len(apply)

        few = measure(2)
        many = measure(20)
        self.assertLessEqual(many[0], few[0])
        self.assertLessEqual(many[1], few[1])

        def index():
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(reverse("aid_import:index")).status_code, 200)
            return len(ctx)

        one = index()
        self.upload(self.good_file())
        self.assertEqual(index(), one)

    def test_status_endpoint_and_progress_bar(self):
        job = self.upload(self.good_file())
        data = self.client.get(reverse("aid_import:status", args=[job.pk])).json()
        self.assertEqual((data["status"], data["percent"], data["finished"]), ("valid", 100, True))
        running = ImportJob.objects.create(
            organization=self.union,
            kind="aid",
            file=SimpleUploadedFile("x.xlsx", b"x"),
            original_name="x.xlsx",
            status=ImportJob.Status.VALIDATING,
            total_rows=400,
            processed_rows=100,
        )
        page = self.client.get(reverse("aid_import:job", args=[running.pk]))
        self.assertContains(page, "<progress")
        self.assertContains(page, reverse("aid_import:status", args=[running.pk]))
        data = self.client.get(reverse("aid_import:status", args=[running.pk])).json()
        self.assertEqual((data["percent"], data["finished"]), (25, False))
        # A member import is not an aid import.
        member_job = ImportJob.objects.create(
            organization=self.union,
            kind="members",
            file=SimpleUploadedFile("m.xlsx", b"x"),
            original_name="m.xlsx",
        )
        self.assertEqual(
            self.client.get(reverse("aid_import:job", args=[member_job.pk])).status_code, 404
        )
