"""The scoped base of Wagtail snippet viewsets (models with drafts, revisions, locking and
workflows, such as aid activities).

The main views reuse the scoped views of ``orgs.wagtail``. The snippet-only views (revisions,
compare, revert, lock, unlock, unpublish, workflow actions and history, previews) are reached
by URLs that carry the object's ``pk``: each of those URLs is wrapped with the same check, so
an object outside the user's scope answers 404 there too, and one visible but not open to the
action answers as a refused permission.
"""

import functools

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse_lazy
from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext, gettext_lazy
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.widgets import AdminSnippetChooser

from .wagtail import (
    ScopedChooserViewSet,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedHistoryView,
    ScopedIndexMixin,
    ScopedInspectView,
    ScopedModelViewSet,
    ScopedUsageView,
)

#: the action each snippet-only URL needs on its object (anything else: view)
URL_ACTIONS = {
    "revisions_revert": "change",
    "lock": "change",
    "unlock": "change",
    "confirm_workflow_cancellation": "change",
    "preview_on_edit": "change",
    "unpublish": "publish",
    "revisions_unschedule": "publish",
}
#: URLs whose views already check the scope themselves (the scoped views of orgs.wagtail)
SELF_CHECKED = {"edit", "delete", "inspect", "history", "history_results", "usage"}


def scope_view(view, model, action: str):
    """Wrap ``view`` so that its ``pk`` must be within ``visible_to(user, action)``."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        pk = unquote(str(kwargs["pk"]))
        policy = policy_registry.get_by_type(model)

        def allowed(wagtail_action):
            qs = policy.instances_user_has_permission_for(request.user, wagtail_action)
            return qs.filter(pk=pk).exists()

        if not allowed("view"):
            raise Http404
        if action != "view" and not allowed(action):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class ScopedSnippetIndexView(ScopedIndexMixin, snippet_views.IndexView):
    @cached_property
    def columns(self):
        # No bulk-action checkboxes: bulk actions are not offered on scoped records.
        return [
            c for c in super().columns if not isinstance(c, snippet_views.BulkActionsCheckboxColumn)
        ]


class ScopedSnippetCreateView(ScopedCreateView, snippet_views.CreateView):
    pass


class ScopedSnippetEditView(ScopedEditView, snippet_views.EditView):
    pass


class ScopedSnippetDeleteView(ScopedDeleteView, snippet_views.DeleteView):
    pass


class ScopedSnippetInspectView(ScopedInspectView, snippet_views.InspectView):
    pass


class ScopedSnippetHistoryView(ScopedHistoryView, snippet_views.HistoryView):
    pass


class ScopedSnippetUsageView(ScopedUsageView, snippet_views.UsageView):
    pass


def _format(message: str, name) -> str:
    return gettext(message) % {"object": name}


_format_lazy = lazy(_format, str)


class ScopedSnippetChooser(AdminSnippetChooser):
    """Wagtail's snippet chooser widget, with its texts in each user's language (Wagtail
    translates them once, when the form class is built)."""

    def __init__(self, model=None, **kwargs):
        super().__init__(model, **kwargs)
        name = self.model._meta.verbose_name
        self.choose_one_text = _format_lazy("Choose %(object)s", name)
        self.choose_another_text = _format_lazy("Choose another %(object)s", name)
        self.link_to_chosen_text = _format_lazy("Edit this %(object)s", name)


class ScopedSnippetChooserViewSet(ScopedChooserViewSet, snippet_chooser.SnippetChooserViewSet):
    base_widget_class = ScopedSnippetChooser


class ScopedSnippetViewSet(ScopedModelViewSet, snippet_views.SnippetViewSet):
    """Base of every snippet viewset of an org-owned model."""

    index_view_class = ScopedSnippetIndexView
    add_view_class = ScopedSnippetCreateView
    edit_view_class = ScopedSnippetEditView
    delete_view_class = ScopedSnippetDeleteView
    inspect_view_class = ScopedSnippetInspectView
    history_view_class = ScopedSnippetHistoryView
    usage_view_class = ScopedSnippetUsageView
    chooser_viewset_class = ScopedSnippetChooserViewSet
    copy_view_enabled = False
    # Shown in our own menu groups: no "Snippets" menu item or breadcrumb for it.
    menu_item_is_registered = True

    @property
    def breadcrumbs_items(self):
        # Wagtail's label is translated once, at import; a lazy one follows the user's language.
        return [{"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")}]

    def get_urlpatterns(self):
        patterns = []
        for pattern in super().get_urlpatterns():
            name = pattern.name
            if "pk" in pattern.pattern.regex.groupindex and name not in SELF_CHECKED:
                pattern.callback = scope_view(
                    pattern.callback, self.model, URL_ACTIONS.get(name, "view")
                )
            patterns.append(pattern)
        return patterns
