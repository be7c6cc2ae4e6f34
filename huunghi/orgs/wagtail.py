"""Scoped bases for Wagtail admin viewsets and choosers.

Wagtail's own views do not filter rows by organisation. Every admin viewset of an
org-owned model inherits ``ScopedModelViewSet`` (or ``ScopedChooserViewSet`` for choosers),
which routes the index, inspect, edit, delete, history, usage, copy, export and chooser
querysets through ``visible_to`` and answers 404 for an object outside the user's scope.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from wagtail.admin.admin_url_finder import ModelAdminURLFinder, register_admin_url_finder
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.utils import get_latest_str
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic import models as model_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from huunghi.core.exceptions import DeleteRefused, StaleEditError
from huunghi.core.text import normalise

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
            policy = policy_registry.get_by_type(self.model)
            pk = unquote(str(pk))

            def allowed(action):
                qs = policy.instances_user_has_permission_for(request.user, action)
                return qs.filter(pk=pk).exists()

            if not allowed(self.scope_action):
                if self.scope_action != "view" and allowed("view"):
                    raise PermissionDenied
                raise Http404
        super().setup(request, *args, **kwargs)


class ScopedWriteMixin:
    """After a save, check (still inside the transaction) that the object is within the
    user's change scope; if not, refuse and roll back. A stale edit becomes a form error."""

    def save_instance(self):
        instance = super().save_instance()
        policy = policy_registry.get_by_type(type(instance))
        if not policy.user_has_permission_for_instance(self.request.user, "change", instance):
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


def _csv_datetime(value):
    return (
        timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        if timezone.is_aware(value)
        else value.strftime("%d/%m/%Y %H:%M")
    )


class ScopedIndexMixin:
    """The list of a scoped viewset: only visible rows; search ignoring diacritics; exports
    write dates the Vietnamese way (dd/mm/yyyy in .csv, real dates shown as dd/mm/yyyy in
    .xlsx) and choices by their label."""

    custom_value_preprocess = {
        **model_views.IndexView.custom_value_preprocess,
        datetime.datetime: {
            "xlsx": lambda value: timezone.make_naive(value) if timezone.is_aware(value) else value,
            "csv": _csv_datetime,
        },
        datetime.date: {"xlsx": None, "csv": lambda value: value.strftime("%d/%m/%Y")},
    }

    def to_row_dict(self, item):
        # A choice is exported as its label ("Liên hiệp tỉnh"), not its stored code.
        row = super().to_row_dict(item)
        for name in row:
            display = getattr(item, f"get_{name}_display", None)
            if "." not in name and callable(display):
                row[name] = display()
        return row

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format="dd/mm/yyyy hh:mm"):
            if isinstance(cell.value, datetime.date) and not isinstance(
                cell.value, datetime.datetime
            ):
                cell.number_format = "dd/mm/yyyy"
            yield cell

    #: relations the list shows, fetched in the same query (no N+1)
    list_select_related: tuple[str, ...] = ()
    #: many-valued relations the list shows, fetched in one more query
    list_prefetch_related: tuple[str, ...] = ()

    def search_queryset(self, queryset):
        # Search ignores diacritics and case through the normalised shadow column.
        if self.search_query and any(f.name == "search_text" for f in self.model._meta.fields):
            for word in normalise(self.search_query).split():
                queryset = queryset.filter(search_text__contains=word)
            return queryset
        return super().search_queryset(queryset)

    def get_base_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        allowed = policy.instances_user_has_permission_for(self.request.user, "view")
        queryset = super().get_base_queryset() & allowed
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return queryset

    @cached_property
    def filters(self):
        return scope_filters(super().filters, self.request.user)


class ScopedIndexView(ScopedIndexMixin, model_views.IndexView):
    pass


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
    # Whoever may see a record may see its history.
    any_permission_required = ["add", "change", "delete", "view"]


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
    #: bookkeeping fields a reader of the record has no use for
    inspect_view_fields_exclude = [
        "id",
        "search_text",
        "version",
        "deleted_at",
        "deleted_by",
        "path",
        "depth",
        "numchild",
    ]
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
            fields=self.get_form_fields(),
            exclude=self.get_exclude_form_fields(),
        )

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.model)

    #: relations the list page shows, fetched with the rows
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            list_select_related=self.list_select_related,
            list_prefetch_related=self.list_prefetch_related,
            **kwargs,
        )

    def _url_finder_class(self):
        viewset = self

        class Finder(ModelAdminURLFinder):
            permission_policy = viewset.permission_policy
            edit_url_name = viewset.get_url_name("edit")

        return Finder


class NormalisedSearchFilterForm(BaseFilterForm):
    """Chooser search box that ignores diacritics and case (through ``search_text``)."""

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q")
        if query:
            for word in normalise(query).split():
                objects = objects.filter(search_text__contains=word)
            self.is_searching = True
            self.search_query = query
        return objects


class ScopedChooseMixin:
    filter_form_class = NormalisedSearchFilterForm

    def get_object_list(self):
        policy = policy_registry.get_by_type(self.model_class)
        return policy.instances_user_has_permission_for(self.request.user, "view")


class ScopedChooseView(ScopedChooseMixin, chooser_views.ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooseMixin, chooser_views.ChooseResultsView):
    pass


def _chooser_queryset(view):
    policy = policy_registry.get_by_type(view.model_class)
    return policy.instances_user_has_permission_for(view.request.user, "view")


class ScopedChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return _chooser_queryset(self).get(pk=pk)


class ScopedChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return _chooser_queryset(self).filter(pk__in=pks)


class ScopedChooserViewSet(ChooserViewSet):
    """Base of every chooser of an org-owned model: it lists only visible rows."""

    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    creation_form_class = None
    form_fields = None
    # Wagtail's defaults are translated once, at import, in the default language; lazy
    # strings follow each user's language.
    choose_one_text = _("Choose")
    choose_another_text = _("Choose another")
    edit_item_text = _("Edit")
