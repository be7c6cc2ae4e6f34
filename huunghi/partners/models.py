"""The registry of external partners: foreign NGOs with their Vietnamese registration
certificates, foreign localities, missions, international organisations, enterprises,
individual donors and overseas-Vietnamese organisations; their contacts and the log of
interactions with them."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huunghi.core.exceptions import DeleteRefused
from huunghi.core.models import BaseModel
from huunghi.core.text import normalise
from huunghi.orgs.models import OrgOwnedModel, ScopedModelMixin
from huunghi.orgs.querysets import ScopedManager, ScopedQuerySet

from .choices import CertificateKind, InteractionKind, PartnerKind

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def partner_name_key(name: str) -> str:
    """The name folded for duplicate detection: no diacritics, case, punctuation or spaces
    ("Plan International, Inc." and "PLAN INTERNATIONAL INC" give the same key)."""
    return _NOT_ALNUM.sub("", normalise(name))


class Partner(OrgOwnedModel):
    """An external organisation (or an individual donor) the network works with.

    One registry for the whole network: every member of staff sees every partner, so one NGO
    is one record (``shared_view``); the organisation that keeps the record (``organization``)
    and its subtree change it. Contacts and interactions stay private to their organisation.
    """

    shared_view = True

    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    name = models.CharField(
        _("name"), max_length=255, help_text=_("The official name, as the partner writes it.")
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    country = models.ForeignKey(
        "places.Country",
        verbose_name=_("country of headquarters"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Figures by donor country use this country."),
    )
    countries = models.ManyToManyField(
        "places.Country",
        verbose_name=_("other countries"),
        blank=True,
        related_name="+",
        help_text=_("Countries where it also works or that it represents."),
    )
    headquarters = models.CharField(_("headquarters"), max_length=255, blank=True)
    address_in_vietnam = models.CharField(_("address in Vietnam"), max_length=255, blank=True)
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        help_text=_("For example GB-CHC-202918 (Oxfam GB)."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_records",
        help_text=_("For an individual donor: the person."),
    )
    sectors = models.ManyToManyField(
        "aid.Sector", verbose_name=_("sectors of interest"), blank=True, related_name="partners"
    )
    note = models.TextField(_("note"), blank=True)
    name_key = models.CharField(max_length=255, editable=False, default="", db_index=True)

    search_fields = ("name", "name_vi", "acronym", "iati_identifier", "headquarters")

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"],
                condition=Q(deleted_at__isnull=True) & ~Q(iati_identifier=""),
                name="partner_unique_iati_identifier",
                violation_error_message=_(
                    "Another partner already has this IATI organisation identifier."
                ),
            )
        ]

    def __str__(self):
        if self.acronym and self.acronym.lower() not in self.name.lower():
            return f"{self.name} ({self.acronym})"
        return self.name

    def check_delete(self):
        from huunghi.aid.models import AidActivity

        used = (
            AidActivity.objects.filter(
                Q(donors__partner=self) | Q(implementing_partner=self)
            ).exists()
            or self.provided_transactions.filter(deleted_at__isnull=True).exists()
        )
        if used:
            raise DeleteRefused(
                _(
                    "This partner is named on aid activities or their transactions. Merge it "
                    "into another partner instead, or change those records first."
                )
            )

    def clean(self):
        if self.kind == PartnerKind.INDIVIDUAL and not self.person_id:
            raise ValidationError({"person": _("An individual donor is a person: choose one.")})

    def save(self, *args, **kwargs):
        self.name_key = partner_name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"name_key"}
        super().save(*args, **kwargs)


class PartnerOwnedMixin(ScopedModelMixin):
    """A record that is part of a partner's own file (its certificates): seen with the
    partner, changed by whoever may change the partner."""

    org_path = "partner__organization"
    shared_view = True


class Certificate(PartnerOwnedMixin, BaseModel):
    """A Vietnamese registration certificate of a foreign NGO (Decree 58/2022, earlier
    Decree 12/2012): kind, number, issuer, dates and the provinces it covers."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=60)
    issuer = models.CharField(
        pgettext_lazy("certificate", "issued by"),
        max_length=200,
        blank=True,
        default="Bộ Ngoại giao",
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    provinces = models.ManyToManyField(
        "places.AdministrativeUnit",
        verbose_name=_("provinces"),
        blank=True,
        related_name="+",
        help_text=_("Where the certificate lets it work (the units named on it)."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    search_fields = ("number", "issuer")

    class Meta:
        verbose_name = _("registration certificate")
        verbose_name_plural = _("registration certificates")
        ordering = ["expires_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="certificate_dates_ordered",
                violation_error_message=_("The expiry date is before the issue date."),
            )
        ]

    def __str__(self):
        return f"{self.number} — {self.partner}"


class Contact(OrgOwnedModel):
    """A person the organisation deals with at a partner, and their role there. The person's
    data stay in ``people.Person`` with its consent and personal-data rules."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="partner_contacts",
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)
    valid_from = models.DateField(_("since"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    search_fields = ("role",)

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["partner__name", "-is_primary"]

    def __str__(self):
        return f"{self.person} — {self.partner}"

    def build_search_text(self):
        return normalise(f"{self.person} {self.partner} {self.role}")


class Interaction(OrgOwnedModel):
    """A meeting, call, visit, letter or e-mail with a partner, with the member of staff who
    owns the relationship: the log a union keeps of its work with each partner."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contacts = models.ManyToManyField(
        "people.Person", verbose_name=_("people met"), blank=True, related_name="+"
    )
    follow_up = models.TextField(_("next steps"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)

    search_fields = ("subject", "summary")

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.subject}"
