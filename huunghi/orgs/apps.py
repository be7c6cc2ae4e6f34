from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class OrgsConfig(AppConfig):
    default = True  # this module also holds UsersConfig
    name = "huunghi.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        register_permission_policies()
        make_wagtail_labels_lazy()
        keep_user_sort_keys()


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with our users list, which sorts in Vietnamese name order."""

    user_viewset = "huunghi.orgs.users.UserViewSet"


def keep_user_sort_keys():
    """Store each user's Vietnamese sort key when the user is saved, for the users list
    and the roles list (a derived index, like a search index: a signal is the place)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    from .models import Role, UserSortKey, user_sort_key

    def store(sender, instance, raw=False, update_fields=None, **kwargs):
        # Every login saves the user (last_login): only a save that may touch the name counts.
        if raw or (update_fields is not None and not {"first_name", "last_name"} & update_fields):
            return
        key = user_sort_key(instance)
        UserSortKey.objects.update_or_create(user=instance, defaults={"key": key})
        Role.all_objects.filter(user=instance).exclude(user_sort_key=key).update(user_sort_key=key)

    post_save.connect(
        store, sender=get_user_model(), weak=False, dispatch_uid="huunghi_user_sort_key"
    )


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
