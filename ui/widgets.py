"""Small drawing helpers shared by the pages: status labels, source lines, banners, tables."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from analysis import aggregation
from data import schema
from ui.i18n import (
    current_language,
    format_compact,
    format_date,
    format_number,
    format_numbers,
    format_period,
    localized_column,
    localized_text,
    t,
)

#: Characters Markdown (and Streamlit's extensions: :icons:, $math$, :color[...]) could read as syntax.
_MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


WORD_JOINER = "\u2060"
#: Where GFM would start an autolink: http(s) before "://", "www" before ".", and "@" of an e-mail.
_AUTOLINK = re.compile(r"(?i)\bhttps?(?=\\:)|\bwww(?=\\\.)|@")


def plain(text: object) -> str:
    r"""Stored text (a note, a name, a title, a file name) made safe for any Markdown element.

    Every sign Markdown, HTML or Streamlit's extensions could read is escaped, so the text is shown
    exactly as stored: an ``<img>`` tag or ``![x](url)`` stays text and the browser requests nothing.
    Bare addresses (``https://...``, ``www....``, e-mails) would still become links (GFM autolinks):
    an invisible word joiner (U+2060) after ``http``, ``www`` and ``@`` keeps them text.

    Examples
    --------
    >>> print(plain("**b** ![x](http://e.x/i.png) <img src=y>").replace(WORD_JOINER, "|"))
    \*\*b\*\* \!\[x\]\(http|\://e\.x/i\.png\) \<img src=y\>
    """
    escaped = _MARKDOWN_SIGNS.sub(r"\\\1", str(text))
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, escaped)


def status_label(status: str, lang: str | None = None) -> str:
    """Translated status; synthetic values read "synthetic (demo)" (text, so no emoji font is needed)."""
    if status == schema.SHOW_DOUBTFUL:
        return t("status_doubtful", lang)
    return t(f"status_{status}", lang) if status in schema.STATUSES else status


def status_labels(lang: str | None = None) -> dict[str, str]:
    """Every status with its translated label (map a column with it: one lookup per status, not per row)."""
    return {s: status_label(s, lang) for s in schema.STATUSES}


def qualifier_mark(qualifier: str) -> str:
    """A sign for a value's qualifier: ≈ about, > more than, ≥ at least, < less than."""
    return {"about": "≈", "more than": ">", "at least": "≥", "less than": "<", "at most": "≤"}.get(qualifier, "")


def derivations(values: pd.Series, lang: str | None = None) -> pd.Series:
    """``derived_from`` notes in the language (:func:`analysis.aggregation.derivation_text`), each distinct one once."""
    lang = lang or current_language()
    return values.map({v: aggregation.derivation_text(v, lang) for v in values.dropna().unique()})


def headline_text(figure: dict, lang: str | None = None) -> str:
    """A headline figure (:func:`analysis.headlines.headline_figures`): ``≈101,3 triệu``, ``50 / 70``, ``39,52%``."""
    text = qualifier_mark(figure[schema.QUALIFIER]) + format_compact(figure[schema.VALUE], lang)
    if pd.notna(figure["total"]):
        text += " / " + format_number(figure["total"], 0, lang)
    return text + ("%" if figure["is_percent"] else "")


def note_help(row: dict, lang: str | None = None) -> str | None:
    """A row's note in the language (``note_vi`` or ``note``, see :func:`i18n.localized_text`), escaped; None if none."""
    note = localized_text(row, schema.NOTE, lang or current_language())
    return plain(note) if note else None


def synthetic_banner(statuses) -> None:
    """Say that synthetic values are on screen when any of the given statuses is synthetic."""
    if schema.STATUS_SYNTHETIC in set(statuses):
        st.info(t("synthetic_banner"), icon=":material/science:")


def _show_synthetic() -> None:
    """Button callback: switch synthetic demonstration values on (before the sidebar is drawn again)."""
    from ui import state

    st.session_state[state.SYNTHETIC_KEY] = True


def follow_default(key: str, default: list) -> None:
    """Keep a multiselect that holds its whole default on its default when the default changes.

    The explorer's status filter starts with every status shown; when the sidebar switches synthetic
    (or doubtful) values on, a filter left untouched takes them in too, instead of hiding them.
    """
    remembered = f"_default_of_{key}"
    previous = st.session_state.get(remembered)
    if previous is not None and previous != default and list(st.session_state.get(key, [])) == previous:
        st.session_state[key] = list(default)
    st.session_state[remembered] = list(default)


def no_reported_values(name: str, layout_label: str, *, key: str, offer_demo: bool = True) -> None:
    """Say that an indicator has no reported value here, and offer two ways on: import, or demonstration values."""
    st.warning(t("no_reported_values", name=plain(name), layout=layout_label), icon=":material/info:")
    two_ways_on(key=key, offer_demo=offer_demo)


def two_ways_on(*, key: str, offer_demo: bool = True) -> None:
    """A link to the import page and, when they are hidden, a button that shows demonstration values."""
    cols = st.columns(2)
    cols[0].page_link("pages/import.py", label=t("no_reported_import"), icon=":material/upload_file:")
    if offer_demo:
        cols[1].button(t("no_reported_demo"), key=key, on_click=_show_synthetic, icon=":material/science:")


def asked_but_missing(key: str, options) -> str | None:
    """The indicator a link asks for (``?key=``) when the catalogue knows it but it has no value to show here."""
    from ui import loaders

    asked = st.query_params.get(key)
    known = set(loaders.indicators()[schema.INDICATOR])
    return asked if asked in known and asked not in set(options) else None


def source_line(source_ids, sources: pd.DataFrame, lang: str | None = None) -> None:
    """A caption under a chart or table citing every source its numbers came from."""
    wanted = set(source_ids)
    at = [i for i, s in enumerate(sources[schema.SOURCE_ID].tolist()) if s in wanted]
    if not at:
        return
    lang = lang or current_language()
    # only the columns used, as lists (to_dict("records") of every column costs ~1 ms a line)
    producer, title_, published_, url = (
        [column[i] for i in at]
        for column in (
            sources[c].tolist()
            for c in (
                localized_column(sources.columns, schema.SOURCE_PRODUCER, lang),
                localized_column(sources.columns, schema.SOURCE_TITLE, lang),
                schema.SOURCE_PUBLISHED,
                schema.SOURCE_URL,
            )
        )
    )
    parts = []
    for who, title, published, link in zip(producer, title_, published_, url):
        date = format_period(published, lang)
        label = plain(f"{who}: {title}" + (f" ({date})" if date else ""))
        parts.append(f"[{label}]({safe_link(link)})" if safe_link(link) else label)
    st.caption(t("source_line", lang, sources=" · ".join(parts)))


def safe_link(url: object) -> str:
    """An http(s) address fit for a Markdown link (brackets and spaces encoded), else "" (never javascript: or data:).

    Examples
    --------
    >>> safe_link("https://x.vn/a (b)"), safe_link("javascript:alert(1)")
    ('https://x.vn/a%20%28b%29', '')
    """
    text = str(url or "").strip()
    if not re.match(r"https?://[^\s<>\"']+$", text.replace(" ", "%20")):
        return ""
    return text.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _text(column: str) -> str:
    return f"{column}_text"


def observation_table(frame: pd.DataFrame, key: str, max_rows: int | None = None) -> None:
    """The labelled observation table with translated headers and a link to each source.

    With ``max_rows`` only the first rows go to the browser (a caption says how many of how many);
    downloads are built from the whole frame, not from this table.
    """
    if max_rows is not None and len(frame) > max_rows:
        st.caption(t("rows_capped", shown=format_number(max_rows, 0), total=format_number(len(frame), 0)))
        frame = frame.head(max_rows)
    columns = {
        "place": st.column_config.TextColumn(t("col_place")),
        "indicator": st.column_config.TextColumn(t("col_indicator"), width="medium"),
        _text(schema.PERIOD): st.column_config.TextColumn(t("col_period")),
        _text(schema.VALUE): st.column_config.TextColumn(t("col_value")),
        schema.QUALIFIER: st.column_config.TextColumn(t("col_qualifier")),
        schema.UNIT: st.column_config.TextColumn(t("col_unit")),
        schema.STATUS: st.column_config.TextColumn(t("col_status")),
        _text(schema.TARGET_DATE): st.column_config.TextColumn(t("col_target_date")),
        "source_url": st.column_config.LinkColumn(t("col_source"), display_text=r"https?://(?:www\.)?([^/]+)/?.*"),
        schema.NOTE: st.column_config.TextColumn(t("col_note"), width="large"),
        _text(schema.DERIVED_FROM): st.column_config.TextColumn(t("col_derived_from")),
        schema.LAYOUT: st.column_config.TextColumn(t("col_layout")),
    }
    if schema.RANK_OF in frame and (frame[schema.RANK_OF].fillna("") != "").any():  # ranks: the size of their field
        columns = {**columns, schema.RANK_OF: st.column_config.TextColumn(t("col_rank_of"))}
    doubtful = schema.DOUBTFUL in frame and (frame[schema.DOUBTFUL].fillna("") != "").any()
    if doubtful:  # shown only when the user asked for doubtful values
        columns = {**columns, schema.DOUBTFUL: st.column_config.CheckboxColumn(t("col_doubtful"))}
    # only the shown columns go to the browser (the long citation and title texts stay in the downloads),
    # with the value, period and target date as text in the language beside them (kept for sorting and tests)
    lang = current_language()
    written = {
        _text(column): frame[column].map({v: fmt(v, lang) for v in frame[column].dropna().unique()})
        for column, fmt in ((schema.PERIOD, format_period), (schema.TARGET_DATE, format_date))
    }
    written[_text(schema.DERIVED_FROM)] = derivations(frame[schema.DERIVED_FROM], lang)
    kept = [schema.PERIOD, schema.VALUE, schema.TARGET_DATE, schema.DERIVED_FROM]
    labels = frame[schema.STATUS].map(status_labels()).fillna(frame[schema.STATUS])
    plain = [c for c in columns if c not in (schema.STATUS, schema.DOUBTFUL) and c in frame.columns]
    shown = frame[plain + kept].assign(
        **{schema.STATUS: labels, _text(schema.VALUE): format_numbers(frame[schema.VALUE], None, lang), **written}
    )
    if doubtful:
        shown = shown.assign(**{schema.DOUBTFUL: frame[schema.DOUBTFUL] == schema.DOUBTFUL_YES})
    st.dataframe(shown, column_order=list(columns), column_config=columns, hide_index=True, key=key, width="stretch")
