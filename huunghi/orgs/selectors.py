"""Reads on organisations, roles and clusters, always starting from the visibility rule."""

from django.db.models import Count, Q
from django.utils import timezone

from . import visibility
from .choices import Action, OrgKind
from .models import Cluster, ClusterCoordinator, Organization, Role


def role_list_for_user(*, actor):
    """The roles ``actor`` holds today, with their organisations (for the dashboard)."""
    today = timezone.localdate()
    return (
        Role.objects.filter(user=actor)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("organization")
        .order_by("organization__path")
    )


def organization_counts(*, actor, on_date=None) -> dict[str, int]:
    """How many organisations of each kind ``actor`` sees, active on ``on_date`` (today)."""
    on_date = on_date or timezone.localdate()
    qs = Organization.objects.visible_to(actor, Action.VIEW).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on_date),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date),
    )
    rows = qs.order_by().values("kind").annotate(n=Count("id"))
    counts = {kind: 0 for kind in OrgKind.values}
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


def cluster_list_for_coordinator(*, actor, on_date=None):
    """The clusters ``actor`` coordinates on ``on_date``."""
    on_date = on_date or timezone.localdate()
    ids = ClusterCoordinator.objects.filter(user=actor).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on_date),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date),
    )
    return Cluster.objects.filter(pk__in=ids.values("cluster"))


def cluster_member_figures(*, actor, cluster: Cluster, on_date=None) -> list[dict]:
    """Figures (counts only, never records) per member of ``cluster`` on ``on_date``.

    Allowed for the cluster's coordinators and for national roles. Each member's figure
    includes its whole subtree (associations, chapters, the closed unions merged into it).
    """
    on_date = on_date or timezone.localdate()
    allowed = visibility.is_national(actor) or (
        cluster_list_for_coordinator(actor=actor, on_date=on_date).filter(pk=cluster.pk).exists()
    )
    if not allowed:
        return []
    members = list(cluster.members_on(on_date).order_by("path"))
    if not members:
        return []
    active = Q(valid_from__isnull=True) | Q(valid_from__lte=on_date)
    active &= Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
    under_members = Q()
    for member in members:
        under_members |= Q(path__startswith=member.path, depth__gt=member.depth)
    # One query for all members; rows are counted per member by their path prefix.
    rows = (
        Organization.objects.filter(active, under_members, deleted_at__isnull=True)
        .filter(kind__in=[OrgKind.ASSOCIATION, OrgKind.CHAPTER])
        .values_list("path", "kind")
    )
    counts = {m.path: {"associations": 0, "chapters": 0} for m in members}
    steplen = Organization.steplen
    for path, kind in rows:
        for depth in range(1, len(path) // steplen):
            prefix = path[: depth * steplen]
            if prefix in counts:
                key = "associations" if kind == OrgKind.ASSOCIATION else "chapters"
                counts[prefix][key] += 1
                break
    return [{"organization": m.name_vi, **counts[m.path]} for m in members]
