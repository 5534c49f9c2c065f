"""Downloads: CSV for Excel (BOM, no formula injection) and XLSX with a metadata sheet."""

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

import i18n
from data import __version__, catalogue, export, registry, schema


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Hà Nội", "Hà Nội"),
        ("", ""),
        (-3.5, -3.5),
    ],
)
def test_neutralise(cell, expected):
    assert export.neutralise(cell) == expected


def test_csv_has_bom_keeps_vietnamese_and_neutralises_text_only():
    table = pd.DataFrame({"place": ["Thái Nguyên", '=HYPERLINK("http://evil")'], "value": [-1.5, 10.3]})
    data = export.to_csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["place,value", "Thái Nguyên,-1.5", '"\'=HYPERLINK(""http://evil"")",10.3']


def test_labelled_names_places_indicators_and_sources():
    obs = pd.DataFrame(
        {
            "geo_level": ["province", "province", "nation"],
            "layout": ["2025", "2008", ""],
            "geo_code": ["52", "52", "VN"],
            "indicator_id": ["pii_score", "rd_staff_per_10k", "rd_staff_per_10k"],
            "status": ["reported", "target", "reported"],
            "source_id": ["pii_2025", "binhdinh_2025_03_04", "thainguyen_2025_11_03"],
        }
    )
    out = export.labelled(obs, registry.provinces(), catalogue.indicators(), catalogue.sources(), lang="vi")
    # code 52 is Gia Lai in the 2025 layout and Bình Định in the 2008 one
    assert out["place"].tolist() == ["Gia Lai", "Bình Định", "Việt Nam"]
    assert out["indicator"].iloc[1] == "Nhân lực nghiên cứu và phát triển trên 10.000 dân"
    assert out["source_url"].iloc[2].startswith("https://thainguyen.dcs.vn/")
    assert len(out) == 3


def test_xlsx_has_data_and_metadata_with_filters_sources_definitions_time_and_version():
    obs = pd.DataFrame(
        {
            "geo_level": ["province"],
            "layout": ["2025"],
            "geo_code": ["19"],
            "indicator_id": ["rd_staff_per_10k"],
            "value": [10.3],
            "status": ["reported"],
            "source_id": ["thainguyen_2025_11_03"],
            "note": ["=cmd|' /C calc'!A0"],
        }
    )
    table = export.labelled(obs, registry.provinces(), catalogue.indicators(), catalogue.sources())
    when = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone.utc)
    data = export.to_xlsx_bytes(
        table,
        filters={"layout": "2025", "statuses": "reported"},
        sources=catalogue.sources(),
        indicators=catalogue.indicators(),
        now=when,
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["data", "metadata"]
    rows = list(book["data"].values)
    header = list(rows[0])
    assert rows[1][header.index("value")] == 10.3
    assert rows[1][header.index("place")] == "Thai Nguyen"
    note = book["data"].cell(row=2, column=header.index("note") + 1)
    assert note.value == "=cmd|' /C calc'!A0" and note.data_type == "s"  # text, never a formula
    meta = [tuple(v for v in r if v is not None) for r in book["metadata"].values]
    flat = {r[0]: r[1] for r in meta if len(r) >= 2}
    assert flat["app version"] == __version__
    assert flat["downloaded at (UTC)"] == "2026-11-22 09:30:00"
    assert flat["filter: layout"] == "2025" and flat["filter: statuses"] == "reported"
    assert "synthetic" in flat["status meanings"]
    assert "KHÔNG phải số liệu thật" in flat["status meanings (vi)"]
    assert ("app version", __version__, "phiên bản") in meta
    cells = [c for r in meta for c in r]
    assert "sources" in cells and "definitions" in cells
    assert any(isinstance(c, str) and c.startswith("https://thainguyen.dcs.vn/") for c in cells)
    assert "persons per 10,000 inhabitants" in cells
    assert not any(r and r[0] == "pii_2025" for r in meta)  # only the sources the data uses


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_download_column_has_a_name_for_people_in_each_language(lang):
    obs = pd.DataFrame(
        {
            "geo_level": ["province"],
            "layout": ["2025"],
            "geo_code": ["19"],
            "indicator_id": ["rd_staff_per_10k"],
            "period": ["2025-Q3"],
            "granularity": ["quarter"],
            "value": [10.3],
            "status": ["synthetic"],
            "source_id": ["thainguyen_2025_11_03"],
        }
    )
    table = export.labelled(obs, registry.provinces(), catalogue.indicators(), catalogue.sources(), lang=lang)
    shown = export.for_people(table, lang)
    # every machine id has a name: none is left as it was, and no two columns share one
    assert not set(shown.columns) & set(table.columns)
    assert len(set(shown.columns)) == len(table.columns)
    assert shown[i18n.t("export_col_status", lang)].tolist() == [i18n.t("status_synthetic", lang)]
    assert shown[i18n.t("export_col_geo_level", lang)].tolist() == [i18n.t("level_province", lang)]
    assert shown[i18n.t("export_col_value", lang)].tolist() == [10.3]  # numbers stay numbers
    assert table["status"].tolist() == ["synthetic"]  # the machine table is unchanged


def test_vietnamese_download_headers_have_no_english_column_name():
    table = export.labelled(
        pd.DataFrame(columns=list(schema.OBSERVATION_COLUMNS)),
        registry.provinces(),
        catalogue.indicators(),
        catalogue.sources(),
        lang="vi",
    )
    english = set(export.for_people(table, "en").columns)
    assert not english & set(export.for_people(table, "vi").columns)
    csv = export.to_csv_bytes(table, labels_in="vi").decode("utf-8-sig").splitlines()[0]
    assert csv.split(",")[:3] == ["Địa phương", "Chỉ tiêu", "Cấp địa lý"]
    assert export.to_csv_bytes(table).decode("utf-8-sig").splitlines()[0].startswith("place,indicator,geo_level,")


def test_filter_description_in_the_language():
    described = export.filter_description(
        indicators=[],
        layout="2025",
        provinces=[],
        geo_levels=["province", "nation"],
        statuses=["reported"],
        first="2025-01",
        last="2026-06",
        lang="vi",
    )
    assert described == {
        "indicators": "tất cả",
        "layout": "2025",
        "provinces": "tất cả",
        "geography": "province, nation",
        "statuses": "reported",
        "period": "từ 2025-01 đến 2026-06",
        "language": "vi",
    }
    assert (
        export.filter_description(
            indicators=["a", "b"],
            layout="2008",
            provinces=["19"],
            geo_levels=[],
            statuses=[],
            first="2025-01",
            last="2025-02",
            lang="en",
        )["indicators"]
        == "a, b"
    )
