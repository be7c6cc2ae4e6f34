import datetime

from django.test import TestCase

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.partners.selectors import (
    certificate_expiring_list,
    certificate_status,
    partner_duplicate_list,
    partner_match_list,
)
from huunghi.partners.tests.factories import (
    CertificateFactory,
    PartnerFactory,
    new_province,
    old_province,
)
from huunghi.places.models import Country

TODAY = datetime.date(2026, 3, 1)


def days(n):
    return TODAY + datetime.timedelta(days=n)


class CertificateExpiringTests(TestCase):
    """The dashboard's list: certificates expiring within 90 days that concern the user —
    every one for national staff; for a province, those of its own partners and those
    covering its province (an earlier province counts for the one it was merged into)."""

    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.phu_tho = new_province("25")
        cls.ha_noi = new_province("01")
        cls.province = make_org(root, code="ce_a", kind=OrgKind.PROVINCIAL_UNION, unit=cls.phu_tho)
        cls.association = make_org(cls.province, code="ce_a1", kind=OrgKind.ASSOCIATION)
        cls.other = make_org(root, code="ce_b", kind=OrgKind.PROVINCIAL_UNION, unit=cls.ha_noi)
        cls.editor = UserFactory(username="ce_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR)
        cls.secretary = UserFactory(username="ce_secretary")
        make_role(cls.secretary, cls.association, RoleKind.VIEWER)
        cls.national = UserFactory(username="ce_national")
        make_role(cls.national, root, RoleKind.VIEWER)

        own = PartnerFactory(organization=cls.province, name="Own NGO")
        foreign = PartnerFactory(organization=cls.other, name="Hà Nội NGO")
        central = PartnerFactory(organization=root, name="Central NGO")

        def cert(partner, expires, provinces=(), **fields):
            fields.setdefault("issued_on", datetime.date(2024, 1, 1))
            c = CertificateFactory(partner=partner, expires_on=expires, **fields)
            c.provinces.set(provinces)
            return c

        cls.covering = cert(foreign, days(30), [cls.phu_tho])
        cls.own = cert(own, days(60))
        cls.elsewhere = cert(foreign, days(45), [cls.ha_noi])
        cls.old_province = cert(central, days(10), [old_province("26")])  # Vĩnh Phúc → Phú Thọ
        cls.later = cert(own, days(120), [cls.phu_tho])
        cls.expired = cert(own, days(-1), [cls.phu_tho])
        renewing = PartnerFactory(organization=root, name="Renewing NGO")
        cls.renewed = cert(renewing, days(20), [cls.phu_tho])
        cert(
            renewing,
            datetime.date(2029, 1, 1),
            [cls.phu_tho],
            issued_on=datetime.date(2026, 1, 5),
        )
        cls.trashed_partner = PartnerFactory(organization=cls.province)
        cert(cls.trashed_partner, days(5), [cls.phu_tho])
        cls.trashed_partner.delete()

    def listed(self, user, **kwargs):
        return list(certificate_expiring_list(user, today=TODAY, **kwargs))

    def test_province_sees_its_partners_and_its_province(self):
        self.assertEqual(self.listed(self.editor), [self.old_province, self.covering, self.own])

    def test_association_sees_the_certificates_covering_its_province(self):
        # not those of the partners its provincial union keeps, unless they cover it
        self.assertEqual(self.listed(self.secretary), [self.old_province, self.covering])

    def test_national_sees_every_expiring_certificate(self):
        self.assertEqual(
            self.listed(self.national),
            [self.old_province, self.covering, self.elsewhere, self.own],
        )

    def test_window_is_adjustable(self):
        self.assertEqual(self.listed(self.national, within_days=15), [self.old_province])
        self.assertIn(self.later, self.listed(self.national, within_days=120))

    def test_nobody_without_a_role_sees_anything(self):
        self.assertEqual(self.listed(UserFactory(username="ce_nobody")), [])

    def test_query_count(self):
        user = UserFactory(username="ce_fresh")
        make_role(user, self.province, RoleKind.EDITOR)
        # roles, the user's provinces, the earlier provinces merged into them, the
        # certificates, their provinces
        with self.assertNumQueries(5):
            self.listed(user)

    def test_status(self):
        self.assertEqual(certificate_status(self.expired, TODAY), "expired")
        self.assertEqual(certificate_status(self.own, TODAY), "expiring")
        self.assertEqual(certificate_status(self.later, TODAY), "valid")
        self.own.expires_on = None
        self.assertEqual(certificate_status(self.own, TODAY), "open")


class PartnerDuplicateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="pd_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.user = UserFactory(username="pd_viewer")
        make_role(cls.user, cls.province, RoleKind.VIEWER)
        germany, france = Country.objects.get(code="DE"), Country.objects.get(code="FR")
        cls.germany = germany
        # the same name, with and without diacritics and punctuation
        cls.quy = PartnerFactory(name="Quỹ Hữu nghị Đức – Việt", acronym="", organization=root)
        cls.quy_plain = PartnerFactory(
            name="QUY HUU NGHI DUC VIET", acronym="", organization=cls.province
        )
        # the same IATI identifier, written differently
        cls.plan = PartnerFactory(
            name="Plan International", acronym="", iati_identifier="GB-CHC-276035"
        )
        cls.plan_uk = PartnerFactory(name="Plan UK", acronym="", iati_identifier=" gb-chc-276035")
        # the same acronym (with dots) in the same country; and linked on to a third by name
        cls.ffv = PartnerFactory(name="Freundeskreis Vietnam", acronym="F.F.V.", country=germany)
        cls.ffv2 = PartnerFactory(name="Förderverein Vietnam", acronym="ffv", country=germany)
        cls.ffv3 = PartnerFactory(name="Förderverein  Vietnam!", acronym="", country=None)
        # the same acronym in another country is not a duplicate
        cls.ffv_fr = PartnerFactory(name="Fondation France Vietnam", acronym="FFV", country=france)
        cls.alone = PartnerFactory(name="Oxfam", acronym="OX")

    def test_groups_and_reasons(self):
        groups = partner_duplicate_list(self.user)
        as_sets = {frozenset(p.pk for p in g.partners): g for g in groups}
        self.assertEqual(
            set(as_sets),
            {
                frozenset({self.quy.pk, self.quy_plain.pk}),
                frozenset({self.plan.pk, self.plan_uk.pk}),
                frozenset({self.ffv.pk, self.ffv2.pk, self.ffv3.pk}),
            },
        )
        quy = as_sets[frozenset({self.quy.pk, self.quy_plain.pk})]
        self.assertEqual((quy.same_name, quy.same_iati, quy.same_acronym), (True, False, False))
        plan = as_sets[frozenset({self.plan.pk, self.plan_uk.pk})]
        self.assertEqual((plan.same_name, plan.same_iati), (False, True))
        ffv = as_sets[frozenset({self.ffv.pk, self.ffv2.pk, self.ffv3.pk})]
        self.assertTrue(ffv.same_acronym and ffv.same_name)

    def test_every_member_of_staff_sees_the_whole_registry(self):
        # a viewer of a province compares partners kept by the national union too
        self.assertEqual(len(partner_duplicate_list(self.user)), 3)
        self.assertEqual(partner_duplicate_list(UserFactory(username="pd_nobody")), [])

    def test_trashed_partners_are_not_compared(self):
        self.plan_uk.delete()
        groups = partner_duplicate_list(self.user)
        self.assertNotIn(self.plan.pk, {p.pk for g in groups for p in g.partners})

    def test_query_count(self):
        user = UserFactory(username="pd_fresh")
        make_role(user, self.province, RoleKind.VIEWER)
        with self.assertNumQueries(3):  # the user's roles, the keys, the partners in groups
            partner_duplicate_list(user)

    def test_match_list_for_a_new_partner(self):
        def match(**kwargs):
            return {p.pk for p in partner_match_list(self.user, **kwargs)}

        self.assertEqual(match(name="quỹ hữu nghị đức-việt"), {self.quy.pk, self.quy_plain.pk})
        self.assertEqual(match(name="Something", iati_identifier="GB-CHC-276035"), {self.plan.pk})
        self.assertEqual(
            match(name="Something", acronym="F F V", country=self.germany),
            {self.ffv.pk, self.ffv2.pk},
        )
        self.assertEqual(match(name="Something", acronym="FFV"), set())
        self.assertEqual(
            match(name="Quy Huu Nghi Duc Viet", exclude_pk=self.quy.pk), {self.quy_plain.pk}
        )
        self.assertEqual(match(name=""), set())
