import csv
import datetime
import io

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from huunghi.network.models import Membership
from huunghi.network.tests.factories import make_association, make_membership
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import ExportLog
from huunghi.orgs.testing import ScopedViewTests
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.people.models import Person, PersonMerge
from huunghi.people.tests.factories import ConsentFactory, PersonFactory

D = datetime.date


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


class PersonViewTests(ScopedViewTests, TestCase):
    model = Person
    viewset_namespace = "persons"


class PeopleViewTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="pv_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.other = make_org(root, code="pv_b", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="pv_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR)
        cls.personal = UserFactory(username="pv_personal")
        make_role(cls.personal, cls.province, RoleKind.EDITOR, personal_data=True)
        cls.lan = PersonFactory(
            organization=cls.province,
            family_name="Nguyễn",
            middle_name="Thị",
            given_name="Lan",
            gender="female",
            date_of_birth=D(1970, 5, 1),
            phone="0912 345 678",
            email="lan@example.org",
        )
        cls.withdrawn = PersonFactory(
            organization=cls.province,
            family_name="Trần",
            middle_name="Văn",
            given_name="Bình",
            gender="male",
            phone="0987 654 321",
        )
        ConsentFactory(person=cls.withdrawn, withdrawn_on=D(2025, 6, 1))
        cls.outside = PersonFactory(organization=cls.other, phone="0911 111 111")


class PersonExportTests(PeopleViewTestCase):
    def export(self, user, fmt="csv", **params):
        self.client.force_login(user)
        response = self.client.get(reverse("persons:index"), {"export": fmt, **params})
        self.assertEqual(response.status_code, 200)
        return response

    def test_no_personal_columns_without_permission(self):
        rows = csv_rows(self.export(self.editor))
        self.assertEqual(len(rows[0]), 5)
        self.assertNotIn("0912345678", str(rows))
        self.assertNotIn("0912 345 678", str(rows))
        self.assertFalse(ExportLog.objects.exists())

    def test_personal_columns_with_permission_except_withdrawn(self):
        rows = csv_rows(self.export(self.personal))
        self.assertEqual(len(rows[0]), 5 + 7)
        by_given = {row[2]: row for row in rows[1:]}
        self.assertIn("0912 345 678", by_given["Lan"])
        self.assertIn("lan@example.org", by_given["Lan"])
        self.assertIn("01/05/1970", by_given["Lan"])
        self.assertEqual(by_given["Bình"][5:], [""] * 7)
        self.assertNotIn("0911 111 111", str(rows))

    def test_personal_cells_empty_where_the_permission_does_not_reach(self):
        user = UserFactory(username="pv_mixed")
        make_role(user, national_root(), RoleKind.VIEWER)
        make_role(user, self.other, RoleKind.VIEWER, personal_data=True)
        rows = csv_rows(self.export(user))
        by_phone_cell = {row[2]: row[5:] for row in rows[1:]}
        self.assertEqual(by_phone_cell["Lan"], [""] * 7)
        self.assertIn("0911 111 111", str(rows))

    def test_export_is_logged_with_filter_and_row_count(self):
        self.export(self.personal, fmt="xlsx", gender="female")
        log = ExportLog.objects.get()
        self.assertEqual(log.user, self.personal)
        self.assertEqual(log.file_format, "xlsx")
        self.assertEqual(log.query, "gender=female")
        self.assertEqual(
            log.row_count,
            Person.objects.filter(organization=self.province, gender="female").count(),
        )
        self.assertTrue(log.personal_data)

    def test_xlsx_has_personal_columns(self):
        response = self.export(self.personal, fmt="xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows[0]), 12)
        lan = next(r for r in rows if r[2] == "Lan")
        self.assertIn("lan@example.org", lan)
        self.assertEqual(ExportLog.objects.get().row_count, 2)

    def test_export_query_count_does_not_grow(self):
        self.export(self.personal)
        with CaptureQueriesContext(connection) as few:
            csv_rows(self.export(self.personal))
        for _ in range(10):
            PersonFactory(organization=self.province)
        with CaptureQueriesContext(connection) as many:
            csv_rows(self.export(self.personal))
        self.assertLessEqual(len(many), len(few))


class MembershipExportTests(PeopleViewTestCase):
    """The membership list's export with ``MembershipExportMixin`` added to the network's
    viewset (as wired in huunghi/network/viewsets.py)."""

    def test_member_personal_columns(self):
        from django.test import RequestFactory

        from huunghi.network.viewsets import MembershipViewSet
        from huunghi.orgs.exports import PersonalExportMixin
        from huunghi.people.exports import MembershipExportMixin

        viewset = MembershipViewSet("test_members")
        self.assertTrue(issubclass(MembershipViewSet, MembershipExportMixin))
        self.assertTrue(issubclass(viewset.index_view_class, PersonalExportMixin))
        association = make_association(self.province, "Hội Việt – Lào pv")
        make_membership(association.organization, person=self.lan)
        make_membership(association.organization, person=self.withdrawn)
        make_membership(association.organization, collective_name="Công ty Hữu Nghị")
        request = RequestFactory().get("/", {"export": "csv", "status": "active"})
        request.user = self.personal
        func = viewset.construct_view(viewset.index_view_class, **viewset.get_index_view_kwargs())
        view = func.view_class(**func.view_initkwargs)
        view.setup(request)
        queryset = view.get_base_queryset()
        rows = csv_rows(view.as_spreadsheet(queryset, "csv"))
        base = len(viewset.list_export)
        self.assertEqual(len(rows[0]), base + 7)
        by_name = {row[0]: row[base:] for row in rows[1:]}
        self.assertIn("lan@example.org", by_name[str(self.lan)])
        self.assertEqual(by_name[str(self.withdrawn)], [""] * 7)
        self.assertEqual(by_name["Công ty Hữu Nghị"], [""] * 7)
        log = ExportLog.objects.get()
        self.assertEqual((log.row_count, log.query), (3, "status=active"))


class PersonListTests(PeopleViewTestCase):
    def search(self, user, query):
        self.client.force_login(user)
        response = self.client.get(reverse("persons:index"), {"q": query})
        self.assertEqual(response.status_code, 200)
        return {p.pk for p in response.context["object_list"]}

    def test_search_by_phone_only_with_personal_data(self):
        self.assertEqual(self.search(self.editor, "0912345678"), set())
        self.assertEqual(self.search(self.personal, "0912345678"), {self.lan.pk})
        self.assertEqual(self.search(self.editor, "nguyen lan"), {self.lan.pk})

    def test_withdrawn_person_flagged_in_list_and_inspect_page(self):
        self.client.force_login(self.editor)
        listing = self.client.get(reverse("persons:index"))
        self.assertContains(listing, 'data-consent="withdrawn"', count=1)
        inspect = self.client.get(reverse("persons:inspect", args=[self.withdrawn.pk]))
        self.assertContains(inspect, 'data-consent="withdrawn"')
        inspect = self.client.get(reverse("persons:inspect", args=[self.lan.pk]))
        self.assertNotContains(inspect, 'data-consent="withdrawn"')

    def test_personal_columns_hidden_on_screen(self):
        self.client.force_login(self.editor)
        self.assertNotContains(self.client.get(reverse("persons:index")), "0912 345 678")
        self.client.force_login(self.personal)
        self.assertContains(self.client.get(reverse("persons:index")), "0912 345 678")


class PersonAddDuplicateTests(PeopleViewTestCase):
    def post(self, **extra):
        data = {
            "organization": self.province.pk,
            "family_name": "NGUYEN",
            "middle_name": "thi",
            "given_name": "Lan",
            "gender": "female",
            "date_of_birth": "01/05/1970",
            **extra,
        }
        self.client.force_login(self.personal)
        return self.client.post(reverse("persons:add"), data)

    def test_warns_and_requires_a_tick(self):
        before = Person.objects.count()
        response = self.post()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["duplicates"]), [self.lan])
        self.assertContains(response, reverse("persons:inspect", args=[self.lan.pk]))
        self.assertContains(response, 'name="not_duplicate"')
        self.assertEqual(Person.objects.count(), before)
        response = self.post(not_duplicate="1")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Person.objects.count(), before + 1)

    def test_no_warning_for_a_different_person(self):
        response = self.post(date_of_birth="02/05/1970")
        self.assertEqual(response.status_code, 302)


class PersonMergeViewTests(PeopleViewTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.twin = PersonFactory(
            organization=cls.province,
            family_name="Nguyen",
            middle_name="Thi",
            given_name="LAN",
            date_of_birth=D(1970, 5, 1),
            phone="",
            email="",
            occupation="Giáo viên",
        )
        association = make_association(cls.province, "Hội Việt – Cuba pv")
        cls.memberships = [
            make_membership(association.organization, person=cls.twin) for _ in range(2)
        ]
        ConsentFactory(person=cls.twin)

    def url(self, a, b):
        return reverse("people:person_merge_preview", args=[a.pk, b.pk])

    def test_duplicates_page_links_to_the_merge(self):
        self.client.force_login(self.personal)
        response = self.client.get(reverse("people:person_duplicate_list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.url(self.lan, self.twin))
        # without the personal-data permission, nothing is compared
        self.client.force_login(self.editor)
        response = self.client.get(reverse("people:person_duplicate_list"))
        self.assertNotContains(response, self.url(self.lan, self.twin))
        outsider = UserFactory(username="pv_nobody")
        self.client.force_login(outsider)
        response = self.client.get(reverse("people:person_duplicate_list"))
        self.assertIn(response.status_code, (302, 404))  # no role: not even into the admin

    def test_preview_counts_and_fills(self):
        self.client.force_login(self.personal)
        response = self.client.get(self.url(self.lan, self.twin))
        self.assertEqual(response.status_code, 200)
        moving = {str(r["label"]): r["moving"] for r in response.context["relations"]}
        self.assertEqual(moving[str(Membership._meta.verbose_name_plural)], 2)
        self.assertEqual(sum(moving.values()), 3)  # two memberships and a consent
        filled = {r["label"] for r in response.context["rows"] if r["filled"]}
        self.assertEqual(filled, {Person._meta.get_field("occupation").verbose_name})
        self.assertContains(response, "0912 345 678")
        # keeping the other record: the phone and e-mail would be filled, nothing moves
        response = self.client.get(self.url(self.lan, self.twin), {"keep": self.twin.pk})
        self.assertEqual(response.context["kept"], self.twin)
        filled = {str(r["label"]) for r in response.context["rows"] if r["filled"]}
        self.assertIn(str(Person._meta.get_field("phone").verbose_name), filled)

    def test_personal_fields_hidden_without_permission(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url(self.lan, self.twin))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "0912 345 678")
        self.assertNotContains(response, "lan@example.org")

    def test_out_of_scope_answers_404(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(self.url(self.lan, self.outside)).status_code, 404)
        viewer = UserFactory(username="pv_viewer")
        make_role(viewer, self.province, RoleKind.VIEWER)
        self.client.force_login(viewer)
        self.assertEqual(self.client.get(self.url(self.lan, self.twin)).status_code, 404)
        response = self.client.post(self.url(self.lan, self.twin), {"keep": self.lan.pk})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(PersonMerge.objects.exists())

    def test_confirm_then_undo(self):
        self.client.force_login(self.personal)
        response = self.client.post(
            self.url(self.lan, self.twin),
            {"keep": self.lan.pk, "kept_version": self.lan.version, "merged_version": 1},
        )
        merge = PersonMerge.objects.get()
        self.assertRedirects(response, reverse("person_merges:inspect", args=[merge.pk]))
        self.assertEqual((merge.kept, merge.merged), (self.lan, self.twin))
        self.assertEqual(Membership.objects.filter(person=self.lan).count(), 2)
        inspect = self.client.get(reverse("person_merges:inspect", args=[merge.pk]))
        undo_url = reverse("people:person_merge_undo", args=[merge.pk])
        self.assertContains(inspect, undo_url)
        self.assertEqual(self.client.get(undo_url).status_code, 200)
        self.client.post(undo_url)
        merge.refresh_from_db()
        self.assertIsNotNone(merge.undone_at)
        self.assertEqual(Membership.objects.filter(person=self.twin).count(), 2)
        self.assertIsNone(Person.objects.get(pk=self.twin.pk).merged_into)

    def test_stale_preview_is_refused(self):
        self.client.force_login(self.personal)
        self.client.post(
            self.url(self.lan, self.twin),
            {"keep": self.lan.pk, "kept_version": self.lan.version - 1, "merged_version": 1},
        )
        self.assertFalse(PersonMerge.objects.exists())


class ExportLogViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        province = make_org(root, code="el_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.national_admin = UserFactory(username="el_national")
        make_role(cls.national_admin, root, RoleKind.ADMIN)
        cls.provincial_admin = UserFactory(username="el_provincial")
        make_role(cls.provincial_admin, province, RoleKind.ADMIN)
        cls.national_editor = UserFactory(username="el_editor")
        make_role(cls.national_editor, root, RoleKind.EDITOR)
        cls.log = ExportLog.objects.create(
            user=cls.provincial_admin, what="Cá nhân", file_format="csv", row_count=3
        )

    def test_only_national_admins(self):
        index = reverse("export_log:index")
        inspect = reverse("export_log:inspect", args=[self.log.pk])
        self.client.force_login(self.national_admin)
        self.assertEqual(self.client.get(index).status_code, 200)
        self.assertEqual(self.client.get(inspect).status_code, 200)
        for user in (self.provincial_admin, self.national_editor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(index).status_code, 404)
            self.assertEqual(self.client.get(inspect).status_code, 404)
