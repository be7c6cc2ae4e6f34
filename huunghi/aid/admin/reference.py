"""Reference data of aid: sectors, forms of aid, beneficiary groups, exchange rates and
the log of recomputations after a rate change; the import of rates from a file and the
rates' own trash."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry

from huunghi.orgs.choices import Action
from huunghi.orgs.imports import XLSX_TYPE, ImportFileError
from huunghi.orgs.permissions import (
    NationalPermissionPolicy,
    ReadOnlyPermissionPolicy,
    to_action,
)
from huunghi.orgs.views import AdminPageMixin
from huunghi.orgs.viewsets import NationalModelViewSet, YesNoColumn
from huunghi.orgs.wagtail import ScopedCreateView, ScopedDeleteView, ScopedEditView, ScopedIndexView

from ..imports.values import format_number
from ..models import AidForm, BeneficiaryGroup, ExchangeRate, RateRecomputation, Sector
from ..rate_import import (
    RATE_COLUMNS,
    RateEvent,
    RateRow,
    exchange_rate_changed,
    exchange_rate_restore,
    rates_check,
    rates_file_read,
    rates_import_apply,
    rates_may_change,
    rates_template_build,
)

# -- sectors, forms of aid, beneficiary groups ---------------------------------------------


class SectorViewSet(NationalModelViewSet):
    model = Sector
    icon = "tag"
    menu_label = gettext_lazy("Sectors")
    form_fields = ["code", "name_vi", "name_en", "dac_codes", "is_active"]
    list_display = [
        "name_vi",
        "name_en",
        "code",
        "dac_codes",
        YesNoColumn("is_active", label=capfirst(gettext_lazy("in use"))),
    ]
    list_filter = ["is_active"]
    list_export = ["code", "name_vi", "name_en", "dac_codes", "is_active"]
    export_filename = "linh-vuc"
    search_fields = ["search_text"]
    inspect_view_fields = ["code", "name_vi", "name_en", "dac_codes", "is_active"]


class AidFormViewSet(NationalModelViewSet):
    model = AidForm
    icon = "form"
    menu_label = gettext_lazy("Forms of aid")
    form_fields = [
        "code",
        "kind",
        "name_vi",
        "name_en",
        "legal_basis",
        "appraisal_days",
        "workflow",
        "is_active",
    ]
    list_display = [
        "name_vi",
        "kind",
        "legal_basis",
        "appraisal_days",
        YesNoColumn("is_active", label=capfirst(gettext_lazy("in use"))),
    ]
    list_filter = ["kind", "is_active"]
    list_export = ["code", "kind", "name_vi", "name_en", "legal_basis", "appraisal_days"]
    export_filename = "hinh-thuc-vien-tro"
    search_fields = ["search_text"]
    inspect_view_fields = form_fields


class BeneficiaryGroupViewSet(NationalModelViewSet):
    model = BeneficiaryGroup
    icon = "group"
    menu_label = gettext_lazy("Beneficiary groups")
    form_fields = ["code", "name_vi", "name_en"]
    list_display = ["name_vi", "name_en", "code"]
    list_export = ["code", "name_vi", "name_en"]
    export_filename = "doi-tuong-thu-huong"
    search_fields = ["search_text"]
    inspect_view_fields = ["code", "name_vi", "name_en"]


# -- exchange rates --------------------------------------------------------------------------


class RatePermissionPolicy(NationalPermissionPolicy):
    """Exchange rates: every member of staff reads them; national-level editors keep them
    (the same answer as ``ExchangeRate.objects.visible_to``)."""

    def user_has_permission(self, user, action):
        if to_action(action) == Action.VIEW:
            return super().user_has_permission(user, action)
        return rates_may_change(user)


def _rate_before(rate: ExchangeRate):
    loaded = getattr(rate, "_loaded_values", None) or {}
    return (
        loaded.get("currency", rate.currency),
        loaded.get("date", rate.date),
        loaded.get("rate", rate.rate),
    )


class ExchangeRateIndexView(ScopedIndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if rates_may_change(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Import from a file"), url=reverse("aid_rates:import"), icon_name="upload"
                )
            )
        return buttons

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if rates_may_change(self.request.user):
            buttons.append(
                Button(_("Rates in the trash"), url=reverse("aid_rates:trash"), icon_name="bin")
            )
        return buttons


class ExchangeRateCreateView(ScopedCreateView):
    def save_instance(self):
        instance = super().save_instance()
        exchange_rate_changed(actor=self.request.user, rate=instance, event=RateEvent.ADDED)
        return instance


class ExchangeRateEditView(ScopedEditView):
    def save_instance(self):
        before = _rate_before(self.object)
        instance = super().save_instance()
        exchange_rate_changed(
            actor=self.request.user, rate=instance, event=RateEvent.CHANGED, before=before
        )
        return instance


class ExchangeRateDeleteView(ScopedDeleteView):
    def delete_action(self):
        with transaction.atomic():
            super().delete_action()
            exchange_rate_changed(
                actor=self.request.user, rate=self.object, event=RateEvent.DELETED
            )


class ExchangeRateViewSet(NationalModelViewSet):
    model = ExchangeRate
    icon = "resubmit"
    menu_label = gettext_lazy("Exchange rates")
    index_view_class = ExchangeRateIndexView
    add_view_class = ExchangeRateCreateView
    edit_view_class = ExchangeRateEditView
    delete_view_class = ExchangeRateDeleteView
    form_fields = ["currency", "date", "rate", "source"]
    list_display = [
        "currency",
        "date",
        Column(
            "rate",
            label=capfirst(gettext_lazy("rate (đồng per unit)")),
            accessor=lambda rate: format_number(rate.rate),
        ),
        "source",
    ]
    list_filter = ["currency"]
    list_export = ["currency", "date", "rate", "source"]
    export_filename = "ty-gia"
    search_fields = ["search_text"]
    inspect_view_fields = ["currency", "date", "rate", "source"]

    def on_register(self):
        policy_registry.register(ExchangeRate, RatePermissionPolicy(ExchangeRate))
        super().on_register()


class RateRecomputationViewSet(NationalModelViewSet):
    """The log of background recomputations: read by all staff, written by the job only."""

    model = RateRecomputation
    icon = "history"
    menu_label = gettext_lazy("Rate recomputations")
    form_fields = []
    list_display = [
        "currency",
        "date_from",
        "date_to",
        "reason",
        "requested_by",
        "created_at",
        "status",
        "examined",
        "changed",
        "message",
    ]
    list_filter = ["status", "currency"]
    list_select_related = ("requested_by",)
    list_export = [
        "currency",
        "date_from",
        "date_to",
        "reason",
        "requested_by",
        "created_at",
        "finished_at",
        "status",
        "examined",
        "changed",
        "message",
    ]
    export_filename = "tinh-lai-ty-gia"
    ordering = ["-created_at", "-id"]
    inspect_view_fields = [
        "currency",
        "date_from",
        "date_to",
        "reason",
        "requested_by",
        "created_at",
        "finished_at",
        "status",
        "examined",
        "changed",
        "message",
    ]

    def on_register(self):
        policy_registry.register(RateRecomputation, ReadOnlyPermissionPolicy(RateRecomputation))
        super().on_register()


VIEWSETS = [
    SectorViewSet("aid_sectors"),
    AidFormViewSet("aid_forms"),
    BeneficiaryGroupViewSet("aid_beneficiary_groups"),
    ExchangeRateViewSet("aid_exchange_rates"),
    RateRecomputationViewSet("aid_rate_recomputations"),
]

# -- the import of rates, and their trash ----------------------------------------------------

PAYLOAD_SALT = "huunghi.aid.rate_import"
PAYLOAD_MAX_AGE = 6 * 3600


class RateImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of rates (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(
                _("“%(name)s” is neither a .csv nor an .xlsx file.") % {"name": upload.name}
            )
        return upload


class _RatesOnly:
    """National-level editors only; anyone else gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if not rates_may_change(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _rates_breadcrumbs(view):
    return [
        *view.breadcrumbs_items,
        {"url": reverse("aid_exchange_rates:index"), "label": capfirst(_("exchange rates"))},
        {"url": "", "label": view.get_page_title()},
    ]


class ExchangeRateImportView(_RatesOnly, AdminPageMixin, FormView):
    """Upload a file of rates: every row is checked; with problems nothing is applied and
    the page lists them; without, it shows what would change and asks to confirm."""

    template_name = "aid/rates/import.html"
    form_class = RateImportForm
    page_title = gettext_lazy("Import exchange rates")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return _rates_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "columns": RATE_COLUMNS}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            index, rows = rates_file_read(upload, name=upload.name)
            clean, problems = rates_check(index, rows)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        context = {"form": form, "file_name": upload.name, "problems": problems}
        if not problems:
            context.update(
                rows=clean,
                counts={
                    action: sum(1 for r in clean if r.action == action)
                    for action in ("new", "update", "unchanged")
                },
                payload=signing.dumps(
                    [r.as_payload() for r in clean], salt=PAYLOAD_SALT, compress=True
                ),
            )
        return self.render_to_response(self.get_context_data(**context))


class ExchangeRateImportConfirmView(_RatesOnly, View):
    """Apply the rates the user saw in the preview (checked again against today's data)."""

    def post(self, request):
        try:
            data = signing.loads(
                request.POST.get("payload", ""), salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE
            )
            rows = [RateRow.from_payload(item) for item in data]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            messages.error(request, _("The preview has expired: upload the file again."))
            return redirect("aid_rates:import")
        try:
            counts = rates_import_apply(actor=request.user, rows=rows)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("aid_rates:import")
        messages.success(
            request,
            _(
                "Rates imported: %(created)s added, %(updated)s changed, %(unchanged)s "
                "unchanged. The đồng values they govern are being recomputed."
            )
            % counts,
        )
        return redirect("aid_exchange_rates:index")


class ExchangeRateTemplateView(_RatesOnly, View):
    def get(self, request):
        response = HttpResponse(rates_template_build(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-ty-gia.xlsx"'
        return response


class ExchangeRateTrashView(_RatesOnly, AdminPageMixin, TemplateView):
    """Exchange rates moved to the trash, newest first, each with a restore button."""

    template_name = "aid/rates/trash.html"
    page_title = gettext_lazy("Exchange rates in the trash")
    header_icon = "bin"

    def get_breadcrumbs_items(self):
        return _rates_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        rates = (
            ExchangeRate.all_objects.filter(deleted_at__isnull=False)
            .select_related("deleted_by")
            .order_by("-deleted_at", "-id")[:500]
        )
        return {
            **super().get_context_data(**kwargs),
            "rates": [{"rate": rate, "display": format_number(rate.rate)} for rate in rates],
        }


class ExchangeRateRestoreView(_RatesOnly, View):
    def post(self, request, pk):
        rate = get_object_or_404(ExchangeRate.all_objects.filter(deleted_at__isnull=False), pk=pk)
        try:
            exchange_rate_restore(actor=request.user, rate=rate)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("“%(object)s” restored; the đồng values it governs are being recomputed.")
                % {"object": rate},
            )
        return redirect("aid_rates:trash")


@hooks.register("register_admin_urls")
def register_rate_urls():
    urls = [
        path("import/", ExchangeRateImportView.as_view(), name="import"),
        path("import/confirm/", ExchangeRateImportConfirmView.as_view(), name="confirm"),
        path("template/", ExchangeRateTemplateView.as_view(), name="template"),
        path("trash/", ExchangeRateTrashView.as_view(), name="trash"),
        path("trash/<int:pk>/restore/", ExchangeRateRestoreView.as_view(), name="restore"),
    ]
    return [path("aid-rates/", include((urls, "aid_rates"), namespace="aid_rates"))]
