from django.test import TestCase

from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel
from huunghi.places.selectors import (
    current_province,
    current_unit,
    previous_units,
    province_by_codename,
    province_list,
    unit_get,
    unit_mapping_list,
    unit_search,
)

from .factories import AdministrativeUnitFactory, CommuneFactory, UnitMappingFactory

NEW = CodeSystem.GSO_2025
OLD = CodeSystem.GSO_PRE_2025


class CurrentUnitTests(TestCase):
    def test_2025_unit_is_its_own_current_unit(self):
        dong_thap = unit_get(NEW, UnitLevel.PROVINCE, "82")
        self.assertEqual(current_unit(dong_thap), dong_thap)
        commune = unit_get(NEW, UnitLevel.COMMUNE, "29869")
        self.assertEqual(current_unit(commune), commune)

    def test_pre_2025_province(self):
        tien_giang = unit_get(OLD, UnitLevel.PROVINCE, "82")
        self.assertEqual(tien_giang.name, "Tỉnh Tiền Giang")
        self.assertEqual(current_unit(tien_giang), unit_get(NEW, UnitLevel.PROVINCE, "82"))
        self.assertEqual(current_unit(unit_get(OLD, UnitLevel.PROVINCE, "87")).name, "Đồng Tháp")

    def test_pre_2025_district_goes_to_its_province(self):
        district = unit_get(OLD, UnitLevel.DISTRICT, "866")  # Thành phố Cao Lãnh
        self.assertEqual(district.parent.name, "Tỉnh Đồng Tháp")
        self.assertEqual(current_unit(district).name, "Đồng Tháp")

    def test_commune_whose_code_survived(self):
        old = unit_get(OLD, UnitLevel.COMMUNE, "00070")
        self.assertEqual(old.name, "Phường Hàng Trống")
        new = current_unit(old)
        self.assertEqual((new.code_system, new.code, new.name), (NEW, "00070", "Phường Hoàn Kiếm"))
        self.assertEqual(new.parent.name, "Thành phố Hà Nội")

    def test_commune_without_known_successor(self):
        old = unit_get(OLD, UnitLevel.COMMUNE, "00001")  # Phường Phúc Xá, code not reused
        self.assertIsNone(current_unit(old))
        self.assertEqual(current_province(old).name, "Thành phố Hà Nội")

    def test_current_province(self):
        self.assertEqual(current_province(unit_get(OLD, UnitLevel.DISTRICT, "866")).code, "82")
        commune = unit_get(NEW, UnitLevel.COMMUNE, "29869")
        self.assertEqual(current_province(commune).name, "Đồng Tháp")
        dong_thap = unit_get(NEW, UnitLevel.PROVINCE, "82")
        self.assertEqual(current_province(dong_thap), dong_thap)

    def test_trashed_mapping_is_not_followed(self):
        old = unit_get(OLD, UnitLevel.COMMUNE, "00070")
        old.successor_mappings.get().delete()
        self.assertIsNone(current_unit(old))


class PreviousUnitsTests(TestCase):
    def test_merged_province(self):
        dong_thap = unit_get(NEW, UnitLevel.PROVINCE, "82")
        self.assertEqual(
            list(previous_units(dong_thap).values_list("name", flat=True)),
            ["Tỉnh Tiền Giang", "Tỉnh Đồng Tháp"],
        )
        lao_cai = unit_get(NEW, UnitLevel.PROVINCE, "15")
        self.assertEqual(set(previous_units(lao_cai).values_list("code", flat=True)), {"10", "15"})

    def test_unchanged_province(self):
        hanoi = unit_get(NEW, UnitLevel.PROVINCE, "01")
        self.assertEqual(list(previous_units(hanoi).values_list("code", flat=True)), ["01"])

    def test_commune(self):
        new = unit_get(NEW, UnitLevel.COMMUNE, "00070")
        self.assertEqual(
            list(previous_units(new).values_list("name", flat=True)), ["Phường Hàng Trống"]
        )
        self.assertFalse(previous_units(unit_get(NEW, UnitLevel.COMMUNE, "20333")).exists())

    def test_pre_2025_unit_has_none(self):
        self.assertFalse(previous_units(unit_get(OLD, UnitLevel.PROVINCE, "82")).exists())

    def test_round_trip(self):
        for new in province_list():
            for old in previous_units(new):
                self.assertEqual(current_unit(old), new)

    def test_manual_split(self):
        old = CommuneFactory(code_system=OLD, parent=None)
        first = CommuneFactory(code="T9001")
        second = CommuneFactory(code="T9002")
        UnitMappingFactory(old_unit=old, new_unit=second)
        UnitMappingFactory(old_unit=old, new_unit=first)
        self.assertEqual(current_unit(old), first)
        self.assertEqual(list(previous_units(second)), [old])


class LookupTests(TestCase):
    def test_province_list(self):
        self.assertEqual(province_list().count(), 34)
        self.assertEqual(province_list(OLD).count(), 63)
        self.assertEqual(province_list().first().code, "01")

    def test_province_by_codename(self):
        self.assertEqual(province_by_codename("dong_thap").code, "82")
        self.assertEqual(province_by_codename("dong_thap", OLD).code, "87")
        self.assertEqual(province_by_codename("tien_giang", OLD).name, "Tỉnh Tiền Giang")
        self.assertIsNone(province_by_codename("tien_giang"))

    def test_unit_get_missing(self):
        with self.assertRaises(AdministrativeUnit.DoesNotExist):
            unit_get(NEW, UnitLevel.PROVINCE, "02")

    def test_unit_mapping_list(self):
        with self.assertNumQueries(1):
            rows = list(unit_mapping_list(level=UnitLevel.PROVINCE))
            self.assertEqual(len(rows), 63)
            self.assertEqual(str(rows[0]), "Thành phố Hà Nội → Thành phố Hà Nội")


class UnitSearchTests(TestCase):
    def test_ignores_diacritics_and_case(self):
        for query in ("dong thap", "Đồng Tháp", "DONG THAP", "  đồng   tháp "):
            with self.subTest(query=query):
                results = unit_search(query, level=UnitLevel.PROVINCE)
                self.assertEqual([u.name for u in results], ["Đồng Tháp"])

    def test_provinces_first(self):
        results = list(unit_search("dong thap"))
        self.assertEqual(results[0].name, "Đồng Tháp")

    def test_both_code_systems(self):
        names = set(
            unit_search("dong thap", code_system=None, level=UnitLevel.PROVINCE).values_list(
                "name", flat=True
            )
        )
        self.assertEqual(names, {"Đồng Tháp", "Tỉnh Đồng Tháp"})

    def test_by_code_and_within_parent(self):
        hanoi = unit_get(NEW, UnitLevel.PROVINCE, "01")
        results = unit_search("hoan kiem", parent=hanoi)
        self.assertEqual([u.code for u in results], ["00070"])
        self.assertEqual(unit_search("00070").get().name, "Phường Hoàn Kiếm")

    def test_every_word_must_match(self):
        self.assertFalse(unit_search("dong thap hanoi").exists())

    def test_factory_unit_found(self):
        AdministrativeUnitFactory(name="Tỉnh Thử Đặc Biệt")
        self.assertEqual(unit_search("thu dac biet").count(), 1)
