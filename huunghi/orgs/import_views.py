"""What the admin pages of every spreadsheet import share (member lists, aid history): the
list of an import's jobs, the upload, the progress the job page polls, the rejected rows.

All scoped: a job belongs to its organisation; "view" on it shows the job, "change" uploads
and confirms; anyone else gets 404. Each import subclasses these with its ``kind``, its
``namespace`` and its own functions.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from . import visibility
from .choices import Action
from .imports import XLSX_TYPE
from .models import ImportJob
from .views import ScopedViewMixin

RUNNING = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING)
PROBLEMS_PER_PAGE = 100


def number(value) -> str:
    """``12345`` → ``"12.345"`` in Vietnamese."""
    return number_format(value, force_grouping=True)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def check_xlsx_name(upload):
    """Refuse a file that is not named as an Excel workbook."""
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError(
            _("“%(name)s” is not an Excel workbook (.xlsx): fill in the template and upload it.")
            % {"name": upload.name}
        )
    return upload


def job_state(job: ImportJob, text: str) -> dict:
    """What the job page's progress bar reads (``text`` says where the job is)."""
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "processed_rows": job.processed_rows,
        "total_rows": job.total_rows,
        "percent": job.progress_percent,
        "finished": job.status not in RUNNING,
        "text": text,
    }


class ImportJobMixin(ScopedViewMixin):
    """The jobs of one kind of import, within the user's scope."""

    model = ImportJob
    kind = ""

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class ImportIndexView(ImportJobMixin, TemplateView):
    """The imports of the user's organisations, newest first."""

    template_name = "orgs/import_index.html"
    header_icon = "upload"
    #: the URL namespace of the import's pages, and the texts of its list
    namespace = ""
    upload_label = ""
    empty_text = ""

    def get_context_data(self, **kwargs):
        jobs = (
            self.get_queryset()
            .select_related("organization", "created_by")
            .defer("problems")
            .order_by("-created_at", "-id")
        )
        page = Paginator(jobs, 50).get_page(self.request.GET.get("p"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "can_upload": visibility.has_any(self.request.user, Action.CHANGE),
            "upload_url_name": f"{self.namespace}:upload",
            "job_url_name": f"{self.namespace}:job",
            "upload_label": self.upload_label,
            "empty_text": self.empty_text,
        }


class ImportUploadView(FormView):
    """Upload a file into an organisation the user may change (``import_targets``)."""

    header_icon = "upload"
    #: ``import_targets(user)``: the organisations the user may import into
    import_targets = None

    def dispatch(self, request, *args, **kwargs):
        if not visibility.has_any(request.user, Action.CHANGE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        targets = self.import_targets(self.request.user)
        pk = self.request.GET.get("organization")
        if pk and pk.isdigit() and targets.filter(pk=pk).exists():
            return {"organization": int(pk)}
        only = list(targets.values_list("pk", flat=True)[:2])
        return {"organization": only[0]} if len(only) == 1 else {}


class ImportStatusView(ImportJobMixin, View):
    """The progress of an import, for the job page's progress bar (``state(job)``)."""

    #: ``state(job)``: the import's ``job_state`` with its own wording
    state = None

    def get(self, request, pk):
        return JsonResponse(self.state(self.get_object(pk)))


class ImportRejectedView(ImportJobMixin, View):
    """The rows of the file that have problems, as .xlsx with a column of errors."""

    scope_action = Action.CHANGE
    #: ``rejected_rows_xlsx(actor=, job=)``: the workbook of the rows with problems
    rejected_rows_xlsx = None

    def get(self, request, pk):
        job = self.get_object(pk)
        if not job.problems or "cells" not in job.result:
            raise Http404
        data = self.rejected_rows_xlsx(actor=request.user, job=job)
        return xlsx_response(data, f"dong-bi-loai-{job.pk}.xlsx")
