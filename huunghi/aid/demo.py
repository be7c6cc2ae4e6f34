"""Demo aid data for Đồng Tháp: exchange rates, activities of the last two years in VND, USD
and EUR with their commitments and disbursements (so that the dashboard's half-year figures
and their change on a year earlier are not empty), one activity awaiting the approver, one
transaction without a rate, and the 2026 needs catalog. Idempotent."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from huunghi.core.audit import acting_as
from huunghi.core.demo import register
from huunghi.orgs.models import Organization
from huunghi.partners.models import Partner
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel

from .choices import ActivityStatus, NeedStatus, Priority, TransactionKind
from .models import (
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
    equal_shares,
)

D = datetime.date

#: monthly rates from January 2024 (đồng per unit), rising slowly
RATES = {"USD": (Decimal("24300"), Decimal("45")), "EUR": (Decimal("26400"), Decimal("40"))}

#: (reference, title, form, donor, sectors, status, start, end, transactions)
ACTIVITIES = [
    (
        "DT-2025-01",
        "Nước sạch cho 5 trường tiểu học vùng sâu",
        "project",
        "GNI",
        (("water", 70), ("education", 30)),
        ActivityStatus.IMPLEMENTING,
        D(2025, 2, 1),
        D(2026, 12, 31),
        [
            (TransactionKind.COMMITMENT, D(2025, 3, 10), "180000", "USD"),
            (TransactionKind.DISBURSEMENT, D(2025, 4, 2), "90000", "USD"),
            (TransactionKind.DISBURSEMENT, D(2026, 2, 15), "60000", "USD"),
        ],
    ),
    (
        "DT-2025-02",
        "Hỗ trợ sinh kế cho hộ nghèo ven biên giới",
        "project",
        "HEIFER",
        (("livelihoods", 100),),
        ActivityStatus.COMPLETED,
        D(2025, 1, 15),
        D(2025, 12, 31),
        [
            (TransactionKind.COMMITMENT, D(2025, 1, 20), "2500000000", "VND"),
            (TransactionKind.DISBURSEMENT, D(2025, 2, 1), "2500000000", "VND"),
        ],
    ),
    (
        "DT-2026-01",
        "Học bổng cho học sinh nghèo vượt khó",
        "non_project",
        "KHV",
        (("education", 100),),
        ActivityStatus.APPROVED,
        D(2026, 1, 1),
        D(2026, 12, 31),
        [
            (TransactionKind.COMMITMENT, D(2026, 2, 20), "150000", "EUR"),
            (TransactionKind.DISBURSEMENT, D(2026, 3, 5), "75000", "EUR"),
        ],
    ),
    (
        "DT-2026-02",
        "Phòng khám lưu động cho người cao tuổi neo đơn",
        "project",
        "PLAN",
        (("health", 80), ("social_protection", 20)),
        ActivityStatus.APPROVED,
        D(2026, 3, 1),
        D(2027, 6, 30),
        [
            (TransactionKind.COMMITMENT, D(2026, 4, 8), "3800000000", "VND"),
            (TransactionKind.COMMITMENT, D(2026, 5, 12), "20000", "GBP"),
        ],
    ),
    (
        "DT-2026-03",
        "Cứu trợ khẩn cấp sau lũ cho các xã ven sông",
        "emergency",
        "GNI",
        (("emergency", 100),),
        ActivityStatus.DRAFT,
        D(2026, 10, 1),
        D(2026, 12, 31),
        [(TransactionKind.COMMITMENT, D(2026, 10, 5), "50000", "USD")],
    ),
]


def _this_half(today: datetime.date) -> list:
    """Two activities dated from today's half-year, so that the dashboard's half-year
    figures and their change on a year earlier are never empty, whenever the demo loads."""
    start = D(today.year, 1 if today.month <= 6 else 7, 1)
    last_year = start.replace(year=start.year - 1)
    on = min(today, start + datetime.timedelta(days=10))
    return [
        (
            f"DT-{start.year}-H{1 if start.month == 1 else 2}",
            "Tủ sách và thiết bị học tập cho trường vùng biên",
            "non_project",
            "GNI",
            (("education", 100),),
            ActivityStatus.IMPLEMENTING,
            start,
            start.replace(year=start.year + 1),
            [
                (TransactionKind.COMMITMENT, on, "65000", "USD"),
                (TransactionKind.COMMITMENT, on, "1200000000", "VND"),
                (TransactionKind.DISBURSEMENT, on, "30000", "USD"),
            ],
        ),
        (
            f"DT-{last_year.year}-H{1 if start.month == 1 else 2}",
            "Nhà tình thương cho hộ nghèo ven sông",
            "project",
            "HEIFER",
            (("housing", 100),),
            ActivityStatus.CLOSED,
            last_year,
            last_year + datetime.timedelta(days=150),
            [
                (TransactionKind.COMMITMENT, last_year + datetime.timedelta(days=10), "1900000000", "VND"),
                (TransactionKind.DISBURSEMENT, last_year + datetime.timedelta(days=20), "1900000000", "VND"),
            ],
        ),
    ]  # fmt: skip


def _rates():
    months = (timezone.localdate().year - 2024 + 1) * 12
    for currency, (start, step) in RATES.items():
        for n in range(months):
            on = D(2024 + n // 12, n % 12 + 1, 1)
            ExchangeRate.objects.get_or_create(
                currency=currency, date=on, defaults={"rate": start + step * n}
            )


def _communes(province_codename: str, count: int):
    province = AdministrativeUnit.objects.get(
        code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE, codename=province_codename
    )
    return list(province.children.order_by("code")[:count])


@register(order=30)
def load_aid():
    dong_thap = Organization.objects.get(code="dong_thap")
    editor = get_user_model().objects.get(username="bientap.dongthap")
    approver = get_user_model().objects.get(username="pheduyet.dongthap")
    partners = {p.acronym: p for p in Partner.objects.exclude(acronym="")}
    with acting_as(editor):
        _rates()
        communes = _communes("dong_thap", 9)
        for n, (ref, title, form, donor, sectors, status, start, end, rows) in enumerate(
            [*ACTIVITIES, *_this_half(timezone.localdate())]
        ):
            if AidActivity.objects.filter(organization=dong_thap, reference=ref).exists():
                continue
            counted = status != ActivityStatus.DRAFT
            activity = AidActivity.objects.create(
                organization=dong_thap,
                reference=ref,
                form=AidForm.objects.get(code=form),
                title_vi=title,
                aid_owner="Ủy ban nhân dân tỉnh Đồng Tháp",
                managing_agency="Ủy ban nhân dân tỉnh Đồng Tháp",
                mobilised_by=dong_thap if n % 2 == 1 else None,
                planned_start=start,
                planned_end=end,
                status=status,
                live=counted,
                approved_on=start if counted else None,
                decision_number=f"{120 + n}/QĐ-UBND" if counted else "",
                decision_date=start if counted else None,
                decision_authority="Ủy ban nhân dân tỉnh Đồng Tháp" if counted else "",
            )
            ActivityDonor.objects.create(activity=activity, partner=partners[donor])
            for code, share in sectors:
                ActivitySector.objects.create(
                    activity=activity, sector=Sector.objects.get(code=code), share=share
                )
            places = communes[n : n + 2]
            for unit, share in zip(places, equal_shares(len(places)), strict=True):
                ActivityLocation.objects.create(activity=activity, unit=unit, share=share)
            revision = activity.save_revision(user=editor, log_action=False)
            if counted:
                revision.publish(user=approver, skip_permission_checks=True, log_action=False)
            for kind, on, amount, currency in rows:
                AidTransaction.objects.create(
                    activity=activity,
                    kind=kind,
                    date=on,
                    amount=Decimal(amount),
                    currency=currency,
                    provider=partners[donor],
                )
            if status == ActivityStatus.DRAFT:
                activity.get_workflow().start(activity, editor)
        _needs(dong_thap)
    return []


def _needs(dong_thap):
    edition, created = NeedsEdition.objects.get_or_create(
        organization=dong_thap,
        year=2026,
        defaults={
            "title_vi": "Danh mục nhu cầu vận động viện trợ phi chính phủ nước ngoài năm 2026",
            "title_en": "Foreign NGO aid needs catalog 2026",
        },
    )
    if not created:
        return
    communes = _communes("dong_thap", 4)
    items = [
        ("Xây dựng 3 phòng học cho trường mẫu giáo", "Three classrooms for a kindergarten",
         "education", 2_400_000_000, Priority.HIGH, NeedStatus.PUBLISHED),
        ("Cầu dân sinh qua kênh nội đồng", "A footbridge over a field canal",
         "infrastructure", 1_800_000_000, Priority.MEDIUM, NeedStatus.APPROVED),
        ("Mô hình sinh kế nuôi bò cho hộ nghèo", "Cattle raising for poor households",
         "livelihoods", 900_000_000, Priority.HIGH, NeedStatus.IN_TALKS),
        ("Tủ thuốc và trang thiết bị cho trạm y tế xã", "Medicines and equipment for a health station",
         "health", 650_000_000, Priority.LOW, NeedStatus.DRAFT),
    ]  # fmt: skip
    for n, (title_vi, title_en, code, budget, priority, status) in enumerate(items, start=1):
        NeedItem.objects.create(
            edition=edition,
            number=n,
            title_vi=title_vi,
            title_en=title_en,
            sector=Sector.objects.get(code=code),
            unit=communes[n - 1],
            estimated_budget=budget,
            priority=priority,
            status=status,
            proposer_name=f"Ủy ban nhân dân {communes[n - 1].name}",
        )
