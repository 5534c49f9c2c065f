"""The Import page's report in the page's language: the red box, the choice of layout, valid rows only refused,
and a template with an own indicator and source that then appears on the Map and in the explorer."""

from __future__ import annotations

from streamlit import config
from streamlit.testing.v1 import AppTest

from data import schema
from tests.app.test_import_page import ROOT, _click, _frame, _ok, _texts, _upload, app_store  # noqa: F401 (fixture)
from tests.data.test_import_definitions import filled_template
from tests.import_fixtures import row, tidy_text
from ui.i18n import t

MAP = "pages/map.py"


def _app_in(lang: str) -> AppTest:
    config.set_option("server.address", "127.0.0.1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return _ok(at.switch_page("pages/import.py").run())


def test_a_vietnamese_page_names_the_first_problems_in_vietnamese_and_how_many_more(app_store):
    rows = [row(geo_code=f"{c:02d}", value="x") for c in (1, 4, 8, 11, 12, 14, 15)] + [
        row(geo_code=f"{c:02d}") for c in (19, 20, 22, 24, 25, 31, 33, 37)]  # fmt: skip
    at = _upload(_app_in("vi"), "bao-cao.csv", tidy_text(rows).encode())
    (box,) = _texts(at.error)
    assert box.startswith("**7 lỗi\\: tệp bị từ chối\\.**")
    assert "- bao\\-cao\\.csv, dòng 2, cột 'value'\\: 'x' không phải là số" in box
    assert box.count("không phải là số") == 5  # the first five are named...
    assert box.endswith(
        "…và còn 2 lỗi khác\\: danh sách đầy đủ ở bên dưới và có thể tải về\\."
    )  # ...then how many more
    problems = _frame(at, "problems")
    assert len(problems) == 7 and set(problems["message"]) == {"'x' không phải là số"}
    assert at.checkbox(key="import_valid_only") is not None  # 7 of 15 fail: valid rows only may be asked for


def test_valid_rows_only_is_refused_on_the_page_when_most_rows_fail(app_store):
    rows = [row(geo_code="01", value="x"), row(geo_code="04", value="y"), row(geo_code="08")]
    at = _upload(_app_in("en"), "mostly.csv", tidy_text(rows).encode())
    assert not [c for c in at.checkbox if c.key == "import_valid_only"]
    assert any(e.startswith("importing only the valid rows is refused\\: 2 of 3 rows fail") for e in _texts(at.error))
    assert not [b for b in at.button if b.key == "import_start"]


def test_an_uncertain_layout_shows_each_reading_and_the_user_chooses(app_store):
    weak = tidy_text([row()], header=["geo_level", "layout", "geo_code", "indicator_id", "value", "status", "source_id",
                                      "period"])  # fmt: skip
    weak = weak.replace("period", "kỳ báo cáo x")  # an unknown heading: tidy sees two of its three columns
    at = _upload(_app_in("en"), "weak.csv", weak.encode())
    assert t("import_choose_layout", "en") in _texts(at.warning)
    assert [b.key for b in at.button if b.key.startswith("import_choose_")] == ["import_choose_tidy"]
    at = _click(at, "import_choose_tidy")
    assert at.selectbox(key="import_opt_importer").value == "tidy"
    assert _frame(at, "problems")["message"].tolist() == ["required column is missing"]


def test_a_template_with_an_own_indicator_and_source_shows_on_the_map(app_store):
    at = _app_in("en")
    at.file_uploader[0].set_value(("laocai.xlsx", filled_template(), "application/octet-stream"))
    at = _ok(at.run())
    detected = dict(zip(*_frame(at, "detected").T.values))
    assert (
        detected[t("detected_definitions", "en")]
        == "1 new indicator(s), 1 new source(s): kiosk_share, laocai_report_2026_q1"
    )
    at = _click(_click(at, "import_start"), "import_confirm")
    assert _texts(at.success)[0] == t("import_done", "en", batch=2, added="2", skipped="0")
    assert "kiosk_share" in set(app_store.indicators()[schema.INDICATOR])

    at.query_params.update({"ind": "kiosk_share"})
    at = _ok(at.switch_page(MAP).run())
    chosen = at.selectbox[[s.label for s in at.selectbox].index(t("map_indicator", "en"))]
    assert chosen.value == "kiosk_share"
    assert "Communes with a digital public-service kiosk" in chosen.options


def test_a_request_through_a_proxy_or_tunnel_on_loopback_cannot_edit(app_store, monkeypatch):
    from ui import auth as auth_ui

    monkeypatch.setattr(auth_ui, "request_host", lambda: "abc.trycloudflare.com")
    at = _app_in("en")
    assert _texts(at.error) == [t("auth_foreign_host", "en", host="abc\\.trycloudflare\\.com")]
    assert len(at.file_uploader) == 0 and not [b for b in at.button if b.key == "undo_start"]
    monkeypatch.setattr(auth_ui, "request_host", lambda: "localhost:8501")
    assert len(_app_in("en").file_uploader) == 2
