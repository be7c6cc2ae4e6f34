import datetime

from django.test import TestCase

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root
from huunghi.people import selectors
from huunghi.people.choices import ConsentPurpose
from huunghi.people.tests.factories import ConsentFactory, PersonFactory

D = datetime.date


def person(org, family, middle, given, **fields):
    fields.setdefault("date_of_birth", None)
    fields.setdefault("phone", "")
    return PersonFactory(
        organization=org, family_name=family, middle_name=middle, given_name=given, **fields
    )


class PersonDuplicateListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="dup_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.other = make_org(root, code="dup_b", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="dup_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR, personal_data=True)
        p = cls.province
        # same name ignoring diacritics, case and spacing, same date of birth
        cls.lan = person(p, "Nguyễn", "Thị", "Lan", date_of_birth=D(1970, 5, 1))
        cls.lan_twin = person(p, "NGUYEN", "thi", "  lan", date_of_birth=D(1970, 5, 1))
        # same name, same phone written differently
        cls.hung = person(p, "Trần", "Văn", "Hùng", phone="0912 345 678")
        cls.hung_twin = person(p, "Tran", "Van", "Hung", phone="+84 912-345-678")
        # same name, different date of birth and phone: not a duplicate
        cls.mai = person(p, "Lê", "Thị", "Mai", date_of_birth=D(1980, 1, 1), phone="0900000001")
        cls.mai_other = person(p, "Lê", "Thị", "Mai", date_of_birth=D(1981, 1, 1))
        # same date of birth, different name: not a duplicate
        cls.other_name = person(p, "Phạm", "Văn", "Nam", date_of_birth=D(1970, 5, 1))
        # a twin in another province: invisible to the editor
        cls.outside = person(cls.other, "Nguyễn", "Thị", "Lan", date_of_birth=D(1970, 5, 1))

    def groups(self, user):
        return [{p.pk for p in g.persons} for g in selectors.person_duplicate_list(user)]

    def test_finds_same_name_with_same_date_of_birth_or_phone(self):
        groups = self.groups(self.editor)
        self.assertCountEqual(
            groups, [{self.lan.pk, self.lan_twin.pk}, {self.hung.pk, self.hung_twin.pk}]
        )
        by_first = {g.persons[0].pk: g for g in selectors.person_duplicate_list(self.editor)}
        self.assertTrue(by_first[self.lan.pk].same_date_of_birth)
        self.assertTrue(by_first[self.hung.pk].same_phone)

    def test_national_user_sees_groups_across_provinces(self):
        admin = UserFactory(username="dup_national")
        make_role(admin, national_root(), RoleKind.VIEWER, personal_data=True)
        self.assertIn({self.lan.pk, self.lan_twin.pk, self.outside.pk}, self.groups(admin))

    def test_nothing_compared_without_the_personal_data_permission(self):
        # Twins are found by date of birth and phone: a user who may not see those sees no
        # group, not even the fact that two records share them.
        viewer = UserFactory(username="dup_no_personal")
        make_role(viewer, self.province, RoleKind.EDITOR)
        self.assertEqual(self.groups(viewer), [])

    def test_merged_persons_are_left_out(self):
        self.lan_twin.merged_into = self.lan
        self.lan_twin.save()
        self.assertEqual(self.groups(self.editor), [{self.hung.pk, self.hung_twin.pk}])

    def test_one_query(self):
        editor = UserFactory(username="dup_q")
        make_role(editor, self.province, RoleKind.EDITOR, personal_data=True)
        with self.assertNumQueries(2):  # the user's roles, then the persons with a twin
            selectors.person_duplicate_list(editor)

    def test_match_list_for_a_new_person(self):
        matches = selectors.person_match_list(
            self.editor,
            family_name="nguyen",
            middle_name="THI",
            given_name="Lan",
            date_of_birth=D(1970, 5, 1),
        )
        self.assertCountEqual(matches, [self.lan, self.lan_twin])
        none = selectors.person_match_list(
            self.editor, family_name="Nguyễn", middle_name="Thị", given_name="Lan"
        )
        self.assertFalse(none.exists())


class PersonMailingListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="mail_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="mail_editor")
        make_role(cls.editor, cls.province, RoleKind.EDITOR)
        cls.willing = PersonFactory(organization=cls.province)
        ConsentFactory(
            person=cls.willing,
            purposes=[ConsentPurpose.MEMBERSHIP, ConsentPurpose.COMMUNICATION],
        )
        cls.membership_only = PersonFactory(organization=cls.province)
        ConsentFactory(person=cls.membership_only, purposes=[ConsentPurpose.MEMBERSHIP])
        cls.withdrawn = PersonFactory(organization=cls.province)
        ConsentFactory(
            person=cls.withdrawn,
            purposes=[ConsentPurpose.COMMUNICATION],
            withdrawn_on=D(2025, 6, 1),
        )
        cls.no_consent = PersonFactory(organization=cls.province)
        cls.outside = PersonFactory(organization=make_org(root, code="mail_b"))
        ConsentFactory(person=cls.outside, purposes=[ConsentPurpose.COMMUNICATION])

    def test_only_persons_with_communication_consent_in_force(self):
        self.assertEqual(list(selectors.person_mailing_list(self.editor)), [self.willing])

    def test_membership_purpose(self):
        listed = selectors.person_mailing_list(self.editor, purpose=ConsentPurpose.MEMBERSHIP)
        self.assertCountEqual(listed, [self.willing, self.membership_only])
