"""Stored text is never rendered: a note, a name and a source title holding HTML and Markdown are shown as typed.

An import stores a national value whose note holds an ``<img>`` tag, a Markdown image, a link and bold text, an
own indicator whose names hold the same, and an own source whose producer and title do. Every page then runs in
both languages; every text the page hands to Streamlit for Markdown (titles, captions, messages, metric labels and
help, widget labels and help) must carry those signs escaped. Tables, charts and map data are data (shown as text
by the browser) and are left out here; ``tests/browser/test_import_browser.py`` checks that no page requests
anything from another host.
"""

from __future__ import annotations

import re

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

import i18n
from data import importers, schema
from tests.app.test_languages import _pages
from tests.data.test_import_definitions import NEW_INDICATOR, NEW_SOURCE, filled_template
from tests.import_fixtures import use_fresh_app_store
from ui import loaders, widgets

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
HOSTILE = ('<img src="https://evil.example/pixel.png"> ![x](https://evil.example/img.png) '
           "[link](https://evil.example/go) **bold**")  # fmt: skip
#: A sign that Markdown or HTML would act on, not preceded by the escaping backslash.
RENDERED = re.compile(
    r"(?<!\\)<img|(?<!\\)!\[|\]\(https?://evil|(?<!\\)\*\*bold|https?\\?://evil"
)  # the last: an autolink
#: Elements whose content is data, shown as text by the browser (tables, charts, map layers).
DATA_ELEMENTS = {"arrow_data_frame", "vega_lite_chart", "arrow_vega_lite_chart", "deck_gl_json_chart", "dataframe",
                 "table", "json", "code"}  # fmt: skip
#: Proto fields holding plain text (options of a select box are never Markdown).
PLAIN_FIELDS = {"options", "default", "value", "rawValue", "rawValues", "formattedOptions", "formattedValue"}


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    use_fresh_app_store(tmp_path_factory.mktemp("hostile"), mp)
    db = loaders.store()
    indicator = {**NEW_INDICATOR, "name_en": f"Kiosks {HOSTILE}", "name_vi": f"Ki-ốt {HOSTILE}", "unit": f"% {HOSTILE}"}
    source = {**NEW_SOURCE, "producer": f"UBND {HOSTILE}", "title": f"Báo cáo {HOSTILE}"}
    data = [
        {"province": "Lào Cai", "indicator_id": "kiosk_share", "period": "2026-Q1", "value": 42.5, "status": "reported",
         "source_id": "laocai_report_2026_q1", "note": HOSTILE},
        {"province": "Hà Nội", "indicator_id": "kiosk_share", "period": "2026-Q1", "value": 88, "status": "reported",
         "source_id": "laocai_report_2026_q1", "note": HOSTILE},
        {"province": "Cả nước", "indicator_id": "rd_staff_per_10k", "period": "2027", "value": 9.9, "status": "reported",
         "source_id": "laocai_report_2026_q1", "note": HOSTILE},
    ]  # fmt: skip
    report = importers.analyse(f"{HOSTILE}.xlsx", filled_template(data=data, indicators=[indicator], sources=[source]),
                               store=db)  # fmt: skip
    assert [str(p) for p in report.fatal + report.problems] == []
    importers.commit(report, db, user=HOSTILE)
    loaders.clear_after_write()
    yield db
    db.close()
    loaders.store.clear()
    __import__("streamlit").cache_data.clear()  # no later test sees this store's cached answers
    mp.undo()


def _elements(node):
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "DESCRIPTOR"):
        yield getattr(node, "type", ""), proto


def _strings(value, field=""):
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in PLAIN_FIELDS:
                yield from _strings(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, field)
    elif isinstance(value, str):
        yield field, value


def rendered_texts(at: AppTest) -> list[tuple[str, str, str]]:
    found = []
    for kind, proto in _elements(at._tree):
        if kind in DATA_ELEMENTS:
            continue
        for field, text in _strings(MessageToDict(proto)):
            found.append((kind, field, text))
    return found


PAGES = {
    "pages/home.py": {},
    "pages/map.py": {"ind": "kiosk_share"},
    "pages/compare.py": {"ind": "kiosk_share"},
    "pages/profile.py": {"province": "15"},
    "pages/targets.py": {},
    "pages/present.py": {"deck": "kiosk_share", "slide": "kiosk_share", "present": "1"},
    "pages/explorer.py": {"ind": "kiosk_share"},
    "pages/import.py": {},
    "pages/coverage.py": {},
    "pages/tasks.py": {},
}


def test_every_page_of_the_navigation_is_checked():
    assert set(PAGES) == set(_pages())


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_stored_html_and_markdown_are_shown_as_text(hostile_store, page, lang):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    for key, value in PAGES[page].items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    texts = rendered_texts(at)
    rendered = [(kind, field, text[:160]) for kind, field, text in texts if RENDERED.search(text)]
    assert rendered == []
    if page == "pages/home.py":  # the note is the help of the R&D staff metric, escaped: shown as typed
        helps = [m.proto.help for m in at.metric if m.proto.help]
        assert widgets.plain(HOSTILE) in helps
    if page == "pages/present.py":  # the own indicator's name is the slide's title, escaped
        assert at.title[0].value == widgets.plain(("Ki-ốt " if lang == "vi" else "Kiosks ") + HOSTILE)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_targets_method_expander_shows_its_text_as_text(hostile_store, lang, monkeypatch):
    """The forecast's method text may quote stored names and notes: whatever it holds is shown as typed."""
    from analysis import forecasting

    real = forecasting.method_text
    monkeypatch.setattr(forecasting, "method_text", lambda row, lang: f"{real(row, lang)} {HOSTILE}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.switch_page("pages/targets.py").run()
    assert not at.exception, [e.message for e in at.exception]
    method = [e for e in at.expander if e.label == i18n.t("targets_method", lang)]
    assert len(method) == 1
    captions = [c.value for c in method[0].caption]
    assert len(captions) == 1 and captions[0].endswith(widgets.plain(HOSTILE))
    assert [(kind, text[:160]) for kind, _, text in rendered_texts(at) if RENDERED.search(text)] == []


def test_the_hostile_definitions_were_stored(hostile_store):
    assert "kiosk_share" in set(hostile_store.indicators()[schema.INDICATOR])
