"""Background work of the friendship network: the two passes of a member import."""

from django_tasks import task

from . import imports


@task()
def member_import_validate_task(job_id: int) -> None:
    """First pass: read the uploaded member list and check every row (progress on the job)."""
    imports.member_import_validate(job_id)


@task()
def member_import_apply_task(job_id: int) -> None:
    """Second pass, after the user confirmed: write the clean rows in one transaction."""
    imports.member_import_apply(job_id)
