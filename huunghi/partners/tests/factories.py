import datetime

import factory

from huunghi.orgs.tests.factories import national_root
from huunghi.partners.choices import CertificateKind, InteractionKind, PartnerKind
from huunghi.partners.models import Certificate, Contact, Interaction, Partner
from huunghi.people.tests.factories import PersonFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    organization = factory.LazyFunction(national_root)
    kind = PartnerKind.NGO
    name = factory.Sequence(lambda n: f"Friendship Foundation {n}")
    acronym = factory.Sequence(lambda n: f"FF{n}")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    kind = CertificateKind.OPERATION
    number = factory.Sequence(lambda n: f"{n:03d}/BNG-GĐK")
    issued_on = datetime.date(2024, 3, 1)
    expires_on = datetime.date(2027, 3, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.LazyFunction(national_root)
    partner = factory.SubFactory(PartnerFactory)
    person = factory.SubFactory(PersonFactory, organization=factory.SelfAttribute("..organization"))
    role = "Trưởng đại diện"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    organization = factory.LazyFunction(national_root)
    partner = factory.SubFactory(PartnerFactory)
    kind = InteractionKind.MEETING
    date = datetime.date(2026, 3, 10)
    subject = factory.Sequence(lambda n: f"Làm việc về dự án {n}")


def new_province(code: str):
    """A province of today (from 1 July 2025) by its GSO code ("25" Phú Thọ)."""
    from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel

    return AdministrativeUnit.objects.get(
        code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE, code=code
    )


def old_province(code: str):
    """A province of before 1 July 2025 by its GSO code ("26" Vĩnh Phúc, now in Phú Thọ)."""
    from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel

    return AdministrativeUnit.objects.get(
        code_system=CodeSystem.GSO_PRE_2025, level=UnitLevel.PROVINCE, code=code
    )
