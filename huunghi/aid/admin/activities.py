"""Aid activities and transactions: admin viewsets and the actions after the union's review
(the approval decision, the stages, cancelling)."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton

from huunghi.core.money import format_vnd
from huunghi.orgs.choices import Action, OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.snippets import ScopedSnippetInspectView, ScopedSnippetViewSet
from huunghi.orgs.views import AdminPageMixin, ScopedViewMixin
from huunghi.orgs.wagtail import ScopedCreateView, ScopedModelViewSet

from ..choices import STAGE_NEXT, ActivityStatus, TransactionKind
from ..forms import AidActivityForm, AidTransactionForm
from ..models import AidActivity, AidForm, AidTransaction, Sector
from ..services import activities as services


class AidActivityFilterSet(WagtailFilterSet):
    """Filters of the activity list: the province's union, the year, the sector."""

    province = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Union (with its subtree)"),
        queryset=Organization.objects.filter(
            kind__in=[OrgKind.PROVINCIAL_UNION, OrgKind.NATIONAL_UNION]
        ),
        method="filter_subtree",
    )
    year = django_filters.NumberFilter(
        label=gettext_lazy("Year (planned dates)"), method="filter_year"
    )
    sector = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Sector"),
        queryset=Sector.objects.all(),
        field_name="sectors__sector",
        distinct=True,
    )
    form = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Form of aid"), queryset=AidForm.objects.all()
    )
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"), choices=ActivityStatus.choices
    )
    stalled = django_filters.BooleanFilter(
        label=gettext_lazy("No disbursement six months after approval"),
        field_name="stalled_since",
        lookup_expr="isnull",
        exclude=True,
    )

    class Meta:
        model = AidActivity
        fields = []

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path) if value else queryset

    def filter_year(self, queryset, name, value):
        if not value:
            return queryset
        year = int(value)
        return queryset.filter(
            Q(planned_start__year__lte=year) | Q(planned_start__isnull=True),
            Q(planned_end__year__gte=year) | Q(planned_end__isnull=True),
        )


class StatusColumn(Column):
    cell_template_name = "aid/tables/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = instance.get_status_display()
        context["stalled"] = instance.stalled_since
        return context


class AidActivityIndexView(ScopedSnippetViewSet.index_view_class):
    @cached_property
    def columns(self):
        from wagtail.admin.ui.tables import LiveStatusTagColumn

        # Our status says where the review stands ("Submitted", "Approved", …); Wagtail's
        # live/draft tag would say it a second time in other words.
        return [c for c in super().columns if not isinstance(c, LiveStatusTagColumn)]


class AidActivityInspectView(ScopedSnippetInspectView):
    template_name = "aid/activities/inspect.html"

    @cached_property
    def header_buttons(self):
        buttons = [*super().header_buttons]
        activity = self.object
        may_change = (
            AidActivity.objects.visible_to(self.request.user, Action.CHANGE)
            .filter(pk=activity.pk)
            .exists()
        )
        if not may_change:
            return buttons
        buttons.append(
            HeaderButton(
                _("Add a transaction"),
                url=reverse("aid_transactions:add") + f"?activity={activity.pk}",
                icon_name="plus",
            )
        )
        if activity.status in (ActivityStatus.APPROVED, ActivityStatus.IMPLEMENTING):
            buttons.append(
                HeaderButton(
                    _("Record the approval decision"),
                    url=reverse("aid_activity_decision", args=[activity.pk]),
                    icon_name="doc-full",
                )
            )
        if activity.status not in (ActivityStatus.CLOSED, ActivityStatus.CANCELLED):
            buttons.append(
                HeaderButton(
                    _("Change stage"),
                    url=reverse("aid_activity_stage", args=[activity.pk]),
                    icon_name="resubmit",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.object
        transactions = (
            AidTransaction.objects.visible_to(self.request.user)
            .filter(activity=activity)
            .select_related("provider")
            .order_by("date", "id")
        )
        totals = {
            row["kind"]: row
            for row in transactions.order_by()
            .values("kind")
            .annotate(total=Sum("vnd"), missing=Count("id", filter=Q(vnd__isnull=True)))
        }
        context.update(
            {
                "transactions": transactions,
                "totals": [
                    {
                        "label": kind.label,
                        "vnd": format_vnd((totals.get(kind) or {}).get("total") or 0),
                        "missing": (totals.get(kind) or {}).get("missing") or 0,
                    }
                    for kind in TransactionKind
                ],
                "donors": activity.donors.select_related("partner"),
                "sectors": activity.sectors.select_related("sector"),
                "locations": activity.locations.select_related("unit", "province"),
                "beneficiaries": activity.beneficiaries.select_related("group"),
            }
        )
        return context


class AidActivityViewSet(ScopedSnippetViewSet):
    model = AidActivity
    icon = "resubmit"
    menu_label = gettext_lazy("Aid activities")
    url_prefix = "aid/activities"
    url_namespace = "aid_activities"
    base_form_class = AidActivityForm
    index_view_class = AidActivityIndexView
    inspect_view_class = AidActivityInspectView
    filterset_class = AidActivityFilterSet
    list_select_related = ("organization", "form")
    list_display = [
        "title_vi",
        "organization",
        "form",
        "planned_start",
        StatusColumn("status", label=gettext_lazy("Status")),
    ]
    list_export = [
        "reference",
        "title_vi",
        "title_en",
        "organization",
        "form",
        "aid_owner",
        "managing_agency",
        "mobilised_by",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "status",
        "approved_on",
        "decision_number",
        "decision_date",
        "decision_authority",
        "iati_identifier",
    ]
    export_filename = "khoan-vien-tro"
    search_fields = ["search_text"]
    inspect_view_fields = [
        "reference",
        "organization",
        "form",
        "title_vi",
        "title_en",
        "description",
        "implementing_partner",
        "aid_owner",
        "managing_agency",
        "mobilised_by",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "status",
        "approved_on",
        "decision_number",
        "decision_date",
        "decision_authority",
        "stalled_since",
        "iati_identifier",
    ]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organization"),
                FieldRowPanel([FieldPanel("form"), FieldPanel("reference")]),
                FieldPanel("title_vi"),
                FieldPanel("title_en"),
                FieldPanel("description"),
            ],
            heading=gettext_lazy("The activity"),
        ),
        InlinePanel("donors", heading=gettext_lazy("Donors"), label=gettext_lazy("Donor")),
        MultiFieldPanel(
            [
                FieldPanel("implementing_partner"),
                FieldPanel("aid_owner"),
                FieldPanel("managing_agency"),
                FieldPanel("mobilised_by"),
            ],
            heading=gettext_lazy("Who carries it out"),
        ),
        InlinePanel("sectors", heading=gettext_lazy("Sectors"), label=gettext_lazy("Sector")),
        InlinePanel("locations", heading=gettext_lazy("Locations"), label=gettext_lazy("Location")),
        InlinePanel(
            "beneficiaries",
            heading=gettext_lazy("Beneficiaries"),
            label=gettext_lazy("Beneficiary group"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("planned_start"), FieldPanel("planned_end")]),
                FieldRowPanel([FieldPanel("actual_start"), FieldPanel("actual_end")]),
            ],
            heading=gettext_lazy("Dates"),
        ),
        MultiFieldPanel(
            [FieldPanel("needs"), FieldPanel("attachments"), FieldPanel("iati_identifier")],
            heading=gettext_lazy("Needs, documents and identifiers"),
        ),
    ]


class AidTransactionCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        activity = self.request.GET.get("activity")
        if activity and activity.isdigit():
            visible = AidActivity.objects.visible_to(self.request.user, Action.CHANGE)
            if visible.filter(pk=activity).exists():
                initial["activity"] = int(activity)
        return initial

    def get_success_url(self):
        return reverse("aid_activities:inspect", args=[self.object.activity_id])


class AidTransactionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=TransactionKind.choices)
    currency = django_filters.CharFilter(label=gettext_lazy("Currency"), lookup_expr="iexact")
    date_from = django_filters.DateFilter(
        label=gettext_lazy("From"), field_name="date", lookup_expr="gte"
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("Until"), field_name="date", lookup_expr="lte"
    )
    missing_rate = django_filters.BooleanFilter(
        label=gettext_lazy("No exchange rate"), field_name="vnd", lookup_expr="isnull"
    )

    class Meta:
        model = AidTransaction
        fields = []


class VNDColumn(Column):
    cell_template_name = "aid/tables/vnd_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = format_vnd(instance.vnd) if instance.vnd is not None else None
        return context


class AidTransactionViewSet(ScopedModelViewSet):
    model = AidTransaction
    icon = "table"
    menu_label = gettext_lazy("Transactions")
    url_prefix = "aid/transactions"
    url_namespace = "aid_transactions"
    base_form_class = AidTransactionForm
    add_view_class = AidTransactionCreateView
    filterset_class = AidTransactionFilterSet
    list_select_related = ("activity", "provider")
    list_display = [
        "activity",
        "kind",
        "date",
        "amount",
        "currency",
        "provider",
        VNDColumn("vnd", label=gettext_lazy("Value (đồng)")),
    ]
    list_export = [
        "activity",
        "kind",
        "date",
        "amount",
        "currency",
        "provider",
        "rate",
        "rate_date",
        "value_vnd",
        "vnd_credited",
        "vnd",
        "description",
    ]
    export_filename = "giao-dich-vien-tro"
    search_fields = ["search_text"]
    form_fields = [
        "activity",
        "kind",
        "date",
        "amount",
        "currency",
        "provider",
        "vnd_credited",
        "description",
    ]
    inspect_view_fields = list_export


# -- actions after the review -------------------------------------------------------------


class DecisionForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Decision number"), max_length=60)
    date = forms.DateField(label=gettext_lazy("Decision date"))
    authority = forms.CharField(
        label=gettext_lazy("Approving authority"),
        max_length=255,
        help_text=gettext_lazy("e.g. Ủy ban nhân dân tỉnh Đồng Tháp"),
    )


class StageForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("New stage"))

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        following = STAGE_NEXT.get(activity.status)
        if following:
            choices.append((following, ActivityStatus(following).label))
        if activity.status not in (ActivityStatus.CLOSED, ActivityStatus.CANCELLED):
            choices.append((ActivityStatus.CANCELLED, ActivityStatus.CANCELLED.label))
        self.fields["to"].choices = choices


class ActivityActionView(ScopedViewMixin, AdminPageMixin, FormView):
    """Base of the action pages of one activity: 404 outside the user's view, refused
    without the right to change it. Subclasses ``run(form)`` their service."""

    model = AidActivity
    scope_action = Action.CHANGE
    template_name = "aid/activities/action.html"
    header_icon = "resubmit"

    def dispatch(self, request, *args, pk, **kwargs):
        if not AidActivity.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404
        if not AidActivity.objects.visible_to(request.user, Action.CHANGE).filter(pk=pk).exists():
            raise PermissionDenied
        self.activity = self.get_object(pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.activity)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "activity": self.activity}

    def form_valid(self, form):
        try:
            self.run(form)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect("aid_activities:inspect", self.activity.pk)


class ActivityDecisionView(ActivityActionView):
    """Record the competent authority's approval decision on the activity."""

    form_class = DecisionForm
    page_title = gettext_lazy("Approval decision")
    success_message = gettext_lazy("The approval decision has been recorded.")

    def get_initial(self):
        return {
            "number": self.activity.decision_number,
            "date": self.activity.decision_date,
            "authority": self.activity.decision_authority or self.activity.managing_agency,
        }

    def run(self, form):
        services.activity_record_decision(
            actor=self.request.user, activity=self.activity, **form.cleaned_data
        )


class ActivityStageView(ActivityActionView):
    """Move the activity to its next stage, or cancel it."""

    form_class = StageForm
    page_title = gettext_lazy("Change stage")
    success_message = gettext_lazy("The stage has been changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "activity": self.activity}

    def run(self, form):
        to = form.cleaned_data["to"]
        if to == ActivityStatus.CANCELLED:
            services.activity_cancel(actor=self.request.user, activity=self.activity)
        else:
            services.activity_stage_advance(actor=self.request.user, activity=self.activity, to=to)


@hooks.register("register_admin_urls")
def register_activity_action_urls():
    return [
        path(
            "aid/activities/<int:pk>/decision/",
            ActivityDecisionView.as_view(),
            name="aid_activity_decision",
        ),
        path(
            "aid/activities/<int:pk>/stage/", ActivityStageView.as_view(), name="aid_activity_stage"
        ),
    ]


VIEWSETS = [AidActivityViewSet(), AidTransactionViewSet("aid_transactions")]
