from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from huunghi.core.audit import CREATE, DELETE, EDIT, RESTORE

from . import selectors, visibility
from .choices import Action, OrgKind
from .views import AttachmentDownloadView, InviteUserView, RestoreView, TrashView
from .viewsets import (
    ClusterGroup,
    OrganizationHistoryGroup,
    PlacesGroup,
    attachment_viewset,
    organization_chooser_viewset,
    organization_viewset,
    role_viewset,
    unit_chooser_viewset,
)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        organization_viewset,
        role_viewset,
        attachment_viewset,
        organization_chooser_viewset,
        unit_chooser_viewset,
        ClusterGroup(),
        OrganizationHistoryGroup(),
        PlacesGroup(),
    ]


@hooks.register("register_admin_urls")
def register_admin_urls():
    trash = [
        path("", TrashView.as_view(), name="index"),
        path(
            "<str:app_label>/<str:model_name>/<str:pk>/restore/",
            RestoreView.as_view(),
            name="restore",
        ),
    ]
    return [
        path("trash/", include((trash, "orgs_trash"), namespace="orgs_trash")),
        path("invite/", InviteUserView.as_view(), name="orgs_invite"),
        path(
            "attachments/<int:pk>/download/",
            AttachmentDownloadView.as_view(),
            name="orgs_attachment_download",
        ),
    ]


class _RoleMenuItem(MenuItem):
    def __init__(self, *args, action=Action.VIEW, **kwargs):
        self.required_action = action
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return visibility.has_any(request.user, self.required_action)


@hooks.register("register_admin_menu_item")
def register_menu_items():
    return _RoleMenuItem(
        _("Trash"), reverse("orgs_trash:index"), icon_name="bin", order=900, action=Action.DELETE
    )


@hooks.register("register_admin_menu_item")
def register_invite_menu_item():
    return _RoleMenuItem(
        _("Invite a user"),
        reverse("orgs_invite"),
        icon_name="user",
        order=111,
        action=Action.MANAGE_ROLES,
    )


@hooks.register("register_actions")
def register_unlogged_actions(registry):
    """Our models write their own log entries with the changed fields (core.audit), so the
    admin views must not log the same save a second time."""
    from wagtail.actions.create import CreateAction
    from wagtail.actions.delete import DeleteAction
    from wagtail.actions.edit import EditAction

    from huunghi.core.models import BaseModel

    class UnloggedCreate(CreateAction):
        def __init__(self, *args, **kwargs):
            kwargs["log_action"] = None
            super().__init__(*args, **kwargs)

    class UnloggedEdit(EditAction):
        def __init__(self, *args, **kwargs):
            kwargs["log_action"] = None
            super().__init__(*args, **kwargs)

    class UnloggedDelete(DeleteAction):
        def __init__(self, *args, **kwargs):
            kwargs["log_action"] = None
            super().__init__(*args, **kwargs)

    for action in (UnloggedCreate, UnloggedEdit, UnloggedDelete):
        registry.register(BaseModel, action)


def _describe_changes(log_entry):
    changes = (log_entry.data or {}).get("changes") or {}
    model = log_entry.content_type.model_class() if log_entry.content_type_id else None
    parts = []
    for name, (before, after) in changes.items():
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except Exception:  # a field removed since the entry was written
                field = None
            if field is not None:
                label = str(field.verbose_name)
                choices = dict(field.flatchoices or ())
                item_labels = getattr(model, "history_item_choices", {}).get(name)
                if item_labels is not None:
                    labels = dict(item_labels)
                    before, after = (
                        ", ".join(str(labels.get(v, v)) for v in value)
                        if isinstance(value, list)
                        else value
                        for value in (before, after)
                    )
                if choices and not isinstance(before, list | dict):
                    before = choices.get(before, before)
                if choices and not isinstance(after, list | dict):
                    after = choices.get(after, after)
                if isinstance(after, bool) or isinstance(before, bool):
                    yes_no = {True: _("Yes"), False: _("No"), None: "—"}
                    before, after = yes_no.get(before, before), yes_no.get(after, after)
        if before in (None, ""):
            parts.append(f"{label}: {after}")
        else:
            parts.append(f"{label}: {before} → {after}")
    return "; ".join(parts)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    @actions.register_action(CREATE)
    class Create(LogFormatter):
        label = _("Create")

        def format_message(self, log_entry):
            detail = _describe_changes(log_entry)
            return _("Created: %(detail)s") % {"detail": detail} if detail else _("Created")

    @actions.register_action(EDIT)
    class Edit(LogFormatter):
        label = _("Edit")

        def format_message(self, log_entry):
            return _("Changed: %(detail)s") % {"detail": _describe_changes(log_entry)}

    @actions.register_action(DELETE)
    class Delete(LogFormatter):
        label = _("Move to trash")
        message = _("Moved to the trash")

    @actions.register_action(RESTORE)
    class Restore(LogFormatter):
        label = _("Restore")
        message = _("Restored from the trash")


class OrganisationPanel(Component):
    """Dashboard: the user's organisations and roles, the subtree they see, cluster figures."""

    name = "huunghi_organisations"
    order = 10
    template_name = "orgs/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        counts = selectors.organization_counts(actor=user)
        clusters = [
            {"cluster": c, "figures": selectors.cluster_member_figures(actor=user, cluster=c)}
            for c in selectors.cluster_list_for_coordinator(actor=user)
        ]
        return {
            "roles": selectors.role_list_for_user(actor=user),
            "is_national": visibility.is_national(user),
            "counts": [(label, counts[value]) for value, label in OrgKind.choices if counts[value]],
            "clusters": clusters,
        }


@hooks.register("construct_homepage_panels")
def add_organisation_panel(request, panels):
    if not visibility.is_national(request.user, Action.MANAGE_ROLES):
        # Wagtail's own panels count pages, images and documents site-wide.
        panels[:] = []
    panels.insert(0, OrganisationPanel(request))


class OrganisationSearchArea(SearchArea):
    """The sidebar search box searches organisations (ignoring diacritics) for every member
    of staff; Wagtail's default searches pages, which only national administrators manage."""

    def is_shown(self, request):
        return visibility.has_any(request.user, Action.VIEW)


@hooks.register("register_admin_search_area")
def register_organisation_search_area():
    return OrganisationSearchArea(
        _("Organisations"), reverse("organizations:index"), icon_name="group", order=50
    )
