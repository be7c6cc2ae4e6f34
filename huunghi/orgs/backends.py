"""Django permissions derived from roles, so that roles (not groups) are the one source."""

from . import visibility


class RoleBackend:
    """Grants admin access to anyone holding a valid role, and every Django permission to
    national-union administrators (they manage users, sites, settings and reports).
    Row-level access is never decided here: that is the visibility rule's job."""

    def authenticate(self, request, **kwargs):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or obj is not None:
            return False
        if perm == "wagtailadmin.access_admin":
            return bool(visibility.user_grants(user_obj)) or visibility.is_cluster_coordinator(
                user_obj
            )
        return visibility.is_national(user_obj, "manage_roles")

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and visibility.is_national(user_obj, "manage_roles")

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()
