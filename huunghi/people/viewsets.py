"""Admin viewsets of persons and consents."""

from django.db.models import BooleanField, Case, Value, When
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from huunghi.orgs.wagtail import (
    ScopedChooserViewSet,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
)

from .forms import ConsentForm, PersonForm, may_see_personal
from .models import PERSONAL_FIELDS, Consent, Person, PersonMerge

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


class PersonIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return with_personal_flag(super().get_base_queryset(), self.request.user)

    def search_queryset(self, queryset):
        if self.search_query:
            return queryset.search_for(self.request.user, self.search_query)
        return queryset


class PersonInspectView(ScopedInspectView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail reads the fields before the object; drop the personal ones now.
        if not may_see_personal(request.user, self.object):
            self.fields = [f for f in self.fields if f not in PERSONAL_FIELDS]


class PersonEditView(ScopedEditView):
    pass


class PersonViewSet(ScopedModelViewSet):
    model = Person
    icon = "user"
    menu_label = _("Persons")
    index_view_class = PersonIndexView
    inspect_view_class = PersonInspectView
    edit_view_class = PersonEditView
    base_form_class = PersonForm
    list_select_related = ("organization",)
    list_display = [
        "full_name",
        "gender",
        PersonalColumn("date_of_birth", label=_("date of birth")),
        PersonalColumn("phone", label=_("phone")),
        "organization",
        "consent_state",
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
    inspect_view_fields = [
        "full_name",
        "organization",
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
        "consent_state",
        "note",
    ]


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


class PersonMergeViewSet(ScopedModelViewSet):
    model = PersonMerge
    icon = "resubmit"
    menu_label = _("Merges of persons")
    add_view_enabled = False
    edit_view_enabled = False
    copy_view_enabled = False
    list_select_related = ("kept", "merged", "merged_by")
    form_fields = ["kept", "merged"]
    list_display = ["merged", "kept", "merged_by", "created_at", "undone_at"]
    inspect_view_fields = ["merged", "kept", "merged_by", "created_at", "undone_at"]


person_viewset = PersonViewSet("persons")
person_chooser_viewset = PersonChooserViewSet("person_chooser")


class PeopleGroup(ViewSetGroup):
    menu_label = _("People")
    menu_icon = "user"
    menu_order = 200
    items = (person_viewset, ConsentViewSet("consents"), PersonMergeViewSet("person_merges"))
