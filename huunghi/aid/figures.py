"""Aid figures: the mobilised and disbursed values of a period for an organisation's subtree
or a cluster, their breakdowns (sector, province, commune, donor country, form of aid, who
mobilised it), the same period a year earlier, and the transactions left out of every total
for want of an exchange rate. The definitions, with worked examples, are in
docs/aid-figures.md; reports and the dashboard read them from here.

Every sum is one SQL aggregate (one query per breakdown, both periods at once); shares of
sectors and places weigh the đồng value with the integer ``weight`` of the share
(hundredths of a per cent), so that sums stay whole numbers on every engine.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huunghi.orgs import visibility
from huunghi.orgs.choices import NATIONAL_CODE
from huunghi.orgs.models import Cluster, ClusterMembership, Organization

from .choices import COUNTED_STATUSES, TransactionKind
from .models import FULL_WEIGHT, AidTransaction

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
#: how many of the transactions without a rate are listed by name (all are counted)
MISSING_LISTED = 100
#: what the list of transactions without a rate shows of them
MISSING_FIELDS = (
    "pk",
    "date",
    "kind",
    "amount",
    "currency",
    "activity_id",
    "activity__title_vi",
    "provider__name",
)


# ---------------------------------------------------------------------------------------
# periods


def _a_year_before(day: datetime.date) -> datetime.date:
    """The same day a year before; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Period:
    """Dates from ``start`` to ``end``, both included, and how a report names them."""

    start: datetime.date
    end: datetime.date
    label: str
    kind: str = "range"

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"Năm {year}", "year")

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        if half not in (1, 2):
            raise ValueError("A half-year is 1 or 2.")
        if half == 1:
            start, end, words = datetime.date(year, 1, 1), datetime.date(year, 6, 30), "đầu"
        else:
            start, end, words = datetime.date(year, 7, 1), datetime.date(year, 12, 31), "cuối"
        return cls(start, end, f"6 tháng {words} năm {year}", f"half{half}")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        if quarter not in ROMAN:
            raise ValueError("A quarter is 1, 2, 3 or 4.")
        start = datetime.date(year, 3 * quarter - 2, 1)
        after = (
            datetime.date(year + 1, 1, 1)
            if quarter == 4
            else datetime.date(year, 3 * quarter + 1, 1)
        )
        end = after - datetime.timedelta(days=1)
        return cls(start, end, f"Quý {ROMAN[quarter]}/{year}", f"quarter{quarter}")

    @classmethod
    def range(cls, start: datetime.date, end: datetime.date) -> "Period":
        return cls(start, end, f"{start:%d/%m/%Y} – {end:%d/%m/%Y}", "range")

    @classmethod
    def current_half(cls, today: datetime.date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls.half(today.year, 1 if today.month <= 6 else 2)

    def year_earlier(self) -> "Period":
        """The same dates one year before (29 February → 28 February), named alike."""
        year = self.start.year - 1
        if self.kind == "year":
            return Period.year(year)
        if self.kind.startswith("half"):
            return Period.half(year, int(self.kind[-1]))
        if self.kind.startswith("quarter"):
            return Period.quarter(year, int(self.kind[-1]))
        return Period.range(_a_year_before(self.start), _a_year_before(self.end))

    @property
    def code(self) -> str:
        """How the figures page names the period in its address (``from_code`` reads it)."""
        if self.kind == "year":
            return str(self.start.year)
        if self.kind.startswith("half"):
            return f"{self.start.year}-H{self.kind[-1]}"
        if self.kind.startswith("quarter"):
            return f"{self.start.year}-Q{self.kind[-1]}"
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"

    @classmethod
    def from_code(cls, code: str) -> "Period":
        """``2026``, ``2026-H1``, ``2026-Q2`` or ``2026-03-01..2026-05-15``; ValueError else."""
        code = (code or "").strip()
        if ".." in code:
            first, last = code.split("..", 1)
            return cls.range(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
        year, _sep, part = code.partition("-")
        if not year.isdigit() or not 1900 <= int(year) <= 2999:
            raise ValueError(f"Not a period: {code!r}")
        if not part:
            return cls.year(int(year))
        if len(part) == 2 and part[0] in "Hh" and part[1].isdigit():
            return cls.half(int(year), int(part[1]))
        if len(part) == 2 and part[0] in "Qq" and part[1].isdigit():
            return cls.quarter(int(year), int(part[1]))
        raise ValueError(f"Not a period: {code!r}")

    @property
    def display(self) -> str:
        """The name in the interface language: ``label`` for Vietnamese (what reports
        write), an English form otherwise ("First half of 2026", "Q2 2026")."""
        if (translation.get_language() or "vi").startswith("vi"):
            return self.label
        year = self.start.year
        if self.kind == "year":
            return gettext("Year %(year)s") % {"year": year}
        if self.kind == "half1":
            return gettext("First half of %(year)s") % {"year": year}
        if self.kind == "half2":
            return gettext("Second half of %(year)s") % {"year": year}
        if self.kind.startswith("quarter"):
            return gettext("Q%(quarter)s %(year)s") % {"quarter": self.kind[-1], "year": year}
        return self.label

    def __str__(self):
        return self.label


# ---------------------------------------------------------------------------------------
# results


def change_percent(current: int, earlier: int) -> Decimal | None:
    """(current − earlier) / earlier × 100, rounded half up to one decimal; None when the
    earlier figure is 0 (no basis to compare with)."""
    if not earlier:
        return None
    return (Decimal(current - earlier) * 100 / Decimal(earlier)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def share_percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal (None when ``whole`` is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def unweigh(weighted: int | None) -> int:
    """A sum of đồng × weight back to whole đồng: ÷ 10000, rounded half up (away from 0)."""
    if not weighted:
        return 0
    return int((Decimal(weighted) / FULL_WEIGHT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Amounts:
    """Mobilised and disbursed đồng in the period and the same period a year earlier."""

    mobilised: int = 0
    disbursed: int = 0
    mobilised_earlier: int = 0
    disbursed_earlier: int = 0

    @property
    def mobilised_change(self) -> Decimal | None:
        return change_percent(self.mobilised, self.mobilised_earlier)

    @property
    def disbursed_change(self) -> Decimal | None:
        return change_percent(self.disbursed, self.disbursed_earlier)


@dataclass
class FigureRow(Amounts):
    """One line of a breakdown: ``key`` is the id of the sector, unit, country, form or
    organisation (None for the records that name none)."""

    key: int | None = None
    label: str | Promise = ""
    label_en: str = ""
    detail: str = ""
    share: Decimal | None = None  # of the total mobilised, in per cent


@dataclass(frozen=True)
class MissingTransaction:
    """A transaction left out for want of a rate, as the warning lists it."""

    pk: int
    date: datetime.date
    kind: str
    amount: Decimal
    currency: str
    activity_id: int
    activity: str
    provider: str

    def get_kind_display(self) -> str:
        return str(TransactionKind(self.kind).label)


@dataclass
class MissingRates:
    """Transactions that would count but have no đồng value (no exchange rate for their
    currency and date, no credited value): left out of every total, never counted as 0."""

    count: int = 0
    count_earlier: int = 0
    #: (currency, number of transactions) over both periods
    currencies: list[tuple[str, int]] = field(default_factory=list)
    #: the transactions themselves (at most MISSING_LISTED), when the user may see records
    transactions: list[MissingTransaction] = field(default_factory=list)
    listed: bool = True

    @property
    def total(self) -> int:
        return self.count + self.count_earlier


@dataclass
class FiguresScope:
    """What the figures add up: the transactions of a subtree (``root``), of what the user
    sees (``root`` None), or of a cluster's members. ``records_visible`` is False when the
    user sees the figures only (a cluster coordinator): no transaction is listed then."""

    transactions: QuerySet
    root: Organization | None = None
    cluster: Cluster | None = None
    records_visible: bool = True

    @property
    def label(self) -> str:
        if self.cluster is not None:
            return self.cluster.name_vi
        return self.root.name_vi if self.root is not None else ""


@dataclass
class AidTotals(Amounts):
    """The totals of a scope and period, with the share its own organisation mobilised."""

    period: Period | None = None
    earlier: Period | None = None
    scope: FiguresScope | None = None
    own_mobilised: int | None = None
    own_mobilised_earlier: int | None = None
    missing: MissingRates = field(default_factory=MissingRates)

    @property
    def own_share(self) -> Decimal | None:
        if self.own_mobilised is None:
            return None
        return share_percent(self.own_mobilised, self.mobilised)

    @property
    def own_change(self) -> Decimal | None:
        if self.own_mobilised is None:
            return None
        return change_percent(self.own_mobilised, self.own_mobilised_earlier or 0)


@dataclass
class AidFigures:
    """Totals and every breakdown of one scope and period."""

    totals: AidTotals
    breakdowns: dict[str, list[FigureRow]]

    @property
    def period(self) -> Period:
        return self.totals.period

    @property
    def earlier(self) -> Period:
        return self.totals.earlier

    @property
    def scope(self) -> FiguresScope:
        return self.totals.scope

    @property
    def root(self) -> Organization | None:
        return self.totals.scope.root


# ---------------------------------------------------------------------------------------
# scope


def _valid_on(on: datetime.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def coordinated_paths(actor) -> list[str]:
    """The tree paths of the members today of the clusters ``actor`` coordinates."""
    from huunghi.orgs.selectors import cluster_list_for_coordinator

    on = timezone.localdate()
    return list(
        ClusterMembership.objects.filter(
            _valid_on(on),
            cluster__in=cluster_list_for_coordinator(actor=actor, on_date=on),
            organization__deleted_at__isnull=True,
        ).values_list("organization__path", flat=True)
    )


def _coordinates(actor, *, cluster: Cluster | None = None, member: Organization | None = None):
    """Whether ``actor`` coordinates ``cluster`` today, or ``member`` is (in the subtree of)
    a member today of a cluster ``actor`` coordinates."""
    from huunghi.orgs.selectors import cluster_list_for_coordinator

    if cluster is not None:
        on = timezone.localdate()
        return cluster_list_for_coordinator(actor=actor, on_date=on).filter(pk=cluster.pk).exists()
    return any(member.path.startswith(path) for path in coordinated_paths(actor))


def _subtrees(paths: list[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(activity__organization__path__startswith=path)
    return condition


def aid_figures_scope(*, actor, root=None, cluster=None) -> FiguresScope:
    """Which transactions the figures of ``actor`` add up.

    - ``cluster``: the subtrees of the cluster's members today (so both periods compare the
      same provinces, merged unions included), for its coordinators and national roles;
    - ``root``: its subtree, if ``actor`` sees it, or if it is a member today of a cluster
      ``actor`` coordinates or lies under one (figures only: the unions merged into a member
      in 2025 are under it);
    - neither: everything ``actor`` sees (``root`` is the national union for national roles,
      the organisation of the role when there is one).

    Anything else answers 404, as a record outside the scope would.
    """
    if cluster is not None:
        national = visibility.is_national(actor)
        if not (national or _coordinates(actor, cluster=cluster)):
            raise Http404
        paths = list(cluster.members_on(timezone.localdate()).values_list("path", flat=True))
        return FiguresScope(
            AidTransaction.objects.filter(_subtrees(paths)),
            cluster=cluster,
            records_visible=national,
        )
    if root is None:
        paths = visibility.scope_paths(actor)
        if paths == []:
            raise Http404
        if paths is None:
            root = Organization.objects.filter(code=NATIONAL_CODE).first()
        elif len(paths) == 1:
            root = Organization.objects.filter(path=paths[0]).first()
        return FiguresScope(AidTransaction.objects.visible_to(actor), root=root)
    if Organization.objects.visible_to(actor).filter(pk=root.pk).exists():
        return FiguresScope(
            AidTransaction.objects.visible_to(actor).filter(_subtrees([root.path])), root=root
        )
    if _coordinates(actor, member=root):
        return FiguresScope(
            AidTransaction.objects.filter(_subtrees([root.path])), root=root, records_visible=False
        )
    raise Http404


# ---------------------------------------------------------------------------------------
# sums

FIGURE_KINDS = (TransactionKind.COMMITMENT, TransactionKind.DISBURSEMENT)
_AMOUNT_OF = {"mobilised": TransactionKind.COMMITMENT, "disbursed": TransactionKind.DISBURSEMENT}


def _dates(period: Period) -> Q:
    return Q(date__gte=period.start, date__lte=period.end)


def _counted(scope: FiguresScope, period: Period, earlier: Period) -> QuerySet:
    """The transactions that count: commitments and disbursements dated in either period, of
    activities approved or later (not draft, submitted, returned or cancelled)."""
    return scope.transactions.filter(
        _dates(period) | _dates(earlier),
        kind__in=FIGURE_KINDS,
        activity__status__in=COUNTED_STATUSES,
        activity__deleted_at__isnull=True,
    )


def _sums(period: Period, earlier: Period, weight=None) -> dict:
    """Mobilised and disbursed, in the period and a year earlier, as conditional sums (the
    value × ``weight`` when a share weighs it). A NULL value (no rate) adds nothing."""
    value = F("vnd")
    if weight is not None:
        value = ExpressionWrapper(F("vnd") * weight, output_field=BigIntegerField())
    return {
        f"{name}{suffix}": Sum(
            value, filter=Q(kind=kind) & _dates(when), output_field=BigIntegerField()
        )
        for name, kind in _AMOUNT_OF.items()
        for suffix, when in (("", period), ("_earlier", earlier))
    }


def aid_totals(
    *,
    actor,
    period: Period,
    root=None,
    cluster=None,
    scope: FiguresScope | None = None,
    list_missing: bool = True,
) -> AidTotals:
    """Mobilised (commitments) and disbursed (disbursements) đồng of ``period`` and of the
    same period a year earlier, the part mobilised by the scope's own organisation
    (``activity.mobilised_by`` is the root), and the transactions without a rate.

    One aggregate query (plus one for the currencies and, with ``list_missing``, one for the
    list of transactions without a rate, only when there are any), after the scope check."""
    scope = scope or aid_figures_scope(actor=actor, root=root, cluster=cluster)
    earlier = period.year_earlier()
    counted = _counted(scope, period, earlier)
    own_of = Q(kind=TransactionKind.COMMITMENT, activity__mobilised_by=scope.root)
    extra = {}
    if scope.root is not None:
        extra = {
            "own": Sum("vnd", filter=own_of & _dates(period)),
            "own_earlier": Sum("vnd", filter=own_of & _dates(earlier)),
        }
    row = counted.aggregate(
        **_sums(period, earlier),
        **extra,
        missing=Count("pk", filter=Q(vnd__isnull=True) & _dates(period)),
        missing_earlier=Count("pk", filter=Q(vnd__isnull=True) & _dates(earlier)),
    )
    missing = MissingRates(
        count=row["missing"], count_earlier=row["missing_earlier"], listed=scope.records_visible
    )
    if missing.total:
        without = counted.filter(vnd__isnull=True)
        missing.currencies = list(
            without.order_by("currency").values_list("currency").annotate(n=Count("pk"))
        )
        if scope.records_visible and list_missing:
            rows = without.order_by("date", "pk").values_list(*MISSING_FIELDS)
            missing.transactions = [MissingTransaction(*row) for row in rows[:MISSING_LISTED]]
    return AidTotals(
        mobilised=row["mobilised"] or 0,
        disbursed=row["disbursed"] or 0,
        mobilised_earlier=row["mobilised_earlier"] or 0,
        disbursed_earlier=row["disbursed_earlier"] or 0,
        period=period,
        earlier=earlier,
        scope=scope,
        own_mobilised=(row["own"] or 0) if extra else None,
        own_mobilised_earlier=(row["own_earlier"] or 0) if extra else None,
        missing=missing,
    )


@dataclass(frozen=True)
class Breakdown:
    """How a breakdown groups: the key and its label (and a detail) as lookups from the
    transaction, and the weight of the share when the activity splits over several."""

    key: str
    label: str
    none_label: Promise
    weight: str | None = None
    detail: str | None = None
    label_en: str | None = None


BREAKDOWNS = {
    "sector": Breakdown(
        "activity__sectors__sector_id",
        "activity__sectors__sector__name_vi",
        _("No sector given"),
        weight="activity__sectors__weight",
        label_en="activity__sectors__sector__name_en",
    ),
    "province": Breakdown(
        "activity__locations__province_id",
        "activity__locations__province__name",
        _("No place given"),
        weight="activity__locations__weight",
        label_en="activity__locations__province__name_en",
    ),
    "unit": Breakdown(
        "activity__locations__unit_id",
        "activity__locations__unit__name",
        _("No place given"),
        weight="activity__locations__weight",
        detail="activity__locations__province__name",
        label_en="activity__locations__unit__name_en",
    ),
    "country": Breakdown(
        "provider__country_id",
        "provider__country__name_vi",
        _("Country not recorded"),
        label_en="provider__country__name_en",
    ),
    "form": Breakdown(
        "activity__form_id",
        "activity__form__name_vi",
        _("Form not recorded"),
        label_en="activity__form__name_en",
    ),
    "mobiliser": Breakdown(
        "activity__mobilised_by_id",
        "activity__mobilised_by__name_vi",
        _("Not recorded"),
        label_en="activity__mobilised_by__name_en",
    ),
}
#: the breakdowns of the figures page, in its order
PAGE_BREAKDOWNS = ("sector", "province", "country", "form", "mobiliser", "unit")


def aid_breakdown(
    *,
    actor,
    period: Period,
    by: str,
    root=None,
    cluster=None,
    scope: FiguresScope | None = None,
    total: int | None = None,
) -> list[FigureRow]:
    """Mobilised and disbursed (and a year earlier) per sector, province (today's, old units
    rolled up), commune or place as entered (``unit``), donor country (the provider's),
    form of aid, or mobilising organisation: one grouped aggregate query.

    Sectors and places split each value by the activity's shares: Σ(đồng × weight) per
    group, ÷ 10000 rounded half up. An activity without sectors or places counts whole in
    the "not given" line, so the lines add up to the total (give or take the rounding of
    each line). Rows are ordered by the value mobilised, largest first; ``share`` is the
    percentage of ``total`` (the scope's total mobilised) when it is given."""
    spec = BREAKDOWNS[by]
    scope = scope or aid_figures_scope(actor=actor, root=root, cluster=cluster)
    earlier = period.year_earlier()
    weight = Coalesce(F(spec.weight), Value(FULL_WEIGHT)) if spec.weight else None
    group = {"group_key": F(spec.key), "group_label": F(spec.label)}
    if spec.label_en:
        group["group_label_en"] = F(spec.label_en)
    if spec.detail:
        group["group_detail"] = F(spec.detail)
    rows = (
        _counted(scope, period, earlier)
        .values(**group)
        .annotate(**_sums(period, earlier, weight))
        .order_by()
    )
    convert = unweigh if weight is not None else (lambda v: v or 0)
    result = []
    for row in rows:
        amounts = {name: convert(row[name]) for name in _sums_names()}
        if not any(amounts.values()):
            continue
        key = row["group_key"]
        result.append(
            FigureRow(
                **amounts,
                key=key,
                label=row["group_label"] if key is not None else spec.none_label,
                label_en=row.get("group_label_en") or "",
                detail=row.get("group_detail") or "",
                share=share_percent(amounts["mobilised"], total) if total is not None else None,
            )
        )
    result.sort(key=lambda r: (r.key is None, -r.mobilised, -r.disbursed, str(r.label)))
    return result


def _sums_names():
    return [f"{name}{suffix}" for name in _AMOUNT_OF for suffix in ("", "_earlier")]


def aid_figures(
    *, actor, period: Period, root=None, cluster=None, breakdowns=PAGE_BREAKDOWNS
) -> AidFigures:
    """The totals of ``period`` (with the year-earlier comparison, the root's own share and
    the missing-rate warning) and each breakdown in ``breakdowns``: one scope check, one
    query for the totals, one per breakdown, and two more when some rate is missing."""
    scope = aid_figures_scope(actor=actor, root=root, cluster=cluster)
    totals = aid_totals(actor=actor, period=period, scope=scope)
    return AidFigures(
        totals=totals,
        breakdowns={
            by: aid_breakdown(
                actor=actor, period=period, by=by, scope=scope, total=totals.mobilised
            )
            for by in breakdowns
        },
    )
