"""Reference data of aid: sectors, forms of aid, beneficiary groups and exchange rates."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from huunghi.core.money import CurrencyField
from huunghi.orgs import visibility
from huunghi.orgs.choices import Action
from huunghi.orgs.models import NationalReferenceModel
from huunghi.orgs.querysets import NationalQuerySet

from ..choices import AidFormKind


def localised_name(obj) -> str:
    """The English name in the English interface when there is one, else the Vietnamese."""
    language = get_language() or ""
    if language.startswith("en") and obj.name_en:
        return obj.name_en
    return obj.name_vi


class Sector(NationalReferenceModel):
    """A sector of aid ("Y tế", "Giáo dục") with the OECD DAC codes it stands for. Sectors are
    data: the starting list ships with the project and national administrators extend it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    dac_codes = models.CharField(
        _("OECD DAC codes"),
        max_length=200,
        blank=True,
        help_text=_("3- or 5-digit DAC codes, separated by “;” (e.g. 121;122)."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    search_fields = ("code", "name_vi", "name_en", "dac_codes")

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name_vi"]

    def __str__(self):
        return localised_name(self)


class AidForm(NationalReferenceModel):
    """A form of aid and how activities of that form are reviewed. The forms and steps of
    Decree 313/2025 are not confirmed in detail (FACTS.md §7a), so both are data: each form
    names its legal basis, its appraisal time and, optionally, its own review workflow."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AidFormKind.choices)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    appraisal_days = models.PositiveSmallIntegerField(
        _("appraisal time (days)"),
        null=True,
        blank=True,
        help_text=_("Days allowed for the union's opinion from a complete dossier."),
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=_("review workflow"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to use the workflow of aid activities."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    search_fields = ("code", "name_vi", "name_en")

    class Meta:
        verbose_name = _("form of aid")
        verbose_name_plural = _("forms of aid")
        ordering = ["name_vi"]

    def __str__(self):
        return localised_name(self)


class BeneficiaryGroup(NationalReferenceModel):
    """A group of people aid is meant for ("Trẻ em", "Người khuyết tật", …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    search_fields = ("code", "name_vi", "name_en")

    class Meta:
        verbose_name = _("beneficiary group")
        verbose_name_plural = _("beneficiary groups")
        ordering = ["name_vi"]

    def __str__(self):
        return localised_name(self)


class RateQuerySet(NationalQuerySet):
    """Exchange rates: every member of staff reads them; national editors keep them."""

    def visible_to(self, user, action="view", *, include_deleted=False):
        qs = self if include_deleted else self.filter(deleted_at__isnull=True)
        if str(action) == "view":
            allowed = visibility.has_any(user, Action.VIEW)
        else:
            allowed = visibility.is_national(user, Action.CHANGE)
        return qs if allowed else qs.none()


class RateManager(RateQuerySet.as_manager().__class__):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class ExchangeRate(NationalReferenceModel):
    """How many đồng one unit of a currency was worth from a date on. A transaction uses the
    latest rate on or before its date."""

    currency = CurrencyField()
    date = models.DateField(_("date"))
    rate = models.DecimalField(
        _("rate (đồng per unit)"), max_digits=18, decimal_places=6, help_text=_("e.g. 25415")
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("e.g. State Bank of Vietnam")
    )

    objects = RateManager()
    all_objects = RateQuerySet.as_manager()

    search_fields = ("currency", "source")

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "date"],
                condition=Q(deleted_at__isnull=True),
                name="exchange_rate_unique_day",
                violation_error_message=_("This currency already has a rate on this date."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("A rate must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(currency="VND"),
                name="exchange_rate_not_vnd",
                violation_error_message=_("The đồng needs no rate."),
            ),
        ]
        indexes = [models.Index(fields=["currency", "date"], name="exchange_rate_lookup")]

    def __str__(self):
        return f"{self.currency} {self.date:%d/%m/%Y}"
