"""Countries and Vietnam's administrative units, before and after 1 July 2025."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from huunghi.core.models import BaseModel
from huunghi.core.text import normalise

from .choices import CodeSystem, MappingBasis, UnitLevel

__all__ = [
    "AdministrativeUnit",
    "CodeSystem",
    "Country",
    "MappingBasis",
    "UnitLevel",
    "UnitMapping",
]


class Country(models.Model):
    """A country or territory of ISO 3166-1, with its Vietnamese and English names.

    Reference data loaded from ``pycountry``; used for partners' countries, delegations,
    donors and overseas-Vietnamese communities.
    """

    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_vi"]

    def __str__(self):
        return self.name_vi

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return normalise(f"{self.code} {self.alpha3} {self.name_vi} {self.name_en}")


class AdministrativeUnit(models.Model):
    """A Vietnamese province, district or commune in one code system.

    Units from 1 July 2025 (code system ``2025-07``) come from the pinned
    ``vietnam-provinces`` package: 34 provinces and 3,321 communes directly under them.
    Units before that date (``pre-2025-07``) come from the project's generated data file:
    63 provinces, their districts, and communes under the districts. Records keep the unit
    they were entered with; ``UnitMapping`` leads from an old unit to today's.
    """

    code_system = models.CharField(_("code system"), max_length=20, choices=CodeSystem.choices)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    code = models.CharField(_("GSO code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True, default="")
    codename = models.CharField(_("codename"), max_length=100)
    division_type = models.CharField(_("division type"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code_system", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_system", "level", "code"], name="places_unit_unique_code"
            ),
        ]
        indexes = [
            models.Index(
                fields=["code_system", "level", "codename"], name="places_unit_codename_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.make_search_text(self.name, self.name_en, self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"search_text"}
        super().save(*args, **kwargs)

    @staticmethod
    def make_search_text(name: str, name_en: str = "", code: str = "") -> str:
        """The normalised text that unit search matches (the bulk loader keeps a copy)."""
        return normalise(f"{name} {name_en} {code}")

    @property
    def is_current(self) -> bool:
        return self.code_system == CodeSystem.GSO_2025


class UnitMapping(BaseModel):
    """A pre-2025 unit became (part of) a 2025 unit of the same level.

    Provinces are mapped completely from the merger table. Communes are mapped as far as
    the data allows: an old commune whose GSO code survived in the 2025 list maps to the
    commune that now carries it. National administrators may add mappings by hand.
    """

    old_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit before 1 July 2025"),
        on_delete=models.PROTECT,
        related_name="successor_mappings",
        limit_choices_to={"code_system": CodeSystem.GSO_PRE_2025},
    )
    new_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit from 1 July 2025"),
        on_delete=models.PROTECT,
        related_name="predecessor_mappings",
        limit_choices_to={"code_system": CodeSystem.GSO_2025},
    )
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    basis = models.CharField(
        _("basis"), max_length=20, choices=MappingBasis.choices, default=MappingBasis.MANUAL
    )
    note = models.TextField(_("note"), blank=True, default="")
    is_confirmed = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_("Untick if the mapping is inferred and not yet checked against a source."),
    )

    search_fields = ("old_unit", "new_unit", "note")

    class Meta:
        verbose_name = _("unit mapping")
        verbose_name_plural = _("unit mappings")
        ordering = ["level", "old_unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="places_mapping_unique"),
        ]

    def __str__(self):
        return f"{self.old_unit} → {self.new_unit}"

    def clean(self):
        super().clean()
        errors = {}
        old = self.old_unit if self.old_unit_id else None
        new = self.new_unit if self.new_unit_id else None
        if old is not None and old.code_system != CodeSystem.GSO_PRE_2025:
            errors["old_unit"] = _("Choose a unit from before 1 July 2025.")
        if new is not None and new.code_system != CodeSystem.GSO_2025:
            errors["new_unit"] = _("Choose a unit from 1 July 2025 or later.")
        if old is not None and new is not None and old.level != new.level:
            errors["new_unit"] = _("Both units must be of the same level.")
        elif old is not None and self.level and old.level != self.level:
            errors["level"] = _("The level must be the level of both units.")
        if errors:
            raise ValidationError(errors)
