"""Admin viewsets of persons, consents, merges and the export log."""

from django.db.models import BooleanField, Case, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import models as model_views
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.exports import PersonalExportMixin
from huunghi.orgs.models import ExportLog
from huunghi.orgs.permissions import to_action
from huunghi.orgs.wagtail import (
    ScopedChooserViewSet,
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
)

from . import selectors
from .choices import ConsentState
from .exports import PersonExportMixin
from .forms import ConsentForm, PersonForm, may_see_personal
from .models import DETAIL_FIELDS, PERSONAL_FIELDS, Consent, Person, PersonMerge

HIDDEN = "—"


def with_personal_flag(queryset, user):
    """Mark each person whose personal data ``user`` may see (``can_see_personal``)."""
    allowed = Person.objects.visible_to(user, "personal_data").values("pk")
    return queryset.annotate(
        can_see_personal=Case(
            When(pk__in=allowed, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


class PersonalColumn(Column):
    """A column of personal data: empty for rows the user may not see it for."""

    def get_value(self, instance):
        if not getattr(instance, "can_see_personal", False):
            return HIDDEN
        return super().get_value(instance)


class ConsentStateColumn(Column):
    """The consent state, with a withdrawal shown as a warning: processing is restricted."""

    cell_template_name = "people/tables/consent_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["withdrawn"] = instance.consent_state == ConsentState.WITHDRAWN
        context["value"] = instance.get_consent_state_display()
        return context


class PersonIndexView(PersonalExportMixin, ScopedIndexView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Possible duplicates"),
                url=reverse("people:person_duplicate_list"),
                icon_name="resubmit",
            ),
        ]

    def get_base_queryset(self):
        return with_personal_flag(super().get_base_queryset(), self.request.user)

    def search_queryset(self, queryset):
        if self.search_query:
            return queryset.search_for(self.request.user, self.search_query)
        return queryset


class PersonInspectView(ScopedInspectView):
    template_name = "people/person_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.processing_restricted:
            context["withdrawal"] = (
                self.object.consents.filter(withdrawn_on__isnull=False)
                .order_by("-given_on", "-id")
                .first()
            )
        return context

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail reads the fields before the object; drop the personal ones now.
        if not may_see_personal(request.user, self.object):
            self.fields = [f for f in self.fields if f not in PERSONAL_FIELDS]


class PersonCreateView(ScopedCreateView):
    """Before a new person is saved, look for a visible person with the same name and date
    of birth or phone: if there is one, show it and save only when the user ticks "This is
    a different person" (never merge silently)."""

    template_name = "people/person_create.html"
    confirm_field = "not_duplicate"
    duplicates = ()

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        data = form.cleaned_data
        self.duplicates = list(
            selectors.person_match_list(
                self.request.user,
                family_name=data.get("family_name", ""),
                middle_name=data.get("middle_name", ""),
                given_name=data.get("given_name", ""),
                date_of_birth=data.get("date_of_birth"),
                phone=data.get("phone", ""),
            )[:20]
        )
        if self.duplicates and not self.request.POST.get(self.confirm_field):
            self.produced_error_code = "possible_duplicate"
            self.produced_error_message = _(
                "A person with the same name and date of birth or phone already exists."
            )
            return False
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["duplicates"] = self.duplicates
        context["confirm_field"] = self.confirm_field
        context["confirmed"] = bool(self.request.POST.get(self.confirm_field))
        return context


class PersonEditView(ScopedEditView):
    pass


class PersonViewSet(PersonExportMixin, ScopedModelViewSet):
    model = Person
    icon = "user"
    menu_label = _("Persons")
    index_view_class = PersonIndexView
    inspect_view_class = PersonInspectView
    add_view_class = PersonCreateView
    edit_view_class = PersonEditView
    base_form_class = PersonForm
    list_select_related = ("organization",)
    list_display = [
        "full_name",
        "gender",
        PersonalColumn("date_of_birth", label=_("date of birth")),
        PersonalColumn("phone", label=_("phone")),
        "organization",
        ConsentStateColumn("consent_state", label=_("consent")),
    ]
    list_filter = ["gender", "consent_state", "organization"]
    list_export = ["family_name", "middle_name", "given_name", "gender", "organization"]
    export_filename = "ca-nhan"
    search_fields = ["search_text"]
    ordering = ["sort_key", "id"]
    form_fields = [
        "organization",
        "family_name",
        "middle_name",
        "given_name",
        "gender",
        "date_of_birth",
        "phone",
        "email",
        "address",
        "commune",
        "occupation",
        "workplace",
        "ethnicity",
        "nationalities",
        "foreign_languages",
        "identity_number",
        "note",
    ]
    inspect_view_fields = ["full_name", *DETAIL_FIELDS]


class PersonChooserViewSet(ScopedChooserViewSet):
    model = Person
    icon = "user"
    choose_one_text = _("Choose a person")


class ConsentViewSet(ScopedModelViewSet):
    model = Consent
    icon = "tick-inverse"
    menu_label = _("Consents")
    base_form_class = ConsentForm
    list_select_related = ("person", "person__organization")
    list_display = ["person", "given_on", "method", "purpose_list", "withdrawn_on"]
    list_filter = ["method"]
    list_export = ["person", "given_on", "method", "purpose_list", "withdrawn_on"]
    export_filename = "dong-y-xu-ly-du-lieu"
    form_fields = [
        "person",
        "purposes",
        "given_on",
        "method",
        "evidence",
        "withdrawn_on",
        "withdrawal_note",
    ]
    inspect_view_fields = [
        "person",
        "purpose_list",
        "given_on",
        "method",
        "evidence",
        "withdrawn_on",
        "withdrawal_note",
    ]


class PersonMergeInspectView(ScopedInspectView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if not self.object.undone_at and self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", self.object
        ):
            buttons.append(
                Button(
                    _("Undo this merge"),
                    url=reverse("people:person_merge_undo", args=[self.object.pk]),
                    icon_name="undo",
                    priority=30,
                )
            )
        return buttons


class PersonMergeViewSet(ScopedModelViewSet):
    model = PersonMerge
    icon = "resubmit"
    menu_label = _("Merges of persons")
    add_view_enabled = False
    edit_view_enabled = False
    copy_view_enabled = False
    inspect_view_class = PersonMergeInspectView
    list_select_related = ("kept", "merged", "merged_by")
    form_fields = ["kept", "merged"]
    list_display = ["merged", "kept", "merged_by", "created_at", "undone_at"]
    inspect_view_fields = ["merged", "kept", "merged_by", "created_at", "undone_at"]


class NationalAdminPolicy(BasePermissionPolicy):
    """Read-only, for national administrators alone (the export log concerns every
    organisation)."""

    def user_has_permission(self, user, action):
        return to_action(action) == Action.VIEW and visibility.is_national(
            user, Action.MANAGE_ROLES
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_permission_for(self, user, action):
        manager = self.model._default_manager
        return manager.all() if self.user_has_permission(user, action) else manager.none()

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        return manager.all() if self.user_has_any_permission(user, actions) else manager.none()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class NationalOnlyMixin:
    """Anyone but a national administrator gets 404, as for Wagtail's site-wide views."""

    def dispatch(self, request, *args, **kwargs):
        if not visibility.is_national(request.user, Action.MANAGE_ROLES):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ExportLogIndexView(NationalOnlyMixin, model_views.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user")


class ExportLogInspectView(NationalOnlyMixin, model_views.InspectView):
    pass


class ExportLogViewSet(ModelViewSet):
    model = ExportLog
    icon = "download"
    menu_label = _("Export log")
    add_to_admin_menu = False
    index_view_class = ExportLogIndexView
    inspect_view_class = ExportLogInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["created_at", "user", "what", "file_format", "row_count", "personal_data"]
    list_filter = ["file_format", "personal_data"]
    inspect_view_fields = [
        "created_at",
        "user",
        "what",
        "file_format",
        "query",
        "row_count",
        "personal_data",
    ]
    form_fields = ["what"]

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.model)

    def get_urlpatterns(self):
        # Only the list and the inspect page: the log is written by exports, never edited.
        keep = {"index", "index_results", "inspect"}
        return [p for p in super().get_urlpatterns() if p.name in keep]


person_viewset = PersonViewSet("persons")
person_chooser_viewset = PersonChooserViewSet("person_chooser")


class PeopleGroup(ViewSetGroup):
    menu_label = _("People")
    menu_icon = "user"
    menu_order = 200
    items = (
        person_viewset,
        ConsentViewSet("consents"),
        PersonMergeViewSet("person_merges"),
        ExportLogViewSet("export_log"),
    )
