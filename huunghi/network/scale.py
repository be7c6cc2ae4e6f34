"""Synthetic friendship network for ``generate_scale`` (see ``huunghi.orgs.scale``): the
profiles of the generated associations and chapters, and the memberships of the generated
persons (``huunghi.people.scale``) with their dated statuses.

Every person is a member of the organisation that keeps their record, joined between the
organisation's founding and mid-2026; a few also join a second association of the same
province. Most memberships stay active; some are later suspended, left or ended by death
(a second status period from that date); the members of a closed organisation leave the
day after it closed.
"""

import datetime
import random
from collections import defaultdict

from django.db.models import Exists, OuterRef

from huunghi.core.text import normalise
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import (
    END,
    START,
    ScaleContext,
    _province_phrase,
    random_date,
    register,
)
from huunghi.people.models import Person
from huunghi.people.scale import member_organisations
from huunghi.places.models import Country

from .choices import AssociationStatus, ChapterKind, MemberKind, MemberStatus
from .models import Association, Chapter, Membership, MembershipPeriod

BATCH = 2000
CHUNK = 20_000
DAY = datetime.timedelta(days=1)
NAME_PREFIX = "Hội hữu nghị Việt Nam – "

#: countries that share an association now and then ("Việt Nam – Séc – Slovakia")
GROUPS = [{"CZ", "SK"}, {"AU", "NZ"}, {"SE", "NO", "DK", "FI"}, {"AR", "BR", "VE"}, {"BE", "NL"}]


# ---------------------------------------------------------------------------------------
# Profiles


def _countries_in(name_vi: str, by_name: dict[str, Country]) -> tuple[list[Country], str]:
    """The partner countries named in "Hội hữu nghị Việt Nam – A – B tỉnh X", and the rest
    of the name (" tỉnh X")."""
    rest = name_vi.removeprefix(NAME_PREFIX)
    found = []
    while True:
        match = max(
            (n for n in by_name if rest.startswith(n) and rest[len(n) : len(n) + 1] in (" ", "")),
            key=len,
            default=None,
        )
        if match is None:
            break
        found.append(by_name[match])
        rest = rest[len(match) :]
        if not rest.startswith(" – "):
            break
        rest = rest[3:]
    return found, rest


@register(order=40)
def association_and_chapter_profiles(ctx: ScaleContext) -> None:
    """An Association profile (partner countries, founding decision) for every generated
    association and a Chapter profile for every generated chapter that has none."""
    rng = ctx.rng("profiles")
    orgs = member_organisations()
    countries = {c.code: c for c in Country.objects.all()}
    by_name = {c.name_vi: c for c in countries.values() if "," not in c.name_vi}
    unions = {
        o.path: o
        for o in Organization.objects.filter(depth=2)
        .select_related("unit")
        .only("path", "unit__name")
    }
    has_profile = set(Association.all_objects.values_list("pk", flat=True))
    has_profile |= set(Chapter.all_objects.values_list("pk", flat=True))

    associations, chapters, renamed, links = [], [], [], []
    Through = Association.partner_countries.through
    for org in orgs:
        if org.kind == OrgKind.CHAPTER:
            r = rng.random()
            kind = (
                ChapterKind.CHAPTER
                if r < 0.8
                else ChapterKind.BASE
                if r < 0.95
                else ChapterKind.CLUB
            )
            if org.pk not in has_profile:
                chapter = Chapter(organization=org, kind=kind)
                chapter.search_text = chapter.build_search_text()
                chapters.append(chapter)
            continue
        # Draws for every association, with a profile or not, to keep the plan stable.
        extra_draw, extra_n = rng.random(), rng.randint(1, 2)
        number = rng.randint(100, 4999)
        lead_days = rng.randint(7, 120)
        if org.pk in has_profile:
            continue
        partners, rest = _countries_in(org.name_vi, by_name)
        group = next((g for g in GROUPS if partners and partners[0].code in g), None)
        if len(partners) == 1 and group and extra_draw < 0.35:
            others = sorted(group - {partners[0].code})
            partners += [countries[c] for c in others[:extra_n] if c in countries]
            org.name_vi = NAME_PREFIX + " – ".join(c.name_vi for c in partners) + rest
            single = f"– {partners[0].name_en} Friendship"
            many = "– " + " – ".join(c.name_en for c in partners) + " Friendship"
            org.name_en = org.name_en.replace(single, many)
            org.search_text = org.build_search_text()
            renamed.append(org)
        union = unions.get(org.path[:8])
        issuer = f"Ủy ban nhân dân {_province_phrase(union.unit.name)[0]}" if union else ""
        founded = org.valid_from or START
        association = Association(
            organization=org,
            status=AssociationStatus.DISSOLVED if org.valid_to else AssociationStatus.ACTIVE,
            founding_decision_number=f"{number}/QĐ-UBND",
            founding_decision_date=founded - datetime.timedelta(days=lead_days),
            founding_decision_issuer=issuer,
        )
        association.search_text = association.build_search_text()
        associations.append(association)
        links += [Through(association_id=org.pk, country_id=c.pk) for c in partners]

    Organization.objects.bulk_update(renamed, ["name_vi", "name_en", "search_text"], BATCH)
    Association.objects.bulk_create(associations, batch_size=BATCH)
    Through.objects.bulk_create(links, batch_size=BATCH)
    Chapter.objects.bulk_create(chapters, batch_size=BATCH)
    ctx.created["association profiles"] += len(associations)
    ctx.created["multilateral associations"] += len(renamed)
    ctx.created["chapter profiles"] += len(chapters)


# ---------------------------------------------------------------------------------------
# Memberships


def _periods(rng: random.Random, joined: datetime.date, closed: datetime.date | None):
    """Status periods of one membership from ``joined``: [(status, from, to)], the last one
    open. ``closed``: the day after the organisation closed, when its members leave."""
    r = rng.random()
    change = (
        MemberStatus.LEFT
        if r < 0.06
        else MemberStatus.SUSPENDED
        if r < 0.09
        else MemberStatus.DECEASED
        if r < 0.11
        else None
    )
    end = closed or END
    earliest = joined + datetime.timedelta(days=90)
    on = random_date(rng, earliest, end - DAY) if earliest < end else None
    if change and on and (closed is None or change != MemberStatus.SUSPENDED):
        return [(MemberStatus.ACTIVE, joined, on), (change, on, None)]
    if closed:
        return [(MemberStatus.ACTIVE, joined, closed), (MemberStatus.LEFT, closed, None)]
    return [(MemberStatus.ACTIVE, joined, None)]


def _joined(rng: random.Random, org: Organization, born: datetime.date | None) -> datetime.date:
    """A quarter joined at the founding, the rest since; never before 18 nor after mid-2026
    or the organisation's end."""
    founded = org.valid_from or START
    latest = min(org.valid_to or END, END)
    if born is not None:
        adult = datetime.date(born.year + 18, born.month, min(born.day, 28))
        founded = max(founded, adult)
    if founded >= latest:
        return latest
    if rng.random() < 0.25:
        return founded
    return random_date(rng, founded, latest)


@register(order=60)
def memberships(ctx: ScaleContext) -> None:
    """One membership for every generated person (a few get a second one in another
    association of their province), with its status periods."""
    orgs = member_organisations()
    by_id = {o.pk: o for o in orgs}
    associations_of: defaultdict[str, list[Organization]] = defaultdict(list)
    for org in orgs:
        if org.kind == OrgKind.ASSOCIATION and org.valid_to is None:
            associations_of[org.path[:8]].append(org)

    # NOT EXISTS, not NOT IN: PostgreSQL runs NOT IN over 500,000 ids row by row.
    without = Person.all_objects.filter(organization_id__in=list(by_id)).filter(
        ~Exists(Membership.all_objects.filter(person_id=OuterRef("pk")))
    )
    if not without.exists():
        return  # every generated person is a member already: nothing to plan

    kept: defaultdict[int, list[tuple]] = defaultdict(list)
    for row in (
        Person.all_objects.filter(organization_id__in=list(by_id))
        .order_by("id")
        .values_list(
            "organization_id", "id", "date_of_birth", "family_name", "middle_name", "given_name"
        )
    ):
        kept[row[0]].append(row[1:])
    members = set(
        Membership.all_objects.filter(person_id__isnull=False, organization_id__in=list(by_id))
        .values_list("person_id", flat=True)
        .distinct()
    )

    # The whole plan first, then only what is missing: (membership fields, periods).
    planned: list[tuple[dict, list]] = []
    second: list[tuple[Organization, tuple, datetime.date, float]] = []
    for org in orgs:
        rng = random.Random(f"{ctx.seed}:{ctx.size.name}:members:{org.code}")
        closed = org.valid_to + DAY if org.valid_to else None
        others = [a for a in associations_of[org.path[:8]] if not org.path.startswith(a.path)]
        for person in kept[org.pk]:
            joined = _joined(rng, org, person[1])
            periods = _periods(rng, joined, closed)
            if others and rng.random() < 0.04 and periods[-1][0] != MemberStatus.DECEASED:
                second.append((rng.choice(others), person, joined, rng.random()))
            if person[0] not in members:
                fields = {"organization": org, "person": person, "joined_on": joined}
                planned.append((fields, periods))
    for also, person, joined, draw in second:
        if person[0] in members:
            continue
        start = max(joined, also.valid_from or START)
        on = start + datetime.timedelta(days=int(draw * max(0, (END - start).days)))
        fields = {"organization": also, "person": person, "joined_on": on}
        planned.append((fields, [(MemberStatus.ACTIVE, on, None)]))

    for i in range(0, len(planned), CHUNK):
        _write(ctx, planned[i : i + CHUNK])


def _write(ctx: ScaleContext, chunk: list[tuple[dict, list]]) -> None:
    rows = []
    for fields, periods in chunk:
        pk, _born, family, middle, given = fields["person"]
        # one card number per person, the same in each association: unique in each
        card = f"HV{pk:07d}"
        status, since, _to = periods[-1]
        name = " ".join(p for p in (family, middle, given) if p)
        rows.append(
            Membership(
                organization_id=fields["organization"].pk,
                kind=MemberKind.INDIVIDUAL,
                person_id=pk,
                joined_on=fields["joined_on"],
                card_number=card,
                status=status,
                status_since=since,
                # as Membership.build_search_text, without loading the person
                search_text=normalise(f"{name} {card}"),
            )
        )
    Membership.objects.bulk_create(rows, batch_size=BATCH)
    periods = [
        MembershipPeriod(membership_id=m.pk, status=s, valid_from=f, valid_to=t)
        for m, (_fields, plan) in zip(rows, chunk, strict=True)
        for s, f, t in plan
    ]
    MembershipPeriod.objects.bulk_create(periods, batch_size=BATCH)
    ctx.created["memberships"] += len(rows)
    ctx.created["membership periods"] += len(periods)
