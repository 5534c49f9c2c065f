"""The Import page through the whole app (app.py -> st.navigation -> pages/import.py), with AppTest.

AppTest's file_uploader takes bytes, so uploads, confirmations and undo are driven as a user would.
Each test gets its own store (``VN57_STORE``) and server address (``server.address``), restored after.
Access modes: loopback (127.0.0.1, no auth configured: editing allowed and said so), locked (any other
address, nothing configured), password (hash in secrets, slowed down after failures), and st.login
(identity provider in secrets, allow-list of editor e-mails).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from data import auth, importers
from tests.import_fixtures import row, tidy_text, use_fresh_app_store
from ui import auth as auth_ui
from ui import loaders
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
IMPORT, EXPLORER = "pages/import.py", "pages/explorer.py"
PASSWORD = "Nghị quyết 57!"
OIDC = {"auth": {"client_id": "id", "client_secret": "secret", "redirect_uri": "http://localhost:8501/oauth2callback",
                 "cookie_secret": "cookie", "server_metadata_url": "https://idp.example/.well-known/openid-configuration"},
        "vn57": {"editors": ["ana@example.org"]}}  # fmt: skip


@pytest.fixture()
def app_store(tmp_path, monkeypatch):
    """The app's store (ui.loaders.store) is a fresh copy of the bundled store, for this test only."""
    use_fresh_app_store(tmp_path, monkeypatch)
    # the password slow-down counts live in the store: a fresh store starts with none
    previous = config.get_option("server.address")
    yield loaders.store()
    config.set_option("server.address", previous)
    loaders.store().close()
    loaders.store.clear()
    st.cache_data.clear()


def _app(address: str | None = "127.0.0.1", secrets: dict | None = None, user: dict | None = None) -> AppTest:
    config.set_option("server.address", address)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    return _ok(at.switch_page(IMPORT).run())


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def _frame(at: AppTest, name: str):
    """The table shown under that name: detected, problems, batches or audit (st.dataframe has no key in AppTest)."""
    first = {"detected": t("import_what", "en"), "problems": "message", "batches": "sha256", "audit": "action"}[name]
    found = [d.value for d in at.dataframe if first in d.value.columns]
    assert found, f"no {name} table"
    return found[0]


def _upload(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, raw, "text/csv"))
    return _ok(at.run())


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return _ok(at.run())


# --- access control ---------------------------------------------------------------------------------------------
def test_loopback_only_without_auth_allows_editing_and_says_so(app_store):
    at = _app("127.0.0.1")
    assert at.title[0].value == t("import_title", "en")
    assert t("auth_loopback", "en", address="127.0.0.1") in _texts(at.warning)
    assert any(c.startswith("Editing as local") for c in _texts(at.caption))
    assert len(at.file_uploader) == 2  # the file, and its own indicators and sources
    # reading options, side files and task-list options each in their own expander, the side files' alone in its
    expanders = {e.label: e for e in at.expander}
    assert {t(k, "en") for k in ("import_options", "import_side_title", "import_task_options")} <= set(expanders)
    assert len(expanders[t("import_side_title", "en")].get("file_uploader")) == 1
    assert len(expanders[t("import_options", "en")].get("file_uploader")) == 0
    assert t("import_limits", "en", mb="20", rows="500,000") in _texts(at.caption)


@pytest.mark.parametrize("address", ["", "0.0.0.0", "::", "192.168.1.20"])
def test_any_other_address_without_auth_keeps_editing_off(app_store, address):
    at = _app(address)
    assert _texts(at.error) == [t("auth_locked", "en", address=address or "0.0.0.0")]
    assert len(at.file_uploader) == 0
    assert not [b for b in at.button if b.key in ("undo_start", "import_start")]
    assert len(_frame(at, "batches")) == 1  # viewers still see what was imported (the bundled batch)


def test_password_mode_with_slow_down_after_failures(app_store, monkeypatch):
    clock = [1000.0]
    throttle = auth.Throttle(base=1.0, cap=60.0, clock=lambda: clock[0])
    monkeypatch.setattr(auth_ui, "throttle", lambda: throttle)
    secrets = {"vn57": {"editor_password_hash": auth.hash_password(PASSWORD, n=2**10)}}
    at = _app("0.0.0.0", secrets)
    assert t("auth_viewer", "en") in _texts(at.info) and len(at.file_uploader) == 0

    def attempt(name: str, password: str) -> AppTest:
        at.text_input(key="auth_name").input(name)
        at.text_input(key="auth_password").input(password)
        return _click(at, "auth_submit")

    assert _texts(attempt("Ana", "wrong").error) == [t("auth_wrong", "en", seconds=1)]
    assert _texts(attempt("Ana", PASSWORD).error) == [t("auth_wait", "en", seconds=1)]  # too soon: not even checked
    clock[0] += 1
    assert _texts(attempt("Ana", "wrong again").error) == [t("auth_wrong", "en", seconds=2)]
    clock[0] += 2
    assert _texts(attempt("", PASSWORD).error) == [t("auth_wrong", "en", seconds=4)]  # a name is required
    clock[0] += 4
    at = attempt("Ana", PASSWORD)
    assert not at.error
    assert t("auth_editor", "en", who="Ana (password)") in _texts(at.caption)
    assert len(at.file_uploader) == 2  # the file, and its own indicators and sources
    # reading options, side files and task-list options each in their own expander, the side files' alone in its
    expanders = {e.label: e for e in at.expander}
    assert {t(k, "en") for k in ("import_options", "import_side_title", "import_task_options")} <= set(expanders)
    assert len(expanders[t("import_side_title", "en")].get("file_uploader")) == 1
    assert len(expanders[t("import_options", "en")].get("file_uploader")) == 0
    assert throttle.failures("session:" + at.session_state[auth_ui.SESSION_KEY]) == 0
    at = _click(at, "auth_stop")
    assert len(at.file_uploader) == 0 and t("auth_viewer", "en") in _texts(at.info)


def test_login_mode_with_an_allow_list_of_editors(app_store):
    logged_out = _app("0.0.0.0", OIDC, {"is_logged_in": False})
    assert [b.key for b in logged_out.button if b.key == "auth_login"] == ["auth_login"]
    assert len(logged_out.file_uploader) == 0
    visitor = _app("0.0.0.0", OIDC, {"is_logged_in": True, "email": "eve@example.org"})
    assert t("auth_not_editor", "en", email="eve@example.org") in _texts(visitor.caption)
    assert len(visitor.file_uploader) == 0
    editor = _app("0.0.0.0", OIDC, {"is_logged_in": True, "email": "Ana@Example.org"})
    assert t("auth_editor", "en", who="Ana@Example.org") in _texts(editor.caption)
    assert len(editor.file_uploader) == 2


# --- upload, report, confirmation, import, undo -----------------------------------------------------------------
def test_upload_confirm_import_then_undo(app_store):
    at = _app()
    at = _upload(at, "hn.csv", tidy_text([row(), row(geo_code="79", value="41000")]).encode())
    detected = dict(zip(*_frame(at, "detected").T.values))
    assert detected[t("detected_format", "en")] == "CSV (delimited text)"
    assert detected[t("detected_encoding", "en")] == "UTF-8"
    assert detected[t("detected_separator", "en")] == "comma"
    assert detected[t("detected_layout", "en")] == "tidy (one row per value)"
    assert t("import_ok", "en", n="2") in _texts(at.success)
    before = len(app_store.observations())

    at = _click(at, "import_start")  # nothing is written before the confirmation
    assert len(app_store.observations()) == before
    assert [b.key for b in at.button if b.key.startswith("import_")] == ["import_confirm", "import_cancel"]
    at = _click(at, "import_confirm")
    assert _texts(at.success)[0] == t("import_done", "en", batch=2, added="2", skipped="0")
    assert len(app_store.observations()) == before + 2
    batches = _frame(at, "batches")
    assert batches.loc[batches["batch_id"] == 2, ["file_name", "rows_added", "kind"]].values.tolist() == [
        ["hn.csv", 2, "import"]
    ]
    assert at.file_uploader[0].value is None  # a fresh uploader after the import

    at.selectbox(key="undo_batch").set_value(2)
    at = _click(at, "undo_start")
    assert len(app_store.observations()) == before + 2
    at = _click(at, "undo_confirm")
    assert _texts(at.success)[0] == t("import_undo_done", "en", batch=2)
    assert len(app_store.observations()) == before
    audit = _frame(at, "audit")
    assert audit["action"].tolist()[:2] == ["undo", "import"]
    assert audit["user_name"].tolist()[0].startswith("local")


def test_cancel_leaves_the_store_alone(app_store):
    at = _upload(_app(), "hn.csv", tidy_text([row()]).encode())
    before = len(app_store.observations())
    at = _click(_click(at, "import_start"), "import_cancel")
    assert [b.key for b in at.button if b.key.startswith("import_")] == ["import_start"]
    assert len(app_store.observations()) == before


def test_problems_are_listed_downloadable_and_valid_rows_only_on_request(app_store):
    at = _app()
    raw = tidy_text(
        [row(), row(geo_code="02"), row(geo_code="79", value="abc"), row(geo_code="04"), row(geo_code="08")]
    ).encode()
    at = _upload(at, "mixed.csv", raw)
    assert _texts(at.error) == [
        "**2 problem\\(s\\)\\: the file is refused\\.**\n\n"
        "- mixed\\.csv, row 3, column 'geo\\_code'\\: no province '02' in the 2025 layout\n"
        "- mixed\\.csv, row 4, column 'value'\\: 'abc' is not a number"
    ]
    problems = _frame(at, "problems")
    assert problems.values.tolist() == [
        ["mixed.csv", "3", "geo_code", "no province '02' in the 2025 layout"],
        ["mixed.csv", "4", "value", "'abc' is not a number"],
    ]
    assert [b.key for b in at.get("download_button") if b.key == "import_problems_csv"] == ["import_problems_csv"]
    assert not [b for b in at.button if b.key == "import_start"]  # refused whole...
    at.checkbox(key="import_valid_only").check()
    at = _click(_ok(at.run()), "import_start")  # ...unless the user asks for the valid rows only
    at = _click(at, "import_confirm")
    assert _texts(at.success)[0] == t("import_done", "en", batch=2, added="3", skipped="2")


def test_a_refused_file_shows_why_and_offers_no_import(app_store):
    at = _upload(_app(), "photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert _texts(at.error) == [
        "**The file cannot be imported\\:**\n\n- photo\\.xlsx\\: this is not a table \\(CSV or XLSX\\)"
        "\\: it looks like a PNG image\\."
    ]
    assert _frame(at, "problems")["message"].tolist() == [
        "this is not a table (CSV or XLSX): it looks like a PNG image."
    ]
    assert not [b for b in at.button if b.key in ("import_start", "import_confirm")]
    assert not at.checkbox


def test_uploaded_text_is_escaped_when_shown_as_markdown(app_store):
    at = _upload(_app(), "![x](https:evil.example) <b>bold<b>.csv", tidy_text([row()]).encode())
    at = _click(at, "import_start")
    at = _click(at, "import_confirm")
    at.selectbox(key="undo_batch").set_value(2)
    at = _click(at, "undo_start")
    warning = [w for w in _texts(at.warning) if "Undo batch 2" in w][0]
    assert (
        "\\!\\[x\\]\\(https\u2060\\:evil" in warning and "](https" not in warning and "<b>" not in warning
    )  # no autolink


# --- the template round trip, seen in the data explorer ----------------------------------------------------------
def test_template_round_trip_appears_in_the_explorer(app_store):
    from tests.data.test_template import ROUND_TRIP, fill

    raw = fill(importers.template_bytes("2025"), ROUND_TRIP)
    at = _app()
    at.file_uploader[0].set_value(("mau-bao-cao.xlsx", raw, "application/octet-stream"))
    at = _ok(at.run())
    detected = dict(zip(*_frame(at, "detected").T.values))
    assert detected[t("detected_layout", "en")] == "reporting template (2025 layout)"
    at = _click(_click(at, "import_start"), "import_confirm")
    assert _texts(at.success)[0] == t("import_done", "en", batch=2, added="4", skipped="0")

    # in the store's query...
    query = app_store.observations(indicators=["g5_population_coverage"], statuses=["reported"], layouts=["2025"],
                                   date_from="2026-01-01")  # fmt: skip
    assert sorted(zip(query["geo_code"], query["value"])) == [("01", 81.5), ("15", 62.25), ("VN", 70.0)]
    # ...and on the explorer page of the same session (its cached queries were cleared by the import)
    at.query_params.update({"ind": "g5_population_coverage", "st": "reported", "period": "2026-03~2026-03"})
    at = _ok(at.switch_page(EXPLORER).run())
    table = at.dataframe[0].value
    shown = sorted(zip(table["place"], table["value"], table["unit"]))
    assert shown == [("Hanoi", 81.5, "percent of population"), ("Lao Cai", 62.25, "percent of population"),
                     ("Viet Nam", 70.0, "percent of population")]  # fmt: skip


def test_template_download_button(app_store):
    at = _app()
    button = at.get("download_button")
    assert [b.label for b in button if b.key == "import_template"] == [t("import_template", "en")]


def test_a_write_is_seen_at_once_and_keeps_the_store(app_store):
    query = {"indicators": ("rd_staff",), "statuses": ("reported",)}
    before = loaders.observations(**query)
    importers.commit(importers.analyse("a.csv", tidy_text([row()]).encode(), store=app_store), app_store, user="t")
    assert len(loaders.observations(**query)) == len(before) + 1  # cached under the data version, which changed
    loaders.clear_after_write()
    assert len(loaders.observations(**query)) == len(before) + 1
    assert loaders.store() is app_store
