"""Loading the reference data of the places app: countries, units and their mapping."""

from __future__ import annotations

import csv
import gettext
import gzip
import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pycountry
import vietnam_provinces
from django.apps import apps as global_apps
from django.db import transaction
from django.utils import timezone

from huunghi.core.text import normalise

from .choices import CodeSystem, MappingBasis, UnitLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
LEGACY_UNITS_FILE = DATA_DIR / "units-pre-2025.json.gz"
MERGER_FILE = DATA_DIR / "provinces-2025-merger.csv"
COUNTRY_NAMES_FILE = DATA_DIR / "country-names-vi.csv"
PACKAGE_VERSION = "2025.10.1"
BATCH_SIZE = 1000

_SPACES = re.compile(r"\s+")


def _clean(name: str) -> str:
    # A few 2025 names carry a double space ("Xã  Xuân Giang").
    return _SPACES.sub(" ", name).strip()


def _unit_search_text(name: str, name_en: str, code: str) -> str:
    # Same recipe as AdministrativeUnit.make_search_text; historical models in migrations
    # have no custom methods, so the loader keeps its own copy.
    return normalise(f"{name} {name_en} {code}")


def _country_search_text(row: dict) -> str:
    # Same recipe as Country.build_search_text.
    return normalise(f"{row['code']} {row['alpha3']} {row['name_vi']} {row['name_en']}")


def read_current_units() -> tuple[list[dict], list[dict]]:
    """Provinces and communes from 1 July 2025, as plain dicts, from the pinned package."""
    if vietnam_provinces.__version__ != PACKAGE_VERSION:
        raise RuntimeError(
            f"vietnam-provinces {PACKAGE_VERSION} is required, found {vietnam_provinces.__version__}"
        )
    nested = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    provinces, communes = [], []
    for province in nested:
        p_code = f"{province['code']:02d}"
        provinces.append(
            {
                "code": p_code,
                "name": _clean(province["name"]),
                "codename": province["codename"],
                "division_type": province["division_type"],
                "parent": None,
            }
        )
        for ward in province["wards"]:
            communes.append(
                {
                    "code": f"{ward['code']:05d}",
                    "name": _clean(ward["name"]),
                    "codename": ward["codename"],
                    "division_type": ward["division_type"],
                    "parent": p_code,
                }
            )
    return provinces, communes


def read_legacy_units() -> tuple[dict, list[dict], list[dict], list[dict]]:
    """The source header, provinces, districts and communes before 1 July 2025."""
    with gzip.open(LEGACY_UNITS_FILE, "rt", encoding="utf-8") as f:
        data = json.load(f)
    provinces = [
        {"code": c, "name": n, "codename": cn, "division_type": t, "parent": None}
        for c, n, cn, t in data["provinces"]
    ]
    districts = [
        {"code": c, "name": n, "codename": cn, "division_type": t, "parent": p}
        for c, p, n, cn, t in data["districts"]
    ]
    communes = [
        {"code": c, "name": n, "codename": cn, "division_type": t, "parent": p}
        for c, p, n, cn, t in data["communes"]
    ]
    return data["source"], provinces, districts, communes


def read_merger_table() -> list[dict]:
    """The 63 rows of the provinces merger table."""
    with MERGER_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_country_names_vi() -> dict[str, str]:
    """The project's Vietnamese names for the countries the network works with most, where
    pycountry's catalogue is archaic ("Căm Bốt"), wrong or missing (Czechia, Türkiye)."""
    with COUNTRY_NAMES_FILE.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["name_vi"] for row in csv.DictReader(f)}


def read_countries() -> list[dict]:
    """Every ISO 3166-1 country with a Vietnamese name: the project's own names first, then
    pycountry's catalogue, then the English name."""
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["vi"])
    own = read_country_names_vi()
    rows = []
    for country in pycountry.countries:
        rows.append(
            {
                "code": country.alpha_2,
                "alpha3": country.alpha_3,
                # gettext returns the msgid itself when there is no translation: the fallback.
                "name_vi": own.get(country.alpha_2) or catalogue.gettext(country.name),
                "name_en": getattr(country, "common_name", None) or country.name,
            }
        )
    return sorted(rows, key=lambda row: row["code"])


_UNIT_FIELDS = ("name", "name_en", "codename", "division_type", "parent_id", "search_text")


def _upsert_units(
    Unit, using: str, code_system: str, level: str, rows: list[dict], parent_ids: dict[str, int]
) -> dict[str, int]:
    """Insert missing units of one level and update changed ones; return ``{code: id}``.

    Unchanged rows are not written, so loading again costs little more than reading.
    """
    manager = Unit._base_manager.using(using)
    existing = {
        code: (pk, values)
        for code, pk, *values in manager.filter(code_system=code_system, level=level).values_list(
            "code", "id", *_UNIT_FIELDS
        )
    }
    to_create, to_update = [], []
    for row in rows:
        name_en = row.get("name_en", "")
        values = (
            row["name"],
            name_en,
            row["codename"],
            row["division_type"],
            parent_ids[row["parent"]] if row["parent"] else None,
            _unit_search_text(row["name"], name_en, row["code"]),
        )
        fields = dict(zip(_UNIT_FIELDS, values, strict=True))
        if row["code"] not in existing:
            to_create.append(Unit(code_system=code_system, level=level, code=row["code"], **fields))
        else:
            pk, current = existing[row["code"]]
            if tuple(current) != values:
                to_update.append(Unit(pk=pk, code_system=code_system, level=level, **fields))
    manager.bulk_create(
        to_create,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["code_system", "level", "code"],
        update_fields=[f.removesuffix("_id") for f in _UNIT_FIELDS],
    )
    manager.bulk_update(
        to_update, [f.removesuffix("_id") for f in _UNIT_FIELDS], batch_size=BATCH_SIZE
    )
    return dict(manager.filter(code_system=code_system, level=level).values_list("code", "id"))


def _mapping_rows(
    merger: list[dict],
    legacy_communes: list[dict],
    current_communes: list[dict],
) -> list[dict]:
    """Mappings as ``{level, old, new, basis, note, is_confirmed}`` with codes, not ids."""
    rows = []
    for row in merger:
        inferred = row["capital_basis"] == "inferred-from-code"
        note = (
            "Merged with other provinces" if row["merged"] == "yes" else "Unchanged"
        ) + f"; seat basis: {row['capital_basis']}"
        if row["hosts_new_capital"] == "yes":
            note += "; holds the seat of the new province"
        rows.append(
            {
                "level": UnitLevel.PROVINCE,
                "old": row["old_code"].zfill(2),
                "new": row["new_code"].zfill(2),
                "basis": MappingBasis.MERGER_TABLE,
                "note": note,
                "is_confirmed": not inferred,
            }
        )
    # The 2025 commune codes reuse GSO codes of pre-2025 communes. The package says nothing
    # else about which old communes a new one was formed from, so a surviving code is all
    # we can map from the data.
    old_codes = {c["code"] for c in legacy_communes}
    for commune in current_communes:
        if commune["code"] in old_codes:
            rows.append(
                {
                    "level": UnitLevel.COMMUNE,
                    "old": commune["code"],
                    "new": commune["code"],
                    "basis": MappingBasis.PACKAGE_CODES,
                    "note": "The 2025 commune keeps this commune's GSO code",
                    "is_confirmed": True,
                }
            )
    return rows


def _upsert_mappings(
    Mapping, using: str, rows: Iterable[dict], ids: dict, names: dict[int, str]
) -> tuple[int, int]:
    """Insert missing mappings and refresh loader-made ones; never touch manual ones.

    Returns ``(created, updated)``. Rows in the trash stay in the trash.
    """
    wanted = {}
    for row in rows:
        level = row["level"]
        old_id = ids[CodeSystem.GSO_PRE_2025, level][row["old"]]
        new_id = ids[CodeSystem.GSO_2025, level][row["new"]]
        wanted[old_id, new_id] = row
    # The base manager sees the trash too, and historical models in migrations have it.
    manager = Mapping._base_manager.using(using)
    compared = ("level", "basis", "note", "is_confirmed", "search_text")
    existing = {
        (old_id, new_id): (pk, version, dict(zip(compared, values, strict=True)))
        for old_id, new_id, pk, version, *values in manager.values_list(
            "old_unit_id", "new_unit_id", "id", "version", *compared
        )
    }
    now = timezone.now()
    to_create, to_update = [], []
    for (old_id, new_id), row in wanted.items():
        fields = {
            "level": row["level"],
            "basis": row["basis"],
            "note": row["note"],
            "is_confirmed": row["is_confirmed"],
            "search_text": normalise(f"{names[old_id]} {names[new_id]} {row['note']}"),
        }
        if (old_id, new_id) not in existing:
            to_create.append(Mapping(old_unit_id=old_id, new_unit_id=new_id, **fields))
            continue
        pk, version, current = existing[old_id, new_id]
        if current["basis"] != MappingBasis.MANUAL and current != fields:
            to_update.append(Mapping(pk=pk, version=version + 1, updated_at=now, **fields))
    manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    manager.bulk_update(to_update, [*compared, "version", "updated_at"], batch_size=BATCH_SIZE)
    return len(to_create), len(to_update)


def places_load(*, stdout: IO[str] | None = None, apps=None, using: str = "default") -> dict:
    """Load countries, 2025 and pre-2025 units and the old-to-new mapping. Idempotent.

    Units and countries are upserted by their natural keys; mappings are inserted when
    missing and refreshed when the data changed, except those a national administrator
    entered (basis ``manual``), which the loader never changes. ``apps`` is the app
    registry to take models from (a migration passes its historical one). Returns the
    counts that were loaded.
    """
    apps = apps or global_apps
    Country = apps.get_model("places", "Country")
    Unit = apps.get_model("places", "AdministrativeUnit")
    Mapping = apps.get_model("places", "UnitMapping")
    started = time.monotonic()

    countries = read_countries()
    current_provinces, current_communes = read_current_units()
    source, legacy_provinces, legacy_districts, legacy_communes = read_legacy_units()
    merger = read_merger_table()

    with transaction.atomic(using=using):
        Country.objects.using(using).bulk_create(
            [Country(**row, search_text=_country_search_text(row)) for row in countries],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["alpha3", "name_vi", "name_en", "search_text"],
        )

        new, old = CodeSystem.GSO_2025, CodeSystem.GSO_PRE_2025
        ids: dict = {}
        ids[new, UnitLevel.PROVINCE] = _upsert_units(
            Unit, using, new, UnitLevel.PROVINCE, current_provinces, {}
        )
        ids[new, UnitLevel.COMMUNE] = _upsert_units(
            Unit, using, new, UnitLevel.COMMUNE, current_communes, ids[new, UnitLevel.PROVINCE]
        )
        ids[old, UnitLevel.PROVINCE] = _upsert_units(
            Unit, using, old, UnitLevel.PROVINCE, legacy_provinces, {}
        )
        ids[old, UnitLevel.DISTRICT] = _upsert_units(
            Unit, using, old, UnitLevel.DISTRICT, legacy_districts, ids[old, UnitLevel.PROVINCE]
        )
        ids[old, UnitLevel.COMMUNE] = _upsert_units(
            Unit, using, old, UnitLevel.COMMUNE, legacy_communes, ids[old, UnitLevel.DISTRICT]
        )

        _check_merger_table(merger, ids)
        names = dict(Unit.objects.using(using).values_list("id", "name"))
        created, updated = _upsert_mappings(
            Mapping, using, _mapping_rows(merger, legacy_communes, current_communes), ids, names
        )

    counts = {
        "countries": len(countries),
        "provinces_2025": len(current_provinces),
        "communes_2025": len(current_communes),
        "provinces_pre_2025": len(legacy_provinces),
        "districts_pre_2025": len(legacy_districts),
        "communes_pre_2025": len(legacy_communes),
        "mappings_created": created,
        "mappings_updated": updated,
        "seconds": round(time.monotonic() - started, 2),
    }
    if stdout is not None:
        stdout.write(
            "Loaded {countries} countries; 2025-07: {provinces_2025} provinces, "
            "{communes_2025} communes; pre-2025-07: {provinces_pre_2025} provinces, "
            "{districts_pre_2025} districts, {communes_pre_2025} communes; mappings: "
            "{mappings_created} created, {mappings_updated} updated ({seconds} s).\n".format(
                **counts
            )
        )
        stdout.write(
            f"Pre-2025 units: {source['package']} {source['package_version']} "
            f"(data {source['data_version']}), {source['data_publisher']}.\n"
        )
    return counts


def _check_merger_table(merger: list[dict], ids: dict) -> None:
    """Refuse a merger table whose codes do not match the loaded provinces."""
    old_codes = {row["old_code"].zfill(2) for row in merger}
    new_codes = {row["new_code"].zfill(2) for row in merger}
    if old_codes != set(ids[CodeSystem.GSO_PRE_2025, UnitLevel.PROVINCE]):
        raise RuntimeError("The merger table does not list exactly the pre-2025 provinces.")
    if new_codes != set(ids[CodeSystem.GSO_2025, UnitLevel.PROVINCE]):
        raise RuntimeError("The merger table does not lead to exactly the 2025 provinces.")
