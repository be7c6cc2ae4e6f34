from django.core.exceptions import ValidationError
from django.test import TestCase

from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel, UnitMapping

from .factories import (
    AdministrativeUnitFactory,
    CommuneFactory,
    CountryFactory,
    LegacyProvinceFactory,
    UnitMappingFactory,
)


class AdministrativeUnitTests(TestCase):
    def test_str_and_search_text(self):
        unit = AdministrativeUnitFactory(name="Tỉnh Đắk Thử", code="T1")
        self.assertEqual(str(unit), "Tỉnh Đắk Thử")
        self.assertEqual(unit.search_text, "tinh dak thu t1")
        unit.name = "Tỉnh Đắk Khác"
        unit.save(update_fields=["name"])
        unit.refresh_from_db()
        self.assertEqual(unit.search_text, "tinh dak khac t1")

    def test_same_code_in_both_code_systems(self):
        new = AdministrativeUnit.objects.get(
            code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE, code="80"
        )
        old = AdministrativeUnit.objects.get(
            code_system=CodeSystem.GSO_PRE_2025, level=UnitLevel.PROVINCE, code="80"
        )
        self.assertEqual((old.name, new.name), ("Tỉnh Long An", "Tây Ninh"))
        self.assertTrue(new.is_current)
        self.assertFalse(old.is_current)

    def test_code_unique_within_code_system_and_level(self):
        unit = AdministrativeUnitFactory()
        with self.assertRaises(ValidationError):
            AdministrativeUnitFactory.build(code=unit.code).validate_constraints()


class CountryTests(TestCase):
    def test_search_text(self):
        country = CountryFactory(name_vi="Nước Thử Đông", name_en="Test East")
        self.assertIn("nuoc thu dong test east", country.search_text)
        self.assertEqual(str(country), "Nước Thử Đông")


class UnitMappingTests(TestCase):
    def test_valid(self):
        mapping = UnitMappingFactory()
        mapping.full_clean()
        self.assertEqual(mapping.version, 1)
        self.assertIn("thu nghiem", mapping.search_text)

    def _build(self, **kwargs):
        # Saved units, so that only the rule under test can fail.
        kwargs.setdefault("old_unit", LegacyProvinceFactory())
        kwargs.setdefault("new_unit", AdministrativeUnitFactory())
        return UnitMappingFactory.build(**kwargs)

    def _errors(self, mapping) -> dict:
        with self.assertRaises(ValidationError) as ctx:
            mapping.full_clean()
        return ctx.exception.message_dict

    def test_old_unit_must_be_pre_2025(self):
        errors = self._errors(self._build(old_unit=AdministrativeUnitFactory()))
        self.assertEqual(list(errors), ["old_unit"])

    def test_new_unit_must_be_2025(self):
        errors = self._errors(self._build(new_unit=LegacyProvinceFactory()))
        self.assertEqual(list(errors), ["new_unit"])

    def test_same_level(self):
        errors = self._errors(self._build(new_unit=CommuneFactory()))
        self.assertEqual(list(errors), ["new_unit"])
        errors = self._errors(self._build(level=UnitLevel.COMMUNE))
        self.assertEqual(list(errors), ["level"])

    def test_soft_delete_and_restore(self):
        mapping = UnitMappingFactory()
        mapping.delete()
        self.assertFalse(UnitMapping.objects.filter(pk=mapping.pk).exists())
        self.assertTrue(UnitMapping.all_objects.filter(pk=mapping.pk).exists())
        mapping.restore()
        self.assertTrue(UnitMapping.objects.filter(pk=mapping.pk).exists())

    def test_unique_pair(self):
        mapping = UnitMappingFactory()
        duplicate = self._build(old_unit=mapping.old_unit, new_unit=mapping.new_unit)
        self.assertEqual(list(self._errors(duplicate)), ["__all__"])
