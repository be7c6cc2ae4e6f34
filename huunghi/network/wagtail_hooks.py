from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from huunghi.orgs import visibility

from .views import MembershipStatusView, NetworkFiguresView
from .viewsets import NetworkGroup


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [NetworkGroup()]


@hooks.register("register_admin_urls")
def register_figures_url():
    return [
        path("network/figures/", NetworkFiguresView.as_view(), name="network_figures"),
        path(
            "network/memberships/<int:pk>/status/",
            MembershipStatusView.as_view(),
            name="network_membership_status",
        ),
    ]


class _StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return visibility.has_any(request.user)


@hooks.register("register_admin_menu_item")
def register_figures_menu_item():
    return _StaffMenuItem(
        _("Network figures"), reverse("network_figures"), icon_name="table", order=160
    )


# -- member import (huunghi/network/imports.py) ------------------------------------------


@hooks.register("register_admin_urls")
def register_member_import_urls():
    from django.urls import include, path

    from . import import_views as views

    urls = [
        path("", views.MemberImportIndexView.as_view(), name="index"),
        path("new/", views.MemberImportUploadView.as_view(), name="upload"),
        path("template/", views.MemberImportTemplateView.as_view(), name="template"),
        path("<int:pk>/", views.MemberImportJobView.as_view(), name="job"),
        path("<int:pk>/status/", views.MemberImportStatusView.as_view(), name="status"),
        path("<int:pk>/confirm/", views.MemberImportConfirmView.as_view(), name="confirm"),
        path("<int:pk>/rejected/", views.MemberImportRejectedView.as_view(), name="rejected"),
    ]
    return [path("member-imports/", include((urls, "network_import"), namespace="network_import"))]


@hooks.register("register_admin_menu_item")
def register_member_import_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    from huunghi.orgs import visibility

    class MemberImportMenuItem(MenuItem):
        def is_shown(self, request):
            return visibility.has_any(request.user, "view")

    return MemberImportMenuItem(
        _("Member imports"), reverse("network_import:index"), icon_name="upload", order=151
    )


@hooks.register("register_log_actions")
def register_member_import_log_action(actions):
    from django.utils.translation import gettext_lazy as _

    from .imports import IMPORT_ACTION

    @actions.register_action(IMPORT_ACTION)
    class MemberImport(LogFormatter):
        label = _("Import")

        def format_message(self, log_entry):
            changes = (log_entry.data or {}).get("changes") or {}

            def count(name):
                return (changes.get(name) or [None, 0])[1]

            return _(
                "Imported: %(persons)s persons created, %(memberships)s memberships, "
                "%(consents)s consents; %(skipped)s rows with problems left out"
            ) % {
                "persons": count("persons_created"),
                "memberships": count("memberships_created"),
                "consents": count("consents_created"),
                "skipped": count("rows_skipped"),
            }
