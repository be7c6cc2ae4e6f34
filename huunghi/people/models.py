"""Persons (one record per individual the platform knows), their consent to the
processing of their personal data, and the merges of duplicate records."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huunghi.core.collation import person_sort_key
from huunghi.core.models import BaseModel
from huunghi.core.text import normalise
from huunghi.orgs.models import OrgOwnedModel, ScopedModelMixin
from huunghi.orgs.querysets import ScopedManager, ScopedQuerySet

from .choices import (
    ETHNICITY_CHOICES,
    ConsentMethod,
    ConsentPurpose,
    ConsentState,
    Gender,
)

#: fields that only a user with the personal-data permission sees, exports or searches
PERSONAL_FIELDS = (
    "date_of_birth",
    "phone",
    "email",
    "address",
    "commune",
    "ethnicity",
    "identity_number",
)


#: a person's fields in the order they are read (inspect page, merge preview)
DETAIL_FIELDS = (
    "organization",
    "gender",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "commune",
    "occupation",
    "workplace",
    "ethnicity",
    "nationalities",
    "foreign_languages",
    "identity_number",
    "consent_state",
    "note",
)


def name_key(family: str, middle: str, given: str) -> str:
    """The name as duplicate detection compares it: no diacritics, case or spacing."""
    return normalise(f"{family} {middle} {given}").replace(" ", "")


def phone_key(phone: str) -> str:
    """A phone number reduced to its digits in national form (+84 912… → 0912…)."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


class PersonQuerySet(ScopedQuerySet):
    def search_for(self, user, query: str):
        """Search by name for everyone the user sees; by phone, e-mail or identity number only
        among the persons whose personal data the user may see."""
        personal = self.model.objects.visible_to(user, "personal_data").values("pk")
        qs = self
        for word in normalise(query).split():
            qs = qs.filter(
                Q(search_text__contains=word)
                | Q(personal_search_text__contains=word, pk__in=personal)
            )
        return qs


class PersonManager(ScopedManager.from_queryset(PersonQuerySet)):
    pass


class Person(OrgOwnedModel):
    """An individual the platform knows: a member now; later a partner contact, delegate,
    trainee, award recipient or overseas contact, always the same record. The owning
    organisation is the one that keeps the record (usually where the person is a member).

    Personal fields (``PERSONAL_FIELDS``) follow the personal-data permission everywhere;
    a person who withdrew consent is flagged and left out of exports and mailings."""

    family_name = models.CharField(_("family name"), max_length=60)
    middle_name = models.CharField(_("middle name"), max_length=80, blank=True)
    given_name = models.CharField(_("given name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Today's commune, or the commune at the time for old records."),
    )
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=40, choices=ETHNICITY_CHOICES, blank=True
    )
    nationalities = models.ManyToManyField(
        "places.Country", verbose_name=_("nationalities"), blank=True, related_name="+"
    )
    foreign_languages = models.CharField(_("foreign languages"), max_length=200, blank=True)
    identity_number = models.CharField(
        _("identity number"),
        max_length=20,
        blank=True,
        help_text=_("Sensitive: fill in only when a task needs it."),
    )
    note = models.TextField(_("note"), blank=True)
    consent_state = models.CharField(
        _("consent"),
        max_length=10,
        choices=ConsentState.choices,
        default=ConsentState.NONE,
        editable=False,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: Vietnamese order: given name, then middle and family name
    sort_key = models.CharField(max_length=400, editable=False, default="", db_index=True)
    name_key = models.CharField(max_length=200, editable=False, default="")
    phone_key = models.CharField(max_length=30, editable=False, default="")
    personal_search_text = models.TextField(editable=False, blank=True, default="")

    search_fields = ("family_name", "middle_name", "given_name")
    audit_redacted_fields = PERSONAL_FIELDS

    objects = PersonManager()
    all_objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["name_key", "date_of_birth"], name="person_dupe_dob"),
            models.Index(fields=["name_key", "phone_key"], name="person_dupe_phone"),
            models.Index(fields=["organization", "sort_key"], name="person_org_sort"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    full_name.fget.short_description = _("full name")

    @property
    def code(self) -> str:
        return f"P-{self.pk:06d}" if self.pk else ""

    @property
    def processing_restricted(self) -> bool:
        return self.consent_state == ConsentState.WITHDRAWN

    def fill_derived(self):
        self.sort_key = person_sort_key(self.family_name, self.middle_name, self.given_name)
        self.name_key = name_key(self.family_name, self.middle_name, self.given_name)
        self.phone_key = phone_key(self.phone)
        self.personal_search_text = " ".join(
            p for p in (self.phone_key, normalise(self.email), normalise(self.identity_number)) if p
        )
        self.search_text = self.build_search_text()

    def save(self, *args, **kwargs):
        self.fill_derived()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "sort_key",
                "name_key",
                "phone_key",
                "personal_search_text",
            }
        super().save(*args, **kwargs)

    def refresh_consent_state(self):
        """The consent state shown on the person: that of the latest consent record."""
        latest = self.consents.filter(deleted_at__isnull=True).order_by("-given_on", "-id").first()
        if latest is None:
            state = ConsentState.NONE
        else:
            state = ConsentState.WITHDRAWN if latest.withdrawn_on else ConsentState.GIVEN
        if state != self.consent_state:
            Person.all_objects.filter(pk=self.pk).update(consent_state=state)
            self.consent_state = state

    def clean(self):
        if self.phone and len(phone_key(self.phone)) not in range(9, 12):
            raise ValidationError(
                {"phone": _("A phone number has 10 digits, e.g. 0912 345 678 or +84 912 345 678.")}
            )


class Consent(ScopedModelMixin, BaseModel):
    """A person's consent to the processing of their personal data (Law 91/2025, Decree
    356/2025): for which purposes, when and how it was given, the evidence, and when it was
    withdrawn. Silence is not consent, so a person without a record has none."""

    org_path = "person__organization"

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purposes = models.JSONField(_("purposes"), default=list)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how given"), max_length=20, choices=ConsentMethod.choices)
    evidence = models.ForeignKey(
        "orgs.Attachment",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The signed form or the record of the statement."),
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_note = models.CharField(_("how withdrawn"), max_length=255, blank=True)

    #: the history shows the purposes by their labels
    history_item_choices = {"purposes": ConsentPurpose.choices}

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]

    def __str__(self):
        return f"{self.person} — {self.given_on:%d/%m/%Y}"

    @property
    def purpose_list(self) -> str:
        labels = dict(ConsentPurpose.choices)
        return "; ".join(str(labels.get(p, p)) for p in self.purposes) or "—"

    purpose_list.fget.short_description = _("purposes")

    def clean(self):
        unknown = set(self.purposes or []) - set(ConsentPurpose.values)
        if unknown or not self.purposes:
            raise ValidationError({"purposes": _("Choose at least one purpose.")})
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            raise ValidationError(
                {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")}
            )

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.person.refresh_consent_state()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.person.refresh_consent_state()
        return result

    def restore(self):
        super().restore()
        self.person.refresh_consent_state()


class PersonMerge(ScopedModelMixin, BaseModel):
    """The merge of a duplicate person into the record kept: what moved, so that the merge
    is shown in the history and can be undone."""

    org_path = "kept__organization"

    kept = models.ForeignKey(
        Person, verbose_name=_("record kept"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Person, verbose_name=_("record merged"), on_delete=models.PROTECT, related_name="+"
    )
    #: {"app.Model.field": [ids re-pointed]} and the kept record's fields filled from the other
    moved = models.JSONField(default=dict, editable=False)
    filled = models.JSONField(default=dict, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True, editable=False)

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.merged} → {self.kept}"
