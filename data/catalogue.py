"""Indicator catalogue and source metadata, read from the TOML files beside this module.

``catalogue.toml`` describes every indicator (names, unit, pillar, direction, aggregation rule,
valid range); ``sources.toml`` describes every source (producer, title, URL, dates, licence).
Pages read units, names and citations from here, never from their own text.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import pandas as pd

import i18n
from data import schema

DATA_DIR = Path(__file__).resolve().parent
CATALOGUE_FILE = DATA_DIR / "catalogue.toml"
SOURCES_FILE = DATA_DIR / "sources.toml"

AGGREGATIONS = ("sum", "ratio", "population_weighted", "none")
DIRECTIONS = ("higher", "lower")

#: Columns of the indicator table returned by :func:`indicators`.
INDICATOR_COLUMNS = (
    schema.INDICATOR,
    "name_en",
    "name_vi",
    "unit",
    "short_unit",
    "unit_vi",
    "short_unit_vi",
    "pillar",
    "direction",
    "aggregation",
    "numerator",
    "denominator",
    "scale",
    "min",
    "max",
    "decimals",
    "description",
    "expected_empty",
    "baseline_zero_on",
    "family",
)


@functools.lru_cache(maxsize=4)
def _read_toml(path: Path) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _check_indicator(ind_id: str, spec: dict, pillars: dict) -> None:
    for field in ("name_en", "name_vi", "unit", "short_unit", "unit_vi", "short_unit_vi", "pillar", "description"):
        if not spec.get(field):
            raise ValueError(f"{CATALOGUE_FILE.name}: indicator {ind_id!r} has no {field!r}.")
    schema.check_choice(f"{ind_id}.pillar", spec["pillar"], tuple(pillars))
    schema.check_choice(f"{ind_id}.direction", spec["direction"], DIRECTIONS)
    schema.check_choice(f"{ind_id}.aggregation", spec["aggregation"], AGGREGATIONS)
    if spec["aggregation"] == "ratio" and not (spec.get("numerator") and spec.get("denominator")):
        raise ValueError(
            f"{CATALOGUE_FILE.name}: indicator {ind_id!r} aggregates as a ratio but names no numerator and denominator."
        )


def indicators(path: Path | None = None) -> pd.DataFrame:
    """Return the indicator catalogue as a frame, one row per indicator.

    Parameters
    ----------
    path : Path, optional
        Catalogue file; defaults to ``data/catalogue.toml``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INDICATOR_COLUMNS`, indexed by nothing, in file order.
        ``max`` is NaN when the indicator has no upper bound.

    Raises
    ------
    ValueError
        If an indicator lacks a required field or names an unknown pillar, direction or rule.

    Examples
    --------
    >>> cat = indicators()
    >>> cat.set_index("indicator_id").loc["rd_staff_per_10k", "aggregation"]
    'ratio'
    """
    raw = _read_toml(Path(path or CATALOGUE_FILE))
    defaults = raw.get("defaults", {})
    pillars = raw.get("pillars", {})
    rows = []
    for ind_id, own in raw.get("indicators", {}).items():
        spec = {**defaults, **own}
        _check_indicator(ind_id, spec, pillars)
        row = {col: spec.get(col) for col in INDICATOR_COLUMNS}
        row[schema.INDICATOR] = ind_id
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    for col in ("scale", "min", "max"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["decimals"] = frame["decimals"].fillna(0).astype(int)
    frame["baseline_zero_on"] = frame["baseline_zero_on"].fillna("").astype(str)
    frame["family"] = frame["family"].fillna("").astype(str)
    return frame


#: Unit of a rank indicator (1 = best; the field size is the observation's ``rank_of``).
RANK_UNIT = "rank"


def is_rank(spec) -> bool:
    """Whether an indicator (a catalogue row, or its unit) is a rank: no national value, never aggregated."""
    unit = spec if isinstance(spec, str) else spec.get("unit", "")
    return unit == RANK_UNIT


def preference(layout: str, path: Path | None = None) -> tuple[list[str], set[str]]:
    """The catalogue's order of preference for a page's default indicator in a layout, and the never-defaults.

    Examples
    --------
    >>> preference("2008")[0][0], "population" in preference("2025")[1]
    ('dti_rank', True)
    """
    raw = _read_toml(Path(path or CATALOGUE_FILE)).get("preference", {})
    return list(raw.get(layout, [])), set(raw.get("never", []))


def pillars(path: Path | None = None) -> pd.DataFrame:
    """Return the pillars (the five objectives of Programme 32, plus cross-cutting and context).

    Returns
    -------
    pandas.DataFrame
        Columns ``pillar``, ``name_en``, ``name_vi``, ``order``, sorted by ``order``.
    """
    raw = _read_toml(Path(path or CATALOGUE_FILE))
    rows = [{"pillar": key, **value} for key, value in raw.get("pillars", {}).items()]
    return pd.DataFrame(rows).sort_values("order").reset_index(drop=True)


def sources(path: Path | None = None) -> pd.DataFrame:
    """Return every source with its origin metadata and a ready-made citation.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`data.schema.SOURCE_COLUMNS` plus ``accessed_via``, ``title_from_url`` and
        ``producer_vi``/``title_vi`` (the Vietnamese text, or the original where there is none).

    Examples
    --------
    >>> src = sources().set_index("source_id")
    >>> src.loc["thainguyen_2025_11_03", "date_published"]
    '2025-11-03'
    """
    raw = _read_toml(Path(path or SOURCES_FILE))
    rows = []
    for source_id, spec in raw.items():
        row = {schema.SOURCE_ID: source_id, **spec}
        row[schema.SOURCE_CITATION] = citation(row)
        rows.append(row)
    columns = list(schema.SOURCE_COLUMNS) + ["accessed_via", "title_from_url", "producer_vi", "title_vi"]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    for col in ("producer", "title"):  # Vietnamese text falls back to the original
        frame[f"{col}_vi"] = frame[f"{col}_vi"].fillna(frame[col])
    frame["title_from_url"] = frame["title_from_url"].fillna(False).astype(bool)
    return frame.fillna("")


def localized_citation(source: dict, lang: str) -> str:
    """The source's citation in the language: as stored (English), or from the Vietnamese producer and title.

    A source read in a translation says so (``đọc qua bản dịch``).

    Examples
    --------
    >>> row = {"producer": "MST", "producer_vi": "Bộ KH&CN", "title": "PII", "title_vi": "Chỉ số PII",
    ...        "date_published": "", "url": "", "accessed_via": "", "citation": "MST, “PII”."}
    >>> localized_citation(row, "vi"), localized_citation(row, "en")
    ('Bộ KH&CN, “Chỉ số PII”.', 'MST, “PII”.')
    """
    via = f" ({i18n.t('profile_read_in_translation', 'vi')})" if source.get("accessed_via") else ""
    vietnamese = (
        citation(
            {
                **source,
                schema.SOURCE_PRODUCER: i18n.localized(source, schema.SOURCE_PRODUCER, "vi"),
                schema.SOURCE_TITLE: i18n.localized(source, schema.SOURCE_TITLE, "vi"),
                "accessed_via": "",
                schema.SOURCE_PUBLISHED: i18n.format_period(source.get(schema.SOURCE_PUBLISHED), "vi"),
            }
        )
        + via
    )
    written = {schema.SOURCE_CITATION: source[schema.SOURCE_CITATION], schema.SOURCE_CITATION + "_vi": vietnamese}
    return i18n.localized(written, schema.SOURCE_CITATION, lang)


def citation(source: dict) -> str:
    """Build a one-line citation: producer, title, date, URL, and how it was read.

    Examples
    --------
    >>> citation({"producer": "VnEconomy", "title": "5G", "date_published": "2025-11",
    ...           "url": "https://x.vn/a", "accessed_via": ""})
    'VnEconomy, “5G”, 2025-11. https://x.vn/a'
    """
    text = f"{source.get('producer', '')}, “{source.get('title', '')}”"
    if source.get("title_from_url"):
        text += " [title from the URL]"
    if source.get("date_published"):
        text += f", {source['date_published']}"
    text += "."
    if source.get("url"):
        text += f" {source['url']}"
    if source.get("accessed_via"):
        text += f" (read in a {source['accessed_via']})"
    return text
