"""Synthetic data at the scale of the whole country, for benchmarks (``manage.py
generate_scale``).

``scale_generate(size, seed)`` builds on the real national structure (``structure_load``)
and runs the registered steps in order. Each app may contribute steps in its own
``scale.py`` with ``@register(order=…)``; a step receives a ``ScaleContext`` (the size, a
random generator per step, a place to count what it created) and must be idempotent: it
plans everything from the seed first, then creates only what is missing, so a second run
with the same size and seed creates nothing. Every code and user name starts with
``scale_`` so that synthetic rows are never mistaken for real ones.

Rows are written with ``bulk_create``: nothing goes through ``save()``, so no audit entry is
written and ``search_text`` is computed here. Tree nodes get their materialised path from
``TreeAppender`` (treebeard's ``add_child`` costs several queries per node).
"""

import datetime
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from huunghi.places.models import AdministrativeUnit, CodeSystem, Country, UnitLevel

from .choices import OrgKind, RoleKind
from .models import Organization, Role
from .structure import structure_load

PREFIX = "scale_"
BATCH = 500

#: the window validity dates are drawn from (ten years of history)
START = datetime.date(2016, 1, 1)
END = datetime.date(2026, 6, 30)


@dataclass(frozen=True)
class ScaleSize:
    """How much to create. Steps added later read their own targets from ``extra``."""

    name: str
    associations: int
    associations_per_union: tuple[int, int]
    chapters: int
    chapters_per_association: tuple[int, int]
    extra: Mapping[str, Any] = field(default_factory=dict)


SIZES: dict[str, ScaleSize] = {
    "small": ScaleSize(
        name="small",
        associations=60,
        associations_per_union=(1, 3),
        chapters=300,
        chapters_per_association=(0, 10),
    ),
    "national": ScaleSize(
        name="national",
        associations=600,
        associations_per_union=(8, 40),
        chapters=3000,
        chapters_per_association=(0, 20),
    ),
}


@dataclass
class ScaleContext:
    """What a step gets: the size, the seed, and where to report what it created."""

    size: ScaleSize
    seed: int
    log: Callable[[str], None] = lambda message: None
    created: Counter = field(default_factory=Counter)
    #: for steps to hand data to later steps of the same run
    data: dict[str, Any] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each step, so a step's plan does not change when
        another step draws more or fewer numbers."""
        return random.Random(f"{self.seed}:{self.size.name}:{name}")


@dataclass
class StepResult:
    name: str
    created: dict[str, int]
    seconds: float


@dataclass
class ScaleResult:
    size: str
    seed: int
    steps: list[StepResult]

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    @property
    def created(self) -> dict[str, int]:
        total: Counter = Counter()
        for step in self.steps:
            total.update(step.created)
        return dict(total)


_steps: list[tuple[int, str, Callable[[ScaleContext], None]]] = []


def register(order: int):
    """Register ``func(ctx)`` as a step of ``scale_generate``; lower orders run first."""

    def decorator(func):
        _steps.append((order, f"{func.__module__}.{func.__name__}", func))
        return func

    return decorator


_summaries: dict[str, Callable[[], dict[str, dict[str, int]]]] = {}


def summary(func):
    """Register ``func() -> {group: {name: count}}``: what an app's steps made, added to
    ``scale_summary``."""
    _summaries[f"{func.__module__}.{func.__name__}"] = func
    return func


def steps() -> list[tuple[str, Callable[[ScaleContext], None]]]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("scale")
    seen: dict[str, tuple[int, Callable]] = {}
    for order, name, func in sorted(_steps, key=lambda s: (s[0], s[1])):
        seen.setdefault(name, (order, func))
    return [(name, func) for name, (_order, func) in seen.items()]


def scale_generate(size: str, seed: int = 1, *, log: Callable[[str], None] | None = None):
    """Create (or complete) the synthetic data set ``size`` ("small" or "national").

    Each step runs in its own transaction. Returns what each step created and how long
    it took.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    ctx = ScaleContext(size=SIZES[size], seed=seed, log=log or (lambda message: None))
    results = []
    for name, func in steps():
        before = Counter(ctx.created)
        started = time.perf_counter()
        with transaction.atomic():
            func(ctx)
        seconds = time.perf_counter() - started
        created = {k: v - before[k] for k, v in ctx.created.items() if v != before[k]}
        results.append(StepResult(name=name.rsplit(".", 1)[-1], created=created, seconds=seconds))
        ctx.log(f"{results[-1].name}: {created or 'nothing new'} in {seconds:.2f} s")
    return ScaleResult(size=size, seed=seed, steps=results)


def scale_summary() -> dict[str, dict[str, int]]:
    """What the database holds now: organisations by kind, synthetic users, roles by kind,
    then what the apps' ``@summary`` functions report."""
    orgs = dict(
        Organization.objects.filter(deleted_at__isnull=True)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    closed = Organization.objects.filter(
        deleted_at__isnull=True, valid_to__lt=timezone.localdate()
    ).count()
    users = get_user_model().objects.filter(username__startswith=PREFIX).count()
    roles = dict(
        Role.objects.filter(deleted_at__isnull=True, user__username__startswith=PREFIX)
        .order_by()
        .values_list("role")
        .annotate(n=Count("id"))
    )
    result = {
        "organisations": {**orgs, "total": sum(orgs.values()), "closed": closed},
        "users": {"scale_*": users},
        "roles": {**roles, "total": sum(roles.values())},
    }
    steps()  # discovers the apps' scale modules, and with them their summaries
    for _name, func in sorted(_summaries.items()):
        result.update(func())
    return result


def tree_problems() -> dict[str, list[int]]:
    """treebeard's consistency check of the whole tree; only the non-empty lists."""
    names = ("evil_chars", "bad_steplen", "orphans", "wrong_depth", "wrong_numchild")
    return {n: ids for n, ids in zip(names, Organization.find_problems(), strict=True) if ids}


# ---------------------------------------------------------------------------------------
# Helpers other steps may use


class TreeAppender:
    """Append many nodes to the organisation tree with ``bulk_create``.

    Paths follow treebeard's MP_Node: a child's path is its parent's path followed by a
    step of ``steplen`` characters of ``alphabet`` (base 36, zero-padded), the first child
    being step 1 and each next child the last one plus one; ``numchild`` counts the children.
    """

    def __init__(self, model=Organization):
        self.model = model
        self.steplen = model.steplen
        self._last: dict[str, int] = {}
        for path in model.objects.order_by().values_list("path", flat=True):
            parent = path[: -self.steplen]
            step = model._str2int(path[-self.steplen :])
            if step > self._last.get(parent, 0):
                self._last[parent] = step
        self._new: list = []
        self._new_by_path: dict[str, Any] = {}
        self._grown: Counter = Counter()

    def append(self, parent_path: str, node):
        """Place ``node`` as the last child of the node at ``parent_path``; returns it."""
        step = self._last.get(parent_path, 0) + 1
        key = self.model._int2str(step)
        if len(key) > self.steplen:
            raise ValueError(f"too many children under {parent_path!r}")
        self._last[parent_path] = step
        node.path = parent_path + self.model.alphabet[0] * (self.steplen - len(key)) + key
        node.depth = len(node.path) // self.steplen
        node.numchild = 0
        parent = self._new_by_path.get(parent_path)
        if parent is not None:
            parent.numchild += 1
        else:
            self._grown[parent_path] += 1
        self._new.append(node)
        self._new_by_path[node.path] = node
        return node

    def save(self) -> int:
        """Insert the new nodes and add their number to the existing parents' ``numchild``."""
        for node in self._new:
            node.search_text = node.build_search_text()
        self.model.objects.bulk_create(self._new, batch_size=BATCH)
        by_count: defaultdict[int, list[str]] = defaultdict(list)
        for path, n in self._grown.items():
            by_count[n].append(path)
        for n, paths in by_count.items():
            for chunk in _chunks(paths, BATCH):
                self.model.objects.filter(path__in=chunk).update(numchild=F("numchild") + n)
        created = len(self._new)
        self._new, self._new_by_path, self._grown = [], {}, Counter()
        return created


def spread(total: int, weights: list[float], low: int, high: int, rng: random.Random):
    """Share ``total`` among ``len(weights)`` slots in proportion to ``weights``, each slot
    between ``low`` and ``high``."""
    n = len(weights)
    counts = [low] * n
    left = max(0, min(total, high * n) - low * n)
    while left > 0:
        open_ = [i for i in range(n) if counts[i] < high]
        wsum = sum(weights[i] for i in open_)
        added = 0
        for i in open_:
            share = min(high - counts[i], int(left * weights[i] / wsum))
            counts[i] += share
            added += share
        left -= added
        if added == 0:
            # What is left is less than one share each: one more to slots picked by weight.
            for i in weighted_sample(open_, [weights[i] for i in open_], left, rng):
                counts[i] += 1
            left = 0
    return counts


def weighted_sample(items: list, weights: list[float], k: int, rng: random.Random) -> list:
    """``k`` distinct items, heavier ones more likely (Efraimidis–Spirakis)."""
    keyed = sorted(zip(items, weights, strict=True), key=lambda iw: rng.random() ** (1.0 / iw[1]))
    return [item for item, _w in keyed[-k:]][::-1] if k else []


def random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ---------------------------------------------------------------------------------------
# The organisation steps

#: countries with many friendship associations in the provinces, then some more
PARTNERS = {
    **dict.fromkeys(["LA", "KH", "CN", "RU", "JP", "KR", "CU"], 12.0),
    **dict.fromkeys(["FR", "DE", "US", "TH", "IN", "AU", "GB", "IT", "PL", "HU"], 5.0),
    **dict.fromkeys(["CZ", "BG", "MN", "SG", "MY", "ID", "PH", "MM", "CA", "NL"], 3.0),
    **dict.fromkeys(["BE", "SE", "VE", "BR", "AR", "DZ", "MZ", "AO", "IL", "BY"], 2.0),
    **dict.fromkeys(["UA", "RO", "NZ", "KP", "FI", "NO", "DK", "AT", "CH", "ES"], 2.0),
}
#: provincial unions with more associations than the rest
LARGE_UNIONS = {"ha_noi": 8.0, "ho_chi_minh": 8.0, "hai_phong": 2.0, "da_nang": 2.0, "can_tho": 1.5}

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hữu", "Ngọc", "Quốc", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh"]
GIVEN += ["Long", "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn"]


def current_unions() -> list[Organization]:
    """Today's 34 provincial unions (the closed ones sit one level deeper), by province code."""
    return list(
        Organization.objects.filter(
            kind=OrgKind.PROVINCIAL_UNION,
            depth=2,
            valid_to__isnull=True,
            deleted_at__isnull=True,
            unit__code_system=CodeSystem.GSO_2025,
        )
        .select_related("unit")
        .order_by("unit__code")
    )


def _province_phrase(unit_name: str) -> tuple[str, str]:
    """ "Thành phố Hà Nội" → ("thành phố Hà Nội", "Ha Noi City"); "Đồng Tháp" → ("tỉnh …", …)."""
    from huunghi.core.text import normalise

    if unit_name.startswith("Thành phố "):
        bare = unit_name.removeprefix("Thành phố ")
        return f"thành phố {bare}", f"{normalise(bare).title()} City"
    return f"tỉnh {unit_name}", f"{normalise(unit_name).title()} Province"


@register(order=10)
def national_structure(ctx: ScaleContext) -> None:
    """The real structure first: VUFO, 34 provincial unions, the 21 closed ones."""
    before = Organization.objects.count()
    structure_load()
    ctx.created["organisations (structure)"] += Organization.objects.count() - before


@register(order=20)
def associations_and_chapters(ctx: ScaleContext) -> None:
    """Friendship associations under each union and chapters under each association, each
    chapter in a commune of the union's province; validity dates over ten years."""
    size = ctx.size
    rng = ctx.rng("associations")
    unions = current_unions()
    countries = [c for c in Country.objects.order_by("code") if "," not in c.name_vi]
    country_weights = [PARTNERS.get(c.code, 0.3) for c in countries]
    communes: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    for unit_id, name, parent_id in (
        AdministrativeUnit.objects.filter(code_system=CodeSystem.GSO_2025, level=UnitLevel.COMMUNE)
        .order_by("code")
        .values_list("id", "name", "parent_id")
    ):
        communes[parent_id].append((unit_id, name))

    union_weights = [LARGE_UNIONS.get(u.code, 1.0) * rng.lognormvariate(0, 0.4) for u in unions]
    per_union = spread(size.associations, union_weights, *size.associations_per_union, rng)

    # The whole plan first, from the seed alone, so that a second run draws the same.
    plan = []
    for union, count in zip(unions, per_union, strict=True):
        phrase_vi, phrase_en = _province_phrase(union.unit.name)
        chosen = weighted_sample(countries, country_weights, count, rng)
        for n, country in enumerate(chosen, start=1):
            valid_from = random_date(rng, START, END - datetime.timedelta(days=365))
            valid_to = None
            if rng.random() < 0.08:
                valid_to = random_date(rng, valid_from + datetime.timedelta(days=365), END)
            plan.append(
                {
                    "union": union,
                    "code": f"{PREFIX}{union.code}_a{n}",
                    "country": country,
                    "name_vi": f"Hội hữu nghị Việt Nam – {country.name_vi} {phrase_vi}",
                    "name_en": f"{phrase_en} Vietnam – {country.name_en} Friendship Association",
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "weight": rng.lognormvariate(0, 0.6) * (0.3 if valid_to else 1.0),
                }
            )
    per_association = spread(
        size.chapters, [a["weight"] for a in plan], *size.chapters_per_association, rng
    )

    existing = dict(
        Organization.objects.filter(code__startswith=PREFIX).values_list("code", "path")
    )
    tree = TreeAppender()
    for assoc, n_chapters in zip(plan, per_association, strict=True):
        union = assoc["union"]
        path = existing.get(assoc["code"])
        if path is None:
            node = tree.append(
                union.path,
                Organization(
                    code=assoc["code"],
                    kind=OrgKind.ASSOCIATION,
                    name_vi=assoc["name_vi"],
                    name_en=assoc["name_en"],
                    valid_from=assoc["valid_from"],
                    valid_to=assoc["valid_to"],
                    unit_id=union.unit_id,
                ),
            )
            path = node.path
            ctx.created["associations"] += 1
        places = rng.sample(communes[union.unit_id], min(n_chapters, len(communes[union.unit_id])))
        for m, (commune_id, commune_name) in enumerate(places, start=1):
            latest = assoc["valid_to"] or END
            valid_from = random_date(rng, assoc["valid_from"], latest)
            valid_to = assoc["valid_to"]
            if valid_to is None and rng.random() < 0.06:
                valid_to = random_date(rng, valid_from, END)
            code = f"{assoc['code']}_c{m}"
            if code in existing:
                continue
            country = assoc["country"]
            tree.append(
                path,
                Organization(
                    code=code,
                    kind=OrgKind.CHAPTER,
                    name_vi=f"Chi hội hữu nghị Việt Nam – {country.name_vi} {commune_name}",
                    name_en=f"{commune_name} chapter, Vietnam – {country.name_en} "
                    "Friendship Association",
                    valid_from=valid_from,
                    valid_to=valid_to,
                    unit_id=commune_id,
                ),
            )
            ctx.created["chapters"] += 1
    tree.save()


@register(order=30)
def users_and_roles(ctx: ScaleContext) -> None:
    """One editor and one viewer per provincial union, one editor per association."""
    rng = ctx.rng("users")
    wanted = []  # (username, organisation, role, personal_data)
    for union in current_unions():
        wanted.append((f"{PREFIX}{union.code}_editor", union, RoleKind.EDITOR, True))
        wanted.append((f"{PREFIX}{union.code}_viewer", union, RoleKind.VIEWER, False))
    associations = Organization.objects.filter(
        code__startswith=PREFIX, kind=OrgKind.ASSOCIATION, deleted_at__isnull=True
    )
    for assoc in associations.order_by("path"):
        username = f"{assoc.code}_editor"
        wanted.append((username, assoc, RoleKind.EDITOR, True))

    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__startswith=PREFIX)}
    new_users = []
    for username, *_rest in wanted:
        # Names are drawn for every wanted user, created or not, to keep the plan stable.
        first = f"{rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        last = rng.choice(SURNAMES)
        if username in users:
            continue
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@scale.huunghi.invalid",
            # No password anyone could use: benchmarks log in with force_login.
            password=make_password(None),
        )
        new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=BATCH)
    ctx.created["users"] += len(new_users)
    users = {u.username: u for u in User.objects.filter(username__startswith=PREFIX)}

    held = set(
        Role.objects.filter(user__username__startswith=PREFIX, deleted_at__isnull=True).values_list(
            "user_id", "organization_id", "role"
        )
    )
    new_roles = []
    for username, org, role, personal_data in wanted:
        user = users[username]
        if (user.pk, org.pk, role) in held:
            continue
        obj = Role(user=user, organization=org, role=role, personal_data=personal_data)
        obj.search_text = obj.build_search_text()
        new_roles.append(obj)
    Role.objects.bulk_create(new_roles, batch_size=BATCH)
    ctx.created["roles"] += len(new_roles)
