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
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from .choices import OrgKind, RoleKind
    from .models import Attachment, Organization, Role

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

    @register_sample(Attachment)
    def attachment(org):
        n = _next()
        item = Attachment(organization=org, title=f"Tài liệu mẫu {n}")
        item.file.save(f"mau-{n}.pdf", ContentFile(b"%PDF-1.4 sample"), save=False)
        item.save()
        return item


_register_orgs_samples()
