"""Home page through the whole app (app.py -> st.navigation -> pages/home.py), with AppTest.

Expected numbers come from the sources (Thái Nguyên's report of 2025-11-03, VnEconomy 2025-11,
the GSO population 2024) and from the bundled CSV files read here with the csv module, never from
the app's own code.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


def _rows(name: str) -> list[dict[str, str]]:
    with open(SAMPLE / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _province_names() -> dict[tuple[str, str], dict[str, str]]:
    with open(ROOT / "data" / "registry" / "provinces.csv", encoding="utf-8-sig", newline="") as handle:
        return {(r["layout"], r["code"].zfill(2)): r for r in csv.DictReader(handle)}


def _place(row: dict[str, str]) -> tuple[str, str, str, str, str]:
    code = row["geo_code"].zfill(2) if row["geo_level"] == "province" else row["geo_code"]
    layout = "" if row["geo_level"] == "nation" else row["layout"]
    return row["geo_level"], layout, code, row["indicator_id"], row["period"]


def expected_observation_counts() -> tuple[int, int]:
    """(all rows, rows without synthetic) the store should hold, worked out from the CSV files.

    A synthetic row never replaces a reported one: a synthetic row for the place, indicator and
    period of a reported row is left out.
    """
    reported, synthetic = _real_rows(), _rows("synthetic.csv")
    taken = {_place(r) for r in reported if r["status"] == "reported"}
    kept_synthetic = [r for r in synthetic if _place(r) not in taken]
    everything = [r for r in reported + kept_synthetic if not r.get("doubtful")]  # doubtful rows are hidden
    return len(everything), sum(r["status"] != "synthetic" for r in everything)


def _real_rows() -> list[dict[str, str]]:
    """Every row of the real bundled files (issue 11: the published tables and Resolution 57's targets too)."""
    return _rows("reported.csv") + _rows("published.csv") + _rows("resolution57.csv")


def _million(lang: str) -> str:
    try:
        return t("million", lang)
    except KeyError:  # no compact form in this version
        return "million" if lang == "en" else "triệu"


def _app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _metric(at: AppTest, key: str, lang: str) -> str:
    """The value of the metric labelled with translation ``key``."""
    return _metrics(at)[t(key, lang)]


def _texts(at: AppTest) -> str:
    return "\n".join([c.value for c in at.caption] + [m.value for m in at.markdown])


def _synthetic_banners(at: AppTest, lang: str) -> list:
    return [i for i in at.info if i.body == t("synthetic_banner", lang)]


def _n_provinces(layout: str) -> int:
    return len({code for (lay, code) in _province_names() if lay == layout})


@pytest.fixture(scope="module")
def home_en() -> AppTest:
    return _ok(_app(lang="en").run())


@pytest.fixture(scope="module")
def home_vi() -> AppTest:
    return _ok(_app(lang="vi").run())


# --- English ---------------------------------------------------------------------------------------------------
def test_home_english_title(home_en):
    assert (
        home_en.title[0].value == "Science, technology, innovation and digital transformation in Viet Nam's provinces"
    )
    assert home_en.radio(key="lang").value == "en"


def test_rd_staff_national_average(home_en):
    # Thái Nguyên's report of 2025-11-03: 10.3 per 10,000 in the province, national average 8.2.
    assert re.match(r"^8\.2(\s|$)", _metric(home_en, "metric_rd", "en"))
    assert "2025-11-03" in _texts(home_en)


def test_5g_coverage_is_not_rounded(home_en):
    # 39.52 % (VnEconomy, 2025-10): not 39.5, not the older 26 (2025-Q2), not the 90 % target
    assert re.match(r"^39\.52\s?%", _metric(home_en, "metric_g5", "en"))


def test_task_counts(home_en):
    assert re.match(r"^370 / 944(\s|$)", _metric(home_en, "metric_gov_tasks", "en"))
    assert re.match(r"^50 / 70(\s|$)", _metric(home_en, "metric_plan02", "en"))


def test_population_is_about_101_3_million(home_en):
    value = _metric(home_en, "metric_population", "en")
    # "about" qualifier shown as ≈; in full or in millions
    assert value.startswith(("≈101,300,000", "≈101.3 " + _million("en"))), value


def test_headline_source_is_cited(home_en):
    assert "https://thainguyen.dcs.vn/" in _texts(home_en)
    assert "vneconomy.vn" in _texts(home_en)


def test_what_it_holds(home_en):
    n34, n63 = _n_provinces("2025"), _n_provinces("2008")
    assert (n34, n63) == (34, 63)
    assert _metric(home_en, "holds_provinces", "en") == t("holds_provinces_value", "en", n34=34, n63=63)
    _, real = expected_observation_counts()  # synthetic values are off by default (issue 11)
    assert _metric(home_en, "holds_observations", "en") == f"{real:,}"


def test_how_much_is_real(home_en):
    # reported, not doubtful: counted here from the CSV files
    rows = [r for r in _real_rows() if r["status"] == "reported" and not r.get("doubtful")]
    indicators = {r["indicator_id"] for r in rows}
    sources = {r["source_id"] for r in rows}
    summary = t(
        "home_real_summary",
        "en",
        n=f"{len(rows):,}",
        indicators=len(indicators),
        sources=len(sources),
        newest="2026-01-31",
    )  # Quảng Ninh's figures of 2026-01 (VietNamNet, 2026-01-05)
    assert summary in _texts(home_en)
    table = home_en.dataframe[1].value
    assert table["n_values"].sum() == len(rows)
    dti = table[(table["indicator"] == "Digital transformation index rank") & (table["n_values"] == 63)]
    assert len(dti) == 1 and dti["newest"].iloc[0] == "2022-12-31"  # the complete DTI 2022 list


def test_synthetic_banner_hidden_by_default_and_shown_with_the_switch(home_en):
    assert not _synthetic_banners(home_en, "en")
    assert home_en.toggle(key="synthetic").value is False
    at = _ok(_app(lang="en", synthetic="1").run())
    assert len(_synthetic_banners(at, "en")) == 1
    assert t("status_synthetic", "en") in at.dataframe[0].value.iloc[:, 0].tolist()
    total, real = expected_observation_counts()
    assert _metric(at, "holds_observations", "en") == f"{total:,}"
    share = 100 * (total - real) / total
    assert t("home_real_synthetic_share", "en", share=f"{share:.1f}") in _texts(at)


def test_milestones_table(home_en):
    expected = _rows("milestones.csv")
    names = _province_names()
    table = home_en.dataframe[-1].value
    assert len(table) == len(expected) == 6
    rows = set(zip(table["date"], table["place"], table["kind"]))
    meetings = [
        (r["date"], names[(r["layout"], r["geo_code"].zfill(2))]["name_en"]) for r in expected if r["kind"] == "meeting"
    ]
    assert ("2025-03-04", "Binh Dinh") in meetings and ("2025-04-25", "Ha Giang") in meetings
    for date, place in meetings:
        assert (date, place, t("milestone_kind_meeting", "en")) in rows


# --- Vietnamese ---------------------------------------------------------------------------------------------
def test_home_vietnamese(home_vi):
    assert home_vi.title[0].value.startswith("Khoa học, công nghệ, đổi mới sáng tạo")
    assert home_vi.radio(key="lang").value == "vi"
    assert re.match(r"^8,2(\s|$)", _metric(home_vi, "metric_rd", "vi"))
    assert re.match(r"^39,52\s?%", _metric(home_vi, "metric_g5", "vi"))
    assert re.match(r"^370 / 944(\s|$)", _metric(home_vi, "metric_gov_tasks", "vi"))
    assert _metric(home_vi, "metric_population", "vi").startswith(("≈101.300.000", "≈101,3 " + _million("vi")))
    assert "03/11/2025" in _texts(home_vi)
    _, real = expected_observation_counts()
    assert _metric(home_vi, "holds_observations", "vi") == f"{real:,}".replace(",", ".")
    table = home_vi.dataframe[-1].value
    assert "04/03/2025" in set(table["date"]) and "Bình Định" in set(table["place"])


def test_language_radio_switches_to_vietnamese():
    at = _ok(_app(lang="en").run())
    at.radio(key="lang").set_value("vi").run()
    _ok(at)
    assert at.title[0].value.startswith("Khoa học")
    assert re.match(r"^8,2(\s|$)", _metric(at, "metric_rd", "vi"))
    assert at.query_params["lang"] == "vi"
    # No further rerun here: AppTest formats the layout radio's options outside the script, where
    # t() cannot see the session's language, so it would look for the English labels.


# --- hiding synthetic values ------------------------------------------------------------------------------
def _assert_no_synthetic(at: AppTest) -> None:
    _, without = expected_observation_counts()
    assert without == len(
        [r for r in _real_rows() if not r.get("doubtful")]
    )  # every non-synthetic row is a real file's
    assert _metric(at, "holds_observations", "en") == f"{without:,}"
    assert not _synthetic_banners(at, "en")
    statuses = at.dataframe[0].value.iloc[:, 0].tolist()
    assert statuses and t("status_synthetic", "en") not in statuses


def test_hide_synthetic_with_the_toggle():
    at = _ok(_app(lang="en", synthetic="1").run())
    assert at.toggle(key="synthetic").value is True
    at.toggle(key="synthetic").set_value(False).run()
    _ok(at)
    _assert_no_synthetic(at)
    assert "synthetic" not in at.query_params


def test_hide_synthetic_with_the_url():
    at = _ok(_app(lang="en", synthetic="0").run())
    assert at.toggle(key="synthetic").value is False
    _assert_no_synthetic(at)
    # the national headline numbers are reported values, so they stay
    assert re.match(r"^8\.2(\s|$)", _metric(at, "metric_rd", "en"))


def test_sidebar_province_comes_from_the_url_and_is_kept_in_it():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["province"] = "19"
    at.run()
    assert not at.exception
    box = at.selectbox(key="province")
    assert box.value == "19"
    box.set_value("52").run()
    assert at.query_params["province"] == ["52"] or at.query_params["province"] == "52"
    box.set_value("").run()
    assert "province" not in at.query_params


def test_presentation_mode_from_the_url_hides_the_navigation_and_sidebar():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    assert at.toggle(key="present").value is True
    styles = " ".join(str(getattr(el, "proto", "")) for el in at.get("html"))
    assert "stSidebar" in styles and "display: none" in styles
    at.toggle(key="present").set_value(False).run()
    assert "present" not in at.query_params
    assert not [el for el in at.get("html") if "stSidebar" in str(getattr(el, "proto", ""))]
