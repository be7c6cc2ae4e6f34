"""The friendship network: associations and chapters (organisations of the tree, with what
only they have), memberships with their dated statuses, congresses and positions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huunghi.core.models import BaseModel
from huunghi.orgs.models import OrgOwnedModel, ScopedModelMixin
from huunghi.orgs.querysets import ScopedManager, ScopedQuerySet

from .choices import (
    AssociationStatus,
    ChapterKind,
    Committee,
    MemberKind,
    MemberStatus,
    PositionTitle,
)


class OrganizationProfile(ScopedModelMixin, BaseModel):
    """What an association or a chapter has beyond the organisation it is in the tree."""

    org_path = "organization"

    organization = models.OneToOneField(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
    )

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.organization)

    def build_search_text(self):
        from huunghi.core.text import normalise

        org = self.organization
        return normalise(f"{org.code} {org.name_vi} {org.name_en} {org.short_name_vi}")


class Association(OrganizationProfile):
    """A friendship association ("Hội hữu nghị Việt Nam – Lào tỉnh Đồng Tháp"): bilateral
    with one partner country, multilateral with several ("Việt Nam – Séc – Slovakia"). It is
    an organisation of the tree, under its union (national level under VUFO, provincial under
    a provincial union); its dates and predecessors (the 2025 mergers) are the organisation's."""

    partner_countries = models.ManyToManyField(
        "places.Country", verbose_name=_("partner countries"), related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssociationStatus.choices, default="active"
    )
    founding_decision_number = models.CharField(
        _("founding decision no."), max_length=60, blank=True
    )
    founding_decision_date = models.DateField(_("founding decision date"), null=True, blank=True)
    founding_decision_issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("friendship association")
        verbose_name_plural = _("friendship associations")
        ordering = ["organization__path"]

    @property
    def country_list(self) -> str:
        return ", ".join(c.name_vi for c in self.partner_countries.all()) or "—"

    country_list.fget.short_description = _("partner countries")


class Chapter(OrganizationProfile):
    """A chapter ("chi hội") or base chapter ("hội cơ sở") under an association or directly
    under a union, located in a commune (the organisation's unit)."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=ChapterKind.choices, default=ChapterKind.CHAPTER
    )
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["organization__path"]

    @property
    def unit(self):
        return self.organization.unit or "—"

    unit.fget.short_description = _("commune")


class Membership(OrgOwnedModel):
    """A member of an association or chapter: a person, or for a collective member an
    organisation or enterprise. Its status on each date comes from ``MembershipPeriod``;
    ``status`` and ``status_since`` repeat the current one for lists."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=MemberKind.choices, default=MemberKind.INDIVIDUAL
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    collective_name = models.CharField(
        _("collective member"),
        max_length=255,
        blank=True,
        help_text=_("For a collective member: the organisation or enterprise."),
    )
    joined_on = models.DateField(_("joined on"))
    card_number = models.CharField(_("member card no."), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MemberStatus.choices,
        default=MemberStatus.ACTIVE,
        editable=False,
    )
    status_since = models.DateField(_("status since"), null=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    transferred_from = models.ForeignKey(
        "self",
        verbose_name=_("transferred from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The membership of a merged association this one continues."),
    )

    search_fields = ("card_number", "collective_name")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__path", "person__sort_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="individual") & Q(person__isnull=False))
                | (Q(kind="collective") & ~Q(collective_name="")),
                name="membership_member_given",
            ),
            models.UniqueConstraint(
                fields=["organization", "card_number"],
                condition=Q(deleted_at__isnull=True) & ~Q(card_number=""),
                name="membership_card_unique",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="membership_org_status")]

    def __str__(self):
        member = self.person if self.person_id else self.collective_name
        return f"{member} — {self.organization}"

    @property
    def member_name(self) -> str:
        return str(self.person) if self.person_id else self.collective_name

    member_name.fget.short_description = _("member")

    def build_search_text(self):
        from huunghi.core.text import normalise

        name = self.person.full_name if self.person_id else self.collective_name
        return normalise(f"{name} {self.card_number}")

    def clean(self):
        if self.kind == MemberKind.INDIVIDUAL and not self.person_id:
            raise ValidationError({"person": _("Choose the person who is the member.")})
        if self.kind == MemberKind.COLLECTIVE and not self.collective_name:
            raise ValidationError(
                {"collective_name": _("Enter the organisation or enterprise that is the member.")}
            )
        org = getattr(self, "organization", None)
        if org is not None and org.kind not in ("association", "chapter"):
            raise ValidationError(
                {"organization": _("Members belong to an association or a chapter.")}
            )


class MembershipPeriod(ScopedModelMixin, BaseModel):
    """A membership's status from ``valid_from`` up to (not including) ``valid_to``; the
    periods of one membership follow each other without gaps. Counts at a date read them."""

    org_path = "membership__organization"

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="periods"
    )
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = ScopedManager()
    all_objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership status")
        verbose_name_plural = _("membership statuses")
        ordering = ["membership_id", "valid_from"]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="period_dates")]

    def __str__(self):
        return f"{self.get_status_display()} {self.valid_from:%d/%m/%Y}"


class Congress(OrgOwnedModel):
    """A congress ("Đại hội lần thứ V") of a union or association, opening a term."""

    number = models.PositiveSmallIntegerField(_("number"))
    term_start = models.PositiveSmallIntegerField(_("term from (year)"))
    term_end = models.PositiveSmallIntegerField(_("term to (year)"))
    held_on = models.DateField(_("held on"))
    delegates = models.PositiveIntegerField(_("delegates"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        ordering = ["organization__path", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"],
                condition=Q(deleted_at__isnull=True),
                name="congress_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="congress_term_ordered"
            ),
        ]

    def __str__(self):
        return _("Congress %(number)s, term %(start)s–%(end)s of %(org)s") % {
            "number": roman(self.number),
            "start": self.term_start,
            "end": self.term_end,
            "org": self.organization,
        }

    def clean(self):
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The term ends before it starts.")})


class Position(OrgOwnedModel):
    """A position held by a person in a union or association: chair, vice-chair, secretary
    general, committee member …, in a committee, usually for the term of a congress."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    committee = models.CharField(
        _("committee"), max_length=20, choices=Committee.choices, default=Committee.EXECUTIVE
    )
    title = models.CharField(_("position"), max_length=40, choices=PositionTitle.choices)
    congress = models.ForeignKey(
        Congress,
        verbose_name=_("elected at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["organization__path", "-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.get_title_display()} — {self.organization}"

    def build_search_text(self):
        from huunghi.core.text import normalise

        return normalise(f"{self.person.full_name} {self.organization.name_vi}")

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date is before the start date.")})
        if (
            self.congress_id
            and self.organization_id
            and self.congress.organization_id != self.organization_id
        ):
            raise ValidationError({"congress": _("This congress is of another organisation.")})


_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)
