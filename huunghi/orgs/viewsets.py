"""Admin viewsets of organisations, roles, clusters and attachments."""

from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.base import ViewSetGroup

from huunghi.places.models import AdministrativeUnit, Country, UnitMapping

from .forms import OrganizationForm, RoleGrantForm
from .models import (
    Attachment,
    Cluster,
    ClusterCoordinator,
    ClusterLeadership,
    ClusterMembership,
    Organization,
    OrganizationName,
    Role,
    Succession,
)
from .wagtail import ScopedChooserViewSet, ScopedCreateView, ScopedModelViewSet


class YesNoColumn(BooleanColumn):
    """A tick or a cross, read out as "Có"/"Không" (Wagtail's says "True"/"False")."""

    cell_template_name = "orgs/tables/yes_no_cell.html"


class OrganizationCreateView(ScopedCreateView):
    """A new organisation is placed in the tree under the parent the user chooses."""

    def save_instance(self):
        parent = self.form.cleaned_data["parent"]
        instance = parent.add_child(instance=self.form.instance)
        if (
            not Organization.objects.visible_to(self.request.user, "change")
            .filter(pk=instance.pk)
            .exists()
        ):
            raise PermissionDenied
        return instance


class OrganizationViewSet(ScopedModelViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organisations")
    add_to_admin_menu = True
    menu_order = 100
    list_display = [
        "name_vi",
        "code",
        "kind",
        "valid_from",
        "valid_to",
        YesNoColumn("is_confirmed", label=capfirst(_("confirmed"))),
    ]
    list_filter = ["kind", "is_confirmed"]
    list_export = ["code", "kind", "name_vi", "name_en", "valid_from", "valid_to"]
    export_filename = "to-chuc"
    search_fields = ["search_text"]
    ordering = ["path"]
    inspect_view_fields = [
        "code",
        "kind",
        "name_vi",
        "name_en",
        "short_name_vi",
        "valid_from",
        "valid_to",
        "unit",
        "is_confirmed",
        "note",
        "predecessor_list",
        "successor_list",
    ]
    add_view_class = OrganizationCreateView
    base_form_class = OrganizationForm
    form_fields = [
        "code",
        "kind",
        "name_vi",
        "name_en",
        "short_name_vi",
        "valid_from",
        "valid_to",
        "unit",
        "is_confirmed",
        "note",
    ]


class OrganizationNameViewSet(ScopedModelViewSet):
    model = OrganizationName
    icon = "history"
    menu_label = _("Earlier names")
    form_fields = ["organization", "name_vi", "name_en", "valid_from", "valid_to"]
    list_display = ["name_vi", "organization", "valid_from", "valid_to"]
    list_export = ["name_vi", "name_en", "organization", "valid_from", "valid_to"]
    list_select_related = ("organization",)
    search_fields = ["search_text"]


class SuccessionViewSet(ScopedModelViewSet):
    model = Succession
    icon = "arrow-right-full"
    menu_label = _("Successions")
    form_fields = ["predecessor", "successor", "kind", "date", "decision"]
    list_display = ["predecessor", "successor", "kind", "date", "decision"]
    list_export = ["predecessor", "successor", "kind", "date", "decision"]
    list_select_related = ("predecessor", "successor")


class RoleViewSet(ScopedModelViewSet):
    model = Role
    icon = "key"
    menu_label = _("Users and roles")
    add_to_admin_menu = True
    menu_order = 110
    base_form_class = RoleGrantForm
    inspect_view_fields_exclude = [*ScopedModelViewSet.inspect_view_fields_exclude, "user_sort_key"]
    list_select_related = ("user", "organization")
    form_fields = ["user", "organization", "role", "personal_data", "valid_from", "valid_to"]
    list_display = [
        "user",
        "organization",
        "role",
        YesNoColumn("personal_data", label=capfirst(_("may see personal data"))),
        "valid_to",
    ]
    list_filter = ["role", "personal_data"]
    list_export = ["user", "organization", "role", "personal_data", "valid_from", "valid_to"]
    export_filename = "vai-tro"
    search_fields = ["search_text"]


class AttachmentViewSet(ScopedModelViewSet):
    model = Attachment
    icon = "doc-full"
    menu_label = _("Attachments")
    add_to_admin_menu = True
    menu_order = 120
    form_fields = ["organization", "title", "file", "description"]
    list_select_related = ("organization",)
    list_display = ["title", "organization", "original_name", "created_at"]
    list_export = ["title", "organization", "original_name", "size", "created_at"]
    export_filename = "tai-lieu"
    search_fields = ["search_text"]
    inspect_view_fields = ["title", "organization", "original_name", "size", "description"]


class NationalModelViewSet(ScopedModelViewSet):
    """Reference data read by all staff, changed by national administrators only
    (the model sets ``national_reference = True``; see ``orgs.apps``)."""


class ClusterViewSet(NationalModelViewSet):
    model = Cluster
    icon = "table"
    menu_label = _("Clusters")
    form_fields = ["number", "name_vi", "name_en", "note"]
    list_display = ["number", "name_vi"]
    search_fields = ["search_text"]


class ClusterMembershipViewSet(NationalModelViewSet):
    model = ClusterMembership
    icon = "list-ul"
    menu_label = _("Cluster memberships")
    form_fields = ["cluster", "organization", "valid_from", "valid_to", "basis", "is_confirmed"]
    list_display = [
        "cluster",
        "organization",
        "valid_from",
        "valid_to",
        YesNoColumn("is_confirmed", label=capfirst(_("confirmed"))),
    ]
    list_filter = ["cluster", "is_confirmed"]
    list_select_related = ("cluster", "organization")
    list_export = ["cluster", "organization", "valid_from", "valid_to", "basis", "is_confirmed"]


class ClusterLeadershipViewSet(NationalModelViewSet):
    model = ClusterLeadership
    icon = "pick"
    menu_label = _("Cluster heads and deputies")
    form_fields = ["cluster", "year", "head", "deputy", "decision"]
    list_display = ["cluster", "year", "head", "deputy", "decision"]
    list_select_related = ("cluster", "head", "deputy")
    list_filter = ["cluster"]


class ClusterCoordinatorViewSet(NationalModelViewSet):
    model = ClusterCoordinator
    icon = "user"
    menu_label = _("Cluster coordinators")
    form_fields = ["cluster", "user", "valid_from", "valid_to"]
    list_select_related = ("cluster", "user")
    list_display = ["cluster", "user", "valid_from", "valid_to"]


class ClusterGroup(ViewSetGroup):
    menu_label = _("Clusters")
    menu_icon = "table"
    menu_order = 130
    items = (
        ClusterViewSet("clusters"),
        ClusterMembershipViewSet("cluster_memberships"),
        ClusterLeadershipViewSet("cluster_leaderships"),
        ClusterCoordinatorViewSet("cluster_coordinators"),
    )


class AdministrativeUnitViewSet(NationalModelViewSet):
    model = AdministrativeUnit
    icon = "site"
    menu_label = _("Administrative units")
    list_display = ["name", "code", "level", "division_type", "code_system", "parent"]
    list_filter = ["code_system", "level"]
    list_select_related = ("parent",)
    list_export = ["code_system", "level", "code", "name", "division_type", "parent"]
    export_filename = "don-vi-hanh-chinh"
    search_fields = ["search_text"]
    inspect_view_fields = ["name", "code", "code_system", "level", "division_type", "parent"]
    form_fields = ["name"]


class UnitMappingViewSet(NationalModelViewSet):
    model = UnitMapping
    icon = "resubmit"
    menu_label = _("Unit mapping (before and after 1 July 2025)")
    form_fields = ["old_unit", "new_unit", "level", "basis", "is_confirmed", "note"]
    list_display = [
        "old_unit",
        "new_unit",
        "level",
        "basis",
        YesNoColumn("is_confirmed", label=capfirst(_("confirmed"))),
    ]
    list_filter = ["level", "basis", "is_confirmed"]
    list_select_related = ("old_unit", "new_unit")
    list_export = ["old_unit", "new_unit", "level", "basis", "is_confirmed", "note"]
    export_filename = "chuyen-doi-don-vi"
    search_fields = ["search_text"]


class CountryViewSet(NationalModelViewSet):
    model = Country
    icon = "globe"
    menu_label = _("Countries")
    list_display = ["name_vi", "code", "alpha3", "name_en"]
    list_export = ["code", "alpha3", "name_vi", "name_en"]
    search_fields = ["search_text"]
    form_fields = ["name_vi"]


class PlacesGroup(ViewSetGroup):
    menu_label = _("Places")
    menu_icon = "site"
    menu_order = 140
    items = (
        AdministrativeUnitViewSet("units"),
        UnitMappingViewSet("unit_mappings"),
        CountryViewSet("countries"),
    )


class OrganizationChooserViewSet(ScopedChooserViewSet):
    model = Organization
    icon = "group"
    choose_one_text = _("Choose an organisation")
    choose_another_text = _("Choose another organisation")


class AdministrativeUnitChooserViewSet(ScopedChooserViewSet):
    model = AdministrativeUnit
    icon = "site"
    choose_one_text = _("Choose an administrative unit")
    choose_another_text = _("Choose another administrative unit")
    url_filter_parameters = ["code_system", "level"]
    preserve_url_parameters = ["multiple", "code_system", "level"]


organization_viewset = OrganizationViewSet("organizations")


class OrganizationHistoryGroup(ViewSetGroup):
    menu_label = _("Organisation history")
    menu_icon = "history"
    menu_order = 105
    items = (OrganizationNameViewSet("organization_names"), SuccessionViewSet("successions"))


unit_chooser_viewset = AdministrativeUnitChooserViewSet("unit_chooser")
role_viewset = RoleViewSet("roles")
attachment_viewset = AttachmentViewSet("attachments")
organization_chooser_viewset = OrganizationChooserViewSet("organization_chooser")
