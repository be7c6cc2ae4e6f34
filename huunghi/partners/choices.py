from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    NGO = "ngo", _("Foreign NGO")
    LOCALITY = "locality", _("Foreign locality")
    MISSION = "mission", _("Diplomatic mission or consulate")
    INTERNATIONAL = "international", _("International organisation")
    ENTERPRISE = "enterprise", _("Foreign enterprise")
    INDIVIDUAL = "individual", _("Individual donor")
    OVERSEAS = "overseas", _("Overseas-Vietnamese organisation")


class CertificateKind(models.TextChoices):
    """Registration certificates of foreign NGOs (FACTS.md §7): Decree 58/2022 has two
    kinds; the three permits of Decree 12/2012 are kept for history."""

    OPERATION = "operation", _("Operation registration (Decree 58/2022)")
    REPRESENTATIVE_OFFICE = (
        "representative_office",
        _("Representative office registration (Decree 58/2022)"),
    )
    OPERATION_2012 = "operation_2012", _("Operation permit (Decree 12/2012)")
    PROJECT_OFFICE_2012 = "project_office_2012", _("Project office permit (Decree 12/2012)")
    REPRESENTATIVE_OFFICE_2012 = (
        "representative_office_2012",
        _("Representative office permit (Decree 12/2012)"),
    )


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
