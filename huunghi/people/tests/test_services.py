import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from wagtail.models import ModelLogEntry

from huunghi.network.models import Membership, Position
from huunghi.network.tests.factories import make_association, make_membership
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.people import services
from huunghi.people.choices import ConsentState
from huunghi.people.models import Consent, Person, PersonMerge
from huunghi.people.tests.factories import ConsentFactory, PersonFactory
from huunghi.places.models import Country

D = datetime.date


class PersonMergeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="merge_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.other = make_org(root, code="merge_b", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="merge_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR, personal_data=True)
        cls.association = make_association(cls.province, "Hội Việt – Lào tỉnh A")
        cls.laos, cls.cuba = Country.objects.get(code="LA"), Country.objects.get(code="CU")

    def setUp(self):
        org = self.association.organization
        self.kept = PersonFactory(
            organization=self.province,
            family_name="Nguyễn",
            middle_name="Văn",
            given_name="An",
            date_of_birth=D(1960, 2, 3),
            phone="",
            occupation="",
            email="",
        )
        self.kept.nationalities.add(self.laos)
        self.merged = PersonFactory(
            organization=self.province,
            family_name="Nguyen",
            middle_name="Van",
            given_name="An",
            date_of_birth=D(1960, 2, 3),
            phone="0912345678",
            occupation="Kỹ sư",
            email="an@example.org",
        )
        self.merged.nationalities.add(self.laos, self.cuba)
        self.own_membership = make_membership(org, person=self.kept)
        self.memberships = [make_membership(org, person=self.merged) for _ in range(2)]
        self.consent = ConsentFactory(person=self.merged)
        self.position = Position.objects.create(
            organization=org, person=self.merged, title="chair", started_on=D(2020, 1, 1)
        )

    def merge(self):
        return services.person_merge(actor=self.editor, kept=self.kept, merged=self.merged)

    def test_merge_moves_fills_and_logs(self):
        merge = self.merge()
        self.assertEqual(
            set(Membership.objects.filter(person=self.kept).values_list("pk", flat=True)),
            {self.own_membership.pk, *(m.pk for m in self.memberships)},
        )
        self.assertEqual(Consent.objects.get(pk=self.consent.pk).person_id, self.kept.pk)
        self.assertEqual(Position.objects.get(pk=self.position.pk).person_id, self.kept.pk)
        self.kept.refresh_from_db()
        self.assertEqual(self.kept.phone, "0912345678")
        self.assertEqual(self.kept.occupation, "Kỹ sư")
        self.assertEqual(self.kept.email, "an@example.org")
        self.assertEqual(self.kept.consent_state, ConsentState.GIVEN)
        self.assertEqual(set(self.kept.nationalities.all()), {self.laos, self.cuba})
        merged = Person.all_objects.get(pk=self.merged.pk)
        self.assertIsNotNone(merged.deleted_at)
        self.assertEqual(merged.merged_into, self.kept)
        self.assertEqual(
            merge.moved["network.Membership.person"], sorted(m.pk for m in self.memberships)
        )
        self.assertEqual(merge.moved["people.Consent.person"], [self.consent.pk])
        self.assertEqual(merge.moved["network.Position.person"], [self.position.pk])
        self.assertEqual(
            merge.filled,
            {
                "phone": "0912345678",
                "email": "an@example.org",
                "occupation": "Kỹ sư",
                "nationalities": [self.cuba.pk],
            },
        )
        self.assertEqual(merge.merged_by, self.editor)
        actions = set(
            ModelLogEntry.objects.filter(object_id=str(self.kept.pk)).values_list(
                "action", flat=True
            )
        )
        self.assertIn(services.MERGE, actions)
        self.assertTrue(
            ModelLogEntry.objects.filter(
                object_id=str(self.merged.pk), action=services.MERGE, user=self.editor
            ).exists()
        )

    def test_undo_restores_exactly(self):
        merge = self.merge()
        # after the merge, a new membership of the kept record must stay with it
        later = make_membership(self.association.organization, person=self.kept)
        services.person_merge_undo(actor=self.editor, merge=merge)
        self.assertEqual(
            set(Membership.objects.filter(person=self.merged).values_list("pk", flat=True)),
            {m.pk for m in self.memberships},
        )
        self.assertEqual(
            set(Membership.objects.filter(person=self.kept).values_list("pk", flat=True)),
            {self.own_membership.pk, later.pk},
        )
        self.assertEqual(Consent.objects.get(pk=self.consent.pk).person_id, self.merged.pk)
        self.assertEqual(Position.objects.get(pk=self.position.pk).person_id, self.merged.pk)
        kept = Person.objects.get(pk=self.kept.pk)
        self.assertEqual((kept.phone, kept.email, kept.occupation), ("", "", ""))
        self.assertEqual(kept.consent_state, ConsentState.NONE)
        self.assertEqual(list(kept.nationalities.all()), [self.laos])
        merged = Person.objects.get(pk=self.merged.pk)
        self.assertIsNone(merged.merged_into)
        self.assertEqual(merged.consent_state, ConsentState.GIVEN)
        merge.refresh_from_db()
        self.assertIsNotNone(merge.undone_at)
        with self.assertRaises(ValidationError):
            services.person_merge_undo(actor=self.editor, merge=merge)

    def test_personal_fields_not_filled_without_permission(self):
        editor = UserFactory(username="merge_editor_np")
        make_role(editor, self.province, RoleKind.EDITOR)
        merge = services.person_merge(actor=editor, kept=self.kept, merged=self.merged)
        self.kept.refresh_from_db()
        self.assertEqual((self.kept.phone, self.kept.email), ("", ""))
        self.assertEqual(self.kept.occupation, "Kỹ sư")
        self.assertNotIn("phone", merge.filled)

    def test_refused_outside_scope_or_twice(self):
        outsider = UserFactory(username="merge_outsider")
        make_role(outsider, self.other, RoleKind.EDITOR)
        with self.assertRaises(PermissionDenied):
            services.person_merge(actor=outsider, kept=self.kept, merged=self.merged)
        viewer = UserFactory(username="merge_viewer")
        make_role(viewer, self.province, RoleKind.VIEWER)
        with self.assertRaises(PermissionDenied):
            services.person_merge(actor=viewer, kept=self.kept, merged=self.merged)
        self.assertFalse(PersonMerge.objects.exists())
        with self.assertRaises(ValidationError):
            services.person_merge(actor=self.editor, kept=self.kept, merged=self.kept)


class ConsentWithdrawTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_org(national_root(), code="cw_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="cw_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR)

    def test_withdraw_flags_the_person(self):
        consent = ConsentFactory(person=PersonFactory(organization=self.province))
        services.consent_withdraw(
            actor=self.editor, consent=consent, on=D(2025, 9, 1), note="Thư ngày 01/9"
        )
        consent.person.refresh_from_db()
        self.assertEqual(consent.person.consent_state, ConsentState.WITHDRAWN)
        self.assertTrue(consent.person.processing_restricted)
        with self.assertRaises(ValidationError):
            services.consent_withdraw(actor=self.editor, consent=consent, on=D(2025, 9, 2))

    def test_withdrawal_before_consent_is_refused(self):
        consent = ConsentFactory(person=PersonFactory(organization=self.province))
        with self.assertRaises(ValidationError):
            services.consent_withdraw(actor=self.editor, consent=consent, on=D(2020, 1, 1))
        consent.refresh_from_db()
        self.assertIsNone(consent.withdrawn_on)
