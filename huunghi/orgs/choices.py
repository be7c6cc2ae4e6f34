from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    NATIONAL_UNION = "national_union", _("National union")
    PROVINCIAL_UNION = "provincial_union", _("Provincial union")
    ASSOCIATION = "association", _("Friendship association")
    CHAPTER = "chapter", _("Chapter")
    AGENCY = "agency", _("Agency")
    COMMUNE = "commune", _("Commune")
    OTHER = "other", _("Other organisation")


class RoleKind(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Administrator")


class Action(models.TextChoices):
    """What a user wants to do with a record; the visibility rule answers per action."""

    VIEW = "view", _("View")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    APPROVE = "approve", _("Approve")
    PERSONAL_DATA = "personal_data", _("Personal data")
    MANAGE_ROLES = "manage_roles", _("Manage users and roles")


#: which roles grant each action (personal data also needs the role's own flag)
ACTION_ROLES = {
    Action.VIEW: {RoleKind.VIEWER, RoleKind.EDITOR, RoleKind.APPROVER, RoleKind.ADMIN},
    Action.CHANGE: {RoleKind.EDITOR, RoleKind.APPROVER, RoleKind.ADMIN},
    Action.DELETE: {RoleKind.EDITOR, RoleKind.APPROVER, RoleKind.ADMIN},
    Action.APPROVE: {RoleKind.APPROVER, RoleKind.ADMIN},
    Action.PERSONAL_DATA: {RoleKind.VIEWER, RoleKind.EDITOR, RoleKind.APPROVER, RoleKind.ADMIN},
    Action.MANAGE_ROLES: {RoleKind.ADMIN},
}

NATIONAL_CODE = "vufo"
