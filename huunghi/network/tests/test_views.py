import datetime

from django.test import TestCase
from django.urls import reverse

from huunghi.network.models import Association, Chapter, Membership
from huunghi.network.tests.factories import make_association
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Organization
from huunghi.orgs.testing import ScopedViewTests
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.people.tests.factories import PersonFactory
from huunghi.places.models import AdministrativeUnit, Country


class AssociationViewTests(ScopedViewTests, TestCase):
    model = Association
    viewset_namespace = "associations"


class MembershipViewTests(ScopedViewTests, TestCase):
    model = Membership
    viewset_namespace = "memberships"


class ChapterViewTests(ScopedViewTests, TestCase):
    model = Chapter
    viewset_namespace = "chapters"


class NetworkFormsTests(TestCase):
    """An editor adds an association (with its organisation), a chapter in a commune and a
    member, through the admin forms; the records land in the tree and the figures."""

    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="nf_p", kind=OrgKind.PROVINCIAL_UNION, name_vi="Tỉnh P")
        cls.other = make_org(root, code="nf_o", kind=OrgKind.PROVINCIAL_UNION, name_vi="Tỉnh O")
        cls.editor = UserFactory(username="nf_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR, personal_data=True)
        cls.commune = AdministrativeUnit.objects.filter(
            level="commune", code_system="2025-07"
        ).first()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_add_association_places_it_under_the_union(self):
        laos = Country.objects.get(code="LA")
        response = self.client.post(
            reverse("associations:add"),
            {
                "parent": self.province.pk,
                "name_vi": "Hội hữu nghị Việt Nam – Lào tỉnh P",
                "valid_from": "12/05/1998",
                "partner_countries": [laos.pk],
                "status": "active",
                "founding_decision_number": "12/QĐ-UBND",
            },
        )
        self.assertEqual(response.status_code, 302)
        association = Association.objects.get(
            organization__name_vi="Hội hữu nghị Việt Nam – Lào tỉnh P"
        )
        org = Organization.objects.get(pk=association.organization_id)
        self.assertEqual(org.get_parent(), self.province)
        self.assertEqual(org.kind, OrgKind.ASSOCIATION)
        self.assertEqual(org.valid_from, datetime.date(1998, 5, 12))
        self.assertEqual([c.code for c in association.partner_countries.all()], ["LA"])

    def test_cannot_add_association_under_another_province(self):
        laos = Country.objects.get(code="LA")
        response = self.client.post(
            reverse("associations:add"),
            {
                "parent": self.other.pk,
                "name_vi": "Hội lạ",
                "partner_countries": [laos.pk],
                "status": "active",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("parent", response.context["form"].errors)
        self.assertFalse(Organization.objects.filter(name_vi="Hội lạ").exists())

    def test_association_needs_a_partner_country(self):
        response = self.client.post(
            reverse("associations:add"),
            {"parent": self.province.pk, "name_vi": "Hội không nước", "status": "active"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("partner_countries", response.context["form"].errors)

    def test_edit_association_renames_its_organisation(self):
        association = make_association(self.province, "Hội cũ")
        url = reverse("associations:edit", args=[association.pk])
        form = self.client.get(url).context["form"]
        data = {
            "name_vi": "Hội mới",
            "partner_countries": [c.pk for c in association.partner_countries.all()],
            "status": "active",
            "loaded_version": form["loaded_version"].value(),
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        association.organization.refresh_from_db()
        self.assertEqual(association.organization.name_vi, "Hội mới")

    def test_add_chapter_and_member(self):
        association = make_association(self.province)
        response = self.client.post(
            reverse("chapters:add"),
            {
                "parent": association.organization_id,
                "name_vi": "Chi hội xã A",
                "unit": self.commune.pk,
                "kind": "chapter",
            },
        )
        self.assertEqual(response.status_code, 302)
        chapter = Chapter.objects.get(organization__name_vi="Chi hội xã A")
        self.assertEqual(chapter.organization.unit, self.commune)
        person = PersonFactory(organization=self.province)
        response = self.client.post(
            reverse("memberships:add"),
            {
                "organization": chapter.organization_id,
                "kind": "individual",
                "person": person.pk,
                "joined_on": "01/03/2024",
                "card_number": "A-1",
            },
        )
        self.assertEqual(response.status_code, 302)
        member = Membership.objects.get(person=person)
        self.assertEqual(
            list(member.periods.values_list("status", "valid_from")),
            [("active", datetime.date(2024, 3, 1))],
        )

    def test_member_must_belong_to_association_or_chapter(self):
        person = PersonFactory(organization=self.province)
        response = self.client.post(
            reverse("memberships:add"),
            {
                "organization": self.province.pk,
                "kind": "individual",
                "person": person.pk,
                "joined_on": "01/03/2024",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Membership.objects.exists())


class MembershipStatusViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from huunghi.network.tests.factories import make_membership

        province = make_org(national_root(), code="ms_p", kind=OrgKind.PROVINCIAL_UNION)
        other = make_org(national_root(), code="ms_o", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="ms_editor")
        make_role(cls.editor, province, RoleKind.EDITOR)
        cls.viewer = UserFactory(username="ms_viewer")
        make_role(cls.viewer, province, RoleKind.VIEWER)
        cls.member = make_membership(
            make_association(province).organization, joined_on=datetime.date(2015, 1, 1)
        )
        cls.foreign = make_membership(
            make_association(other).organization, joined_on=datetime.date(2015, 1, 1)
        )

    def test_editor_records_that_a_member_left(self):
        self.client.force_login(self.editor)
        url = reverse("network_membership_status", args=[self.member.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"status": "left", "on": "01/06/2024"})
        self.assertEqual(response.status_code, 302)
        self.member.refresh_from_db()
        self.assertEqual(self.member.status, "left")
        self.assertEqual(self.member.periods.count(), 2)

    def test_bad_date_is_an_error_on_the_form(self):
        self.client.force_login(self.editor)
        url = reverse("network_membership_status", args=[self.member.pk])
        response = self.client.post(url, {"status": "left", "on": "01/06/2010"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(self.member.periods.count(), 1)

    def test_scope(self):
        self.client.force_login(self.viewer)
        url = reverse("network_membership_status", args=[self.member.pk])
        # Wagtail answers "permission denied" by redirecting to the dashboard.
        self.assertIn(self.client.get(url).status_code, (302, 403))
        self.assertEqual(
            self.client.post(url, {"status": "left", "on": "01/06/2024"}).status_code, 302
        )
        self.assertEqual(self.member.periods.count(), 1)
        self.client.force_login(self.editor)
        other = reverse("network_membership_status", args=[self.foreign.pk])
        self.assertEqual(self.client.get(other).status_code, 404)
