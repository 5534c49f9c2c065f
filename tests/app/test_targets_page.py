"""Targets page through the whole app (app.py -> st.navigation -> pages/targets.py), with AppTest.

The bundled targets (data/sample/reported.csv, read here with the csv module) and what the rule gives:

* Bình Định (2008 layout) on 2025-03-04: 7,500 high-quality workers (no year), 12 R&D staff per 10,000
  (no year), 100% of officials on digital platforms by 2025-12-31. No value of the first and third exists:
  not enough data. R&D density: only synthetic demonstration values, so the status depends on the switch.
* Gia Lai (2025 layout): 3% of budget spending from 2026 (first deadline recorded as 2026-12-31): no value.
* The nation: about 90% 5G population coverage by 2025-12-31, with 26% (2025-Q2, ends 2025-06-30) and
  39.52% (2025-10, ends 2025-10-31) reported. Growth in years: g_o = (39.52 / 26) ** (365.25 / 123) - 1
  = 2.467, g_r = (90 / 26) ** (365.25 / 184) - 1 = 10.76, R = 0.229 < 0.6: limited progress.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app_support import ok, open_page

from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/targets.py"


def _targets(**params) -> AppTest:
    return open_page(PAGE, **params)


def _table(at: AppTest) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if "target_text" in d.value.columns]
    assert len(found) == 1
    return found[0].reset_index(drop=True)


def _bundled_targets() -> set[tuple[str, str, str, float, str]]:
    with open(ROOT / "data" / "sample" / "reported.csv", encoding="utf-8-sig", newline="") as handle:
        return {(r["layout"], r["geo_code"].zfill(2) if r["geo_level"] == "province" else r["geo_code"],
                 r["indicator_id"], float(r["value"]), r["target_date"])
                for r in csv.DictReader(handle) if r["status"] == "target"}


def test_every_target_with_its_status():
    assert _bundled_targets() == {
        ("2008", "52", "hq_workers_trained", 7500.0, ""), ("2008", "52", "rd_staff_per_10k", 12.0, ""),
        ("2008", "52", "officials_digital_share", 100.0, "2025-12-31"),
        ("2025", "52", "budget_share_stidx", 3.0, "2026-12-31"), ("", "VN", "g5_population_coverage", 90.0, "2025-12-31"),
    }
    at = _targets()
    assert at.title[0].value == t("targets_title", "en")
    table = _table(at)
    got = {(r["place"], r["target_text"]): r["light"] for r in table.to_dict("records")}
    assert got == {
        ("Viet Nam", "≈ 90 % by 2025-12-31"): "▼ limited progress",
        ("Binh Dinh (63 provinces)", "100 % by 2025-12-31"): "○ not enough data",
        ("Gia Lai (34 provinces)", "3 % by 2026-12-31"): "○ not enough data",
        ("Binh Dinh (63 provinces)", "7,500 persons, no deadline given"): "○ not enough data",
        ("Binh Dinh (63 provinces)", "12 per 10,000, no deadline given"): "◌ no deadline given",  # synthetic trend
    }
    # sorted by risk: the nation's limited progress first, the target without deadline last
    assert table["forecast_status"].tolist()[0] == "limited_progress"
    assert table["forecast_status"].tolist()[-1] == "no_deadline"
    nation = table.iloc[0]
    assert abs(nation["progress_ratio"] - ((39.52 / 26) ** (365.25 / 123) - 1) / ((90 / 26) ** (365.25 / 184) - 1)) < 1e-9
    assert nation["explanation"].endswith("limited progress.")
    assert table.loc[table["indicator_id"] == "rd_staff_per_10k", "statuses_used"].item() == "synthetic"
    assert len(at.get("vega_lite_chart")) == 2  # the paces (R) and one forecast
    assert [i for i in at.info if i.body == t("synthetic_banner", "en")]


def test_without_synthetic_values_binh_dinh_density_has_not_enough_data():
    table = _table(_targets(synthetic="0"))
    row = table[table["indicator_id"] == "rd_staff_per_10k"].iloc[0]
    assert row["light"] == "○ not enough data" and row["statuses_used"] == ""
    assert (table["forecast_status"] == "not_enough_data").sum() == 4


def test_filters_by_pillar_status_and_place_live_in_the_url():
    at = _targets()
    at.multiselect(key="pillar").set_value(["infrastructure"]).run()
    assert _table(ok(at))["indicator_id"].tolist() == ["g5_population_coverage"]
    assert at.query_params["pillar"] == "infrastructure"
    at.multiselect(key="pillar").set_value([]).run()
    at.multiselect(key="status").set_value(["not_enough_data"]).run()
    assert len(_table(ok(at))) == 3
    at.multiselect(key="status").set_value([]).run()
    at.multiselect(key="place").set_value(["2025:52"]).run()
    assert _table(ok(at))["indicator_id"].tolist() == ["budget_share_stidx"]
    # deep link
    linked = _targets(place=["2008:52", "VN"], status="not_enough_data")
    assert set(_table(linked)["indicator_id"]) == {"hq_workers_trained", "officials_digital_share"}


def test_forecast_of_a_chosen_target_by_link():
    at = _targets(target="VN:g5_population_coverage:2025-10:2025-12-31")
    assert at.selectbox(key="target").value == "VN:g5_population_coverage:2025-10:2025-12-31"
    assert any("0.348 a day was needed" in c.value for c in at.caption)  # (90 - 26) / 184 days = 0.348


def test_vietnamese():
    table = _table(_targets(lang="vi"))
    assert "▼ tiến triển hạn chế" in set(table["light"])
    assert ("Việt Nam", "≈ 90 % trước 31/12/2025") in set(zip(table["place"], table["target_text"]))
