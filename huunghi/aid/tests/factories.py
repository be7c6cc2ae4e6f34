"""Factories of aid records. ``make_activity`` builds a whole activity (donors, sector and
location shares) in the status a test needs, without going through the review workflow."""

import datetime
from decimal import Decimal

import factory

from huunghi.aid.choices import ActivityStatus, TransactionKind
from huunghi.aid.models import (
    ActivityDonor,
    ActivityLocation,
    ActivitySector,
    AidActivity,
    AidForm,
    AidTransaction,
    ExchangeRate,
    NeedItem,
    NeedsEdition,
    Sector,
)
from huunghi.orgs.tests.factories import national_root
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel


def sector(code="health") -> Sector:
    return Sector.objects.get(code=code)


def aid_form(code="project") -> AidForm:
    return AidForm.objects.get(code=code)


def province(codename: str) -> AdministrativeUnit:
    """A province of today by its codename ("dong_thap")."""
    return AdministrativeUnit.objects.get(
        code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE, codename=codename
    )


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    currency = "USD"
    date = datetime.date(2026, 1, 1)
    rate = Decimal("25000")


class AidActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AidActivity
        skip_postgeneration_save = True

    organization = factory.LazyFunction(national_root)
    form = factory.LazyFunction(aid_form)
    title_vi = factory.Sequence(lambda n: f"Dự án hỗ trợ số {n}")
    planned_start = datetime.date(2025, 1, 1)
    planned_end = datetime.date(2027, 12, 31)
    status = ActivityStatus.DRAFT
    live = factory.LazyAttribute(lambda o: o.status not in (ActivityStatus.DRAFT,))


def make_activity(
    *,
    organization=None,
    donors=(),
    sectors=(("health", 100),),
    locations=(),
    status=ActivityStatus.APPROVED,
    **fields,
) -> AidActivity:
    """An activity with its donors, sector shares and location shares
    (``locations``: units with a share, or units alone for equal shares)."""
    activity = AidActivityFactory(
        organization=organization or national_root(), status=status, **fields
    )
    for partner in donors:
        ActivityDonor.objects.create(activity=activity, partner=partner)
    for code, share in sectors:
        ActivitySector.objects.create(activity=activity, sector=sector(code), share=share)
    from huunghi.aid.models import equal_shares

    pairs = [(u if isinstance(u, tuple) else (u, None)) for u in locations]
    if pairs and all(share is None for _u, share in pairs):
        pairs = list(zip([u for u, _s in pairs], equal_shares(len(pairs)), strict=True))
    for unit, share in pairs:
        ActivityLocation.objects.create(activity=activity, unit=unit, share=share)
    return activity


class AidTransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AidTransaction

    activity = factory.SubFactory(AidActivityFactory)
    kind = TransactionKind.COMMITMENT
    date = datetime.date(2026, 3, 1)
    amount = Decimal("1000000")
    currency = "VND"
    provider = factory.LazyAttribute(lambda o: o.activity.donors.first().partner)


class NeedsEditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedsEdition

    organization = factory.LazyFunction(national_root)
    year = 2026
    title_vi = factory.LazyAttribute(lambda o: f"Danh mục nhu cầu viện trợ năm {o.year}")


class NeedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedItem
        skip_postgeneration_save = True

    edition = factory.SubFactory(NeedsEditionFactory)
    title_vi = factory.Sequence(lambda n: f"Xây trường mẫu giáo số {n}")
    sector = factory.LazyFunction(lambda: sector("education"))
    estimated_budget = 1_500_000_000
