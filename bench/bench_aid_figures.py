"""Aid figures: half-year totals and breakdowns against hand-written SQL; the figures page.

On the national data set (``huunghi/aid/scale.py``), for the latest half-year with
transactions and the same half a year earlier:
(1) ``aid_totals`` (mobilised, disbursed, the union's own part, the missing-rate counts,
    currencies and list) for the editor of the union with the most transactions in the
    half, and for the whole country (a national role), against the same results written
    by hand in SQL (the scope check, one aggregate, and the two missing-rate queries);
(2) ``aid_figures`` (the totals and the six breakdowns: sector and place shares weighted,
    province, commune, donor country, form, mobiliser) for the same two scopes, against the
    same grouped queries written by hand;
(3) ``GET /admin/aid/figures/`` through ``django.test.Client`` for the same two users:
    median, p95 and queries per request.
Each pair is timed interleaved in the same run; the target is within 2× of the SQL.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.bench_visibility import plan
from bench.timing import measure, measure_interleaved, ms, print_table
from huunghi.aid.choices import COUNTED_STATUSES
from huunghi.aid.figures import MISSING_LISTED, PAGE_BREAKDOWNS, Period, aid_figures, aid_totals
from huunghi.aid.models import AidTransaction
from huunghi.orgs import visibility
from huunghi.orgs.choices import NATIONAL_CODE, OrgKind, RoleKind
from huunghi.orgs.models import Organization, Role
from huunghi.orgs.scale import PREFIX

TARGET_RATIO = 2.0
FULL = 10000
COUNTED = ", ".join(f"'{s}'" for s in COUNTED_STATUSES)

# ---------------------------------------------------------------------------------------
# hand-written SQL


def _from(scope_path: str | None, joins: str = "") -> str:
    org_join = " INNER JOIN orgs_organization o ON o.id = a.organization_id" if scope_path else ""
    return (
        " FROM aid_aidtransaction t"
        " INNER JOIN aid_aidactivity a ON a.id = t.activity_id"
        + org_join
        + joins
        + " WHERE t.deleted_at IS NULL AND a.deleted_at IS NULL"
        + (" AND o.path LIKE %s" if scope_path else "")
        + f" AND a.status IN ({COUNTED}) AND t.kind IN ('commitment', 'disbursement')"
        " AND ((t.date >= %s AND t.date <= %s) OR (t.date >= %s AND t.date <= %s))"
    )


def _where_params(scope_path, period, earlier):
    params = [f"{scope_path}%"] if scope_path else []
    return [*params, period.start, period.end, earlier.start, earlier.end]


def _sums(value: str, period, earlier):
    """mobilised, mobilised_earlier, disbursed, disbursed_earlier, with their parameters."""
    columns, params = [], []
    for kind in ("commitment", "disbursement"):
        for when in (period, earlier):
            columns.append(
                f"SUM(CASE WHEN t.kind = '{kind}' AND t.date >= %s AND t.date <= %s"
                f" THEN {value} END)"
            )
            params += [when.start, when.end]
    return columns, params


def _scope_check(cursor, scope_path, root_id):
    if scope_path:
        cursor.execute(
            "SELECT 1 FROM orgs_organization WHERE deleted_at IS NULL AND path LIKE %s AND id = %s",
            [f"{scope_path}%", root_id],
        )
    else:
        cursor.execute("SELECT id, path FROM orgs_organization WHERE code = %s", [NATIONAL_CODE])
    if cursor.fetchone() is None:
        raise LookupError(root_id)


def raw_totals(scope_path, root_id, period, earlier, *, check=True):
    sums, sum_params = _sums("t.vnd", period, earlier)
    own = (
        "SUM(CASE WHEN t.kind = 'commitment' AND a.mobilised_by_id = %s"
        " AND t.date >= %s AND t.date <= %s THEN t.vnd END)"
    )
    missing = "COUNT(CASE WHEN t.vnd IS NULL AND t.date >= %s AND t.date <= %s THEN 1 END)"
    sql = "SELECT " + ", ".join([*sums, own, own, missing, missing]) + _from(scope_path)
    params = [
        *sum_params,
        root_id,
        period.start,
        period.end,
        root_id,
        earlier.start,
        earlier.end,
        period.start,
        period.end,
        earlier.start,
        earlier.end,
        *_where_params(scope_path, period, earlier),
    ]
    with connection.cursor() as cursor:
        if check:
            _scope_check(cursor, scope_path, root_id)
        cursor.execute(sql, params)
        row = cursor.fetchone()
        result = {
            "amounts": tuple(int(v or 0) for v in row[:4]),
            "own": (int(row[4] or 0), int(row[5] or 0)),
            "missing": (row[6], row[7]),
            "currencies": [],
            "listed": [],
        }
        if row[6] or row[7]:
            where = _from(scope_path) + " AND t.vnd IS NULL"
            base = _where_params(scope_path, period, earlier)
            cursor.execute(
                "SELECT t.currency, COUNT(t.id)" + where + " GROUP BY t.currency ORDER BY 1", base
            )
            result["currencies"] = [(c, n) for c, n in cursor.fetchall()]
            cursor.execute(
                "SELECT t.id, t.date, t.kind, t.amount, t.currency, t.activity_id,"
                " a.title_vi, p.name"
                + where.replace(
                    " WHERE", " INNER JOIN partners_partner p ON p.id = t.provider_id WHERE", 1
                )
                + " ORDER BY t.date, t.id LIMIT %s",
                [*base, MISSING_LISTED],
            )
            result["listed"] = [r[0] for r in cursor.fetchall()]
    return result


BREAKDOWN_SQL = {
    # key, labels (Vietnamese, English), detail, joins, weight
    "sector": (
        "s.sector_id",
        ("x.name_vi", "x.name_en"),
        None,
        " LEFT OUTER JOIN aid_activitysector s ON s.activity_id = a.id"
        " LEFT OUTER JOIN aid_sector x ON x.id = s.sector_id",
        "COALESCE(s.weight, 10000)",
    ),
    "province": (
        "l.province_id",
        ("x.name", "x.name_en"),
        None,
        " LEFT OUTER JOIN aid_activitylocation l ON l.activity_id = a.id"
        " LEFT OUTER JOIN places_administrativeunit x ON x.id = l.province_id",
        "COALESCE(l.weight, 10000)",
    ),
    "unit": (
        "l.unit_id",
        ("x.name", "x.name_en"),
        "y.name",
        " LEFT OUTER JOIN aid_activitylocation l ON l.activity_id = a.id"
        " LEFT OUTER JOIN places_administrativeunit x ON x.id = l.unit_id"
        " LEFT OUTER JOIN places_administrativeunit y ON y.id = l.province_id",
        "COALESCE(l.weight, 10000)",
    ),
    "country": (
        "p.country_id",
        ("x.name_vi", "x.name_en"),
        None,
        " INNER JOIN partners_partner p ON p.id = t.provider_id"
        " LEFT OUTER JOIN places_country x ON x.id = p.country_id",
        None,
    ),
    "form": (
        "a.form_id",
        ("x.name_vi", "x.name_en"),
        None,
        " INNER JOIN aid_aidform x ON x.id = a.form_id",
        None,
    ),
    "mobiliser": (
        "a.mobilised_by_id",
        ("x.name_vi", "x.name_en"),
        None,
        " LEFT OUTER JOIN orgs_organization x ON x.id = a.mobilised_by_id",
        None,
    ),
}


def _unweigh(value) -> int:
    if not value:
        return 0
    return int((Decimal(value) / FULL).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def raw_breakdown(cursor, by, scope_path, period, earlier):
    key, label, detail, joins, weight = BREAKDOWN_SQL[by]
    value = f"t.vnd * {weight}" if weight else "t.vnd"
    sums, sum_params = _sums(value, period, earlier)
    group = [key, *label] + ([detail] if detail else [])
    sql = (
        "SELECT "
        + ", ".join([*group, *sums])
        + _from(scope_path, joins)
        + " GROUP BY "
        + ", ".join(group)
    )
    cursor.execute(sql, [*sum_params, *_where_params(scope_path, period, earlier)])
    rows = {}
    for row in cursor.fetchall():
        values = row[len(group) :]
        amounts = tuple(_unweigh(v) if weight else int(v or 0) for v in values)
        if any(amounts):
            rows[row[0]] = amounts
    return rows


def raw_figures(scope_path, root_id, period, earlier):
    totals = raw_totals(scope_path, root_id, period, earlier)
    with connection.cursor() as cursor:
        breakdowns = {
            by: raw_breakdown(cursor, by, scope_path, period, earlier) for by in PAGE_BREAKDOWNS
        }
    return totals, breakdowns


# ---------------------------------------------------------------------------------------
# the ORM results in the same shape


def orm_totals_shape(totals):
    return {
        "amounts": (
            totals.mobilised,
            totals.mobilised_earlier,
            totals.disbursed,
            totals.disbursed_earlier,
        ),
        "own": (totals.own_mobilised, totals.own_mobilised_earlier),
        "missing": (totals.missing.count, totals.missing.count_earlier),
        "currencies": totals.missing.currencies,
        "listed": [t.pk for t in totals.missing.transactions],
    }


def orm_breakdowns_shape(figures):
    return {
        by: {
            row.key: (row.mobilised, row.mobilised_earlier, row.disbursed, row.disbursed_earlier)
            for row in rows
        }
        for by, rows in figures.breakdowns.items()
    }


# ---------------------------------------------------------------------------------------


def half_to_measure() -> Period | None:
    """The last half-year that has ended (what a six-month report covers), or, when it holds
    no transaction, the half of the latest transaction."""
    today = timezone.localdate()
    ended = (
        Period.half(today.year, 2).year_earlier()
        if today.month <= 6
        else Period.half(today.year, 1)
    )
    if AidTransaction.objects.filter(date__gte=ended.start, date__lte=ended.end).exists():
        return ended
    last = AidTransaction.objects.filter(date__lte=today).aggregate(last=Max("date"))["last"]
    return Period.current_half(last) if last else None


def subjects(period: Period):
    """The union with the most transactions in the half (and its editor), and a national
    superuser held in memory only (nothing is written to the database)."""
    per_path = dict(
        AidTransaction.objects.filter(date__gte=period.start, date__lte=period.end)
        .order_by()
        .values_list("activity__organization__path")
        .annotate(n=Count("id"))
    )
    unions = Organization.objects.filter(
        kind=OrgKind.PROVINCIAL_UNION, depth=2, valid_to__isnull=True
    ).order_by("path")
    union = max(
        unions, key=lambda u: sum(n for path, n in per_path.items() if path.startswith(u.path))
    )
    editor = get_user_model().objects.get(username=f"{PREFIX}{union.code}_editor")
    national = get_user_model()(username="bench_national", is_superuser=True, is_active=True)
    vufo = Organization.objects.get(code=NATIONAL_CODE)
    return [
        (f"province ({union.code})", editor, union, union.path),
        ("whole country", national, vufo, None),
    ]


def ratio(timing, baseline) -> str:
    value = timing.median_ms / baseline.median_ms
    return f"{value:.2f}×" + ("" if value <= TARGET_RATIO else " (over target)")


def _cells(timing):
    return [ms(timing.median_ms), ms(timing.p95_ms)]


def _count_queries(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def compare(label, user, root, scope_path, period, *, runs):
    earlier = period.year_earlier()
    root_arg = root if scope_path else None

    def orm_totals():
        return aid_totals(actor=user, period=period, root=root_arg)

    def orm_figures():
        return aid_figures(actor=user, period=period, root=root_arg)

    def hand_totals():
        return raw_totals(scope_path, root.pk, period, earlier)

    def hand_figures():
        return raw_figures(scope_path, root.pk, period, earlier)

    totals = orm_totals()
    if orm_totals_shape(totals) != hand_totals():
        print(f"  !! {label}: aid_totals and the hand-written SQL disagree")
        print(f"     ORM {orm_totals_shape(totals)}")
        print(f"     SQL {hand_totals()}")
    figures = orm_figures()
    raw_breakdowns = hand_figures()[1]
    for by, rows in orm_breakdowns_shape(figures).items():
        if rows != raw_breakdowns[by]:
            print(f"  !! {label}: the {by} breakdown and the hand-written SQL disagree")
    t = measure_interleaved(
        {
            "totals": orm_totals,
            "raw_totals": hand_totals,
            "figures": orm_figures,
            "raw_figures": hand_figures,
        },
        runs=runs,
    )
    print(
        f"  {label}: mobilised {totals.mobilised:,} đ (a year earlier {totals.mobilised_earlier:,} đ,"
        f" {totals.mobilised_change} %), disbursed {totals.disbursed:,} đ; "
        f"{totals.missing.count} + {totals.missing.count_earlier} transactions without a rate"
    )
    return [
        [
            f"{label}: aid_totals",
            *_cells(t["totals"]),
            _count_queries(orm_totals),
            ratio(t["totals"], t["raw_totals"]),
        ],
        [f"{label}: SQL by hand", *_cells(t["raw_totals"]), "", "1.00×"],
        [
            f"{label}: aid_figures",
            *_cells(t["figures"]),
            _count_queries(orm_figures),
            ratio(t["figures"], t["raw_figures"]),
        ],
        [f"{label}: SQL by hand", *_cells(t["raw_figures"]), "", "1.00×"],
    ]


def plans(user, root, scope_path, period):
    earlier = period.year_earlier()
    with CaptureQueriesContext(connection) as captured:
        aid_totals(actor=user, period=period, root=root)
    aggregate = next(q["sql"] for q in captured if "SUM(" in q["sql"])
    print(f"  ORM totals plan: {plan(aggregate, None)}")
    sums, sum_params = _sums("t.vnd", period, earlier)
    raw = "SELECT " + ", ".join(sums) + _from(scope_path)
    print(
        f"  raw totals plan: {plan(raw, [*sum_params, *_where_params(scope_path, period, earlier)])}"
    )


def page(label, user, period, *, runs):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = reverse("aid_figures")
    params = {"period": period.code}
    response = client.get(url, params)
    if response.status_code != 200:
        print(f"  !! {url} answered {response.status_code} for {label}")
        return None
    n_queries = _count_queries(lambda: client.get(url, params))
    timing = measure("page", lambda: client.get(url, params), runs=runs, warmup=3)
    return [label, *_cells(timing), n_queries, f"{len(response.content) // 1024} KiB"]


def national_page(period, *, runs):
    """The page for a national viewer made for the measurement and rolled back after it."""
    with transaction.atomic():
        user = get_user_model().objects.create(username="bench_aid_national_viewer")
        Role.objects.create(
            user=user,
            organization=Organization.objects.get(code=NATIONAL_CODE),
            role=RoleKind.VIEWER,
        )
        row = page("whole country (national viewer)", user, period, runs=runs)
        transaction.set_rollback(True)
    return row


def run(runs: int = 50) -> None:
    if not AidTransaction.objects.exists():
        print("  no aid transactions: run generate_scale (huunghi/aid/scale.py) first")
        return
    period = half_to_measure()
    print(
        f"period: {period.label} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}), "
        f"against {period.year_earlier().label}; "
        f"{AidTransaction.objects.count():,} transactions in the database"
    )
    rows = []
    cases = subjects(period)
    for label, user, root, scope_path in cases:
        if user.pk:
            visibility.user_grants(user)  # cached, as within one request
        rows += compare(label, user, root, scope_path, period, runs=runs)
    print(
        f"(1) aid_totals and (2) aid_figures against hand-written SQL, {runs} runs each, "
        f"interleaved; target within {TARGET_RATIO:.0f}×"
    )
    print_table(["", "median", "p95", "queries", "vs SQL"], rows)
    label, user, root, scope_path = cases[0]
    plans(user, root, scope_path, period)
    page_rows = [
        page(cases[0][0], cases[0][1], period, runs=runs),
        national_page(period, runs=runs),
    ]
    print(f"(3) GET {reverse('aid_figures')}?period={period.code} through django.test.Client")
    print_table(
        ["", "median", "p95", "queries", "size"], [row for row in page_rows if row is not None]
    )
