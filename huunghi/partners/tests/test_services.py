from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from wagtail.models import ModelLogEntry

from huunghi.aid.models import ActivityDonor, AidActivity, AidTransaction
from huunghi.aid.tests.factories import AidTransactionFactory, make_activity, sector
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.partners.models import Certificate, Contact, Interaction, Partner
from huunghi.partners.services import MERGE, partner_merge
from huunghi.partners.tests.factories import (
    CertificateFactory,
    ContactFactory,
    InteractionFactory,
    PartnerFactory,
)
from huunghi.places.models import Country


class PartnerMergeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="pm_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.other = make_org(root, code="pm_b", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="pm_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR)
        cls.viewer = UserFactory(username="pm_viewer")
        make_role(cls.viewer, cls.province, RoleKind.VIEWER)

    def setUp(self):
        self.kept = PartnerFactory(
            organization=self.province, name="Plan International", acronym="PI", phone=""
        )
        self.kept.sectors.set([sector("health")])
        self.merged = PartnerFactory(
            organization=self.province,
            name="PLAN INTERNATIONAL.",
            acronym="",
            iati_identifier="XM-DAC-21032",
            phone="+44 20 0000 0000",
            country=Country.objects.get(code="GB"),
        )
        self.merged.sectors.set([sector("health"), sector("education")])
        self.merged.countries.set([Country.objects.get(code="LA")])

    def test_merge_moves_every_relation_and_trashes_the_duplicate(self):
        given = make_activity(donors=[self.merged], organization=self.province)
        transaction = AidTransactionFactory(activity=given, provider=self.merged)
        both = make_activity(
            donors=[self.kept, self.merged],
            organization=self.other,
            implementing_partner=self.merged,
        )
        certificate = CertificateFactory(partner=self.merged)
        contact = ContactFactory(partner=self.merged, organization=self.other)
        interaction = InteractionFactory(partner=self.merged, organization=self.other)

        kept = partner_merge(actor=self.editor, kept=self.kept, merged=self.merged)

        self.assertEqual(kept, self.kept)
        self.assertEqual(
            list(ActivityDonor.objects.filter(activity=given).values_list("partner", flat=True)),
            [self.kept.pk],
        )
        # the activity that named both keeps one donor row for the kept partner
        self.assertEqual(
            list(ActivityDonor.objects.filter(activity=both).values_list("partner", flat=True)),
            [self.kept.pk],
        )
        self.assertEqual(AidActivity.objects.get(pk=both.pk).implementing_partner, self.kept)
        self.assertEqual(AidTransaction.objects.get(pk=transaction.pk).provider, self.kept)
        self.assertEqual(Certificate.objects.get(pk=certificate.pk).partner, self.kept)
        # contacts and interactions of another province follow the partner too
        self.assertEqual(Contact.objects.get(pk=contact.pk).partner, self.kept)
        self.assertEqual(Interaction.objects.get(pk=interaction.pk).partner, self.kept)
        self.assertFalse(ActivityDonor.objects.filter(partner=self.merged).exists())

        merged = Partner.all_objects.get(pk=self.merged.pk)
        self.assertIsNotNone(merged.deleted_at)
        self.assertEqual(merged.deleted_by, self.editor)
        self.assertFalse(Partner.objects.filter(pk=self.merged.pk).exists())

    def test_kept_partner_gains_what_it_lacked(self):
        partner_merge(actor=self.editor, kept=self.kept, merged=self.merged)
        kept = Partner.objects.get(pk=self.kept.pk)
        self.assertEqual(kept.iati_identifier, "XM-DAC-21032")
        self.assertEqual(kept.phone, "+44 20 0000 0000")
        self.assertEqual(kept.country.code, "GB")
        self.assertEqual(kept.acronym, "PI")  # not overwritten
        self.assertEqual(kept.name, "Plan International")
        self.assertEqual(set(kept.sectors.values_list("code", flat=True)), {"health", "education"})
        self.assertEqual(list(kept.countries.values_list("code", flat=True)), ["LA"])

    def test_merge_is_in_both_histories(self):
        make_activity(donors=[self.merged], organization=self.province)
        partner_merge(actor=self.editor, kept=self.kept, merged=self.merged)
        kept_log = ModelLogEntry.objects.get(action=MERGE, object_id=str(self.kept.pk))
        self.assertEqual(kept_log.user, self.editor)
        self.assertIn("PLAN INTERNATIONAL.", kept_log.data["changes"]["merged"][1])
        self.assertIn("1", kept_log.data["changes"]["merged"][1])
        merged_log = ModelLogEntry.objects.get(action=MERGE, object_id=str(self.merged.pk))
        self.assertEqual(merged_log.data["changes"]["merged_into"][1], str(self.kept))

    def test_latest_revision_of_an_activity_follows(self):
        activity = make_activity(donors=[self.merged], implementing_partner=self.merged)
        activity.save_revision()
        partner_merge(actor=self.editor, kept=self.kept, merged=self.merged)
        content = AidActivity.objects.get(pk=activity.pk).latest_revision.content
        self.assertEqual(content["implementing_partner"], self.kept.pk)
        self.assertEqual([d["partner"] for d in content["donors"]], [self.kept.pk])

    def test_needs_change_permission_on_both(self):
        foreign = PartnerFactory(organization=self.other, name="Plan International")
        activity = make_activity(donors=[foreign])
        for kept, merged, user in (
            (self.kept, foreign, self.editor),
            (foreign, self.kept, self.editor),
            (self.kept, self.merged, self.viewer),
        ):
            with self.subTest(kept=kept, merged=merged, user=user):
                with self.assertRaises(PermissionDenied):
                    partner_merge(actor=user, kept=kept, merged=merged)
        self.assertTrue(Partner.objects.filter(pk=foreign.pk).exists())
        self.assertEqual(activity.donors.get().partner, foreign)
        self.assertTrue(Partner.objects.filter(pk=self.merged.pk).exists())

    def test_not_with_itself(self):
        with self.assertRaises(ValidationError):
            partner_merge(actor=self.editor, kept=self.kept, merged=self.kept)

    def test_restoring_the_merged_partner_is_refused_while_its_identifier_is_taken(self):
        partner_merge(actor=self.editor, kept=self.kept, merged=self.merged)
        merged = Partner.all_objects.get(pk=self.merged.pk)
        with self.assertRaises(ValidationError):
            merged.restore()
