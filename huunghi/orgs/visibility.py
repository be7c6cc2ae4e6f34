"""The one rule of visibility. Written here once; reached only through ``ScopedQuerySet``.

A user holds roles on organisations; a role applies to the organisation's whole subtree
(materialised paths: a subtree is a prefix match on ``path``). A role on the national
union applies to everything. Superusers see everything. A user with no role sees nothing.
A shared registry (``shared_view``, the partner registry) is viewed by every member of
staff, so that one NGO is one record network-wide; the rest of its actions stay scoped.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .choices import ACTION_ROLES, NATIONAL_CODE, Action

_CACHE_ATTR = "_huunghi_grants"


@dataclass(frozen=True)
class Grant:
    """One role of a user, as the rule needs it."""

    path: str
    depth: int
    role: str
    personal_data: bool


def user_grants(user) -> tuple[Grant, ...]:
    """The user's roles valid today, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import Role

    today = timezone.localdate()
    rows = (
        Role.objects.filter(user=user, organization__deleted_at__isnull=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list("organization__path", "organization__depth", "role", "personal_data")
    )
    grants = tuple(Grant(*row) for row in rows)
    setattr(user, _CACHE_ATTR, grants)
    return grants


def clear_cache(user) -> None:
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _grants_for(user, action: str) -> list[Grant]:
    allowed = ACTION_ROLES[Action(action)]
    return [
        g
        for g in user_grants(user)
        if g.role in allowed and (action != Action.PERSONAL_DATA or g.personal_data)
    ]


def scope_paths(user, action: str = Action.VIEW) -> list[str] | None:
    """The tree paths whose subtrees ``user`` may act on; ``None`` means everything."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    grants = _grants_for(user, action)
    if any(g.depth == 1 for g in grants):
        return None
    # Drop paths inside another granted path: the prefix already covers them.
    paths = sorted({g.path for g in grants})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(p) for p in kept):
            kept.append(path)
    return kept


def has_any(user, action: str = Action.VIEW) -> bool:
    """Whether ``user`` may do ``action`` somewhere."""
    paths = scope_paths(user, action)
    return paths is None or bool(paths)


def is_national(user, action: str = Action.VIEW) -> bool:
    """Whether ``user`` may do ``action`` on everything (national-union role or superuser)."""
    return scope_paths(user, action) is None


def apply(queryset: QuerySet, user, action: str = Action.VIEW, *, include_deleted=False):
    """Filter ``queryset`` to the rows ``user`` may do ``action`` on."""
    model = queryset.model
    action = model.scope_action(action)
    if not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    if getattr(model, "shared_view", False) and action == Action.VIEW:
        return queryset if has_any(user, Action.VIEW) else queryset.none()
    paths = scope_paths(user, action)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    prefix = f"{model.org_path}__" if model.org_path else ""
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return queryset.filter(condition)


def is_cluster_coordinator(user) -> bool:
    """Whether ``user`` coordinates a cluster today (figures only, no records)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    from .models import ClusterCoordinator

    on = timezone.localdate()
    return (
        ClusterCoordinator.objects.filter(user=user)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .exists()
    )


def national_path() -> str | None:
    from .models import Organization

    return Organization.objects.filter(code=NATIONAL_CODE).values_list("path", flat=True).first()


def today() -> datetime.date:
    return timezone.localdate()
