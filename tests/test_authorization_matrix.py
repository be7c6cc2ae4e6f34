"""The authorization matrix: every URL is classified, and every scoped URL is checked, for
each role at national, provincial and association level, against an independent oracle
(tree paths computed in Python, not the visibility rule's SQL)."""

import csv
import functools
import io
import re

import pytest
from django.test import TestCase
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets as viewset_registry

from huunghi.orgs.choices import ACTION_ROLES, Action, OrgKind, RoleKind
from huunghi.orgs.models import Organization, Role
from huunghi.orgs.testing import samples
from huunghi.orgs.tests.factories import UserFactory, make_org
from huunghi.orgs.wagtail import ScopedChooserViewSet, ScopedModelViewSet

PUBLIC = r"^(home|wagtailadmin_login|wagtailadmin_password_reset\w*|wagtailcore_login|wagtailcore_authenticate_with_password|wagtail_serve|wagtailadmin_javascript_catalog|wagtailadmin_sprite|None)$"
#: the snippets index (wagtailsnippets:index) lists snippet models, linking to their scoped lists
LOGIN_ONLY = r"^(wagtailadmin_home|wagtailadmin_logout|wagtailadmin_account|wagtailadmin_dismissibles|wagtailadmin_error_test|wagtailadmin_tag_autocomplete|wagtailadmin_tag_model_autocomplete|wagtailadmin_block_preview|wagtailadmin_editing_sessions:\w+|wagtailadmin_choose_page\w*|wagtail_bulk_action|wagtailsnippets:index|v1:api-root|v1:api_schema)$"
NATIONAL_ONLY = r"^(export_log|aid_rates|wagtailadmin_pages|wagtailadmin_workflows|wagtailimages\w*|wagtailadmin_reports|wagtaildocs\w*|wagtailusers_\w+|wagtailsites|wagtailredirects|wagtailforms|wagtailadmin_collections|wagtailadmin_api:\w+|wagtailsettings|wagtailembeds|wagtailsnippets):\w+$|^wagtailadmin_explore\w*$"
#: reference data: read by all staff, changed by national administrators (or nobody)
REFERENCE = r"^(clusters|cluster_memberships|cluster_leaderships|cluster_coordinators|units|unit_mappings|countries|aid_sectors|aid_forms|aid_beneficiary_groups|aid_exchange_rates|aid_rate_recomputations):\w+$"
#: custom scoped views, each checked by a test below
SCOPED_CUSTOM = r"^(orgs_trash:\w+|orgs_invite|orgs_attachment_download|network_figures|network_membership_status|network_import:\w+|people:\w+|aid_activity_decision|aid_activity_stage|aid_needs:\w+|aid_import:\w+|aid_figures)$"


def walk(patterns, ns=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            yield f"{ns}:{p.name}" if ns and p.name else str(p.name)


def index_view_name(viewset) -> str:
    """Snippet viewsets name their list view "list", model viewsets "index"."""
    from wagtail.snippets.views.snippets import SnippetViewSet

    return "list" if isinstance(viewset, SnippetViewSet) else "index"


#: made-up values for the other arguments of snippet URLs: the object's scope is checked
#: first, so they are never reached for an object outside it
SNIPPET_URL_ARGS = {
    "revision_id": 1,
    "revision_id_a": "earliest",
    "revision_id_b": "latest",
    "action_name": "approve",
    "task_state_id": 1,
    "task_id": 1,
    "workflow_state_id": 1,
}


def snippet_object_urls(viewset, pk) -> list[str]:
    """Every URL of a snippet viewset that names one object (revisions, lock, workflow …)."""
    from wagtail.snippets.views.snippets import SnippetViewSet

    if not isinstance(viewset, SnippetViewSet):
        return []
    urls = []
    for pattern in viewset.get_urlpatterns():
        groups = pattern.pattern.regex.groupindex
        if "pk" not in groups:
            continue
        kwargs = {name: SNIPPET_URL_ARGS.get(name, pk) for name in groups}
        urls.append(reverse(viewset.get_url_name(pattern.name), kwargs=kwargs))
    return urls


def scoped_viewsets():
    assert get_resolver().url_patterns  # loading the admin URLs registers the viewsets (once)
    return [v for v in viewset_registry.viewsets if isinstance(v, ScopedModelViewSet)]


@functools.cache
def scoped_namespaces():
    names = {v.url_namespace for v in scoped_viewsets() if not _is_reference(v.model)}
    names |= {
        v.url_namespace for v in viewset_registry.viewsets if isinstance(v, ScopedChooserViewSet)
    }
    return names


def api_names():
    return {"v1:organization-list", "v1:organization-detail"}


def _is_reference(model):
    from wagtail.permissions import policy_registry

    from huunghi.orgs.permissions import NationalPermissionPolicy

    return isinstance(policy_registry.get_by_type(model), NationalPermissionPolicy)


def classify(name: str) -> str | None:
    namespace = name.split(":")[0]
    if namespace in scoped_namespaces() or name in api_names():
        return "scoped"
    if re.match(SCOPED_CUSTOM, name):
        return "scoped"
    for label, pattern in (
        ("public", PUBLIC),
        ("login", LOGIN_ONLY),
        ("national", NATIONAL_ONLY),
        ("reference", REFERENCE),
    ):
        if re.match(pattern, name):
            return label
    return None


class URLClassificationTests(TestCase):
    def test_every_url_is_classified(self):
        unknown = sorted({n for n in walk(get_resolver().url_patterns) if classify(n) is None})
        self.assertEqual(unknown, [], "URLs the authorization matrix cannot classify")

    def test_every_scoped_model_has_a_sample(self):
        missing = [
            v.model.__name__
            for v in scoped_viewsets()
            if v.model not in samples() and not _is_reference(v.model)
        ]
        self.assertEqual(missing, [])


LEVELS = ("national", "provincial", "association")


class MatrixTestCase(TestCase):
    """A tree with two provinces and users holding each role at each level."""

    @classmethod
    def setUpTestData(cls):
        cls.root = make_org(
            None, code="vufo", kind=OrgKind.NATIONAL_UNION, name_vi="Liên hiệp Hữu nghị Việt Nam"
        )
        cls.a = make_org(
            cls.root,
            code="tinh_a",
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi="Liên hiệp hữu nghị tỉnh Alpha",
        )
        cls.a1 = make_org(
            cls.a, code="hoi_a1", kind=OrgKind.ASSOCIATION, name_vi="Hội hữu nghị Alpha Một"
        )
        cls.b = make_org(
            cls.root,
            code="tinh_b",
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi="Liên hiệp hữu nghị tỉnh Bêta",
        )
        cls.b1 = make_org(
            cls.b, code="hoi_b1", kind=OrgKind.ASSOCIATION, name_vi="Hội hữu nghị Bêta Một"
        )
        level_orgs = {"national": cls.root, "provincial": cls.a, "association": cls.a1}
        cls.users = []
        for level, org in level_orgs.items():
            for role in RoleKind.values:
                user = UserFactory(username=f"{level}_{role}")
                Role.objects.create(user=user, organization=org, role=role, personal_data=True)
                cls.users.append((level, role, org, user))
        cls.samples = {}
        for model, make in samples().items():
            cls.samples[model] = (make(cls.a1), make(cls.b1))

    def refresh(self):
        for org in (self.root, self.a, self.a1, self.b, self.b1):
            org.refresh_from_db()

    @staticmethod
    def oracle(model, role, org, action=Action.VIEW):
        """Independent answer: which rows of ``model`` a role on ``org`` may act on. A shared
        registry (partners) is viewed by all staff; its other actions are scoped."""
        action = model.scope_action(action)
        if role not in ACTION_ROLES[Action(action)]:
            return set()
        shared = getattr(model, "shared_view", False) and action == Action.VIEW
        return {
            obj.pk
            for obj in model._default_manager.all()
            if obj.deleted_at is None
            and (shared or obj.owning_organization.path.startswith(org.path))
        }


class ScopedViewSetMatrixTests(MatrixTestCase):
    def check_viewset(self, viewset):
        model = viewset.model
        sample_a, sample_b = self.samples[model]
        for level, role, org, user in self.users:
            with self.subTest(viewset=viewset.url_namespace, level=level, role=role):
                self.client.force_login(user)
                visible = self.oracle(model, role, org)
                # list
                index = reverse(viewset.get_url_name(index_view_name(viewset)))
                response = self.client.get(index)
                if visible:
                    self.assertEqual(response.status_code, 200)
                    listed = {o.pk for o in response.context["object_list"]}
                    self.assertEqual(listed, visible)
                    # search by the other subtree's record finds nothing of it
                    query = " ".join(sample_b.search_text.split()[:2]) or str(sample_b)
                    response = self.client.get(index, {"q": query})
                    listed = {o.pk for o in response.context["object_list"]}
                    self.assertEqual(sample_b.pk in listed, sample_b.pk in visible)
                    # export: exactly the visible rows
                    if viewset.list_export:
                        response = self.client.get(index, {"export": "csv"})
                        self.assertEqual(response.status_code, 200)
                        content = b"".join(response.streaming_content).decode("utf-8-sig")
                        rows = list(csv.reader(io.StringIO(content)))
                        self.assertEqual(len(rows) - 1, len(visible))
                else:
                    self.assertIn(response.status_code, (302, 403, 404))
                    if response.status_code == 200:
                        self.fail("a user with no right listed the rows")
                # the other province's record: 404 whatever the view, and unchanged
                out_of_scope = sample_b.pk not in visible
                version = type(sample_b).all_objects.get(pk=sample_b.pk).version
                for view in ("inspect", "edit", "history", "usage", "delete"):
                    if view == "inspect" and not viewset.inspect_view_enabled:
                        continue
                    url = reverse(viewset.get_url_name(view), args=[sample_b.pk])
                    response = self.client.get(url)
                    if out_of_scope:
                        self.assertEqual(response.status_code, 404, url)
                changeable = self.oracle(model, role, org, Action.CHANGE)
                for view in ("edit", "delete"):
                    url = reverse(viewset.get_url_name(view), args=[sample_b.pk])
                    response = self.client.post(url, {"title": "x", "name_vi": "x"})
                    if sample_b.pk in visible and sample_b.pk not in changeable:
                        # seen (a shared registry) but not theirs: refused, nothing changed
                        self.assertIn(response.status_code, (302, 403), url)
                        fresh = type(sample_b).all_objects.get(pk=sample_b.pk)
                        self.assertIsNone(fresh.deleted_at, url)
                        self.assertEqual(fresh.version, version, url)
                    if out_of_scope:
                        self.assertEqual(response.status_code, 404, url)
                        fresh = type(sample_b).all_objects.get(pk=sample_b.pk)
                        self.assertIsNone(fresh.deleted_at)
                        self.assertEqual(fresh.version, version)
                    elif type(sample_b).all_objects.get(pk=sample_b.pk).deleted_at:
                        type(sample_b).all_objects.get(pk=sample_b.pk).restore()
                if out_of_scope:
                    for url in snippet_object_urls(viewset, sample_b.pk):
                        self.assertEqual(self.client.get(url).status_code, 404, url)
                        self.assertEqual(self.client.post(url).status_code, 404, url)
                # own subtree's record opens for those who may view it
                if sample_a.pk in visible:
                    url = reverse(viewset.get_url_name("history"), args=[sample_a.pk])
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_every_scoped_viewset(self):
        checked = []
        for viewset in scoped_viewsets():
            if _is_reference(viewset.model):
                continue
            self.check_viewset(viewset)
            checked.append(viewset.model)
        self.assertIn(Organization, checked)
        self.assertIn(Role, checked)

    def test_organisation_chooser_and_api(self):
        for level, role, org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                visible = self.oracle(Organization, role, org)
                listed, page = set(), 1
                while True:  # the chooser shows a page at a time
                    response = self.client.get(reverse("organization_chooser:choose"), {"p": page})
                    self.assertEqual(response.status_code, 200)
                    listed |= {o.pk for o in response.context["results"]}
                    if not response.context["results"].has_next():
                        break
                    page += 1
                self.assertEqual(listed, visible)
                _a, sample_b = self.samples[Organization]
                chosen = self.client.get(reverse("organization_chooser:chosen", args=[sample_b.pk]))
                self.assertEqual(chosen.status_code, 200 if sample_b.pk in visible else 404)
                # API
                response = self.client.get(reverse("v1:organization-list"), {"page_size": 500})
                self.assertEqual(response.status_code, 200)
                ids = {row["id"] for row in response.json()["results"]}
                self.assertEqual(ids, visible)
                detail = self.client.get(reverse("v1:organization-detail", args=[sample_b.pk]))
                self.assertEqual(detail.status_code, 200 if sample_b.pk in visible else 404)


class CustomScopedViewTests(MatrixTestCase):
    def test_trash_and_restore(self):
        from huunghi.orgs.models import Attachment

        sample_a, sample_b = self.samples[Attachment]
        sample_a.delete()
        sample_b.delete()
        for level, role, org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                may_delete = role in ACTION_ROLES[Action.DELETE]
                response = self.client.get(reverse("orgs_trash:index"))
                self.assertEqual(response.status_code, 200)
                shown = {
                    item["object"].pk
                    for item in response.context["items"]
                    if isinstance(item["object"], Attachment)
                }
                expected = set()
                if may_delete:
                    expected = {
                        s.pk
                        for s in (sample_a, sample_b)
                        if s.organization.path.startswith(org.path)
                    }
                self.assertEqual(shown, expected)
                url = reverse("orgs_trash:restore", args=["orgs", "attachment", sample_b.pk])
                response = self.client.post(url)
                if level != "national" or not may_delete:
                    self.assertEqual(response.status_code, 404)
                    self.assertIsNotNone(Attachment.all_objects.get(pk=sample_b.pk).deleted_at)
                else:
                    self.assertEqual(response.status_code, 302)
                    Attachment.all_objects.get(pk=sample_b.pk).delete()

    def test_part3_custom_views(self):
        """Member imports, the status change, the duplicates list and the merge views answer
        404 for the other province's records and work on the user's own."""
        from django.core.files.base import ContentFile

        from huunghi.network.models import Membership
        from huunghi.orgs.models import ImportJob
        from huunghi.people.models import Person, PersonMerge

        jobs = {}
        for org in (self.a1, self.b1):
            job = ImportJob(organization=org, kind="members", original_name="hv.xlsx")
            job.file.save("hv.xlsx", ContentFile(b"x"), save=False)
            job.save()
            jobs[org] = job
        persons = {
            org: list(Person.objects.filter(organization=org)[:2]) for org in (self.a1, self.b1)
        }
        member_a, member_b = self.samples[Membership]
        merge_a, merge_b = self.samples[PersonMerge]
        for level, role, _org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                sees_b = level == "national"
                may_change = role in ACTION_ROLES[Action.CHANGE]
                for name, obj_b, needs_change in (
                    ("network_import:job", jobs[self.b1], False),
                    ("network_import:status", jobs[self.b1], False),
                    ("network_membership_status", member_b, True),
                    ("people:person_merge_undo", merge_b, True),
                ):
                    code = self.client.get(reverse(name, args=[obj_b.pk])).status_code
                    if not sees_b:
                        self.assertEqual(code, 404, name)
                    elif needs_change and not may_change:
                        self.assertIn(code, (302, 403, 404), name)  # never the page
                    else:
                        self.assertEqual(code, 200, name)
                b1, b2 = persons[self.b1]
                code = self.client.get(reverse("people:person_merge_preview", args=[b1.pk, b2.pk]))
                self.assertEqual(code.status_code == 404, not (sees_b and may_change))
                own = self.client.get(reverse("network_import:job", args=[jobs[self.a1].pk]))
                self.assertEqual(own.status_code, 200)
                listing = self.client.get(reverse("people:person_duplicate_list"))
                self.assertEqual(listing.status_code, 200)

    def test_part4_custom_views(self):
        """The activity's decision and stage pages, a need's status page and the booklet
        downloads: 404 for the other province's records, never the page without the right."""
        from huunghi.aid.models import AidActivity, NeedItem, NeedsEdition

        _activity_a, activity_b = self.samples[AidActivity]
        _need_a, need_b = self.samples[NeedItem]
        _edition_a, edition_b = self.samples[NeedsEdition]
        for level, role, _org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                sees_b = level == "national"
                may_change = role in ACTION_ROLES[Action.CHANGE]
                for name, obj_b, needs_change in (
                    ("aid_activity_decision", activity_b, True),
                    ("aid_activity_stage", activity_b, True),
                    ("aid_needs:need_status", need_b, True),
                    ("aid_needs:edition_docx", edition_b, False),
                    ("aid_needs:edition_xlsx", edition_b, False),
                ):
                    code = self.client.get(reverse(name, args=[obj_b.pk])).status_code
                    if not sees_b:
                        self.assertEqual(code, 404, name)
                    elif needs_change and not may_change:
                        self.assertIn(code, (302, 403), name)  # never the page
                    else:
                        self.assertEqual(code, 200, name)
                    if not sees_b or (needs_change and not may_change):
                        self.client.post(reverse(name, args=[obj_b.pk]), {"to": "cancelled"})
                activity_b.refresh_from_db()
                self.assertEqual(activity_b.status, "approved")

    def test_partner_duplicates_and_merge(self):
        """Every member of staff reads the duplicates page; merging needs the right to change
        both partners, else 404 and nothing moves."""
        from huunghi.partners.models import Partner

        partner_a, partner_b = self.samples[Partner]
        other_a = Partner.objects.create(
            organization=self.a1, kind=partner_a.kind, name=partner_a.name
        )
        for level, role, org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                listing = self.client.get(reverse("partners:partner_duplicate_list"))
                self.assertEqual(listing.status_code, 200)
                changeable = self.oracle(Partner, role, org, Action.CHANGE)
                for first, second in ((partner_a, other_a), (partner_b, other_a)):
                    url = reverse("partners:partner_merge", args=[first.pk, second.pk])
                    code = self.client.get(url).status_code
                    may = first.pk in changeable and second.pk in changeable
                    self.assertEqual(code == 404, not may, (url, code))
                    if not may:
                        self.client.post(url, {"kept": first.pk})
                        self.assertTrue(Partner.objects.filter(pk=second.pk).exists())

    def test_aid_figures(self):
        for level, role, org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                url = reverse("aid_figures")
                own = self.client.get(url, {"organization": org.pk})
                self.assertEqual(own.status_code, 200)
                self.assertEqual(own.context["figures"].root, org)
                other = self.client.get(url, {"organization": self.b.pk})
                self.assertEqual(other.status_code, 200 if level == "national" else 404)

    def test_network_figures(self):
        for level, role, org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                url = reverse("network_figures")
                own = self.client.get(url, {"organization": org.pk})
                self.assertEqual(own.status_code, 200)
                self.assertEqual(own.context["counts"]["root"], org)
                other = self.client.get(url, {"organization": self.b.pk})
                self.assertEqual(other.status_code, 200 if level == "national" else 404)

    def test_attachment_download(self):
        from huunghi.orgs.models import Attachment

        sample_a, sample_b = self.samples[Attachment]
        for level, role, org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                for sample in (sample_a, sample_b):
                    response = self.client.get(
                        reverse("orgs_attachment_download", args=[sample.pk])
                    )
                    if sample.organization.path.startswith(org.path):
                        self.assertEqual(response.status_code, 200)
                        self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4 sample")
                    else:
                        self.assertEqual(response.status_code, 404)

    def test_invite_only_for_administrators(self):
        for level, role, org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                response = self.client.get(reverse("orgs_invite"))
                if role == RoleKind.ADMIN:
                    self.assertEqual(response.status_code, 200)
                    choices = {
                        o.pk for o in response.context["form"].fields["organization"].queryset
                    }
                    expected = {
                        o.pk for o in Organization.objects.all() if o.path.startswith(org.path)
                    }
                    self.assertEqual(choices, expected)
                else:
                    self.assertEqual(response.status_code, 404)


class NationalAndReferenceTests(MatrixTestCase):
    def national_index_urls(self):
        names = [n for n in walk(get_resolver().url_patterns) if classify(n) == "national"]
        urls = []
        for name in names:
            try:
                urls.append(reverse(name))
            except NoReverseMatch:  # needs arguments: covered by the namespace rule
                pass
        return urls

    def test_national_only_pages_closed_to_provincial_admins(self):
        provincial_admin = next(
            u
            for level, role, _o, u in self.users
            if level == "provincial" and role == RoleKind.ADMIN
        )
        national_admin = next(
            u for level, role, _o, u in self.users if level == "national" and role == RoleKind.ADMIN
        )
        urls = self.national_index_urls()
        self.assertTrue(urls)
        for url in urls:
            with self.subTest(url=url):
                self.client.force_login(provincial_admin)
                response = self.client.get(url)
                self.assertIn(response.status_code, (302, 403, 404), url)
                if response.status_code == 302:
                    self.assertNotIn(url, response["Location"])
        self.client.force_login(national_admin)
        for url in (
            reverse("wagtailadmin_reports:site_history"),
            reverse("wagtailusers_users:index"),
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_reference_data_read_by_staff_changed_by_national_admins(self):
        from huunghi.orgs.models import Cluster

        cluster = Cluster.objects.create(number=9, name_vi="Cụm số 9")
        for level, role, _org, user in self.users:
            with self.subTest(level=level, role=role):
                self.client.force_login(user)
                self.assertEqual(self.client.get(reverse("clusters:index")).status_code, 200)
                response = self.client.post(
                    reverse("clusters:edit", args=[cluster.pk]), {"number": 9, "name_vi": "Đổi tên"}
                )
                cluster.refresh_from_db()
                if level == "national" and role == RoleKind.ADMIN:
                    self.assertEqual(cluster.name_vi, "Đổi tên")
                    cluster.name_vi = "Cụm số 9"
                    cluster.save()
                else:
                    # Wagtail answers "permission denied" by redirecting to the dashboard.
                    self.assertIn(response.status_code, (302, 403))
                    self.assertEqual(cluster.name_vi, "Cụm số 9")


LIST_PAGES = [
    "organizations:index",
    "roles:index",
    "attachments:index",
    "persons:index",
    "consents:index",
    "person_merges:index",
    "associations:index",
    "chapters:index",
    "memberships:index",
    "membership_periods:index",
    "congresses:index",
    "positions:index",
    "aid_activities:list",
    "aid_transactions:index",
    "needs_editions:index",
    "needs:index",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_query_count_does_not_grow(name, client, django_assert_max_num_queries, db):
    """No N+1: the list page's query count does not depend on the number of rows."""
    root = make_org(None, code="vufo", kind=OrgKind.NATIONAL_UNION, name_vi="VUFO")
    user = UserFactory(username="qc_admin")
    Role.objects.create(user=user, organization=root, role=RoleKind.ADMIN, personal_data=True)
    client.force_login(user)
    make = samples()
    namespace = name.split(":")[0]
    model = next(v.model for v in scoped_viewsets() if v.url_namespace == namespace)
    for _ in range(3):
        make[model](root)
    client.get(reverse(name))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    for _ in range(15):
        make[model](root)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(name))
    assert len(many.captured_queries) <= len(few.captured_queries) + 2, [
        q["sql"] for q in many.captured_queries
    ]
