"""Reads on persons: possible duplicates, what a merge would move, mailing lists."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from huunghi.core.merging import related_counts, reverse_relations
from huunghi.orgs.choices import Action

from .choices import ConsentPurpose, ConsentState
from .models import Consent, Person, PersonMerge, name_key, phone_key

#: fields a merge may fill on the kept record from the merged one (when empty there)
FILLABLE_FIELDS = (
    "gender",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "commune",
    "occupation",
    "workplace",
    "ethnicity",
    "foreign_languages",
    "identity_number",
    "note",
)


@dataclass
class DuplicateGroup:
    """Persons that are probably one individual, and why (same date of birth / phone)."""

    persons: list = field(default_factory=list)
    same_date_of_birth: bool = False
    same_phone: bool = False

    @property
    def pairs(self):
        first = self.persons[0]
        return [(first, other) for other in self.persons[1:]]


def _candidates(actor):
    # Duplicates are recognised by the date of birth and the phone, which are personal data:
    # only persons whose personal data the actor may see are compared, so the list reveals
    # nothing (not even that two records share a phone) to a user without the permission.
    return Person.objects.visible_to(actor, Action.PERSONAL_DATA).filter(merged_into__isnull=True)


def person_duplicate_list(actor) -> list[DuplicateGroup]:
    """Groups of persons visible to ``actor`` with the same name (ignoring diacritics, case
    and spacing) and the same date of birth or the same phone.

    One query: each person that has a twin, found through the (name_key, date_of_birth) and
    (name_key, phone_key) indexes, ordered by name; the grouping is done on those rows only.
    """
    base = _candidates(actor)
    twin_dob = base.filter(
        name_key=OuterRef("name_key"), date_of_birth=OuterRef("date_of_birth")
    ).exclude(pk=OuterRef("pk"))
    twin_phone = (
        base.filter(name_key=OuterRef("name_key"), phone_key=OuterRef("phone_key"))
        .exclude(phone_key="")
        .exclude(pk=OuterRef("pk"))
    )
    rows = (
        base.filter(Q(Exists(twin_dob)) | Q(Exists(twin_phone)))
        .select_related("organization")
        .order_by("name_key", "id")
    )
    groups: list[DuplicateGroup] = []
    by_name: dict[str, list[Person]] = {}
    for person in rows:
        by_name.setdefault(person.name_key, []).append(person)
    for persons in by_name.values():
        groups.extend(_connect(persons))
    groups.sort(key=lambda g: (g.persons[0].sort_key, g.persons[0].pk))
    return groups


def _connect(persons: list[Person]) -> list[DuplicateGroup]:
    """Split persons of one name into groups linked by a shared date of birth or phone."""
    parent = {p.pk: p.pk for p in persons}

    def find(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    first_by: dict[tuple, int] = {}
    for person in persons:
        for key in (
            ("dob", person.date_of_birth) if person.date_of_birth else None,
            ("phone", person.phone_key) if person.phone_key else None,
        ):
            if key is None:
                continue
            if key in first_by:
                parent[find(person.pk)] = find(first_by[key])
            else:
                first_by[key] = person.pk
    grouped: dict[int, DuplicateGroup] = {}
    for person in persons:
        grouped.setdefault(find(person.pk), DuplicateGroup()).persons.append(person)
    result = []
    for group in grouped.values():
        if len(group.persons) < 2:
            continue
        dobs = [p.date_of_birth for p in group.persons if p.date_of_birth]
        phones = [p.phone_key for p in group.persons if p.phone_key]
        group.same_date_of_birth = len(dobs) != len(set(dobs))
        group.same_phone = len(phones) != len(set(phones))
        result.append(group)
    return result


def person_match_list(
    actor,
    *,
    family_name: str,
    middle_name: str,
    given_name: str,
    date_of_birth: datetime.date | None = None,
    phone: str = "",
    exclude_pk: int | None = None,
):
    """Visible persons a new (or edited) person would duplicate: same name and same date
    of birth or phone."""
    key = name_key(family_name, middle_name, given_name)
    digits = phone_key(phone)
    condition = Q()
    if date_of_birth:
        condition |= Q(date_of_birth=date_of_birth)
    if digits:
        condition |= Q(phone_key=digits)
    if not condition:
        return Person.objects.none()
    qs = _candidates(actor).filter(condition, name_key=key).select_related("organization")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def person_relations():
    """Every relation through which other records point at a person (``core.merging``):
    the merge log itself and earlier merges (``merged_into``) stay as they were."""
    return reverse_relations(Person, skip=(PersonMerge,))


def person_related_counts(person: Person) -> list[dict]:
    """How many records point at ``person`` through each relation (trashed ones included,
    since they move too)."""
    return related_counts(person, person_relations())


def person_mailing_list(actor, *, organization=None, purpose: str = ConsentPurpose.COMMUNICATION):
    """Persons visible to ``actor`` (optionally within ``organization``'s subtree) who may be
    written to: a consent for ``purpose`` in force, and no withdrawal."""
    qs = Person.objects.visible_to(actor, Action.VIEW).exclude(consent_state=ConsentState.WITHDRAWN)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    consents = Consent.objects.filter(
        person=OuterRef("pk"),
        withdrawn_on__isnull=True,
        # JSON "contains" is not available on SQLite; the quoted value is unambiguous.
        purposes__icontains=f'"{purpose}"',
    )
    return qs.filter(Exists(consents))
