"""The loader and the data it loads (the migration has already run it once)."""

import io

from django.test import TestCase

from huunghi.places.models import (
    AdministrativeUnit,
    CodeSystem,
    Country,
    MappingBasis,
    UnitLevel,
    UnitMapping,
)
from huunghi.places.selectors import current_unit, unit_get
from huunghi.places.services import places_load

NEW = CodeSystem.GSO_2025
OLD = CodeSystem.GSO_PRE_2025


def _counts() -> dict:
    return {
        "countries": Country.objects.count(),
        "units": AdministrativeUnit.objects.count(),
        "mappings": UnitMapping.all_objects.count(),
        "by_level": sorted(
            AdministrativeUnit.objects.values_list("code_system", "level").distinct()
        ),
    }


class LoadedUnitsTests(TestCase):
    def test_2025_units(self):
        units = AdministrativeUnit.objects.filter(code_system=NEW)
        self.assertEqual(units.filter(level=UnitLevel.PROVINCE).count(), 34)
        self.assertEqual(units.filter(level=UnitLevel.COMMUNE).count(), 3321)
        self.assertFalse(units.filter(level=UnitLevel.DISTRICT).exists())
        communes = units.filter(level=UnitLevel.COMMUNE)
        self.assertEqual(communes.filter(division_type="xã").count(), 2621)
        self.assertEqual(communes.filter(division_type="phường").count(), 687)
        self.assertEqual(communes.filter(division_type="đặc khu").count(), 13)
        self.assertFalse(communes.filter(parent__isnull=True).exists())
        self.assertFalse(communes.exclude(parent__level=UnitLevel.PROVINCE).exists())
        provinces = units.filter(level=UnitLevel.PROVINCE)
        self.assertEqual(provinces.filter(division_type="thành phố trung ương").count(), 6)

    def test_pre_2025_units(self):
        units = AdministrativeUnit.objects.filter(code_system=OLD)
        self.assertEqual(units.filter(level=UnitLevel.PROVINCE).count(), 63)
        self.assertEqual(units.filter(level=UnitLevel.DISTRICT).count(), 696)
        self.assertEqual(units.filter(level=UnitLevel.COMMUNE).count(), 10051)
        self.assertFalse(
            units.filter(level=UnitLevel.COMMUNE).exclude(parent__level=UnitLevel.DISTRICT).exists()
        )
        self.assertFalse(
            units.filter(level=UnitLevel.DISTRICT)
            .exclude(parent__level=UnitLevel.PROVINCE)
            .exists()
        )

    def test_code_15_before_and_after_the_merger(self):
        self.assertEqual(unit_get(OLD, UnitLevel.PROVINCE, "15").name, "Tỉnh Yên Bái")
        self.assertEqual(unit_get(NEW, UnitLevel.PROVINCE, "15").name, "Lào Cai")

    def test_merged_provinces(self):
        expected = {
            "tien_giang": "Đồng Tháp",
            "bac_giang": "Bắc Ninh",
            "kien_giang": "An Giang",
            "tra_vinh": "Vĩnh Long",
            "yen_bai": "Lào Cai",
            "ha_noi": "Thành phố Hà Nội",
        }
        for codename, new_name in expected.items():
            with self.subTest(codename=codename):
                old = AdministrativeUnit.objects.get(
                    code_system=OLD, level=UnitLevel.PROVINCE, codename=codename
                )
                self.assertEqual(current_unit(old).name, new_name)

    def test_province_mapping_is_complete(self):
        mappings = UnitMapping.objects.filter(level=UnitLevel.PROVINCE)
        self.assertEqual(mappings.count(), 63)
        self.assertEqual(mappings.values("old_unit").distinct().count(), 63)
        self.assertEqual(mappings.values("new_unit").distinct().count(), 34)
        self.assertTrue(all(m.basis == MappingBasis.MERGER_TABLE for m in mappings))
        # Rows of merged provinces whose seat is only inferred from the codes.
        self.assertEqual(mappings.filter(is_confirmed=False).count(), 30)
        bac_giang = mappings.get(old_unit__code="24")
        self.assertTrue(bac_giang.is_confirmed)

    def test_commune_mapping_from_surviving_codes(self):
        mappings = UnitMapping.objects.filter(level=UnitLevel.COMMUNE).select_related(
            "old_unit__parent__parent", "new_unit__parent"
        )
        self.assertEqual(mappings.count(), 3310)
        for mapping in mappings:
            self.assertEqual(mapping.old_unit.code, mapping.new_unit.code)
            self.assertEqual(mapping.basis, MappingBasis.PACKAGE_CODES)
            # Every surviving commune stays inside the province its old province became.
            old_province = mapping.old_unit.parent.parent
            self.assertEqual(current_unit(old_province), mapping.new_unit.parent)
        self.assertFalse(UnitMapping.objects.filter(level=UnitLevel.DISTRICT).exists())

    def test_countries(self):
        self.assertEqual(Country.objects.count(), 249)
        self.assertEqual(Country.objects.get(code="VN").name_vi, "Việt Nam")
        laos = Country.objects.get(code="LA")
        self.assertEqual(laos.name_vi, "Lào")
        self.assertEqual(laos.name_en, "Laos")
        self.assertEqual(laos.alpha3, "LAO")
        self.assertIn("lao", laos.search_text)

    def test_country_names_read_as_the_network_writes_them(self):
        names = dict(
            Country.objects.filter(code__in=["KH", "JP", "KR", "CZ", "TR", "AT"]).values_list(
                "code", "name_vi"
            )
        )
        self.assertEqual(
            names,
            {
                "KH": "Campuchia",
                "JP": "Nhật Bản",
                "KR": "Hàn Quốc",
                "CZ": "Séc",
                "TR": "Thổ Nhĩ Kỳ",
                "AT": "Áo",
            },
        )


class PlacesLoadTests(TestCase):
    def test_idempotent(self):
        before = _counts()
        out = io.StringIO()
        first = places_load(stdout=out)
        second = places_load()
        self.assertEqual(_counts(), before)
        self.assertEqual(first["mappings_created"], 0)
        self.assertEqual(second["mappings_created"], 0)
        self.assertEqual(second["mappings_updated"], 0)
        self.assertIn("34 provinces", out.getvalue())

    def test_restores_changed_units_and_missing_mappings(self):
        yen_bai = unit_get(OLD, UnitLevel.PROVINCE, "15")
        AdministrativeUnit.objects.filter(pk=yen_bai.pk).update(name="Wrong", search_text="")
        UnitMapping.objects.get(old_unit=yen_bai).delete()  # to the trash
        UnitMapping.all_objects.filter(old_unit__code="82", level=UnitLevel.PROVINCE).update(
            note="edited"
        )
        UnitMapping.all_objects.filter(old_unit__code="00070").first().hard_delete()

        counts = places_load()

        yen_bai.refresh_from_db()
        self.assertEqual(yen_bai.name, "Tỉnh Yên Bái")
        self.assertEqual(yen_bai.search_text, "tinh yen bai 15")
        self.assertEqual(counts["mappings_created"], 1)
        self.assertEqual(counts["mappings_updated"], 1)
        # A mapping someone put in the trash stays there.
        self.assertFalse(UnitMapping.objects.filter(old_unit=yen_bai).exists())
        self.assertTrue(UnitMapping.all_objects.filter(old_unit=yen_bai).exists())
        tien_giang = UnitMapping.objects.get(old_unit__code="82", level=UnitLevel.PROVINCE)
        self.assertNotEqual(tien_giang.note, "edited")
        self.assertEqual(tien_giang.version, 2)

    def test_leaves_manual_mappings_alone(self):
        mapping = UnitMapping.objects.get(old_unit__code="87", level=UnitLevel.PROVINCE)
        mapping.basis = MappingBasis.MANUAL
        mapping.note = "Checked against Resolution 202/2025/QH15"
        mapping.save()
        places_load()
        mapping.refresh_from_db()
        self.assertEqual(mapping.basis, MappingBasis.MANUAL)
        self.assertEqual(mapping.note, "Checked against Resolution 202/2025/QH15")

    def test_management_command(self):
        from django.core.management import call_command

        out = io.StringIO()
        call_command("load_places", stdout=out)
        self.assertIn("3321 communes", out.getvalue())
        self.assertIn("vietnam-provinces 0.6.0", out.getvalue())
