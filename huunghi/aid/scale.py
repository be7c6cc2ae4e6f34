"""Synthetic aid for ``generate_scale`` (see ``huunghi.orgs.scale``): monthly exchange rates
over ten years, and aid activities of the provincial unions (and a few of the national
union) with their donors, sectors, locations, beneficiaries and transactions.

At national size: about 100,000 activities and 1,000,000 transactions from 1/1/2016 to
30/6/2026 (the generated partners of ``huunghi.partners.scale`` are the donors).

- Activities are spread over today's 34 unions by the number of communes of the province
  (Hà Nội and Hồ Chí Minh City weigh more, as for the associations); 3 % are kept by the
  national union. A third of the activities that start before 1/7/2025 are placed in
  communes of the old code system (and the old province's union, closed in 2025, keeps
  half of those). Each has 1–3 donors, 1–3 sectors and 1–3 places (5 % the whole
  province), with shares that add up to exactly 100.
- Statuses follow the dates, seen from 30/6/2026: finished ones are completed or closed,
  running ones are being carried out, later ones approved; 5 % are drafts, 2 % returned and
  5 % cancelled. Counted ones (approved or later) are ``live``.
- Transactions: commitments per donor at the start, disbursements (2 % of them negative
  corrections) and expenditures within the activity's dates and not after 30/6/2026, in
  the first donor's currency (10 % in đồng). ``rate``, ``rate_date``, ``value_vnd`` and
  ``vnd`` are filled as ``AidTransaction.apply_rate`` would, from the rates in the
  database. **Swiss donors give in CHF, which has no rate**: those transactions (about
  2.5 %) keep ``vnd`` empty, so the "missing rate" path has data. 3 % of disbursements
  carry the đồng actually credited, which then is ``vnd``.

Rows go in with ``bulk_create`` (activities, for their ids) and, for the million-row
children, with one ``INSERT`` reused for every row (SQLite) or ``COPY`` (PostgreSQL):
building a million model instances would cost minutes. No Wagtail revision, workflow state
or audit entry is written: figures and lists read the stored fields, and 100,000 revisions
would add nothing to them. The reference ``scale_<union>_<n>`` marks a generated activity;
a second run creates only the missing ones.
"""

import bisect
import datetime
import math
import random
from collections import defaultdict
from decimal import Decimal
from itertools import accumulate

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from huunghi.core.money import to_vnd
from huunghi.core.text import normalise
from huunghi.orgs.choices import NATIONAL_CODE, OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import (
    END,
    LARGE_UNIONS,
    PREFIX,
    START,
    ScaleContext,
    current_unions,
    random_date,
    register,
    spread,
    summary,
)
from huunghi.partners.choices import PartnerKind
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel, UnitMapping

from .choices import COUNTED_STATUSES, ActivityStatus, TransactionKind
from .models import (
    ActivityBeneficiary,
    ActivityDonor,
    ActivityLocation,
    ActivitySector,
    AidActivity,
    AidForm,
    AidTransaction,
    BeneficiaryGroup,
    ExchangeRate,
    Sector,
    equal_shares,
    share_weight,
)
from .scale_rates import CURRENCY_OF, PER_USD, exchange_rates  # noqa: F401  (registers the step)
from .services.rates import RateTable

#: activities per size; ``ScaleSize.extra["activities"]`` overrides it
ACTIVITIES = {"small": 300, "national": 100_000}
NATIONAL_SHARE = 0.03
#: activities built in memory before they are written
CHUNK = 5000
BATCH = 1000
MERGER = datetime.date(2025, 7, 1)
#: the last day planned dates may reach
LAST_PLANNED = datetime.date(2026, 12, 31)
# plain strings: the rows go to the driver as they are
COMMITMENT = TransactionKind.COMMITMENT.value
DISBURSEMENT = TransactionKind.DISBURSEMENT.value
EXPENDITURE = TransactionKind.EXPENDITURE.value

# ---------------------------------------------------------------------------------------
# What activities are made of

FORM_WEIGHTS = {"project": 0.50, "non_project": 0.32, "emergency": 0.12, "programme": 0.06}
#: planned duration in days by form (low, high)
DURATION = {
    "programme": (720, 1800),
    "project": (180, 1095),
    "non_project": (30, 365),
    "emergency": (15, 90),
}
#: sector code: (weight, topic in Vietnamese, topic in English)
SECTORS = {
    "health": (10, "nâng cao chất lượng chăm sóc sức khỏe ban đầu", "improving primary health care"),
    "education": (10, "xây dựng phòng học cho trường tiểu học", "classrooms for a primary school"),
    "children": (7, "học bổng cho học sinh nghèo vượt khó", "scholarships for poor pupils"),
    "water": (6, "cung cấp nước sạch và công trình vệ sinh", "clean water and sanitation"),
    "livelihoods": (6, "hỗ trợ sinh kế giảm nghèo bền vững", "livelihoods to end poverty"),
    "social_protection": (5, "hỗ trợ người cao tuổi neo đơn", "support for lone elderly people"),
    "agriculture": (4, "phát triển chuỗi giá trị nông sản", "farm produce value chains"),
    "infrastructure": (4, "xây dựng cầu dân sinh", "a rural bridge"),
    "housing": (4, "xây nhà tình thương cho hộ nghèo", "houses for poor households"),
    "disaster": (3, "nâng cao năng lực phòng chống thiên tai", "disaster preparedness"),
    "war_legacy": (3, "rà phá bom mìn và hỗ trợ nạn nhân", "mine clearance and victim support"),
    "vocational": (3, "đào tạo nghề cho thanh niên", "vocational training for young people"),
    "gender": (3, "nâng cao vị thế kinh tế của phụ nữ", "women's economic empowerment"),
    "population": (2, "chăm sóc sức khỏe sinh sản", "reproductive health care"),
    "environment": (2, "quản lý rác thải dựa vào cộng đồng", "community waste management"),
    "climate": (2, "thích ứng với biến đổi khí hậu", "adapting to climate change"),
    "culture": (2, "thư viện cộng đồng và giao lưu văn hóa", "a community library"),
    "governance": (1, "nâng cao năng lực tổ chức cộng đồng", "community organisations"),
    "other": (1, "hỗ trợ cộng đồng", "community support"),
    "emergency": (0, "khắc phục hậu quả bão lũ", "flood and storm relief"),
}  # fmt: skip
LEAD = {
    "programme": "Chương trình",
    "project": "Dự án",
    "non_project": "Tài trợ",
    "emergency": "Cứu trợ khẩn cấp",
}
#: the provincial department that usually owns aid of a sector
DEPARTMENT = {
    "health": "Sở Y tế",
    "population": "Sở Y tế",
    "education": "Sở Giáo dục và Đào tạo",
    "vocational": "Sở Nội vụ",
    "agriculture": "Sở Nông nghiệp và Môi trường",
    "environment": "Sở Nông nghiệp và Môi trường",
    "climate": "Sở Nông nghiệp và Môi trường",
    "infrastructure": "Sở Xây dựng",
    "culture": "Sở Văn hóa, Thể thao và Du lịch",
}
#: how likely each kind of partner is to be a donor
DONOR_KIND = {
    PartnerKind.NGO: 1.0,
    PartnerKind.INTERNATIONAL: 2.0,
    PartnerKind.LOCALITY: 0.6,
    PartnerKind.MISSION: 0.5,
    PartnerKind.OVERSEAS: 0.5,
    PartnerKind.ENTERPRISE: 0.4,
    PartnerKind.INDIVIDUAL: 0.3,
}
DESCRIPTION = {
    "commitment": "Cam kết tài trợ",
    "top_up": "Cam kết bổ sung",
    "disbursement": "Giải ngân đợt %(n)d",
    "correction": "Điều chỉnh giảm giải ngân (hoàn trả)",
    "expenditure": ["Chi thực hiện hoạt động", "Chi mua sắm trang thiết bị", "Chi tập huấn"],
}


class Weighted:
    """Weighted choice from a list, by bisecting cumulative weights."""

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cum = list(accumulate(weights))

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]

    def distinct(self, rng: random.Random, k: int) -> list:
        chosen: list = []
        for _ in range(k * 4):
            item = self(rng)
            if item not in chosen:
                chosen.append(item)
                if len(chosen) == k:
                    break
        return chosen


def _place_phrase(name: str) -> tuple[str, str]:
    """ "Xã Tân Phú" → ("xã Tân Phú", "Tan Phu Commune"); provinces likewise."""
    kinds = {
        "Thành phố ": "City",
        "Tỉnh ": "Province",
        "Phường ": "Ward",
        "Xã ": "Commune",
        "Thị trấn ": "Township",
        "Đặc khu ": "Special Zone",
    }
    for prefix, english in kinds.items():
        if name.startswith(prefix):
            bare = name.removeprefix(prefix)
            return f"{prefix.lower()}{bare}", f"{normalise(bare).title()} {english}"
    return f"tỉnh {name}", f"{normalise(name).title()} Province"


class Geography:
    """Units read once: communes of each province (both code systems) and today's province
    of every commune and province (``ActivityLocation.province`` without a query per row)."""

    def __init__(self):
        units = AdministrativeUnit.objects.order_by("code").values_list(
            "id", "code_system", "level", "name", "parent_id"
        )
        self.name: dict[int, str] = {}
        parent: dict[int, int | None] = {}
        level: dict[int, str] = {}
        system: dict[int, str] = {}
        for pk, code_system, unit_level, name, parent_id in units:
            self.name[pk] = name
            parent[pk] = parent_id
            level[pk] = unit_level
            system[pk] = code_system
        successor = dict(
            UnitMapping.objects.filter(level=UnitLevel.PROVINCE, deleted_at__isnull=True)
            .order_by("new_unit__code")
            .values_list("old_unit_id", "new_unit_id")
        )
        self.province: dict[int, int] = {}
        self.old_province: dict[int, int] = {}
        self.communes: defaultdict[int, list[int]] = defaultdict(list)
        self.old_communes: defaultdict[int, list[int]] = defaultdict(list)
        for pk in self.name:
            if system[pk] == CodeSystem.GSO_2025:
                today = pk if level[pk] == UnitLevel.PROVINCE else parent[pk]
                self.province[pk] = today
                if level[pk] == UnitLevel.COMMUNE:
                    self.communes[today].append(pk)
                continue
            old = pk
            while old is not None and level[old] != UnitLevel.PROVINCE:
                old = parent[old]
            if old is None or old not in successor:
                continue
            self.province[pk] = successor[old]
            self.old_province[pk] = old
            if level[pk] == UnitLevel.COMMUNE:
                self.old_communes[successor[old]].append(pk)
        self.provinces = sorted(self.communes)


# ---------------------------------------------------------------------------------------
# The plan of one activity


def _shares(rng: random.Random, n: int) -> list[Decimal]:
    """``n`` percentage shares (two decimals) that add up to exactly 100."""
    if n == 1:
        return [Decimal(100)]
    if rng.random() < 0.5:
        return equal_shares(n)
    if n == 2:
        first = rng.choice([50, 60, 70, 75, 80])
        return [Decimal(first), Decimal(100 - first)]
    return [
        Decimal(x) for x in rng.choice([(50, 30, 20), (40, 30, 30), (60, 20, 20), (45, 35, 20)])
    ]


def _split(rng: random.Random, total: int, n: int) -> list[int]:
    """``total`` in ``n`` uneven whole parts that add up to it."""
    if n <= 1:
        return [total]
    weights = [rng.expovariate(1) + 0.2 for _ in range(n)]
    wsum = sum(weights)
    parts = [int(total * w / wsum) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def _round_amount(value: float, currency: str) -> int:
    """Whole units; thousands of yen, won and đồng."""
    step = 1000 if currency in ("JPY", "KRW", "VND") else 1
    return max(step, int(round(value / step)) * step)


class Planner:
    """Everything an activity is drawn from, read once per run."""

    def __init__(self, ctx: ScaleContext, partners: list):
        self.ctx = ctx
        self.geo = Geography()
        self.forms = {f.code: f.pk for f in AidForm.objects.all()}
        self.form_choice = Weighted(
            [c for c in FORM_WEIGHTS if c in self.forms],
            [FORM_WEIGHTS[c] for c in FORM_WEIGHTS if c in self.forms],
        )
        sector_ids = dict(Sector.objects.values_list("code", "id"))
        self.sector_ids = sector_ids
        codes = [c for c in SECTORS if c in sector_ids and SECTORS[c][0] > 0]
        self.sector_choice = Weighted(codes, [SECTORS[c][0] for c in codes])
        self.groups = list(BeneficiaryGroup.objects.order_by("code").values_list("id", flat=True))
        # donors: every generated partner, weighted by kind and by a size of its own
        weight_rng = ctx.rng("donor weights")
        self.partners = partners
        weights = [DONOR_KIND.get(p.kind, 0.5) * weight_rng.lognormvariate(0, 1) for p in partners]
        self.donor_choice = Weighted(list(range(len(partners))), weights)
        self.others = [i for i, p in enumerate(partners) if p.kind == PartnerKind.NGO]
        # the organisations that mobilise aid in each province
        self.associations: defaultdict[str, list[tuple]] = defaultdict(list)
        self.chapters: defaultdict[str, list[tuple]] = defaultdict(list)
        countries = _association_countries()
        for org in (
            Organization.objects.filter(
                code__startswith=PREFIX,
                kind__in=[OrgKind.ASSOCIATION, OrgKind.CHAPTER],
                deleted_at__isnull=True,
            )
            .order_by("code")
            .only("id", "path", "kind", "valid_from", "valid_to")
        ):
            row = (org.pk, org.valid_from or START, org.valid_to, countries.get(org.pk, ()))
            target = self.associations if org.kind == OrgKind.ASSOCIATION else self.chapters
            target[org.path[:8]].append(row)
        # the unions closed in 2025 by the old province they served
        self.closed_union = {
            org.unit_id: org
            for org in Organization.objects.filter(
                kind=OrgKind.PROVINCIAL_UNION, depth=3, deleted_at__isnull=True
            ).select_related("unit")
        }

    # -- one activity ---------------------------------------------------------------------

    def plan(self, rng: random.Random, owner: Organization, province: int | None) -> dict:
        """The fields, children and transactions of one activity kept by ``owner`` (a union
        of ``province``, or the national union when ``province`` is None)."""
        geo = self.geo
        form = self.form_choice(rng)
        r = rng.random()
        # drafts and returned dossiers are recent; the rest spread over ten years
        start = random_date(rng, datetime.date(2025, 1, 1) if r < 0.07 else START, END)
        low, high = DURATION[form]
        end = min(start + datetime.timedelta(days=rng.randint(low, high)), LAST_PLANNED)
        if r < 0.05:
            status = ActivityStatus.DRAFT
        elif r < 0.07:
            status = ActivityStatus.RETURNED
        elif r < 0.12:
            status = ActivityStatus.CANCELLED
        else:
            status = _counted_status(rng, start, end)

        if form == "emergency":
            sectors = ["emergency"]
            if rng.random() < 0.4:
                sectors.append(self.sector_choice(rng))
        else:
            sectors = self.sector_choice.distinct(rng, rng.choice([1, 1, 1, 2, 2, 3]))
        sectors = [c for c in sectors if c in self.sector_ids] or [self.sector_choice(rng)]
        sector_shares = _shares(rng, len(sectors))

        if province is None:
            province = geo.provinces[rng.randrange(len(geo.provinces))]
        n_places = rng.choice([1, 1, 1, 2, 2, 3])
        old = bool(start < MERGER and geo.old_communes[province] and rng.random() < 0.35)
        pool = geo.old_communes[province] if old else geo.communes[province]
        places = sorted({pool[rng.randrange(len(pool))] for _ in range(n_places)})
        if rng.random() < 0.05:
            places = [province]  # the whole province
        place_shares = equal_shares(len(places))
        if owner.depth == 2 and places[0] in geo.old_province:
            # records from before the merger: the old province's union kept half of them
            closed = self.closed_union.get(geo.old_province[places[0]])
            if closed is not None and rng.random() < 0.5:
                owner = closed

        n_donors = rng.choices([1, 2, 3], [0.7, 0.22, 0.08])[0]
        donors = [self.partners[i] for i in self.donor_choice.distinct(rng, n_donors)]
        first = donors[0]
        currency = CURRENCY_OF.get(first.country.code if first.country_id else "", "USD")
        if rng.random() < (0.5 if first.kind == PartnerKind.OVERSEAS else 0.1):
            currency = "VND"
        usd = rng.lognormvariate(math.log(20000), 1.1)
        usd *= {"programme": 4.0, "emergency": 0.5}.get(form, 1.0)
        total = _round_amount(min(max(usd, 500), 3_000_000) * PER_USD[currency], currency)

        approved_on = decision = actual_start = actual_end = None
        if status in COUNTED_STATUSES or (
            status == ActivityStatus.CANCELLED and rng.random() < 0.5
        ):
            approved_on = start - datetime.timedelta(days=rng.randint(10, 90))
        started = status in (
            ActivityStatus.IMPLEMENTING,
            ActivityStatus.COMPLETED,
            ActivityStatus.CLOSED,
        )
        if started or (status == ActivityStatus.APPROVED and rng.random() < 0.5):
            decision = (
                f"{rng.randint(100, 4999)}/QĐ-UBND",
                approved_on + datetime.timedelta(days=rng.randint(3, 30)),
            )
        if started:
            actual_start = min(start + datetime.timedelta(days=rng.randint(0, 30)), END)
        if status in (ActivityStatus.COMPLETED, ActivityStatus.CLOSED):
            shifted = end + datetime.timedelta(days=rng.randint(-30, 60))
            actual_end = min(max(shifted, actual_start), END)

        transactions = self._transactions(
            rng, status, donors, total, currency, (start, end, actual_start, actual_end)
        )
        mobilised = self._mobilised_by(rng, owner, start, first)

        topic_vi, topic_en = SECTORS[sectors[0]][1:]
        place_vi, place_en = _place_phrase(geo.name[places[0]])
        if places[0] != province:
            above = geo.old_province.get(places[0]) or geo.province[places[0]]
            province_vi, province_en = _place_phrase(geo.name[above])
            place_vi, place_en = f"{place_vi}, {province_vi}", f"{place_en}, {province_en}"
        title_vi = f"{LEAD[form]} {topic_vi} tại {place_vi}"
        title_en = f"{topic_en[0].upper()}{topic_en[1:]} in {place_en}"
        if form == "programme":
            title_vi += f" giai đoạn {start.year}–{end.year}"
            title_en += f", {start.year}–{end.year}"
        if owner.depth == 1:
            agency = aid_owner = "Liên hiệp các tổ chức hữu nghị Việt Nam"
        else:
            province_phrase = _place_phrase(owner.unit.name)[0]
            agency = f"Ủy ban nhân dân {province_phrase}"
            department = DEPARTMENT.get(sectors[0])
            if department and rng.random() < 0.5:
                aid_owner = f"{department} {province_phrase}"
            else:
                aid_owner = f"Ủy ban nhân dân {_place_phrase(geo.name[places[0]])[0]}"
        implementing = None
        r = rng.random()
        if r < 0.4:
            implementing = first.pk
        elif r < 0.6 and self.others:
            implementing = self.partners[self.others[rng.randrange(len(self.others))]].pk
        iati = ""
        if first.iati_identifier and rng.random() < 0.5:
            iati = f"{first.iati_identifier}-{rng.randint(1000, 99999)}"
        beneficiaries = []
        if self.groups and rng.random() < 0.6:
            for group in rng.sample(self.groups, rng.choice([1, 1, 2])):
                beneficiaries.append((group, int(rng.lognormvariate(math.log(300), 1.0)) + 10))

        return {
            "owner": owner,
            "fields": {
                "form_id": self.forms[form],
                "title_vi": title_vi,
                "title_en": title_en,
                "implementing_partner_id": implementing,
                "aid_owner": aid_owner,
                "managing_agency": agency,
                "mobilised_by_id": mobilised,
                "planned_start": start,
                "planned_end": end,
                "actual_start": actual_start,
                "actual_end": actual_end,
                "iati_identifier": iati,
                "status": status,
                "approved_on": approved_on,
                "decision_number": decision[0] if decision else "",
                "decision_date": decision[1] if decision else None,
                "decision_authority": agency if decision else "",
            },
            "donors": [d.pk for d in donors],
            "sectors": [
                (self.sector_ids[c], share) for c, share in zip(sectors, sector_shares, strict=True)
            ],
            "places": list(zip(places, place_shares, strict=True)),
            "beneficiaries": beneficiaries,
            "currency": currency,
            "transactions": transactions,
        }

    def _mobilised_by(self, rng: random.Random, owner: Organization, start, donor) -> int:
        """The owning union for 30 %; else an association (a chapter now and then) of the
        province open on the start date, one for the donor's country when there is one."""
        r = rng.random()
        if r < 0.3:
            return owner.pk
        pool = self.chapters if r >= 0.85 else self.associations
        if owner.depth == 1:
            keys = sorted(self.associations)
            key = keys[rng.randrange(len(keys))] if keys else ""
        else:
            key = owner.path[:8]
        candidates = [
            row
            for row in pool.get(key, ())
            if row[1] <= start and (row[2] is None or row[2] >= start)
        ]
        matching = [row for row in candidates if donor.country_id in row[3]]
        if matching and rng.random() < 0.7:
            candidates = matching
        if not candidates:
            return owner.pk
        return candidates[rng.randrange(len(candidates))][0]

    def _transactions(self, rng, status, donors, total, currency, dates):
        """[(kind, date, amount, provider id, description, credited factor)]: commitments per
        donor at the start, then disbursements and expenditures, never after 30/6/2026."""
        start, end, actual_start, actual_end = dates
        first_day = min(d for d in (start, actual_start) if d)
        last_day = max(d for d in (end, actual_end) if d)
        paid_until = min(last_day, END)
        rows = []
        for donor, amount in zip(donors, _split(rng, total, len(donors)), strict=True):
            on = min(first_day + datetime.timedelta(days=rng.randint(0, 30)), last_day)
            rows.append((COMMITMENT, on, amount, donor.pk, DESCRIPTION["commitment"], None))
        committed = total
        if status in COUNTED_STATUSES and rng.random() < 0.15 and first_day <= paid_until:
            extra = _round_amount(total * rng.uniform(0.05, 0.3), currency)
            on = random_date(rng, first_day, paid_until)
            rows.append((COMMITMENT, on, extra, donors[0].pk, DESCRIPTION["top_up"], None))
            committed += extra

        if status in (ActivityStatus.COMPLETED, ActivityStatus.CLOSED):
            n_pay, n_spend, part = rng.randint(3, 10), rng.randint(1, 6), rng.uniform(0.85, 1.0)
        elif status == ActivityStatus.IMPLEMENTING:
            elapsed = (END - first_day).days / max(1, (last_day - first_day).days)
            elapsed = min(max(elapsed, 0.1), 1.0)
            n_pay = max(1, round(rng.randint(2, 10) * elapsed))
            n_spend = round(rng.randint(1, 6) * elapsed)
            part = elapsed * rng.uniform(0.7, 1.0)
        elif status == ActivityStatus.CANCELLED:
            n_pay, n_spend, part = rng.choice([0, 0, 1, 2]), 0, rng.uniform(0.05, 0.3)
        elif status == ActivityStatus.APPROVED:
            n_pay, n_spend, part = (1 if rng.random() < 0.3 else 0), 0, rng.uniform(0.1, 0.3)
        else:
            n_pay = n_spend = 0
            part = 0.0
        if first_day > paid_until or n_pay == 0:
            return rows
        paid = _round_amount(committed * part, currency)
        pay_dates = sorted(random_date(rng, first_day, paid_until) for _ in range(n_pay))
        for k, (on, amount) in enumerate(
            zip(pay_dates, _split(rng, paid, n_pay), strict=True), start=1
        ):
            donor = donors[rng.randrange(len(donors))]
            credited = 1 + rng.uniform(-0.004, 0.004) if rng.random() < 0.03 else None
            description = DESCRIPTION["disbursement"] % {"n": k}
            rows.append((DISBURSEMENT, on, amount, donor.pk, description, credited))
            if k > 1 and rng.random() < 0.02:
                back = _round_amount(amount * rng.uniform(0.05, 0.3), currency)
                when = min(on + datetime.timedelta(days=rng.randint(5, 60)), paid_until)
                rows.append((DISBURSEMENT, when, -back, donor.pk, DESCRIPTION["correction"], None))
        if n_spend:
            spent = int(paid * rng.uniform(0.8, 1.0))
            spend_dates = sorted(random_date(rng, pay_dates[0], paid_until) for _ in range(n_spend))
            for on, amount in zip(spend_dates, _split(rng, spent, n_spend), strict=True):
                description = rng.choice(DESCRIPTION["expenditure"])
                rows.append((EXPENDITURE, on, amount, donors[0].pk, description, None))
        return [row for row in rows if row[2] != 0]


def _counted_status(rng: random.Random, start: datetime.date, end: datetime.date) -> str:
    """Approved or later, as the dates put it on 30/6/2026."""
    if end < END - datetime.timedelta(days=180):
        return ActivityStatus.CLOSED if rng.random() < 0.6 else ActivityStatus.COMPLETED
    if end < END:
        return ActivityStatus.COMPLETED
    if start <= END - datetime.timedelta(days=30):
        return ActivityStatus.IMPLEMENTING if rng.random() < 0.9 else ActivityStatus.APPROVED
    return ActivityStatus.APPROVED


def _association_countries() -> dict[int, tuple[int, ...]]:
    """The partner countries of each association profile (``network``), by organisation."""
    try:
        from huunghi.network.models import Association
    except ImportError:  # pragma: no cover - the network app is always installed here
        return {}
    found: defaultdict[int, list[int]] = defaultdict(list)
    through = Association.partner_countries.through
    for assoc_id, country_id in through.objects.order_by("id").values_list(
        "association_id", "country_id"
    ):
        found[assoc_id].append(country_id)
    return {k: tuple(v) for k, v in found.items()}


# ---------------------------------------------------------------------------------------
# The step


def owners(ctx: ScaleContext) -> list[tuple[str, Organization, int | None, int]]:
    """(code, keeping union, its province, how many activities) for the national union and
    each of today's unions, in that order."""
    rng = ctx.rng("aid")
    total = ctx.size.extra.get("activities", ACTIVITIES[ctx.size.name])
    national = Organization.objects.select_related("unit").get(code=NATIONAL_CODE)
    unions = current_unions()
    communes = dict(
        AdministrativeUnit.objects.filter(code_system=CodeSystem.GSO_2025, level=UnitLevel.COMMUNE)
        .order_by()
        .values_list("parent_id")
        .annotate(n=Count("id"))
    )
    weights = [
        communes.get(u.unit_id, 1) * LARGE_UNIONS.get(u.code, 1.0) * rng.lognormvariate(0, 0.3)
        for u in unions
    ]
    n_national = round(total * NATIONAL_SHARE)
    per_union = spread(total - n_national, weights, 0, total, rng)
    return [(NATIONAL_CODE, national, None, n_national)] + [
        (u.code, u, u.unit_id, n) for u, n in zip(unions, per_union, strict=True)
    ]


def reference(code: str, n: int) -> str:
    return f"{PREFIX}{code}_{n:05d}"


@register(order=80)
def aid_activities(ctx: ScaleContext) -> None:
    """About 100,000 activities (national size) with donors, sectors, places, beneficiaries
    and about ten transactions each."""
    from huunghi.partners.scale import scale_partners

    plan_owners = owners(ctx)
    existing = set(
        AidActivity.all_objects.filter(reference__startswith=PREFIX).values_list(
            "reference", flat=True
        )
    )
    missing = [
        row
        for row in plan_owners
        if not all(reference(row[0], n) in existing for n in range(1, row[3] + 1))
    ]
    if not missing:
        return
    partners = [p for p in scale_partners() if p.deleted_at is None]
    if not partners:
        ctx.log("aid_activities: no generated partners to be donors; nothing planned")
        return
    planner = Planner(ctx, partners)
    writer = Writer(ctx, planner.geo)
    for code, union, province, n in missing:
        rng = random.Random(f"{ctx.seed}:{ctx.size.name}:aid:{code}")
        for i in range(1, n + 1):
            plan = planner.plan(rng, union, province)
            ref = reference(code, i)
            if ref in existing:
                continue
            plan["reference"] = ref
            writer.add(plan)
    writer.flush()


class Writer:
    """Writes planned activities in chunks: the activities with ``bulk_create`` (for their
    ids), their children and transactions as plain rows (``insert_rows``)."""

    def __init__(self, ctx: ScaleContext, geo: Geography):
        self.ctx = ctx
        self.province = geo.province
        self.pending: list[dict] = []
        self.rates = RateTable(ExchangeRate.objects.values_list("currency", flat=True).distinct())
        self.search: dict[tuple[str, str], str] = {}

    def add(self, plan: dict) -> None:
        self.pending.append(plan)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        activities = []
        for plan in self.pending:
            fields = plan["fields"]
            live = fields["status"] in COUNTED_STATUSES
            published = None
            if live:
                published = timezone.make_aware(
                    datetime.datetime.combine(fields["approved_on"], datetime.time(9))
                )
            activity = AidActivity(
                organization=plan["owner"],
                reference=plan["reference"],
                live=live,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                **fields,
            )
            # save() is skipped: fill the search text here.
            activity.search_text = activity.build_search_text()
            activities.append(activity)
        AidActivity.objects.bulk_create(activities, batch_size=BATCH)

        donors, sectors, places, beneficiaries, transactions = [], [], [], [], []
        stamp = timezone.now()
        for activity, plan in zip(activities, self.pending, strict=True):
            pk = activity.pk
            donors += [(pk, partner) for partner in plan["donors"]]
            sectors += [(pk, s, share, share_weight(share)) for s, share in plan["sectors"]]
            places += [
                (pk, unit, share, share_weight(share), self.province[unit])
                for unit, share in plan["places"]
            ]
            beneficiaries += [(pk, group, n) for group, n in plan["beneficiaries"]]
            currency = plan["currency"]
            transactions += [
                self._transaction(pk, currency, stamp, *row) for row in plan["transactions"]
            ]
        insert_rows(ActivityDonor, ["activity", "partner"], donors)
        insert_rows(ActivitySector, ["activity", "sector", "share", "weight"], sectors)
        insert_rows(ActivityLocation, ["activity", "unit", "share", "weight", "province"], places)
        insert_rows(ActivityBeneficiary, ["activity", "group", "number"], beneficiaries)
        insert_rows(AidTransaction, TRANSACTION_COLUMNS, transactions)
        created = self.ctx.created
        created["aid activities"] += len(activities)
        created["activity donors"] += len(donors)
        created["activity sectors"] += len(sectors)
        created["activity locations"] += len(places)
        created["activity beneficiaries"] += len(beneficiaries)
        created["aid transactions"] += len(transactions)
        self.ctx.log(
            f"aid_activities: {created['aid activities']} activities, "
            f"{created['aid transactions']} transactions written so far"
        )
        self.pending = []

    def _transaction(self, pk, currency, stamp, kind, on, amount, provider, description, credited):
        """One row of ``TRANSACTION_COLUMNS``, its đồng value as ``apply_rate`` computes it."""
        amount = Decimal(amount)
        if currency == "VND":
            rate = rate_date = None
            value = to_vnd(amount, Decimal(1))
        else:
            found = self.rates.on(currency, on)
            rate, rate_date = (found.rate, found.date) if found else (None, None)
            value = to_vnd(amount, rate) if found else None
        vnd_credited = None
        if credited is not None and value is not None and value > 0:
            vnd_credited = int(value * credited)  # what the account received, a little off
        vnd = vnd_credited if vnd_credited is not None else value
        search = self.search.get((description, currency))
        if search is None:
            search = self.search[(description, currency)] = normalise(f"{description} {currency}")
        return (
            stamp, stamp, 1, search, pk, kind, on, amount, currency, provider,
            rate, rate_date, value, vnd_credited, vnd, description,
        )  # fmt: skip


TRANSACTION_COLUMNS = (
    "created_at updated_at version search_text activity kind date amount currency provider "
    "rate rate_date value_vnd vnd_credited vnd description"
).split()


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of plain values in the order of ``fields``) into ``model``'s
    table: ``COPY`` on PostgreSQL, one prepared ``INSERT`` for all rows elsewhere. Values
    must be what the driver takes as they are: str, int, Decimal, date, aware datetime on
    PostgreSQL (``connection.ops`` adapts the timestamps for SQLite), None."""
    if not rows:
        return
    ops = connection.ops
    meta = model._meta
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in fields)
    table = ops.quote_name(meta.db_table)
    stamps = [i for i, name in enumerate(fields) if name in ("created_at", "updated_at")]
    if stamps and connection.vendor != "postgresql":
        rows = [_adapt_stamps(row, stamps) for row in rows]
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # identifiers from the model's meta, quoted; values bound as parameters
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        for i in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[i : i + 10_000])


def _adapt_stamps(row: tuple, positions: list[int]) -> tuple:
    values = list(row)
    for i in positions:
        values[i] = connection.ops.adapt_datetimefield_value(values[i])
    return tuple(values)


# ---------------------------------------------------------------------------------------
# What the data set holds


@summary
def aid_summary() -> dict[str, dict[str, int]]:
    """Aid activities by status, transactions, those without a rate, exchange rates."""
    activities = dict(
        AidActivity.objects.filter(reference__startswith=PREFIX)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    transactions = AidTransaction.objects.filter(activity__reference__startswith=PREFIX)
    counts = transactions.aggregate(
        total=Count("id"), without_rate=Count("id", filter=Q(vnd__isnull=True))
    )
    return {
        "aid activities": {**activities, "total": sum(activities.values())},
        "aid transactions": {
            "total": counts["total"],
            "without a rate": counts["without_rate"],
        },
        "exchange rates": {"total": ExchangeRate.objects.count()},
    }
