"""Samples for the authorization matrix (see ``orgs.testing``)."""

import datetime
from decimal import Decimal

from huunghi.orgs.testing import register_sample
from huunghi.partners.testing import partner

from .choices import ActivityStatus, TransactionKind
from .models import (
    ActivityDonor,
    ActivitySector,
    AidActivity,
    AidForm,
    AidTransaction,
    NeedItem,
    NeedsEdition,
    Sector,
)

_n = {"n": 0}


def _next():
    _n["n"] += 1
    return _n["n"]


@register_sample(AidActivity)
def activity(org):
    n = _next()
    item = AidActivity.objects.create(
        organization=org,
        form=AidForm.objects.get(code="project"),
        title_vi=f"Dự án mẫu {n}",
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        status=ActivityStatus.APPROVED,
        live=True,
    )
    ActivityDonor.objects.create(activity=item, partner=partner(org))
    ActivitySector.objects.create(
        activity=item, sector=Sector.objects.get(code="health"), share=Decimal(100)
    )
    return item


@register_sample(AidTransaction)
def transaction(org):
    item = activity(org)
    return AidTransaction.objects.create(
        activity=item,
        kind=TransactionKind.COMMITMENT,
        date=datetime.date(2026, 3, 1),
        amount=Decimal("1000000"),
        currency="VND",
        provider=item.donors.get().partner,
        description=f"Giao dịch mẫu {_next()}",
    )


@register_sample(NeedsEdition)
def edition(org):
    year = 2000 + _next()
    return NeedsEdition.objects.create(
        organization=org, year=year, title_vi=f"Danh mục nhu cầu mẫu {year}"
    )


@register_sample(NeedItem)
def need(org):
    return NeedItem.objects.create(
        edition=edition(org),
        title_vi=f"Nhu cầu mẫu {_next()}",
        sector=Sector.objects.get(code="education"),
        estimated_budget=500_000_000,
    )


def ensure_reference_data():
    """Load the aid reference data (sectors, forms, beneficiary groups, the review workflow)
    again where a test that truncates tables (browser tests) has emptied them."""
    import importlib

    from django.apps import apps

    if AidForm.objects.exists():
        return
    migration = importlib.import_module("huunghi.aid.migrations.0003_reference_data")
    migration.load(apps, None)
