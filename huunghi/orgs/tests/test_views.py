"""The custom admin views (trash, restore, private downloads, invitations) and the stale-edit
check of the organisation edit form, through the Django test client."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from huunghi.core.exceptions import StaleEditError
from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Attachment, Organization, Role
from huunghi.orgs.tests.factories import (
    TemporaryStorageMixin,
    UserFactory,
    make_attachment,
    make_org,
    make_role,
    national_root,
)

User = get_user_model()


class TwoProvincesMixin(TemporaryStorageMixin):
    @classmethod
    def setUpTestData(cls):
        cls.vufo = national_root()
        cls.prov_a = make_org(cls.vufo, code="prov_a", name_vi="Liên hiệp tỉnh A")
        cls.assoc_a1 = make_org(
            cls.prov_a, code="assoc_a1", kind=OrgKind.ASSOCIATION, name_vi="Hội A1"
        )
        cls.prov_b = make_org(cls.vufo, code="prov_b", name_vi="Liên hiệp tỉnh B")
        cls.users = {}
        for org in (cls.prov_a, cls.prov_b):
            for kind in RoleKind.values:
                user = UserFactory(username=f"{kind}_{org.code}")
                make_role(user, org, kind)
                cls.users[org.code, kind] = user

    def login(self, org_code, kind):
        user = self.users[org_code, kind]
        self.client.force_login(user)
        return user


class TrashViewTests(TwoProvincesMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.kept_a = make_attachment(cls.prov_a, title="Kế hoạch còn dùng A")
        cls.deleted_a = make_attachment(cls.prov_a, title="Biên bản đã xoá A")
        cls.deleted_a.delete()
        cls.deleted_b = make_attachment(cls.prov_b, title="Biên bản đã xoá B")
        cls.deleted_b.delete()
        cls.chapter_a = make_org(cls.assoc_a1, code="chapter_a", kind=OrgKind.CHAPTER)
        cls.chapter_a.name_vi = "Chi hội đã giải thể A"
        cls.chapter_a.save()
        cls.chapter_a.delete()

    def test_lists_only_the_deleted_rows_of_the_users_subtree(self):
        self.login("prov_a", RoleKind.EDITOR)
        response = self.client.get(reverse("orgs_trash:index"))
        assert response.status_code == 200
        self.assertContains(response, "Biên bản đã xoá A")
        self.assertContains(response, "Chi hội đã giải thể A")
        self.assertNotContains(response, "Biên bản đã xoá B")
        self.assertNotContains(response, "Kế hoạch còn dùng A")
        self.assertContains(
            response,
            reverse("orgs_trash:restore", args=["orgs", "attachment", self.deleted_a.pk]),
        )

    def test_a_viewer_has_nothing_in_the_trash(self):
        self.login("prov_a", RoleKind.VIEWER)
        response = self.client.get(reverse("orgs_trash:index"))
        assert response.status_code == 200
        self.assertNotContains(response, "Biên bản đã xoá A")
        self.assertNotContains(response, "Biên bản đã xoá B")

    def test_restore_of_another_provinces_row_answers_404_and_leaves_it_in_the_trash(self):
        self.login("prov_a", RoleKind.ADMIN)
        url = reverse("orgs_trash:restore", args=["orgs", "attachment", self.deleted_b.pk])
        response = self.client.post(url)
        assert response.status_code == 404
        assert Attachment.all_objects.get(pk=self.deleted_b.pk).is_deleted
        self.client.force_login(self.users["prov_b", RoleKind.EDITOR])
        response = self.client.get(reverse("orgs_trash:index"))
        self.assertContains(response, "Biên bản đã xoá B")

    def test_a_viewer_cannot_restore_even_in_their_own_province(self):
        self.login("prov_a", RoleKind.VIEWER)
        url = reverse("orgs_trash:restore", args=["orgs", "attachment", self.deleted_a.pk])
        assert self.client.post(url).status_code == 404
        assert Attachment.all_objects.get(pk=self.deleted_a.pk).is_deleted

    def test_restore_brings_the_row_back_and_logs_who_did_it(self):
        editor = self.login("prov_a", RoleKind.EDITOR)
        url = reverse("orgs_trash:restore", args=["orgs", "attachment", self.deleted_a.pk])
        response = self.client.post(url)
        self.assertRedirects(response, reverse("orgs_trash:index"))
        restored = Attachment.objects.get(pk=self.deleted_a.pk)
        assert not restored.is_deleted
        entry = ModelLogEntry.objects.for_instance(restored).latest("timestamp")
        assert (entry.action, entry.user) == ("huunghi.restore", editor)
        response = self.client.get(reverse("orgs_trash:index"))
        self.assertNotContains(response, "Biên bản đã xoá A")

    def test_restore_needs_a_post(self):
        self.login("prov_a", RoleKind.EDITOR)
        url = reverse("orgs_trash:restore", args=["orgs", "attachment", self.deleted_a.pk])
        assert self.client.get(url).status_code == 405
        assert Attachment.all_objects.get(pk=self.deleted_a.pk).is_deleted

    def test_restore_of_a_row_not_in_the_trash_or_of_an_unknown_model_answers_404(self):
        self.login("prov_a", RoleKind.EDITOR)
        alive = reverse("orgs_trash:restore", args=["orgs", "attachment", self.kept_a.pk])
        assert self.client.post(alive).status_code == 404
        unknown = reverse("orgs_trash:restore", args=["auth", "user", self.kept_a.pk])
        assert self.client.post(unknown).status_code == 404

    def test_restoring_a_role_granted_again_meanwhile_explains_instead_of_failing(self):
        member = UserFactory(username="member")
        old = make_role(member, self.assoc_a1, RoleKind.VIEWER)
        old.delete()
        make_role(member, self.assoc_a1, RoleKind.VIEWER)
        self.login("prov_a", RoleKind.ADMIN)
        response = self.client.post(
            reverse("orgs_trash:restore", args=["orgs", "role", old.pk]), follow=True
        )
        assert response.status_code == 200
        assert Role.all_objects.get(pk=old.pk).is_deleted
        assert Role.objects.filter(user=member).count() == 1


class AttachmentDownloadTests(TwoProvincesMixin, TestCase):
    DATA = b"%PDF-1.4\n% bi\xc3\xaan b\xe1\xba\xa3n h\xe1\xbb\x8dp\n"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.attachment = make_attachment(
            cls.assoc_a1, title="Biên bản họp", data=cls.DATA, filename="bien-ban-hop.pdf"
        )

    def url(self, attachment=None):
        return reverse("orgs_attachment_download", args=[(attachment or self.attachment).pk])

    def test_served_to_a_viewer_of_province_a_with_the_file_bytes(self):
        self.login("prov_a", RoleKind.VIEWER)
        response = self.client.get(self.url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == self.DATA
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="bien-ban-hop.pdf"'

    def test_404_for_every_user_of_province_b(self):
        for kind in RoleKind.values:
            with self.subTest(role=kind):
                self.login("prov_b", kind)
                assert self.client.get(self.url()).status_code == 404

    def test_not_served_without_signing_in_or_without_a_role(self):
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert reverse("wagtailadmin_login") in response["Location"]
        self.client.force_login(UserFactory())
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert not hasattr(response, "streaming_content")

    def test_404_once_in_the_trash(self):
        self.login("prov_a", RoleKind.VIEWER)
        Attachment.objects.get(pk=self.attachment.pk).delete()
        assert self.client.get(self.url()).status_code == 404

    def test_the_file_is_never_under_media_root(self):
        stored = Path(self.attachment.file.path).resolve()
        media_root = Path(settings.MEDIA_ROOT).resolve()
        assert stored.read_bytes() == self.DATA
        assert stored.is_relative_to(self.private_root.resolve())
        assert not stored.is_relative_to(media_root)
        assert not any(p.is_file() for p in media_root.rglob("*"))


class PrivateStorageSettingsTests(TestCase):
    """The real configuration (no temporary folders): attachments are stored outside
    MEDIA_ROOT, where no web server serves them."""

    def test_the_private_storage_is_outside_media_root(self):
        storage = Attachment._meta.get_field("file").storage
        location = Path(storage.location).resolve()
        assert location == Path(settings.PRIVATE_STORAGE_ROOT).resolve()
        assert not location.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert not Path(settings.MEDIA_ROOT).resolve().is_relative_to(location)


class InviteViewTests(TwoProvincesMixin, TestCase):
    def post_data(self, **overrides):
        data = {
            "email": "Le.Thi.Hoa@Example.org",
            "first_name": "Hoa",
            "last_name": "Lê Thị",
            "organization": self.assoc_a1.pk,
            "role": RoleKind.VIEWER,
        }
        data.update(overrides)
        return data

    def test_404_for_everyone_but_administrators(self):
        for kind in (RoleKind.VIEWER, RoleKind.EDITOR, RoleKind.APPROVER):
            with self.subTest(role=kind):
                self.login("prov_a", kind)
                assert self.client.get(reverse("orgs_invite")).status_code == 404
                response = self.client.post(reverse("orgs_invite"), self.post_data())
                assert response.status_code == 404
        assert not User.objects.filter(email__iexact="le.thi.hoa@example.org").exists()
        assert mail.outbox == []

    def test_an_administrator_invites_into_their_subtree(self):
        self.login("prov_a", RoleKind.ADMIN)
        response = self.client.get(reverse("orgs_invite"))
        assert response.status_code == 200
        self.assertContains(response, "Hội A1")
        self.assertNotContains(response, "Liên hiệp tỉnh B")

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("orgs_invite"), self.post_data())
        self.assertRedirects(response, reverse("orgs_invite"))
        user = User.objects.get(email="le.thi.hoa@example.org")
        assert Role.objects.filter(user=user, organization=self.assoc_a1, role="viewer").exists()
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["le.thi.hoa@example.org"]

    def test_an_organisation_outside_the_subtree_is_not_a_choice(self):
        self.login("prov_a", RoleKind.ADMIN)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("orgs_invite"), self.post_data(organization=self.prov_b.pk)
            )
        assert response.status_code == 200
        assert response.context["form"].errors["organization"]
        assert not User.objects.filter(email="le.thi.hoa@example.org").exists()
        assert mail.outbox == []

    def test_an_existing_email_is_refused(self):
        UserFactory(username="hoa", email="le.thi.hoa@example.org")
        self.login("prov_a", RoleKind.ADMIN)
        response = self.client.post(reverse("orgs_invite"), self.post_data())
        assert response.status_code == 200
        assert response.context["form"].errors["email"]
        assert User.objects.filter(email__iexact="le.thi.hoa@example.org").count() == 1


class OrganizationEditTests(TwoProvincesMixin, TestCase):
    def form_data(self, org, **overrides):
        data = {
            "code": org.code,
            "kind": org.kind,
            "name_vi": org.name_vi,
            "name_en": org.name_en,
            "short_name_vi": org.short_name_vi,
            "valid_from": "",
            "valid_to": "",
            "unit": "",
            "is_confirmed": "on",
            "note": org.note,
            "loaded_version": org.version,
        }
        data.update(overrides)
        return data

    def url(self, org):
        return reverse("organizations:edit", args=[org.pk])

    def test_the_form_carries_the_version_it_was_loaded_at(self):
        self.login("prov_a", RoleKind.EDITOR)
        response = self.client.get(self.url(self.assoc_a1))
        assert response.status_code == 200
        assert response.context["form"]["loaded_version"].value() == 1

    def test_a_stale_edit_shows_the_vietnamese_message_and_saves_nothing(self):
        self.login("prov_a", RoleKind.EDITOR)
        loaded = Organization.objects.get(pk=self.assoc_a1.pk)
        # a colleague saves the association after the form was opened
        theirs = Organization.objects.get(pk=self.assoc_a1.pk)
        theirs.note = "Đã cập nhật bởi đồng nghiệp"
        theirs.save()

        response = self.client.post(
            self.url(loaded), self.form_data(loaded, name_vi="Tên của tôi", note="")
        )
        assert response.status_code == 200
        with translation.override("vi"):
            message = str(StaleEditError().messages[0])
        with translation.override("en"):
            english = str(StaleEditError().messages[0])
        assert message != english, "the stale-edit message has no Vietnamese translation"
        self.assertContains(response, escape(message))
        row = Organization.objects.get(pk=self.assoc_a1.pk)
        assert (row.name_vi, row.note, row.version) == ("Hội A1", "Đã cập nhật bởi đồng nghiệp", 2)

    def test_an_up_to_date_edit_is_saved_and_logged(self):
        editor = self.login("prov_a", RoleKind.EDITOR)
        org = Organization.objects.get(pk=self.assoc_a1.pk)
        response = self.client.post(self.url(org), self.form_data(org, name_vi="Hội A1 mới"))
        assert response.status_code == 302
        row = Organization.objects.get(pk=org.pk)
        assert (row.name_vi, row.version) == ("Hội A1 mới", 2)
        entries = ModelLogEntry.objects.for_instance(row).filter(action="huunghi.edit")
        assert [(e.user, e.data["changes"]) for e in entries] == [
            (editor, {"name_vi": ["Hội A1", "Hội A1 mới"]})
        ]
        # the admin view does not log the same save a second time
        assert not ModelLogEntry.objects.for_instance(row).filter(action="wagtail.edit")

    def test_another_provinces_organisation_answers_404(self):
        self.login("prov_b", RoleKind.ADMIN)
        org = Organization.objects.get(pk=self.assoc_a1.pk)
        assert self.client.get(self.url(org)).status_code == 404
        response = self.client.post(self.url(org), self.form_data(org, name_vi="Bị đổi"))
        assert response.status_code == 404
        assert Organization.objects.get(pk=org.pk).name_vi == "Hội A1"

    def test_a_viewer_cannot_save_an_edit(self):
        self.login("prov_a", RoleKind.VIEWER)
        org = Organization.objects.get(pk=self.assoc_a1.pk)
        response = self.client.post(self.url(org), self.form_data(org, name_vi="Bị đổi"))
        # Wagtail answers a refused action with a redirect to the dashboard and a message
        self.assertRedirects(response, reverse("wagtailadmin_home"), fetch_redirect_response=False)
        assert Organization.objects.get(pk=org.pk).name_vi == "Hội A1"


class OrganizationCreateTests(TestCase):
    """A new organisation goes under a parent the user may change, never elsewhere."""

    @classmethod
    def setUpTestData(cls):
        from huunghi.orgs.choices import OrgKind, RoleKind
        from huunghi.orgs.models import Role
        from huunghi.orgs.tests.factories import UserFactory, make_org, national_root

        root = national_root()
        cls.province = make_org(root, code="create_a", kind=OrgKind.PROVINCIAL_UNION)
        cls.other = make_org(root, code="create_b", kind=OrgKind.PROVINCIAL_UNION)
        cls.editor = UserFactory(username="create_editor")
        Role.objects.create(user=cls.editor, organization=cls.province, role=RoleKind.EDITOR)

    def post(self, parent, code):
        from django.urls import reverse

        self.client.force_login(self.editor)
        return self.client.post(
            reverse("organizations:add"),
            {
                "parent": parent.pk,
                "code": code,
                "kind": "association",
                "name_vi": "Hội hữu nghị Việt Nam – Lào tỉnh A",
                "is_confirmed": "on",
            },
        )

    def test_created_under_the_chosen_parent_and_logged(self):
        from wagtail.models import ModelLogEntry

        from huunghi.orgs.models import Organization

        response = self.post(self.province, "Hoi_Viet_Lao_A")
        self.assertEqual(response.status_code, 302)
        created = Organization.objects.get(code="hoi_viet_lao_a")
        self.assertEqual(created.get_parent().pk, self.province.pk)
        entry = ModelLogEntry.objects.filter(object_id=str(created.pk)).get()
        self.assertEqual(entry.action, "huunghi.create")
        self.assertEqual(entry.user, self.editor)

    def test_a_parent_outside_the_users_subtree_is_refused(self):
        from huunghi.orgs.models import Organization

        response = self.post(self.other, "hoi_lac_cho")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["parent"])
        self.assertFalse(Organization.objects.filter(code="hoi_lac_cho").exists())


class DashboardSearchTests(TestCase):
    """The dashboard's search box searches organisations, which every member of staff may do."""

    def test_search_box_leads_to_the_organisations_found(self):
        from django.urls import reverse

        from huunghi.orgs.choices import OrgKind, RoleKind
        from huunghi.orgs.models import Role
        from huunghi.orgs.tests.factories import UserFactory, make_org, national_root

        province = make_org(
            national_root(),
            code="search_dt",
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
        )
        user = UserFactory(username="search_viewer")
        Role.objects.create(user=user, organization=province, role=RoleKind.VIEWER)
        self.client.force_login(user)
        home = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(home, f'action="{reverse("organizations:index")}"')
        self.assertContains(home, "Tìm kiếm tổ chức…")
        found = self.client.get(reverse("organizations:index"), {"q": "dong thap"})
        self.assertEqual([o.pk for o in found.context["object_list"]], [province.pk])
