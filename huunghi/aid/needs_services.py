"""The needs catalog: moving a need through its statuses, and the reads of an edition that the
inspect page and the booklet share (the items a booklet carries, the totals of an edition)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from huunghi.core.audit import acting_as
from huunghi.core.collation import vietnamese_sort_key
from huunghi.orgs.choices import Action

from .choices import ActivityStatus, NeedStatus
from .models import NeedItem, NeedsEdition

#: the order a need goes through; it may move on past several steps, or back
STATUS_ORDER = (
    NeedStatus.DRAFT,
    NeedStatus.APPROVED,
    NeedStatus.PUBLISHED,
    NeedStatus.IN_TALKS,
    NeedStatus.FUNDED,
    NeedStatus.CLOSED,
)
#: statuses a booklet shows: approved for the catalog or later
CATALOG_STATUSES = STATUS_ORDER[1:]
#: statuses that never go back to draft: the need has had its answer
SETTLED_STATUSES = (NeedStatus.FUNDED, NeedStatus.CLOSED)


def need_funding_activities(need: NeedItem):
    """Every live aid activity linked to ``need`` that can have funded it (not cancelled,
    not in the trash), whoever owns it: the rule on "funded" counts them all."""
    return need.activities.filter(deleted_at__isnull=True).exclude(status=ActivityStatus.CANCELLED)


def need_status_check(need: NeedItem, to: str) -> None:
    """Raise ``ValidationError`` (on ``to``) when ``need`` may not move to status ``to``.

    - the status must change;
    - a draft enters the catalog only by being approved;
    - funded/closed needs never go back to draft;
    - "funded" needs at least one aid activity linked to the need.
    """
    current = NeedStatus(need.status)
    try:
        target = NeedStatus(to)
    except ValueError:
        message = _("“%(status)s” is not a status of a need.") % {"status": to}
        raise ValidationError({"to": message}) from None
    labels = {"need": need, "current": current.label, "target": target.label}
    if target == current:
        raise ValidationError({"to": _("“%(need)s” is already “%(current)s”.") % labels})
    if current == NeedStatus.DRAFT and target != NeedStatus.APPROVED:
        raise ValidationError(
            {
                "to": _(
                    "“%(need)s” is a draft: it must be approved for the catalog before it "
                    "can become “%(target)s”."
                )
                % labels
            }
        )
    if current in SETTLED_STATUSES and target == NeedStatus.DRAFT:
        raise ValidationError(
            {
                "to": _(
                    "“%(need)s” is “%(current)s”: a funded or closed need cannot go back to draft."
                )
                % labels
            }
        )
    if target == NeedStatus.FUNDED and not need_funding_activities(need).exists():
        raise ValidationError(
            {
                "to": _(
                    "“%(need)s” cannot be marked funded: no aid activity is linked to it. "
                    "Link the activity that funds it (in the activity's “needs it answers”) "
                    "first."
                )
                % labels
            }
        )


def need_status_change(*, actor, need: NeedItem, to: str) -> NeedItem:
    """Move ``need`` to status ``to`` (draft → approved for the catalog → published → in
    talks → funded → closed), by ``actor``, who must be allowed to change it.

    Refused with a ``ValidationError`` naming the need and the statuses when the move breaks a
    rule (see ``need_status_check``). The row is locked while it is checked, so two people
    moving the same need do not both pass the check on an old status.
    """
    with transaction.atomic(), acting_as(actor):
        if not NeedItem.objects.visible_to(actor, Action.CHANGE).filter(pk=need.pk).exists():
            raise PermissionDenied
        # order_by(): the default ordering joins the edition, and PostgreSQL refuses FOR UPDATE
        # on the nullable side of an outer join.
        fresh = NeedItem.objects.select_for_update(of=("self",)).order_by().get(pk=need.pk)
        need_status_check(fresh, to)
        fresh.status = to
        fresh.full_clean()
        fresh.save(update_fields=["status"])
    need.status = fresh.status
    need.version = fresh.version
    return fresh


def need_catalog_list(edition: NeedsEdition):
    """The needs a booklet of ``edition`` carries: approved for the catalog or later, by
    number (unnumbered last), with what the booklet shows fetched in three queries.

    ``edition`` comes from a scoped lookup; its needs share its owner, so they are within the
    same scope."""
    return (
        NeedItem.objects.filter(edition=edition, status__in=CATALOG_STATUSES)
        .select_related("sector", "unit", "unit__parent", "proposer")
        .prefetch_related("beneficiaries__group")
        .order_by(F("number").asc(nulls_last=True), "id")
    )


def needs_edition_totals(*, actor, edition: NeedsEdition) -> dict:
    """The needs of ``edition`` that ``actor`` may see, counted and summed (estimated
    budget in đồng): overall, by sector and by status (in the order of the statuses)."""
    items = NeedItem.objects.visible_to(actor).filter(edition=edition)
    overall = items.aggregate(count=Count("id"), budget=Sum("estimated_budget"))
    by_sector = sorted(
        items.values("sector__name_vi", "sector__name_en")
        .annotate(count=Count("id"), budget=Sum("estimated_budget"))
        .order_by(),
        key=lambda row: vietnamese_sort_key(row["sector__name_vi"]),
    )
    status_rows = {
        row["status"]: row
        for row in items.values("status")
        .annotate(count=Count("id"), budget=Sum("estimated_budget"))
        .order_by()
    }
    by_status = [
        {
            "status": status,
            "label": status.label,
            "count": status_rows[status]["count"],
            "budget": status_rows[status]["budget"],
        }
        for status in STATUS_ORDER
        if status in status_rows
    ]
    return {
        "count": overall["count"] or 0,
        "budget": overall["budget"] or 0,
        "by_sector": by_sector,
        "by_status": by_status,
    }
