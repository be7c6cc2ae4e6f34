"""Fixed choices of the places app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeSystem(models.TextChoices):
    """Which GSO code list a stored code belongs to.

    The same code means different units before and after 1 July 2025 ("15" was Yên Bái and
    is now Lào Cai), so every stored code carries its code system.
    """

    GSO_2025 = "2025-07", _("GSO codes from 1 July 2025")
    GSO_PRE_2025 = "pre-2025-07", _("GSO codes before 1 July 2025")


class UnitLevel(models.TextChoices):
    """The tier of an administrative unit. Districts exist only before 1 July 2025."""

    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class MappingBasis(models.TextChoices):
    """Where a mapping from a pre-2025 unit to a 2025 unit comes from."""

    PACKAGE_CODES = "package-codes", _("Derived from the official code lists")
    MERGER_TABLE = "merger-table", _("Provinces merger table")
    MANUAL = "manual", _("Entered by a national administrator")
