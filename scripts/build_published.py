"""Build data/sample/published.csv from the published index tables: ``python -m scripts.build_published``.

The tables (DTI 2022-2024, PII 2023-2025, PCI 2024) were transcribed from public page text, one row
per province as the page printed it, with its URL (see data/published/README.md). This script turns
every value into a tidy ``reported`` observation:

* the province name, as the source wrote it, is resolved with :func:`data.names.resolve_name` in the
  layout the edition was published in (63 provinces to PII 2024, 34 for DTI 2024 and PII 2025); a
  name that does not resolve stops the build;
* the source is the ``data/sources.toml`` entry with the row's URL (a missing one stops the build);
* a row whose notes say DOUBT or CONFLICT gives ``doubtful`` observations (the note says why);
* every note is written in English (``note``) and Vietnamese (``note_vi``, from the table's ``notes_vi``:
  a row with notes but no ``notes_vi`` stops the build);
* a rank keeps the size of its field in ``rank_of``;
* the same figure printed by two rows is one observation, its note naming the second source; two
  different figures for one province stop the build;
* sub-indices that a row gives only in its notes (pillar ranks and scores) are typed in
  :data:`FROM_NOTES` below, and rows that give no number (an unordered "bottom three") are listed in
  :data:`NOTE_ONLY` and left out on purpose.

Run ``python -m scripts.build_published`` after changing a table; ``--check`` fails when the
committed file differs from what the tables give (tests/data/test_published.py runs it).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tomllib
from pathlib import Path

from data import names

ROOT = Path(__file__).resolve().parent.parent

PUBLISHED_DIR = ROOT / "data" / "published"
OUTPUT = ROOT / "data" / "sample" / "published.csv"
COLUMNS = [
    "geo_level",
    "layout",
    "geo_code",
    "indicator_id",
    "period",
    "value",
    "value_qualifier",
    "status",
    "target_date",
    "source_id",
    "note",
    "doubtful",
    "rank_of",
    "note_vi",
]

# file -> (layout of the edition, period, field size, {column: indicator})
TABLES = {
    "dti_2022_provincial_63.csv": ("2008", "2022", 63, {"dti_rank": "dti_rank", "dti_score": "dti_score"}),
    "dti_2023_provincial_63_partial.csv": ("2008", "2023", 63, {"dti_rank": "dti_rank"}),
    "dti_2024_provincial_34_partial.csv": ("2025", "2024", 34, {"dti_rank": "dti_rank", "dti_score": "dti_score"}),
    "pii_2023_provincial_63_partial.csv": ("2008", "2023", 63, {"rank": "pii_rank", "score": "pii_score"}),
    "pii_2024_provincial_63_partial.csv": ("2008", "2024", 63, {"rank": "pii_rank", "score": "pii_score"}),
    "pii_2025_provincial_34_partial.csv": (
        "2025",
        "2025",
        34,
        {
            "rank": "pii_rank",
            "score": "pii_score",
            "input_score": "pii_input_score",
            "output_score": "pii_output_score",
        },
    ),
    "pci_2024_partial.csv": ("2008", "2024", 63, {"pci_rank": "pci_rank", "pci_score": "pci_score"}),
}

TRA_VINH = (
    "https://travinh.gov.vn/1426/37932/73050/691291/chuyen-doi-so/"
    "danh-gia-muc-do-chuyen-doi-so-nam-2022-tra-vinh-xep-hang-25-63-tinh-thanh-pho"
)

# (file, province as written) -> [(indicator, value, url or None for the row's own)], typed from the row's notes
FROM_NOTES = {
    ("dti_2022_provincial_63.csv", "Trà Vinh"): [
        ("dti_score", 0.6077, TRA_VINH),
        ("dti_gov_score", 0.6683, TRA_VINH),
        ("dti_gov_rank", 29, TRA_VINH),
        ("dti_economy_score", 0.6647, TRA_VINH),
        ("dti_economy_rank", 27, TRA_VINH),
        ("dti_society_score", 0.5991, TRA_VINH),
        ("dti_society_rank", 26, TRA_VINH),
    ],
    ("dti_2023_provincial_63_partial.csv", "Đà Nẵng"): [
        ("dti_gov_rank", 1, None),
        ("dti_economy_rank", 1, None),
        ("dti_society_rank", 1, None),
    ],
    ("dti_2023_provincial_63_partial.csv", "Thành phố Hồ Chí Minh"): [
        ("dti_gov_rank", 2, None),
        ("dti_economy_rank", 2, None),
        ("dti_society_rank", 2, None),
    ],
    ("dti_2023_provincial_63_partial.csv", "Thanh Hóa"): [
        ("dti_gov_rank", 9, None),
        ("dti_economy_rank", 8, None),
        ("dti_society_rank", 8, None),
    ],
    ("dti_2023_provincial_63_partial.csv", "Quảng Ngãi"): [
        ("dti_gov_rank", 12, None),
        ("dti_economy_rank", 13, None),
        ("dti_society_rank", 14, None),
    ],
    ("pii_2024_provincial_63_partial.csv", "Lâm Đồng"): [
        ("pii_institutions_rank", 31, None),
        ("pii_infrastructure_rank", 21, None),
        ("pii_market_rank", 29, None),
        ("pii_business_rank", 42, None),
        ("pii_knowledge_rank", 13, None),
        ("pii_impact_rank", 19, None),
    ],
    ("pii_2025_provincial_34_partial.csv", "Bắc Ninh"): [
        ("pii_institutions_score", 59.17, None),
        ("pii_human_capital_score", 39.99, None),
        ("pii_infrastructure_score", 62.30, None),
        ("pii_market_score", 47.43, None),
        ("pii_business_score", 56.40, None),
        ("pii_knowledge_score", 28.74, None),
        ("pii_impact_score", 60.20, None),
    ],
}
# table cells whose figure comes from another page than the row's URL (its notes say which): FROM_NOTES
# gives them with that page as the source.
OWN_COLUMN_FROM_NOTES = {("dti_2022_provincial_63.csv", "Trà Vinh", "dti_score")}

# rows that name provinces without a number that could stand for their place
NOTE_ONLY = {("dti_2024_provincial_34_partial.csv", "Cao Bằng / Quảng Trị / Hưng Yên")}


def _source_ids() -> dict[str, str]:
    with open(ROOT / "data" / "sources.toml", "rb") as handle:
        raw = tomllib.load(handle)
    return {spec["url"]: sid for sid, spec in raw.items() if spec.get("url")}


def resolve(name: str, layout: str) -> str:
    """The province code of a name as a source wrote it, in the edition's layout."""
    try:
        return names.resolve_name(name, layout=layout).code
    except names.UnknownNameError:
        if "(" not in name:
            raise
        return names.resolve_name(name.split("(")[0].strip(), layout=layout).code  # "Huế (Thừa Thiên Huế)"


def _number(text: str) -> float | None:
    head = text.strip().split(" ")[0]
    try:
        return float(head)
    except ValueError:
        return None


def build() -> list[dict]:
    """Every observation of the published tables, in table order."""
    urls = _source_ids()
    out: list[dict] = []
    where: dict[tuple, int] = {}
    for file, (layout, period, field, columns) in TABLES.items():
        with open(PUBLISHED_DIR / file, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            name = row["province"]
            if (file, name) in NOTE_ONLY:
                continue
            code = resolve(name, layout)
            notes, notes_vi = row.get("notes", ""), row.get("notes_vi", "")
            if notes and not notes_vi:
                raise ValueError(f"{file}: {name}: the notes have no Vietnamese (notes_vi)")
            doubtful = "yes" if ("DOUBT" in notes or "CONFLICT" in notes) else ""
            size = int(row.get("rank_of") or field)
            edition = row["year_edition"]
            values = []
            implied = any("implied" in row.get(c, "") for c in columns)
            for column, indicator in columns.items():
                text = row.get(column, "").strip()
                if not text or (file, name, indicator) in OWN_COLUMN_FROM_NOTES:
                    continue
                value = _number(text)
                if value is None:
                    raise ValueError(f"{file}: {name}: cannot read {column} {text!r}")
                values.append((indicator, value, row["source_url"]))
            values += [(i, v, u or row["source_url"]) for i, v, u in FROM_NOTES.get((file, name), [])]
            for indicator, value, url in values:
                if url not in urls:
                    raise ValueError(f"{file}: {name}: no source in data/sources.toml has the URL {url}")
                rank = indicator.endswith("_rank")
                note = f"{edition} ({size} provinces). As written: {name}. {notes}".strip()
                note_vi = f"{edition} ({size} tỉnh). Tên như nguồn ghi: {name}. {notes_vi}".strip()
                if rank and implied:
                    note += " The rank is inferred from the order of a list."
                    note_vi += " Thứ hạng được suy ra từ thứ tự của một danh sách."
                key = (layout, code, indicator, period)
                obs = {
                    "geo_level": "province",
                    "layout": layout,
                    "geo_code": code,
                    "indicator_id": indicator,
                    "period": period,
                    "value": f"{value:g}",
                    "value_qualifier": "",
                    "status": "reported",
                    "target_date": "",
                    "source_id": urls[url],
                    "note": note,
                    "doubtful": doubtful,
                    "rank_of": str(size) if rank else "",
                    "note_vi": note_vi,
                }
                if key in where:
                    first = out[where[key]]
                    if float(first["value"]) != value:
                        raise ValueError(
                            f"{file}: {name}: {indicator} {value:g} differs from {first['value']} "
                            "printed by another row: mark the doubt in the table"
                        )
                    first["note"] = (
                        first["note"].rstrip(". ") + f". The same figure is also printed by "
                        f"{row['source_title']} ({url})."
                    )
                    first["note_vi"] = (
                        first["note_vi"].rstrip(". ") + f". Cùng số liệu này cũng được đăng trong "
                        f"{row['source_title']} ({url})."
                    )
                    continue
                where[key] = len(out)
                out.append(obs)
    return out


def render(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when the committed file is out of date")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.name} is out of date: run python -m scripts.build_published", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({text.count(chr(10)) - 1} observations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
