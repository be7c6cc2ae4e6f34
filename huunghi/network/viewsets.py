"""Admin viewsets of the friendship network."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup

from huunghi.orgs.wagtail import (
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedModelViewSet,
)
from huunghi.people.exports import MembershipExportMixin

from . import services
from .forms import AssociationForm, ChapterForm, unique_code
from .models import Association, Chapter, Congress, Membership, MembershipPeriod, Position


class ProfileCreateView(ScopedCreateView):
    """Creates the organisation of the tree and its profile in one step (a service)."""

    create_service = None

    def save_instance(self):
        form = self.form
        data = form.cleaned_data
        parent = data["parent"]
        profile = {
            name: data[name]
            for name in form._meta.fields
            if name not in ("partner_countries",) and name in data
        }
        kwargs = {k: v for k, v in form.organization_values().items() if k not in ("valid_to",)}
        if "partner_countries" in data:
            kwargs["partner_countries"] = data["partner_countries"]
        instance = type(self).create_service(
            actor=self.request.user,
            parent=parent,
            code=unique_code(parent, data["name_vi"]),
            **kwargs,
            **profile,
        )
        if data.get("valid_to"):
            org = instance.organization
            org.valid_to = data["valid_to"]
            org.save()
        return instance


class ProfileEditView(ScopedEditView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            self.form.save_organization()
        return instance


class AssociationCreateView(ProfileCreateView):
    create_service = staticmethod(services.association_create)


class ChapterCreateView(ProfileCreateView):
    create_service = staticmethod(services.chapter_create)


class AssociationViewSet(ScopedModelViewSet):
    model = Association
    icon = "group"
    menu_label = _("Friendship associations")
    base_form_class = AssociationForm
    add_view_class = AssociationCreateView
    edit_view_class = ProfileEditView
    list_select_related = ("organization",)
    list_prefetch_related = ("partner_countries",)
    list_display = ["organization", "country_list", "status", "founding_decision_date"]
    list_filter = ["status", "partner_countries"]
    list_export = [
        "organization",
        "country_list",
        "status",
        "founding_decision_number",
        "founding_decision_date",
        "founding_decision_issuer",
        "address",
        "phone",
        "email",
        "website",
    ]
    export_filename = "hoi-huu-nghi"
    search_fields = ["search_text"]
    form_fields = [
        "partner_countries",
        "status",
        "founding_decision_number",
        "founding_decision_date",
        "founding_decision_issuer",
        "address",
        "phone",
        "email",
        "website",
    ]
    inspect_view_fields = list_export


class ChapterViewSet(ScopedModelViewSet):
    model = Chapter
    icon = "group"
    menu_label = _("Chapters")
    base_form_class = ChapterForm
    add_view_class = ChapterCreateView
    edit_view_class = ProfileEditView
    list_select_related = ("organization", "organization__unit")
    list_display = ["organization", "kind", "unit"]
    list_filter = ["kind"]
    list_export = ["organization", "kind", "unit", "address"]
    export_filename = "chi-hoi"
    search_fields = ["search_text"]
    form_fields = ["kind", "address"]
    inspect_view_fields = list_export


class MembershipCreateView(ScopedCreateView):
    def save_instance(self):
        instance = super().save_instance()
        services.membership_periods_start(instance)
        return instance


class MembershipIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.get_edit_url(instance):
            buttons.append(
                MenuItem(
                    _("Change status"),
                    url=reverse("network_membership_status", args=[instance.pk]),
                    icon_name="date",
                    priority=15,
                )
            )
        return buttons


class MembershipViewSet(MembershipExportMixin, ScopedModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Members")
    add_view_class = MembershipCreateView
    index_view_class = MembershipIndexView
    list_select_related = ("person", "organization")
    list_display = ["member_name", "organization", "card_number", "joined_on", "status"]
    list_filter = ["status", "kind", "organization"]
    list_export = [
        "member_name",
        "organization",
        "kind",
        "card_number",
        "joined_on",
        "status",
        "status_since",
    ]
    export_filename = "hoi-vien"
    search_fields = ["search_text"]
    ordering = ["organization__path", "person__sort_key", "id"]
    form_fields = [
        "organization",
        "kind",
        "person",
        "collective_name",
        "joined_on",
        "card_number",
        "note",
    ]
    inspect_view_fields = [
        "member_name",
        "organization",
        "kind",
        "card_number",
        "joined_on",
        "status",
        "status_since",
        "transferred_from",
        "note",
    ]


class MembershipPeriodViewSet(ScopedModelViewSet):
    model = MembershipPeriod
    icon = "date"
    menu_label = _("Membership statuses")
    add_view_enabled = False
    edit_view_enabled = False
    copy_view_enabled = False
    form_fields = ["status", "valid_from", "valid_to", "note"]
    list_select_related = ("membership", "membership__person", "membership__organization")
    list_display = ["membership", "status", "valid_from", "valid_to"]
    list_filter = ["status"]


class CongressViewSet(ScopedModelViewSet):
    model = Congress
    icon = "calendar-alt"
    menu_label = _("Congresses")
    list_select_related = ("organization",)
    list_display = ["__str__", "held_on", "delegates"]
    list_export = ["organization", "number", "term_start", "term_end", "held_on", "delegates"]
    export_filename = "dai-hoi"
    form_fields = [
        "organization",
        "number",
        "term_start",
        "term_end",
        "held_on",
        "delegates",
        "note",
    ]


class PositionViewSet(ScopedModelViewSet):
    model = Position
    icon = "pick"
    menu_label = _("Positions")
    list_select_related = ("person", "organization", "congress")
    list_display = ["person", "title", "committee", "organization", "started_on", "ended_on"]
    list_filter = ["title", "committee"]
    list_export = [
        "person",
        "title",
        "committee",
        "organization",
        "congress",
        "started_on",
        "ended_on",
    ]
    export_filename = "chuc-danh"
    search_fields = ["search_text"]
    form_fields = [
        "organization",
        "person",
        "committee",
        "title",
        "congress",
        "started_on",
        "ended_on",
    ]


association_viewset = AssociationViewSet("associations")
chapter_viewset = ChapterViewSet("chapters")
membership_viewset = MembershipViewSet("memberships")


class NetworkGroup(ViewSetGroup):
    menu_label = _("Friendship network")
    menu_icon = "group"
    menu_order = 150
    items = (
        association_viewset,
        chapter_viewset,
        membership_viewset,
        CongressViewSet("congresses"),
        PositionViewSet("positions"),
        MembershipPeriodViewSet("membership_periods"),
    )
