"""Resolution 57's national targets and the national and provincial figures that measure them (issue 11).

Typed here from the pages (URLs below), checked one by one in a freshly created store: each target of
the resolution with a number is a ``target`` of the nation with its deadline and qualifier, and each
national or provincial figure a ``reported`` value under the indicator of what it measures.
"""

import pytest

from data import names, store

MOST = "https://most.gov.vn/vn/tin-tuc/25244/bo-khoa-hoc-va-cong-nghe-ban-hanh-ke-hoach-thuc-hien-nghi-quyet-so-03-nq-cp-nam-2025-cua-chinh-phu.aspx"
HDLL = "https://hdll.vn/vi/nghien-cuu---trao-doi/nhung-dinh-huong-lon-trong-9-nghi-quyet-chien-luoc-trong-cac-linh-vuc-then-chot-cua-dat-nuoc.html"
TRACUU = "https://tracuuquyhoach.com/tin-tuc/den-2030-viet-nam-phan-dau-kinh-te-so-dat-toi-thieu-30-gdp-51112424"
LUAT = "https://luatvietnam.vn/linh-vuc-khac/bo-tu-tru-cot-gom-nhung-nghi-quyet-nao-883-104731-article.html"
VN24H = "https://vn24h.net/tag-37229.html"
STOCKPROXX = "https://stockproxx.vn/tag/chuyen-doi-so/page-15"
BAOMOI_DOSSIERS = (
    "https://lite.baomoi.com/ty-le-ho-so-dich-vu-cong-truc-tuyen-toan-trinh-cua-ca-nuoc-dat-39-5-c52808781.epi"
)
BAOMOI_57 = (
    "https://baomoi.net.vn/nghi-quyet-so-57-nq-tw-du-lieu-la-khong-khi-va-anh-sang-cua-ky-nguyen-moi-c51250522.epi"
)
GII = (
    "https://www.vietnamplus.vn/viet-nam-van-thuoc-top-50-quoc-gia-co-chi-so-doi-moi-sang-tao-cao-nhat-post1062176.vnp"
)
GII_SCORE = (
    "https://vietnamnet.vn/lan-dau-tien-viet-nam-xep-hang-1-the-gioi-ve-xuat-khau-hang-hoa-sang-tao-2443207.html"
)
DE_2025 = "https://thoibaotaichinhvietnam.vn/kinh-te-so-la-dong-luc-tang-truong-quan-trong-trong-nam-2025-190019.html"
DE_2024 = "https://baomoi.net.vn/kinh-te-so-nam-2024-gop-1-5-trieu-ty-dong-chiem-13-17-gdp-c51176088.epi"
DE_MIC = "https://cdnwebhn.tek4tv.vn/kinh-te-so-cua-viet-nam-tang-truong-an-tuong-301250.htm"
REVIEW = "https://www.vietnam.vn/en/so-ket-01-nam-trien-khai-chuong-trinh-hanh-dong-cua-chinh-phu-thuc-hien-nghi-quyet-so-57-nq-tw"
DOSSIERS_10 = (
    "https://vietnamnet.vn/ty-le-tai-su-dung-du-lieu-trong-cung-cap-dich-vu-cong-truc-tuyen-con-thap-2460492.html"
)
EGDI = "https://www.vietnam.vn/en/chi-so-xep-hang-chinh-phu-so-kinh-te-so-cua-viet-nam-tang-vuot-bac"
BUDGET = (
    "https://news.laodong.vn/thoi-su/nam-2026-danh-khoang-95000-ti-dong-ngan-sach-cho-khoa-hoc-cong-nghe-1609448.ldo"
)
FTE = "https://vrviet.vn/fr/phat-trien-nhan-luc-khoa-hoc-cong-nghe-viet-nam-trong-boi-canh-chuyen-doi-so"
TAY_NINH = "https://www.sggp.org.vn/tay-ninh-se-phu-song-5g-dat-60-trong-nam-2025-post818163.html"
QUANG_NGAI_1 = (
    "https://quangngai.gov.vn/en/news/quang-ngai-reviews-2025-implementation-of-politburo-s-resolution-57.html"
)
QUANG_NGAI_2 = (
    "https://quangngai.gov.vn/en/news/science-technology-environment/"
    "province-to-develop-phased-and-annual-plans-to-implement-politburo-resolution-no.-57.html"
)
QUANG_NINH = "https://vietnamnet.vn/quang-ninh-thuc-day-chuyen-doi-so-trong-xay-dung-nong-thon-thong-minh-2477863.html"
PHU_THO = "https://baophutho.vn/viettel-hoan-thanh-cam-ket-trien-khai-mang-5g-244785.htm"

# national targets: (indicator, value, qualifier, deadline, source URL)
TARGETS = [
    ("rd_spending_gdp", 2, "about", "2030-12-31", MOST),
    ("rd_social_funding_share", 60, "more than", "2030-12-31", MOST),
    ("budget_share_stidx", 3, "at least", "2030-12-31", VN24H),
    ("rd_staff_per_10k", 12, "about", "2030-12-31", MOST),
    ("st_orgs_ranked", 40, "at least", "2030-12-31", MOST),  # 40-50: the range's lower bound
    ("publications_growth", 10, "about", "2030-12-31", MOST),
    ("patent_growth", 16, "at least", "2030-12-31", MOST),  # 16-18
    ("patent_commercial_share", 8, "at least", "2030-12-31", MOST),  # 8-10
    ("digital_economy_share_gso", 30, "at least", "2030-12-31", TRACUU),
    ("online_public_service_usage", 80, "more than", "2030-12-31", HDLL),
    ("cashless_share", 80, "about", "2030-12-31", HDLL),
    ("innovative_enterprises_share", 40, "more than", "2030-12-31", HDLL),
    ("tfp_contribution", 55, "more than", "2030-12-31", TRACUU),
    ("hightech_exports_share", 50, "at least", "2030-12-31", TRACUU),
    ("digital_competitiveness_rank_asean", 3, "at most", "2030-12-31", LUAT),  # top 3 of Southeast Asia
    ("digital_competitiveness_rank", 50, "at most", "2030-12-31", LUAT),
    ("egdi_rank_asean", 3, "at most", "2030-12-31", LUAT),
    ("egdi_rank", 50, "at most", "2030-12-31", LUAT),
    ("ai_rd_rank_asean", 3, "at most", "2030-12-31", LUAT),
    ("digital_tech_enterprises_advanced", 5, "at least", "2030-12-31", TRACUU),
    ("hdi", 0.7, "more than", "2030-12-31", MOST),
    ("digital_economy_share_gso", 50, "at least", "2045-12-31", HDLL),
    ("gii_rank", 30, "at most", "2045-12-31", MOST),
    ("budget_share_stidx", 3, "at least", "2025-12-31", STOCKPROXX),
    ("online_dossiers_share", 80, "about", "2025-12-31", BAOMOI_DOSSIERS),
    ("business_procedures_online_share", 100, "", "2025-12-31", BAOMOI_57),
]

# national figures: (indicator, period, value, qualifier, rank field, doubtful, source URL)
NATIONAL = [
    ("gii_rank", "2025", 44, "", "139", "", GII),
    ("gii_rank", "2024", 44, "", "133", "", GII),
    ("gii_score", "2025", 37.1, "", "", "", GII_SCORE),
    ("gii_score", "2024", 36.2, "", "", "", GII_SCORE),
    (
        "gii_rank_asean",
        "2025",
        3,
        "",
        "",
        "yes",
        "https://tienphong.vn/viet-nam-vuot-thai-lan-tren-bang-xep-hang-doi-moi-sang-tao-toan-cau-post1778789.tpo",
    ),
    ("digital_economy_share_gso", "2025", 14.02, "", "", "", DE_2025),
    *[
        ("digital_economy_share_gso", y, v, "", "", "", DE_2024)
        for y, v in [("2024", 13.17), ("2023", 12.87), ("2022", 12.83), ("2021", 12.87), ("2020", 12.66)]
    ],
    ("digital_economy_share_ministry", "2024", 18.3, "", "", "", DE_MIC),
    ("digital_economy_share_ministry", "2025", 18.72, "about", "", "", REVIEW),
    ("online_dossiers_share", "2025-10-26", 39.98, "", "", "", DOSSIERS_10),
    ("online_dossiers_share", "2025-H1", 39.51, "", "", "", BAOMOI_DOSSIERS),
    ("online_dossiers_share", "2025", 51, "more than", "", "", REVIEW),
    ("egdi_rank", "2024", 71, "", "193", "", EGDI),
    ("budget_stidx_added", "2025", 25000, "", "", "", BUDGET),
    (
        "g5_population_coverage",
        "2025-12",
        90,
        "more than",
        "",
        "yes",
        "https://www.vietnamplus.vn/khoa-hoc-cong-nghe-doi-moi-sang-tao-chuyen-doi-so-dat-ket-qua-quan-trong-post1088760.vnp",
    ),
    ("researchers_fte_per_10k", "2023", 7.6, "", "", "yes", FTE),  # the source gives no year
    ("startup_ecosystem_rank", "2025", 55, "", "", "", REVIEW),
    ("startup_ecosystem_rank_asean", "2025", 5, "", "", "", REVIEW),
]

# provincial figures (34-province layout, all after the merger): (name, indicator, period, value, qualifier, URL)
PROVINCIAL = [
    ("Tây Ninh", "g5_stations", "2025-10", 245, "", TAY_NINH),
    ("Tây Ninh", "mobile_stations", "2025-10", 3890, "", TAY_NINH),
    ("Tây Ninh", "g5_communes_share", "2025-10", 48.96, "", TAY_NINH),  # 47 of 96 communes: not population coverage
    ("Tây Ninh", "fibre_households_using", "2025-10", 95.25, "", TAY_NINH),
    ("Phú Thọ", "g5_stations_viettel", "2025-12", 1000, "about", PHU_THO),  # "nearly 1,000"
    ("Quảng Ninh", "g5_stations", "2026-01", 150, "about", QUANG_NINH),
    ("Quảng Ninh", "mobile_stations", "2026-01", 5200, "more than", QUANG_NINH),
    ("Quảng Ninh", "fibre_households_using", "2026-01", 98, "about", QUANG_NINH),
    ("Quảng Ngãi", "mobile_villages_coverage", "2025-12-04", 100, "", QUANG_NGAI_1),
    ("Quảng Ngãi", "fibre_communes_share", "2025-12-24", 100, "", QUANG_NGAI_2),
    ("Quảng Ngãi", "broadband_villages_share", "2025-12-24", 98, "about", QUANG_NGAI_2),
]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    db = store.open_store(tmp_path_factory.mktemp("r57") / "r.duckdb")
    obs = db.observations()
    urls = db.sources().set_index("source_id")["url"]
    db.close()
    return obs.assign(url=obs["source_id"].map(urls))


@pytest.mark.parametrize("fact", TARGETS, ids=lambda f: f"{f[0]}-{f[3]}")
def test_national_target(stored, fact):
    indicator, value, qualifier, deadline, url = fact
    hit = stored[
        (stored.geo_level == "nation")
        & (stored.indicator_id == indicator)
        & (stored.status == "target")
        & (stored.target_date == deadline)
    ]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert (row["value"], row["value_qualifier"], row["url"]) == (value, qualifier, url)


@pytest.mark.parametrize("fact", NATIONAL, ids=lambda f: f"{f[0]}-{f[1]}")
def test_national_figure(stored, fact):
    indicator, period, value, qualifier, field, doubtful, url = fact
    hit = stored[
        (stored.geo_level == "nation")
        & (stored.indicator_id == indicator)
        & (stored.period == period)
        & (stored.status == "reported")
    ]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert (row["value"], row["value_qualifier"], row["rank_of"], row["doubtful"], row["url"]) == (
        value,
        qualifier,
        field,
        doubtful,
        url,
    )


@pytest.mark.parametrize("fact", PROVINCIAL, ids=lambda f: f"{f[0]}-{f[1]}")
def test_provincial_figure(stored, fact):
    name, indicator, period, value, qualifier, url = fact
    code = names.resolve_name(name, layout="2025").code
    hit = stored[
        (stored.geo_level == "province")
        & (stored.layout == "2025")
        & (stored.geo_code == code)
        & (stored.indicator_id == indicator)
        & (stored.period == period)
        & (stored.status == "reported")
    ]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert (row["value"], row["value_qualifier"], row["url"]) == (value, qualifier, url)


def test_two_measures_of_the_digital_economy_are_two_indicators(stored):
    gso = stored[(stored.indicator_id == "digital_economy_share_gso") & (stored.status == "reported")]
    ministry = stored[(stored.indicator_id == "digital_economy_share_ministry") & (stored.status == "reported")]
    assert set(gso.period) == {"2020", "2021", "2022", "2023", "2024", "2025"} and set(ministry.period) == {
        "2024",
        "2025",
    }


def test_share_of_communes_with_5g_is_not_population_coverage(stored):
    provinces = stored[
        (stored.geo_level == "province")
        & (stored.indicator_id == "g5_population_coverage")
        & (stored.status == "reported")
    ]
    assert provinces.empty  # no source gave a province's population coverage
