"""The needs catalog: editions and needs in the admin (scoped, with totals, filters and the
beneficiaries inline), the status rules of a need, and the bilingual booklet as a reader of
the .docx and the .xlsx sees it."""

import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from huunghi.aid.booklet import edition_docx, edition_xlsx
from huunghi.aid.choices import ActivityStatus, NeedStatus, Priority
from huunghi.aid.models import (
    AidActivity,
    BeneficiaryGroup,
    NeedBeneficiary,
    NeedItem,
    NeedsEdition,
)
from huunghi.aid.needs_services import need_status_change
from huunghi.aid.tests.factories import (
    NeedItemFactory,
    NeedsEditionFactory,
    make_activity,
    province,
    sector,
)
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.testing import ScopedViewTests
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel


def _link(activity, need):
    AidActivity.needs.through.objects.create(aidactivity=activity, needitem=need)


def _commune(province_unit, name=None):
    communes = AdministrativeUnit.objects.filter(parent=province_unit, level=UnitLevel.COMMUNE)
    return communes.get(name=name) if name else communes.order_by("code").first()


class NeedsEditionViewTests(ScopedViewTests, TestCase):
    model = NeedsEdition
    viewset_namespace = "needs_editions"


class NeedItemViewTests(ScopedViewTests, TestCase):
    model = NeedItem
    viewset_namespace = "needs"


class CatalogTestCase(TestCase):
    """Two provincial unions; A has a 2026 edition with three needs in the catalog (two in
    health, one in education) and one draft; B has its own edition."""

    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.dong_thap = province("dong_thap")
        cls.org_a = make_org(
            root,
            code="nc_a",
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
            name_en="Dong Thap Union of Friendship Organizations",
            unit=cls.dong_thap,
        )
        cls.org_b = make_org(
            root, code="nc_b", kind=OrgKind.PROVINCIAL_UNION, name_vi="Liên hiệp hữu nghị tỉnh B"
        )
        cls.commune_org = make_org(
            cls.org_a, code="nc_xa", kind=OrgKind.COMMUNE, name_vi="Ủy ban nhân dân xã Mỹ Hiệp"
        )
        cls.editor_a = UserFactory(username="nc_editor_a")
        make_role(cls.editor_a, cls.org_a, RoleKind.EDITOR)
        cls.viewer_a = UserFactory(username="nc_viewer_a")
        make_role(cls.viewer_a, cls.org_a, RoleKind.VIEWER)
        cls.editor_b = UserFactory(username="nc_editor_b")
        make_role(cls.editor_b, cls.org_b, RoleKind.EDITOR)

        cls.commune = _commune(cls.dong_thap)
        cls.edition = NeedsEditionFactory(
            organization=cls.org_a,
            year=2026,
            title_vi="Danh mục nhu cầu vận động viện trợ năm 2026",
            title_en="Aid needs catalog 2026",
            introduction_vi="Tỉnh Đồng Tháp trân trọng giới thiệu các nhu cầu sau.",
            published_on=datetime.date(2026, 2, 5),
        )
        cls.edition_b = NeedsEditionFactory(organization=cls.org_b, year=2026)
        children = BeneficiaryGroup.objects.get(code="children")
        cls.health_station = NeedItemFactory(
            edition=cls.edition,
            number=1,
            title_vi="Nâng cấp trạm y tế xã Tân Hòa",
            title_en="Upgrading the Tân Hòa commune health station",
            description_vi="Xây thêm phòng khám và mua trang thiết bị.",
            description_en="Two new consulting rooms and equipment.",
            sector=sector("health"),
            unit=cls.commune,
            proposer=cls.commune_org,
            estimated_budget=1_500_000_000,
            priority=Priority.HIGH,
            status=NeedStatus.APPROVED,
        )
        NeedBeneficiary.objects.create(need=cls.health_station, group=children, number=1200)
        cls.kindergarten = NeedItemFactory(
            edition=cls.edition,
            number=2,
            title_vi="Xây trường mẫu giáo ấp Mỹ Phú",
            title_en="A kindergarten for Mỹ Phú hamlet",
            sector=sector("education"),
            unit=cls.dong_thap,
            proposer_name="Ủy ban nhân dân xã Mỹ Hiệp",
            estimated_budget=2_000_000_000,
            status=NeedStatus.PUBLISHED,
        )
        cls.water = NeedItemFactory(
            edition=cls.edition,
            number=3,
            title_vi="Tủ thuốc cho người cao tuổi",
            sector=sector("health"),
            proposer_name="Hội Chữ thập đỏ xã",
            estimated_budget=750_000_000,
            priority=Priority.LOW,
            status=NeedStatus.IN_TALKS,
        )
        cls.draft = NeedItemFactory(
            edition=cls.edition,
            number=4,
            title_vi="Nhu cầu còn đang soạn thảo",
            sector=sector("water"),
            proposer_name="Xã nháp",
            estimated_budget=250_000_000,
        )
        cls.need_b = NeedItemFactory(
            edition=cls.edition_b, title_vi="Nhu cầu của tỉnh B", proposer_name="Xã B"
        )


def _docx_text(document):
    """Every piece of text a reader sees: paragraphs, table cells (nested), headers."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


class BookletDocxTests(CatalogTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.document = Document(io.BytesIO(edition_docx(cls.edition)))
        cls.text = _docx_text(cls.document)

    def test_titles_in_both_languages_and_the_union_top_left(self):
        paragraphs = [p.text for p in self.document.paragraphs]
        self.assertIn("DANH MỤC NHU CẦU VIỆN TRỢ", paragraphs)
        self.assertIn("AID NEEDS CATALOG", paragraphs)
        self.assertIn("NĂM 2026 / YEAR 2026", paragraphs)
        title = next(p for p in self.document.paragraphs if p.text == "AID NEEDS CATALOG")
        self.assertTrue(all(run.bold for run in title.runs))
        self.assertEqual(title.alignment, 1)  # centred
        head = self.document.tables[0].rows[0].cells
        self.assertIn("LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ TỈNH ĐỒNG THÁP", head[0].text)
        self.assertEqual(head[1].text, "Đồng Tháp, ngày 05 tháng 02 năm 2026")

    def test_each_need_with_its_vietnamese_and_english_text(self):
        for text in (
            "Nâng cấp trạm y tế xã Tân Hòa",
            "Upgrading the Tân Hòa commune health station",
            "Xây thêm phòng khám và mua trang thiết bị.",
            "Two new consulting rooms and equipment.",
            "Ủy ban nhân dân xã Mỹ Hiệp",
            "Trẻ em / Children: 1.200",
            "1.500.000.000 đ",
            f"{self.commune.name}\n{self.dong_thap.name}",
        ):
            self.assertIn(text, self.text)

    def test_drafts_are_left_out(self):
        self.assertNotIn("Nhu cầu còn đang soạn thảo", self.text)
        self.assertNotIn("Nước sạch", self.text)

    def test_a_table_per_sector_by_number_with_its_subtotal(self):
        tables = {t.rows[-1].cells[0].text.split("\n")[0]: t for t in self.document.tables[2:]}
        health = tables["Cộng: Y tế (2 nhu cầu / 2 needs)"]
        self.assertEqual([row.cells[0].text for row in health.rows[1:-1]], ["1", "3"])
        self.assertEqual(health.rows[-1].cells[4].text, "2.250.000.000 đ")
        self.assertIn("Subtotal: Health", health.rows[-1].cells[0].text)
        education = tables["Cộng: Giáo dục (1 nhu cầu / 1 need)"]
        self.assertEqual(education.rows[-1].cells[4].text, "2.000.000.000 đ")
        header = [c.text for c in health.rows[0].cells]
        self.assertIn("Kinh phí dự kiến (đồng)\nEstimated budget (VND)", header)
        self.assertIn("Mức ưu tiên\nPriority", header)
        self.assertIn("Cao\nHigh", health.rows[1].cells[6].text)
        # the summary table, then the grand total
        summary = [[c.text for c in row.cells] for row in self.document.tables[1].rows]
        self.assertIn(["1", "Y tế\nHealth", "2", "2.250.000.000 đ"], summary)
        self.assertEqual(summary[-1][-2:], ["3", "4.250.000.000 đ"])
        self.assertIn(
            "Tổng cộng / Total: 3 nhu cầu / 3 needs — 4.250.000.000 đ",
            [p.text for p in self.document.paragraphs],
        )

    def test_a4_times_new_roman_page_numbers_from_page_two(self):
        first, wide = self.document.sections

        def mm(*lengths):
            return tuple(round(length.mm) for length in lengths)

        self.assertEqual(mm(first.page_width, first.page_height), (210, 297))  # A4
        self.assertEqual(mm(wide.page_width, wide.page_height), (297, 210))
        self.assertEqual(mm(first.left_margin, first.right_margin), (30, 15))
        self.assertEqual(self.document.styles["Normal"].font.name, "Times New Roman")
        self.assertTrue(first.different_first_page_header_footer)
        self.assertFalse(wide.different_first_page_header_footer)
        self.assertIn("PAGE", first.header._element.xml)
        self.assertEqual(first.first_page_header.paragraphs[0].text, "")

    def test_an_edition_without_approved_needs(self):
        empty = NeedsEditionFactory(organization=self.org_a, year=2027)
        NeedItemFactory(edition=empty, title_vi="Chỉ có bản nháp")
        text = _docx_text(Document(io.BytesIO(edition_docx(empty))))
        self.assertIn("No need has been approved for the catalog yet.", text)
        self.assertNotIn("Chỉ có bản nháp", text)


class BookletXlsxTests(CatalogTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.workbook = load_workbook(io.BytesIO(edition_xlsx(cls.edition)))

    def test_needs_sheet(self):
        ws = self.workbook["Nhu cầu - Needs"]
        self.assertIn("DANH MỤC NHU CẦU VIỆN TRỢ", ws["A1"].value)
        self.assertIn("AID NEEDS CATALOG", ws["A1"].value)
        header = [c.value for c in ws[3]]
        self.assertEqual(header[0], "STT\nNo.")
        self.assertIn("Tên nhu cầu (tiếng Việt)\nTitle (Vietnamese)", header)
        self.assertIn("Kinh phí dự kiến (đồng)\nEstimated budget (VND)", header)
        self.assertEqual(ws.freeze_panes, "A4")
        self.assertGreater(ws.column_dimensions["B"].width, 20)
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
        self.assertEqual([r[0] for r in rows], [1, 2, 3])  # by number, no draft
        budget = header.index("Kinh phí dự kiến (đồng)\nEstimated budget (VND)")
        first = rows[0]
        self.assertEqual(first[1], "Nâng cấp trạm y tế xã Tân Hòa")
        self.assertEqual(first[2], "Upgrading the Tân Hòa commune health station")
        self.assertEqual((first[5], first[6]), ("Y tế", "Health"))
        self.assertEqual(first[budget], 1_500_000_000)
        self.assertEqual(ws.cell(row=4, column=budget + 1).number_format, "#,##0")
        self.assertIn("Trẻ em / Children: 1.200", first)
        self.assertIn("Cao / High", first)
        self.assertIn(self.commune.name, first)
        self.assertNotIn("Nhu cầu còn đang soạn thảo", [r[1] for r in rows])

    def test_summary_sheet_by_sector(self):
        ws = self.workbook["Tổng hợp - Summary"]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4) if row[0].value]
        self.assertEqual(
            rows,
            [
                [1, "Y tế", "Health", 2, 2_250_000_000],
                [2, "Giáo dục", "Education", 1, 2_000_000_000],
                ["Tổng cộng / Total", None, None, 3, 4_250_000_000],
            ],
        )
        self.assertEqual(ws.freeze_panes, "A4")


class DownloadAndPageTests(CatalogTestCase):
    def test_downloads_are_named_by_year(self):
        self.client.force_login(self.viewer_a)
        for fmt in ("docx", "xlsx"):
            with self.subTest(fmt=fmt):
                response = self.client.get(
                    reverse(f"aid_needs:edition_{fmt}", args=[self.edition.pk])
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(
                    f'filename="danh-muc-nhu-cau-2026.{fmt}"', response["Content-Disposition"]
                )
                content = io.BytesIO(response.content)
                if fmt == "docx":
                    self.assertIn("Nâng cấp trạm y tế xã Tân Hòa", _docx_text(Document(content)))
                else:
                    sheet = load_workbook(content)["Nhu cầu - Needs"]
                    self.assertEqual(sheet["B4"].value, "Nâng cấp trạm y tế xã Tân Hòa")

    def test_another_province_gets_404_everywhere(self):
        self.client.force_login(self.editor_b)
        urls = [
            reverse("aid_needs:edition_docx", args=[self.edition.pk]),
            reverse("aid_needs:edition_xlsx", args=[self.edition.pk]),
            reverse("needs_editions:inspect", args=[self.edition.pk]),
            reverse("needs_editions:edit", args=[self.edition.pk]),
            reverse("needs:inspect", args=[self.health_station.pk]),
            reverse("needs:edit", args=[self.health_station.pk]),
            reverse("aid_needs:need_status", args=[self.health_station.pk]),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(
            reverse("aid_needs:need_status", args=[self.health_station.pk]), {"to": "published"}
        )
        self.assertEqual(response.status_code, 404)
        self.health_station.refresh_from_db()
        self.assertEqual(self.health_station.status, NeedStatus.APPROVED)

    def test_edition_page_lists_its_needs_with_totals(self):
        self.client.force_login(self.viewer_a)
        response = self.client.get(reverse("needs_editions:inspect", args=[self.edition.pk]))
        self.assertEqual(response.status_code, 200)
        totals = response.context["totals"]
        self.assertEqual((totals["count"], totals["budget_short"]), (4, "4,5 tỷ đồng"))
        by_sector = {
            r["sector__name_vi"]: (r["count"], r["budget_short"]) for r in totals["by_sector"]
        }
        self.assertEqual(by_sector["Y tế"], (2, "2,3 tỷ đồng"))
        by_status = [(r["status"], r["count"]) for r in totals["by_status"]]
        self.assertEqual(
            by_status,
            [("draft", 1), ("approved", 1), ("published", 1), ("in_talks", 1)],
        )
        content = response.content.decode()
        self.assertIn("Nâng cấp trạm y tế xã Tân Hòa", content)
        self.assertIn(reverse("aid_needs:edition_docx", args=[self.edition.pk]), content)
        self.assertNotIn("Nhu cầu của tỉnh B", content)

    def test_edition_page_queries_do_not_grow_with_needs(self):
        self.client.force_login(self.viewer_a)
        url = reverse("needs_editions:inspect", args=[self.edition.pk])
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(10):
            NeedItemFactory(edition=self.edition, number=10 + n, unit=self.commune)
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertLessEqual(len(many), len(few))

    def test_need_page_shows_only_visible_funding_activities(self):
        own = make_activity(organization=self.org_a, title_vi="Dự án của tỉnh A")
        other = make_activity(organization=self.org_b, title_vi="Dự án của tỉnh B")
        _link(own, self.water)
        _link(other, self.water)
        self.client.force_login(self.viewer_a)
        response = self.client.get(reverse("needs:inspect", args=[self.water.pk]))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn("Dự án của tỉnh A", content)
        self.assertNotIn("Dự án của tỉnh B", content)
        self.assertNotIn(reverse("aid_needs:need_status", args=[self.water.pk]), content)

    def test_list_filters_and_search_without_diacritics(self):
        self.client.force_login(self.viewer_a)

        def listed(**params):
            response = self.client.get(reverse("needs:index"), params)
            self.assertEqual(response.status_code, 200)
            return {n.pk for n in response.context["object_list"]}

        self.assertEqual(listed(q="tram y te tan hoa"), {self.health_station.pk})
        self.assertEqual(listed(q="NANG CAP"), {self.health_station.pk})
        self.assertEqual(
            listed(province=self.dong_thap.pk), {self.health_station.pk, self.kindergarten.pk}
        )
        self.assertEqual(
            listed(sector=sector("health").pk), {self.health_station.pk, self.water.pk}
        )
        self.assertEqual(listed(status="draft"), {self.draft.pk})
        self.assertEqual(listed(priority="low"), {self.water.pk})
        self.assertEqual(
            listed(edition=self.edition.pk),
            {n.pk for n in NeedItem.objects.filter(edition=self.edition)},
        )
        # another province's edition is not a choice of the filter
        response = self.client.get(reverse("needs:index"))
        choices = response.context["filters"].form.fields["edition"].queryset
        self.assertNotIn(self.edition_b, choices)

    def test_list_query_count_with_beneficiaries_and_units(self):
        self.client.force_login(self.editor_a)
        url = reverse("needs:index")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for n in range(10):
            need = NeedItemFactory(
                edition=self.edition,
                number=20 + n,
                unit=_commune(self.dong_thap),
                proposer=self.commune_org,
            )
            NeedBeneficiary.objects.create(
                need=need, group=BeneficiaryGroup.objects.first(), number=5
            )
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertLessEqual(len(many), len(few))
        self.assertLessEqual(len(many), 25)


class NeedFormTests(CatalogTestCase):
    def setUp(self):
        self.client.force_login(self.editor_a)

    def post_data(self, **fields):
        data = {
            "edition": self.edition.pk,
            "title_vi": "Cấp nước sạch cho trường tiểu học",
            "sector": sector("water").pk,
            "unit": self.commune.pk,
            "proposer_name": "Phòng Giáo dục",
            "estimated_budget": "300000000",
            "priority": "medium",
            "beneficiaries-TOTAL_FORMS": "1",
            "beneficiaries-INITIAL_FORMS": "0",
            "beneficiaries-MIN_NUM_FORMS": "0",
            "beneficiaries-MAX_NUM_FORMS": "1000",
            "beneficiaries-0-group": BeneficiaryGroup.objects.get(code="students").pk,
            "beneficiaries-0-number": "450",
            "beneficiaries-0-ORDER": "1",
            "beneficiaries-0-DELETE": "",
            "beneficiaries-0-id": "",
        }
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    def test_add_with_beneficiaries_and_the_next_number(self):
        response = self.client.post(reverse("needs:add"), self.post_data())
        self.assertEqual(response.status_code, 302)
        need = NeedItem.objects.get(title_vi="Cấp nước sạch cho trường tiểu học")
        self.assertEqual(need.number, 5)
        self.assertEqual(need.status, NeedStatus.DRAFT)
        self.assertEqual(
            [(b.group.code, b.number) for b in need.beneficiaries.all()], [("students", 450)]
        )

    def test_edit_the_beneficiaries_inline(self):
        url = reverse("needs:edit", args=[self.health_station.pk])
        response = self.client.get(url)
        self.assertContains(response, "beneficiaries-TOTAL_FORMS")
        row = self.health_station.beneficiaries.get()
        data = self.post_data(
            title_vi="Nâng cấp trạm y tế xã Tân Hòa (giai đoạn 2)",
            proposer=self.commune_org.pk,
            proposer_name="",
            number="1",
            loaded_version=response.context["form"]["loaded_version"].value(),
            **{
                "beneficiaries-INITIAL_FORMS": "1",
                "beneficiaries-0-id": str(row.pk),
                "beneficiaries-0-group": str(row.group_id),
                "beneficiaries-0-number": "1500",
            },
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        need = NeedItem.objects.get(pk=self.health_station.pk)
        self.assertEqual(need.title_vi, "Nâng cấp trạm y tế xã Tân Hòa (giai đoạn 2)")
        self.assertEqual([b.number for b in need.beneficiaries.all()], [1500])
        self.assertEqual(need.status, NeedStatus.APPROVED)  # the form does not move statuses

    def test_add_a_need_from_the_edition_page(self):
        response = self.client.get(reverse("needs_editions:inspect", args=[self.edition.pk]))
        add_url = f"{reverse('needs:add')}?edition={self.edition.pk}"
        self.assertContains(response, add_url)
        response = self.client.get(add_url)
        self.assertEqual(response.context["form"]["edition"].value(), self.edition.pk)

    def test_edition_choices_are_the_editions_the_user_may_change(self):
        make_role(self.editor_a, self.org_b, RoleKind.VIEWER)
        response = self.client.get(reverse("needs:add"))
        choices = set(response.context["form"].fields["edition"].queryset)
        self.assertIn(self.edition, choices)
        self.assertNotIn(self.edition_b, choices)
        response = self.client.post(reverse("needs:add"), self.post_data(edition=self.edition_b.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIn("edition", response.context["form"].errors)

    def test_unit_must_be_of_today(self):
        old = AdministrativeUnit.objects.filter(
            code_system=CodeSystem.GSO_PRE_2025, level=UnitLevel.COMMUNE
        ).first()
        response = self.client.post(reverse("needs:add"), self.post_data(unit=old.pk))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["unit"],
            ["Chọn xã/phường hoặc tỉnh/thành phố hiện nay (từ ngày 01/07/2025)."],
        )
        form_html = self.client.get(reverse("needs:add")).content.decode()
        self.assertIn("code_system=2025-07", form_html)

    def test_proposer_is_an_organisation_or_a_name(self):
        response = self.client.post(reverse("needs:add"), self.post_data(proposer_name=""))
        self.assertIn("proposer", response.context["form"].errors)
        response = self.client.post(
            reverse("needs:add"), self.post_data(proposer=self.commune_org.pk)
        )
        self.assertIn("proposer_name", response.context["form"].errors)
        response = self.client.post(
            reverse("needs:add"), self.post_data(proposer=self.commune_org.pk, proposer_name="")
        )
        self.assertEqual(response.status_code, 302)

    def test_a_number_is_used_once_per_edition(self):
        response = self.client.post(reverse("needs:add"), self.post_data(number="2"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Xây trường mẫu giáo ấp Mỹ Phú", response.context["form"].errors["number"][0])

    def test_edition_with_needs_cannot_be_deleted(self):
        response = self.client.post(reverse("needs_editions:delete", args=[self.edition.pk]))
        self.assertEqual(response.status_code, 302)
        self.edition.refresh_from_db()
        self.assertIsNone(self.edition.deleted_at)


class NeedStatusTests(CatalogTestCase):
    def change(self, need, to, actor=None):
        return need_status_change(actor=actor or self.editor_a, need=need, to=to)

    def assertRefused(self, need, to, fragment):
        with self.assertRaises(ValidationError) as caught:
            self.change(need, to)
        self.assertIn(fragment, " ".join(caught.exception.messages))
        self.assertEqual(NeedItem.objects.get(pk=need.pk).status, need.status)

    def test_the_path_of_a_need(self):
        self.change(self.draft, NeedStatus.APPROVED)
        self.change(self.draft, NeedStatus.PUBLISHED)
        self.change(self.draft, NeedStatus.IN_TALKS)
        _link(make_activity(organization=self.org_a), self.draft)
        self.change(self.draft, NeedStatus.FUNDED)
        self.change(self.draft, NeedStatus.CLOSED)
        self.assertEqual(NeedItem.objects.get(pk=self.draft.pk).status, NeedStatus.CLOSED)

    def test_a_draft_is_approved_first(self):
        self.assertRefused(self.draft, NeedStatus.PUBLISHED, "cần được phê duyệt vào danh mục")

    def test_funded_needs_a_linked_activity(self):
        self.assertRefused(
            self.water, NeedStatus.FUNDED, "chưa có khoản viện trợ nào liên kết với nhu cầu này"
        )
        cancelled = make_activity(organization=self.org_a, status=ActivityStatus.CANCELLED)
        _link(cancelled, self.water)
        self.assertRefused(
            self.water, NeedStatus.FUNDED, "chưa có khoản viện trợ nào liên kết với nhu cầu này"
        )
        # an activity of another organisation counts too: the rule is about the need
        _link(make_activity(organization=self.org_b), self.water)
        self.change(self.water, NeedStatus.FUNDED)

    def test_funded_or_closed_never_back_to_draft(self):
        _link(make_activity(organization=self.org_a), self.water)
        self.change(self.water, NeedStatus.FUNDED)
        self.assertRefused(self.water, NeedStatus.DRAFT, "không thể chuyển về bản nháp")
        self.change(self.water, NeedStatus.CLOSED)
        self.assertRefused(self.water, NeedStatus.DRAFT, "không thể chuyển về bản nháp")
        self.change(self.kindergarten, NeedStatus.DRAFT)  # published: may go back

    def test_same_status_and_unknown_status(self):
        self.assertRefused(self.water, NeedStatus.IN_TALKS, "đang ở trạng thái")
        self.assertRefused(self.water, "lost", "không phải là trạng thái")

    def test_only_those_who_may_change_it(self):
        with self.assertRaises(PermissionDenied):
            self.change(self.water, NeedStatus.PUBLISHED, actor=self.viewer_a)
        with self.assertRaises(PermissionDenied):
            self.change(self.water, NeedStatus.PUBLISHED, actor=self.editor_b)

    def test_status_page(self):
        self.client.force_login(self.editor_a)
        url = reverse("aid_needs:need_status", args=[self.water.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("in_talks", [v for v, _l in response.context["form"].fields["to"].choices])
        response = self.client.post(url, {"to": "funded"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "chưa có khoản viện trợ nào liên kết với nhu cầu này",
            response.context["form"].errors["to"][0],
        )
        response = self.client.post(url, {"to": "published"})
        self.assertRedirects(response, reverse("needs:inspect", args=[self.water.pk]))
        self.assertEqual(NeedItem.objects.get(pk=self.water.pk).status, NeedStatus.PUBLISHED)
        # a viewer sees the need but may not change it: refused, never the page
        self.client.force_login(self.viewer_a)
        self.assertIn(self.client.get(url).status_code, (302, 403))
        self.assertIn(self.client.post(url, {"to": "in_talks"}).status_code, (302, 403))
        self.assertEqual(NeedItem.objects.get(pk=self.water.pk).status, NeedStatus.PUBLISHED)
