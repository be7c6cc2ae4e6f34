"""Visibility rule: visible_to against hand-written SQL; the organisations admin list.

On the national data set, for a provincial editor (of the union with most organisations)
and an association editor (of its association with most chapters):
(a) ``Organization.objects.visible_to(user, "view")`` as a list of ids and a count, with the
    user's roles already cached on the user object, and with them read first as on every
    request;
(b) the same queries written by hand in SQL (roles known in advance, or read by hand too);
    the same filter written with the ORM by hand is shown as well, to tell the ORM's own
    cost from the rule's;
(c) ``/admin/organizations/`` through ``django.test.Client``: latency and queries per request.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.timing import measure, measure_interleaved, ms, print_table
from huunghi.orgs import visibility
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization, Role
from huunghi.orgs.scale import PREFIX

TARGET_RATIO = 2.0
IDS_SQL = "SELECT id FROM orgs_organization WHERE deleted_at IS NULL AND ({where}) ORDER BY path"
COUNT_SQL = "SELECT COUNT(*) FROM orgs_organization WHERE deleted_at IS NULL AND ({where})"


def subjects():
    """(label, user) for the provincial editor of the union with the most organisations
    under it and the editor of its association with the most chapters."""
    unions = Organization.objects.filter(
        kind=OrgKind.PROVINCIAL_UNION, depth=2, valid_to__isnull=True
    ).order_by("-numchild", "path")
    union = unions.first()
    assoc = (
        Organization.objects.filter(
            path__startswith=union.path, kind=OrgKind.ASSOCIATION, code__startswith=PREFIX
        )
        .order_by("-numchild", "path")
        .first()
    )
    User = get_user_model()
    return [
        (
            f"provincial editor ({union.code})",
            User.objects.get(username=f"{PREFIX}{union.code}_editor"),
        ),
        (f"association editor ({assoc.code})", User.objects.get(username=f"{assoc.code}_editor")),
    ]


def orm_ids_and_count(user, *, fresh: bool):
    if fresh:
        visibility.clear_cache(user)
    qs = Organization.objects.visible_to(user, "view")
    return list(qs.values_list("id", flat=True)), qs.count()


def ratio(timing, baseline) -> str:
    value = timing.median_ms / baseline.median_ms
    return f"{value:.2f}×" + ("" if value <= TARGET_RATIO else " (over target)")


def plain_orm_ids_and_count(paths: list[str]):
    """The same filter written with the ORM by hand: separates the ORM's own cost from the
    rule's."""
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    qs = Organization.objects.filter(condition, deleted_at__isnull=True)
    return list(qs.values_list("id", flat=True)), qs.count()


def raw_ids_and_count(paths: list[str]):
    where = " OR ".join(["path LIKE %s"] * len(paths))
    params = [f"{p}%" for p in paths]
    with connection.cursor() as cursor:
        cursor.execute(IDS_SQL.format(where=where), params)
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(COUNT_SQL.format(where=where), params)
        count = cursor.fetchone()[0]
    return ids, count


ROLES_SQL = (
    "SELECT DISTINCT o.path FROM orgs_role r JOIN orgs_organization o ON o.id = r.organization_id"
    " WHERE r.user_id = %s AND r.deleted_at IS NULL AND o.deleted_at IS NULL"
    " AND (r.valid_from IS NULL OR r.valid_from <= %s) AND (r.valid_to IS NULL OR r.valid_to >= %s)"
)


def raw_roles_ids_and_count(user_id: int):
    """(b) with the user's role paths read by hand too, as (a) reads them on each request."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(ROLES_SQL, [user_id, today, today])
        paths = [row[0] for row in cursor.fetchall()]
    return raw_ids_and_count(paths)


def hand_paths(user) -> list[str]:
    """The user's role paths, looked up once outside the timed part."""
    return sorted(
        set(
            Role.objects.filter(user=user, deleted_at__isnull=True).values_list(
                "organization__path", flat=True
            )
        )
    )


def plan(sql: str, params) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    text = [str(row[-1]).strip() for row in rows]
    return " / ".join(t.split("  (cost")[0] for t in text[:5])


def queries(subjects_, *, runs: int):
    rows = []
    for label, user_ in subjects_:
        paths = hand_paths(user_)
        orm_ids, orm_count = orm_ids_and_count(user_, fresh=True)
        raw_ids, raw_count = raw_ids_and_count(paths)
        if orm_ids != raw_ids or orm_count != raw_count:
            print(f"  !! {label}: visible_to and the hand-written SQL disagree")
        t = measure_interleaved(
            {
                "fresh": lambda u=user_: orm_ids_and_count(u, fresh=True),
                "cached": lambda u=user_: orm_ids_and_count(u, fresh=False),
                "raw": lambda p=paths: raw_ids_and_count(p),
                "plain": lambda p=paths: plain_orm_ids_and_count(p),
                "raw_roles": lambda u=user_: raw_roles_ids_and_count(u.pk),
            },
            runs=runs,
        )
        fresh, cached, raw, raw_roles = t["fresh"], t["cached"], t["raw"], t["raw_roles"]
        plain = t["plain"]
        rows.append([f"{label}: {raw_count} rows", "", "", ""])
        rows += [
            ["  roles cached on the user (2 queries)", "", "", ""],
            ["    (a) visible_to", ms(cached.median_ms), ms(cached.p95_ms), ratio(cached, raw)],
            ["    (b) hand-written SQL", ms(raw.median_ms), ms(raw.p95_ms), "1.00×"],
            [
                "    (ORM filter by hand, no rule)",
                ms(plain.median_ms),
                ms(plain.p95_ms),
                ratio(plain, raw),
            ],
            ["  roles read first, as per request (3 queries)", "", "", ""],
            ["    (a) visible_to", ms(fresh.median_ms), ms(fresh.p95_ms), ratio(fresh, raw_roles)],
            ["    (b) hand-written SQL", ms(raw_roles.median_ms), ms(raw_roles.p95_ms), "1.00×"],
        ]
    print(
        f"(a)/(b) list of ids + count, {runs} runs each, interleaved, after warm-up; "
        f"target within {TARGET_RATIO:.0f}×"
    )
    print_table(["", "median", "p95", "vs (b)"], rows)


def plans(subjects_):
    label, user = subjects_[0]
    qs = Organization.objects.visible_to(user, "view").values_list("id", flat=True)
    sql, params = qs.query.sql_with_params()
    print(f"query plans ({label}):")
    print(f"  ORM SQL: {sql}")
    print(f"  ORM plan: {plan(sql, params)}")
    paths = hand_paths(user)
    where = " OR ".join(["path LIKE %s"] * len(paths))
    print(f"  raw plan: {plan(IDS_SQL.format(where=where), [f'{p}%' for p in paths])}")


def admin_list(subjects_, *, runs: int):
    rows = []
    for label, user in subjects_:
        client = Client()
        client.force_login(user)
        response = client.get("/admin/organizations/")
        if response.status_code != 200:
            print(f"  !! {label}: /admin/organizations/ answered {response.status_code}")
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get("/admin/organizations/")
        # Read now: the next request clears the log the context reads from.
        n_queries = len(captured)
        timing = measure(
            "page", lambda c=client: c.get("/admin/organizations/"), runs=runs, warmup=3
        )
        rows.append(
            [
                label,
                ms(timing.median_ms),
                ms(timing.p95_ms),
                n_queries,
                f"{len(response.content) // 1024} KiB",
            ]
        )
    print(f"(c) GET /admin/organizations/ through django.test.Client, {runs} runs after warm-up")
    print_table(["", "median", "p95", "queries", "size"], rows)


def run(runs: int = 50) -> None:
    subjects_ = subjects()
    queries(subjects_, runs=runs)
    plans(subjects_)
    admin_list(subjects_, runs=runs)
