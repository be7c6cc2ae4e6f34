"""The Wagtail permission policy of every org-owned model: it asks the visibility rule."""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy

from . import visibility
from .choices import Action

#: Wagtail's action names → the visibility rule's actions
WAGTAIL_ACTIONS = {
    "add": Action.CHANGE,
    "change": Action.CHANGE,
    "edit": Action.CHANGE,
    "copy": Action.CHANGE,
    "lock": Action.CHANGE,
    "unlock": Action.CHANGE,
    "delete": Action.DELETE,
    "view": Action.VIEW,
    "inspect": Action.VIEW,
    "export": Action.VIEW,
    "publish": Action.APPROVE,
    "unpublish": Action.APPROVE,
    "approve": Action.APPROVE,
}


def to_action(wagtail_action: str) -> str:
    return WAGTAIL_ACTIONS.get(wagtail_action, Action.CHANGE)


class OrgPermissionPolicy(BasePermissionPolicy):
    """Model permissions from roles; instance permissions from ``visible_to``."""

    def _action(self, action):
        return self.model.scope_action(to_action(action))

    def user_has_permission(self, user, action):
        return visibility.has_any(user, self._action(action))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_permission_for(self, user, action):
        return self.model._default_manager.visible_to(user, to_action(action))

    def instances_user_has_any_permission_for(self, user, actions):
        qs = self.model._default_manager.none()
        for action in actions:
            qs = qs | self.instances_user_has_permission_for(user, action)
        return qs.distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def users_with_permission(self, action):
        roles = visibility.ACTION_ROLES[visibility.Action(self._action(action))]
        return get_user_model().objects.filter(
            is_active=True, huunghi_roles__role__in=roles, huunghi_roles__deleted_at__isnull=True
        ).distinct() | get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_any_permission(self, actions):
        qs = get_user_model().objects.none()
        for action in actions:
            qs = qs | self.users_with_permission(action)
        return qs.distinct()


class NationalPermissionPolicy(BasePermissionPolicy):
    """For reference data every signed-in member of staff may read and only national
    administrators may change (clusters, the unit mapping)."""

    def user_has_permission(self, user, action):
        if to_action(action) == Action.VIEW:
            return visibility.has_any(user, Action.VIEW)
        return visibility.is_national(user, Action.MANAGE_ROLES)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_permission_for(self, user, action):
        if self.user_has_permission(user, action):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def users_with_permission(self, action):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_any_permission(self, actions):
        return self.users_with_permission(None)


class ReadOnlyPermissionPolicy(NationalPermissionPolicy):
    """Reference data loaded from official sources (units, countries): read-only for all."""

    def user_has_permission(self, user, action):
        return to_action(action) == Action.VIEW and visibility.has_any(user, Action.VIEW)
