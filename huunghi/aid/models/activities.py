"""Aid activities ("khoản viện trợ") with their donors, sectors, locations and
beneficiaries, reviewed by the union through a Wagtail workflow."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from huunghi.orgs.models import OrgOwnedModel

from ..choices import ActivityStatus

#: a share of 100 % in weight units (hundredths of a per cent): sums stay whole numbers
FULL_WEIGHT = 10000

#: fields that belong to the activity as a whole, not to one revision of its content:
#: the review and its outcome, the external decision, the stage, the flags
LIVE_FIELDS = (
    "status",
    "approved_on",
    "decision_number",
    "decision_date",
    "decision_authority",
    "stalled_since",
)


def share_weight(share) -> int:
    """A percentage share as whole hundredths of a per cent (33,33 % → 3333)."""
    return int((Decimal(share) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def equal_shares(count: int) -> list[Decimal]:
    """``count`` shares of 100 % with two decimals that add up to exactly 100."""
    if count <= 0:
        return []
    base = FULL_WEIGHT // count
    weights = [base + (1 if i < FULL_WEIGHT - base * count else 0) for i in range(count)]
    return [Decimal(w) / 100 for w in weights]


class AidActivity(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, OrgOwnedModel, ClusterableModel
):
    """A programme, project, non-project aid or emergency relief from foreign donors, as the
    union follows it: who gives, who carries it out, who owns and manages it, who mobilised it,
    for which sectors, places and people, and when.

    Its content is reviewed as a Wagtail workflow (drafts, revisions, locking): the union's
    opinion is approved when the review publishes it. The status, the external approval
    decision and the flags belong to the activity as a whole (``LIVE_FIELDS``): they are not
    taken back from an older revision.
    """

    reference = models.CharField(
        _("reference"),
        max_length=60,
        blank=True,
        help_text=_("The union's own number for it; the aid import matches rows by it."),
    )
    form = models.ForeignKey(
        "aid.AidForm", verbose_name=_("form of aid"), on_delete=models.PROTECT, related_name="+"
    )
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    implementing_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("implementing partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_activities",
    )
    aid_owner = models.CharField(
        _("aid owner"),
        max_length=255,
        blank=True,
        help_text=_("The Vietnamese body that receives and owns the aid."),
    )
    managing_agency = models.CharField(
        _("managing agency"),
        max_length=255,
        blank=True,
        help_text=_("The body answerable for the aid, e.g. the provincial People's Committee."),
    )
    mobilised_by = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("mobilised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The organisation whose work brought the aid in."),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    needs = ParentalManyToManyField(
        "aid.NeedItem", verbose_name=_("needs it answers"), blank=True, related_name="activities"
    )
    attachments = ParentalManyToManyField(
        "orgs.Attachment", verbose_name=_("documents"), blank=True, related_name="+"
    )
    iati_identifier = models.CharField(_("IATI identifier"), max_length=150, blank=True)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActivityStatus.choices,
        default=ActivityStatus.DRAFT,
        editable=False,
    )
    approved_on = models.DateField(_("union's opinion approved on"), null=True, editable=False)
    decision_number = models.CharField(
        _("approval decision no."), max_length=60, blank=True, editable=False
    )
    decision_date = models.DateField(_("approval decision date"), null=True, editable=False)
    decision_authority = models.CharField(
        _("approving authority"), max_length=255, blank=True, editable=False
    )
    stalled_since = models.DateField(
        _("no disbursement since"),
        null=True,
        editable=False,
        help_text=_("Set when six months have passed since approval without a disbursement."),
    )

    search_fields = ("reference", "title_vi", "title_en", "aid_owner", "iati_identifier")

    class Meta:
        verbose_name = _("aid activity")
        verbose_name_plural = _("aid activities")
        ordering = ["-planned_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="activity_planned_dates_ordered",
                violation_error_message=_("The planned end is before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="activity_actual_dates_ordered",
                violation_error_message=_("The actual end is before the actual start."),
            ),
            models.UniqueConstraint(
                fields=["organization", "reference"],
                condition=Q(deleted_at__isnull=True) & ~Q(reference=""),
                name="activity_unique_reference",
                violation_error_message=_(
                    "This organisation already has an activity with this reference."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="activity_org_status"),
        ]

    def __str__(self):
        return self.title_vi

    def get_workflow(self):
        form_workflow = self.form.workflow if self.form_id else None
        if form_workflow is not None and form_workflow.active:
            return form_workflow
        return super().get_workflow()

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        # The stored row's bookkeeping (version for the stale-edit check, trash, creation)
        # and the activity-wide fields are never taken back from a revision.
        for name in (*LIVE_FIELDS, "version", "created_at", "deleted_at", "deleted_by_id"):
            setattr(obj, name, getattr(self, name))
        return obj

    @property
    def window(self):
        """The first and last day transactions may be dated (either may be ``None``)."""
        starts = [d for d in (self.planned_start, self.actual_start) if d]
        ends = [d for d in (self.planned_end, self.actual_end) if d]
        return (min(starts) if starts else None, max(ends) if ends else None)

    @property
    def is_counted(self) -> bool:
        from ..choices import COUNTED_STATUSES

        return self.status in COUNTED_STATUSES


class ActivityDonor(models.Model):
    """A donor of an activity. Transactions name their provider among the donors."""

    activity = ParentalKey(AidActivity, on_delete=models.CASCADE, related_name="donors")
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="donated_activities",
    )

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        constraints = [
            models.UniqueConstraint(fields=["activity", "partner"], name="activity_donor_once")
        ]

    def __str__(self):
        return str(self.partner)


class WeightedShare(models.Model):
    """A percentage share of an activity; ``weight`` repeats it in hundredths of a per cent
    so that figures split amounts with whole numbers on every engine."""

    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        blank=True,
        help_text=_("Leave every share empty for equal shares."),
    )
    weight = models.PositiveIntegerField(editable=False, default=0)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.weight = share_weight(self.share)
        super().save(*args, **kwargs)

    def clean(self):
        if self.share is not None and not (0 < self.share <= 100):
            raise ValidationError({"share": _("A share is more than 0 and at most 100.")})


class ActivitySector(WeightedShare):
    """The share of an activity in one sector (the shares add up to 100)."""

    activity = ParentalKey(AidActivity, on_delete=models.CASCADE, related_name="sectors")
    sector = models.ForeignKey(
        "aid.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("sector share")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return f"{self.sector} {self.share}%"


class ActivityLocation(WeightedShare):
    """A place an activity is carried out and its share (equal shares when none is given).
    Old units are accepted for old records; ``province`` is today's province it rolls up to."""

    activity = ParentalKey(AidActivity, on_delete=models.CASCADE, related_name="locations")
    unit = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("commune or province"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("province today"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return str(self.unit)

    def save(self, *args, **kwargs):
        from huunghi.places.selectors import current_province

        self.province = current_province(self.unit) if self.unit_id else None
        super().save(*args, **kwargs)


class ActivityBeneficiary(models.Model):
    """How many people of a group an activity reaches."""

    activity = ParentalKey(AidActivity, on_delete=models.CASCADE, related_name="beneficiaries")
    group = models.ForeignKey(
        "aid.BeneficiaryGroup",
        verbose_name=_("beneficiary group"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveIntegerField(_("number of people"), null=True, blank=True)

    class Meta:
        verbose_name = _("beneficiaries")
        verbose_name_plural = _("beneficiaries")

    def __str__(self):
        return f"{self.group}: {self.number or ''}"
