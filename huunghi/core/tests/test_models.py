"""What every record inherits from BaseModel: history, edit conflicts, trash and search.

Organization and Attachment stand in for every domain model.
"""

from django.db import transaction
from django.test import TestCase
from wagtail.models import ModelLogEntry

from huunghi.core import audit
from huunghi.core.audit import acting_as
from huunghi.core.exceptions import StaleEditError
from huunghi.orgs.choices import RoleKind
from huunghi.orgs.models import Attachment, Organization
from huunghi.orgs.tests.factories import (
    UserFactory,
    make_attachment,
    make_org,
    make_role,
    national_root,
    temporary_storage,
)


def stale_save(test, obj):
    """Save ``obj`` expecting a refusal. The save runs in its own atomic block, as every
    caller that goes on after a refusal must (like an IntegrityError, it spoils the block)."""
    with test.assertRaises(StaleEditError), transaction.atomic():
        obj.save()


def entries(instance, action=None):
    qs = ModelLogEntry.objects.for_instance(instance).order_by("timestamp", "pk")
    return qs.filter(action=action) if action else qs


class AuditLogTests(TestCase):
    """Every create, edit, delete and restore says who did it and, for edits, what changed."""

    @classmethod
    def setUpTestData(cls):
        cls.root = national_root()
        cls.alice = UserFactory(username="alice")

    def test_create_is_logged_with_the_acting_user_and_the_initial_values(self):
        with acting_as(self.alice):
            org = make_org(self.root, code="hh_lao", name_vi="Hội hữu nghị Việt Nam – Lào")
        [entry] = entries(org)
        assert entry.action == audit.CREATE == "huunghi.create"
        assert entry.user == self.alice
        changes = entry.data["changes"]
        assert changes["code"] == [None, "hh_lao"]
        assert changes["name_vi"] == [None, "Hội hữu nghị Việt Nam – Lào"]
        # bookkeeping columns say nothing to a reader of the history
        assert not {"version", "updated_at", "created_at", "search_text"} & set(changes)

    def test_edit_is_logged_with_each_changed_field_before_and_after(self):
        org = make_org(self.root, name_vi="Tên cũ", note="")
        org = Organization.objects.get(pk=org.pk)
        org.name_vi = "Tên mới"
        org.note = "Đổi tên theo quyết định 12/QĐ"
        with acting_as(self.alice):
            org.save()
        [entry] = entries(org, audit.EDIT)
        assert entry.action == "huunghi.edit"
        assert entry.user == self.alice
        assert entry.data["changes"] == {
            "name_vi": ["Tên cũ", "Tên mới"],
            "note": ["", "Đổi tên theo quyết định 12/QĐ"],
        }

    def test_two_edits_of_one_copy_each_log_only_their_own_change(self):
        org = Organization.objects.get(pk=make_org(self.root, name_vi="Một").pk)
        with acting_as(self.alice):
            org.name_vi = "Hai"
            org.save()
            org.name_vi = "Ba"
            org.save()
        changes = [e.data["changes"] for e in entries(org, audit.EDIT)]
        assert changes == [{"name_vi": ["Một", "Hai"]}, {"name_vi": ["Hai", "Ba"]}]

    def test_a_save_that_changes_nothing_writes_no_edit_entry(self):
        org = Organization.objects.get(pk=make_org(self.root).pk)
        with acting_as(self.alice):
            org.save()
        assert not entries(org, audit.EDIT).exists()

    def test_foreign_keys_and_dates_are_logged_readably(self):
        import datetime

        org = Organization.objects.get(pk=make_org(self.root).pk)
        org.valid_to = datetime.date(2025, 6, 30)
        with acting_as(self.alice):
            org.save()
        [entry] = entries(org, audit.EDIT)
        assert entry.data["changes"] == {"valid_to": [None, "2025-06-30"]}

    def test_delete_and_restore_are_logged_with_the_user(self):
        org = make_org(self.root)
        bob = UserFactory(username="bob")
        with acting_as(self.alice):
            org.delete()
        with acting_as(bob):
            org.restore()
        actions = [(e.action, e.user) for e in entries(org)]
        assert actions == [
            ("huunghi.create", None),
            ("huunghi.delete", self.alice),
            ("huunghi.restore", bob),
        ]

    def test_the_deleting_user_is_kept_on_the_record_until_restored(self):
        org = make_org(self.root)
        with acting_as(self.alice):
            org.delete()
        org = Organization.all_objects.get(pk=org.pk)
        assert org.is_deleted
        assert org.deleted_by == self.alice
        org.restore()
        org = Organization.all_objects.get(pk=org.pk)
        assert not org.is_deleted
        assert org.deleted_by is None

    def test_writes_outside_acting_as_are_logged_without_a_user(self):
        org = Organization.objects.get(pk=make_org(self.root, name_vi="A").pk)
        org.name_vi = "B"
        org.save()
        [entry] = entries(org, audit.EDIT)
        assert entry.user is None

    def test_acting_as_ends_with_its_block(self):
        with acting_as(self.alice):
            assert audit.get_actor() == self.alice
        assert audit.get_actor() is None

    def test_the_history_message_names_the_changed_fields(self):
        org = Organization.objects.get(pk=make_org(self.root, name_vi="Tên cũ").pk)
        org.name_vi = "Tên mới"
        org.save()
        [entry] = entries(org, audit.EDIT)
        assert "Tên cũ → Tên mới" in entry.message


class OptimisticLockingTests(TestCase):
    """Two people editing one record: the second save is refused, not silently applied."""

    @classmethod
    def setUpTestData(cls):
        cls.root = national_root()
        cls.org = make_org(cls.root, name_vi="Ban đầu")

    def test_every_save_increments_the_version(self):
        org = Organization.objects.get(pk=self.org.pk)
        assert org.version == 1
        org.name_vi = "Lần hai"
        org.save()
        assert org.version == 2
        assert Organization.objects.get(pk=org.pk).version == 2

    def test_a_save_from_a_stale_copy_is_refused_and_changes_nothing(self):
        mine = Organization.objects.get(pk=self.org.pk)
        theirs = Organization.objects.get(pk=self.org.pk)
        theirs.name_vi = "Của người kia"
        theirs.save()

        mine.name_vi = "Của tôi"
        mine.note = "ghi chú của tôi"
        stale_save(self, mine)

        row = Organization.objects.get(pk=self.org.pk)
        assert row.name_vi == "Của người kia"
        assert row.note == ""
        assert row.version == 2
        # the refused copy keeps the version it was read at, so it stays stale
        assert mine.version == 1
        assert [e.data["changes"] for e in entries(row, audit.EDIT)] == [
            {"name_vi": ["Ban đầu", "Của người kia"]}
        ]

    def test_a_stale_copy_stays_refused_on_a_second_try(self):
        mine = Organization.objects.get(pk=self.org.pk)
        theirs = Organization.objects.get(pk=self.org.pk)
        theirs.name_vi = "Của người kia"
        theirs.save()
        mine.name_vi = "Của tôi"
        stale_save(self, mine)
        stale_save(self, mine)
        assert Organization.objects.get(pk=self.org.pk).name_vi == "Của người kia"

    def test_after_reloading_the_edit_succeeds(self):
        theirs = Organization.objects.get(pk=self.org.pk)
        theirs.name_vi = "Của người kia"
        theirs.save()
        mine = Organization.objects.get(pk=self.org.pk)
        mine.name_vi = "Của tôi"
        mine.save()
        assert Organization.objects.get(pk=self.org.pk).name_vi == "Của tôi"

    def test_stale_saves_of_org_owned_records_are_refused_too(self):
        with temporary_storage():
            attachment = make_attachment(self.org, title="Biên bản")
            mine = Attachment.objects.get(pk=attachment.pk)
            theirs = Attachment.objects.get(pk=attachment.pk)
            theirs.title = "Biên bản họp"
            theirs.save()
            mine.description = "mô tả"
            stale_save(self, mine)
            row = Attachment.objects.get(pk=attachment.pk)
        assert (row.title, row.description, row.version) == ("Biên bản họp", "", 2)

    def test_a_copy_read_before_a_delete_cannot_save_the_record_out_of_the_trash(self):
        mine = Organization.objects.get(pk=self.org.pk)
        Organization.objects.get(pk=self.org.pk).delete()
        mine.name_vi = "Của tôi"
        stale_save(self, mine)
        row = Organization.all_objects.get(pk=self.org.pk)
        assert row.is_deleted
        assert row.name_vi == "Ban đầu"

    def test_the_message_tells_the_user_to_reload(self):
        from django.utils import translation

        with translation.override("en"):
            message = StaleEditError().messages[0]
        assert "Someone else saved this record" in message
        assert "Reload the page" in message


class SoftDeleteTests(TestCase):
    """Deleting moves a record to the trash; restoring brings it back, unchanged."""

    @classmethod
    def setUpTestData(cls):
        cls.root = national_root()
        cls.province = make_org(cls.root, name_vi="Liên hiệp tỉnh A")
        cls.chapter = make_org(cls.province, name_vi="Chi hội A")
        cls.viewer = UserFactory()
        make_role(cls.viewer, cls.province, RoleKind.VIEWER)

    def setUp(self):
        self._storage = temporary_storage()
        self._storage.__enter__()
        self.addCleanup(self._storage.__exit__, None, None, None)
        self.attachment = make_attachment(self.province, title="Kế hoạch năm")

    def test_a_deleted_attachment_leaves_objects_and_visible_to(self):
        self.attachment.delete()
        assert not Attachment.objects.filter(pk=self.attachment.pk).exists()
        assert not Attachment.objects.visible_to(self.viewer).filter(pk=self.attachment.pk)
        # but it is not lost
        assert Attachment.all_objects.trashed().filter(pk=self.attachment.pk).exists()
        assert Attachment.all_objects.get(pk=self.attachment.pk).file.read() == b"%PDF-1.4 demo"

    def test_restore_brings_the_attachment_back(self):
        self.attachment.delete()
        Attachment.all_objects.get(pk=self.attachment.pk).restore()
        assert Attachment.objects.visible_to(self.viewer).filter(pk=self.attachment.pk).exists()
        assert Attachment.objects.get(pk=self.attachment.pk).title == "Kế hoạch năm"

    def test_a_deleted_organisation_leaves_visible_to_and_restore_brings_it_back(self):
        self.chapter.delete()
        assert not Organization.objects.visible_to(self.viewer).filter(pk=self.chapter.pk)
        assert Organization.all_objects.all().trashed().filter(pk=self.chapter.pk).exists()
        assert (
            Organization.objects.visible_to(self.viewer, include_deleted=True)
            .filter(pk=self.chapter.pk)
            .exists()
        )
        Organization.all_objects.get(pk=self.chapter.pk).restore()
        assert Organization.objects.visible_to(self.viewer).filter(pk=self.chapter.pk).exists()

    def test_a_bulk_delete_moves_every_row_to_the_trash(self):
        second = make_attachment(self.province, title="Báo cáo")
        Attachment.objects.filter(pk__in=[self.attachment.pk, second.pk]).delete()
        assert not Attachment.objects.filter(pk__in=[self.attachment.pk, second.pk]).exists()
        assert Attachment.all_objects.trashed().filter(pk__in=[self.attachment.pk, second.pk])
        assert entries(second, audit.DELETE).count() == 1

    def test_hard_delete_removes_the_row(self):
        self.attachment.hard_delete()
        assert not Attachment.all_objects.filter(pk=self.attachment.pk).exists()


class SearchTests(TestCase):
    """Search ignores diacritics, case and spacing, the same on SQLite and PostgreSQL."""

    @classmethod
    def setUpTestData(cls):
        cls.root = national_root()
        cls.dong_thap = make_org(
            cls.root,
            code="dong_thap",
            name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Tháp",
            name_en="Dong Thap Union of Friendship Organizations",
        )
        cls.dong_nai = make_org(
            cls.root, code="lhh_75", name_vi="Liên hiệp các tổ chức hữu nghị tỉnh Đồng Nai"
        )

    def found(self, query):
        return set(Organization.objects.search(query).values_list("code", flat=True))

    def test_search_matches_the_code_and_the_english_name(self):
        assert self.found("lhh_75") == {"lhh_75"}
        assert self.found("friendship organizations dong") == {"dong_thap"}

    def test_any_spelling_of_dong_thap_finds_it(self):
        for query in ("dong thap", "ĐỒNG THÁP", "Dong  Thap", "đồng tháp", "thap dong"):
            with self.subTest(query=query):
                assert self.found(query) == {"dong_thap"}

    def test_each_word_must_match(self):
        assert self.found("dong") == {"dong_thap", "lhh_75"}
        assert self.found("dong hue") == set()

    def test_search_follows_a_rename(self):
        org = Organization.objects.get(pk=self.dong_nai.pk)
        org.name_vi = "Liên hiệp các tổ chức hữu nghị tỉnh Bình Phước"
        org.save()
        assert self.found("binh phuoc") == {"lhh_75"}
        assert self.found("dong nai") == set()

    def test_search_combines_with_visibility(self):
        viewer = UserFactory()
        make_role(viewer, self.dong_nai, RoleKind.VIEWER)
        found = Organization.objects.visible_to(viewer).search("dong")
        assert list(found) == [self.dong_nai]
