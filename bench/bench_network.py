"""Friendship network: the member list and the growth count against hand-written SQL.

On the national data set, for the editor of the provincial union with the most members:
(1) the member list as the Membership admin list runs it (the visibility rule, the status
    filter "active", a search by a given-name word, ordered as the viewset orders, the first
    page of 20 and the count the paginator asks for) through the ORM, against the same two
    queries written by hand in SQL; then ``GET /admin/memberships/`` itself through
    ``django.test.Client``: latency and queries per request, filtered and unfiltered;
(2) ``network_growth`` for the union over ten years (counts on 31 December of each year)
    against the same queries written by hand.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.bench_visibility import plan
from bench.timing import measure, measure_interleaved, ms, print_table
from huunghi.core.text import normalise
from huunghi.network.choices import COUNTED_STATUSES, MemberStatus
from huunghi.network.models import Membership
from huunghi.network.selectors import network_growth
from huunghi.network.viewsets import MembershipViewSet
from huunghi.orgs import visibility
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import PREFIX

TARGET_RATIO = 2.0
PAGE = 20  # Wagtail's index views show 20 rows a page
STATUS = MemberStatus.ACTIVE
WORD = "Hương"

# ---------------------------------------------------------------------------------------
# (1) the member list

FROM_WHERE = (
    " FROM network_membership m"
    " INNER JOIN orgs_organization o ON o.id = m.organization_id"
    "{person_join}"
    " WHERE m.deleted_at IS NULL AND o.path LIKE %s AND m.status = %s AND m.search_text LIKE %s"
)
PAGE_SQL = (
    "SELECT m.*, p.*, o.*"
    + FROM_WHERE.format(person_join=" LEFT OUTER JOIN people_person p ON p.id = m.person_id")
    + " ORDER BY o.path, p.sort_key, m.id LIMIT %s"
)
COUNT_SQL = "SELECT COUNT(*)" + FROM_WHERE.format(person_join="")


def subject():
    """The union with the most memberships in its subtree, and its editor."""
    per_org = dict(
        Membership.objects.order_by()
        .values_list("organization__path")
        .annotate(n=Count("id"))
        .values_list("organization__path", "n")
    )
    unions = Organization.objects.filter(
        kind=OrgKind.PROVINCIAL_UNION, depth=2, valid_to__isnull=True
    ).order_by("path")
    union = max(
        unions, key=lambda u: sum(n for path, n in per_org.items() if path.startswith(u.path))
    )
    user = get_user_model().objects.get(username=f"{PREFIX}{union.code}_editor")
    return union, user


def orm_member_page(user, *, status=STATUS, query=WORD):
    """The admin list's queryset (``ScopedIndexView``): scoped, related rows joined, filtered,
    searched word by word in ``search_text``, ordered as the viewset says; the count and the
    first page, as the paginator asks for them."""
    # as ScopedIndexView.get_base_queryset: Wagtail's base queryset & the permission policy's
    qs = Membership.objects.all() & Membership.objects.visible_to(user, "view")
    qs = qs.select_related(*MembershipViewSet.list_select_related)
    qs = qs.filter(status=status)
    for word in normalise(query).split():
        qs = qs.filter(search_text__contains=word)
    qs = qs.order_by(*MembershipViewSet.ordering)
    return qs.count(), list(qs[:PAGE])


def raw_member_page(paths: list[str], *, status=STATUS, query=WORD):
    (path,) = paths  # one union: one prefix
    params = [f"{path}%", status, f"%{normalise(query)}%"]
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, params)
        count = cursor.fetchone()[0]
        cursor.execute(PAGE_SQL, [*params, PAGE])
        rows = cursor.fetchall()
    return count, rows


def ratio(timing, baseline) -> str:
    value = timing.median_ms / baseline.median_ms
    return f"{value:.2f}×" + ("" if value <= TARGET_RATIO else " (over target)")


def member_list(union, user, *, runs: int):
    paths = visibility.scope_paths(user)
    orm_count, orm_rows = orm_member_page(user)
    raw_count, raw_rows = raw_member_page(paths)
    visible = Membership.objects.visible_to(user).count()
    if orm_count != raw_count or [m.pk for m in orm_rows] != [r[0] for r in raw_rows]:
        print("  !! the ORM and the hand-written SQL disagree")
    t = measure_interleaved(
        {"orm": lambda: orm_member_page(user), "raw": lambda: raw_member_page(paths)}, runs=runs
    )
    print(
        f"(1) member list of {union.code}: {visible} memberships visible, {orm_count} active "
        f"matching “{WORD}”, first page of {len(orm_rows)}; count + page, {runs} runs each, "
        f"interleaved; target within {TARGET_RATIO:.0f}×"
    )
    print_table(
        ["", "median", "p95", "vs SQL"],
        [
            [
                "ORM (visible_to, filter, search, order)",
                *_cells(t["orm"]),
                ratio(t["orm"], t["raw"]),
            ],
            ["hand-written SQL", *_cells(t["raw"]), "1.00×"],
        ],
    )
    with CaptureQueriesContext(connection) as captured:
        orm_member_page(user)
    orm_sql = [q["sql"] for q in captured]
    raw_params = [f"{paths[0]}%", STATUS, f"%{normalise(WORD)}%"]
    for label, sql in zip(("count", "page"), orm_sql, strict=True):
        print(f"  ORM {label} plan: {plan(sql, None)}")
    print(f"  raw count plan: {plan(COUNT_SQL, raw_params)}")
    print(f"  raw page plan: {plan(PAGE_SQL, [*raw_params, PAGE])}")
    return orm_sql


def _cells(timing):
    return [ms(timing.median_ms), ms(timing.p95_ms)]


def admin_page(user, orm_sql: list[str], *, runs: int):
    # A failing page is reported, not raised, so that the growth figures still follow.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = reverse("memberships:index")
    rows = []
    for label, params in (
        (f"status active, search “{WORD}”", {"status": STATUS, "q": WORD}),
        ("no filter, no search", {}),
    ):
        response = client.get(url, params)
        if response.status_code != 200:
            print(f"  !! {url} answered {response.status_code}")
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        n_queries = len(captured)  # read now: the next request clears the log
        if params and not set(orm_sql) <= {q["sql"] for q in captured}:
            print("  !! the page does not run the ORM queries timed in (1)")
        timing = measure("page", lambda p=params: client.get(url, p), runs=runs, warmup=3)
        rows.append([label, *_cells(timing), n_queries, f"{len(response.content) // 1024} KiB"])
    print(f"(1) GET {url} through django.test.Client, {runs} runs after warm-up")
    print_table(["", "median", "p95", "queries", "size"], rows)


# ---------------------------------------------------------------------------------------
# (2) the growth count

ROOT_SQL = "SELECT 1 FROM orgs_organization WHERE deleted_at IS NULL AND path LIKE %s AND id = %s"
COUNTED = ", ".join(f"'{s}'" for s in COUNTED_STATUSES)
OPEN_ORG = "(valid_from IS NULL OR valid_from <= %s) AND (valid_to IS NULL OR valid_to >= %s)"
OPEN_PERIOD = "mp.valid_from <= %s AND (mp.valid_to IS NULL OR mp.valid_to > %s)"


def raw_growth(root: Organization, paths: list[str], years: list[int], today: datetime.date):
    """The same counts by hand: every year-end at once, one query per table."""
    (scope,) = paths
    ends = [min(datetime.date(year, 12, 31), today) for year in years]
    like = f"{root.path}%"
    orgs_sql = (
        "SELECT "
        + ", ".join(
            f"COUNT(CASE WHEN kind = '{kind}' AND {OPEN_ORG} THEN 1 END)"
            for _end in ends
            for kind in ("association", "chapter")
        )
        + " FROM orgs_organization WHERE path LIKE %s AND deleted_at IS NULL"
        " AND kind IN ('association', 'chapter')"
    )
    members_sql = (
        "SELECT "
        + ", ".join([f"COUNT(CASE WHEN {OPEN_PERIOD} THEN 1 END)"] * len(ends))
        + " FROM network_membershipperiod mp"
        " INNER JOIN network_membership m ON m.id = mp.membership_id"
        " INNER JOIN orgs_organization o ON o.id = m.organization_id"
        " WHERE mp.deleted_at IS NULL AND m.deleted_at IS NULL AND o.path LIKE %s"
        f" AND mp.status IN ({COUNTED})"
    )
    joined_sql = (
        "SELECT "
        + ", ".join(["COUNT(CASE WHEN m.joined_on BETWEEN %s AND %s THEN 1 END)"] * len(years))
        + " FROM network_membership m"
        " INNER JOIN orgs_organization o ON o.id = m.organization_id"
        " WHERE m.deleted_at IS NULL AND o.path LIKE %s AND m.transferred_from_id IS NULL"
        " AND m.joined_on BETWEEN %s AND %s"
    )
    first, last = datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)
    with connection.cursor() as cursor:
        cursor.execute(ROOT_SQL, [f"{scope}%", root.pk])
        if cursor.fetchone() is None:
            raise LookupError(root)
        cursor.execute(orgs_sql, [d for end in ends for d in (end, end) * 2] + [like])
        orgs = cursor.fetchone()
        cursor.execute(members_sql, [d for end in ends for d in (end, end)] + [like])
        members = cursor.fetchone()
        params = [d for y in years for d in (datetime.date(y, 1, 1), datetime.date(y, 12, 31))]
        cursor.execute(joined_sql, [*params, like, first, last])
        joined = cursor.fetchone()
    return [
        (year, orgs[2 * i], orgs[2 * i + 1], members[i], joined[i]) for i, year in enumerate(years)
    ]


def growth(union, user, *, runs: int):
    from django.utils import timezone

    today = timezone.localdate()
    years = list(range(today.year - 9, today.year + 1))
    paths = visibility.scope_paths(user)
    orm = network_growth(actor=user, root=union, years=years)["rows"]
    orm_rows = [
        (r["year"], r["associations"], r["chapters"], r["members"], r["joined"]) for r in orm
    ]
    raw_rows = raw_growth(union, paths, years, today)
    if orm_rows != raw_rows:
        print("  !! network_growth and the hand-written SQL disagree")
    t = measure_interleaved(
        {
            "orm": lambda: network_growth(actor=user, root=union, years=years),
            "raw": lambda: raw_growth(union, paths, years, today),
        },
        runs=runs,
    )
    print(
        f"(2) network_growth of {union.code}, {years[0]}–{years[-1]} (4 queries: the scope "
        f"check, then one per table for all the years), {runs} runs each, interleaved; target within "
        f"{TARGET_RATIO:.0f}×"
    )
    print_table(
        ["", "median", "p95", "vs SQL"],
        [
            ["network_growth (ORM)", *_cells(t["orm"]), ratio(t["orm"], t["raw"])],
            ["hand-written SQL", *_cells(t["raw"]), "1.00×"],
        ],
    )
    print_table(
        ["year", "associations", "chapters", "members", "joined"],
        [[str(c) for c in row] for row in orm_rows],
    )


def run(runs: int = 50) -> None:
    union, user = subject()
    visibility.user_grants(user)  # cached on the user, as within one request
    orm_sql = member_list(union, user, runs=runs)
    admin_page(user, orm_sql, runs=runs)
    growth(union, user, runs=runs)
