"""Aid activity list: province, year and sector filters against hand-written SQL; the page.

On the national data set (``huunghi/aid/scale.py``: 100,000 activities), for the editor of
the provincial union with the most activities in its subtree:
(1) the list as the admin list runs it — ``AidActivity.objects.all() & visible_to(editor)``
    (the editor's scope is the province's union and its subtree), the province filter (the
    union's subtree again, as the filter form sends it), the year (planned dates that
    overlap it: start on or before 31 December, end on or after 1 January, an empty date
    counting as open), the sector (an activity with a share in it), ``select_related`` of
    the organisation and the form of aid, ordered as the model's ``Meta.ordering``
    (``-planned_start, -id``); the count the paginator asks for and the first page of 50 —
    in two ORM forms (the sector through a join with DISTINCT, as a django-filter
    ``ModelChoiceFilter(field_name="sectors__sector", distinct=True)`` writes it, and through
    ``Exists``), against the same two statements written by hand (``EXISTS``);
(2) the admin list page itself with the same filters through ``django.test.Client`` when
    its URL exists: median, p95 and queries per request.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench.bench_visibility import plan
from bench.timing import measure, measure_interleaved, ms, print_table
from huunghi.aid.models import ActivitySector, AidActivity, Sector
from huunghi.orgs import visibility
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import PREFIX

TARGET_RATIO = 2.0
PAGE = 50
YEAR = 2024
SECTOR = "health"
#: where the list may be: the snippet default, then the namespace the viewset sets
LIST_URL_NAMES = ("wagtailsnippets_aid_aidactivity:list", "aid_activities:list")

FROM_WHERE = (
    " FROM aid_aidactivity a"
    " INNER JOIN orgs_organization o ON o.id = a.organization_id"
    "{form_join}"
    " WHERE a.deleted_at IS NULL AND o.path LIKE %s"
    " AND (a.planned_start IS NULL OR a.planned_start <= %s)"
    " AND (a.planned_end IS NULL OR a.planned_end >= %s)"
    " AND {sector}"
)
#: the sector condition written two ways by hand: a semi-join (IN) and a correlated EXISTS
SECTOR_SQL = {
    "IN": "a.id IN (SELECT s.activity_id FROM aid_activitysector s WHERE s.sector_id = %s)",
    "EXISTS": "EXISTS (SELECT 1 FROM aid_activitysector s"
    " WHERE s.activity_id = a.id AND s.sector_id = %s)",
}


def count_sql(form: str) -> str:
    return "SELECT COUNT(*)" + FROM_WHERE.format(form_join="", sector=SECTOR_SQL[form])


def page_sql(form: str) -> str:
    return (
        "SELECT a.*, o.*, f.*"
        + FROM_WHERE.format(
            form_join=" INNER JOIN aid_aidform f ON f.id = a.form_id", sector=SECTOR_SQL[form]
        )
        + " ORDER BY a.planned_start DESC, a.id DESC LIMIT %s"
    )


def subject():
    """The union with the most activities in its subtree, and its editor."""
    per_path = dict(
        AidActivity.objects.order_by()
        .values_list("organization__path")
        .annotate(n=Count("id"))
        .values_list("organization__path", "n")
    )
    unions = Organization.objects.filter(
        kind=OrgKind.PROVINCIAL_UNION, depth=2, valid_to__isnull=True
    ).order_by("path")
    union = max(
        unions, key=lambda u: sum(n for path, n in per_path.items() if path.startswith(u.path))
    )
    user = get_user_model().objects.get(username=f"{PREFIX}{union.code}_editor")
    return union, user


def _year_q(year: int) -> Q:
    # as the list's year filter: planned dates overlapping the year, empty ones open
    return Q(Q(planned_start__year__lte=year) | Q(planned_start__isnull=True)) & Q(
        Q(planned_end__year__gte=year) | Q(planned_end__isnull=True)
    )


def _base(user, union):
    # as ScopedIndexView.get_base_queryset: Wagtail's base queryset & the permission policy's
    qs = AidActivity.objects.all() & AidActivity.objects.visible_to(user, "view")
    return qs.select_related("organization", "form").filter(
        _year_q(YEAR), organization__path__startswith=union.path
    )


def orm_join(user, union, sector):
    """The sector through the join, with DISTINCT (django-filter's ``distinct=True``)."""
    qs = _base(user, union).filter(sectors__sector=sector).distinct()
    qs = qs.order_by(*AidActivity._meta.ordering)
    return qs.count(), list(qs[:PAGE])


def orm_exists(user, union, sector):
    """The sector through ``Exists``: no duplicates to remove."""
    has_sector = ActivitySector.objects.filter(activity=OuterRef("pk"), sector=sector)
    qs = _base(user, union).filter(Exists(has_sector)).order_by(*AidActivity._meta.ordering)
    return qs.count(), list(qs[:PAGE])


def _params(path: str, sector_id: int):
    first, last = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    return [f"{path}%", last, first, sector_id]


def raw_page(path: str, sector_id: int, form: str = "IN"):
    params = _params(path, sector_id)
    with connection.cursor() as cursor:
        cursor.execute(count_sql(form), params)
        count = cursor.fetchone()[0]
        cursor.execute(page_sql(form), [*params, PAGE])
        rows = cursor.fetchall()
    return count, rows


def short_plan(sql: str, params) -> str:
    """The plan's first steps, each cut short (PostgreSQL lists every sort key)."""
    steps = plan(sql, params).split(" / ")
    return " / ".join(step if len(step) <= 120 else step[:117] + "…" for step in steps)


def ratio(timing, baseline) -> str:
    value = timing.median_ms / baseline.median_ms
    return f"{value:.2f}×" + ("" if value <= TARGET_RATIO else " (over target)")


def _cells(timing):
    return [ms(timing.median_ms), ms(timing.p95_ms)]


def activity_list(union, user, sector, *, runs: int):
    (scope,) = visibility.scope_paths(user)
    results = {
        "join": orm_join(user, union, sector),
        "exists": orm_exists(user, union, sector),
        "IN": raw_page(scope, sector.pk, "IN"),
        "EXISTS": raw_page(scope, sector.pk, "EXISTS"),
    }
    raw_count, raw_rows = results["IN"]
    for label, (count, rows) in results.items():
        ids = [row.pk if isinstance(row, AidActivity) else row[0] for row in rows]
        if count != raw_count or ids != [r[0] for r in raw_rows]:
            print(f"  !! {label} and the hand-written SQL (IN) disagree")
    queries = {}
    for label, func in (("join", orm_join), ("exists", orm_exists)):
        with CaptureQueriesContext(connection) as captured:
            func(user, union, sector)
        queries[label] = [q["sql"] for q in captured]
    visible = AidActivity.objects.visible_to(user).count()
    t = measure_interleaved(
        {
            "join": lambda: orm_join(user, union, sector),
            "exists": lambda: orm_exists(user, union, sector),
            "IN": lambda: raw_page(scope, sector.pk, "IN"),
            "EXISTS": lambda: raw_page(scope, sector.pk, "EXISTS"),
        },
        runs=runs,
    )
    best = min(("IN", "EXISTS"), key=lambda form: t[form].median_ms)
    print(
        f"(1) activity list of {union.code}: {visible} activities visible, {raw_count} with "
        f"planned dates in {YEAR} and a share in “{sector.name_vi}”, first page of "
        f"{len(raw_rows)}; count + page (2 queries each), {runs} runs each, interleaved; "
        f"target within {TARGET_RATIO:.0f}× of the faster hand-written SQL ({best})"
    )
    print_table(
        ["", "median", "p95", "queries", "vs SQL"],
        [
            [
                "ORM, sector by join + DISTINCT (the list's filter)",
                *_cells(t["join"]),
                len(queries["join"]),
                ratio(t["join"], t[best]),
            ],
            [
                "ORM, sector by Exists",
                *_cells(t["exists"]),
                len(queries["exists"]),
                ratio(t["exists"], t[best]),
            ],
            ["hand-written SQL, sector IN (…)", *_cells(t["IN"]), 2, ratio(t["IN"], t[best])],
            [
                "hand-written SQL, EXISTS (…)",
                *_cells(t["EXISTS"]),
                2,
                ratio(t["EXISTS"], t[best]),
            ],
        ],
    )
    raw_params = _params(scope, sector.pk)
    for label in ("join", "exists"):
        for part, sql in zip(("count", "page"), queries[label], strict=True):
            print(f"  ORM ({label}) {part} plan: {short_plan(sql, None)}")
    for form in ("IN", "EXISTS"):
        print(f"  raw ({form}) count plan: {short_plan(count_sql(form), raw_params)}")
        print(f"  raw ({form}) page plan: {short_plan(page_sql(form), [*raw_params, PAGE])}")


def list_url() -> str | None:
    for name in LIST_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def admin_page(union, user, sector, *, runs: int):
    url = list_url()
    if url is None:
        print(
            f"(2) the aid activity list has no URL yet ({' / '.join(LIST_URL_NAMES)} do not "
            "resolve): page timing skipped"
        )
        return
    # A failing page is reported, not raised.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    rows = []
    for label, params in (
        (
            f"province, year {YEAR}, sector",
            {"province": union.pk, "year": YEAR, "sector": sector.pk},
        ),
        ("no filter", {}),
    ):
        response = client.get(url, params)
        if response.status_code != 200:
            print(f"  !! {url} answered {response.status_code}")
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        # read now: the next request clears the log
        ran = list(captured)
        list_ms = sum(float(q["time"]) for q in ran if '"aid_aidactivity"' in q["sql"]) * 1000
        timing = measure("page", lambda p=params: client.get(url, p), runs=runs, warmup=3)
        rows.append(
            [
                label,
                *_cells(timing),
                len(ran),
                ms(list_ms),
                f"{len(response.content) // 1024} KiB",
            ]
        )
    print(f"(2) GET {url} through django.test.Client, {runs} runs after warm-up")
    print_table(["", "median", "p95", "queries", "activity SQL (once)", "size"], rows)


def run(runs: int = 50) -> None:
    if not AidActivity.objects.filter(reference__startswith=PREFIX).exists():
        print("no generated aid activities: run generate_scale first")
        return
    union, user = subject()
    sector = Sector.objects.get(code=SECTOR)
    visibility.user_grants(user)  # cached on the user, as within one request
    activity_list(union, user, sector, runs=runs)
    admin_page(union, user, sector, runs=runs)
