"""Counts, departments, late and due tasks, burn-up and the finish forecast of a hand-built task list.

The list is tests/task_fixtures.py (Thái Nguyên, 13 tasks on 30/09/2025); every expected value
below is worked out by hand from its table.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import tasks as analysis
from data import importers, schema
from data.importers import Options
from tests.task_fixtures import hand_csv


@pytest.fixture(scope="module")
def snapshot() -> pd.DataFrame:
    return importers.analyse("ds.csv", hand_csv(), Options()).tasks.assign(**{schema.BATCH_ID: 7})


@pytest.fixture(scope="module")
def november() -> pd.DataFrame:
    """The same list reported again on 03/11/2025: STT 7 (due 15/10/2025, in progress) is now late too."""
    return importers.analyse("ds.csv", hand_csv(), Options(as_of="03/11/2025")).tasks.assign(**{schema.BATCH_ID: 8})


def test_counts_and_done_share(snapshot):
    got = analysis.counts(snapshot).iloc[0]
    # done STT 1, 4, 9, 10, 11, 13; late 3, 6, 8; in progress 2, 7; not started 5; cancelled 12
    assert [got[c] for c in ("total", "done", "in progress", "not started", "late", "cancelled")] == [12, 6, 2, 1, 3, 1]
    assert got["done_share"] == pytest.approx(50.0)  # 6 of the 12 not cancelled
    assert (got[schema.LAYOUT], got[schema.GEO_CODE], got[schema.AS_OF]) == ("2025", "19", "2025-09-30")


def test_late_list_oldest_deadline_first(snapshot):
    late = analysis.late_tasks(snapshot)
    assert late[schema.DEADLINE].tolist() == ["2025-06-30", "2025-07-31", "2025-08-31"]  # STT 3, 8, 6
    assert late[schema.LEAD_DEPARTMENT].tolist() == ["Sở Giáo dục và Đào tạo", "Sở Tài chính", "Sở Nội vụ"]


def test_due_within_thirty_days(snapshot):
    # open tasks due 30/09/2025..30/10/2025: only STT 7 (15/10); STT 10 (20/10) is done already
    due = analysis.due_within(snapshot, 30)
    assert due[schema.TASK_TITLE].tolist() == ["Triển khai nền tảng thanh toán số"]
    assert analysis.due_within(snapshot, 10).empty  # 15/10 is 15 days away
    # 92 days reach 31/12/2025: STT 2 (Quý IV) and STT 5 (31/12) join
    assert analysis.due_within(snapshot, 92)[schema.DEADLINE].tolist() == ["2025-10-15", "2025-12-31", "2025-12-31"]


def test_departments_worst_first(snapshot):
    table = analysis.by_department(snapshot)
    expected = [  # department, total, done, late, done share: most late first, then lowest share, then name
        ("Sở Tài chính", 2, 0, 1, 0.0),  # STT 7, 8 (12 cancelled is not counted)
        ("Sở Giáo dục và Đào tạo", 2, 1, 1, 50.0),  # STT 3, 13
        ("Sở Nội vụ", 2, 1, 1, 50.0),  # STT 6, 9
        ("Sở Khoa học và Công nghệ", 3, 1, 0, 100 / 3),  # STT 1, 2, 5
        ("Công an tỉnh", 1, 1, 0, 100.0),  # STT 11
        ("Văn phòng UBND tỉnh", 2, 2, 0, 100.0),  # STT 4, 10
    ]
    got = list(
        table[[schema.LEAD_DEPARTMENT, "total", "done", "late", "done_share"]].itertuples(index=False, name=None)
    )
    assert [g[:4] for g in got] == [e[:4] for e in expected]
    assert [g[4] for g in got] == pytest.approx([e[4] for e in expected])


def test_programme_deadline_is_its_latest_task_deadline(snapshot):
    assert analysis.programme_deadline(snapshot)[analysis.PROGRAMME_DEADLINE].tolist() == ["2026-12-31"]  # STT 9


def test_forecast_date_by_the_pace_rule(snapshot):
    """Zero done on 22/12/2024 (Resolution 57), 6 done on 30/09/2025: 282 days later.

    Pace 6 / 282 tasks a day; the other 6 tasks take 282 more days: 30/09/2025 + 282 = 09/07/2026.
    Required: 12 tasks from 22/12/2024 to 31/12/2026 (739 days); R = (6/282) / (12/739) = 1.31: on track.
    """
    history = analysis.burn_up(snapshot)
    result = analysis.finish_forecast(history, "2026-12-31", layout="2025", code="19")
    row = result.row
    assert row[schema.BASELINE_DATE] == "2024-12-22" and row[schema.METHOD] == "pace"
    assert row[schema.OBSERVED_PACE] == pytest.approx(6 / 282)
    assert row[schema.REQUIRED_PACE] == pytest.approx(12 / 739)
    assert row[schema.PROGRESS_RATIO] == pytest.approx(739 / 564)
    assert row[schema.PROJECTED_DATE] == "2026-07-09"
    assert row[schema.FORECAST_STATUS] == "on_track"


def test_two_snapshots_make_a_burn_up(snapshot, november):
    both = pd.concat([snapshot, november], ignore_index=True)
    history = analysis.burn_up(both)
    assert history[[schema.AS_OF, "done", "total"]].values.tolist() == [["2025-09-30", 6, 12], ["2025-11-03", 6, 12]]
    counts = analysis.counts(november).iloc[0]
    assert (counts["late"], counts["in progress"]) == (4, 1)  # STT 7 passed its deadline on 15/10
    latest = analysis.latest(both)
    assert set(latest[schema.AS_OF]) == {"2025-11-03"} and len(latest) == 13
    pace = analysis.required_pace(history, "2026-12-31", "2024-12-22")
    assert pace.values.tolist() == [["2024-12-22", 0.0], ["2026-12-31", 12.0]]


def test_derived_observations_name_their_inputs(snapshot):
    obs = analysis.derived_observations(snapshot)
    values = dict(zip(obs[schema.INDICATOR], obs[schema.VALUE]))
    assert values == {
        "r57_tasks_total": 12,
        "r57_tasks_done": 6,
        "r57_tasks_in_progress": 2,
        "r57_tasks_late": 3,
        "r57_tasks_done_share": 50.0,
    }
    assert set(obs[schema.STATUS]) == {"derived"} and set(obs[schema.SOURCE_ID]) == {"derived_here"}
    assert set(obs[schema.PERIOD]) == {"2025-09-30"} and set(obs[schema.GRANULARITY]) == {"day"}
    share = obs[obs[schema.INDICATOR] == "r57_tasks_done_share"].iloc[0]
    assert share[schema.DERIVED_FROM] == (
        "task register (CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 15-CTr/TU; batch 7): 12 tasks as of 2025-09-30; 100 * done / total"
    )
    assert list(obs.columns) == list(schema.OBSERVATION_COLUMNS)


def test_synthetic_registers_give_synthetic_counts(snapshot):
    obs = analysis.derived_observations(snapshot.assign(**{schema.STATUS: "synthetic"}))
    assert set(obs[schema.STATUS]) == {"synthetic"} and set(obs[schema.SOURCE_ID]) == {"synthetic_demo"}


def test_reported_and_derived_counts_are_kept_side_by_side(november):
    """Thái Nguyên reported 156 tasks, 83 done, 72 in progress, 1 late (53%) on 03/11/2025.

    The list gives 12, 6, 1, 4 (and 50%)."""
    reported = pd.DataFrame(
        {
            schema.GEO_LEVEL: "province",
            schema.LAYOUT: "2025",
            schema.GEO_CODE: "19",
            schema.DATE: "2025-11-03",
            schema.STATUS: "reported",
            schema.INDICATOR: [
                "r57_tasks_total",
                "r57_tasks_done",
                "r57_tasks_in_progress",
                "r57_tasks_late",
                "r57_tasks_done_share",
                "rd_staff",
            ],
            schema.VALUE: [156.0, 83.0, 72.0, 1.0, 53.0, 1861.0],
        }
    )
    derived = analysis.derived_observations(november)
    table = analysis.reported_and_derived(reported, derived)
    assert table[[schema.INDICATOR, "reported", "derived", "difference"]].values.tolist() == [
        ["r57_tasks_total", 156.0, 12.0, -144.0],
        ["r57_tasks_done", 83.0, 6.0, -77.0],
        ["r57_tasks_in_progress", 72.0, 1.0, -71.0],
        ["r57_tasks_late", 1.0, 4.0, 3.0],
        ["r57_tasks_done_share", 53.0, 50.0, -3.0],
    ]
    # nothing is replaced: both sets of rows are still there
    assert len(pd.concat([reported, derived])) == 6 + 5


def test_ranking_highest_done_share_first():
    counts = pd.DataFrame(
        {
            schema.LAYOUT: "2025",
            schema.GEO_CODE: ["19", "52", "19"],
            schema.AS_OF: ["2025-09-30", "2025-10-31", "2025-11-03"],
            "done_share": [50.0, 60.0, 40.0],
        }
    )
    assert analysis.ranking(counts)[[schema.GEO_CODE, "done_share"]].values.tolist() == [["52", 60.0], ["19", 40.0]]


def test_empty_inputs_give_empty_frames():
    empty = importers.analyse("ds.csv", hand_csv(), Options()).tasks.iloc[0:0]
    assert analysis.counts(empty).empty and analysis.by_department(empty).empty
    assert analysis.derived_observations(empty).empty and analysis.late_tasks(empty).empty
    assert math.isnan(analysis.counts(pd.concat([empty, empty.assign()]).iloc[0:0]).reindex([0])["done_share"].iloc[0])


def test_other_pages_get_the_registers_counts_only_where_none_was_reported(november):
    """One value per place, indicator and period on the map and charts: a reported date keeps its reported counts."""
    derived = analysis.derived_observations(november)
    reported = pd.DataFrame(
        {
            schema.GEO_LEVEL: "province",
            schema.LAYOUT: "2025",
            schema.GEO_CODE: "19",
            schema.DATE: "2025-11-03",
            schema.INDICATOR: ["r57_tasks_total"],
            schema.VALUE: [156.0],
            schema.STATUS: "reported",
        }
    )
    assert analysis.without_reported(derived, reported).empty  # all five go together
    elsewhere = reported.assign(**{schema.DATE: "2025-10-31"})
    assert len(analysis.without_reported(derived, elsewhere)) == 5


def test_prefit_finish_fits_every_programme_trend_in_one_child(snapshot, monkeypatch):
    """Two programmes reported on five dates each (four or more: a robust trend each): one child fits both.

    Their finish forecasts then come from the memo, the same as those fitted in this process.
    """
    import json
    import subprocess
    import sys

    from analysis import robust_fit

    dates = ["2025-03-31", "2025-05-31", "2025-07-31", "2025-09-30", "2025-11-30"]
    done_by = {d: snapshot[schema.TASK_STATUS].eq("done").cumsum().le(i + 2) for i, d in enumerate(dates)}
    reports = []
    for programme in ("A", "B"):
        for i, day in enumerate(dates):
            rows = snapshot.assign(**{schema.AS_OF: day, schema.PROGRAMME: programme})
            done = rows[schema.TASK_STATUS].eq("done") & done_by[day]  # 2, 3, 4, 5, 6 tasks done
            if programme == "B":
                done = rows[schema.TASK_STATUS].eq("done") & (i > 0)  # 0 then 6 done: another line
            rows[schema.TASK_STATUS] = rows[schema.TASK_STATUS].where(
                done | rows[schema.TASK_STATUS].ne("done"), "in progress"
            )
            reports.append(rows)
    tasks = pd.concat(reports, ignore_index=True)

    def finish(programme):
        rows = tasks[tasks[schema.PROGRAMME] == programme]
        deadline = analysis.programme_deadline(rows)[analysis.PROGRAMME_DEADLINE].iloc[0]
        return analysis.finish_forecast(analysis.burn_up(rows), deadline, layout="2025", code="19").row

    robust_fit.forget()
    here = [finish("A"), finish("B")]  # in this process (the tests load scikit-learn)
    assert [r[schema.METHOD] for r in here] == ["model", "model"]
    assert analysis.burn_up(tasks[tasks[schema.PROGRAMME] == "A"])["done"].tolist() == [2, 3, 4, 5, 6]
    robust_fit.forget()
    started = []
    real = subprocess.run
    monkeypatch.setattr(
        robust_fit.subprocess, "run", lambda c, *a, **k: started.append(len(json.loads(k["input"]))) or real(c, *a, **k)
    )
    monkeypatch.delitem(sys.modules, "sklearn")
    assert analysis.prefit_finish(tasks) == 2 and started == [2]
    there = [finish("A"), finish("B")]
    assert started == [2]
    for a, b in zip(there, here):
        pd.testing.assert_series_equal(pd.Series(a), pd.Series(b), check_exact=True)
    robust_fit.forget()
