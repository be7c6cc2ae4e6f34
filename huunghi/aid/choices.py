from django.db import models
from django.utils.translation import gettext_lazy as _


class AidFormKind(models.TextChoices):
    """The forms of aid of Decree 80/2020 (carried over by Decree 313/2025) and emergency
    relief under Decree 50/2020 (FACTS.md §7a)."""

    PROGRAMME = "programme", _("Programme")
    PROJECT = "project", _("Project")
    NON_PROJECT = "non_project", _("Non-project aid")
    EMERGENCY = "emergency", _("Emergency relief")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    IMPLEMENTING = "implementing", _("Implementing")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


#: statuses whose commitments count as mobilised ("approved or later")
COUNTED_STATUSES = (
    ActivityStatus.APPROVED,
    ActivityStatus.IMPLEMENTING,
    ActivityStatus.COMPLETED,
    ActivityStatus.CLOSED,
)
#: statuses the review workflow moves an activity out of
REVIEW_STATUSES = (ActivityStatus.DRAFT, ActivityStatus.SUBMITTED, ActivityStatus.RETURNED)
#: the steps after approval, each reachable from the one before; cancelling from any
STAGE_NEXT = {
    ActivityStatus.APPROVED: ActivityStatus.IMPLEMENTING,
    ActivityStatus.IMPLEMENTING: ActivityStatus.COMPLETED,
    ActivityStatus.COMPLETED: ActivityStatus.CLOSED,
}


class TransactionKind(models.TextChoices):
    """What a transaction records; the IATI transaction type codes are 2, 3 and 4."""

    COMMITMENT = "commitment", _("Commitment")
    DISBURSEMENT = "disbursement", _("Disbursement")
    EXPENDITURE = "expenditure", _("Expenditure")


IATI_TRANSACTION_TYPE = {
    TransactionKind.COMMITMENT: "2",
    TransactionKind.DISBURSEMENT: "3",
    TransactionKind.EXPENDITURE: "4",
}


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved for the catalog")
    PUBLISHED = "published", _("Published")
    IN_TALKS = "in_talks", _("In talks")
    FUNDED = "funded", _("Funded")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class RecomputeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
