from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "huunghi.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        register_permission_policies()
        make_wagtail_labels_lazy()


def register_permission_policies():
    """Give every org-owned model the policy that asks the visibility rule, and every
    national reference table (``national_reference = True``) the national one. This runs
    before any admin viewset is registered, so Wagtail never falls back to group perms."""
    from wagtail.permissions import policy_registry

    from huunghi.places.models import AdministrativeUnit, Country, UnitMapping

    from .models import ScopedModelMixin
    from .permissions import (
        NationalPermissionPolicy,
        OrgPermissionPolicy,
        ReadOnlyPermissionPolicy,
    )

    read_only = {AdministrativeUnit, Country}
    for model in apps.get_models():
        if model in read_only:
            policy_registry.register(model, ReadOnlyPermissionPolicy(model))
        elif model is UnitMapping or getattr(model, "national_reference", False):
            policy_registry.register(model, NationalPermissionPolicy(model))
        elif issubclass(model, ScopedModelMixin):
            policy_registry.register(model, OrgPermissionPolicy(model))


def make_wagtail_labels_lazy():
    """Wagtail 8.0's redirects filter (wagtail/contrib/redirects/filters.py) translates its
    labels with ``gettext`` at import, in the default language, so a user who chose English
    sees them in Vietnamese. Give them lazy strings that follow each user's language."""
    from django.utils.translation import gettext_lazy
    from wagtail.contrib.redirects.filters import RedirectsReportFilterSet

    kind = RedirectsReportFilterSet.base_filters["is_permanent"]
    kind.label = gettext_lazy("Type")
    kind.extra["choices"] = ((True, gettext_lazy("Permanent")), (False, gettext_lazy("Temporary")))
    kind.extra["empty_label"] = gettext_lazy("All")
