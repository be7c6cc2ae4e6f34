import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from huunghi.network.choices import MemberStatus
from huunghi.network.imports import COLUMNS, ERROR_HEADER, IMPORT_ACTION, SHEET, VALUES_SHEET
from huunghi.network.models import Membership, MembershipPeriod
from huunghi.network.tests.factories import make_association, make_chapter, make_membership
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import ImportJob
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.people.choices import ConsentState
from huunghi.people.models import Consent, Person
from huunghi.people.tests.factories import PersonFactory
from huunghi.places.models import AdministrativeUnit

HEADERS = [c.header for c in COLUMNS]
LETTER = {c.header: chr(ord("A") + i) for i, c in enumerate(COLUMNS)}


def xlsx(rows, headers=HEADERS, name="hoi-vien.xlsx", sheet=SHEET):
    """An uploaded .xlsx whose rows are dicts keyed by header (missing keys stay empty)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if headers:
        ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers] if headers else row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


class MemberImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = (
            AdministrativeUnit.objects.filter(code_system="2025-07", level="province")
            .order_by("code")
            .first()
        )
        cls.commune = cls.province.children.filter(level="commune").order_by("code").first()
        cls.union = make_org(
            root, kind=OrgKind.PROVINCIAL_UNION, code="imp_union", unit=cls.province
        )
        cls.other_union = make_org(root, kind=OrgKind.PROVINCIAL_UNION, code="imp_other")
        cls.assoc = make_association(cls.union, code="imp_lao").organization
        cls.chapter = make_chapter(cls.assoc, code="imp_lao_bd").organization
        cls.editor = UserFactory(username="imp_editor")
        make_role(cls.editor, cls.union, RoleKind.EDITOR, personal_data=True)
        cls.editor_np = UserFactory(username="imp_editor_np")
        make_role(cls.editor_np, cls.union, RoleKind.EDITOR)
        cls.viewer = UserFactory(username="imp_viewer")
        make_role(cls.viewer, cls.union, RoleKind.VIEWER, personal_data=True)
        cls.outsider = UserFactory(username="imp_outsider")
        make_role(cls.outsider, cls.other_union, RoleKind.EDITOR, personal_data=True)
        cls.existing = PersonFactory(
            organization=cls.assoc,
            family_name="Trần",
            middle_name="Thị",
            given_name="Hoa",
            date_of_birth=datetime.date(1970, 5, 5),
            phone="0987000111",
        )
        make_membership(cls.assoc, person=cls.existing, card_number="C-1")

    def row(self, **changes):
        values = {
            "Họ": "Lê",
            "Tên đệm": "Văn",
            "Tên": "Bình",
            "Giới tính": "Nam",
            "Ngày sinh": "15/03/1985",
            "Điện thoại": "0912 345 678",
            "Email": "binh@example.vn",
            "Địa chỉ": "12 Lê Lợi",
            "Xã/phường": self.commune.code,
            "Nghề nghiệp": "Giáo viên",
            "Dân tộc": "Kinh",
            "Quốc tịch": "VN",
            "Hội/Chi hội": "imp_lao",
            "Ngày vào hội": "01/06/2020",
            "Số thẻ hội viên": "A-100",
            "Trạng thái": "Đang sinh hoạt",
            "Đồng ý xử lý dữ liệu": "Có",
            "Ngày đồng ý": "01/06/2020",
        }
        values.update(changes)
        return values

    def upload(self, file, user=None, organization=None):
        self.client.force_login(user or self.editor)
        response = self.client.post(
            reverse("network_import:upload"),
            {"organization": (organization or self.union).pk, "file": file},
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])

    def confirm(self, job, mode="all", user=None):
        self.client.force_login(user or self.editor)
        return self.client.post(reverse("network_import:confirm", args=[job.pk]), {"mode": mode})

    def bad_file(self):
        return xlsx(
            [
                self.row(),
                self.row(
                    **{
                        "Tên": "An",
                        "Ngày sinh": "31/02/1980",
                        "Điện thoại": "12345",
                        "Số thẻ hội viên": "A-101",
                    }
                ),
                self.row(
                    **{
                        "Tên": None,
                        "Xã/phường": "Xã Không Có Thật",
                        "Hội/Chi hội": "khong_co",
                        "Số thẻ hội viên": "A-200",
                    }
                ),
            ]
        )

    def test_template_downloads_with_headers_and_allowed_values(self):
        self.client.force_login(self.editor)
        url = reverse("network_import:template") + f"?organization={self.union.pk}"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])
        wb = load_workbook(io.BytesIO(response.content))
        sheet = wb[SHEET]
        self.assertEqual([c.value for c in sheet[1]], HEADERS)
        self.assertEqual(sheet["A2"].value, "Nguyễn")  # the example row
        allowed = {c.value for row in wb[VALUES_SHEET].iter_rows() for c in row}
        self.assertTrue({"Nam", "Nữ", "Khác", "Kinh", "Có", "Không"} <= allowed)
        self.assertTrue({"imp_lao", "imp_lao_bd", "Đang sinh hoạt", "VN"} <= allowed)
        # Without the personal-data permission, no personal columns.
        self.client.force_login(self.editor_np)
        wb = load_workbook(io.BytesIO(self.client.get(url).content))
        headers = [c.value for c in wb[SHEET][1]]
        self.assertIn("Họ", headers)
        self.assertNotIn("Điện thoại", headers)
        self.assertNotIn("Ngày sinh", headers)

    def test_bad_rows_write_nothing_and_every_bad_cell_is_listed(self):
        persons, members = Person.objects.count(), Membership.objects.count()
        job = self.upload(self.bad_file())
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual((job.total_rows, job.clean_rows), (3, 1))
        cells = {(p["row"], p["letter"], p["column"]) for p in job.problems}
        expected = {
            (3, LETTER["Ngày sinh"], "Ngày sinh"),
            (3, LETTER["Điện thoại"], "Điện thoại"),
            (4, LETTER["Tên"], "Tên"),
            (4, LETTER["Xã/phường"], "Xã/phường"),
            (4, LETTER["Hội/Chi hội"], "Hội/Chi hội"),
        }
        self.assertEqual(cells, expected)
        self.assertTrue(all(p["message"] and p["field"] for p in job.problems))
        page = self.client.get(reverse("network_import:job", args=[job.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Xã Không Có Thật")
        self.assertContains(page, f"Hội/Chi hội ({LETTER['Hội/Chi hội']})")
        # "Import all" is refused while the file has problems.
        self.confirm(job, "all")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual(Person.objects.count(), persons)
        self.assertEqual(Membership.objects.count(), members)

    def test_fixed_file_imports_persons_memberships_periods_and_consents(self):
        rows = [
            self.row(**{"Quốc tịch": "VN, Lào"}),
            self.row(
                **{
                    "Họ": "Phạm",
                    "Tên": "Cúc",
                    "Giới tính": "Nữ",
                    "Điện thoại": 912000333,  # a number cell: Excel dropped the leading zero
                    "Email": None,
                    "Hội/Chi hội": "imp_lao_bd",
                    "Số thẻ hội viên": None,
                    "Trạng thái": "Tạm ngừng sinh hoạt",
                    "Đồng ý xử lý dữ liệu": "Không",
                    "Ngày đồng ý": None,
                }
            ),
        ]
        job = self.upload(xlsx(rows))
        self.assertEqual(job.status, ImportJob.Status.VALID, job.problems)
        page = self.client.get(reverse("network_import:job", args=[job.pk]))
        self.assertContains(page, 'value="all"')
        self.confirm(job, "all")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.APPLIED, job.result)
        self.assertEqual(job.result["persons_created"], 2)

        binh = Person.objects.get(given_name="Bình")
        self.assertEqual(binh.organization, self.assoc)
        self.assertEqual(binh.date_of_birth, datetime.date(1985, 3, 15))
        self.assertEqual(binh.commune, self.commune)
        self.assertEqual(binh.gender, "male")
        self.assertEqual(binh.ethnicity, "Kinh")
        self.assertEqual(sorted(binh.nationalities.values_list("code", flat=True)), ["LA", "VN"])
        self.assertEqual(binh.consent_state, ConsentState.GIVEN)
        self.assertEqual(binh.name_key, "levanbinh")
        self.assertEqual(Consent.objects.get(person=binh).given_on, datetime.date(2020, 6, 1))
        membership = Membership.objects.get(person=binh)
        self.assertEqual(
            (membership.organization, membership.card_number, membership.status),
            (self.assoc, "A-100", MemberStatus.ACTIVE),
        )
        self.assertEqual(membership.joined_on, datetime.date(2020, 6, 1))
        period = MembershipPeriod.objects.get(membership=membership)
        self.assertEqual((period.valid_from, period.valid_to), (datetime.date(2020, 6, 1), None))

        cuc = Person.objects.get(given_name="Cúc")
        self.assertEqual(cuc.phone, "0912000333")
        self.assertEqual(cuc.consent_state, ConsentState.NONE)
        self.assertFalse(Consent.objects.filter(person=cuc).exists())
        self.assertEqual(list(cuc.nationalities.values_list("code", flat=True)), ["VN"])
        membership = Membership.objects.get(person=cuc)
        self.assertEqual(membership.organization, self.chapter)
        self.assertEqual(membership.status, MemberStatus.SUSPENDED)
        self.assertEqual(membership.periods.get().status, MemberStatus.SUSPENDED)
        # The members list finds them (search text filled although save() was skipped).
        self.assertTrue(Membership.objects.search("binh A-100").filter(person=binh).exists())
        log = ModelLogEntry.objects.get(action=IMPORT_ACTION, object_id=str(job.pk))
        self.assertEqual(log.user, self.editor)
        # A second confirmation does nothing.
        self.confirm(job, "all")
        self.assertEqual(Person.objects.filter(given_name="Bình").count(), 1)

    def test_clean_rows_only_and_rejected_rows_file(self):
        job = self.upload(self.bad_file())
        self.confirm(job, "clean")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.APPLIED, job.result)
        self.assertEqual(job.result["rows_skipped"], 2)
        self.assertTrue(Person.objects.filter(given_name="Bình").exists())
        self.assertFalse(Person.objects.filter(given_name="An").exists())
        response = self.client.get(reverse("network_import:rejected", args=[job.pk]))
        self.assertEqual(response.status_code, 200)
        ws = load_workbook(io.BytesIO(response.content))[SHEET]
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(rows[0][: len(HEADERS)], tuple(HEADERS))
        self.assertEqual(rows[0][len(HEADERS)], ERROR_HEADER)
        self.assertEqual([r[HEADERS.index("Tên")] for r in rows[1:]], ["An", None])
        self.assertEqual([r[-1] for r in rows[1:]], [3, 4])  # rows of the uploaded file
        errors = rows[1][len(HEADERS)]
        self.assertIn(f"Ngày sinh ({LETTER['Ngày sinh']})", errors)
        self.assertIn(f"Điện thoại ({LETTER['Điện thoại']})", errors)
        # The rejected rows, corrected, import on their own.
        self.assertEqual(rows[1][HEADERS.index("Ngày sinh")], "31/02/1980")

    def test_duplicates_in_file_and_against_existing_persons(self):
        code = self.existing.code
        rows = [
            self.row(**{"Số thẻ hội viên": "A-1"}),
            self.row(**{"Họ": "LÊ", "Tên đệm": "van", "Tên": " binh", "Điện thoại": None}),
            self.row(
                **{
                    "Họ": "Tran",
                    "Tên đệm": "Thi",
                    "Tên": "Hoa",
                    "Ngày sinh": "05/05/1970",
                    "Điện thoại": None,
                    "Số thẻ hội viên": None,
                }
            ),
            self.row(
                **{
                    "Họ": "Trần",
                    "Tên đệm": "Thị",
                    "Tên": "Hoa",
                    "Mã cá nhân": code,
                    "Hội/Chi hội": "imp_lao_bd",
                    "Số thẻ hội viên": None,
                }
            ),
            self.row(**{"Họ": "Đỗ", "Tên": "Dũng", "Điện thoại": None, "Số thẻ hội viên": "A-1"}),
            self.row(**{"Họ": "Vũ", "Tên": "Hải", "Điện thoại": None, "Số thẻ hội viên": "C-1"}),
            self.row(
                **{
                    "Họ": "Ngô",
                    "Tên": "Lan",
                    "Mã cá nhân": code,
                    "Số thẻ hội viên": None,
                }
            ),
        ]
        job = self.upload(xlsx(rows))
        by_row = {}
        for p in job.problems:
            by_row.setdefault(p["row"], []).append(p)
        self.assertEqual(sorted(by_row), [3, 4, 6, 7, 8])
        self.assertIn("2", by_row[3][0]["message"])  # same person as row 2
        self.assertEqual(by_row[3][0]["column"], "Họ")
        self.assertIn(code, by_row[4][0]["message"])  # already recorded: fill in Mã cá nhân
        self.assertEqual(by_row[4][0]["column"], "Mã cá nhân")
        self.assertEqual(by_row[6][0]["column"], "Số thẻ hội viên")  # A-1 twice in the file
        self.assertEqual(by_row[7][0]["column"], "Số thẻ hội viên")  # C-1 already used
        self.assertEqual(by_row[8][0]["column"], "Mã cá nhân")  # code of someone else
        # Row 5 links the existing person to the chapter instead of creating a duplicate.
        self.confirm(job, "clean")
        job.refresh_from_db()
        self.assertEqual(job.result["persons_created"], 1)
        self.assertTrue(
            Membership.objects.filter(person=self.existing, organization=self.chapter).exists()
        )
        self.assertEqual(Person.objects.filter(name_key="tranthihoa").count(), 1)

    def test_excel_dates_accepted(self):
        row = self.row(
            **{
                "Ngày sinh": datetime.datetime(1979, 12, 31),
                "Ngày vào hội": datetime.date(2019, 1, 2),
                "Ngày đồng ý": datetime.datetime(2019, 1, 2),
            }
        )
        job = self.upload(xlsx([row]))
        self.assertEqual(job.status, ImportJob.Status.VALID, job.problems)
        self.confirm(job)
        person = Person.objects.get(given_name="Bình")
        self.assertEqual(person.date_of_birth, datetime.date(1979, 12, 31))
        self.assertEqual(person.memberships.get().joined_on, datetime.date(2019, 1, 2))

    def test_dates_in_the_future_or_birth_after_joining_refused(self):
        future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
        rows = [
            self.row(**{"Ngày vào hội": future, "Ngày đồng ý": None, "Đồng ý xử lý dữ liệu": "Có"}),
            self.row(
                **{
                    "Tên": "Cường",
                    "Ngày sinh": "01/01/2021",
                    "Điện thoại": None,
                    "Số thẻ hội viên": None,
                }
            ),
        ]
        job = self.upload(xlsx(rows))
        cells = {(p["row"], p["column"]) for p in job.problems}
        self.assertEqual(cells, {(2, "Ngày vào hội"), (2, "Ngày đồng ý"), (3, "Ngày sinh")})

    def test_file_errors_are_one_clear_message(self):
        not_xlsx = SimpleUploadedFile("hoi-vien.xlsx", b"Ho,Ten\nLe,Binh\n")
        no_header = xlsx([["Lê", "Văn", "Bình"]], headers=None)
        missing = xlsx([{"Họ": "Lê", "Tên": "Bình"}], headers=["Họ", "Tên"])
        for upload in (not_xlsx, no_header, missing):
            with self.subTest(upload=upload):
                job = self.upload(upload)
                self.assertEqual(job.status, ImportJob.Status.FAILED)
                self.assertTrue(job.result["error"])
                self.assertEqual(job.problems, [])
        self.assertIn("Ngày vào hội", job.result["error"])
        # A file that is not .xlsx by name is refused by the form.
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("network_import:upload"),
            {"organization": self.union.pk, "file": SimpleUploadedFile("a.csv", b"x")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["file"])

    def test_personal_columns_need_the_permission(self):
        job = self.upload(xlsx([self.row()]), user=self.editor_np)
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertIn("Điện thoại", job.result["error"])
        plain = [c.header for c in COLUMNS if not c.personal]
        row = {k: v for k, v in self.row().items() if k in plain}
        job = self.upload(xlsx([row], headers=plain), user=self.editor_np)
        self.assertEqual(job.status, ImportJob.Status.VALID, job.problems)

    def test_another_province_gets_404(self):
        job = self.upload(self.bad_file())
        self.client.force_login(self.outsider)
        for name in ("job", "status", "rejected"):
            response = self.client.get(reverse(f"network_import:{name}", args=[job.pk]))
            self.assertEqual(response.status_code, 404, name)
        self.assertEqual(self.confirm(job, "clean", user=self.outsider).status_code, 404)
        url = reverse("network_import:template") + f"?organization={self.union.pk}"
        self.assertEqual(self.client.get(url).status_code, 404)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertNotContains(self.client.get(reverse("network_import:index")), job.original_name)
        # Uploading into an organisation of another province is refused by the form.
        response = self.client.post(
            reverse("network_import:upload"), {"organization": self.union.pk, "file": xlsx([])}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["organization"])

    def test_viewer_sees_the_job_but_cannot_upload_or_confirm(self):
        job = self.upload(self.bad_file())
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(reverse("network_import:upload")).status_code, 404)
        response = self.client.post(
            reverse("network_import:upload"), {"organization": self.union.pk, "file": xlsx([])}
        )
        self.assertEqual(response.status_code, 404)
        page = self.client.get(reverse("network_import:job", args=[job.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'value="clean"')
        self.assertEqual(self.confirm(job, "clean", user=self.viewer).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("network_import:rejected", args=[job.pk])).status_code, 404
        )
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.INVALID)

    def test_status_endpoint_and_index_queries(self):
        job = self.upload(xlsx([self.row()]))
        data = self.client.get(reverse("network_import:status", args=[job.pk])).json()
        self.assertEqual((data["status"], data["percent"], data["finished"]), ("valid", 100, True))

        def count():
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(reverse("network_import:index"))
            self.assertEqual(response.status_code, 200)
            return len(ctx)

        one = count()
        self.upload(xlsx([self.row(**{"Tên": "Minh"})]))
        self.upload(self.bad_file())
        self.assertEqual(count(), one)

    def test_upload_page_and_progress_bar_while_running(self):
        self.client.force_login(self.editor)
        page = self.client.get(reverse("network_import:upload") + f"?organization={self.assoc.pk}")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["form"].initial["organization"], self.assoc.pk)
        self.assertContains(page, reverse("network_import:template"))
        job = ImportJob.objects.create(
            organization=self.assoc,
            kind="members",
            file=SimpleUploadedFile("x.xlsx", b"x"),
            original_name="x.xlsx",
            status=ImportJob.Status.VALIDATING,
            total_rows=2000,
            processed_rows=500,
        )
        status_url = reverse("network_import:status", args=[job.pk])
        page = self.client.get(reverse("network_import:job", args=[job.pk]))
        self.assertContains(page, "<progress")
        self.assertContains(page, status_url)
        data = self.client.get(status_url).json()
        self.assertEqual((data["percent"], data["finished"]), (25, False))
