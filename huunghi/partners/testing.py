"""Samples for the authorization matrix (see ``orgs.testing``)."""

import datetime

from huunghi.orgs.testing import register_sample
from huunghi.people.testing import person

from .choices import CertificateKind, InteractionKind, PartnerKind
from .models import Certificate, Contact, Interaction, Partner

_n = {"n": 0}


def _next():
    _n["n"] += 1
    return _n["n"]


@register_sample(Partner)
def partner(org):
    n = _next()
    return Partner.objects.create(
        organization=org, kind=PartnerKind.NGO, name=f"Sample Foundation {n}", acronym=f"SF{n}"
    )


@register_sample(Certificate)
def certificate(org):
    return Certificate.objects.create(
        partner=partner(org),
        kind=CertificateKind.OPERATION,
        number=f"{_next():03d}/BNG-GĐK",
        issued_on=datetime.date(2024, 1, 1),
        expires_on=datetime.date(2027, 1, 1),
    )


@register_sample(Contact)
def contact(org):
    return Contact.objects.create(
        organization=org, partner=partner(org), person=person(org), role="Điều phối viên"
    )


@register_sample(Interaction)
def interaction(org):
    return Interaction.objects.create(
        organization=org,
        partner=partner(org),
        kind=InteractionKind.MEETING,
        date=datetime.date(2026, 3, 1),
        subject=f"Buổi làm việc mẫu {_next()}",
    )
