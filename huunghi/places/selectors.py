"""Reads of administrative units: lookup, search, and the way across 1 July 2025.

Units are public reference data, not owned by any organisation, so these selectors take
no ``actor``.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from huunghi.core.text import normalise

from .models import AdministrativeUnit, CodeSystem, UnitLevel, UnitMapping

_LEVEL_ORDER = Case(
    When(level=UnitLevel.PROVINCE, then=Value(0)),
    When(level=UnitLevel.DISTRICT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def unit_get(code_system: str, level: str, code: str) -> AdministrativeUnit:
    """The unit with this GSO ``code`` at ``level`` in ``code_system``.

    Raises ``AdministrativeUnit.DoesNotExist`` when there is none.
    """
    return AdministrativeUnit.objects.get(code_system=code_system, level=level, code=code)


def province_list(code_system: str = CodeSystem.GSO_2025) -> QuerySet[AdministrativeUnit]:
    """The provinces of ``code_system`` (34 from 1 July 2025, 63 before), by code."""
    return AdministrativeUnit.objects.filter(
        code_system=code_system, level=UnitLevel.PROVINCE
    ).order_by("code")


def province_by_codename(
    codename: str, code_system: str = CodeSystem.GSO_2025
) -> AdministrativeUnit | None:
    """The province of ``code_system`` with this codename ("dong_thap"), or None."""
    return AdministrativeUnit.objects.filter(
        code_system=code_system, level=UnitLevel.PROVINCE, codename=codename
    ).first()


def unit_search(
    query: str,
    *,
    code_system: str | None = CodeSystem.GSO_2025,
    level: str | None = None,
    parent: AdministrativeUnit | None = None,
) -> QuerySet[AdministrativeUnit]:
    """Units whose name or code contains every word of ``query``, ignoring diacritics and case.

    "dong thap", "Đồng Tháp" and "DONG THAP" find the same units. Pass ``code_system=None``
    to search both code systems. Provinces come first, then districts, then communes.
    """
    qs = AdministrativeUnit.objects.all()
    if code_system:
        qs = qs.filter(code_system=code_system)
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent=parent)
    for word in normalise(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by(_LEVEL_ORDER, "code_system", "name", "code")


def _mapped_units(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(
        predecessor_mappings__old_unit=unit,
        predecessor_mappings__deleted_at__isnull=True,
    ).order_by("code")


def current_unit(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """Today's unit for ``unit``: itself if it is from 1 July 2025, else what it became.

    - a pre-2025 province: the 2025 province it was merged into (always known);
    - a pre-2025 commune: the 2025 commune it maps to, or None when the data does not say
      (use ``current_province`` to roll such a commune up to its province);
    - a pre-2025 district: districts were abolished, so its province's current unit.

    Should a pre-2025 unit map to several 2025 units (a split entered by hand), the one with
    the lowest code is returned.
    """
    if unit.code_system == CodeSystem.GSO_2025:
        return unit
    if unit.level == UnitLevel.DISTRICT:
        province = unit.parent
        return current_unit(province) if province is not None else None
    return _mapped_units(unit).first()


def current_province(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The 2025 province that ``unit`` belongs to today, at any level and in any code system.

    This always succeeds for pre-2025 units, because every old province maps to a 2025 one,
    even where the commune itself has no known successor.
    """
    if unit.code_system == CodeSystem.GSO_2025:
        return unit if unit.level == UnitLevel.PROVINCE else unit.parent
    province = unit
    while province is not None and province.level != UnitLevel.PROVINCE:
        province = province.parent
    return current_unit(province) if province is not None else None


def previous_units(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The pre-2025 units that map to the 2025 ``unit`` (none for a pre-2025 unit)."""
    if unit.code_system != CodeSystem.GSO_2025:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.filter(
        successor_mappings__new_unit=unit,
        successor_mappings__deleted_at__isnull=True,
    ).order_by("code")


def unit_mapping_list(*, level: str | None = None) -> QuerySet[UnitMapping]:
    """Mappings outside the trash, with both units fetched, by level and old code."""
    qs = UnitMapping.objects.select_related("old_unit", "new_unit")
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("level", "old_unit__code", "new_unit__code")
