"""What the authorization matrix needs from every app: how to make a sample record owned by
a given organisation. Apps register their samples in ``<app>/testing.py``; the matrix
(tests/test_authorization_matrix.py) fails for a scoped viewset whose model has none."""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

_samples: dict[type, Callable] = {}


def register_sample(model):
    """Decorator: ``func(organization) -> instance`` owned by (or under) ``organization``."""

    def decorator(func):
        _samples[model] = func
        return func

    return decorator


def samples() -> dict[type, Callable]:
    autodiscover_modules("testing")
    return dict(_samples)


def _register_orgs_samples():
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from .choices import OrgKind, RoleKind
    from .models import Attachment, Organization, OrganizationName, Role, Succession

    counter = {"n": 0}

    def _next():
        counter["n"] += 1
        return counter["n"]

    @register_sample(Organization)
    def organization(org):
        n = _next()
        return org.add_child(
            instance=Organization(
                code=f"sample_{n}", kind=OrgKind.CHAPTER, name_vi=f"Chi hội mẫu {n}"
            )
        )

    @register_sample(Role)
    def role(org):
        n = _next()
        user = get_user_model().objects.create(username=f"sample_user_{n}")
        return Role.objects.create(user=user, organization=org, role=RoleKind.VIEWER)

    @register_sample(OrganizationName)
    def organization_name(org):
        return OrganizationName.objects.create(
            organization=org, name_vi=f"Tên cũ {_next()}", valid_to=datetime.date(2020, 1, 1)
        )

    @register_sample(Succession)
    def succession(org):
        n = _next()
        old = org.add_child(
            instance=Organization(
                code=f"closed_{n}", kind=OrgKind.ASSOCIATION, name_vi=f"Hội đã giải thể {n}"
            )
        )
        return Succession.objects.create(
            predecessor=old, successor=org, date=datetime.date(2025, 7, 1)
        )

    @register_sample(Attachment)
    def attachment(org):
        n = _next()
        item = Attachment(organization=org, title=f"Tài liệu mẫu {n}")
        item.file.save(f"mau-{n}.pdf", ContentFile(b"%PDF-1.4 sample"), save=False)
        item.save()
        return item


_register_orgs_samples()


class _TwoProvinces:
    """Organisations A and B under the national union, a user holding ``role`` on A, and one
    sample row of ``model`` in each (from the registered sample factory)."""

    model = None
    role = "editor"

    @classmethod
    def setUpTestData(cls):
        from django.contrib.auth import get_user_model

        from .choices import NATIONAL_CODE, OrgKind
        from .models import Organization, Role

        super().setUpTestData()
        root = Organization.objects.filter(code=NATIONAL_CODE).first() or Organization.add_root(
            instance=Organization(
                code=NATIONAL_CODE, kind=OrgKind.NATIONAL_UNION, name_vi="Liên hiệp Hữu nghị"
            )
        )
        tag = cls.__name__.lower()[:20]
        cls.org_a = root.add_child(
            instance=Organization(code=f"{tag}_a", kind=OrgKind.PROVINCIAL_UNION, name_vi="Tỉnh A")
        )
        cls.org_b = root.add_child(
            instance=Organization(code=f"{tag}_b", kind=OrgKind.PROVINCIAL_UNION, name_vi="Tỉnh B")
        )
        cls.user_a = get_user_model().objects.create(username=f"{tag}_user_a")
        Role.objects.create(user=cls.user_a, organization=cls.org_a, role=cls.role)
        make = samples()[cls.model]
        cls.row_a = make(cls.org_a)
        cls.row_b = make(cls.org_b)

    def setUp(self):
        super().setUp()
        self.client.force_login(self.user_a)


class ScopedViewTests(_TwoProvinces):
    """Mixin for the admin view tests of every org-owned model: a member of A cannot list,
    open, export, change or delete B's rows. Set ``model`` and ``viewset_namespace``."""

    viewset_namespace = None

    def url(self, view, *args):
        from django.urls import reverse

        return reverse(f"{self.viewset_namespace}:{view}", args=args)

    def listed(self, **params):
        response = self.client.get(self.url("index"), params)
        self.assertEqual(response.status_code, 200)
        return {obj.pk for obj in response.context["object_list"]}

    def test_list_shows_own_rows_only(self):
        listed = self.listed()
        self.assertIn(self.row_a.pk, listed)
        self.assertNotIn(self.row_b.pk, listed)

    def test_export_has_own_rows_only(self):
        response = self.client.get(self.url("index"), {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertNotIn(str(self.row_b), content)

    def test_other_province_rows_answer_404_and_stay_unchanged(self):
        model = type(self.row_b)
        before = model.all_objects.get(pk=self.row_b.pk)
        for view in ("inspect", "edit", "delete", "history"):
            with self.subTest(view=view):
                self.assertEqual(self.client.get(self.url(view, self.row_b.pk)).status_code, 404)
        for view in ("edit", "delete"):
            with self.subTest(view=view, method="POST"):
                self.assertEqual(self.client.post(self.url(view, self.row_b.pk)).status_code, 404)
        after = model.all_objects.get(pk=self.row_b.pk)
        self.assertEqual((after.version, after.deleted_at), (before.version, before.deleted_at))

    def test_list_query_count_does_not_grow_with_rows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.get(self.url("index"))
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url("index"))
        make = samples()[self.model]
        for _ in range(10):
            make(self.org_a)
        with CaptureQueriesContext(connection) as many:
            self.client.get(self.url("index"))
        self.assertLessEqual(len(many), len(few) + 2)


class ScopedAPITests(_TwoProvinces):
    """Mixin for the API tests of every org-owned model. Set ``model``, ``list_url_name``
    and ``detail_url_name``."""

    list_url_name = None
    detail_url_name = None

    def test_list_returns_own_rows_only(self):
        from django.urls import reverse

        response = self.client.get(reverse(self.list_url_name))
        self.assertEqual(response.status_code, 200)
        ids = {row["id"] for row in response.json()["results"]}
        self.assertIn(self.row_a.pk, ids)
        self.assertNotIn(self.row_b.pk, ids)

    def test_other_province_detail_answers_404(self):
        from django.urls import reverse

        url = reverse(self.detail_url_name, args=[self.row_b.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse(self.detail_url_name, args=[self.row_a.pk])).status_code, 200
        )

    def test_list_query_count_does_not_grow_with_rows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        self.client.get(reverse(self.list_url_name))
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse(self.list_url_name))
        make = samples()[self.model]
        for _ in range(10):
            make(self.org_a)
        with CaptureQueriesContext(connection) as many:
            self.client.get(reverse(self.list_url_name))
        self.assertLessEqual(len(many), len(few) + 1)
