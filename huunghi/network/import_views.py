"""Admin views of the member import: the template, the upload, the job page with its
progress and problems, confirmation, and the rejected rows. All scoped: a job belongs to
its organisation; "view" on it shows the job, "change" uploads and confirms; others get 404.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from huunghi.core.audit import REDACTED
from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.models import ImportJob, Organization
from huunghi.orgs.views import ScopedViewMixin

from . import imports

RUNNING = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING)
PROBLEMS_PER_PAGE = 100


def _number(value) -> str:
    return number_format(value, force_grouping=True)


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Breadcrumbs:
    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("network_import:index"), "label": _("Member imports")},
            {"url": "", "label": self.get_page_title()},
        ]


def _organization_field(user, label):
    from huunghi.orgs.viewsets import organization_chooser_viewset

    return forms.ModelChoiceField(
        label=label,
        queryset=imports.import_targets(user),
        widget=organization_chooser_viewset.widget_class(),
        help_text=_("A union, an association or a chapter that you may change."),
    )


class MemberImportTemplateForm(forms.Form):
    prefix = "template"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(user, _("Template for"))


class MemberImportUploadForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _organization_field(user, _("Import into"))
        self.fields["file"] = forms.FileField(
            label=_("Member list (.xlsx)"),
            widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(
                _(
                    "“%(name)s” is not an Excel workbook (.xlsx): fill in the template and upload it."
                )
                % {"name": upload.name}
            )
        return upload


class MemberImportIndexView(_Breadcrumbs, WagtailAdminTemplateMixin, ScopedViewMixin, TemplateView):
    """The member imports of the user's organisations, newest first."""

    model = ImportJob
    template_name = "network/import_index.html"
    page_title = gettext_lazy("Member imports")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        jobs = (
            self.get_queryset()
            .filter(kind=imports.KIND)
            .select_related("organization", "created_by")
            .defer("problems")
            .order_by("-created_at", "-id")
        )
        page = Paginator(jobs, 50).get_page(self.request.GET.get("p"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "can_upload": visibility.has_any(self.request.user, Action.CHANGE),
        }


class MemberImportTemplateView(ScopedViewMixin, View):
    """The .xlsx template for one organisation (its associations and chapters listed)."""

    model = Organization
    scope_action = Action.CHANGE

    def get(self, request):
        pk = request.GET.get("organization") or request.GET.get("template-organization")
        if not (pk and str(pk).isdigit()):
            raise Http404
        organization = self.get_object(int(pk))
        if organization.kind not in imports.TARGET_KINDS:
            raise Http404
        data = imports.template_build(actor=request.user, organization=organization)
        return _xlsx_response(data, f"mau-nhap-hoi-vien-{organization.code}.xlsx")


class MemberImportUploadView(_Breadcrumbs, WagtailAdminTemplateMixin, FormView):
    """Upload a member list into an organisation the user may change; the check starts."""

    template_name = "network/import_upload.html"
    form_class = MemberImportUploadForm
    page_title = gettext_lazy("Import members")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not visibility.has_any(request.user, Action.CHANGE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        targets = imports.import_targets(self.request.user)
        pk = self.request.GET.get("organization")
        if pk and pk.isdigit() and targets.filter(pk=pk).exists():
            return {"organization": int(pk)}
        only = list(targets.values_list("pk", flat=True)[:2])
        return {"organization": only[0]} if len(only) == 1 else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_form"] = MemberImportTemplateForm(
            initial=self.get_initial(), user=self.request.user
        )
        context["columns"] = imports.COLUMNS
        return context

    def form_valid(self, form):
        job = imports.member_import_start(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            uploaded_file=form.cleaned_data["file"],
        )
        return redirect("network_import:job", pk=job.pk)


class _JobMixin(ScopedViewMixin):
    model = ImportJob

    def get_queryset(self):
        return super().get_queryset().filter(kind=imports.KIND)


def _status(job: ImportJob) -> dict:
    if job.status == ImportJob.Status.APPLYING:
        text = _("Importing %(rows)s rows…") % {"rows": _number(job.clean_rows)}
    elif job.total_rows:
        text = _("%(done)s of %(total)s rows checked") % {
            "done": _number(job.processed_rows),
            "total": _number(job.total_rows),
        }
    else:
        text = _("%(done)s rows read") % {"done": _number(job.processed_rows)}
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "processed_rows": job.processed_rows,
        "total_rows": job.total_rows,
        "percent": job.progress_percent,
        "finished": job.status not in RUNNING,
        "text": text,
    }


class MemberImportJobView(_Breadcrumbs, WagtailAdminTemplateMixin, _JobMixin, TemplateView):
    """One import: progress while it runs, then its problems and what the user may do."""

    template_name = "network/import_job.html"
    header_icon = "upload"

    def get(self, request, pk):
        self.job = self.get_object(pk)
        return super().get(request, pk=pk)

    def get_page_title(self):
        return _("Import “%(name)s”") % {"name": self.job.original_name}

    def get_context_data(self, **kwargs):
        job, user = self.job, self.request.user
        can_change = ImportJob.objects.visible_to(user, Action.CHANGE).filter(pk=job.pk).exists()
        personal = (
            Organization.objects.visible_to(user, Action.PERSONAL_DATA)
            .filter(pk=job.organization_id)
            .exists()
        )
        page = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(self.request.GET.get("p"))
        problems = [
            {
                **p,
                "value": REDACTED
                if p["key"] in imports.PERSONAL_KEYS and p["value"]
                else p["value"],
            }
            if not personal
            else p
            for p in page.object_list
        ]
        bad_rows = len({p["row"] for p in job.problems})
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "state": _status(job),
            "running": job.status in RUNNING,
            "can_change": can_change,
            "can_import_all": can_change and job.status == ImportJob.Status.VALID,
            "can_import_clean": can_change
            and job.status == ImportJob.Status.INVALID
            and job.clean_rows > 0,
            "can_download_rejected": can_change and bad_rows > 0 and "cells" in job.result,
            "bad_rows": bad_rows,
            "page": page,
            "problems": problems,
        }


class MemberImportStatusView(_JobMixin, View):
    """The progress of an import, for the job page's progress bar."""

    def get(self, request, pk):
        return JsonResponse(_status(self.get_object(pk)))


class MemberImportConfirmView(_JobMixin, View):
    """The user confirms the import: all rows (clean file) or the clean rows only."""

    scope_action = Action.CHANGE

    def post(self, request, pk):
        job = self.get_object(pk)
        try:
            imports.member_import_confirm(
                actor=request.user, job=job, clean_only=request.POST.get("mode") == "clean"
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("network_import:job", pk=job.pk)


class MemberImportRejectedView(_JobMixin, View):
    """The rows of the file that have problems, as .xlsx with a column of errors."""

    scope_action = Action.CHANGE

    def get(self, request, pk):
        job = self.get_object(pk)
        if not job.problems or "cells" not in job.result:
            raise Http404
        data = imports.rejected_rows_xlsx(actor=request.user, job=job)
        return _xlsx_response(data, f"dong-bi-loai-{job.pk}.xlsx")
