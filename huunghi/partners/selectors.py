"""Reads on the partner registry: certificates about to expire, possible duplicates, what a
merge would move, and what the inspect page of a partner shows."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from huunghi.core.merging import related_counts, reverse_relations
from huunghi.orgs import visibility
from huunghi.orgs.choices import Action, OrgKind
from huunghi.orgs.models import Organization
from huunghi.places.models import AdministrativeUnit, UnitLevel

from .models import Certificate, Contact, Interaction, Partner, partner_name_key

#: how far ahead the registry warns of expiring certificates
EXPIRY_WARNING_DAYS = 90

_SPACES = re.compile(r"\s+")


def iati_key(identifier: str) -> str:
    """An IATI organisation identifier as compared for duplicates: no spaces, upper case
    ("gb-chc-202918 " and "GB-CHC-202918" are one identifier)."""
    return _SPACES.sub("", identifier or "").upper()


def acronym_key(acronym: str) -> str:
    """An acronym folded like names ("F.F.", "ff" and "FF" are one acronym)."""
    return partner_name_key(acronym or "")


# --- certificates --------------------------------------------------------------------------


def _renewed():
    """A later certificate of the same kind that runs longer: the earlier one was renewed."""
    return Certificate.objects.filter(
        partner=OuterRef("partner"),
        kind=OuterRef("kind"),
        issued_on__gt=OuterRef("issued_on"),
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")))


def actor_province_ids(actor) -> set[int] | None:
    """Today's provinces (and the pre-2025 provinces merged into them) of the organisations
    ``actor`` works in: the provincial unions at, above or below the actor's roles. ``None``
    for a national user (every province)."""
    paths = visibility.scope_paths(actor, Action.VIEW)
    if paths is None:
        return None
    if not paths:
        return set()
    condition = Q()
    for path in paths:
        steps = len(path) // Organization.steplen
        ancestors = [path[: Organization.steplen * i] for i in range(1, steps + 1)]
        condition |= Q(path__in=ancestors) | Q(path__startswith=path)
    units = Organization.objects.filter(
        condition, kind=OrgKind.PROVINCIAL_UNION, unit__isnull=False
    ).select_related("unit", "unit__parent")
    from huunghi.places.selectors import current_province

    provinces = {p.pk for org in units if (p := current_province(org.unit)) is not None}
    if not provinces:
        return set()
    earlier = AdministrativeUnit.objects.filter(
        level=UnitLevel.PROVINCE,
        successor_mappings__new_unit__in=provinces,
        successor_mappings__deleted_at__isnull=True,
    ).values_list("pk", flat=True)
    return provinces | set(earlier)


def certificate_expiring_list(
    actor, *, within_days: int = EXPIRY_WARNING_DAYS, today: datetime.date | None = None
) -> QuerySet[Certificate]:
    """Certificates that expire from ``today`` to ``within_days`` days later and that concern
    ``actor``, soonest first, with their partner and provinces.

    The registry is shared, so "concerning" is narrowed for the dashboard: a national user
    sees every expiring certificate; anyone else those of the partners kept by their own
    organisations and those covering a province of their organisations (a certificate of an
    earlier province counts for the province it was merged into). A certificate already
    renewed (a later one of the same kind that runs longer) is left out."""
    today = today or timezone.localdate()
    qs = (
        Certificate.objects.visible_to(actor, Action.VIEW)
        .filter(
            partner__deleted_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=within_days),
        )
        .exclude(Exists(_renewed()))
    )
    provinces = actor_province_ids(actor)
    if provinces is not None:
        own = Organization.objects.visible_to(actor, Action.VIEW).values("pk")
        covered = Certificate.provinces.through.objects.filter(
            certificate=OuterRef("pk"), administrativeunit__in=provinces
        )
        qs = qs.filter(Q(partner__organization__in=own) | Q(Exists(covered)))
    return (
        qs.select_related("partner", "partner__country")
        .prefetch_related("provinces")
        .order_by("expires_on", "number", "pk")
    )


def certificate_status(certificate: Certificate, today: datetime.date | None = None) -> str:
    """``expired``, ``expiring`` (within ``EXPIRY_WARNING_DAYS``), ``valid`` or ``open``
    (no expiry date)."""
    today = today or timezone.localdate()
    if certificate.expires_on is None:
        return "open"
    if certificate.expires_on < today:
        return "expired"
    if certificate.expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
        return "expiring"
    return "valid"


# --- duplicates ----------------------------------------------------------------------------


@dataclass
class PartnerDuplicateGroup:
    """Partners that are probably one organisation, and why."""

    partners: list = field(default_factory=list)
    same_name: bool = False
    same_iati: bool = False
    same_acronym: bool = False

    @property
    def pairs(self):
        first = self.partners[0]
        return [(first, other) for other in self.partners[1:]]


def _keys(row) -> list[tuple]:
    """The keys on which two partners count as one: ``row`` is (pk, name_key, iati, acronym,
    country_id)."""
    _pk, name, iati, acronym, country = row
    keys = []
    if name:
        keys.append(("name", name))
    if iati_key(iati):
        keys.append(("iati", iati_key(iati)))
    if acronym_key(acronym) and country:
        keys.append(("acronym", acronym_key(acronym), country))
    return keys


def partner_duplicate_list(actor) -> list[PartnerDuplicateGroup]:
    """Groups of partners visible to ``actor`` that share a name (ignoring diacritics, case,
    punctuation and spacing), an IATI organisation identifier, or an acronym in the same
    country. Two queries: the keys of every partner (the comparison is done in Python so it
    folds acronyms and identifiers the same way on every engine), then the partners that
    have a twin."""
    rows = Partner.objects.visible_to(actor, Action.VIEW).values_list(
        "pk", "name_key", "iati_identifier", "acronym", "country_id"
    )
    parent: dict[int, int] = {}

    def find(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    first_by: dict[tuple, int] = {}
    reasons: dict[int, set] = {}
    for row in rows:
        pk = row[0]
        parent.setdefault(pk, pk)
        for key in _keys(row):
            if key in first_by:
                other = first_by[key]
                reasons.setdefault(pk, set()).add(key[0])
                reasons.setdefault(other, set()).add(key[0])
                parent[find(pk)] = find(other)
            else:
                first_by[key] = pk
    if not reasons:
        return []
    partners = (
        Partner.objects.filter(pk__in=list(reasons))
        .select_related("country", "organization")
        .order_by("name_key", "pk")
    )
    grouped: dict[int, PartnerDuplicateGroup] = {}
    for partner in partners:
        group = grouped.setdefault(find(partner.pk), PartnerDuplicateGroup())
        group.partners.append(partner)
        why = reasons[partner.pk]
        group.same_name |= "name" in why
        group.same_iati |= "iati" in why
        group.same_acronym |= "acronym" in why
    groups = [g for g in grouped.values() if len(g.partners) > 1]
    groups.sort(key=lambda g: (g.partners[0].name_key, g.partners[0].pk))
    return groups


def partner_match_list(
    actor,
    *,
    name: str,
    iati_identifier: str = "",
    acronym: str = "",
    country=None,
    exclude_pk: int | None = None,
) -> list[Partner]:
    """Visible partners that a new (or edited) partner would duplicate: the same name, the
    same IATI identifier, or the same acronym in the same country (folded as in
    ``partner_duplicate_list``)."""
    name = partner_name_key(name)
    iati = iati_key(iati_identifier)
    short = acronym_key(acronym)
    condition = Q()
    if name:
        condition |= Q(name_key=name)
    if iati:
        condition |= Q(iati_identifier__iexact=iati_identifier.strip())
    if short and country is not None:
        condition |= Q(country=country) & ~Q(acronym="")
    if not condition:
        return []
    qs = Partner.objects.visible_to(actor, Action.VIEW).filter(condition)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    country_id = getattr(country, "pk", country)
    matches = []
    for partner in qs.select_related("country", "organization").order_by("name", "pk")[:200]:
        if (
            (name and partner.name_key == name)
            or (iati and iati_key(partner.iati_identifier) == iati)
            or (
                short and partner.country_id == country_id and acronym_key(partner.acronym) == short
            )
        ):
            matches.append(partner)
    return matches


# --- merge ---------------------------------------------------------------------------------


def partner_relations():
    """Every relation through which other records point at a partner (``core.merging``)."""
    return reverse_relations(Partner)


def partner_related_counts(partner: Partner) -> list[dict]:
    """How many records point at ``partner`` through each relation (trashed ones and those
    of other organisations included: they all move in a merge)."""
    return related_counts(partner, partner_relations())


# --- the inspect page ----------------------------------------------------------------------


def partner_contact_list(actor, partner: Partner) -> QuerySet[Contact]:
    """The contacts at ``partner`` that ``actor`` may see (contacts are private to the
    organisation that keeps them)."""
    return (
        Contact.objects.visible_to(actor, Action.VIEW)
        .filter(partner=partner)
        .select_related("person", "organization")
        .order_by("-is_primary", "person__sort_key", "pk")
    )


def partner_interaction_list(actor, partner: Partner) -> QuerySet[Interaction]:
    """The interactions with ``partner`` that ``actor`` may see, newest first."""
    return (
        Interaction.objects.visible_to(actor, Action.VIEW)
        .filter(partner=partner)
        .select_related("owner", "organization")
        .order_by("-date", "-pk")
    )


def partner_activity_list(actor, partner: Partner):
    """The aid activities ``actor`` may see in which ``partner`` is a donor or the
    implementing partner, newest first."""
    from huunghi.aid.models import ActivityDonor, AidActivity

    donor = ActivityDonor.objects.filter(activity=OuterRef("pk"), partner=partner)
    return (
        AidActivity.objects.visible_to(actor, Action.VIEW)
        .filter(Q(Exists(donor)) | Q(implementing_partner=partner))
        .annotate(is_donor=Exists(donor))
        .select_related("form", "organization")
        .order_by("-planned_start", "-pk")
    )
