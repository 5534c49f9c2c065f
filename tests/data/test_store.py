"""The store, on DuckDB and on PostgreSQL: created from the bundled files, kept across restarts, writes as batches."""

import pandas as pd
import pytest

from data import observations, schema, store


@pytest.fixture()
def db(store_target):
    handle = store.open_store(store_target)
    yield handle
    handle.close()


def test_first_open_loads_the_bundled_data_as_one_batch(db):
    batches = db.batches()
    assert batches["kind"].tolist() == ["bundled"]
    assert batches["rows_added"].iloc[0] == len(observations.bundled_observations())
    assert len(db.observations()) == batches["rows_added"].iloc[0]
    assert {"rd_staff_per_10k", "population"} <= set(db.indicators()["indicator_id"])
    assert "thainguyen_2025_11_03" in set(db.sources()["source_id"])
    assert len(db.milestones()) == 6


def test_reopen_keeps_the_store_and_does_not_reload(store_target):
    path = store_target
    first = store.open_store(path)
    first.close()
    again = store.open_store(path)
    assert again.batches()["batch_id"].tolist() == [1]
    again.close()


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("VN57_STORE", raising=False)
    monkeypatch.setenv("VN57_DATA_DIR", str(tmp_path))
    assert store.default_path() == tmp_path / "vn57.duckdb"
    monkeypatch.setenv("VN57_STORE", str(tmp_path / "other.duckdb"))
    assert store.default_path() == tmp_path / "other.duckdb"


def _one_import():
    return observations.prepare_observations(
        pd.DataFrame(
            [
                {
                    "geo_level": "province",
                    "layout": "2025",
                    "geo_code": "01",
                    "indicator_id": "rd_staff",
                    "period": "2025-Q4",
                    "value": "30000",
                    "status": "reported",
                    "source_id": "derived_here",
                }
            ]
        )
    )


def test_an_import_batch_survives_a_new_bundled_version(store_target, monkeypatch):
    path = store_target
    db = store.open_store(path)
    batch = db.add_batch(_one_import(), kind=store.KIND_IMPORT, file_name="hn.csv", sha256="abc", user="analyst")
    db.close()
    monkeypatch.setattr(store, "bundled_fingerprint", lambda: "a new version")
    db = store.open_store(path)
    kinds = db.batches().set_index("batch_id")["kind"]
    assert kinds[batch] == "import" and (kinds == "bundled").sum() == 1
    hanoi = db.observations(indicators=["rd_staff"], geo_codes=["01"], statuses=["reported"])
    assert hanoi["value"].tolist() == [30000.0]
    assert db.meta("bundled_fingerprint") == "a new version"
    db.close()


def test_a_failing_write_leaves_the_store_as_it_was(db):
    before = len(db.observations())
    bad = _one_import().assign(value="not a number")  # neither engine casts it to a number
    with pytest.raises(Exception):
        db.add_batch(bad, kind=store.KIND_IMPORT, file_name="bad.csv")
    assert len(db.observations()) == before
    assert db.batches()["kind"].tolist() == ["bundled"]


@pytest.mark.parametrize(
    "filters, expected",
    [
        # Thái Nguyên's reported R&D density and the national one: the nation passes the layout filter
        (
            dict(indicators=["rd_staff_per_10k"], layouts=["2025"], statuses=["reported"]),
            [("nation", "VN", 8.2), ("province", "19", 10.3)],
        ),
        # Bình Định's target is a 2008-layout row; Resolution 57's national 12 per 10,000 passes the layout filter
        (
            dict(indicators=["rd_staff_per_10k"], layouts=["2008"], statuses=["target"]),
            [("nation", "VN", 12.0), ("province", "52", 12.0)],
        ),
        # province_codes restricts provinces only
        (dict(indicators=["rd_staff_per_10k"], province_codes=["01"], statuses=["reported"]), [("nation", "VN", 8.2)]),
        # the ministry's "over 90%" at the end of 2025 is doubtful: left out unless asked for
        (
            dict(
                indicators=["g5_population_coverage"],
                geo_levels=["nation"],
                statuses=["reported"],
                date_from="2025-07-01",
            ),
            [("nation", "VN", 39.52)],
        ),
        (
            dict(
                indicators=["g5_population_coverage"],
                geo_levels=["nation"],
                statuses=["reported", "doubtful"],
                date_from="2025-07-01",
            ),
            [("nation", "VN", 39.52), ("nation", "VN", 90.0)],
        ),
        (
            dict(
                indicators=["g5_population_coverage"], geo_levels=["nation"], date_from="2025-07-01"
            ),  # no status filter: every row
            [("nation", "VN", 39.52), ("nation", "VN", 90.0), ("nation", "VN", 90.0)],
        ),
        (
            dict(
                indicators=["g5_population_coverage"],
                geo_levels=["nation"],
                statuses=["reported"],
                date_to="2025-06-30",
            ),
            [("nation", "VN", 26.0)],
        ),
        (dict(indicators=[]), []),
    ],
)
def test_observation_filters(db, filters, expected):
    found = db.observations(**filters)
    got = sorted(zip(found[schema.GEO_LEVEL], found[schema.GEO_CODE], found[schema.VALUE]))
    assert got == sorted(expected)


def test_distinct_refuses_unknown_columns(db):
    assert "2025-11-03" in db.distinct("date")
    with pytest.raises(ValueError, match="The 'column' parameter must be one of"):
        db.distinct("value; DROP TABLE observations")


def test_summary_counts_rows_indicators_and_sources_per_status_and_over_all(db):
    """Worked out from the rows the same filter returns; an undone batch and doubtful rows are left out."""
    batch = db.add_batch(_one_import(), kind=store.KIND_IMPORT, file_name="hn.csv", sha256="abc", user="analyst")
    wanted = ["reported", "target"]
    rows = db.observations(statuses=wanted)

    def counted(part):
        return [len(part), len(set(part[schema.INDICATOR])), len(set(part[schema.SOURCE_ID]))]

    expected = {s: counted(rows[rows[schema.STATUS] == s]) for s in wanted} | {"all": counted(rows)}
    got = db.summary(wanted).set_index("status")
    assert got.columns.tolist() == ["observations", "indicators", "sources"]
    assert {s: got.loc[s].tolist() for s in got.index} == expected and got.index[-1] == "all"
    assert "derived_here" in set(rows[schema.SOURCE_ID])  # the import is counted...
    db.undo_batch(batch, user="analyst")
    after = db.summary(wanted).set_index("status")
    assert after.loc["reported", "observations"] == expected["reported"][0] - 1  # ...until it is undone
    with_doubtful = db.summary([*wanted, schema.SHOW_DOUBTFUL]).set_index("status")
    assert with_doubtful.loc["all", "observations"] > after.loc["all", "observations"]  # the bundled doubtful rows
    assert db.summary([]).values.tolist() == [["all", 0, 0, 0]]
