"""Aid figures: the figures page and the dashboard panel.

The page (``aid_figures``, /admin/aid/figures/) shows, for a period and an organisation's
subtree (or a cluster, for its coordinators), the totals with the year-earlier comparison,
the breakdowns and the transactions left out for want of an exchange rate. The dashboard
panel "Viện trợ 6 tháng" shows the current half-year's totals of the user's scope."""

from django import forms
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSet

from huunghi.core.dates import format_date
from huunghi.core.money import format_decimal, format_vnd, format_vnd_short
from huunghi.orgs import visibility
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Cluster, Organization
from huunghi.orgs.selectors import cluster_list_for_coordinator
from huunghi.orgs.views import AdminPageMixin, ScopedViewMixin

from ..figures import PAGE_BREAKDOWNS, Period, aid_figures, aid_totals, coordinated_paths
from ..models import AidTransaction

#: years offered in the period list, the current one first
YEARS_OFFERED = 11
RANGE = "range"
#: lines shown per breakdown; the rest are summed in one line (communes run to thousands)
ROWS_SHOWN = 50
#: the organisations offered: unions and associations (chapters are too many to list)
FIGURE_KINDS = [OrgKind.NATIONAL_UNION, OrgKind.PROVINCIAL_UNION, OrgKind.ASSOCIATION]

BREAKDOWN_TITLES = {
    "sector": _("By sector"),
    "province": _("By province (today's provinces)"),
    "country": _("By donor country"),
    "form": _("By form of aid"),
    "mobiliser": _("By mobilising organisation"),
    "unit": _("By commune or place (as recorded)"),
}


# ---------------------------------------------------------------------------------------
# display helpers


def money(value: int | None) -> dict:
    """A đồng value for the templates: the exact integer as digits (never localised), "78,4
    tỷ đồng" and "1.250.000.000 đ"."""
    return {
        "vnd": "" if value is None else str(value),
        "short": format_vnd_short(value),
        "exact": format_vnd(value),
    }


def percent(value, *, signed=False) -> str:
    """``Decimal("8.0")`` → "+8,0%" (signed) or "8,0%"; None → "—"."""
    if value is None:
        return "—"
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{format_decimal(value, 1)}%"


def _amount_cells(amounts) -> dict:
    return {
        "mobilised": money(amounts.mobilised),
        "disbursed": money(amounts.disbursed),
        "mobilised_earlier": money(amounts.mobilised_earlier),
        "disbursed_earlier": money(amounts.disbursed_earlier),
        "mobilised_change": percent(amounts.mobilised_change, signed=True),
        "disbursed_change": percent(amounts.disbursed_change, signed=True),
    }


def totals_display(totals) -> dict:
    """What the page and the panel show of ``AidTotals``."""
    missing = totals.missing
    return {
        "period": totals.period,
        "earlier": totals.earlier,
        "scope_label": totals.scope.label,
        **_amount_cells(totals),
        "own": money(totals.own_mobilised) if totals.own_mobilised is not None else None,
        "own_earlier": (
            money(totals.own_mobilised_earlier) if totals.own_mobilised is not None else None
        ),
        "own_share": percent(totals.own_share),
        "own_change": percent(totals.own_change, signed=True),
        "missing": missing,
        "missing_currencies": ", ".join(f"{code} ({n})" for code, n in missing.currencies),
        "missing_rows": [
            {
                "date": format_date(tx.date),
                "in_period": totals.period.start <= tx.date <= totals.period.end,
                "activity": tx.activity,
                "kind": tx.get_kind_display(),
                "amount": f"{format_decimal(tx.amount, 2)} {tx.currency}",
                "provider": tx.provider,
            }
            for tx in missing.transactions
        ],
    }


def breakdown_display(by: str, rows) -> dict:
    """A breakdown for the page: names in English where the record has one and the
    interface is English; ROWS_SHOWN lines, then one line for the rest."""
    english = not (translation.get_language() or "vi").startswith("vi")
    shown, rest = rows[:ROWS_SHOWN], rows[ROWS_SHOWN:]
    return {
        "key": by,
        "title": BREAKDOWN_TITLES[by],
        "rows": [
            {
                "label": (row.label_en if english and row.label_en else row.label),
                "detail": row.detail,
                "key": row.key,
                "share": percent(row.share),
                **_amount_cells(row),
            }
            for row in shown
        ],
        "rest": len(rest),
        "rest_mobilised": money(sum(row.mobilised for row in rest)),
        "rest_disbursed": money(sum(row.disbursed for row in rest)),
    }


# ---------------------------------------------------------------------------------------
# the page


def period_choices(today) -> list:
    choices = []
    for year in range(today.year, today.year - YEARS_OFFERED, -1):
        periods = [
            Period.year(year),
            Period.half(year, 1),
            Period.half(year, 2),
            *(Period.quarter(year, q) for q in (1, 2, 3, 4)),
        ]
        choices.append((str(year), [(p.code, p.display) for p in periods]))
    choices.append((RANGE, _("Other dates (from … until …)")))
    return choices


class AidFiguresForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("Until"), required=False)
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("Everything I see"),
    )
    cluster = forms.ModelChoiceField(
        label=_("Cluster"), queryset=Cluster.objects.none(), required=False
    )

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_period = Period.current_half(today)
        self.fields["period"].choices = period_choices(today)
        visible = Organization.objects.visible_to(user)
        coordinated = cluster_list_for_coordinator(actor=user, on_date=today)
        # a coordinator also chooses among the members of their clusters (figures only)
        under_members = Q(pk__in=[])
        for member_path in coordinated_paths(user):
            under_members |= Q(path__startswith=member_path)
        self.fields["organization"].queryset = Organization.objects.filter(
            Q(pk__in=visible.values("pk")) | under_members, kind__in=FIGURE_KINDS
        )
        if visibility.is_national(user):
            self.fields["cluster"].queryset = Cluster.objects.all()
        else:
            self.fields["cluster"].queryset = coordinated
        self.has_clusters = visibility.is_national(user) or coordinated.exists()
        if not self.has_clusters:
            del self.fields["cluster"]

    def clean(self):
        data = super().clean()
        code = data.get("period")
        if code == RANGE:
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", _("Enter the first day of the period."))
            if not end:
                self.add_error("end", _("Enter the last day of the period."))
            if start and end and end < start:
                self.add_error("end", _("The last day is before the first day."))
            if start and end and end >= start:
                data["period_value"] = Period.range(start, end)
        else:
            data["period_value"] = Period.from_code(code) if code else self.default_period
        if data.get("organization") and data.get("cluster"):
            raise forms.ValidationError(_("Choose an organisation or a cluster, not both."))
        return data


class AidFiguresView(ScopedViewMixin, AdminPageMixin, TemplateView):
    """Figures come from ``huunghi.aid.figures``, which starts from the visibility rule: an
    organisation or cluster outside the user's scope answers 404."""

    model = AidTransaction
    template_name = "aid/figures/figures.html"
    page_title = _("Aid figures")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        coordinated = list(cluster_list_for_coordinator(actor=user, on_date=today))
        if not visibility.has_any(user) and not coordinated:
            raise Http404
        default = Period.current_half(today)
        form = AidFiguresForm(
            self.request.GET or None,
            user=user,
            today=today,
            initial={"period": default.code},
        )
        context = {**super().get_context_data(**kwargs), "form": form, "figures": None}
        period, root, cluster = default, None, None
        if form.is_bound:
            if "organization" in form.errors or "cluster" in form.errors:
                raise Http404
            if not form.is_valid():
                return context
            period = form.cleaned_data["period_value"]
            root = form.cleaned_data["organization"]
            cluster = form.cleaned_data.get("cluster")
        if root is None and cluster is None and not visibility.has_any(user):
            cluster = coordinated[0]
        figures = aid_figures(actor=user, period=period, root=root, cluster=cluster)
        totals = figures.totals
        context.update(
            figures=figures,
            totals=totals_display(totals),
            breakdowns=[breakdown_display(by, figures.breakdowns[by]) for by in PAGE_BREAKDOWNS],
        )
        return context


# ---------------------------------------------------------------------------------------
# menu, URL, dashboard


class _FiguresMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return visibility.has_any(user) or visibility.is_cluster_coordinator(user)


class AidFiguresMenu(ViewSet):
    """Puts the figures page (a plain admin URL, ``aid_figures``) in the "Aid" menu group;
    it has no URLs of its own."""

    name = "aid_figures_menu"
    menu_label = _("Figures")
    menu_icon = "table"
    menu_url = reverse_lazy("aid_figures")
    menu_item_class = _FiguresMenuItem


VIEWSETS = [AidFiguresMenu()]


@hooks.register("register_admin_urls")
def register_figures_url():
    return [path("aid/figures/", AidFiguresView.as_view(), name="aid_figures")]


class AidFiguresPanel(Component):
    """Dashboard: "Viện trợ 6 tháng" — the current half-year's mobilised and disbursed đồng of
    the user's scope (and of each cluster they coordinate), with the year-earlier change and
    the missing-rate warning. The exact integer is in ``data-vnd`` for browser tests."""

    name = "huunghi_aid_figures"
    order = 20
    template_name = "aid/figures/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        period = Period.current_half(timezone.localdate())
        items = []
        if visibility.has_any(user):
            totals = aid_totals(actor=user, period=period, list_missing=False)
            items.append(totals_display(totals))
        for cluster in cluster_list_for_coordinator(actor=user):
            totals = aid_totals(actor=user, period=period, cluster=cluster, list_missing=False)
            items.append(totals_display(totals))
        return {
            "period": period,
            "items": items,
            "url": f"{reverse('aid_figures')}?period={period.code}",
        }


@hooks.register("construct_homepage_panels", order=10)
def add_aid_figures_panel(request, panels):
    # order 10: after the organisations panel, which may empty the list of panels first
    user = request.user
    if not (visibility.has_any(user) or visibility.is_cluster_coordinator(user)):
        return
    names = [getattr(panel, "name", "") for panel in panels]
    at = names.index("huunghi_organisations") + 1 if "huunghi_organisations" in names else 0
    panels.insert(at, AidFiguresPanel(request))
