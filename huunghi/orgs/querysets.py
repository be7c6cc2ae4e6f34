"""The shared queryset of every organisation-owned model."""

from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

from huunghi.core.models import SoftDeleteQuerySet

from . import visibility


class ScopedQuerySet(SoftDeleteQuerySet):
    """Queryset whose one method applying the visibility rule is ``visible_to``."""

    def visible_to(self, user, action="view", *, include_deleted=False):
        """The rows ``user`` may do ``action`` on (view, change, delete, approve, personal_data)."""
        return visibility.apply(self, user, action, include_deleted=include_deleted)


class ScopedManager(ScopedQuerySet.as_manager().__class__):
    """Default manager of org-owned models: rows in the trash are left out."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class OrganizationManager(MP_NodeManager):
    """Tree manager that keeps trashed nodes (treebeard needs them to number new children);
    the visibility rule leaves them out."""

    def get_queryset(self):
        return OrganizationQuerySet(self.model).order_by("path")

    def visible_to(self, user, action="view", *, include_deleted=False):
        return self.get_queryset().visible_to(user, action, include_deleted=include_deleted)

    def search(self, query):
        return self.get_queryset().search(query)


class NationalQuerySet(SoftDeleteQuerySet):
    """Reference data (clusters, the unit mapping): every member of staff may read it,
    national administrators alone may change it."""

    def visible_to(self, user, action="view", *, include_deleted=False):
        qs = self if include_deleted else self.filter(deleted_at__isnull=True)
        if str(action) == "view":
            allowed = visibility.has_any(user, "view")
        else:
            allowed = visibility.is_national(user, "manage_roles")
        return qs if allowed else qs.none()


class NationalManager(NationalQuerySet.as_manager().__class__):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)
