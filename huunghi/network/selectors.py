"""Reads of the friendship network: counts at any date and per year, for a subtree, from
the dated records (organisation validity and membership status periods), and who held a
position on a date. Later reports use these."""

import datetime

from django.db.models import Case, Count, Q, Value, When
from django.http import Http404
from django.utils import timezone

from huunghi.orgs import visibility
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization

from .choices import COUNTED_STATUSES, Level, PositionTitle
from .models import Membership, MembershipPeriod, Position


def _root_for(actor, root: Organization | None) -> Organization:
    """The subtree to count: ``root`` if the actor may see it (records or, for cluster
    coordinators, figures), else the actor's own top organisation."""
    if root is None:
        paths = visibility.scope_paths(actor)
        if paths is None:
            return Organization.objects.get(code="vufo")
        if len(paths) != 1:
            raise Http404
        return Organization.objects.get(path=paths[0])
    if Organization.objects.visible_to(actor).filter(pk=root.pk).exists():
        return root
    from huunghi.orgs.selectors import cluster_list_for_coordinator

    for cluster in cluster_list_for_coordinator(actor=actor):
        if cluster.members_on(timezone.localdate()).filter(pk=root.pk).exists():
            return root
    raise Http404


def _organizations_on(root: Organization, on: datetime.date):
    return Organization.objects.filter(
        path__startswith=root.path,
        deleted_at__isnull=True,
    ).filter(
        (Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    )


def _periods_on(root: Organization, on: datetime.date):
    return MembershipPeriod.objects.filter(
        membership__organization__path__startswith=root.path,
        membership__deleted_at__isnull=True,
        valid_from__lte=on,
        status__in=COUNTED_STATUSES,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def _level():
    """National association (under VUFO), provincial association, or chapter."""
    return Case(
        When(membership__organization__kind=OrgKind.CHAPTER, then=Value(Level.CHAPTER)),
        When(membership__organization__depth=2, then=Value(Level.NATIONAL)),
        default=Value(Level.PROVINCIAL),
    )


def network_counts(*, actor, root: Organization | None = None, on: datetime.date | None = None):
    """Associations, chapters and members of ``root``'s subtree on ``on`` (default today).

    Members are memberships whose status on that date is active or suspended; a member of a
    chapter counts once, in the chapter. Returns a dict of figures and breakdowns."""
    root = _root_for(actor, root)
    on = on or timezone.localdate()
    orgs = _organizations_on(root, on)
    org_counts = orgs.aggregate(
        associations=Count("pk", filter=Q(kind=OrgKind.ASSOCIATION)),
        chapters=Count("pk", filter=Q(kind=OrgKind.CHAPTER)),
    )
    periods = _periods_on(root, on)
    by_status = dict(periods.values_list("status").annotate(n=Count("pk")).order_by())
    by_gender = dict(
        periods.values_list("membership__person__gender").annotate(n=Count("pk")).order_by()
    )
    by_level = dict(
        periods.annotate(level=_level()).values_list("level").annotate(n=Count("pk")).order_by()
    )
    return {
        "root": root,
        "on": on,
        "associations": org_counts["associations"],
        "chapters": org_counts["chapters"],
        "members": sum(by_status.values()),
        "members_by_status": by_status,
        "members_by_gender": {(k or ""): v for k, v in by_gender.items()},
        "members_by_level": by_level,
    }


def network_growth(*, actor, root: Organization | None = None, years: list[int] | None = None):
    """For each year, the counts on 31 December (today for the current year), oldest first,
    and the members newly admitted in the year (transfers from a merged association are
    not new members). Three queries whatever the number of years: each counts every
    year-end at once with a conditional count."""
    root = _root_for(actor, root)
    today = timezone.localdate()
    years = years or list(range(today.year - 9, today.year + 1))
    ends = {year: min(datetime.date(year, 12, 31), today) for year in years}

    def open_on(on, *, end_inclusive):
        end = Q(valid_to__gte=on) if end_inclusive else Q(valid_to__gt=on)
        return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
            Q(valid_to__isnull=True) | end
        )

    org_counts = Organization.objects.filter(
        path__startswith=root.path,
        deleted_at__isnull=True,
        kind__in=[OrgKind.ASSOCIATION, OrgKind.CHAPTER],
    ).aggregate(
        **{
            f"{kind}_{year}": Count("pk", filter=open_on(on, end_inclusive=True) & Q(kind=kind))
            for year, on in ends.items()
            for kind in (OrgKind.ASSOCIATION, OrgKind.CHAPTER)
        }
    )
    member_counts = MembershipPeriod.objects.filter(
        membership__organization__path__startswith=root.path,
        membership__deleted_at__isnull=True,
        status__in=COUNTED_STATUSES,
    ).aggregate(
        **{
            f"members_{year}": Count("pk", filter=open_on(on, end_inclusive=False))
            for year, on in ends.items()
        }
    )
    joined_counts = Membership.objects.filter(
        organization__path__startswith=root.path,
        deleted_at__isnull=True,
        transferred_from__isnull=True,
        joined_on__gte=datetime.date(min(years), 1, 1),
        joined_on__lte=datetime.date(max(years), 12, 31),
    ).aggregate(
        **{
            f"joined_{year}": Count(
                "pk",
                filter=Q(
                    joined_on__gte=datetime.date(year, 1, 1),
                    joined_on__lte=datetime.date(year, 12, 31),
                ),
            )
            for year in years
        }
    )
    rows = [
        {
            "year": year,
            "on": on,
            "associations": org_counts[f"{OrgKind.ASSOCIATION}_{year}"],
            "chapters": org_counts[f"{OrgKind.CHAPTER}_{year}"],
            "members": member_counts[f"members_{year}"],
            "joined": joined_counts[f"joined_{year}"],
        }
        for year, on in ends.items()
    ]
    return {"root": root, "rows": rows}


def leaders_on(*, actor, organization: Organization, on: datetime.date, title=PositionTitle.CHAIR):
    """Who held ``title`` (default: chair) in ``organization`` on ``on``."""
    return (
        Position.objects.visible_to(actor)
        .filter(organization=organization, title=title, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("person")
    )
