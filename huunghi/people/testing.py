"""Samples for the authorization matrix (see ``orgs.testing``)."""

import datetime

from huunghi.orgs.testing import register_sample

from .choices import ConsentMethod, ConsentPurpose
from .models import Consent, Person, PersonMerge

_n = {"n": 0}


def _next():
    _n["n"] += 1
    return _n["n"]


@register_sample(Person)
def person(org):
    n = _next()
    return Person.objects.create(
        organization=org, family_name="Nguyễn", middle_name="Văn", given_name=f"Mẫu{n}"
    )


@register_sample(Consent)
def consent(org):
    return Consent.objects.create(
        person=person(org),
        purposes=[ConsentPurpose.MEMBERSHIP],
        given_on=datetime.date(2025, 1, 1),
        method=ConsentMethod.WRITTEN,
    )


@register_sample(PersonMerge)
def person_merge(org):
    kept, merged = person(org), person(org)
    return PersonMerge.objects.create(kept=kept, merged=merged)
