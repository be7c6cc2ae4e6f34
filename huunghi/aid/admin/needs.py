"""The needs catalog: editions, needs, the status change of a need and the bilingual
booklet downloads. Every view starts from the visibility rule (the scoped bases of
``orgs.wagtail`` and ``orgs.views``): another organisation's edition or need answers 404."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button, HeaderButton

from huunghi.core.exceptions import DeleteRefused
from huunghi.core.money import format_vnd, format_vnd_short
from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.forms import ScopedAdminForm
from huunghi.orgs.views import AdminPageMixin, ScopedViewMixin
from huunghi.orgs.viewsets import organization_chooser_viewset, unit_chooser_viewset
from huunghi.orgs.wagtail import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
)
from huunghi.places.models import AdministrativeUnit, CodeSystem
from huunghi.places.selectors import province_list

from ..booklet import edition_docx, edition_filename, edition_xlsx
from ..choices import NeedStatus
from ..models import AidActivity, NeedItem, NeedsEdition
from ..needs_services import need_status_change, needs_edition_totals

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MoneyColumn(Column):
    """An amount in đồng: "1.500.000.000 đ" (or "1,5 tỷ đồng" with ``short``)."""

    def __init__(self, name, short=False, **kwargs):
        self.short = short
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return "—"
        return format_vnd_short(value) if self.short else format_vnd(value)


def _location(need: NeedItem) -> str:
    unit = need.unit
    if unit is None:
        return "—"
    if unit.parent_id and unit.is_current:
        return f"{unit.name}, {unit.parent.name}"
    return unit.name


# -- editions ---------------------------------------------------------------------------


def _with_totals(queryset):
    live = Q(items__deleted_at__isnull=True)
    return queryset.annotate(
        need_count=Count("items", filter=live),
        budget_total=Sum("items__estimated_budget", filter=live),
    )


def _download_items(edition, *, more=False):
    """The two booklet downloads of an edition, as header buttons or row menu items."""
    make = MenuItem if more else HeaderButton
    return [
        make(
            label,
            url=reverse(f"aid_needs:edition_{fmt}", args=[edition.pk]),
            icon_name="download",
            priority=40 + i,
        )
        for i, (fmt, label) in enumerate(
            (
                ("docx", _("Booklet (.docx)")),
                ("xlsx", _("Booklet (.xlsx)")),
            )
        )
    ]


class NeedsEditionIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return _with_totals(super().get_base_queryset())

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *_download_items(instance, more=True)]


class NeedsEditionInspectView(ScopedInspectView):
    template_name = "aid/needs/edition_inspect.html"

    def get_year_display_value(self):
        return str(self.object.year)  # a year, not a quantity: no thousands separator

    @cached_property
    def header_buttons(self):
        return [*super().header_buttons, *_download_items(self.object)]

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", self.object
        ):
            buttons.append(
                Button(
                    _("Add a need"),
                    url=f"{reverse('needs:add')}?edition={self.object.pk}",
                    icon_name="plus",
                    priority=30,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        totals = needs_edition_totals(actor=user, edition=self.object)
        for row in (totals, *totals["by_sector"], *totals["by_status"]):
            row["budget_short"] = format_vnd_short(row["budget"] or 0)
        items = (
            NeedItem.objects.visible_to(user)
            .filter(edition=self.object)
            .select_related("sector", "unit", "unit__parent")
            .order_by("number", "id")
        )
        context.update(
            totals=totals,
            items=[
                {
                    "need": need,
                    "url": reverse("needs:inspect", args=[need.pk]),
                    "location": _location(need),
                    "budget": format_vnd(need.estimated_budget) or "—",
                }
                for need in items
            ],
        )
        return context


class NeedsEditionDeleteView(ScopedDeleteView):
    def delete_action(self):
        if NeedItem.objects.filter(edition=self.object).exists():
            raise DeleteRefused(
                _(
                    "This edition still has needs. Move them to another edition or to the "
                    "trash first."
                )
            )
        super().delete_action()


class NeedsEditionViewSet(ScopedModelViewSet):
    model = NeedsEdition
    icon = "list-ol"
    menu_label = _("Needs catalog editions")
    index_view_class = NeedsEditionIndexView
    inspect_view_class = NeedsEditionInspectView
    delete_view_class = NeedsEditionDeleteView
    list_select_related = ("organization",)
    list_display = [
        "title_vi",
        "year",
        "organization",
        Column("need_count", label=_("needs")),
        MoneyColumn("budget_total", short=True, label=_("estimated budget")),
        "published_on",
    ]
    list_filter = ["year", "organization"]
    list_export = [
        "year",
        "title_vi",
        "title_en",
        "organization",
        "published_on",
        "need_count",
        "budget_total",
    ]
    export_headings = {
        "need_count": _("needs"),
        "budget_total": _("estimated budget (VND)"),
    }
    export_filename = "danh-muc-nhu-cau"
    search_fields = ["search_text"]
    form_fields = [
        "organization",
        "year",
        "title_vi",
        "title_en",
        "introduction_vi",
        "introduction_en",
        "published_on",
    ]
    inspect_view_fields = form_fields


# -- needs ------------------------------------------------------------------------------


class CurrentUnitChooser(unit_chooser_viewset.widget_class):
    """The administrative unit chooser, listing today's units (communes and provinces from
    1 July 2025) only."""

    def get_chooser_modal_url(self):
        return f"{super().get_chooser_modal_url()}?code_system={CodeSystem.GSO_2025}"


class NeedItemForm(ScopedAdminForm):
    """A need: its edition among those the user may change, a unit of today, a proposer that
    is either a visible organisation or a name, and a number that is unique in its edition
    (the next free one when left empty)."""

    scope_field_actions = {"edition": Action.CHANGE, "proposer": Action.VIEW}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        fields = self.fields
        if "edition" in fields:
            fields["edition"].queryset = fields["edition"].queryset.select_related("organization")
            fields["edition"].label_from_instance = lambda e: f"{e.title_vi} — {e.organization}"
        if "unit" in fields:
            fields["unit"].queryset = AdministrativeUnit.objects.filter(
                Q(code_system=CodeSystem.GSO_2025) | Q(pk=self.instance.unit_id)
            )
            fields["unit"].error_messages["invalid_choice"] = _(
                "Choose a commune or a province of today (from 1 July 2025)."
            )
        if "sector" in fields:
            fields["sector"].queryset = fields["sector"].queryset.filter(
                Q(is_active=True) | Q(pk=self.instance.sector_id)
            )

    def clean(self):
        cleaned = super().clean()
        proposer, name = cleaned.get("proposer"), (cleaned.get("proposer_name") or "").strip()
        if "proposer" in self.fields and not self.has_error("proposer"):
            if proposer is None and not name:
                self.add_error(
                    "proposer",
                    _("Choose the agency or commune that proposes it, or write its name."),
                )
            elif proposer is not None and name:
                self.add_error(
                    "proposer_name",
                    _("Choose an organisation or write a name, not both."),
                )
        edition = cleaned.get("edition") or (self.instance.edition if self.instance.pk else None)
        if edition is not None and "number" in self.fields and not self.has_error("number"):
            others = NeedItem.objects.filter(edition=edition).exclude(pk=self.instance.pk)
            number = cleaned.get("number")
            if number is None:
                cleaned["number"] = (others.aggregate(top=Max("number"))["top"] or 0) + 1
            else:
                taken = others.filter(number=number).first()
                if taken is not None:
                    self.add_error(
                        "number",
                        _("No. %(number)s is already used in this edition by “%(need)s”.")
                        % {"number": number, "need": taken},
                    )
        return cleaned


class NeedItemFilterSet(WagtailFilterSet):
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=province_list(),
        method="filter_province",
    )

    class Meta:
        model = NeedItem
        fields = ["edition", "sector", "status", "priority"]

    def filter_province(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(unit=value) | Q(unit__parent=value))


def _may_change_needs(user) -> bool:
    return visibility.has_any(user, Action.CHANGE)


def _status_item(need, *, more):
    url = reverse("aid_needs:need_status", args=[need.pk])
    if more:
        return MenuItem(_("Change status"), url=url, icon_name="resubmit", priority=15)
    return HeaderButton(_("Change status"), url=url, icon_name="resubmit")


class NeedItemIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(proposed_by=Coalesce("proposer__name_vi", "proposer_name"))
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if _may_change_needs(self.request.user):
            buttons.append(_status_item(instance, more=True))
        return buttons


class NeedItemCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        edition = self.request.GET.get("edition", "")
        if edition.isdigit():
            initial["edition"] = int(edition)
        return initial


class NeedItemInspectView(ScopedInspectView):
    template_name = "aid/needs/need_inspect.html"

    def get_estimated_budget_display_value(self):
        return format_vnd(self.object.estimated_budget) or "—"

    def get_unit_display_value(self):
        return _location(self.object)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", self.object
        ):
            buttons.append(_status_item(self.object, more=False))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        finder = AdminURLFinder(user)
        activities = (
            AidActivity.objects.visible_to(user)
            .filter(needs=self.object)
            .select_related("organization")
            .order_by("-planned_start", "-id")
        )
        context["beneficiaries"] = self.object.beneficiaries.select_related("group")
        context["activities"] = [
            {"activity": activity, "url": finder.get_edit_url(activity)} for activity in activities
        ]
        return context


NEED_PANELS = [
    FieldPanel("edition"),
    FieldPanel("number"),
    MultiFieldPanel(
        [
            FieldPanel("title_vi"),
            FieldPanel("title_en"),
            FieldPanel("description_vi"),
            FieldPanel("description_en"),
        ],
        heading=_("What is needed"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("sector"),
            FieldPanel("unit", widget=CurrentUnitChooser()),
            FieldPanel("proposer", widget=organization_chooser_viewset.widget_class()),
            FieldPanel("proposer_name"),
            FieldPanel("contact"),
        ],
        heading=_("Where, and who proposes it"),
    ),
    FieldRowPanel([FieldPanel("estimated_budget"), FieldPanel("priority")]),
    InlinePanel(
        "beneficiaries",
        heading=_("Beneficiaries"),
        label=_("beneficiary group"),
        panels=[FieldPanel("group"), FieldPanel("number")],
    ),
]


class NeedItemViewSet(ScopedModelViewSet):
    model = NeedItem
    icon = "list-ul"
    menu_label = _("Needs")
    index_view_class = NeedItemIndexView
    add_view_class = NeedItemCreateView
    inspect_view_class = NeedItemInspectView
    base_form_class = NeedItemForm
    filterset_class = NeedItemFilterSet
    panels = NEED_PANELS
    list_select_related = ("edition", "sector", "unit", "unit__parent", "proposer")
    list_display = [
        "number",
        "title_vi",
        "edition",
        "sector",
        Column("unit", label=_("location"), accessor=_location),
        MoneyColumn("estimated_budget", label=_("estimated budget")),
        "priority",
        "status",
    ]
    list_export = [
        "edition",
        "number",
        "title_vi",
        "title_en",
        "sector",
        "unit",
        "proposed_by",
        "estimated_budget",
        "priority",
        "status",
    ]
    export_headings = {"proposed_by": _("proposed by")}
    export_filename = "nhu-cau-vien-tro"
    search_fields = ["search_text"]
    ordering = ["edition", "number", "id"]
    inspect_view_fields = [
        "edition",
        "number",
        "title_vi",
        "title_en",
        "description_vi",
        "description_en",
        "sector",
        "unit",
        "proposer",
        "proposer_name",
        "contact",
        "estimated_budget",
        "priority",
        "status",
    ]


# -- the status change and the downloads ------------------------------------------------


class NeedStatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=())

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (value, label) for value, label in NeedStatus.choices if value != need.status
        ]


class NeedStatusView(ScopedViewMixin, AdminPageMixin, FormView):
    """Move a need on (or back) through its statuses with ``need_status_change``: outside
    the user's scope 404; visible but not changeable 403."""

    model = NeedItem
    scope_action = Action.CHANGE
    form_class = NeedStatusForm
    template_name = "aid/needs/need_status.html"
    page_title = _("Change the status of a need")
    header_icon = "resubmit"

    def dispatch(self, request, *args, pk, **kwargs):
        if not NeedItem.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404
        if not NeedItem.objects.visible_to(request.user, Action.CHANGE).filter(pk=pk).exists():
            raise PermissionDenied
        self.need = self.get_object(pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.need)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "need": self.need}

    def get_context_data(self, **kwargs):
        activities = (
            AidActivity.objects.visible_to(self.request.user)
            .filter(needs=self.need)
            .order_by("-planned_start", "-id")
        )
        return {**super().get_context_data(**kwargs), "need": self.need, "activities": activities}

    def form_valid(self, form):
        try:
            need_status_change(actor=self.request.user, need=self.need, to=form.cleaned_data["to"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(need)s” is now “%(status)s”.")
            % {"need": self.need, "status": self.need.get_status_display()},
        )
        return redirect("needs:inspect", self.need.pk)


class EditionDownloadView(ScopedViewMixin, View):
    """The booklet of an edition the user may see (404 otherwise)."""

    model = NeedsEdition
    renderers = {"docx": (edition_docx, DOCX), "xlsx": (edition_xlsx, XLSX)}
    file_format = None

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "organization__unit")

    def get(self, request, pk):
        edition = self.get_object(pk)
        render, content_type = self.renderers[self.file_format]
        response = HttpResponse(render(edition), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=edition_filename(edition, self.file_format)
        )
        return response


@hooks.register("register_admin_urls")
def register_needs_urls():
    urls = [
        path("needs/<int:pk>/status/", NeedStatusView.as_view(), name="need_status"),
        path(
            "editions/<int:pk>/booklet.docx",
            EditionDownloadView.as_view(file_format="docx"),
            name="edition_docx",
        ),
        path(
            "editions/<int:pk>/booklet.xlsx",
            EditionDownloadView.as_view(file_format="xlsx"),
            name="edition_xlsx",
        ),
    ]
    return [path("needs-catalog/", include((urls, "aid_needs"), namespace="aid_needs"))]


needs_edition_viewset = NeedsEditionViewSet("needs_editions")
need_item_viewset = NeedItemViewSet("needs")

VIEWSETS = [needs_edition_viewset, need_item_viewset]
