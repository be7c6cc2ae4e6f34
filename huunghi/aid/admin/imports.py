"""The aid import: activities with their transactions from .xlsx — the template, the
upload, the job page with its progress and problems, confirmation, the rejected rows.

All scoped: a job belongs to its organisation; "view" on it shows the job, "change" uploads
and confirms; anyone else gets 404.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.log_actions import LogFormatter

from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.import_views import (
    PROBLEMS_PER_PAGE,
    RUNNING,
    ImportIndexView,
    ImportJobMixin,
    ImportRejectedView,
    ImportStatusView,
    ImportUploadView,
    check_xlsx_name,
    job_state,
    number,
    xlsx_response,
)
from huunghi.orgs.models import ImportJob
from huunghi.orgs.views import AdminPageMixin

from .. import imports


class _Breadcrumbs(AdminPageMixin):
    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("aid_import:index"), "label": _("Aid imports")},
            {"url": "", "label": self.get_page_title()},
        ]


class AidImportUploadForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        from huunghi.orgs.viewsets import organization_chooser_viewset

        super().__init__(*args, **kwargs)
        self.fields["organization"] = forms.ModelChoiceField(
            label=_("Import into"),
            queryset=imports.import_targets(user),
            widget=organization_chooser_viewset.widget_class(),
            help_text=_("A union or an association that you may change: it owns the activities."),
        )
        self.fields["file"] = forms.FileField(
            label=_("Aid history (.xlsx)"),
            widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        )

    def clean_file(self):
        return check_xlsx_name(self.cleaned_data["file"])


class AidImportIndexView(AdminPageMixin, ImportIndexView):
    """The aid imports of the user's organisations, newest first."""

    kind = imports.KIND
    namespace = "aid_import"
    page_title = gettext_lazy("Aid imports")
    upload_label = gettext_lazy("Import aid history")
    empty_text = gettext_lazy("No aid history has been imported yet.")

    def dispatch(self, request, *args, **kwargs):
        if not visibility.has_any(request.user, Action.VIEW):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AidImportTemplateView(View):
    """The .xlsx template with the values the user may use."""

    def get(self, request):
        if not visibility.has_any(request.user, Action.CHANGE):
            raise Http404
        return xlsx_response(imports.template_build(actor=request.user), "mau-nhap-vien-tro.xlsx")


class AidImportUploadView(_Breadcrumbs, ImportUploadView):
    """Upload an aid workbook into an organisation the user may change; the check starts."""

    template_name = "aid/imports/upload.html"
    form_class = AidImportUploadForm
    page_title = gettext_lazy("Import aid history")
    import_targets = staticmethod(imports.import_targets)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "activity_columns": imports.ACTIVITY_COLUMNS,
            "transaction_columns": imports.TRANSACTION_COLUMNS,
        }

    def form_valid(self, form):
        try:
            job = imports.aid_import_start(
                actor=self.request.user,
                organization=form.cleaned_data["organization"],
                uploaded_file=form.cleaned_data["file"],
            )
        except PermissionDenied:
            form.add_error("organization", _("You may not change this organisation."))
            return self.form_invalid(form)
        return redirect("aid_import:job", pk=job.pk)


class _JobMixin(ImportJobMixin):
    kind = imports.KIND


def _status(job: ImportJob) -> dict:
    if job.status == ImportJob.Status.APPLYING:
        text = _("Importing %(rows)s rows…") % {"rows": number(job.total_rows)}
    elif job.total_rows:
        text = _("%(done)s of %(total)s rows checked") % {
            "done": number(job.processed_rows),
            "total": number(job.total_rows),
        }
    else:
        text = _("Reading the file…")
    return job_state(job, text)


class AidImportJobView(_Breadcrumbs, _JobMixin, TemplateView):
    """One import: progress while it runs; then its problems, or what it will write (with
    the transactions that lack a rate) and the button to confirm."""

    template_name = "aid/imports/job.html"
    header_icon = "upload"

    def get(self, request, pk):
        self.job = self.get_object(pk)
        return super().get(request, pk=pk)

    def get_page_title(self):
        return _("Import “%(name)s”") % {"name": self.job.original_name}

    def get_context_data(self, **kwargs):
        job, user = self.job, self.request.user
        can_change = ImportJob.objects.visible_to(user, Action.CHANGE).filter(pk=job.pk).exists()
        page = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(self.request.GET.get("p"))
        bad_rows = len({(p["sheet"], p["row"]) for p in job.problems})
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "state": _status(job),
            "running": job.status in RUNNING,
            "can_confirm": can_change and job.status == ImportJob.Status.VALID,
            "can_download_rejected": can_change and bad_rows > 0 and "cells" in job.result,
            "bad_rows": bad_rows,
            "missing_rates": sorted((job.result.get("missing_rates_by_currency") or {}).items()),
            "page": page,
            "problems": page.object_list,
        }


class AidImportStatusView(ImportStatusView):
    kind = imports.KIND
    state = staticmethod(_status)


class AidImportConfirmView(_JobMixin, View):
    """The user confirms a file without problems: everything is written, or nothing."""

    scope_action = Action.CHANGE

    def post(self, request, pk):
        job = self.get_object(pk)
        try:
            imports.aid_import_confirm(actor=request.user, job=job)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("aid_import:job", pk=job.pk)


class AidImportRejectedView(ImportRejectedView):
    """The rows with problems of both sheets, as .xlsx with a column of errors."""

    kind = imports.KIND
    rejected_rows_xlsx = staticmethod(imports.rejected_rows_xlsx)


class _StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return visibility.has_any(request.user, Action.VIEW)


class AidImportViewSet(ViewSet):
    """The aid import's pages under /admin/aid-imports/ (namespace ``aid_import``), with
    its item in the “Aid” menu."""

    icon = "upload"
    menu_label = gettext_lazy("Aid imports")
    menu_item_class = _StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", AidImportIndexView.as_view(), name="index"),
            path("new/", AidImportUploadView.as_view(), name="upload"),
            path("template/", AidImportTemplateView.as_view(), name="template"),
            path("<int:pk>/", AidImportJobView.as_view(), name="job"),
            path("<int:pk>/status/", AidImportStatusView.as_view(), name="status"),
            path("<int:pk>/confirm/", AidImportConfirmView.as_view(), name="confirm"),
            path("<int:pk>/rejected/", AidImportRejectedView.as_view(), name="rejected"),
        ]


VIEWSETS = [AidImportViewSet("aid_import", url_prefix="aid-imports")]


@hooks.register("register_log_actions")
def register_aid_import_log_action(actions):
    @actions.register_action(imports.IMPORT_ACTION)
    class AidImport(LogFormatter):
        label = gettext_lazy("Import")

        def format_message(self, log_entry):
            changes = (log_entry.data or {}).get("changes") or {}

            def count(name):
                return (changes.get(name) or [None, 0])[1]

            return _(
                "Aid history imported: %(activities)s activities and %(transactions)s "
                "transactions, %(missing)s of them without an exchange rate"
            ) % {
                "activities": count("activities_created"),
                "transactions": count("transactions_created"),
                "missing": count("transactions_without_rate"),
            }
