"""The analyst pages' results are cached once per data version (ui.loaders.per_data_version):
kept across sessions and st.cache_data.clear(), and never shown after an import or an undo changed the data.

Thái Nguyên reported 10.3 R&D staff per 10,000 on 2025-11-03 (the only reported province value, see
tests/app/test_compare_page.py); the test imports a reported 5.5 for Hà Nội (01) on the same day.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import importers
from tests.import_fixtures import row, tidy_text, use_fresh_app_store
from ui import loaders

ROOT = Path(__file__).resolve().parents[2]
IND = "rd_staff_per_10k"
HA_NOI = row(indicator_id=IND, period="2025-11-03", value="5.5", source_id="thainguyen_2025_11_03")


@pytest.fixture()
def app_store(tmp_path, monkeypatch):
    use_fresh_app_store(tmp_path, monkeypatch)
    yield loaders.store()
    loaders.store().close()
    loaders.store.clear()
    st.cache_data.clear()


def _values(**params) -> dict[str, float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"lang": "en", "ind": IND, "synthetic": "0", **params})
    at.switch_page("pages/compare.py").run()
    assert not at.exception, [e.message for e in at.exception]
    table = next(d.value for d in at.dataframe if "rank_of" in d.value.columns)
    shown = table[table["value"].notna()]
    return dict(zip(shown["geo_code"], shown["value"]))


def test_the_version_changes_with_an_import_and_an_undo(app_store):
    first = loaders.data_version()
    assert loaders.data_version() == first  # nothing written: same version
    batch = importers.commit(
        importers.analyse("a.csv", tidy_text([HA_NOI]).encode(), store=app_store), app_store, user="t"
    )
    second = loaders.data_version()
    assert second != first
    app_store.undo_batch(batch["batch_id"], user="t")
    assert loaders.data_version() not in (first, second)


def test_after_an_import_the_page_shows_the_new_value(app_store):
    assert _values() == {"19": 10.3}
    importers.commit(importers.analyse("a.csv", tidy_text([HA_NOI]).encode(), store=app_store), app_store, user="t")
    loaders.clear_after_write()  # what the Import page does after a write
    assert _values() == {"01": 5.5, "19": 10.3}


def test_a_cleared_data_cache_never_brings_back_older_results(app_store):
    assert _values() == {"19": 10.3}  # cached under the bundled data's version
    batch = importers.commit(
        importers.analyse("a.csv", tidy_text([HA_NOI]).encode(), store=app_store), app_store, user="t"
    )
    st.cache_data.clear()  # the per-version results survive this: they must not be the old ones
    assert _values() == {"01": 5.5, "19": 10.3}
    app_store.undo_batch(batch["batch_id"], user="t")
    loaders.clear_after_write()
    assert _values() == {"19": 10.3}
