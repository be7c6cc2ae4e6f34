"""The one rule of visibility: which rows each role at each level may act on.

The tree::

    vufo (national union)
    ├── prov_a (provincial union A)
    │   ├── old_a   (closed 30/06/2025, continued by A: it sits under its successor)
    │   └── assoc_a1 (association)
    │       └── chapter_a1
    └── prov_b (provincial union B)
        └── assoc_b1
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import TestCase
from django.utils import timezone

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action, OrgKind, RoleKind
from huunghi.orgs.models import (
    Attachment,
    Cluster,
    ClusterCoordinator,
    ClusterMembership,
    Organization,
    Role,
    Succession,
)
from huunghi.orgs.selectors import cluster_member_figures
from huunghi.orgs.tests.factories import (
    TemporaryStorageMixin,
    UserFactory,
    make_attachment,
    make_org,
    make_role,
    national_root,
)

ALL = {"vufo", "prov_a", "old_a", "assoc_a1", "chapter_a1", "prov_b", "assoc_b1"}
SUBTREE = {
    "national": ALL,
    "provincial": {"prov_a", "old_a", "assoc_a1", "chapter_a1"},
    "association": {"assoc_a1", "chapter_a1"},
}
#: which roles may do each action (personal data also needs the role's flag)
ALLOWED = {
    Action.VIEW: {RoleKind.VIEWER, RoleKind.EDITOR, RoleKind.APPROVER, RoleKind.ADMIN},
    Action.CHANGE: {RoleKind.EDITOR, RoleKind.APPROVER, RoleKind.ADMIN},
    Action.DELETE: {RoleKind.EDITOR, RoleKind.APPROVER, RoleKind.ADMIN},
    Action.APPROVE: {RoleKind.APPROVER, RoleKind.ADMIN},
    Action.PERSONAL_DATA: set(),  # none of the matrix roles has the personal-data flag
    Action.MANAGE_ROLES: {RoleKind.ADMIN},
}
LEVELS = ("national", "provincial", "association")


def fresh(user):
    """The user as a new request would load it (no cached roles)."""
    return get_user_model().objects.get(pk=user.pk)


class TreeMixin(TemporaryStorageMixin):
    @classmethod
    def setUpTestData(cls):
        cls.vufo = national_root()
        cls.prov_a = make_org(cls.vufo, code="prov_a", name_vi="Liên hiệp tỉnh A")
        cls.old_a = make_org(
            cls.prov_a,
            code="old_a",
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi="Liên hiệp tỉnh cũ sáp nhập vào A",
            valid_to=datetime.date(2025, 6, 30),
        )
        Succession.objects.create(
            predecessor=cls.old_a, successor=cls.prov_a, date=datetime.date(2025, 7, 1)
        )
        cls.assoc_a1 = make_org(cls.prov_a, code="assoc_a1", kind=OrgKind.ASSOCIATION)
        cls.chapter_a1 = make_org(cls.assoc_a1, code="chapter_a1", kind=OrgKind.CHAPTER)
        cls.prov_b = make_org(cls.vufo, code="prov_b", name_vi="Liên hiệp tỉnh B")
        cls.assoc_b1 = make_org(cls.prov_b, code="assoc_b1", kind=OrgKind.ASSOCIATION)
        cls.orgs = {
            o.code: o
            for o in (
                cls.vufo,
                cls.prov_a,
                cls.old_a,
                cls.assoc_a1,
                cls.chapter_a1,
                cls.prov_b,
                cls.assoc_b1,
            )
        }
        cls.attachments = {
            code: make_attachment(org, title=f"Tài liệu {code}") for code, org in cls.orgs.items()
        }
        level_org = {"national": cls.vufo, "provincial": cls.prov_a, "association": cls.assoc_a1}
        cls.users = {}
        for level, org in level_org.items():
            for kind in RoleKind.values:
                user = UserFactory(username=f"{kind}_{level}")
                make_role(user, org, kind)
                cls.users[level, kind] = user
        cls.nobody = UserFactory(username="nobody")


class VisibilityMatrixTests(TreeMixin, TestCase):
    """For each action, exactly which organisations and attachments each role sees."""

    def assert_matrix(self, action):
        for level in LEVELS:
            for kind in RoleKind.values:
                with self.subTest(level=level, role=kind, action=action):
                    user = self.users[level, kind]
                    expected = SUBTREE[level] if kind in ALLOWED[action] else set()
                    orgs = Organization.objects.visible_to(user, action)
                    assert set(orgs.values_list("code", flat=True)) == expected
                    attachments = Attachment.objects.visible_to(user, action)
                    titles = set(attachments.values_list("title", flat=True))
                    assert titles == {f"Tài liệu {code}" for code in expected}
                    assert orgs.count() == len(expected)  # no row twice

    def test_view(self):
        self.assert_matrix(Action.VIEW)

    def test_change(self):
        self.assert_matrix(Action.CHANGE)

    def test_delete(self):
        self.assert_matrix(Action.DELETE)

    def test_approve(self):
        self.assert_matrix(Action.APPROVE)

    def test_personal_data_without_the_flag(self):
        self.assert_matrix(Action.PERSONAL_DATA)

    def test_manage_roles(self):
        self.assert_matrix(Action.MANAGE_ROLES)

    def test_personal_data_needs_the_roles_flag(self):
        for kind in RoleKind.values:
            with self.subTest(role=kind):
                user = UserFactory(username=f"pd_{kind}")
                make_role(user, self.prov_a, kind, personal_data=True)
                visible = Organization.objects.visible_to(user, Action.PERSONAL_DATA)
                assert set(visible.values_list("code", flat=True)) == SUBTREE["provincial"]
                # the flag adds personal data only: it grants no other action
                can_change = Organization.objects.visible_to(user, Action.CHANGE).exists()
                assert can_change == (kind != RoleKind.VIEWER)

    def test_personal_data_flag_on_one_organisation_only_covers_that_subtree(self):
        user = UserFactory()
        make_role(user, self.prov_a, RoleKind.EDITOR)
        make_role(user, self.assoc_a1, RoleKind.VIEWER, personal_data=True)
        editable = Organization.objects.visible_to(user, Action.CHANGE)
        assert set(editable.values_list("code", flat=True)) == SUBTREE["provincial"]
        personal = Organization.objects.visible_to(user, Action.PERSONAL_DATA)
        assert set(personal.values_list("code", flat=True)) == SUBTREE["association"]

    def test_roles_on_two_provinces_see_both_and_nothing_else(self):
        user = UserFactory()
        make_role(user, self.assoc_a1, RoleKind.VIEWER)
        make_role(user, self.prov_b, RoleKind.VIEWER)
        visible = Organization.objects.visible_to(user)
        assert set(visible.values_list("code", flat=True)) == {
            "assoc_a1",
            "chapter_a1",
            "prov_b",
            "assoc_b1",
        }

    def test_overlapping_roles_do_not_duplicate_rows(self):
        user = UserFactory()
        make_role(user, self.prov_a, RoleKind.VIEWER)
        make_role(user, self.assoc_a1, RoleKind.EDITOR)
        make_role(user, self.chapter_a1, RoleKind.ADMIN)
        codes = list(Organization.objects.visible_to(user).values_list("code", flat=True))
        assert sorted(codes) == sorted(SUBTREE["provincial"])
        # each role's own action still reaches its own subtree only
        assert set(
            Organization.objects.visible_to(user, Action.CHANGE).values_list("code", flat=True)
        ) == {"assoc_a1", "chapter_a1"}
        assert list(
            Organization.objects.visible_to(user, Action.MANAGE_ROLES).values_list(
                "code", flat=True
            )
        ) == ["chapter_a1"]


class RoleRecordsTests(TreeMixin, TestCase):
    """Roles themselves are seen and changed only by administrators of their subtree."""

    def test_only_administrators_see_roles_and_only_in_their_subtree(self):
        for level in LEVELS:
            for kind in RoleKind.values:
                with self.subTest(level=level, role=kind):
                    user = self.users[level, kind]
                    for action in (Action.VIEW, Action.CHANGE, Action.DELETE):
                        roles = Role.objects.visible_to(user, action)
                        codes = set(roles.values_list("organization__code", flat=True))
                        if kind == RoleKind.ADMIN:
                            assert codes == SUBTREE[level] & {"vufo", "prov_a", "assoc_a1"}
                        else:
                            assert codes == set()


class ClosedPredecessorTests(TreeMixin, TestCase):
    """A union closed by the 2025 merger sits under its successor, whose roles see it."""

    def test_successors_roles_see_the_closed_union_and_its_records(self):
        viewer = self.users["provincial", RoleKind.VIEWER]
        assert Organization.objects.visible_to(viewer).filter(pk=self.old_a.pk).exists()
        assert (
            Attachment.objects.visible_to(viewer).filter(pk=self.attachments["old_a"].pk).exists()
        )
        editor = self.users["provincial", RoleKind.EDITOR]
        assert Organization.objects.visible_to(editor, Action.CHANGE).filter(pk=self.old_a.pk)

    def test_other_provinces_and_the_successors_associations_do_not(self):
        other = UserFactory()
        make_role(other, self.prov_b, RoleKind.ADMIN)
        association = self.users["association", RoleKind.ADMIN]
        for user in (other, association):
            assert not Organization.objects.visible_to(user).filter(pk=self.old_a.pk).exists()
            assert not Attachment.objects.visible_to(user).filter(pk=self.attachments["old_a"].pk)


class NoAccessTests(TreeMixin, TestCase):
    """Anyone without a role valid today sees nothing at all."""

    def assert_sees_nothing(self, user):
        for action in Action.values:
            with self.subTest(action=action):
                assert not Organization.objects.visible_to(user, action).exists()
                assert not Attachment.objects.visible_to(user, action).exists()
                assert not Role.objects.visible_to(user, action).exists()
        assert not visibility.has_any(user)

    def test_a_user_with_no_role(self):
        self.assert_sees_nothing(self.nobody)

    def test_an_anonymous_visitor(self):
        self.assert_sees_nothing(AnonymousUser())
        self.assert_sees_nothing(None)

    def test_an_expired_role(self):
        user = UserFactory()
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        make_role(user, self.vufo, RoleKind.ADMIN, personal_data=True, valid_to=yesterday)
        self.assert_sees_nothing(user)

    def test_a_role_that_has_not_started(self):
        user = UserFactory()
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        make_role(user, self.vufo, RoleKind.ADMIN, valid_from=tomorrow)
        self.assert_sees_nothing(user)

    def test_a_role_valid_until_today_still_counts(self):
        user = UserFactory()
        make_role(user, self.prov_b, RoleKind.VIEWER, valid_to=timezone.localdate())
        assert set(Organization.objects.visible_to(user).values_list("code", flat=True)) == {
            "prov_b",
            "assoc_b1",
        }

    def test_a_role_moved_to_the_trash(self):
        user = UserFactory()
        make_role(user, self.vufo, RoleKind.ADMIN).delete()
        self.assert_sees_nothing(user)

    def test_a_role_on_an_organisation_in_the_trash(self):
        user = UserFactory()
        chapter = make_org(self.assoc_b1, code="chapter_b1", kind=OrgKind.CHAPTER)
        make_role(user, chapter, RoleKind.ADMIN)
        chapter.delete()
        self.assert_sees_nothing(fresh(user))

    def test_a_deactivated_user(self):
        user = self.users["national", RoleKind.ADMIN]
        user.is_active = False
        user.save()
        self.assert_sees_nothing(fresh(user))

    def test_a_cluster_coordinator_sees_figures_not_records(self):
        cluster = Cluster.objects.create(number=9, name_vi="Cụm số 9")
        ClusterMembership.objects.create(cluster=cluster, organization=self.prov_a)
        ClusterMembership.objects.create(cluster=cluster, organization=self.prov_b)
        coordinator = UserFactory()
        ClusterCoordinator.objects.create(cluster=cluster, user=coordinator)

        self.assert_sees_nothing(coordinator)
        figures = cluster_member_figures(actor=coordinator, cluster=cluster)
        assert figures == [
            {"organization": "Liên hiệp tỉnh A", "associations": 1, "chapters": 1},
            {"organization": "Liên hiệp tỉnh B", "associations": 1, "chapters": 0},
        ]
        # a provincial role is not a coordinator: no figures of other provinces
        provincial = self.users["provincial", RoleKind.ADMIN]
        assert cluster_member_figures(actor=provincial, cluster=cluster) == []

    def test_a_union_that_changed_cluster_is_counted_in_its_new_cluster_only(self):
        left = Cluster.objects.create(number=11, name_vi="Cụm cũ")
        joined = Cluster.objects.create(number=12, name_vi="Cụm mới")
        day = datetime.date(2026, 1, 1)
        ClusterMembership.objects.create(
            cluster=left, organization=self.prov_b, valid_to=day - datetime.timedelta(days=1)
        )
        ClusterMembership.objects.create(cluster=joined, organization=self.prov_b, valid_from=day)
        after = day + datetime.timedelta(days=30)
        assert list(joined.members_on(after)) == [self.prov_b]
        assert list(left.members_on(after)) == []
        coordinator = UserFactory()
        ClusterCoordinator.objects.create(cluster=left, user=coordinator)
        assert cluster_member_figures(actor=coordinator, cluster=left, on_date=after) == []


class SuperuserTests(TreeMixin, TestCase):
    def test_a_superuser_without_roles_sees_everything_for_every_action(self):
        superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
        for action in Action.values:
            with self.subTest(action=action):
                codes = set(
                    Organization.objects.visible_to(superuser, action).values_list(
                        "code", flat=True
                    )
                )
                assert codes == ALL
                assert Attachment.objects.visible_to(superuser, action).count() == len(ALL)
                assert Role.objects.visible_to(superuser, action).count() == Role.objects.count()

    def test_deleted_rows_are_left_out_unless_asked_for(self):
        superuser = UserFactory(username="root", is_superuser=True)
        self.attachments["prov_b"].delete()
        assert Attachment.objects.visible_to(superuser).count() == len(ALL) - 1
        with_trash = Attachment.all_objects.visible_to(superuser, include_deleted=True)
        assert with_trash.count() == len(ALL)


class QueryCountTests(TreeMixin, TestCase):
    """Evaluating visible_to costs the same number of queries however many roles a user has."""

    def user_with_roles(self, n):
        user = UserFactory()
        parent = make_org(self.prov_b, code=f"many_{n}", kind=OrgKind.ASSOCIATION)
        for i in range(n):
            org = make_org(parent, code=f"many_{n}_{i}", kind=OrgKind.CHAPTER)
            make_role(user, org, RoleKind.EDITOR if i % 2 else RoleKind.VIEWER)
        return fresh(user)

    def test_constant_number_of_queries_for_1_5_and_40_roles(self):
        for n in (1, 5, 40):
            user = self.user_with_roles(n)
            with self.subTest(roles=n), self.assertNumQueries(2):
                # one query reads the user's roles, one reads the rows
                rows = list(Attachment.objects.visible_to(user))
            assert rows == []
            user = fresh(user)
            with self.subTest(roles=n, model="Organization"), self.assertNumQueries(2):
                orgs = list(Organization.objects.visible_to(user, Action.VIEW))
            assert len(orgs) == n

    def test_the_roles_are_read_once_per_user_object(self):
        user = fresh(self.users["provincial", RoleKind.EDITOR])
        with self.assertNumQueries(4):
            list(Organization.objects.visible_to(user, Action.VIEW))
            list(Organization.objects.visible_to(user, Action.CHANGE))
            list(Attachment.objects.visible_to(user, Action.DELETE))

    def test_national_and_superuser_lists_do_not_grow_either(self):
        national = fresh(self.users["national", RoleKind.VIEWER])
        with self.assertNumQueries(2):
            assert len(list(Attachment.objects.visible_to(national))) == len(ALL)
        superuser = fresh(UserFactory(username="root", is_superuser=True))
        with self.assertNumQueries(1):
            assert len(list(Attachment.objects.visible_to(superuser))) == len(ALL)

    def test_an_action_no_role_grants_costs_one_query_and_returns_nothing(self):
        viewer = fresh(self.users["provincial", RoleKind.VIEWER])
        with self.assertNumQueries(1):
            assert list(Attachment.objects.visible_to(viewer, Action.CHANGE)) == []


class ReferenceDataTests(TreeMixin, TestCase):
    """Clusters: every member of staff reads them; national administrators alone change them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cluster = Cluster.objects.create(number=7, name_vi="Cụm số 7")

    def test_read_by_every_role_changed_by_national_administrators_only(self):
        for level in LEVELS:
            for kind in RoleKind.values:
                with self.subTest(level=level, role=kind):
                    user = self.users[level, kind]
                    assert list(Cluster.objects.visible_to(user)) == [self.cluster]
                    may_change = level == "national" and kind == RoleKind.ADMIN
                    assert Cluster.objects.visible_to(user, "change").exists() == may_change

    def test_not_read_without_a_role(self):
        assert not Cluster.objects.visible_to(self.nobody).exists()


class RoleBackendTests(TreeMixin, TestCase):
    """Admin access comes from roles; Django permissions from a national administrator role."""

    def test_every_role_opens_the_admin(self):
        for level in LEVELS:
            for kind in RoleKind.values:
                with self.subTest(level=level, role=kind):
                    assert fresh(self.users[level, kind]).has_perm("wagtailadmin.access_admin")

    def test_no_role_or_an_expired_role_does_not(self):
        expired = UserFactory()
        make_role(
            expired,
            self.prov_a,
            RoleKind.ADMIN,
            valid_to=timezone.localdate() - datetime.timedelta(days=1),
        )
        assert not fresh(self.nobody).has_perm("wagtailadmin.access_admin")
        assert not fresh(expired).has_perm("wagtailadmin.access_admin")

    def test_a_cluster_coordinator_opens_the_admin(self):
        cluster = Cluster.objects.create(number=8, name_vi="Cụm số 8")
        coordinator = UserFactory()
        ClusterCoordinator.objects.create(cluster=cluster, user=coordinator)
        assert fresh(coordinator).has_perm("wagtailadmin.access_admin")

    def test_site_wide_permissions_only_for_national_administrators(self):
        for level in LEVELS:
            for kind in RoleKind.values:
                with self.subTest(level=level, role=kind):
                    user = fresh(self.users[level, kind])
                    expected = level == "national" and kind == RoleKind.ADMIN
                    assert user.has_perm("wagtailusers.add_user") == expected
                    assert user.has_module_perms("wagtailusers") == expected
