"""Tests of place-name matching: real-world spellings and their geography, by hand."""

from __future__ import annotations

import datetime as dt
import time
import unicodedata

import numpy as np
import pandas as pd
import pytest

from data import registry
from data import schema as s
from data.messages import Message
from data.names import (
    ERROR,
    ERROR_DETAIL,
    PROVINCE_ALIASES,
    AmbiguousNameError,
    GeoRef,
    UnknownNameError,
    normalize_name,
    resolve_name,
    resolve_names,
)


def nfd(text: str) -> str:
    """Decomposed form, as text decoded from Windows-1258 arrives."""
    out = unicodedata.normalize("NFD", text)
    assert out != text
    return out


P08, P25 = {"layout": "2008"}, {"layout": "2025"}
BEFORE, AFTER = {"date": "2025-06-30"}, {"date": "2025-07-01"}

# (text, keyword arguments, (level, layout, code)), each worked out by hand.
CASES = [
    # 2008-only names resolve without date or layout
    ("Bình Định", {}, ("province", "2008", "52")),
    ("Tỉnh Bình Định", {}, ("province", "2008", "52")),
    ("BINH DINH", {}, ("province", "2008", "52")),
    (nfd("Bình Định"), {}, ("province", "2008", "52")),
    # a date that contradicts a one-layout name does not stop it resolving
    ("Bình Định", {"date": "2025-11-03"}, ("province", "2008", "52")),
    ("Thừa Thiên Huế", {}, ("province", "2008", "46")),
    ("Thừa Thiên - Huế", {}, ("province", "2008", "46")),
    ("Thua Thien-Hue", {}, ("province", "2008", "46")),
    ("TT-Huế", {}, ("province", "2008", "46")),
    ("Bà Rịa - Vũng Tàu", {}, ("province", "2008", "77")),
    ("Bà Rịa–Vũng Tàu", {}, ("province", "2008", "77")),
    ("Bà Rịa — Vũng Tàu", {}, ("province", "2008", "77")),
    ("Tỉnh Bà Rịa-Vũng Tàu", {}, ("province", "2008", "77")),
    ("Ba Ria Vung Tau", {}, ("province", "2008", "77")),
    ("BRVT", {}, ("province", "2008", "77")),
    ("Đắk Nông", {}, ("province", "2008", "67")),
    ("Dak Nong", {}, ("province", "2008", "67")),
    ("Đăk Nông", {}, ("province", "2008", "67")),
    ("Hòa Bình", {}, ("province", "2008", "17")),
    ("Hoà Bình", {}, ("province", "2008", "17")),
    (nfd("Hoà Bình"), {}, ("province", "2008", "17")),
    ("Yên Bái (1)", {}, ("province", "2008", "15")),
    ("Yên Bái*", {}, ("province", "2008", "15")),
    ("\u00a0 Kiên\u00a0\u00a0Giang  ", {}, ("province", "2008", "91")),
    ("Long An province", {}, ("province", "2008", "80")),
    ("Province of Long An", {}, ("province", "2008", "80")),
    (nfd("Tiền Giang"), {}, ("province", "2008", "82")),
    ("Bắc Cạn", {}, ("province", "2008", "06")),
    ("Bac Kan", {}, ("province", "2008", "06")),
    ("Quảng Bình", {}, ("province", "2008", "44")),
    ("Kontum", {}, ("province", "2008", "62")),
    # names in both layouts: the date picks the layout
    ("Hà Nội", BEFORE, ("province", "2008", "01")),
    ("Hanoi", AFTER, ("province", "2025", "01")),
    ("Gia Lai", BEFORE, ("province", "2008", "64")),
    ("Gia Lai", AFTER, ("province", "2025", "52")),
    ("Gia Lai", {"date": dt.date(2025, 11, 3)}, ("province", "2025", "52")),
    ("Gia Lai", {"date": pd.Timestamp("2024-03-31")}, ("province", "2008", "64")),
    ("Thái Nguyên", {"date": "2025-Q2"}, ("province", "2008", "19")),
    ("Thái Nguyên", {"date": "2025-Q3"}, ("province", "2025", "19")),
    ("Lào Cai", {"date": "2024"}, ("province", "2008", "10")),
    ("Lào Cai", {"date": "2026-01-15"}, ("province", "2025", "15")),
    ("Thanh Hoá", {"date": "2025-08"}, ("province", "2025", "38")),
    ("Tây Ninh", {"date": "2025-12-31"}, ("province", "2025", "80")),
    ("TP. Hồ Chí Minh", {"date": "2024-12-31"}, ("province", "2008", "79")),
    ("Thành phố Hồ Chí Minh", {"date": "2025-09-30"}, ("province", "2025", "79")),
    ("Đắk Lắk", AFTER, ("province", "2025", "66")),
    ("Hue", {"date": "2025-11-03"}, ("province", "2025", "46")),
    ("Thành phố Huế", {"date": "2024-06-30"}, ("province", "2008", "46")),
    ("Danang", {"date": "2020-01-01"}, ("province", "2008", "48")),
    # an explicit layout
    ("Ha Noi", P08, ("province", "2008", "01")),
    ("hà nội", P25, ("province", "2025", "01")),
    ("HÀ NỘI", P08, ("province", "2008", "01")),
    ("Thủ đô Hà Nội", P25, ("province", "2025", "01")),
    ("Hà Nội (1)", P25, ("province", "2025", "01")),
    ("Hà Nội*", P25, ("province", "2025", "01")),
    ("Hà Nội\u00b9", P08, ("province", "2008", "01")),
    ("Ho Chi Minh City", P25, ("province", "2025", "79")),
    ("HCMC", P25, ("province", "2025", "79")),
    ("TP.HCM", P08, ("province", "2008", "79")),
    ("TPHCM", P25, ("province", "2025", "79")),
    ("T.P. Hồ Chí Minh", P08, ("province", "2008", "79")),
    ("Tp Hồ Chí Minh", P25, ("province", "2025", "79")),
    ("Saigon", P08, ("province", "2008", "79")),
    ("Sài Gòn", P25, ("province", "2025", "79")),
    ("Huế", P08, ("province", "2008", "46")),
    ("Huế", P25, ("province", "2025", "46")),
    ("Da Nang", P25, ("province", "2025", "48")),
    ("Haiphong", P08, ("province", "2008", "31")),
    ("Hải Phòng city", P25, ("province", "2025", "31")),
    ("Can Tho", P25, ("province", "2025", "92")),
    ("TP Cần Thơ", P08, ("province", "2008", "92")),
    ("Dak Lak", P08, ("province", "2008", "66")),
    ("Daklak", P25, ("province", "2025", "66")),
    ("Đăk Lăk", P08, ("province", "2008", "66")),
    ("Đắc Lắc", P25, ("province", "2025", "66")),
    (nfd("Đắk Lắk"), P08, ("province", "2008", "66")),
    ("Khánh Hoà", P25, ("province", "2025", "56")),
    ("Khánh Hòa", P08, ("province", "2008", "56")),
    ("Quảng Trị", P25, ("province", "2025", "44")),
    ("Quảng Trị", P08, ("province", "2008", "45")),
    ("An Giang", P25, ("province", "2025", "91")),
    ("An Giang", P08, ("province", "2008", "89")),
    # bare codes, only with a layout
    ("01", P08, ("province", "2008", "01")),
    ("1", P25, ("province", "2025", "01")),
    ("52", P25, ("province", "2025", "52")),
    # the whole country
    ("Cả nước", {}, ("nation", None, "VN")),
    ("CẢ NƯỚC", {}, ("nation", None, "VN")),
    (nfd("Toàn quốc"), {}, ("nation", None, "VN")),
    ("Vietnam", {}, ("nation", None, "VN")),
    ("Viet Nam", {}, ("nation", None, "VN")),
    ("Việt Nam", P25, ("nation", None, "VN")),
    ("national", {}, ("nation", None, "VN")),
    ("Whole country", {}, ("nation", None, "VN")),
    ("Total", {}, ("nation", None, "VN")),
    ("Cả nước - Whole country", {}, ("nation", None, "VN")),
    # the six regions
    ("Đồng bằng sông Hồng", {}, ("region", None, "RRD")),
    ("Red River Delta", {}, ("region", None, "RRD")),
    ("Đồng bằng sông Hồng - Red River Delta", {}, ("region", None, "RRD")),
    ("Tây Nguyên", {}, ("region", None, "CH")),
    ("Vùng Tây Nguyên", P25, ("region", None, "CH")),
    ("Central Highlands", {}, ("region", None, "CH")),
    ("Đồng bằng sông Cửu Long", {}, ("region", None, "MRD")),
    (nfd("Đồng bằng sông Cửu Long"), {}, ("region", None, "MRD")),
    ("Mekong River Delta", {}, ("region", None, "MRD")),
    ("Trung du và miền núi phía Bắc", {}, ("region", None, "NMM")),
    ("Northern midlands and mountain areas", {}, ("region", None, "NMM")),
    ("Bắc Trung Bộ và duyên hải miền Trung", {}, ("region", None, "NCC")),
    ("North Central and Central coastal areas", {}, ("region", None, "NCC")),
    ("Đông Nam Bộ", {}, ("region", None, "SE")),
    ("South East", {}, ("region", None, "SE")),
]


@pytest.mark.parametrize(("text", "kwargs", "expected"), CASES)
def test_real_world_spellings(text, kwargs, expected):
    assert resolve_name(text, **kwargs) == GeoRef(*expected)


@pytest.mark.parametrize("layout", s.LAYOUTS)
def test_every_registry_spelling_resolves_to_itself(layout):
    columns = [s.NAME_VI, s.FULL_NAME_VI, s.NAME_ASCII, s.NAME_EN]
    for row in registry.provinces(layout).itertuples(index=False):
        record = row._asdict()
        for column in columns:
            got = resolve_name(record[column], layout=layout)
            assert got == GeoRef("province", layout, record[s.CODE]), record[column]


def test_every_region_name_resolves():
    for code, name_vi, name_en in registry.regions().itertuples(index=False):
        assert resolve_name(name_vi) == resolve_name(name_en) == GeoRef("region", None, code)


def test_every_alias_resolves():
    for alias, name_vi in PROVINCE_ALIASES.items():
        for layout in s.LAYOUTS:
            try:
                ref = resolve_name(alias, layout=layout)
            except UnknownNameError:
                continue
            assert ref.layout == layout
            expected = registry.province_name(layout, ref.code)
            assert expected == name_vi or (alias, expected) == ("Huế", "Huế")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Thủy", "Thuỷ"),
        ("Hòa", "Hoà"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Bà Rịa - Vũng Tàu", "Ba Ria Vung Tau"),
        ("Hà Nội", nfd("Hà Nội")),
        ("Hà\u00a0Nội", "Hà Nội"),
        ("Đà Nẵng", "da nang"),
        ("Danang", "Da Nang"),
        ("Tỉnh Hà Tĩnh", "Hà Tĩnh"),
    ],
)
def test_normalize_name_equates_variants(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_normalize_name_examples():
    assert normalize_name("Thành phố Hồ Chí Minh") == "hochiminh"
    assert normalize_name("Tỉnh Hà Tĩnh") == "hatinh"  # "Tỉnh" prefix, "Tĩnh" kept
    assert normalize_name("Đắk Lắk (*)") == "daklak"
    assert normalize_name("Thành phố") == "thanhpho"  # never stripped to nothing


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Hà Nội", "Gia Lai", "Huế", "Đắk Lắk", "Ho Chi Minh City"])
def test_ambiguous_without_date_or_layout(text):
    with pytest.raises(AmbiguousNameError, match="Give a date or a layout"):
        resolve_name(text)


def test_ambiguous_message():
    with pytest.raises(AmbiguousNameError) as info:
        resolve_name("Gia Lai")
    assert str(info.value) == (
        "'Gia Lai' names a province in both layouts: Gia Lai (2008, code 64) and "
        "Gia Lai (2025, code 52). Give a date or a layout ('2008' or '2025') to choose."
    )


def test_merged_province_hint():
    with pytest.raises(UnknownNameError) as info:
        resolve_name("Bình Định", layout="2025")
    assert str(info.value) == (
        "'Bình Định' is not a province of the 2025 layout: Bình Định (2008, code 52) "
        "was merged into Gia Lai (2025, code 52) on 2025-07-01."
    )
    assert info.value.candidates == ["Gia Lai (2025)"]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Hà Giang", "was merged into Tuyên Quang (2025, code 08) on 2025-07-01."),
        ("BRVT", "was merged into Hồ Chí Minh (2025, code 79) on 2025-07-01."),
        ("Thừa Thiên Huế", "continues as Huế (2025, code 46) from 2025-07-01."),
    ],
)
def test_other_merged_hints(text, hint):
    with pytest.raises(UnknownNameError, match="is not a province of the 2025 layout") as info:
        resolve_name(text, layout="2025", date="2025-01-01")
    assert str(info.value).endswith(hint)


def test_unknown_name_lists_closest():
    with pytest.raises(UnknownNameError) as info:
        resolve_name("Ha Nam Ninh")
    assert str(info.value) == (
        "Unknown province or region 'Ha Nam Ninh'. Closest: Nam Định (2008), Hà Nam (2008), Quảng Ninh (2008)."
    )
    assert info.value.candidates == ["Nam Định (2008)", "Hà Nam (2008)", "Quảng Ninh (2008)"]


def test_unknown_name_in_layout_lists_that_layout():
    with pytest.raises(UnknownNameError) as info:
        resolve_name("Gia Lia", layout="2025")
    assert str(info.value) == ("Unknown province or region 'Gia Lia' in the 2025 layout. Closest: Gia Lai (2025).")


def test_unknown_name_without_candidates():
    with pytest.raises(UnknownNameError) as info:
        resolve_name("Atlantis")
    assert str(info.value) == "Unknown province or region 'Atlantis'."
    assert info.value.candidates == []


def test_bare_code_needs_a_layout():
    with pytest.raises(UnknownNameError, match="'01' looks like a province code, not a name"):
        resolve_name("01")
    with pytest.raises(UnknownNameError, match="'01' looks like a province code"):
        resolve_name("01", date="2024-01-01")
    with pytest.raises(UnknownNameError, match="No province with code '03' in the 2008 layout"):
        resolve_name("03", layout="2008")
    with pytest.raises(UnknownNameError, match="No province with code '02' in the 2025 layout"):
        resolve_name("2", layout="2025")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_name(text):
    with pytest.raises(UnknownNameError, match="Empty province or region name"):
        resolve_name(text)


def test_bad_arguments():
    with pytest.raises(ValueError, match="'layout' parameter must be one of"):
        resolve_name("Hà Nội", layout="2020")
    with pytest.raises(ValueError, match="Cannot read the date 'soon'"):
        resolve_name("Hà Nội", date="soon")


def test_errors_are_value_errors():
    assert issubclass(UnknownNameError, ValueError)
    assert issubclass(AmbiguousNameError, ValueError)


# --- resolve_names -------------------------------------------------------------------------


def test_resolve_names_one_bad_row():
    names = pd.Series(["Hà Nội", "Atlantis", "Đồng bằng sông Hồng", "Cả nước", "TP.HCM"],
                      index=[10, 11, 12, 13, 14])  # fmt: skip
    out = resolve_names(names, layout="2025")
    assert list(out.columns) == [s.GEO_LEVEL, s.LAYOUT, s.GEO_CODE, ERROR, ERROR_DETAIL]
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert out[s.GEO_LEVEL].tolist() == ["province", "", "region", "nation", "province"]
    assert out[s.LAYOUT].tolist() == ["2025", "", "", "", "2025"]
    assert out[s.GEO_CODE].tolist() == ["01", "", "RRD", "VN", "79"]
    assert out[ERROR].tolist() == ["", "Unknown province or region 'Atlantis' in the 2025 layout.",
                                   "", "", ""]  # fmt: skip
    assert Message(*out[ERROR_DETAIL].iloc[1]).text("vi") == "Không có tỉnh hoặc vùng 'Atlantis' trong danh mục 2025."


def test_resolve_names_with_dates():
    names = pd.Series(["Gia Lai", "Gia Lai", "Bình Định", "Gia Lai", None])
    dates = pd.Series(["2025-06-30", "2025-07-01", "2025-11-03", None, "2025-07-01"])
    out = resolve_names(names, dates)
    assert out[s.LAYOUT].tolist() == ["2008", "2025", "2008", "", ""]
    assert out[s.GEO_CODE].tolist() == ["64", "52", "52", "", ""]
    assert out[ERROR].iloc[:3].eq("").all()
    assert "Give a date or a layout" in out[ERROR].iloc[3]
    assert out[ERROR].iloc[4] == "Empty province or region name."


def test_resolve_names_datetime_dates():
    names = pd.Series(["Hà Nội", "Hanoi"])
    dates = pd.Series(pd.to_datetime(["2025-06-30", "2025-07-01"]))
    out = resolve_names(names, dates)
    assert out[s.LAYOUT].tolist() == ["2008", "2025"]


def test_resolve_names_is_fast():
    rng = np.random.default_rng(57)
    choices = registry.provinces(s.LAYOUT_2008)[s.NAME_VI].to_numpy()
    names = pd.Series(rng.choice(choices, 200_000))
    days = pd.date_range("2024-01-01", "2025-12-31").strftime("%Y-%m-%d").to_numpy()
    dates = pd.Series(rng.choice(days, 200_000))
    start = time.perf_counter()
    out = resolve_names(names, dates)
    assert time.perf_counter() - start < 1.0
    assert out[ERROR].eq("").all()
    assert len(out) == 200_000
