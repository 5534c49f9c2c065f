"""Data explorer through the whole app (app.py -> st.navigation -> explorer page), with AppTest.

Filters are set two ways, with the widgets and with a deep link (query parameters before the
first run), and must give the same table. Expected rows come from data/sample/reported.csv read
here with the csv module, and from the source facts: Thái Nguyên reported 1,861 R&D staff = 10.3
per 10,000 inhabitants on 2025-11-03, against a national average of 8.2; Bình Định's programme of
2025-03-04 targets 12 per 10,000 with no year.
"""

from __future__ import annotations

import ast
import csv
import tomllib
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app_support import ok, open_page
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
IND = "rd_staff_per_10k"
THAI_NGUYEN_2025 = "19"


def _entry_pages() -> dict[str, str]:
    """Page file (relative to app.py) by file stem, from app.py's st.Page calls."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    return {
        Path(node.args[0].value).stem: node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


EXPLORER = _entry_pages()["explorer"]


def _explorer(**params) -> AppTest:
    """The page opened by a link carrying ``params`` (English unless ``lang`` is given)."""
    return open_page(EXPLORER, **params)


def _table(at: AppTest) -> pd.DataFrame:
    assert len(at.dataframe) == 1, "the explorer shows one table"
    return at.dataframe[0].value.reset_index(drop=True)


def _unit(indicator: str) -> str:
    with open(ROOT / "data" / "catalogue.toml", "rb") as handle:
        return tomllib.load(handle)["indicators"][indicator]["unit"]


def _expected(indicator: str, layout: str, statuses: set[str]) -> set[tuple[str, float, str, str]]:
    """(place, value, status, target_date) of the bundled rows the explorer should show."""
    with open(ROOT / "data" / "registry" / "provinces.csv", encoding="utf-8-sig", newline="") as handle:
        names = {(r["layout"], r["code"].zfill(2)): r["name_en"] for r in csv.DictReader(handle)}
    rows = []
    for name in ("reported.csv", "published.csv", "resolution57.csv"):  # the real bundled files
        with open(ROOT / "data" / "sample" / name, encoding="utf-8-sig", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return {
        (
            "Viet Nam" if r["geo_level"] == "nation" else names[(r["layout"], r["geo_code"].zfill(2))],
            float(r["value"]),
            r["status"],
            r["target_date"],
        )
        for r in rows
        if r["indicator_id"] == indicator
        and r["status"] in statuses
        and (r["geo_level"] == "nation" or r["layout"] == layout)
    }


def _shown(table: pd.DataFrame) -> set[tuple[str, float, str, str]]:
    target = table["target_date"].fillna("").astype(str)
    return set(zip(table["place"], table["value"].astype(float), table["status"], target))


# --- first view ------------------------------------------------------------------------------------------
def test_explorer_opens():
    at = _explorer()
    assert at.title[0].value == t("explorer_title", "en")
    assert {r.key for r in at.sidebar.radio} >= {"lang", "layout"}  # app.py's sidebar is drawn
    assert {m.key for m in at.multiselect} == {"ind", "p", "geo", "st"}
    assert len(_table(at)) > 0
    assert at.select_slider(key="period").value[0] <= at.select_slider(key="period").value[1]


def test_download_buttons_exist():
    at = _explorer()
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) >= {"download_csv", "download_xlsx"}
    assert buttons["download_csv"].label == t("download_csv", "en")
    assert buttons["download_xlsx"].label == t("download_xlsx", "en")


# --- filters with the widgets -------------------------------------------------------------------------
def test_reported_rd_staff_in_the_2025_layout():
    at = _explorer()
    assert at.radio(key="layout").value == "2025"
    at.multiselect(key="ind").set_value([IND])
    at.multiselect(key="st").set_value(["reported"])
    table = _table(ok(at.run()))
    expected = {("Thai Nguyen", 10.3, "reported", ""), ("Viet Nam", 8.2, "reported", "")}
    assert _expected(IND, "2025", {"reported"}) == expected
    assert _shown(table) == expected
    assert len(table) == 2
    assert set(table["unit"]) == {"persons per 10,000 inhabitants"} == {_unit(IND)}
    assert set(table["period"]) == {"2025-11-03"}
    assert all(url.startswith("https://thainguyen.dcs.vn/") for url in table["source_url"])
    assert set(table["place"]) == {"Thai Nguyen", "Viet Nam"}
    # URL mirroring
    assert at.query_params["ind"] == IND
    assert at.query_params["st"] == "reported"


def test_binh_dinh_target_in_the_2008_layout():
    at = _explorer()
    at.radio(key="layout").set_value("2008").run()
    at.multiselect(key="ind").set_value([IND])
    at.multiselect(key="st").set_value(["target"])
    table = _table(ok(at.run()))
    # Bình Định's programme and Resolution 57's national target (12 per 10,000 by 2030)
    assert (
        _shown(table)
        == _expected(IND, "2008", {"target"})
        == {("Binh Dinh", 12.0, "target", ""), ("Viet Nam", 12.0, "target", "2030-12-31")}
    )
    # the programme's date; the source gives no target year
    assert table.loc[table["place"] == "Binh Dinh", "period"].tolist() == ["2025-03-04"]
    assert at.query_params["layout"] == "2008"


def test_no_rows_shows_a_warning():
    at = _explorer()
    at.multiselect(key="ind").set_value([IND])
    at.multiselect(key="st").set_value(["reported"])
    at.select_slider(key="period").set_range("2024-12", "2025-06")  # both reports are of 2025-11-03
    ok(at.run())
    assert [w.value for w in at.warning] == [t("no_rows", "en")]
    assert len(at.dataframe) == 0
    assert {b.key for b in at.get("download_button")} >= {"download_csv", "download_xlsx"}


def test_widget_changes_are_mirrored_in_the_url():
    at = _explorer()
    assert not {"ind", "p", "geo", "st", "period"} & set(at.query_params)  # defaults stay out of the link
    at.multiselect(key="ind").set_value([IND, "rd_staff"])
    at.multiselect(key="p").set_value([THAI_NGUYEN_2025])
    at.multiselect(key="geo").set_value(["province", "nation"])
    at.multiselect(key="st").set_value(["reported", "target"])
    at.select_slider(key="period").set_range("2025-09", "2025-12")
    ok(at.run())
    assert list(at.query_params["ind"]) == [IND, "rd_staff"]
    assert at.query_params["p"] == THAI_NGUYEN_2025
    assert list(at.query_params["geo"]) == ["province", "nation"]
    assert list(at.query_params["st"]) == ["reported", "target"]
    assert at.query_params["period"] == "2025-09~2025-12"
    # back to the default: the parameter leaves the link
    at.multiselect(key="geo").set_value(["province", "region", "nation"]).run()
    assert "geo" not in ok(at).query_params


# --- deep links -----------------------------------------------------------------------------------------------
def test_deep_link_gives_the_same_table_as_the_widgets():
    params = {"ind": IND, "p": THAI_NGUYEN_2025, "st": ["reported", "target"], "period": "2025-09~2025-12"}
    linked = _explorer(**params)
    assert linked.multiselect(key="ind").value == [IND]
    assert linked.multiselect(key="p").value == [THAI_NGUYEN_2025]
    assert linked.multiselect(key="st").value == ["reported", "target"]
    assert tuple(linked.select_slider(key="period").value) == ("2025-09", "2025-12")

    clicked = _explorer()
    clicked.multiselect(key="ind").set_value([IND])
    clicked.multiselect(key="p").set_value([THAI_NGUYEN_2025])
    clicked.multiselect(key="st").set_value(["reported", "target"])
    clicked.select_slider(key="period").set_range("2025-09", "2025-12")
    ok(clicked.run())

    pd.testing.assert_frame_equal(_table(linked), _table(clicked))
    assert _shown(_table(linked)) == {("Thai Nguyen", 10.3, "reported", ""), ("Viet Nam", 8.2, "reported", "")}
    assert {k: (list(v) if isinstance(v, list) else v) for k, v in clicked.query_params.items()} == {
        "ind": IND,
        "p": THAI_NGUYEN_2025,
        "st": ["reported", "target"],
        "period": "2025-09~2025-12",
    }


def test_deep_link_with_2008_layout():
    table = _table(_explorer(layout="2008", ind=IND, st="target"))
    assert _shown(table) == {("Binh Dinh", 12.0, "target", ""), ("Viet Nam", 12.0, "target", "2030-12-31")}


def test_deep_link_in_vietnamese():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in {"lang": "vi", "ind": IND, "st": "reported"}.items():
        at.query_params[key] = value
    table = _table(ok(at.switch_page(EXPLORER).run()))
    assert at.title[0].value == t("explorer_title", "vi")
    assert dict(zip(table["place"], table["value"])) == {"Thái Nguyên": 10.3, "Việt Nam": 8.2}
    assert set(table["status"]) == {t("status_reported", "vi")}


def test_deep_link_with_invalid_values_falls_back():
    at = _explorer(ind="no_such_indicator", p="99", st="bogus", geo="planet", period="1999-01~1999-12", layout="1975")
    assert at.multiselect(key="ind").value == []
    assert at.multiselect(key="p").value == []
    assert at.multiselect(key="st").value == ["reported", "target", "derived"]  # synthetic values off by default
    assert at.multiselect(key="geo").value == ["province", "region", "nation"]
    assert at.radio(key="layout").value == "2025"
    options = at.select_slider(key="period").options
    assert tuple(at.select_slider(key="period").value) == (options[0], options[-1])
    assert not {"ind", "p", "st", "geo", "period", "layout"} & set(at.query_params)


# --- synthetic values -----------------------------------------------------------------------------------
def _assert_synthetic_hidden(at: AppTest) -> None:
    status = at.multiselect(key="st")
    assert "synthetic" not in status.value
    assert t("status_synthetic", "en") not in status.options
    assert set(status.options) == {t(f"status_{s}", "en") for s in ("reported", "target", "derived")}
    assert t("status_synthetic", "en") not in set(_table(at)["status"])
    assert not [i for i in at.info if i.body == t("synthetic_banner", "en")]


def test_synthetic_hidden_by_default_and_shown_with_the_switch():
    at = _explorer()
    _assert_synthetic_hidden(at)  # issue 11: real values first
    at.toggle(key="synthetic").set_value(True).run()
    assert t("status_synthetic", "en") in ok(at).multiselect(key="st").options
    assert "synthetic" in at.multiselect(key="st").value  # an untouched filter follows the switch
    assert [i for i in at.info if i.body == t("synthetic_banner", "en")]
    assert at.query_params["synthetic"] == "1"


def test_synthetic_shown_with_the_link():
    at = _explorer(synthetic="1")
    assert t("status_synthetic", "en") in at.multiselect(key="st").options
    assert [i for i in at.info if i.body == t("synthetic_banner", "en")]


def test_sidebar_toggle_hides_synthetic():
    at = _explorer(synthetic="1")
    at.toggle(key="synthetic").set_value(False).run()
    _assert_synthetic_hidden(ok(at))
    assert "synthetic" not in at.query_params


def test_link_hides_synthetic():
    _assert_synthetic_hidden(_explorer(synthetic="0"))


# --- the pages/ folder -------------------------------------------------------------------------------------
def test_deep_link_as_first_request_runs_through_app():
    """A shared /explorer link opened first gets app.py's sidebar and navigation, not the bare page.

    AppTest resets Streamlit's "pages/ folder beside the main script" flag before every run, so
    every run here is like the first request to a fresh server (see ui/sidebar.py).
    """
    at = _explorer(ind=IND, st="reported")
    assert at.title[0].value == t("explorer_title", "en")
    assert {r.key for r in at.sidebar.radio} >= {"lang", "layout"}
    assert "synthetic" in [tg.key for tg in at.sidebar.toggle]
    assert len(_table(at)) == 2
    assert at.query_params["ind"] == IND  # the link survives the detour through app.py


def test_a_long_table_shows_a_bounded_number_of_rows_and_says_so():
    """With synthetic values on, the 2025 layout holds thousands of rows: 2,000 go to the screen."""
    import re

    at = _explorer(synthetic="1", layout="2025")
    ok(at)
    capped = [
        m
        for c in at.caption
        if (m := re.fullmatch(r"Showing the first 2,000 of ([\d,]+) rows; the downloads hold all of them\.", c.value))
    ]
    assert len(capped) == 1
    total = int(capped[0].group(1).replace(",", ""))
    assert total > 2_000
    assert any(c.value.startswith(f"{total:,} rows") for c in at.caption)  # the count names every row
    assert len(_table(at)) == 2_000


def test_doubtful_values_are_listed_with_their_flag_only_when_asked_for():
    # PII 2024 Gia Lai (61st) and Lai Châu (62nd) conflict with other sources
    hidden = _table(_explorer(layout="2008", ind="pii_rank", st="reported"))
    assert "doubtful" not in hidden.columns and not {"Gia Lai", "Lai Chau"} & set(hidden["place"])
    shown = _table(_explorer(layout="2008", ind="pii_rank", st=["reported", "doubtful"], doubtful="1"))
    flagged = shown[shown["doubtful"]]
    assert sorted(flagged["place"]) == ["Gia Lai", "Lai Chau"] and set(flagged["rank_of"]) == {"63"}
    assert flagged["note"].str.contains("DOUBT").all()
