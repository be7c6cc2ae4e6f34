"""Writes on the friendship network: associations and chapters, memberships and their
statuses, association mergers."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huunghi.core.audit import acting_as
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization, Succession

from .choices import COUNTED_STATUSES, AssociationStatus, MemberKind, MemberStatus
from .models import Association, Chapter, Membership, MembershipPeriod


def _check_in_scope(obj, actor, action="change"):
    model = type(obj)
    if not model._default_manager.visible_to(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied


def _organization_add(*, parent: Organization, kind: str, **fields) -> Organization:
    org = Organization(kind=kind, **fields)
    org.full_clean(exclude=["path", "depth", "numchild"])
    return parent.add_child(instance=org)


def association_create(
    *,
    actor,
    parent: Organization,
    code: str,
    name_vi: str,
    partner_countries,
    name_en: str = "",
    short_name_vi: str = "",
    valid_from: datetime.date | None = None,
    unit=None,
    **profile,
) -> Association:
    """Create a friendship association under a union (national or provincial)."""
    if parent.kind not in (OrgKind.NATIONAL_UNION, OrgKind.PROVINCIAL_UNION):
        raise ValidationError({"parent": _("An association belongs to a union.")})
    with transaction.atomic(), acting_as(actor):
        org = _organization_add(
            parent=parent,
            kind=OrgKind.ASSOCIATION,
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            short_name_vi=short_name_vi,
            valid_from=valid_from,
            unit=unit,
        )
        association = Association(organization=org, **profile)
        association.full_clean()
        association.save()
        association.partner_countries.set(partner_countries)
        _check_in_scope(association, actor)
    return association


def chapter_create(
    *,
    actor,
    parent: Organization,
    code: str,
    name_vi: str,
    unit=None,
    valid_from: datetime.date | None = None,
    name_en: str = "",
    short_name_vi: str = "",
    **profile,
) -> Chapter:
    """Create a chapter under an association or directly under a union."""
    allowed = (OrgKind.ASSOCIATION, OrgKind.PROVINCIAL_UNION, OrgKind.NATIONAL_UNION)
    if parent.kind not in allowed:
        raise ValidationError({"parent": _("A chapter belongs to an association or a union.")})
    with transaction.atomic(), acting_as(actor):
        org = _organization_add(
            parent=parent,
            kind=OrgKind.CHAPTER,
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            short_name_vi=short_name_vi,
            unit=unit,
            valid_from=valid_from,
        )
        chapter = Chapter(organization=org, **profile)
        chapter.full_clean()
        chapter.save()
        _check_in_scope(chapter, actor)
    return chapter


def membership_create(
    *,
    actor,
    organization: Organization,
    joined_on: datetime.date,
    person=None,
    collective_name: str = "",
    card_number: str = "",
    status: str = MemberStatus.ACTIVE,
    note: str = "",
    transferred_from: Membership | None = None,
) -> Membership:
    """Admit a member (a person, or a collective member by name) on ``joined_on``."""
    kind = MemberKind.INDIVIDUAL if person is not None else MemberKind.COLLECTIVE
    with transaction.atomic(), acting_as(actor):
        membership = Membership(
            organization=organization,
            kind=kind,
            person=person,
            collective_name=collective_name,
            joined_on=joined_on,
            card_number=card_number,
            status=status,
            status_since=joined_on,
            note=note,
            transferred_from=transferred_from,
        )
        membership.full_clean()
        membership.save()
        MembershipPeriod.objects.create(membership=membership, status=status, valid_from=joined_on)
        _check_in_scope(membership, actor)
    return membership


def membership_periods_start(membership: Membership) -> None:
    """Open the first status period of a membership saved through a plain form."""
    if not membership.periods.exists():
        MembershipPeriod.objects.create(
            membership=membership, status=membership.status, valid_from=membership.joined_on
        )
        Membership.all_objects.filter(pk=membership.pk).update(status_since=membership.joined_on)


def membership_change_status(
    *, actor, membership: Membership, status: str, on: datetime.date, note: str = ""
) -> MembershipPeriod:
    """Record that ``membership`` has ``status`` from ``on``: the current period ends the
    day before and a new one starts. Changes are kept in date order; a change dated before
    the current period's start is refused."""
    with transaction.atomic(), acting_as(actor):
        _check_in_scope(membership, actor)
        current = (
            MembershipPeriod.objects.select_for_update(of=("self",))
            .filter(membership=membership, valid_to__isnull=True)
            .order_by("valid_from")
            .first()
        )
        if current is not None:
            if on <= current.valid_from:
                raise ValidationError(
                    {
                        "on": _(
                            "The change must be dated after %(date)s, when the current "
                            "status began."
                        )
                        % {"date": current.valid_from.strftime("%d/%m/%Y")}
                    }
                )
            if current.status == status:
                raise ValidationError({"status": _("The member already has this status.")})
            current.valid_to = on
            current.save()
        period = MembershipPeriod.objects.create(
            membership=membership, status=status, valid_from=on, note=note
        )
        membership.status = status
        membership.status_since = on
        membership.save()
    return period


def association_merge(
    *,
    actor,
    predecessors: list[Association],
    successor: Association,
    on: datetime.date,
    decision: str = "",
) -> int:
    """Merge same-named associations of merged provinces into ``successor`` from ``on``
    (FACTS.md §2): each predecessor closes the day before, is linked to the successor, and its
    members move over (their old membership ends as "transferred", a new one starts on
    ``on`` with the same card number), so counts before and after the date stay right.
    Returns the number of members moved."""
    moved = 0
    with transaction.atomic(), acting_as(actor):
        _check_in_scope(successor, actor)
        for old in predecessors:
            _check_in_scope(old, actor)
            org = old.organization
            org.valid_to = on - datetime.timedelta(days=1)
            org.save()
            old.status = AssociationStatus.MERGED
            old.save()
            Succession.objects.get_or_create(
                predecessor=org,
                successor=successor.organization,
                defaults={"kind": Succession.Kind.MERGER, "date": on, "decision": decision},
            )
            members = Membership.objects.filter(
                organization=org, status__in=COUNTED_STATUSES
            ).select_related("person")
            for member in members:
                status = member.status
                membership_change_status(
                    actor=actor, membership=member, status=MemberStatus.TRANSFERRED, on=on
                )
                membership_create(
                    actor=actor,
                    organization=successor.organization,
                    person=member.person,
                    collective_name=member.collective_name,
                    joined_on=on,
                    card_number=member.card_number,
                    status=status,
                    note=_("Transferred from %(org)s") % {"org": org.name_vi},
                    transferred_from=member,
                )
                moved += 1
    return moved
