"""Transactions of aid activities in their own currency and in đồng, and the log of the
background recomputations that follow a change of exchange rate."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huunghi.core.models import BaseModel
from huunghi.core.money import AmountField, CurrencyField, VNDField, format_vnd
from huunghi.orgs.models import ScopedModelMixin
from huunghi.orgs.querysets import ScopedManager, ScopedQuerySet

from ..choices import RecomputeStatus, TransactionKind


class AidTransaction(ScopedModelMixin, BaseModel):
    """A commitment, disbursement or expenditure of an activity, from one of its donors.

    ``amount`` keeps the original currency; ``value_vnd`` is its đồng value at the latest
    rate on or before ``date`` (``rate`` and ``rate_date`` say which), stored when the
    transaction is saved and recomputed when such a rate is added or changed. ``vnd_credited``
    (what the aid account actually received) overrides it. ``vnd`` is the value the figures
    add up; it is empty, never zero, when there is no rate and no credited value.
    """

    org_path = "activity__organization"

    activity = models.ForeignKey(
        "aid.AidActivity",
        verbose_name=_("aid activity"),
        on_delete=models.CASCADE,
        related_name="transactions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    date = models.DateField(_("date"))
    amount = AmountField(_("amount"))
    currency = CurrencyField(default="VND")
    provider = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="provided_transactions",
        help_text=_("The donor the money comes from."),
    )
    rate = models.DecimalField(
        _("rate used"), max_digits=18, decimal_places=6, null=True, editable=False
    )
    rate_date = models.DateField(_("date of the rate"), null=True, editable=False)
    value_vnd = VNDField(_("value at the rate (đồng)"), null=True, editable=False)
    vnd_credited = VNDField(
        _("đồng actually credited"),
        null=True,
        blank=True,
        help_text=_("What the aid account received; when given it is used instead of the rate."),
    )
    vnd = VNDField(_("value (đồng)"), null=True, editable=False)
    description = models.CharField(_("description"), max_length=255, blank=True)

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    search_fields = ("description", "currency")

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["kind", "date"], name="aid_tx_kind_date"),
            models.Index(fields=["currency", "date"], name="aid_tx_currency_date"),
            models.Index(fields=["activity", "kind", "date"], name="aid_tx_activity_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=TransactionKind.DISBURSEMENT) | Q(amount__gte=0),
                name="aid_tx_amount_not_negative",
                violation_error_message=_(
                    "Only a disbursement may be negative (a correction); this amount must not be."
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} {self.amount} {self.currency}"

    @property
    def rate_missing(self) -> bool:
        return self.vnd is None

    @property
    def vnd_display(self) -> str:
        return format_vnd(self.vnd) if self.vnd is not None else ""

    def clean(self):
        errors = {}
        if (
            self.amount is not None
            and self.amount < 0
            and self.kind != TransactionKind.DISBURSEMENT
        ):
            errors["amount"] = _(
                "Only a disbursement may be negative (a correction); this amount must not be."
            )
        if (
            self.vnd_credited is not None
            and self.vnd_credited < 0
            and (self.kind != TransactionKind.DISBURSEMENT)
        ):
            errors["vnd_credited"] = _("The credited value cannot be negative.")
        activity = self.activity if self.activity_id else None
        if activity is not None and self.date:
            first, last = activity.window
            if (first and self.date < first) or (last and self.date > last):
                errors["date"] = _(
                    "%(date)s is outside the activity's dates (%(first)s – %(last)s)."
                ) % {
                    "date": self.date.strftime("%d/%m/%Y"),
                    "first": first.strftime("%d/%m/%Y") if first else "…",
                    "last": last.strftime("%d/%m/%Y") if last else "…",
                }
        if activity is not None and self.provider_id:
            donors = set(activity.donors.values_list("partner_id", flat=True))
            if self.provider_id not in donors:
                errors["provider"] = _("The provider must be one of the activity's donors.")
        if errors:
            raise ValidationError(errors)

    def apply_rate(self, rates=None) -> None:
        """Fill ``rate``, ``value_vnd`` and ``vnd`` from the latest rate on or before ``date``
        (looked up in ``rates``, a ``RateTable``, when one is given: no query per row)."""
        from ..services.rates import rate_on, value_at

        if self.currency == "VND":
            self.rate, self.rate_date = None, None
            self.value_vnd = value_at(self.amount, 1)
        else:
            found = (rates.on if rates is not None else rate_on)(self.currency, self.date)
            self.rate, self.rate_date = (found.rate, found.date) if found else (None, None)
            self.value_vnd = value_at(self.amount, found.rate) if found else None
        self.vnd = self.vnd_credited if self.vnd_credited is not None else self.value_vnd

    def save(self, *args, **kwargs):
        self.apply_rate()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                "rate",
                "rate_date",
                "value_vnd",
                "vnd",
            }
        super().save(*args, **kwargs)


class RateRecomputation(models.Model):
    """A background run that recomputed the đồng values of transactions after an exchange
    rate was added, changed or removed: which currency and dates, who, how many changed."""

    currency = CurrencyField()
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RecomputeStatus.choices, default=RecomputeStatus.QUEUED
    )
    examined = models.PositiveIntegerField(_("transactions examined"), default=0)
    changed = models.PositiveIntegerField(_("values changed"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("rate recomputation")
        verbose_name_plural = _("rate recomputations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.currency} {self.date_from:%d/%m/%Y} — {self.get_status_display()}"

    def clean(self):
        if self.date_to and self.date_to < self.date_from:
            raise ValidationError({"date_to": _("The end is before the start.")})
