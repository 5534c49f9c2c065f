"""Profile page through the whole app (app.py -> st.navigation -> pages/profile.py), with AppTest.

Source facts (data/sample/reported.csv): Thái Nguyên (2025 layout, 19) reported 10.3 R&D staff per 10,000
on 2025-11-03 against a national 8.2; 83 of 156 Resolution 57 tasks done. Bình Định (2008 layout, 52)
set three targets on 2025-03-04 (7,500 high-quality workers; 12 R&D staff per 10,000, no year; every
official on digital platforms by 2025-12-31); Gia Lai (2025 layout, 52 = Bình Định + old Gia Lai 64) set
3% of budget spending from 2026. Bình Định's targets are its own: on Gia Lai's profile they appear as
"target of predecessor Bình Định" and never become a number of Gia Lai.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app_support import ok, open_page
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/profile.py"


def _profile(**params) -> AppTest:
    return open_page(PAGE, **params)


#: a column that tells the page's two tables apart
TABLE_COLUMN = {"profile_table": "value_text", "profile_targets": "target_text"}


def _frame(at: AppTest, key: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if TABLE_COLUMN[key] in d.value.columns]
    assert len(found) == 1, f"no table {key}"
    return found[0].reset_index(drop=True)


def _row(table: pd.DataFrame, indicator: str) -> pd.Series:
    return table[table["indicator_id"] == indicator].iloc[0]


def test_thai_nguyen_lists_10_3_against_8_2():
    for synthetic in ("1", "0"):  # a real value is shown even when later synthetic ones exist
        at = _profile(province="19", synthetic=synthetic)
        assert at.title[0].value == t("profile_title", "en", place="Thai Nguyen")
        assert at.selectbox(key="profile_province").value == "19"
        row = _row(_frame(at, "profile_table"), "rd_staff_per_10k")
        assert (row["value_text"], row["national_text"]) == ("10.3 per 10,000", "8.2 per 10,000")
        assert row["period"] == "2025-11-03" and row["status"] == "reported"
        assert abs(row["difference"] - (10.3 - 8.2)) < 1e-9
        # one province reports it: no "Rank 1/1" and no peer "average" of its own value (issue 13)
        assert row["rank_text"] == t("profile_rank_thin", "en", n=1) == "not ranked: 1 province(s) report"
        assert row["peer_text"] == t("profile_peers_thin", "en")
        tasks = _row(_frame(at, "profile_table"), "r57_tasks_done")
        assert (tasks["value_text"], tasks["period"]) == ("83 tasks", "2025-11-03")
    assert len(at.get("vega_lite_chart")) >= 1
    # its sources are listed, the Thái Nguyên report among them
    assert any("(https://thainguyen.dcs.vn" in m.value for m in at.markdown)  # its address a link, its text escaped
    assert [c.value for c in at.caption if c.value == t("profile_no_targets", "en")]
    assert [i for i in at.info if i.body.startswith("Too few provinces report ")]
    assert "None" not in set(_frame(at, "profile_table")["derived_from"])


def test_gia_lai_shows_its_predecessors_targets_apart():
    at = _profile(province="52", synthetic="1")
    targets = _frame(at, "profile_targets")
    places = dict(zip(targets["indicator_id"], targets["place"]))
    predecessor = t("target_of_predecessor", "en", place="Binh Dinh")
    assert places == {
        "hq_workers_trained": predecessor,
        "rd_staff_per_10k": predecessor,
        "officials_digital_share": predecessor,
        "budget_share_stidx": "Gia Lai",
    }
    texts = dict(zip(targets["indicator_id"], targets["target_text"]))
    assert texts["rd_staff_per_10k"] == "12 per 10,000, no deadline given"
    assert texts["budget_share_stidx"] == "3 % by 2026-12-31"
    # never merged into a number: Gia Lai's own R&D density is not 12
    indicators = _frame(at, "profile_table")
    assert "12 per 10,000" not in set(indicators["value_text"])
    # a forecast chart of the first target with data (Bình Định's, on synthetic demonstration values)
    assert len(at.get("vega_lite_chart")) == 2
    assert at.selectbox(key="target").value.startswith("2008:52:rd_staff_per_10k")
    # a chart that shows synthetic values carries the watermark in the chart itself (issue 13)
    import json

    layers = [layer for c in at.get("vega_lite_chart") for layer in json.loads(c.proto.spec).get("layer", [])]
    assert [layer["data"]["values"] for layer in layers if layer.get("name") == "watermark"] == [
        [{"watermark": "DEMONSTRATION DATA, NOT REAL"}]
    ] * 2


def test_whole_country_in_the_sidebar_gives_the_national_profile():
    """Nothing chosen in the sidebar: the nation's values, with how many provinces reported each (issue 13).
    R&D staff per 10,000: 8.2 nationally on 2025-11-03, when only Thái Nguyên (of 34) reported it."""
    at = _profile(synthetic="0")
    assert at.selectbox(key="profile_province").value == ""
    assert at.title[0].value == t("profile_title", "en", place=t("profile_whole_country", "en"))
    table = [d.value for d in at.dataframe if "reporting_text" in d.value.columns][0]
    row = table[table["indicator_id"] == "rd_staff_per_10k"].iloc[0]
    assert (row["value_text"], row["period"], row["reporting_text"]) == (
        "8.2 per 10,000",
        "2025-11-03",
        "1 of 34 provinces",
    )
    vi = _profile(lang="vi", synthetic="0")
    assert vi.title[0].value == "Hồ sơ: Toàn quốc"


def test_the_page_selectbox_sets_the_sidebar_province_and_the_link():
    at = _profile()
    assert at.selectbox(key="profile_province").value == ""  # nothing chosen: the whole country, as the sidebar says
    at.selectbox(key="profile_province").set_value("19").run()
    ok(at)
    assert at.selectbox(key="province").value == "19"  # the sidebar follows
    assert at.query_params["province"] == "19"
    assert at.title[0].value == t("profile_title", "en", place="Thai Nguyen")
    at.selectbox(key="province").set_value("52").run()  # and the page follows the sidebar
    assert ok(at).selectbox(key="profile_province").value == "52"


def test_print_view_hides_the_widgets():
    at = _profile(province="19", print="1")
    assert at.toggle(key="print").value is True
    css = [str(el.proto) for el in at.get("html") if "<style>" in str(el.proto)]
    assert any("stSidebar" in c and "display: none" in c and "@media print" in c for c in css)
    assert not any("http" in c for c in css)  # no outside font or stylesheet


def test_vietnamese_and_2008_layout():
    at = _profile(lang="vi", layout="2008", province="52")
    assert at.title[0].value == t("profile_title", "vi", place="Bình Định")
    targets = _frame(at, "profile_targets")
    assert set(targets["place"]) == {"Bình Định"}  # its own targets, in its own layout
    assert "7.500 người, không có thời hạn" in set(targets["target_text"])


def test_a_fresh_profile_of_ha_noi_shows_its_published_ranks():
    """Synthetic values off: Hà Nội (2025) has PII 2025 65.68 (1st of 34), DTI 2024 0.8241 (1st of 34), its size."""
    at = _profile(province="01")
    table = _frame(at, "profile_table")
    assert set(table["status"]) == {"reported"}
    assert (_row(table, "pii_score")["value_text"], _row(table, "pii_score")["period"]) == ("65.68 points", "2025")
    assert _row(table, "pii_rank")["rank_text"] == "1 / 34"  # the published rank in its field of 34
    assert (_row(table, "dti_score")["value_text"], _row(table, "dti_rank")["rank_text"]) == ("0.8241 index", "1 / 34")
    assert _row(table, "population")["value_text"] == "8,718,000 persons"
    assert not [i for i in at.info if i.body == t("synthetic_banner", "en")]
