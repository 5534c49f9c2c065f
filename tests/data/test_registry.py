"""Tests of the province registry, the crosswalk and the regions."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from data import registry
from data import schema as s

try:
    import vietnamadminunits
    from vietnamadminunits.database import query
except ImportError:  # dev-only dependency
    vietnamadminunits = None

needs_vau = pytest.mark.skipif(
    vietnamadminunits is None,
    reason="vietnamadminunits is not installed: cannot cross-check the registry against it",
)

#: new code (2025) <- old codes (2008), as enacted by Resolution 202/2025/QH15.
EXPECTED_CROSSWALK = {
    "01": ["01"], "04": ["04"], "08": ["02", "08"], "11": ["11"], "12": ["12"],
    "14": ["14"], "15": ["10", "15"], "19": ["06", "19"], "20": ["20"], "22": ["22"],
    "24": ["24", "27"], "25": ["17", "25", "26"], "31": ["30", "31"], "33": ["33", "34"],
    "37": ["35", "36", "37"], "38": ["38"], "40": ["40"], "42": ["42"], "44": ["44", "45"],
    "46": ["46"], "48": ["48", "49"], "51": ["51", "62"], "52": ["52", "64"],
    "56": ["56", "58"], "66": ["54", "66"], "68": ["60", "67", "68"], "75": ["70", "75"],
    "79": ["74", "77", "79"], "80": ["72", "80"], "82": ["82", "87"],
    "86": ["83", "84", "86"], "91": ["89", "91"], "92": ["92", "93", "94"], "96": ["95", "96"],
}  # fmt: skip

#: Codes whose province changed on 2025-07-01: code -> (2008 name, 2025 name).
CHANGED_MEANING = {
    "15": ("Yên Bái", "Lào Cai"),
    "24": ("Bắc Giang", "Bắc Ninh"),
    "44": ("Quảng Bình", "Quảng Trị"),
    "52": ("Bình Định", "Gia Lai"),
    "80": ("Long An", "Tây Ninh"),
    "82": ("Tiền Giang", "Đồng Tháp"),
    "91": ("Kiên Giang", "An Giang"),
}

PROVINCE_COLUMNS = [s.LAYOUT, s.CODE, s.NAME_VI, s.FULL_NAME_VI, s.NAME_ASCII, s.NAME_EN,
                    s.UNIT_TYPE, s.REGION, s.LAT, s.LON]  # fmt: skip


def test_province_counts_and_columns():
    frame = registry.provinces()
    assert list(frame.columns) == PROVINCE_COLUMNS
    assert frame[s.LAYOUT].value_counts().to_dict() == {s.LAYOUT_2008: 63, s.LAYOUT_2025: 34}
    assert len(registry.provinces(s.LAYOUT_2008)) == 63
    assert len(registry.provinces(s.LAYOUT_2025)) == 34


@pytest.mark.parametrize("layout", s.LAYOUTS)
def test_codes_unique_two_digit_and_sorted(layout):
    codes = registry.provinces(layout)[s.CODE]
    assert codes.is_unique
    assert codes.str.fullmatch(r"\d{2}").all()
    assert codes.tolist() == sorted(codes)


def test_sorted_by_layout_then_code():
    frame = registry.provinces()
    keys = list(zip(frame[s.LAYOUT], frame[s.CODE]))
    assert keys == sorted(keys)


def test_bad_layout_rejected():
    with pytest.raises(ValueError, match="'layout' parameter must be one of"):
        registry.provinces("2020")


def test_returns_copies():
    for frame, column in [
        (registry.provinces(), s.NAME_VI),
        (registry.crosswalk(), s.NEW_CODE),
        (registry.regions(), s.NAME_EN),
    ]:
        frame.loc[0, column] = "changed"
    assert registry.provinces().loc[0, s.NAME_VI] == "Hà Nội"
    assert registry.crosswalk().loc[0, s.NEW_CODE] == "01"
    assert registry.regions().loc[0, s.NAME_EN] == "Northern Midlands and Mountains"


def test_unit_types():
    frame = registry.provinces()
    assert set(frame[s.UNIT_TYPE]) == set(s.UNIT_TYPES)
    cities = frame[frame[s.UNIT_TYPE] == "city"].groupby(s.LAYOUT)[s.NAME_VI].apply(set)
    five = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
    assert cities[s.LAYOUT_2008] == five
    assert cities[s.LAYOUT_2025] == five | {"Huế"}
    full_city = frame[s.FULL_NAME_VI].str.startswith("Thành phố ")
    assert (full_city == (frame[s.UNIT_TYPE] == "city")).all()


@pytest.mark.parametrize(
    ("layout", "code", "vi", "full", "ascii_", "en"),
    [
        ("2008", "01", "Hà Nội", "Thành phố Hà Nội", "Ha Noi", "Hanoi"),
        ("2008", "46", "Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế", "Thua Thien Hue", "Thua Thien Hue"),
        ("2008", "77", "Bà Rịa - Vũng Tàu", "Tỉnh Bà Rịa - Vũng Tàu", "Ba Ria - Vung Tau",
         "Ba Ria - Vung Tau"),
        ("2008", "79", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Ho Chi Minh", "Ho Chi Minh City"),
        ("2008", "66", "Đắk Lắk", "Tỉnh Đắk Lắk", "Dak Lak", "Dak Lak"),
        ("2025", "46", "Huế", "Thành phố Huế", "Hue", "Hue"),
        ("2025", "48", "Đà Nẵng", "Thành phố Đà Nẵng", "Da Nang", "Da Nang"),
        ("2025", "52", "Gia Lai", "Tỉnh Gia Lai", "Gia Lai", "Gia Lai"),
    ],
)  # fmt: skip
def test_known_names(layout, code, vi, full, ascii_, en):
    frame = registry.provinces(layout).set_index(s.CODE)
    row = frame.loc[code]
    assert (row[s.NAME_VI], row[s.FULL_NAME_VI], row[s.NAME_ASCII], row[s.NAME_EN]) == (
        vi, full, ascii_, en,
    )  # fmt: skip


def test_names_are_nfc_and_ascii_is_ascii():
    frame = registry.provinces()
    for column in (s.NAME_VI, s.FULL_NAME_VI):
        assert all(unicodedata.is_normalized("NFC", v) for v in frame[column])
    for name in registry.regions()[s.NAME_VI]:
        assert unicodedata.is_normalized("NFC", name)
    assert all(v.isascii() for v in frame[s.NAME_ASCII])
    assert all(v.isascii() for v in frame[s.NAME_EN])


def test_centroids_inside_vietnam():
    frame = registry.provinces()
    assert frame[s.LAT].between(8.0, 23.5).all()
    assert frame[s.LON].between(102.0, 110.0).all()


def test_crosswalk_equals_the_resolution():
    cw = registry.crosswalk()
    assert list(cw.columns) == [s.OLD_CODE, s.NEW_CODE]
    got: dict[str, list[str]] = {}
    for old, new in zip(cw[s.OLD_CODE], cw[s.NEW_CODE]):
        got.setdefault(new, []).append(old)
    assert {k: sorted(v) for k, v in got.items()} == EXPECTED_CROSSWALK


def test_crosswalk_covers_both_layouts():
    cw = registry.crosswalk()
    old_codes = set(registry.provinces(s.LAYOUT_2008)[s.CODE])
    new_codes = set(registry.provinces(s.LAYOUT_2025)[s.CODE])
    assert len(cw) == 63 and cw[s.OLD_CODE].is_unique
    assert set(cw[s.OLD_CODE]) == old_codes
    assert cw[s.NEW_CODE].nunique() == 34
    assert set(cw[s.NEW_CODE]) == new_codes


@pytest.mark.parametrize(("code", "names"), CHANGED_MEANING.items())
def test_codes_that_change_meaning(code, names):
    assert registry.province_name(s.LAYOUT_2008, code) == names[0]
    assert registry.province_name(s.LAYOUT_2025, code) == names[1]
    old = registry.provinces(s.LAYOUT_2008)
    old_code_of_new_name = old.loc[old[s.NAME_VI] == names[1], s.CODE].item()
    assert old_code_of_new_name != code
    assert sorted([code, old_code_of_new_name]) == sorted(registry.predecessors(code))


def test_exactly_seven_codes_change_meaning():
    old = registry.provinces(s.LAYOUT_2008).set_index(s.CODE)[s.NAME_VI]
    new = registry.provinces(s.LAYOUT_2025).set_index(s.CODE)[s.NAME_VI]
    shared = old.index.intersection(new.index)
    changed = {c for c in shared if old[c] != new[c] and c != "46"}  # 46: renamed, same place
    assert changed == set(CHANGED_MEANING)


def test_successor_and_predecessors():
    assert registry.successor("64") == "52"
    assert registry.successor("52") == "52"
    assert registry.successor("1") == "01"
    assert registry.predecessors("79") == ["74", "77", "79"]
    assert registry.predecessors("01") == ["01"]
    for new, olds in EXPECTED_CROSSWALK.items():
        assert registry.predecessors(new) == sorted(olds)
        assert all(registry.successor(old) == new for old in olds)


@pytest.mark.parametrize(
    ("func", "code"),
    [(registry.successor, "03"), (registry.predecessors, "02"), (registry.predecessors, "xx")],
)
def test_successor_predecessors_unknown(func, code):
    with pytest.raises(KeyError, match="No province with code"):
        func(code)


def test_province_name():
    assert registry.province_name("2008", "79") == "Hồ Chí Minh"
    assert registry.province_name("2008", "79", lang="en") == "Ho Chi Minh City"
    assert registry.province_name("2025", "46", lang="en") == "Hue"
    assert registry.province_name("2025", "1") == "Hà Nội"
    with pytest.raises(KeyError, match="No province with code '02' in the 2025 layout"):
        registry.province_name("2025", "02")
    with pytest.raises(ValueError, match="'lang' parameter"):
        registry.province_name("2025", "01", lang="fr")
    with pytest.raises(ValueError, match="'layout' parameter"):
        registry.province_name("1976", "01")


def test_regions():
    reg = registry.regions()
    assert list(reg.columns) == [s.REGION_CODE, s.NAME_VI, s.NAME_EN]
    assert reg[s.REGION_CODE].tolist() == ["NMM", "RRD", "NCC", "CH", "SE", "MRD"]
    assert reg.set_index(s.REGION_CODE).loc["RRD", s.NAME_VI] == "Đồng bằng sông Hồng"


def test_region_membership():
    frame = registry.provinces()
    old = frame[frame[s.LAYOUT] == s.LAYOUT_2008]
    counts = old[s.REGION].value_counts().to_dict()
    assert counts == {"NMM": 14, "RRD": 11, "NCC": 14, "CH": 5, "SE": 6, "MRD": 13}
    by_name = old.set_index(s.NAME_VI)[s.REGION]
    assert by_name["Quảng Ninh"] == "RRD"
    assert by_name["Bắc Giang"] == "NMM"
    assert by_name["Bình Thuận"] == "NCC"
    assert by_name["Lâm Đồng"] == "CH"
    assert by_name["Bà Rịa - Vũng Tàu"] == "SE"
    assert (frame.loc[frame[s.LAYOUT] == s.LAYOUT_2025, s.REGION] == "").all()


# --- agreement with vietnamadminunits (dev-only) -----------------------------------


def _units(table: str) -> dict[str, str]:
    rows = query(f"SELECT DISTINCT provinceCode, provinceShort FROM {table}")
    return {r["provinceCode"]: unicodedata.normalize("NFC", r["provinceShort"]) for r in rows}


@needs_vau
@pytest.mark.parametrize(
    ("layout", "table"),
    [(s.LAYOUT_2008, "admin_units_legacy"), (s.LAYOUT_2025, "admin_units")],
)
def test_agrees_with_vietnamadminunits_names(layout, table):
    ours = registry.provinces(layout).set_index(s.CODE)[s.NAME_VI].to_dict()
    theirs = _units(table)
    if layout == s.LAYOUT_2008:
        # vietnamadminunits names code 46 by its 2025-01-01..06-30 name "Huế";
        # we keep "Thừa Thiên Huế", its name for almost all of the 2008 layout's life.
        assert theirs.pop("46") == "Huế" and ours.pop("46") == "Thừa Thiên Huế"
    assert ours == theirs


@needs_vau
def test_agrees_with_vietnamadminunits_converter():
    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    by_key = json.loads(path.read_text(encoding="utf-8"))["DICT_PROVINCE"]

    def codes(table: str) -> dict[str, str]:
        rows = query(f"SELECT DISTINCT provinceKey, provinceCode FROM {table}")
        return {r["provinceKey"]: r["provinceCode"] for r in rows}

    new, old = codes("admin_units"), codes("admin_units_legacy")
    theirs = {new[k]: sorted(old[o] for o in olds) for k, olds in by_key.items()}
    assert theirs == EXPECTED_CROSSWALK


@pytest.mark.parametrize(
    ("layout", "code", "expected"),
    [
        ("2025", "52", [("2025", "52"), ("2008", "52"), ("2008", "64")]),  # Gia Lai = Bình Định + Gia Lai (2008)
        ("2025", "19", [("2025", "19"), ("2008", "06"), ("2008", "19")]),  # Thái Nguyên = Bắc Kạn + Thái Nguyên
        ("2008", "52", [("2008", "52")]),  # a 2008 province has no predecessors here
    ],
)
def test_with_predecessors(layout, code, expected):
    assert registry.with_predecessors(layout, code) == expected


def test_with_predecessors_names_a_wrong_layout():
    with pytest.raises(ValueError, match="'layout' parameter"):
        registry.with_predecessors("2020", "52")
