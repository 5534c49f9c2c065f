"""The Tasks page through the whole app, in both languages, on the hand-built list of tests/task_fixtures.py.

Expected numbers are those worked out by hand in tests/analysis/test_tasks.py: 12 tasks (13 less one
cancelled), 6 done, 2 in progress, 3 late, 50 % done; late STT 3, 8 and 6; STT 7 due within 30 days.
"""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from data import importers, schema
from data.importers import Options
from tests.app_support import ok, open_page
from tests.import_fixtures import use_fresh_app_store
from tests.task_fixtures import hand_csv
from ui import loaders

PAGE = "pages/tasks.py"


@pytest.fixture()
def app_store(tmp_path, monkeypatch):
    """A fresh app store holding the hand-built list (30/09/2025) and the same list again on 03/11/2025."""
    use_fresh_app_store(tmp_path, monkeypatch)
    store = loaders.store()
    for as_of in (None, "03/11/2025"):
        report = importers.analyse("ds.csv", hand_csv(), Options(as_of=as_of), store=store)
        importers.commit(report, store, user="test")
    loaders.clear_after_write()
    yield store
    store.close()
    loaders.store.clear()
    st.cache_data.clear()


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at, first_column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if len(d.value.columns) and d.value.columns[0] == first_column]
    assert found, f"no table starting with {first_column!r}"
    return found[0]


def test_english_key_numbers_of_a_province(app_store):
    at = open_page(PAGE, lang="en", province="19", synthetic="0")
    # the latest snapshot (03/11/2025): STT 7 is late by then (due 15/10), so 4 late and 1 in progress
    assert _metrics(at) == {"Tasks": "12", "Done": "6", "In progress": "1", "Late": "4", "Done share": "50.0 %"}
    late = _table(at, "Place")
    assert late["Deadline"].tolist()[:4] == ["2025-06-30", "2025-07-31", "2025-08-31", "2025-10-15"]
    departments = _table(at, "Lead department")
    assert departments["Lead department"].iloc[0] == "Sở Tài chính"  # 2 late (STT 7, 8), none done
    assert departments["Late"].iloc[0] == 2
    forecast = [m.value for m in at.markdown if "At the pace so far" in m.value]
    # zero on 22/12/2024, 6 done on 30/09 and still 6 on 03/11/2025 (316 days): pace 6/316 a day, carried on
    # from 03/11/2025 for the other 6 tasks: 316 days more, 15/09/2026; deadline 31/12/2026 (STT 9)
    assert len(forecast) == 1 and "by 2026\\-09\\-15" in forecast[0] and "2026\\-12\\-31" in forecast[0], forecast
    assert any("Reported counts beside" in s.value for s in at.subheader)
    side = [d.value for d in at.dataframe if "Difference" in d.value.columns][0]
    assert side["Difference"].tolist() == [-144.0, -77.0, -71.0, 3.0, -3.0]  # 12-156, 6-83, 1-72, 4-1, 50-53


def test_vietnamese_page_and_filters(app_store):
    at = open_page(PAGE, lang="vi", province="19", synthetic="0", tstatus="late")
    assert _metrics(at)["Nhiệm vụ"] == "4" and _metrics(at)["Chậm tiến độ"] == "4"
    assert _metrics(at)["Tỷ lệ hoàn thành"] == "0,0 %"
    at.number_input(key="tasks_days").set_value(10)
    ok(at.run())
    assert any("Đến hạn trong 10 ngày" in s.value for s in at.subheader)
    rows = [d.value for d in at.dataframe if "Tình trạng ghi trong tệp" in d.value.columns][0]
    assert sorted(rows["Thời hạn"], key=lambda d: d[6:] + d[3:5] + d[:2]) == [
        "30/06/2025",
        "31/07/2025",
        "31/08/2025",
        "15/10/2025",
    ]
    assert set(rows["Tình trạng"]) == {"chậm tiến độ"}


def test_the_due_list_uses_the_setting(app_store):
    at = open_page(PAGE, lang="en", province="19", synthetic="0")
    assert any(s.value == "Due within 30 days of the reporting date (0)" for s in at.subheader)
    at.number_input(key="tasks_days").set_value(60)
    ok(at.run())
    # from 03/11/2025: STT 2 and 5 (31/12/2025) are 58 days away
    assert any(s.value == "Due within 60 days of the reporting date (2)" for s in at.subheader)


def test_all_provinces_rank_with_the_national_figure_labelled(app_store):
    at = open_page(PAGE, lang="en", synthetic="0")
    ranking = [d.value for d in at.dataframe if "Rank" in d.value.columns][0]
    assert ranking["Place"].tolist() == ["Thai Nguyen"] and ranking["Done share (%)"].tolist() == [50.0]
    national = [c.value for c in at.caption if c.value.startswith("Nation:")]
    assert national and "370 of 944" in national[0] and "ministries and localities together" in national[0]


def test_no_register_says_where_to_import_one(tmp_path, monkeypatch):
    use_fresh_app_store(tmp_path, monkeypatch)
    try:
        at = open_page(PAGE, lang="vi", province="01", synthetic="0")
        assert any("Chưa có danh mục nhiệm vụ" in i.value for i in at.info)
    finally:
        loaders.store().close()
        loaders.store.clear()
        st.cache_data.clear()


@pytest.fixture()
def empty_store(tmp_path, monkeypatch):
    from streamlit import config

    use_fresh_app_store(tmp_path, monkeypatch)
    previous = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")  # loopback: editing allowed without auth
    yield loaders.store()
    config.set_option("server.address", previous)
    loaders.store().close()
    loaders.store.clear()
    st.cache_data.clear()


def test_a_task_list_without_title_rows_through_the_import_page_in_vietnamese(empty_store):
    """The page asks for province, programme and date in Vietnamese; given them it imports one batch; undo."""
    from data import tasks as register

    at = open_page("pages/import.py", lang="vi")
    at.file_uploader[0].set_value(("ds.csv", hand_csv(title=[]), "text/csv"))
    ok(at.run())
    messages = [d.value for d in at.dataframe if "message" in d.value.columns][0]["message"].tolist()
    assert any(m.startswith("chưa rõ ngày số liệu") for m in messages), messages
    at.selectbox(key="import_opt_task_province").set_value("Thái Nguyên")
    at.text_input(key="import_opt_task_programme").input("Kế hoạch 57")
    at.text_input(key="import_opt_task_as_of").input("30/09/2025")
    ok(at.run())
    assert not [d for d in at.dataframe if "message" in d.value.columns]
    at.button(key="import_start").click()
    ok(at.run())
    at.button(key="import_confirm").click()
    ok(at.run())
    stored = register.read_tasks(empty_store, statuses=["reported"])
    assert len(stored) == 13 and set(stored[schema.AS_OF]) == {"2025-09-30"}
    batch = int(stored["batch_id"].iloc[0])
    page = open_page(PAGE, lang="vi", province="19", synthetic="0")
    assert _metrics(page)["Chậm tiến độ"] == "3"
    at.selectbox(key="undo_batch").set_value(batch)
    at.button(key="undo_start").click()
    ok(at.run())
    at.button(key="undo_confirm").click()
    ok(at.run())
    assert register.read_tasks(empty_store, statuses=["reported"]).empty


def test_a_renamed_task_mapped_on_the_import_page_keeps_one_history(empty_store):
    """The Import page's "renamed tasks" box (OLD = NEW per line) maps STT 2's new title to its old one."""
    from analysis import tasks as analysis
    from data import tasks as register
    from tests.task_fixtures import ROWS

    first = importers.analyse("ds.csv", hand_csv(), Options(), store=empty_store)  # 30/09/2025, from the title rows
    importers.commit(first, empty_store, user="test")
    loaders.clear_after_write()
    rows = [list(r) for r in ROWS]
    old, new = rows[2][1], "Xây dựng và vận hành Trung tâm dữ liệu tỉnh"
    rows[2][1] = new
    at = open_page("pages/import.py", lang="en")
    at.file_uploader[0].set_value(("thang-11.csv", hand_csv(rows=rows), "text/csv"))
    at.text_input(key="import_opt_task_as_of").input("03/11/2025")
    at.text_area(key="import_opt_task_renames").input(f"{old} = {new}\nnot a pair")
    ok(at.run())
    assert any("Not a pair OLD = NEW: 'not a pair'" in c.value for c in at.caption)
    at.button(key="import_start").click()
    ok(at.run())
    at.button(key="import_confirm").click()
    ok(at.run())
    history = analysis.status_history(register.read_tasks(empty_store, statuses=["reported"]))
    assert len(history) == 13
    assert history.xs(register.task_key(new), level=schema.TASK_ID).iloc[0].tolist() == ["in progress"] * 2


def test_a_long_list_shows_a_bounded_number_of_rows_and_the_downloads_keep_all(empty_store):
    """600 tasks, all due in 2030 (none late): the list shows the first 500 and says so; the download holds 600."""
    from data import export
    from ui import tasks_view

    rows = [[str(i), f"Nhiệm vụ số {i}", "Sở Tài chính", "31/12/2030", "Đang thực hiện", ""] for i in range(1, 601)]
    report = importers.analyse("dai.csv", hand_csv(rows=rows), Options(), store=empty_store)
    importers.commit(report, empty_store, user="test")
    loaders.clear_after_write()
    at = open_page(PAGE, lang="en", province="19", synthetic="0")
    assert _metrics(at)["Tasks"] == "600"
    assert any(s.value == "Tasks (600)" for s in at.subheader), [s.value for s in at.subheader]
    listed = [d.value for d in at.dataframe if "Status in the file" in d.value.columns]
    assert len(listed) == 1 and len(listed[0]) == tasks_view.MAX_ROWS_SHOWN == 500
    assert "Showing the first 500 of 600 rows; the downloads hold all of them." in [c.value for c in at.caption]
    view = tasks_view.filtered_view.fresh("2025", "19", ("reported",), "en", (), (), (), 30)
    assert view["n"] == 600 and len(view["raw"]) == 600
    assert export.to_csv_bytes(view["raw"]).decode("utf-8-sig").count("Nhiệm vụ số") == 600


def test_every_programme_trend_is_fitted_in_one_child_when_the_page_opens(tmp_path, monkeypatch):
    """Two programmes reported on four dates each (a robust trend: scikit-learn, in a child process in a server).

    The page's overview fits every programme's trend at once (``analysis.tasks.prefit_finish``): one
    child for the page, none more when the other programme's burn-up and finish forecast are drawn.
    """
    import json
    import sys

    from analysis import robust_fit

    use_fresh_app_store(tmp_path, monkeypatch)
    store = loaders.store()
    from tests.task_fixtures import TITLE

    second = [TITLE[0], TITLE[1].replace("SỐ 15-CTr/TU", "SỐ 16-CTr/TU"), TITLE[2]]
    dates = {0: ("31/10/2025", "30/11/2025", "31/12/2025"), 1: ("15/10/2025", "15/11/2025", "15/01/2026")}
    for n, title in enumerate((TITLE, second)):  # two programmes, each reported on four dates (other days)
        for as_of in (None, *dates[n]):
            report = importers.analyse("ds.csv", hand_csv(title), Options(as_of=as_of), store=store)
            importers.commit(report, store, user="test")
    loaders.clear_after_write()
    robust_fit.forget()
    started = []
    real = robust_fit.subprocess.run
    monkeypatch.setattr(
        robust_fit.subprocess, "run", lambda c, *a, **k: started.append(len(json.loads(k["input"]))) or real(c, *a, **k)
    )
    monkeypatch.delitem(sys.modules, "sklearn")  # as in a server: scikit-learn never imported there
    try:
        at = open_page(PAGE, lang="en", province="19", synthetic="0")
        assert started == [2], started  # both programmes' trends, one child
        programmes = at.selectbox(key="tasks_programme")
        assert len(programmes.options) == 2
        other = programmes.value.replace("SỐ 15-CTr/TU", "SỐ 16-CTr/TU")
        ok(programmes.set_value(other).run())  # the other programme: its fit is in the memo
        assert at.selectbox(key="tasks_programme").value == other
        assert started == [2], started
    finally:
        store.close()
        loaders.store.clear()
        st.cache_data.clear()
        robust_fit.forget()
