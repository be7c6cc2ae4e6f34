"""Scoped bases for Wagtail admin viewsets and choosers.

Wagtail's own views do not filter rows by organisation. Every admin viewset of an
org-owned model inherits ``ScopedModelViewSet`` (or ``ScopedChooserViewSet`` for choosers),
which routes the index, inspect, edit, delete, history, usage, copy, export and chooser
querysets through ``visible_to`` and answers 404 for an object outside the user's scope.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from wagtail.admin.admin_url_finder import ModelAdminURLFinder, register_admin_url_finder
from wagtail.admin.utils import get_latest_str
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic import models as model_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from huunghi.core.exceptions import DeleteRefused, StaleEditError

from .forms import ScopedAdminForm


def scope_filters(filterset, user):
    """Limit the choices of a list's filters to what ``user`` may see."""
    if filterset is None:
        return filterset
    for name, flt in filterset.filters.items():
        if isinstance(flt, ModelChoiceFilter | ModelMultipleChoiceFilter):
            qs = flt.queryset
            if qs is not None and hasattr(qs, "visible_to"):
                scoped = qs.visible_to(user, "view")
                flt.queryset = scoped
                if name in filterset.form.fields:
                    filterset.form.fields[name].queryset = scoped
    return filterset


class ScopedObjectMixin:
    """Fetch the object of an object view only from ``visible_to(user, scope_action)``.

    Outside the user's view scope: 404, as if the object did not exist. Visible but not
    for this action (e.g. a viewer opening the edit form): 403.
    """

    scope_action = "view"

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            manager = self.model._default_manager
            pk = unquote(str(pk))
            if not manager.visible_to(request.user, self.scope_action).filter(pk=pk).exists():
                if manager.visible_to(request.user, "view").filter(pk=pk).exists():
                    raise PermissionDenied
                raise Http404
        super().setup(request, *args, **kwargs)


class ScopedWriteMixin:
    """After a save, check (still inside the transaction) that the object is within the
    user's change scope; if not, refuse and roll back. A stale edit becomes a form error."""

    def save_instance(self):
        instance = super().save_instance()
        manager = type(instance)._default_manager
        if not manager.visible_to(self.request.user, "change").filter(pk=instance.pk).exists():
            raise PermissionDenied
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StaleEditError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)


class ScopedIndexView(model_views.IndexView):
    def search_queryset(self, queryset):
        # Search ignores diacritics and case through the normalised shadow column.
        if self.search_query and hasattr(queryset, "search"):
            return queryset.search(self.search_query)
        return super().search_queryset(queryset)

    def get_base_queryset(self):
        return super().get_base_queryset().visible_to(self.request.user, "view")

    @cached_property
    def filters(self):
        return scope_filters(super().filters, self.request.user)


class ScopedCreateView(ScopedWriteMixin, model_views.CreateView):
    pass


class ScopedCopyView(ScopedObjectMixin, ScopedWriteMixin, model_views.CopyView):
    pass


class ScopedEditView(ScopedObjectMixin, ScopedWriteMixin, model_views.EditView):
    scope_action = "change"


class ScopedDeleteView(ScopedObjectMixin, model_views.DeleteView):
    scope_action = "delete"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DeleteRefused as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            return redirect(self.get_success_url())

    def get_success_message(self):
        return _("“%(object)s” moved to the trash. It can be restored from the trash.") % {
            "object": get_latest_str(self.object)
        }


class ScopedInspectView(ScopedObjectMixin, model_views.InspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedModelViewSet(ModelViewSet):
    """Base of every admin viewset of an org-owned model (and of Organization)."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_class = ScopedCopyView
    inspect_view_class = ScopedInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    base_form_class = ScopedAdminForm
    add_to_admin_menu = False

    def on_register(self):
        if policy_registry.get_by_type(self.model) is policy_registry.get_fallback_policy(
            self.model
        ):
            policy_registry.register(self.model, self.get_permission_policy())
        super().on_register()
        register_admin_url_finder(self.model, self._url_finder_class())

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        if handler is not None and handler.base_form_class is None:
            kwargs = {**handler.clone_kwargs(), "base_form_class": self.base_form_class}
            handler = type(handler)(**kwargs).bind_to_model(self.model)
        return handler

    def get_form_class(self, for_update=False):
        if self._edit_handler:
            return self._edit_handler.get_form_class()
        return modelform_factory(
            self.model,
            form=self.base_form_class,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.get_form_fields(),
            exclude=self.get_exclude_form_fields(),
        )

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.model)

    def _url_finder_class(self):
        viewset = self

        class Finder(ModelAdminURLFinder):
            permission_policy = viewset.permission_policy
            edit_url_name = viewset.get_url_name("edit")

        return Finder


class ScopedChooseMixin:
    def get_object_list(self):
        return self.model_class._default_manager.visible_to(self.request.user, "view")


class ScopedChooseView(ScopedChooseMixin, chooser_views.ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooseMixin, chooser_views.ChooseResultsView):
    pass


class ScopedChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return self.model_class._default_manager.visible_to(self.request.user, "view").get(pk=pk)


class ScopedChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return self.model_class._default_manager.visible_to(self.request.user, "view").filter(
            pk__in=pks
        )


class ScopedChooserViewSet(ChooserViewSet):
    """Base of every chooser of an org-owned model: it lists only visible rows."""

    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    creation_form_class = None
    form_fields = None
