"""Admin views of the member import: the template, the upload, the job page with its
progress and problems, confirmation, and the rejected rows. All scoped: a job belongs to
its organisation; "view" on it shows the job, "change" uploads and confirms; others get 404.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from huunghi.core.audit import REDACTED
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
from huunghi.orgs.models import ImportJob, Organization
from huunghi.orgs.views import AdminPageMixin, ScopedViewMixin

from . import imports


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
        return check_xlsx_name(self.cleaned_data["file"])


class MemberImportIndexView(AdminPageMixin, ImportIndexView):
    """The member imports of the user's organisations, newest first."""

    kind = imports.KIND
    namespace = "network_import"
    page_title = gettext_lazy("Member imports")
    upload_label = gettext_lazy("Import a member list")
    empty_text = gettext_lazy("No member list has been imported yet.")


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
        return xlsx_response(data, f"mau-nhap-hoi-vien-{organization.code}.xlsx")


class MemberImportUploadView(_Breadcrumbs, WagtailAdminTemplateMixin, ImportUploadView):
    """Upload a member list into an organisation the user may change; the check starts."""

    template_name = "network/import_upload.html"
    form_class = MemberImportUploadForm
    page_title = gettext_lazy("Import members")
    import_targets = staticmethod(imports.import_targets)

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


class _JobMixin(ImportJobMixin):
    kind = imports.KIND


def _status(job: ImportJob) -> dict:
    if job.status == ImportJob.Status.APPLYING:
        text = _("Importing %(rows)s rows…") % {"rows": number(job.clean_rows)}
    elif job.total_rows:
        text = _("%(done)s of %(total)s rows checked") % {
            "done": number(job.processed_rows),
            "total": number(job.total_rows),
        }
    else:
        text = _("%(done)s rows read") % {"done": number(job.processed_rows)}
    return job_state(job, text)


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


class MemberImportStatusView(ImportStatusView):
    kind = imports.KIND
    state = staticmethod(_status)


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


class MemberImportRejectedView(ImportRejectedView):
    kind = imports.KIND
    rejected_rows_xlsx = staticmethod(imports.rejected_rows_xlsx)
