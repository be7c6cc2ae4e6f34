"""Samples for the authorization matrix (see ``orgs.testing``)."""

import datetime

from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.testing import register_sample
from huunghi.people.testing import person

from .choices import MemberKind, MemberStatus, PositionTitle
from .models import Association, Chapter, Congress, Membership, MembershipPeriod, Position

_n = {"n": 0}


def _next():
    _n["n"] += 1
    return _n["n"]


def _org(parent, kind, name):
    n = _next()
    return parent.add_child(
        instance=Organization(code=f"net_sample_{n}", kind=kind, name_vi=f"{name} {n}")
    )


@register_sample(Association)
def association(org):
    return Association.objects.create(organization=_org(org, OrgKind.ASSOCIATION, "Hội mẫu"))


@register_sample(Chapter)
def chapter(org):
    return Chapter.objects.create(organization=_org(org, OrgKind.CHAPTER, "Chi hội mẫu"))


@register_sample(Membership)
def membership(org):
    target = _org(org, OrgKind.ASSOCIATION, "Hội mẫu")
    item = Membership.objects.create(
        organization=target,
        kind=MemberKind.INDIVIDUAL,
        person=person(org),
        joined_on=datetime.date(2020, 1, 1),
        status_since=datetime.date(2020, 1, 1),
    )
    MembershipPeriod.objects.create(
        membership=item, status=MemberStatus.ACTIVE, valid_from=item.joined_on
    )
    return item


@register_sample(MembershipPeriod)
def membership_period(org):
    return membership(org).periods.get()


@register_sample(Congress)
def congress(org):
    return Congress.objects.create(
        organization=org,
        number=_next(),
        term_start=2023,
        term_end=2028,
        held_on=datetime.date(2023, 5, 1),
    )


@register_sample(Position)
def position(org):
    return Position.objects.create(
        organization=org,
        person=person(org),
        title=PositionTitle.CHAIR,
        started_on=datetime.date(2023, 5, 1),
    )
