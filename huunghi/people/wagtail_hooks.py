from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from huunghi.orgs.models import ExportLog

from .services import MERGE, MERGE_UNDO
from .views import PersonDuplicateListView, PersonMergePreviewView, PersonMergeUndoView
from .viewsets import NationalAdminPolicy, PeopleGroup, person_chooser_viewset

# Before the viewset is registered, so Wagtail never falls back to group permissions.
register_permission_policy(ExportLog, NationalAdminPolicy(ExportLog))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [PeopleGroup(), person_chooser_viewset]


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("duplicates/", PersonDuplicateListView.as_view(), name="person_duplicate_list"),
        path(
            "merge/<int:pk_a>/<int:pk_b>/",
            PersonMergePreviewView.as_view(),
            name="person_merge_preview",
        ),
        path("merges/<int:pk>/undo/", PersonMergeUndoView.as_view(), name="person_merge_undo"),
    ]
    return [path("people/", include((urls, "people"), namespace="people"))]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    def describe(log_entry):
        changes = (log_entry.data or {}).get("changes") or {}
        for before, after in changes.values():
            return after or before or ""
        return ""

    @actions.register_action(MERGE)
    class Merge(LogFormatter):
        label = _("Merge of duplicates")

        def format_message(self, log_entry):
            return _("Merged: %(detail)s") % {"detail": describe(log_entry)}

    @actions.register_action(MERGE_UNDO)
    class MergeUndo(LogFormatter):
        label = _("Merge undone")

        def format_message(self, log_entry):
            return _("Merge undone: %(detail)s") % {"detail": describe(log_entry)}
