#!/usr/bin/env python
"""Generate ``huunghi/places/data/units-pre-2025.json.gz``: Vietnam's units before 1 July 2025.

The project pins ``vietnam-provinces==2025.10.1`` (34 provinces, 3,321 communes, no districts).
The units in force before 1 July 2025 (63 provinces, their districts and communes) are only in
the older release ``0.6.0``, and the two releases cannot be installed side by side. This script
installs 0.6.0 into a temporary folder, reads its ``data/nested-divisions.json`` and writes the
compact, deterministic data file that the ``places`` loader reads.

Usage (from the project root)::

    .venv/bin/python scripts/generate_legacy_units.py
    .venv/bin/python scripts/generate_legacy_units.py --package-dir /path/to/unpacked/0.6.0

The output is byte-for-byte the same on every run, so a regenerated file shows no diff unless
the data changed.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "vietnam-provinces"
VERSION = "0.6.0"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "huunghi" / "places" / "data" / "units-pre-2025.json.gz"

SOURCE = {
    "package": PACKAGE,
    "package_version": VERSION,
    "package_url": "https://pypi.org/project/vietnam-provinces/0.6.0/",
    "package_author": "Nguyễn Hồng Quân (https://github.com/sunshine-tech/VietnamProvinces)",
    "data_publisher": "General Statistics Office of Vietnam (GSO), Danh mục hành chính",
    "data_url": "https://danhmuchanhchinh.gso.gov.vn/",
    "licence": (
        "Unit names, codes and hierarchy are public administrative data published by the "
        "General Statistics Office of Vietnam (GSO). Only these facts are reproduced here, "
        "not the package's code. The 0.6.0 wheel declares no licence in its metadata; the "
        "upstream repository declares GPL-3.0-or-later for the package."
    ),
    "generated_by": "scripts/generate_legacy_units.py",
    "notes": [
        "Codes are zero-padded GSO codes: 2 digits for provinces, 3 for districts, 5 for communes.",
        "The package labels every unit 'tỉnh', 'huyện' or 'xã'; division_type here is derived "
        "from the name prefix instead.",
        "Province codenames drop the package's 'tinh_' or 'thanh_pho_' prefix (e.g. "
        "'tien_giang'), as the 2025 release does; districts and communes keep the package "
        "codename.",
        "Runs of spaces inside names are collapsed to one.",
    ],
}

# Name prefix (lower case) -> division type, per level; the longest prefix is tried first.
PROVINCE_TYPES = {"thành phố": "thành phố trung ương", "tỉnh": "tỉnh"}
DISTRICT_TYPES = {
    "thành phố": "thành phố thuộc tỉnh",
    "thị xã": "thị xã",
    "quận": "quận",
    "huyện": "huyện",
}
COMMUNE_TYPES = {"thị trấn": "thị trấn", "phường": "phường", "xã": "xã"}
# Thủ Đức (Hồ Chí Minh) and Thuỷ Nguyên (Hải Phòng) are cities inside a centrally-run city.
CITY_IN_CITY = "thành phố thuộc thành phố trung ương"

_SPACES = re.compile(r"\s+")


def clean_name(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


def division_type(name: str, types: dict[str, str]) -> str:
    lowered = name.lower()
    for prefix in sorted(types, key=len, reverse=True):
        if lowered.startswith(prefix + " "):
            return types[prefix]
    raise ValueError(f"Unknown division prefix in {name!r}")


def province_codename(codename: str) -> str:
    for prefix in ("thanh_pho_", "tinh_"):
        if codename.startswith(prefix):
            return codename[len(prefix) :]
    return codename


def install(target: Path) -> Path:
    """Install the pinned release into ``target`` and return its package folder."""
    # The command and its arguments are fixed here; nothing comes from outside.
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(target),
            f"{PACKAGE}=={VERSION}",
        ],
        check=True,
    )
    return target / "vietnam_provinces"


def check_version(package_dir: Path) -> str:
    """Refuse any release but the pinned one; return its data version."""
    init = (package_dir / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", init)
    data_version = re.search(r"__data_version__\s*=\s*['\"]([^'\"]+)", init)
    if not version or version.group(1) != VERSION:
        raise SystemExit(f"Expected {PACKAGE} {VERSION} in {package_dir}")
    return data_version.group(1) if data_version else ""


def convert(nested: list[dict]) -> dict:
    """Turn the package's nested provinces/districts/wards into three sorted row lists."""
    provinces, districts, communes = [], [], []
    for province in nested:
        p_code = f"{province['code']:02d}"
        p_name = clean_name(province["name"])
        provinces.append(
            [
                p_code,
                p_name,
                province_codename(province["codename"]),
                division_type(p_name, PROVINCE_TYPES),
            ]
        )
        for district in province["districts"]:
            d_code = f"{district['code']:03d}"
            d_name = clean_name(district["name"])
            d_type = division_type(d_name, DISTRICT_TYPES)
            if d_type == "thành phố thuộc tỉnh" and p_name.lower().startswith("thành phố "):
                d_type = CITY_IN_CITY
            districts.append([d_code, p_code, d_name, district["codename"], d_type])
            for ward in district["wards"]:
                w_name = clean_name(ward["name"])
                communes.append(
                    [
                        f"{ward['code']:05d}",
                        d_code,
                        w_name,
                        ward["codename"],
                        division_type(w_name, COMMUNE_TYPES),
                    ]
                )
    for rows in (provinces, districts, communes):
        rows.sort(key=lambda row: row[0])
        codes = [row[0] for row in rows]
        if len(codes) != len(set(codes)):
            raise SystemExit("Duplicate codes in the package data")
    return {"provinces": provinces, "districts": districts, "communes": communes}


def write(data: dict, output: Path) -> bytes:
    """Write gzip JSON with a fixed header (no file name, mtime 0), so output is reproducible."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(payload.encode("utf-8"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--package-dir",
        type=Path,
        help="an unpacked vietnam_provinces 0.6.0 folder to read instead of installing one",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="vietnam-provinces-0.6.0-") as tmp:
        package_dir = args.package_dir or install(Path(tmp))
        data_version = check_version(package_dir)
        nested = json.loads((package_dir / "data" / "nested-divisions.json").read_text("utf-8"))
    data = convert(nested)
    data["source"] = {**SOURCE, "data_version": data_version}
    content = write(data, args.output)
    print(
        f"{args.output}: {len(data['provinces'])} provinces, {len(data['districts'])} districts, "
        f"{len(data['communes'])} communes ({len(content):,} bytes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
