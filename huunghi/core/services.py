"""Writes of the core mechanisms."""

import logging
import traceback

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import PeriodicJobState
from .scheduling import registered_jobs

logger = logging.getLogger(__name__)


def periodic_run_due(*, now=None, only: str | None = None) -> list[tuple[str, bool, str]]:
    """Run every registered periodic job that is due; return (name, ok, message) per run.

    A job is claimed by one conditional UPDATE, so two runners (the worker's and a
    systemd timer's, or two app servers') never run the same job at the same time.
    """
    now = now or timezone.now()
    results = []
    for name, job in sorted(registered_jobs().items()):
        if only and name != only:
            continue
        PeriodicJobState.objects.get_or_create(name=name)
        due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every)
        claimed = PeriodicJobState.objects.filter(due, name=name).update(last_started_at=now)
        if not claimed:
            continue
        try:
            with transaction.atomic():
                message = job.func() or ""
            ok = True
        except Exception:  # a failing job is recorded and must not stop the others
            message = traceback.format_exc(limit=5)
            logger.exception("Periodic job %s failed", name)
            ok = False
        PeriodicJobState.objects.filter(name=name).update(
            last_finished_at=timezone.now(), last_ok=ok, last_message=message[:5000]
        )
        results.append((name, ok, message))
    return results
