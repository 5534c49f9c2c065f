"""Coverage page (issue 11) on a hand-built store: the grid, its letters, counts and the provinces never reporting.

The store holds only the rows typed here, in the 34-province layout:
* PII score reported by Hà Nội (01) and TP Hồ Chí Minh (79); a PII score target of Gia Lai (52);
* population reported by Hà Nội; R&D staff of Thái Nguyên (19), synthetic.
By hand, with synthetic values off: two columns (PII score, population); PII score reported by 2 provinces,
population by 1; Hà Nội reports 2 indicators, TP HCM 1, the other 32 none; 3 of 34 x 2 = 68 cells reported.
"""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from data import observations, store
from tests.app_support import ok, open_page
from ui import loaders, warmup
from ui.i18n import t

PAGE = "pages/coverage.py"
ROWS = [
    ("province", "2025", "01", "pii_score", "2025", "65.68", "reported", "pii_2025"),
    ("province", "2025", "79", "pii_score", "2025", "59.33", "reported", "pii_2025"),
    ("province", "2025", "52", "pii_score", "2025", "50", "target", "pii_2025"),
    ("province", "2025", "01", "population", "2025", "8718000", "reported", "cityapartment_34_2025"),
    ("province", "2025", "19", "rd_staff", "2025-Q3", "1900", "synthetic", "synthetic_demo"),
]


@pytest.fixture()
def small_store(tmp_path, monkeypatch):
    frame = observations.prepare_observations(
        pd.DataFrame(
            ROWS, columns=["geo_level", "layout", "geo_code", "indicator_id", "period", "value", "status", "source_id"]
        )
    )
    warmup.start().join()  # the app's background warm-up must not read a store being replaced
    monkeypatch.setattr(observations, "bundled_observations", lambda: frame)
    store.open_store(tmp_path / "small.duckdb").close()
    monkeypatch.setenv("VN57_STORE", str(tmp_path / "small.duckdb"))
    loaders.store.clear()
    st.cache_data.clear()
    yield
    loaders.store().close()
    loaders.store.clear()
    st.cache_data.clear()


def _grid(at) -> pd.DataFrame:
    return at.dataframe[0].value


def test_grid_counts_on_a_hand_built_store(small_store):
    at = open_page(PAGE)
    assert at.title[0].value == t("coverage_title", "en")
    grid = _grid(at)
    assert list(grid.columns) == ["Provincial Innovation Index (PII)", "Population", t("coverage_col_count", "en")]
    assert len(grid) == 35  # 34 provinces and the row of counts
    assert grid.loc["Hanoi"].tolist() == ["R", "R", "2"]
    assert grid.loc["Ho Chi Minh City"].tolist() == ["R", "", "1"]
    assert grid.loc["Gia Lai"].tolist() == ["T", "", "0"]  # a target is not a reported value
    assert grid.loc[t("coverage_row_total", "en")].tolist() == ["2", "1", ""]
    captions = [c.value for c in at.caption]
    assert t("coverage_counts", "en", reported="3", cells="68") in captions
    assert t("coverage_never", "en", n=32) in [m.value for m in at.markdown]
    never = at.text[0].value.split(", ")
    assert len(never) == 32 and "Hanoi" not in never and "Gia Lai" in never and "Thai Nguyen" in never
    assert t("coverage_legend", "en") in captions
    assert {b.key for b in at.get("download_button")} >= {"coverage_download"}


def test_synthetic_values_appear_as_s_when_switched_on(small_store):
    at = open_page(PAGE, synthetic="1")
    grid = _grid(at)
    assert "R&D staff" in grid.columns and grid.loc["Thai Nguyen", "R&D staff"] == "S"
    assert grid.loc[t("coverage_row_total", "en"), "R&D staff"] == "0"  # synthetic is not reported


def test_a_cell_opens_its_values(small_store):
    at = open_page(PAGE)
    at.selectbox(key="cov_place").set_value("79").run()
    ok(at)
    assert at.selectbox(key="cov_ind").value == "pii_score"
    values = at.dataframe[-1].value
    assert values["value"].tolist() == [59.33] and values["place"].tolist() == ["Ho Chi Minh City"]


def test_the_bundled_data_in_vietnamese():
    at = open_page(PAGE, lang="vi", layout="2008")
    assert at.title[0].value == t("coverage_title", "vi")
    grid = _grid(at)
    assert grid.loc[t("coverage_row_total", "vi"), "Thứ hạng chỉ số chuyển đổi số cấp tỉnh"] == "63"  # DTI 2022
    assert t("coverage_never_none", "vi") in [c.value for c in at.caption]


def test_the_frozen_grid_styles_are_what_streamlit_sends_for_the_plain_styler():
    """The colours computed once (cv._frozen) reach st.dataframe exactly as the plain Styler's, display values too."""
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from ui import coverage_view as cv

    table = pd.DataFrame(
        {"PII": ["R", "T", "", "3"], "R&D staff": ["S", "D", "R", "1"], "count": ["2", "0", "1", ""]},
        index=["Hanoi", "Gia Lai", "Hue", "total"],
    )
    sent = []
    for styler in (cv.styled(table), cv._frozen(cv.styled(table))):
        styler.set_uuid("grid")
        for _ in range(2):  # the frozen one, again and again
            proto = ArrowData()
            marshall_styler(proto, styler, "unused")
            sent.append((proto.styler.styles, proto.styler.display_values))
    assert "#T_grid_row0_col0" in sent[0][0] and "background-color: #0072B2" in sent[0][0]
    assert sent[1] == sent[0] and sent[2] == sent[0] and sent[3] == sent[0]


def test_the_frozen_grid_keeps_no_styles_or_formatters_per_cell():
    """What _compute and _translate made per cell is not kept with every cached grid (85% of its memory)."""
    from ui import coverage_view as cv

    table = pd.DataFrame({"PII": ["R", "T"], "count": ["1", "0"]}, index=["Hanoi", "total"])
    frozen = cv._frozen(cv.styled(table))
    assert not frozen.ctx and not frozen._display_funcs
    assert frozen._translate()["cellstyle"]  # the colours themselves are kept
