"""The needs catalog ("danh mục nhu cầu viện trợ"): yearly editions of the needs a union's
agencies and communes propose for foreign aid."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from huunghi.core.models import BaseModel
from huunghi.core.money import VNDField
from huunghi.orgs.models import OrgOwnedModel, ScopedModelMixin
from huunghi.orgs.querysets import ScopedManager, ScopedQuerySet

from ..choices import NeedStatus, Priority


class NeedsEdition(OrgOwnedModel):
    """One year's edition of a union's needs catalog, the booklet handed to NGOs at the
    promotion conference."""

    year = models.PositiveSmallIntegerField(_("year"))
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    introduction_vi = models.TextField(_("introduction (Vietnamese)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    search_fields = ("title_vi", "title_en", "year")

    class Meta:
        verbose_name = _("needs catalog edition")
        verbose_name_plural = _("needs catalog editions")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(deleted_at__isnull=True),
                name="needs_edition_one_per_year",
                violation_error_message=_("This organisation already has an edition that year."),
            )
        ]

    def __str__(self):
        return self.title_vi


class NeedItem(ScopedModelMixin, BaseModel, ClusterableModel):
    """A need proposed by an agency or commune: what, where, for whom, for how much. Its
    status follows it from the draft to the aid that funded it."""

    org_path = "edition__organization"

    edition = models.ForeignKey(
        NeedsEdition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("no."), null=True, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    proposer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agency or commune that proposes it."),
    )
    proposer_name = models.CharField(
        _("proposed by (name)"),
        max_length=255,
        blank=True,
        help_text=_("When the proposer is not an organisation in the platform."),
    )
    sector = models.ForeignKey(
        "aid.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The commune (or province) where it would be carried out."),
    )
    estimated_budget = VNDField(_("estimated budget (đồng)"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    contact = models.CharField(_("contact"), max_length=255, blank=True)

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    search_fields = ("title_vi", "title_en", "description_vi", "proposer_name")

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["edition", "number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_budget__isnull=True) | Q(estimated_budget__gte=0),
                name="need_budget_not_negative",
                violation_error_message=_("The estimated budget cannot be negative."),
            )
        ]

    def __str__(self):
        return self.title_vi


class NeedBeneficiary(models.Model):
    """How many people of a group a need is for."""

    need = ParentalKey(NeedItem, on_delete=models.CASCADE, related_name="beneficiaries")
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
