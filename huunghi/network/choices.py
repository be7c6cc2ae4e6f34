from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssociationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    MERGED = "merged", _("Merged into another association")
    DISSOLVED = "dissolved", _("Dissolved")


class ChapterKind(models.TextChoices):
    CHAPTER = "chapter", _("Chapter")
    BASE = "base", _("Base chapter")
    CLUB = "club", _("Club")


class MemberKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual member")
    COLLECTIVE = "collective", _("Collective member")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("member status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("member status", "Suspended")
    LEFT = "left", _("Left")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED = "transferred", _("Transferred to the successor association")


#: statuses that count as a member on a date
COUNTED_STATUSES = (MemberStatus.ACTIVE, MemberStatus.SUSPENDED)


class Committee(models.TextChoices):
    PRESIDIUM = "presidium", _("Presidium")
    STANDING = "standing", _("Standing committee")
    EXECUTIVE = "executive", _("Executive committee")
    INSPECTION = "inspection", _("Inspection committee")


class PositionTitle(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY_GENERAL = "secretary_general", _("Secretary general")
    HEAD_OF_INSPECTION = "head_of_inspection", _("Head of the inspection committee")
    DEPUTY_HEAD_OF_INSPECTION = (
        "deputy_head_of_inspection",
        _("Deputy head of the inspection committee"),
    )
    MEMBER = "member", _("Committee member")


class Level(models.TextChoices):
    NATIONAL = "national", _("National association")
    PROVINCIAL = "provincial", _("Provincial association")
    CHAPTER = "chapter", _("Chapter")
