"""Factories for the places app.

The real units and countries are in every database (the ``0002_load_units`` migration
loads them), so factory codes start with "T" or "Q" and never clash with GSO codes.
"""

import factory

from huunghi.places.models import (
    AdministrativeUnit,
    CodeSystem,
    Country,
    MappingBasis,
    UnitLevel,
    UnitMapping,
)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country

    # ISO 3166 leaves QM–QZ and the alpha-3 codes starting with Q to its users.
    code = factory.Sequence(lambda n: f"Q{chr(77 + n % 14)}")
    alpha3 = factory.Sequence(lambda n: f"Q{n % 100:02d}")
    name_vi = factory.Sequence(lambda n: f"Nước thử {n}")
    name_en = factory.Sequence(lambda n: f"Test country {n}")


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code_system = CodeSystem.GSO_2025
    level = UnitLevel.PROVINCE
    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    codename = factory.Sequence(lambda n: f"thu_nghiem_{n}")
    division_type = "tỉnh"
    parent = None


class LegacyProvinceFactory(AdministrativeUnitFactory):
    code_system = CodeSystem.GSO_PRE_2025


class CommuneFactory(AdministrativeUnitFactory):
    level = UnitLevel.COMMUNE
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    codename = factory.Sequence(lambda n: f"xa_thu_nghiem_{n}")
    division_type = "xã"
    parent = factory.SubFactory(AdministrativeUnitFactory)


class UnitMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitMapping

    old_unit = factory.SubFactory(LegacyProvinceFactory)
    new_unit = factory.SubFactory(AdministrativeUnitFactory)
    level = factory.LazyAttribute(lambda o: o.old_unit.level)
    basis = MappingBasis.MANUAL
