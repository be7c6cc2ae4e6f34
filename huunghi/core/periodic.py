"""Core's periodic jobs: housekeeping that knows no organisation."""

import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone

from .scheduling import register


@register("core.clear_expired_sessions", every=datetime.timedelta(hours=6))
def clear_expired_sessions():
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"{deleted} expired sessions removed"


@register("core.prune_task_results", every=datetime.timedelta(days=1))
def prune_task_results():
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - datetime.timedelta(days=30)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"{deleted} finished task results older than 30 days removed"
