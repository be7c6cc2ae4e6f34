"""Background work of aid: recomputing đồng values after a rate change, aid imports."""

from django_tasks import task


@task()
def rate_recompute_task(run_id: int) -> None:
    """Recompute the đồng values a changed exchange rate governs (logged on the run)."""
    from .services.rates import rate_recompute

    rate_recompute(run_id)
