import csv
import datetime
import io

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from huunghi.aid.tests.factories import make_activity, sector
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.partners.choices import CertificateKind, PartnerKind
from huunghi.partners.models import Certificate, Interaction, Partner
from huunghi.partners.tests.factories import (
    CertificateFactory,
    ContactFactory,
    InteractionFactory,
    PartnerFactory,
    new_province,
)
from huunghi.partners.viewsets import CertificateStatusColumn
from huunghi.people.tests.factories import PersonFactory
from huunghi.places.models import Country


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


class PartnerViewTestCase(TestCase):
    """Two provinces; partners, certificates, contacts, interactions and aid activities in
    each; an editor, a viewer and an editor with personal data in province A."""

    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        root = national_root()
        cls.root = root
        cls.a = make_org(root, code="pv_a", kind=OrgKind.PROVINCIAL_UNION, unit=new_province("25"))
        cls.b = make_org(root, code="pv_b", kind=OrgKind.PROVINCIAL_UNION, unit=new_province("01"))
        cls.editor = UserFactory(username="pv_editor")
        make_role(cls.editor, cls.a, RoleKind.EDITOR)
        cls.viewer = UserFactory(username="pv_viewer")
        make_role(cls.viewer, cls.a, RoleKind.VIEWER)
        cls.personal = UserFactory(username="pv_personal")
        make_role(cls.personal, cls.a, RoleKind.EDITOR, personal_data=True)
        cls.national = UserFactory(username="pv_national")
        make_role(cls.national, root, RoleKind.EDITOR, personal_data=True)

        germany, laos = Country.objects.get(code="DE"), Country.objects.get(code="LA")
        cls.partner_a = PartnerFactory(
            organization=cls.a, name="Quỹ Hữu nghị Việt – Đức", acronym="QHN", country=germany
        )
        cls.partner_a.sectors.set([sector("health")])
        cls.partner_b = PartnerFactory(
            organization=cls.b,
            kind=PartnerKind.LOCALITY,
            name="Tỉnh Champasak",
            acronym="",
            country=None,
        )
        cls.partner_b.countries.set([laos])
        donor = PersonFactory(organization=cls.b, email="donor@example.org")
        cls.individual = PartnerFactory(
            organization=cls.b,
            kind=PartnerKind.INDIVIDUAL,
            name="Bà Donor",
            acronym="",
            person=donor,
            email="donor@example.org",
        )
        cls.cert_a = CertificateFactory(
            partner=cls.partner_a,
            issued_on=cls.today - datetime.timedelta(days=700),
            expires_on=cls.today + datetime.timedelta(days=30),
            number="111/BNG-GĐK",
        )
        cls.cert_b = CertificateFactory(
            partner=cls.partner_b,
            issued_on=cls.today - datetime.timedelta(days=10),
            expires_on=cls.today + datetime.timedelta(days=700),
            number="222/BNG-GĐK",
        )
        cls.contact_a = ContactFactory(organization=cls.a, partner=cls.partner_b, role="Giám đốc")
        cls.contact_b = ContactFactory(organization=cls.b, partner=cls.partner_b, role="Thư ký")
        cls.interaction_a = InteractionFactory(
            organization=cls.a, partner=cls.partner_b, subject="Họp với tỉnh Champasak"
        )
        cls.interaction_b = InteractionFactory(
            organization=cls.b, partner=cls.partner_b, subject="Thư mời của tỉnh Champasak"
        )
        cls.activity_a = make_activity(
            organization=cls.a, donors=[cls.partner_b], title_vi="Trường học hữu nghị"
        )
        cls.activity_b = make_activity(
            organization=cls.b, donors=[cls.partner_b], title_vi="Bệnh xá biên giới"
        )

    def login(self, user):
        self.client.force_login(user)

    def listed(self, url_name, **params):
        response = self.client.get(reverse(url_name), params)
        self.assertEqual(response.status_code, 200)
        return {obj.pk for obj in response.context["object_list"]}


class PartnerListTests(PartnerViewTestCase):
    def test_every_member_of_staff_sees_every_partner(self):
        self.login(self.viewer)
        listed = self.listed("partners:index")
        self.assertLessEqual({self.partner_a.pk, self.partner_b.pk, self.individual.pk}, listed)

    def test_edit_offered_only_on_partners_kept_in_the_subtree(self):
        self.login(self.editor)
        response = self.client.get(reverse("partners:index"))
        self.assertContains(response, reverse("partners:edit", args=[self.partner_a.pk]))
        self.assertNotContains(response, reverse("partners:edit", args=[self.partner_b.pk]))
        self.assertContains(response, reverse("partners:inspect", args=[self.partner_b.pk]))

    def test_search_ignores_diacritics_and_case(self):
        self.login(self.editor)
        self.assertEqual(
            self.listed("partners:index", q="QUY huu nghi viet duc"), {self.partner_a.pk}
        )
        self.assertEqual(self.listed("partners:index", q="champasak"), {self.partner_b.pk})

    def test_filters(self):
        self.login(self.editor)
        laos, germany = Country.objects.get(code="LA"), Country.objects.get(code="DE")
        self.assertEqual(self.listed("partners:index", kind="locality"), {self.partner_b.pk})
        self.assertEqual(self.listed("partners:index", country=germany.pk), {self.partner_a.pk})
        # the other countries count too
        self.assertEqual(self.listed("partners:index", country=laos.pk), {self.partner_b.pk})
        self.assertEqual(
            self.listed("partners:index", sector=sector("health").pk), {self.partner_a.pk}
        )

    def test_country_filter_offers_only_countries_of_partners(self):
        self.login(self.editor)
        response = self.client.get(reverse("partners:index"))
        choices = {c.code for c in response.context["filters"].form.fields["country"].queryset}
        self.assertEqual(choices, {"DE", "LA"})

    def test_export_hides_an_individual_donors_contact_details_without_permission(self):
        for user, visible in ((self.editor, False), (self.national, True)):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(reverse("partners:index"), {"export": "csv"})
                rows = csv_rows(response)
                self.assertEqual(len(rows) - 1, Partner.objects.count())
                self.assertEqual("donor@example.org" in str(rows), visible)

    def test_chooser_lists_the_whole_registry(self):
        self.login(self.viewer)
        response = self.client.get(reverse("partner_chooser:choose"))
        self.assertEqual(response.status_code, 200)
        listed = {p.pk for p in response.context["results"]}
        self.assertLessEqual({self.partner_a.pk, self.partner_b.pk}, listed)
        response = self.client.get(reverse("partner_chooser:choose_results"), {"q": "quy duc"})
        self.assertEqual({p.pk for p in response.context["results"]}, {self.partner_a.pk})


class PartnerChangeTests(PartnerViewTestCase):
    def test_editor_changes_only_partners_kept_in_its_subtree(self):
        self.login(self.editor)
        self.assertEqual(
            self.client.get(reverse("partners:edit", args=[self.partner_a.pk])).status_code, 200
        )
        version = self.partner_b.version
        for view in ("edit", "delete"):
            with self.subTest(view=view):
                url = reverse(f"partners:{view}", args=[self.partner_b.pk])
                self.assertIn(self.client.get(url).status_code, (302, 403))
                self.assertIn(self.client.post(url, {"name": "X"}).status_code, (302, 403))
        fresh = Partner.objects.get(pk=self.partner_b.pk)
        self.assertEqual((fresh.version, fresh.name), (version, "Tỉnh Champasak"))

    def add(self, **data):
        self.login(self.editor)
        return self.client.post(
            reverse("partners:add"),
            {"organization": self.a.pk, "kind": "ngo", "acronym": "", **data},
        )

    def test_add_warns_of_a_likely_duplicate_and_saves_when_ticked(self):
        response = self.add(name="QUY HUU NGHI VIET-DUC")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "data-possible-duplicates")
        self.assertContains(response, reverse("partners:inspect", args=[self.partner_a.pk]))
        self.assertFalse(Partner.objects.filter(name="QUY HUU NGHI VIET-DUC").exists())
        response = self.add(name="QUY HUU NGHI VIET-DUC", not_duplicate="1")
        self.assertEqual(response.status_code, 302)
        created = Partner.objects.get(name="QUY HUU NGHI VIET-DUC")
        self.assertEqual(created.organization, self.a)

    def test_add_without_duplicate_saves_at_once(self):
        response = self.add(name="Oxfam Novib", sectors=[sector("education").pk])
        self.assertEqual(response.status_code, 302)
        created = Partner.objects.get(name="Oxfam Novib")
        self.assertEqual(list(created.sectors.values_list("code", flat=True)), ["education"])

    def test_new_partner_form_presets_the_users_organisation(self):
        self.login(self.editor)
        response = self.client.get(reverse("partners:add"))
        self.assertEqual(response.context["form"].initial.get("organization"), self.a.pk)


class PartnerInspectTests(PartnerViewTestCase):
    def inspect(self, user, partner):
        self.login(user)
        response = self.client.get(reverse("partners:inspect", args=[partner.pk]))
        self.assertEqual(response.status_code, 200)
        return response

    def test_shows_certificates_and_what_the_user_may_see(self):
        response = self.inspect(self.editor, self.partner_b)
        self.assertContains(response, "222/BNG-GĐK")
        self.assertEqual(list(response.context["contacts"]), [self.contact_a])
        self.assertEqual(list(response.context["interactions"]), [self.interaction_a])
        self.assertEqual(response.context["activities"], [self.activity_a])
        self.assertContains(response, "Trường học hữu nghị")
        self.assertNotContains(response, "Bệnh xá biên giới")
        self.assertNotContains(response, "Thư mời của tỉnh Champasak")
        # not kept by province A: no edit, no certificate to add
        self.assertNotContains(response, reverse("partners:edit", args=[self.partner_b.pk]))
        self.assertIsNone(response.context["add_certificate_url"])
        self.assertTrue(
            response.context["add_contact_url"].endswith(f"?partner={self.partner_b.pk}")
        )

    def test_own_partner_can_be_edited_from_its_page(self):
        response = self.inspect(self.editor, self.partner_a)
        self.assertContains(response, reverse("partners:edit", args=[self.partner_a.pk]))
        self.assertIsNotNone(response.context["add_certificate_url"])
        self.assertContains(response, 'data-certificate-status="expiring"')

    def test_individual_donors_contact_details_follow_the_personal_data_rule(self):
        self.assertNotContains(self.inspect(self.editor, self.individual), "donor@example.org")
        self.assertContains(self.inspect(self.national, self.individual), "donor@example.org")


class CertificateViewTests(PartnerViewTestCase):
    def test_list_filter_and_status(self):
        self.login(self.viewer)
        self.assertLessEqual({self.cert_a.pk, self.cert_b.pk}, self.listed("certificates:index"))
        self.assertEqual(self.listed("certificates:index", expiry="expiring"), {self.cert_a.pk})
        self.assertEqual(self.listed("certificates:index", expiry="expired"), set())
        response = self.client.get(reverse("certificates:index"))
        self.assertContains(response, 'data-certificate-status="expiring"', count=1)
        self.assertContains(response, 'data-certificate-status="valid"', count=1)

    def test_export(self):
        self.login(self.viewer)
        rows = csv_rows(self.client.get(reverse("certificates:index"), {"export": "csv"}))
        by_number = {row[2]: row for row in rows[1:]}
        row = by_number["111/BNG-GĐK"]
        self.assertEqual(row[0], str(self.partner_a))
        self.assertEqual(row[1], str(CertificateKind.OPERATION.label))
        self.assertEqual(row[5], self.cert_a.expires_on.strftime("%d/%m/%Y"))
        with translation.override(settings.LANGUAGE_CODE):
            self.assertEqual(row[6], str(CertificateStatusColumn.labels["expiring"]))

    def test_search_by_partner_name(self):
        self.login(self.viewer)
        self.assertEqual(self.listed("certificates:index", q="champasak"), {self.cert_b.pk})

    def test_certificates_of_other_partners_cannot_be_changed(self):
        self.login(self.editor)
        url = reverse("certificates:edit", args=[self.cert_b.pk])
        self.assertIn(self.client.get(url).status_code, (302, 403))
        self.assertEqual(
            self.client.get(reverse("certificates:inspect", args=[self.cert_b.pk])).status_code,
            200,
        )

    def post_certificate(self, partner, **data):
        self.login(self.editor)
        return self.client.post(
            reverse("certificates:add"),
            {
                "partner": partner.pk,
                "kind": CertificateKind.OPERATION,
                "number": "333/BNG-GĐK",
                "issuer": "Bộ Ngoại giao",
                "issued_on": "01/01/2026",
                "expires_on": "31/12/2028",
                "provinces": [new_province("25").pk],
                **data,
            },
        )

    def test_add_only_to_partners_the_user_may_change(self):
        self.assertEqual(self.post_certificate(self.partner_b).status_code, 200)
        self.assertFalse(Certificate.objects.filter(number="333/BNG-GĐK").exists())
        self.assertEqual(self.post_certificate(self.partner_a).status_code, 302)
        created = Certificate.objects.get(number="333/BNG-GĐK")
        self.assertEqual(list(created.provinces.all()), [new_province("25")])

    def test_a_registration_runs_no_longer_than_the_decree_allows(self):
        response = self.post_certificate(self.partner_a, expires_on="02/01/2029")
        self.assertEqual(response.status_code, 200)
        self.assertIn("expires_on", response.context["form"].errors)
        response = self.post_certificate(
            self.partner_a, kind=CertificateKind.REPRESENTATIVE_OFFICE, expires_on="31/12/2030"
        )
        self.assertEqual(response.status_code, 302)

    def test_add_page_presets_the_partner(self):
        self.login(self.editor)
        response = self.client.get(reverse("certificates:add"), {"partner": self.partner_a.pk})
        self.assertEqual(response.context["form"].initial.get("partner"), self.partner_a.pk)


class PrivateRecordTests(PartnerViewTestCase):
    """Contacts and interactions stay with the organisation that keeps them."""

    def test_lists_show_own_rows_only(self):
        self.login(self.editor)
        self.assertEqual(self.listed("partner_contacts:index"), {self.contact_a.pk})
        self.assertEqual(self.listed("interactions:index"), {self.interaction_a.pk})

    def test_interaction_filters(self):
        later = InteractionFactory(
            organization=self.a,
            partner=self.partner_a,
            owner=self.editor,
            date=datetime.date(2026, 6, 1),
        )
        self.login(self.editor)
        self.assertEqual(self.listed("interactions:index", mine="true"), {later.pk})
        self.assertEqual(
            self.listed("interactions:index", date_from="01/04/2026", date_to="30/06/2026"),
            {later.pk},
        )
        self.assertEqual(self.listed("interactions:index", kind="call"), set())

    def test_contact_form_uses_the_person_chooser(self):
        self.login(self.editor)
        response = self.client.get(reverse("partner_contacts:add"), {"partner": self.partner_b.pk})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, reverse("person_chooser:choose"))
        self.assertEqual(response.context["form"].initial.get("organization"), self.a.pk)

    def test_other_provinces_rows_answer_404(self):
        self.login(self.editor)
        for namespace, row in (
            ("partner_contacts", self.contact_b),
            ("interactions", self.interaction_b),
        ):
            for view in ("inspect", "edit", "delete", "history"):
                with self.subTest(namespace=namespace, view=view):
                    url = reverse(f"{namespace}:{view}", args=[row.pk])
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_contact_personal_data_only_with_the_permission(self):
        self.contact_a.person.phone = "0912 345 678"
        self.contact_a.person.save()
        self.login(self.editor)
        self.assertNotContains(self.client.get(reverse("partner_contacts:index")), "0912 345 678")
        inspect = reverse("partner_contacts:inspect", args=[self.contact_a.pk])
        self.assertNotContains(self.client.get(inspect), "0912 345 678")
        self.login(self.personal)
        self.assertContains(self.client.get(reverse("partner_contacts:index")), "0912 345 678")
        self.assertContains(self.client.get(inspect), "0912 345 678")

    def test_interaction_owner_defaults_to_the_user(self):
        self.login(self.editor)
        response = self.client.get(reverse("interactions:add"), {"partner": self.partner_b.pk})
        form = response.context["form"]
        self.assertEqual(form.initial.get("owner"), self.editor.pk)
        # the people met are chosen among the partner's contacts the user sees
        self.assertEqual(list(form.fields["contacts"].queryset), [self.contact_a.person])
        response = self.client.post(
            reverse("interactions:add"),
            {
                "organization": self.a.pk,
                "partner": self.partner_b.pk,
                "kind": "meeting",
                "date": "05/03/2026",
                "subject": "Làm việc về học bổng",
                "contacts": [self.contact_a.person.pk],
            },
        )
        self.assertEqual(response.status_code, 302)
        created = Interaction.objects.get(subject="Làm việc về học bổng")
        self.assertEqual(created.owner, self.editor)
        self.assertEqual(list(created.contacts.all()), [self.contact_a.person])

    def test_people_met_must_be_contacts_of_the_partner(self):
        other = ContactFactory(organization=self.a, partner=self.partner_a)
        self.login(self.editor)
        response = self.client.post(
            reverse("interactions:add"),
            {
                "organization": self.a.pk,
                "partner": self.partner_b.pk,
                "kind": "call",
                "date": "05/03/2026",
                "subject": "Gọi điện",
                "contacts": [other.person.pk],
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("contacts", response.context["form"].errors)


class DashboardTests(PartnerViewTestCase):
    def test_expiring_certificates_panel(self):
        self.login(self.editor)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "data-expiring-certificates")
        self.assertContains(response, "111/BNG-GĐK")
        self.assertContains(
            response, (self.today + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
        )

    def test_no_panel_when_nothing_expires(self):
        other = UserFactory(username="pv_other_editor")
        make_role(other, self.b, RoleKind.EDITOR)
        self.login(other)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "data-expiring-certificates")


class DuplicateAndMergeViewTests(PartnerViewTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.twin_a = PartnerFactory(organization=cls.a, name="Quy Huu Nghi Viet Duc", acronym="")
        cls.twin_b = PartnerFactory(organization=cls.b, name="Tinh Champasak", acronym="")

    def test_duplicates_page(self):
        self.login(self.editor)
        response = self.client.get(reverse("partners:partner_duplicate_list"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["total"], 2)
        links = {
            frozenset({group.partners[0].pk, other.pk}): url
            for group in response.context["groups"]
            for other, url in group.links
        }
        self.assertIsNotNone(links[frozenset({self.partner_a.pk, self.twin_a.pk})])
        # the other province's pair is listed, without a merge link
        self.assertIsNone(links[frozenset({self.partner_b.pk, self.twin_b.pk})])

    def test_partner_page_lists_its_duplicates(self):
        self.login(self.editor)
        response = self.client.get(reverse("partners:inspect", args=[self.partner_a.pk]))
        merge = reverse("partners:partner_merge", args=[self.partner_a.pk, self.twin_a.pk])
        self.assertEqual(response.context["duplicates"], [(self.twin_a, merge)])
        response = self.client.get(reverse("partners:inspect", args=[self.partner_b.pk]))
        self.assertEqual(response.context["duplicates"], [(self.twin_b, None)])

    def test_merge_page_answers_404_outside_the_change_scope(self):
        self.login(self.editor)
        for pair in ((self.partner_b, self.twin_b), (self.partner_a, self.partner_b)):
            url = reverse("partners:partner_merge", args=[p.pk for p in pair])
            self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.viewer)
        url = reverse("partners:partner_merge", args=[self.partner_a.pk, self.twin_a.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_preview_then_merge(self):
        self.login(self.editor)
        url = reverse("partners:partner_merge", args=[self.partner_a.pk, self.twin_a.pk])
        response = self.client.get(url, {"keep": self.twin_a.pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["kept"], self.twin_a)
        moving = {str(r["label"]): r["moving"] for r in response.context["relations"]}
        self.assertEqual(moving[str(Certificate._meta.verbose_name_plural)], 1)
        response = self.client.post(
            url,
            {
                "keep": self.twin_a.pk,
                "kept_version": self.twin_a.version,
                "merged_version": self.partner_a.version,
            },
        )
        self.assertRedirects(
            response,
            reverse("partners:inspect", args=[self.twin_a.pk]),
            fetch_redirect_response=False,
        )
        self.assertFalse(Partner.objects.filter(pk=self.partner_a.pk).exists())
        self.assertEqual(Certificate.objects.get(pk=self.cert_a.pk).partner, self.twin_a)

    def test_stale_preview_is_refused(self):
        self.login(self.editor)
        url = reverse("partners:partner_merge", args=[self.partner_a.pk, self.twin_a.pk])
        response = self.client.post(
            url, {"kept_version": self.partner_a.version - 1, "merged_version": self.twin_a.version}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Partner.objects.filter(pk=self.twin_a.pk).exists())


class ListQueryCountTests(PartnerViewTestCase):
    """The list pages do not run more queries as rows are added."""

    def count(self, url_name):
        self.client.get(reverse(url_name))
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(reverse(url_name))
        self.assertEqual(response.status_code, 200)
        return len(context)

    def test_lists(self):
        self.login(self.personal)
        makers = {
            "partners:index": lambda n: PartnerFactory(organization=self.a).sectors.set(
                [sector("health"), sector("education")]
            ),
            "certificates:index": lambda n: CertificateFactory(
                partner=self.partner_a
            ).provinces.set([new_province("25")]),
            "partner_contacts:index": lambda n: ContactFactory(
                organization=self.a, partner=PartnerFactory()
            ),
            "interactions:index": lambda n: InteractionFactory(
                organization=self.a, partner=PartnerFactory(), owner=self.editor
            ),
        }
        for url_name, make in makers.items():
            with self.subTest(url_name=url_name):
                few = self.count(url_name)
                for n in range(10):
                    make(n)
                self.assertLessEqual(self.count(url_name), few + 1)
