from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Role
from huunghi.orgs.services import role_grant
from huunghi.orgs.tests.factories import UserFactory, make_org, national_root


class PersonalDataGrantTests(TestCase):
    """An administrator cannot hand out access to personal data they do not have."""

    @classmethod
    def setUpTestData(cls):
        root = national_root()
        cls.province = make_org(root, code="grant_p", kind=OrgKind.PROVINCIAL_UNION)
        cls.admin = UserFactory(username="grant_admin")
        Role.objects.create(user=cls.admin, organization=cls.province, role=RoleKind.ADMIN)
        cls.colleague = UserFactory(username="grant_colleague")
        Role.objects.create(user=cls.colleague, organization=cls.province, role=RoleKind.VIEWER)

    def test_service_refuses_and_writes_nothing(self):
        with self.assertRaises(PermissionDenied):
            role_grant(
                actor=self.admin,
                user=self.colleague,
                organization=self.province,
                role=RoleKind.EDITOR,
                personal_data=True,
            )
        self.assertFalse(Role.objects.filter(user=self.colleague, role=RoleKind.EDITOR).exists())

    def test_role_form_shows_the_reason_in_vietnamese(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("roles:add"),
            {
                "user": self.colleague.pk,
                "organization": self.province.pk,
                "role": RoleKind.EDITOR,
                "personal_data": "on",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Bạn chỉ có thể cấp quyền xem dữ liệu cá nhân")
        self.assertFalse(Role.objects.filter(user=self.colleague, role=RoleKind.EDITOR).exists())

    def test_without_personal_data_the_grant_goes_through(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("roles:add"),
            {"user": self.colleague.pk, "organization": self.province.pk, "role": RoleKind.EDITOR},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Role.objects.filter(user=self.colleague, role=RoleKind.EDITOR).exists())
