"""Every fact of the source reports is in the bundled data, exactly, with its source URL.

The expected values are typed here from the reports themselves (see the URLs), not read from
the code. Layout is the one in force on the report date: Bình Định and Hà Giang reported before
the merger of 2025-07-01 (63-province layout, "2008"); Gia Lai and Thái Nguyên after it ("2025").
"""

import pandas as pd
import pytest

from data import catalogue, observations, store

BINH_DINH = "https://doanhnghiepvn.vn/chuyen-doi-so/binh-dinh-dao-tao-nguon-nhan-luc-de-phat-trien-khoa-hoc-cong-nghe-chuyen-doi-so/20250304055115015"
HA_GIANG = "https://baohagiang.vn/thoi-su-chinh-tri/202504/hop-ban-chi-dao-phat-trien-khoa-hoc-cong-nghe-doi-moi-sang-tao-va-chuyen-doi-so-f604aa9/"
GIA_LAI = "https://gialai.gov.vn/tin-tuc/hoat-dong-cua-lanh-dao/phan-dau-dua-gia-lai-lot-vao-top-dau-cua-ca-nuoc-ve-phat-trien-khoa-hoc-cong-nghe-doi-moi-sang-tao-va-chuyen-doi-so.html"
THAI_NGUYEN = (
    "https://thainguyen.dcs.vn/trong-tinh/thuc-hien-dong-bo-cac-phai-phap-phat-trien-khoc-hoc-cong-nghe-1404.html"
)
MOOC = "https://www.vietnamplus.vn/dot-pha-chuyen-doi-so-theo-nghi-quyet-57-lam-that-la-yeu-nuoc-post1081524.vnp"

# (geo_level, layout, code, indicator, period, value, qualifier, status, target_date, url)
FACTS = [
    ("province", "2008", "52", "hq_workers_trained", "2025-03-04", 7500, "", "target", "", BINH_DINH),
    ("province", "2008", "52", "rd_staff_per_10k", "2025-03-04", 12, "", "target", "", BINH_DINH),
    ("province", "2008", "52", "officials_digital_share", "2025-03-04", 100, "", "target", "2025-12-31", BINH_DINH),
    ("province", "2025", "52", "it_infra_allocation", "2025-07", 250, "", "reported", "", GIA_LAI),
    ("province", "2025", "52", "communes_total", "2025-07", 135, "", "reported", "", GIA_LAI),
    ("province", "2025", "52", "budget_share_stidx", "2025-07", 3, "", "target", "2026-12-31", GIA_LAI),
    ("province", "2025", "52", "icise_scientific_events", "2025-07", 200, "about", "reported", "", GIA_LAI),
    ("province", "2025", "52", "icise_scientific_schools", "2025-07", 45, "more than", "reported", "", GIA_LAI),
    ("province", "2025", "52", "icise_scientists", "2025-07", 12000, "more than", "reported", "", GIA_LAI),
    ("province", "2025", "52", "icise_countries", "2025-07", 40, "", "reported", "", GIA_LAI),
    ("province", "2025", "52", "icise_nobel_laureates", "2025-07", 18, "", "reported", "", GIA_LAI),
    ("province", "2025", "52", "software_park_workers", "2025-07", 1200, "more than", "reported", "", GIA_LAI),
    ("province", "2025", "19", "r57_tasks_total", "2025-11-03", 156, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "r57_tasks_done", "2025-11-03", 83, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "r57_tasks_done_share", "2025-11-03", 53, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "r57_tasks_in_progress", "2025-11-03", 72, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "r57_tasks_late", "2025-11-03", 1, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "g5_road_coverage", "2025-11-03", 100, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "fibre_households", "2025-11-03", 100, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "st_teams", "2025-11-03", 36, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "st_team_members", "2025-11-03", 650, "more than", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "st_projects_provincial", "2025-11-03", 131, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "st_projects_national", "2025-11-03", 8, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "rd_staff", "2025-11-03", 1861, "", "reported", "", THAI_NGUYEN),
    ("province", "2025", "19", "rd_staff_per_10k", "2025-11-03", 10.3, "", "reported", "", THAI_NGUYEN),
    ("nation", "", "VN", "rd_staff_per_10k", "2025-11-03", 8.2, "", "reported", "", THAI_NGUYEN),
    ("nation", "", "VN", "mooc_modules_offered", "2025-12", 19, "", "reported", "", MOOC),
    ("nation", "", "VN", "mooc_modules_required", "2025-12", 10, "at least", "reported", "", MOOC),
]

BAO_GIA_LAI = (
    "https://baogialai.com.vn/gia-lai-xep-vi-tri-thu-2134-tinh-thanh-ve-doi-moi-sang-tao-nam-2025-post568102.html"
)
PII_2025_URL = {
    "46": "https://vneconomy.vn/lan-dau-tien-hue-vao-top-5-dia-phuong-dan-dau-ve-chi-so-doi-moi-sang-tao.htm",
    "24": "https://www.vietnam.vn/en/xep-thu-6-toan-quoc-bac-ninh-tiep-tuc-khang-dinh-vi-the-dan-dau-ve-doi-moi-sang-tao",
}

# FACTS-EXTRA: national figures and PII 2025
EXTRA = (
    [
        (
            "nation",
            "",
            "VN",
            "population",
            "2024",
            101_300_000,
            "about",
            "reported",
            "",
            "https://kinhtevadubao.vn/sau-5-nam-ke-tu-nam-2019-den-nay-quy-mo-dan-so-viet-nam-tang-them-49-trieu-nguoi-30755.html",
        ),
        (
            "nation",
            "",
            "VN",
            "g5_population_coverage",
            "2025-Q2",
            26,
            "",
            "reported",
            "",
            "https://vietbao.vn/toc-do-mang-di-dong-cua-viet-nam-dung-top-20-the-gioi-558857.html",
        ),
        (
            "nation",
            "",
            "VN",
            "g5_population_coverage",
            "2025-10",
            39.52,
            "",
            "reported",
            "",
            "https://vneconomy.vn/du-kien-den-het-nam-nay-5g-se-phu-song-90-dan-so.htm",
        ),
        (
            "nation",
            "",
            "VN",
            "g5_stations",
            "2025-10",
            16737,
            "",
            "reported",
            "",
            "https://vneconomy.vn/du-kien-den-het-nam-nay-5g-se-phu-song-90-dan-so.htm",
        ),
        (
            "nation",
            "",
            "VN",
            "g5_population_coverage",
            "2025-10",
            90,
            "about",
            "target",
            "2025-12-31",
            "https://vneconomy.vn/du-kien-den-het-nam-nay-5g-se-phu-song-90-dan-so.htm",
        ),
        (
            "nation",
            "",
            "VN",
            "gov_programme_tasks_total",
            "2025-11-13",
            944,
            "",
            "reported",
            "",
            "https://vneconomy.vn/du-kien-den-het-nam-nay-5g-se-phu-song-90-dan-so.htm",
        ),
        (
            "nation",
            "",
            "VN",
            "gov_programme_tasks_done",
            "2025-11-13",
            370,
            "",
            "reported",
            "",
            "https://vneconomy.vn/du-kien-den-het-nam-nay-5g-se-phu-song-90-dan-so.htm",
        ),
        (
            "nation",
            "",
            "VN",
            "plan02_tasks_total",
            "2025-11",
            70,
            "",
            "reported",
            "",
            "https://vneconomy.vn/du-kien-den-het-nam-nay-5g-se-phu-song-90-dan-so.htm",
        ),
        (
            "nation",
            "",
            "VN",
            "plan02_tasks_done",
            "2025-11",
            50,
            "",
            "reported",
            "",
            "https://vneconomy.vn/du-kien-den-het-nam-nay-5g-se-phu-song-90-dan-so.htm",
        ),
    ]
    + [
        # PII 2025: each row with the fuller source of the published table (issue 11), not the newspaper's home page
        ("province", "2025", code, "pii_score", "2025", score, "", "reported", "", PII_2025_URL.get(code, BAO_GIA_LAI))
        for code, score in [
            ("01", 65.68),
            ("79", 59.33),
            ("22", 58.41),
            ("31", 58.09),
            ("46", 49.37),
            ("24", 48.76),
            ("52", 37.66),
        ]
    ]
    + [
        ("province", "2025", code, "pii_rank", "2025", rank, "", "reported", "", PII_2025_URL.get(code, BAO_GIA_LAI))
        for code, rank in [("01", 1), ("79", 2), ("22", 3), ("31", 4), ("46", 5), ("24", 6), ("52", 21)]
    ]
)

# FACTS-EXTRA: population and area of the 34 provinces (code, area km², population)
PROVINCES_34 = [
    ("08", 13795.50, 1865270),
    ("15", 13256.92, 1778785),
    ("19", 8375.21, 1799489),
    ("25", 9361.38, 4022638),
    ("24", 4718.60, 3619433),
    ("33", 2514.81, 3567943),
    ("31", 3194.72, 4664124),
    ("37", 3942.62, 4412264),
    ("44", 12700, 1870845),
    ("48", 11859.59, 3065628),
    ("51", 14832.55, 2161755),
    ("52", 21576.53, 3583693),
    ("56", 8555.86, 2243554),
    ("68", 24233.07, 3872999),
    ("66", 18096.40, 3346853),
    ("79", 6772.59, 14002598),
    ("75", 12737.18, 4491408),
    ("80", 8536.44, 3254170),
    ("92", 6360.83, 4199824),
    ("86", 6296.20, 4257581),
    ("82", 5938.64, 4370046),
    ("96", 7942.39, 2606672),
    ("91", 9888.91, 4952238),
    ("01", 3359.82, 8718000),
    ("46", 4947.1, 1236393),
    ("22", 6207.9, 1429841),
    ("04", 6700.4, 555809),
    ("20", 8310.2, 813978),
    ("12", 9068.7, 494626),
    ("11", 9539.9, 653422),
    ("14", 14109.8, 1327430),
    ("38", 11114.7, 3760650),
    ("40", 16493.7, 3470988),
    ("42", 5994.4, 1622901),
]
UNCHANGED = {"01", "46", "22", "04", "20", "12", "11", "14", "38", "40", "42"}


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The bundled data as the app sees it: through a freshly created store, with source URLs."""
    db = store.open_store(tmp_path_factory.mktemp("facts") / "facts.duckdb")
    obs = db.observations()
    urls = db.sources().set_index("source_id")["url"]
    db.close()
    return obs.assign(url=obs["source_id"].map(urls))


def _find(stored, level, layout, code, indicator, period, status):
    hit = stored[
        (stored.geo_level == level)
        & (stored.layout == layout)
        & (stored.geo_code == code)
        & (stored.indicator_id == indicator)
        & (stored.period == period)
        & (stored.status == status)
    ]
    assert len(hit) == 1, f"expected one row for {code} {indicator} {period} {status}, found {len(hit)}"
    return hit.iloc[0]


@pytest.mark.parametrize("fact", FACTS + EXTRA, ids=lambda f: f"{f[2]}-{f[3]}-{f[4]}-{f[7]}")
def test_fact_is_stored_exactly(stored, fact):
    level, layout, code, indicator, period, value, qualifier, status, target_date, url = fact
    row = _find(stored, level, layout, code, indicator, period, status)
    assert row["value"] == value
    assert row["value_qualifier"] == qualifier
    assert row["target_date"] == target_date
    assert row["url"] == url
    assert row["unit"]  # every value carries its unit


@pytest.mark.parametrize("code, area, population", PROVINCES_34)
def test_population_and_area_of_34_provinces(stored, code, area, population):
    pop = _find(stored, "province", "2025", code, "population", "2025", "reported")
    size = _find(stored, "province", "2025", code, "area", "2025", "reported")
    assert pop["value"] == population
    assert size["value"] == area
    assert size["unit"] == "square kilometres"
    if code in UNCHANGED:
        assert "Doubt" in pop["note"] and "reference date is unknown" in pop["note"]


def test_bd_rd_target_note_names_the_2030_figure_and_stays_with_binh_dinh(stored):
    row = _find(stored, "province", "2008", "52", "rd_staff_per_10k", "2025-03-04", "target")
    assert "no year" in row["note"] and "2030" in row["note"] and "predecessor" in row["note"]
    # never merged into a number of Gia Lai (2025, 52)
    gia_lai_targets = stored[(stored.layout == "2025") & (stored.geo_code == "52") & (stored.status == "target")]
    assert "rd_staff_per_10k" not in set(gia_lai_targets.indicator_id)


def test_milestones_hold_the_meetings_and_programmes():
    events = observations.bundled_milestones()
    urls = catalogue.sources().set_index("source_id")["url"]
    found = {(r.layout, r.geo_code, r.date, r.kind): urls[r.source_id] for r in events.itertuples()}
    assert found[("2008", "52", "2025-03-04", "meeting")] == BINH_DINH
    assert found[("2008", "52", "2025-03-04", "programme")] == BINH_DINH
    assert found[("2008", "02", "2025-04-25", "meeting")] == HA_GIANG
    assert found[("2008", "02", "2025-04-25", "plan")] == HA_GIANG
    assert found[("2008", "02", "2025-04-25", "movement")] == HA_GIANG
    assert found[("", "VN", "2025-12-01", "training")] == MOOC
    text = " ".join(events["text_en"])
    assert "3 pillars, 5 objectives, 7 solution groups" in text
    assert "Digital education for all" in text
    assert "at least 10 of 19 modules (5 compulsory + 5 optional)" in text


def test_no_reported_row_is_replaced_by_a_synthetic_one(stored):
    key = ["geo_level", "layout", "geo_code", "indicator_id", "period"]
    reported = stored[stored.status == "reported"].set_index(key).index
    synthetic = stored[stored.status == "synthetic"].set_index(key).index
    assert not reported.isin(synthetic).any()
    pd.testing.assert_index_equal(reported.unique(), reported)  # one reported row per place and period
