import contextlib
import copy
import tempfile
from pathlib import Path

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from huunghi.orgs.choices import OrgKind, RoleKind
from huunghi.orgs.models import Attachment, Organization, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name", locale="vi_VN")
    last_name = factory.Faker("last_name", locale="vi_VN")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "pw")
        if create:
            obj.save(update_fields=["password"])


def make_org(parent=None, **fields) -> Organization:
    """Create an organisation in the tree (treebeard needs add_root/add_child)."""
    n = make_org.counter = getattr(make_org, "counter", 0) + 1
    fields.setdefault("code", f"org_{n}")
    fields.setdefault(
        "kind", OrgKind.PROVINCIAL_UNION if parent and parent.depth == 1 else OrgKind.ASSOCIATION
    )
    fields.setdefault("name_vi", f"Tổ chức {n}")
    org = Organization(**fields)
    if parent is None:
        return Organization.add_root(instance=org)
    return parent.add_child(instance=org)


def national_root() -> Organization:
    root = Organization.objects.filter(code="vufo").first()
    return root or make_org(
        None,
        code="vufo",
        kind=OrgKind.NATIONAL_UNION,
        name_vi="Liên hiệp các tổ chức hữu nghị Việt Nam",
    )


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    organization = factory.LazyFunction(national_root)
    role = RoleKind.VIEWER


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    title = factory.Sequence(lambda n: f"Tài liệu {n}")
    file = factory.django.FileField(filename="bien-ban.pdf", data=b"%PDF-1.4 demo")


def make_role(user, organization, role=RoleKind.VIEWER, **fields) -> Role:
    """Give ``user`` a role on ``organization`` (no scope check: test set-up only)."""
    return Role.objects.create(user=user, organization=organization, role=role, **fields)


def make_attachment(organization, *, title=None, data=b"%PDF-1.4 demo", filename="bien-ban.pdf"):
    """An attachment owned by ``organization`` with ``data`` as its file."""
    kwargs = {"organization": organization, "file__data": data, "file__filename": filename}
    if title is not None:
        kwargs["title"] = title
    return AttachmentFactory(**kwargs)


@contextlib.contextmanager
def temporary_storage():
    """Point the media folder and the private storage at two fresh temporary folders.

    The private storage keeps its configured kind and options, only its folder changes, and
    ``Attachment.file`` is re-bound to it (a FileField resolves its storage once, at import).
    Yields ``(media_root, private_root)``.
    """
    field = Attachment._meta.get_field("file")
    with tempfile.TemporaryDirectory() as media, tempfile.TemporaryDirectory() as private:
        stores = copy.deepcopy(settings.STORAGES)
        stores["private"].setdefault("OPTIONS", {})["location"] = private
        previous = field.storage
        with override_settings(MEDIA_ROOT=media, STORAGES=stores):
            field.storage = field._storage_callable()
            try:
                yield Path(media), Path(private)
            finally:
                field.storage = previous


class TemporaryStorageMixin:
    """TestCase mixin: media and private files go to temporary folders for the whole class
    (set up before ``setUpTestData`` runs); ``cls.media_root`` and ``cls.private_root``."""

    @classmethod
    def setUpClass(cls):
        storage = temporary_storage()
        cls.media_root, cls.private_root = storage.__enter__()
        cls.addClassCleanup(storage.__exit__, None, None, None)
        super().setUpClass()
