"""Writes on roles and users: granting stays inside the actor's subtree; invitations."""

import re
from urllib.parse import urlparse

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.utils import translation
from wagtail.models import ModelLogEntry

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action, OrgKind, RoleKind
from huunghi.orgs.models import Organization, Role
from huunghi.orgs.services import role_grant, user_invite
from huunghi.orgs.tests.factories import UserFactory, make_org, make_role, national_root

User = get_user_model()


class OrgsMixin:
    @classmethod
    def setUpTestData(cls):
        cls.vufo = national_root()
        cls.prov_a = make_org(cls.vufo, code="prov_a", name_vi="Liên hiệp tỉnh A")
        cls.assoc_a1 = make_org(cls.prov_a, code="assoc_a1", kind=OrgKind.ASSOCIATION)
        cls.prov_b = make_org(cls.vufo, code="prov_b", name_vi="Liên hiệp tỉnh B")
        cls.admin_a = UserFactory(username="admin_a", first_name="Lan", last_name="Nguyễn Thị")
        make_role(cls.admin_a, cls.prov_a, RoleKind.ADMIN, personal_data=True)
        cls.editor_a = UserFactory(username="editor_a")
        make_role(cls.editor_a, cls.prov_a, RoleKind.EDITOR)
        cls.national_admin = UserFactory(username="national_admin")
        make_role(cls.national_admin, cls.vufo, RoleKind.ADMIN)

    def role_log_count(self):
        return ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Role)
        ).count()


class RoleGrantTests(OrgsMixin, TestCase):
    def test_an_administrator_grants_a_role_inside_their_subtree(self):
        newcomer = UserFactory()
        grant = role_grant(
            actor=self.admin_a, user=newcomer, organization=self.assoc_a1, role=RoleKind.EDITOR
        )
        assert Role.objects.get(pk=grant.pk).organization == self.assoc_a1
        assert set(
            Organization.objects.visible_to(newcomer, Action.CHANGE).values_list("code", flat=True)
        ) == {"assoc_a1"}
        [entry] = ModelLogEntry.objects.for_instance(grant)
        assert (entry.action, entry.user) == ("huunghi.create", self.admin_a)

    def test_the_grantee_sees_the_new_role_at_once(self):
        newcomer = UserFactory()
        assert not visibility.has_any(newcomer)  # caches "no roles" on the user object
        role_grant(actor=self.admin_a, user=newcomer, organization=self.prov_a, role="viewer")
        assert visibility.has_any(newcomer)

    def test_granting_outside_the_actors_subtree_is_refused_and_writes_nothing(self):
        newcomer = UserFactory()
        roles, logs = Role.all_objects.count(), self.role_log_count()
        for organization in (self.prov_b, self.vufo):
            with self.subTest(organization=organization.code):
                with self.assertRaises(PermissionDenied):
                    role_grant(
                        actor=self.admin_a,
                        user=newcomer,
                        organization=organization,
                        role=RoleKind.ADMIN,
                    )
                assert Role.all_objects.count() == roles
                assert self.role_log_count() == logs
                assert not visibility.has_any(User.objects.get(pk=newcomer.pk))

    def test_an_editor_may_not_grant_roles_even_in_their_own_subtree(self):
        newcomer = UserFactory()
        roles = Role.all_objects.count()
        with self.assertRaises(PermissionDenied):
            role_grant(
                actor=self.editor_a, user=newcomer, organization=self.assoc_a1, role="viewer"
            )
        assert Role.all_objects.count() == roles

    def test_a_national_administrator_grants_anywhere(self):
        newcomer = UserFactory()
        role_grant(
            actor=self.national_admin, user=newcomer, organization=self.prov_b, role="approver"
        )
        assert Role.objects.filter(user=newcomer, organization=self.prov_b).exists()


class UserInviteTests(OrgsMixin, TestCase):
    def invite(self, **overrides):
        fields = {
            "actor": self.admin_a,
            "email": "tran.van.binh@example.org",
            "first_name": "Bình",
            "last_name": "Trần Văn",
            "organization": self.assoc_a1,
            "role": RoleKind.EDITOR,
        }
        fields.update(overrides)
        with self.captureOnCommitCallbacks(execute=True):
            return user_invite(**fields)

    def test_creates_the_user_with_no_password_and_the_role(self):
        user = self.invite(personal_data=True)
        user = User.objects.get(pk=user.pk)
        assert (user.username, user.email) == (
            "tran.van.binh@example.org",
            "tran.van.binh@example.org",
        )
        assert (user.first_name, user.last_name) == ("Bình", "Trần Văn")
        assert not user.has_usable_password()
        [role] = Role.objects.filter(user=user)
        assert (role.organization, role.role, role.personal_data) == (
            self.assoc_a1,
            RoleKind.EDITOR,
            True,
        )

    def test_sends_one_email_with_a_link_that_sets_the_password(self):
        user = self.invite()
        [message] = mail.outbox
        assert message.to == ["tran.van.binh@example.org"]
        assert self.assoc_a1.name_vi in message.body
        links = re.findall(r"https?://\S+", message.body)
        assert len(links) == 1
        path = urlparse(links[0]).path

        response = self.client.get(path, follow=True)
        assert response.status_code == 200
        set_password_url = response.redirect_chain[-1][0]
        response = self.client.post(
            set_password_url,
            {"new_password1": "Mat-khau-moi-2026!", "new_password2": "Mat-khau-moi-2026!"},
        )
        assert response.status_code == 302
        assert User.objects.get(pk=user.pk).check_password("Mat-khau-moi-2026!")
        assert self.client.login(username=user.username, password="Mat-khau-moi-2026!")

    def test_the_email_goes_only_after_the_transaction_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            user_invite(
                actor=self.admin_a,
                email="x@example.org",
                first_name="X",
                last_name="Y",
                organization=self.prov_a,
                role=RoleKind.VIEWER,
            )
        assert mail.outbox == []
        assert len(callbacks) == 1

    def test_the_email_in_english_when_english_is_active(self):
        with translation.override("en"):
            self.invite()
        [message] = mail.outbox
        assert message.subject == "Invitation to Hữu Nghị"
        assert "Lan Nguyễn Thị has invited you" in message.body
        assert f"as Editor of {self.assoc_a1.name_vi}." in message.body

    def test_the_email_is_in_vietnamese_by_default(self):
        self.invite()
        [message] = mail.outbox
        assert translation.get_language() == "vi"
        english_subject = "Invitation to Hữu Nghị"
        assert message.subject != english_subject
        assert message.subject == translation.gettext(english_subject)
        assert "has invited you" not in message.body
        assert "mật khẩu" in message.body.lower()

    def test_inviting_into_another_province_is_refused_and_creates_nothing(self):
        users = User.objects.count()
        with self.assertRaises(PermissionDenied):
            self.invite(organization=self.prov_b)
        assert User.objects.count() == users
        assert not User.objects.filter(email="tran.van.binh@example.org").exists()
        assert mail.outbox == []
