"""Background work of the aid import: its two passes."""

from django_tasks import task


@task()
def aid_import_validate_task(job_id: int) -> None:
    """First pass: read the uploaded aid workbook and check every row of both sheets."""
    from .jobs import aid_import_validate

    aid_import_validate(job_id)


@task()
def aid_import_apply_task(job_id: int) -> None:
    """Second pass, after the user confirmed: write everything in one transaction."""
    from .jobs import aid_import_apply

    aid_import_apply(job_id)
