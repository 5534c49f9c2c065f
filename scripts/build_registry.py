"""Regenerate provinces.csv, crosswalk.csv and regions.csv in this folder.

Run from the repository root (needs the dev-only ``vietnamadminunits`` package)::

    python -m scripts.build_registry

Codes, Vietnamese names and centroids come from the SQLite database shipped
with ``vietnamadminunits`` (tables ``admin_units_legacy``: 63 provinces, and
``admin_units``: 34 provinces). Everything else is curated by hand below:
English names, the six GSO socio-economic regions and the 63 -> 34 crosswalk
(which is checked against the package's ``converter_2025.json`` before writing).

One deliberate disagreement: the package's legacy table calls code 46
"Thành phố Huế" (its name from 2025-01-01 to 2025-06-30). For the 2008 layout we
keep the name it had for nearly all of that layout's life, "Tỉnh Thừa Thiên Huế",
so that 2008-2024 statistics read naturally; its centroid is unchanged.

The product never imports this script nor ``vietnamadminunits``: it reads the CSVs.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

from data import schema as s

#: Where the registry files live (read by :mod:`data.registry`).
HERE = Path(__file__).resolve().parents[1] / "data" / "registry"

#: new code (2025) <- old codes (2008), Resolution 202/2025/QH15.
CROSSWALK = {
    "01": ["01"], "04": ["04"], "08": ["02", "08"], "11": ["11"], "12": ["12"],
    "14": ["14"], "15": ["10", "15"], "19": ["06", "19"], "20": ["20"], "22": ["22"],
    "24": ["24", "27"], "25": ["17", "25", "26"], "31": ["30", "31"], "33": ["33", "34"],
    "37": ["35", "36", "37"], "38": ["38"], "40": ["40"], "42": ["42"], "44": ["44", "45"],
    "46": ["46"], "48": ["48", "49"], "51": ["51", "62"], "52": ["52", "64"],
    "56": ["56", "58"], "66": ["54", "66"], "68": ["60", "67", "68"], "75": ["70", "75"],
    "79": ["74", "77", "79"], "80": ["72", "80"], "82": ["82", "87"],
    "86": ["83", "84", "86"], "91": ["89", "91"], "92": ["92", "93", "94"], "96": ["95", "96"],
}  # fmt: skip

#: GSO socio-economic regions: code -> (Vietnamese name, English name, 2008 codes).
REGIONS = {
    "NMM": ("Trung du và miền núi phía Bắc", "Northern Midlands and Mountains",
            ["02", "04", "06", "08", "10", "15", "19", "20", "24", "25", "11", "12", "14", "17"]),
    "RRD": ("Đồng bằng sông Hồng", "Red River Delta",
            ["01", "26", "27", "22", "30", "31", "33", "34", "35", "36", "37"]),
    "NCC": ("Bắc Trung Bộ và duyên hải miền Trung", "North Central and Central Coast",
            ["38", "40", "42", "44", "45", "46", "48", "49", "51", "52", "54", "56", "58", "60"]),
    "CH": ("Tây Nguyên", "Central Highlands", ["62", "64", "66", "67", "68"]),
    "SE": ("Đông Nam Bộ", "Southeast", ["70", "72", "74", "75", "77", "79"]),
    "MRD": ("Đồng bằng sông Cửu Long", "Mekong River Delta",
            ["80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96"]),
}  # fmt: skip

#: English names that are not simply the name without diacritics.
ENGLISH = {"Hà Nội": "Hanoi", "Hồ Chí Minh": "Ho Chi Minh City"}

#: 2008-layout overrides of the package's legacy table (see the module docstring).
LEGACY_OVERRIDES = {"46": ("Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế")}

PROVINCE_COLUMNS = [s.LAYOUT, s.CODE, s.NAME_VI, s.FULL_NAME_VI, s.NAME_ASCII, s.NAME_EN,
                    s.UNIT_TYPE, s.REGION, s.LAT, s.LON]  # fmt: skip


def ascii_name(text: str) -> str:
    """Drop Vietnamese diacritics: "Đắk Lắk" -> "Dak Lak"."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _units(table: str) -> list[dict]:
    from vietnamadminunits.database import query

    return query(
        "SELECT DISTINCT provinceCode, province, provinceShort, provinceLat, provinceLon "
        f"FROM {table} ORDER BY provinceCode"
    )


def province_rows() -> list[dict]:
    """The 63 + 34 province rows, ready for provinces.csv."""
    region_of = {code: rc for rc, (_, _, codes) in REGIONS.items() for code in codes}
    rows = []
    for layout, table in ((s.LAYOUT_2008, "admin_units_legacy"), (s.LAYOUT_2025, "admin_units")):
        for unit in _units(table):
            code = unit["provinceCode"]
            short, full = unit["provinceShort"], unit["province"]
            if layout == s.LAYOUT_2008:
                short, full = LEGACY_OVERRIDES.get(code, (short, full))
            short, full = unicodedata.normalize("NFC", short), unicodedata.normalize("NFC", full)
            rows.append({
                s.LAYOUT: layout, s.CODE: code, s.NAME_VI: short, s.FULL_NAME_VI: full,
                s.NAME_ASCII: ascii_name(short),
                s.NAME_EN: ENGLISH.get(short, ascii_name(short)),
                s.UNIT_TYPE: "city" if full.startswith("Thành phố") else "province",
                s.REGION: region_of[code] if layout == s.LAYOUT_2008 else "",
                s.LAT: unit["provinceLat"], s.LON: unit["provinceLon"],
            })  # fmt: skip
    return rows


def check_crosswalk(rows: list[dict]) -> None:
    """Fail loudly when the hand-written crosswalk disagrees with the package."""
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    by_key = json.loads(path.read_text(encoding="utf-8"))["DICT_PROVINCE"]
    from vietnamadminunits.database import query

    def keys(table: str) -> dict[str, str]:
        sql = f"SELECT DISTINCT provinceKey, provinceCode FROM {table}"
        return {r["provinceKey"]: r["provinceCode"] for r in query(sql)}

    new, old = keys("admin_units"), keys("admin_units_legacy")
    theirs = {new[k]: sorted(old[o] for o in olds) for k, olds in by_key.items()}
    ours = {k: sorted(v) for k, v in CROSSWALK.items()}
    if theirs != ours:
        raise SystemExit(f"Crosswalk disagrees with vietnamadminunits: {theirs} != {ours}")


def write(rows: list[dict]) -> None:
    """Write the three CSV files next to this script."""
    with open(HERE / "provinces.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, PROVINCE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r[s.LAYOUT], r[s.CODE])))
    with open(HERE / "crosswalk.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([s.OLD_CODE, s.NEW_CODE])
        pairs = sorted((old, new) for new, olds in CROSSWALK.items() for old in olds)
        writer.writerows(pairs)
    with open(HERE / "regions.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([s.REGION_CODE, s.NAME_VI, s.NAME_EN])
        writer.writerows([code, vi, en] for code, (vi, en, _) in REGIONS.items())


if __name__ == "__main__":
    province_rows_ = province_rows()
    check_crosswalk(province_rows_)
    write(province_rows_)
    print(f"Wrote {len(province_rows_)} provinces to {HERE}")
