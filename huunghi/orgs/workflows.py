"""The review step of Wagtail workflows that knows organisations.

Wagtail's ``GroupApprovalTask`` lets any member of a group act on any object. Here only the
approvers of the object's owning subtree may (``visible_to(user, "approve")``): an approver
of another union sees no action, and the object stays locked for everyone else.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from .choices import Action


def may_approve(obj, user) -> bool:
    """Whether ``user`` approves in the subtree that owns ``obj``."""
    manager = getattr(type(obj), "_default_manager", None)
    if user is None or manager is None or not hasattr(manager, "visible_to"):
        return False
    return manager.visible_to(user, Action.APPROVE).filter(pk=obj.pk).exists()


class OrgApprovalTask(Task):
    """Approval by the approvers of the organisation that owns the object (or of one above
    it). Returning with comments sends it back to its editors."""

    def start(self, workflow_state, user=None):
        obj = workflow_state.content_object
        locked_by = getattr(obj, "locked_by", None)
        if locked_by is not None and not may_approve(obj, locked_by):
            obj.locked, obj.locked_by, obj.locked_at = False, None, None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        return super().start(workflow_state, user=user)

    def user_can_access_editor(self, obj, user):
        return may_approve(obj, user)

    def locked_for_user(self, obj, user):
        return not may_approve(obj, user)

    def user_can_lock(self, obj, user):
        return may_approve(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if may_approve(obj, user):
            return [
                ("reject", _("Return with comments"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).values_list(
            "pk", "workflow_state__base_content_type_id", "workflow_state__object_id"
        )
        by_type = defaultdict(dict)
        for pk, content_type_id, object_id in states:
            by_type[content_type_id][object_id] = pk
        allowed = []
        for content_type_id, objects in by_type.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            manager = getattr(model, "_default_manager", None)
            if model is None or not hasattr(manager, "visible_to"):
                continue
            approvable = manager.visible_to(user, Action.APPROVE).filter(pk__in=list(objects))
            allowed += [objects[str(pk)] for pk in approvable.values_list("pk", flat=True)]
        return TaskState.objects.filter(pk__in=allowed)

    @classmethod
    def get_description(cls):
        return _("Approvers of the organisation that owns the record, or of one above it")

    class Meta:
        verbose_name = _("approval by the owning organisation")
        verbose_name_plural = _("approvals by the owning organisation")
