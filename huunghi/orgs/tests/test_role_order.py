import csv
import io

from django.test import TestCase
from django.urls import reverse

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Role
from huunghi.orgs.tests.factories import UserFactory, make_org, national_root


class RoleListOrderTests(TestCase):
    """People are listed the Vietnamese way: by given name, then middle and family name,
    in Vietnamese letter order — on screen and in the export, on SQLite and PostgreSQL."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_org(national_root(), code="order_p", kind=OrgKind.PROVINCIAL_UNION)
        cls.admin = UserFactory(username="order_admin", first_name="Ý", last_name="Phan Thị")
        Role.objects.create(user=cls.admin, organization=cls.province, role=RoleKind.ADMIN)
        for username, given, family in [
            ("u_binh", "Bình", "Trần Văn"),
            ("u_anh", "Ánh", "Đỗ Thị"),
            ("u_an2", "An", "Nguyễn Thị"),
            ("u_an1", "An", "Lê Văn"),
            ("u_dung", "Dũng", "Hoàng Văn"),
            ("u_dao", "Đào", "Vũ Thị"),
        ]:
            user = UserFactory(username=username, first_name=given, last_name=family)
            Role.objects.create(user=user, organization=cls.province, role=RoleKind.VIEWER)

    def test_roles_list_and_export_in_vietnamese_order(self):
        # An Thị Nguyễn before An Văn Lê: the middle name decides before the family name.
        expected = ["u_an2", "u_an1", "u_anh", "u_binh", "u_dung", "u_dao", "order_admin"]
        self.client.force_login(self.admin)
        response = self.client.get(reverse("roles:index"))
        self.assertEqual([r.user.username for r in response.context["object_list"]], expected)
        export = self.client.get(reverse("roles:index"), {"export": "csv"})
        rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
        self.assertEqual(
            [row[0] for row in rows[1:]],
            [str(Role.objects.get(user__username=u).user) for u in expected],
        )

    def test_users_list_in_vietnamese_order_by_default(self):
        national_admin = UserFactory(username="order_nat", first_name="Zô", last_name="Tạ")
        Role.objects.create(user=national_admin, organization=national_root(), role=RoleKind.ADMIN)
        self.client.force_login(national_admin)
        response = self.client.get(reverse("wagtailusers_users:index"))
        self.assertEqual(response.status_code, 200)
        names = [u.username for u in response.context["object_list"]]
        expected = ["u_an2", "u_an1", "u_anh", "u_binh", "u_dung", "u_dao", "order_admin"]
        self.assertEqual([n for n in names if n in expected], expected)
        reverse_order = self.client.get(reverse("wagtailusers_users:index"), {"ordering": "-name"})
        reversed_names = [u.username for u in reverse_order.context["object_list"]]
        self.assertEqual([n for n in reversed_names if n in expected], expected[::-1])

    def test_renaming_a_user_moves_their_roles(self):
        user = Role.objects.get(user__username="u_binh").user
        user.first_name = "A"
        user.save()
        self.client.force_login(self.admin)
        response = self.client.get(reverse("roles:index"))
        names = [r.user.username for r in response.context["object_list"]]
        self.assertLess(names.index("u_binh"), names.index("u_anh"))
