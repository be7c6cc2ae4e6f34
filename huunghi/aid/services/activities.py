"""Writes on aid activities beyond a form save: the status that mirrors the union's review,
the external approval decision, the stages after it, and the six-month flag."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from huunghi.core import audit
from huunghi.orgs.choices import Action

from ..choices import REVIEW_STATUSES, STAGE_NEXT, ActivityStatus, TransactionKind
from ..models import AidActivity, AidTransaction

#: the review events of the Wagtail workflow, and the status each one leads to
REVIEW_EVENTS = {
    "submitted": ActivityStatus.SUBMITTED,
    "rejected": ActivityStatus.RETURNED,
    "cancelled": ActivityStatus.DRAFT,
    "published": ActivityStatus.APPROVED,
}

#: how long an approved activity may go without a disbursement before it is flagged
STALL_AFTER = relativedelta(months=6)


def _set_live(activity: AidActivity, **values) -> AidActivity:
    """Write fields of the activity as a whole on the stored row (not on a revision), with
    the audit entry and the version check of every save."""
    fresh = AidActivity.objects.get(pk=activity.pk)
    for name, value in values.items():
        setattr(fresh, name, value)
    fresh.save(update_fields=list(values))
    for name, value in values.items():
        setattr(activity, name, value)
    activity.version = fresh.version
    return fresh


def activity_review_sync(*, activity: AidActivity, event: str, user=None) -> AidActivity:
    """Mirror a step of the union's review (Wagtail's workflow) into ``status``.

    Only activities still under review move: re-reviewing the edited content of an activity
    that is already approved or being carried out leaves its stage where it is.
    """
    target = REVIEW_EVENTS[event]
    current = AidActivity.objects.filter(pk=activity.pk).values_list("status", flat=True).first()
    if current not in REVIEW_STATUSES or current == target:
        return activity
    values = {"status": target}
    if target == ActivityStatus.APPROVED:
        values["approved_on"] = timezone.localdate()
    with audit.acting_as(user), transaction.atomic():
        return _set_live(activity, **values)


def _check(actor, activity: AidActivity, action=Action.CHANGE) -> None:
    if not AidActivity.objects.visible_to(actor, action).filter(pk=activity.pk).exists():
        raise PermissionDenied


@transaction.atomic
def activity_record_decision(
    *, actor, activity: AidActivity, number: str, date: datetime.date, authority: str
) -> AidActivity:
    """Record the competent authority's approval decision (number, date, authority — e.g. the
    provincial People's Committee) on an activity whose review the union has approved."""
    _check(actor, activity)
    errors = {}
    if activity.status not in (ActivityStatus.APPROVED, ActivityStatus.IMPLEMENTING):
        errors["__all__"] = _("A decision is recorded once the union's opinion is approved.")
    if not (number or "").strip():
        errors["number"] = _("Enter the decision number.")
    if not authority or not authority.strip():
        errors["authority"] = _("Enter the authority that approved it.")
    if date is None:
        errors["date"] = _("Enter the decision date.")
    elif date > timezone.localdate():
        errors["date"] = _("The decision date is in the future.")
    if errors:
        raise ValidationError(errors)
    with audit.acting_as(actor):
        return _set_live(
            activity,
            decision_number=number.strip(),
            decision_date=date,
            decision_authority=authority.strip(),
        )


@transaction.atomic
def activity_stage_advance(*, actor, activity: AidActivity, to: str) -> AidActivity:
    """Move an approved activity on: implementing → completed → closed. Implementing needs
    the external approval decision."""
    _check(actor, activity)
    expected = STAGE_NEXT.get(activity.status)
    if expected != to:
        raise ValidationError(
            _("An activity that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": ActivityStatus(activity.status).label,
                "target": ActivityStatus(to).label,
            }
        )
    if to == ActivityStatus.IMPLEMENTING and not activity.decision_number:
        raise ValidationError(_("Record the approval decision before implementation starts."))
    with audit.acting_as(actor):
        return _set_live(activity, status=to)


@transaction.atomic
def activity_cancel(*, actor, activity: AidActivity) -> AidActivity:
    """Cancel an activity that is not closed; its commitments no longer count."""
    _check(actor, activity)
    if activity.status in (ActivityStatus.CLOSED, ActivityStatus.CANCELLED):
        raise ValidationError(_("A closed or cancelled activity cannot be cancelled."))
    with audit.acting_as(actor):
        return _set_live(activity, status=ActivityStatus.CANCELLED, stalled_since=None)


def activity_flag_stalled(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Flag approved or implementing activities with no disbursement six months after their
    approval (the decision date, else the union's approval); clear the flag of those that
    have one now. Returns (flagged, cleared)."""
    today = today or timezone.localdate()
    limit = today - STALL_AFTER
    disbursed = AidTransaction.objects.filter(
        activity=OuterRef("pk"), kind=TransactionKind.DISBURSEMENT
    )
    waiting = AidActivity.objects.filter(
        status__in=(ActivityStatus.APPROVED, ActivityStatus.IMPLEMENTING)
    ).annotate(has_disbursement=Exists(disbursed))
    flagged = cleared = 0
    for activity in waiting.filter(stalled_since__isnull=True, has_disbursement=False).only(
        "pk", "version", "approved_on", "decision_date"
    ):
        since = activity.decision_date or activity.approved_on
        if since and since <= limit:
            _set_live(activity, stalled_since=since + STALL_AFTER)
            flagged += 1
    for activity in (
        AidActivity.objects.filter(stalled_since__isnull=False)
        .annotate(has_disbursement=Exists(disbursed))
        .filter(has_disbursement=True)
        .only("pk", "version")
    ):
        _set_live(activity, stalled_since=None)
        cleared += 1
    return flagged, cleared
