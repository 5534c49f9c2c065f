"""Drawing helpers of the Compare, Profile and Targets pages: labels, tables, status lights, charts.

Pages stay short by calling these; the numbers come from :mod:`analysis.benchmarking` and
:mod:`analysis.forecasting` through the cached loaders, and every chart gets a source line.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import forecasting
from data import schema
from ui import charts, loaders, sidebar, widgets
from ui.i18n import current_language, format_date, format_number, format_period, localized, t

PLACE = charts.PLACE
PLACE_KEY = "place_key"  # "2008:52", "2025:52", "VN": a place of either layout
TARGET_ID = "target_id"  # stable across filters, so a link can name a target
TREND = "trend"
TARGET_TEXT = "target_text"
LIGHT = "light"
PROJECTED_DATE_TEXT, STATUSES_USED_TEXT = "projected_date_text", "statuses_used_text"

#: Status light of each forecast status: Okabe-Ito colour (colour-blind safe) and a shape; the text says it too.
LIGHTS = {
    forecasting.ACHIEVED: (charts.GREEN, "●"),
    forecasting.ON_TRACK: (charts.BLUE, "●"),
    forecasting.NEEDS_ACCELERATION: (charts.ORANGE, "▲"),
    forecasting.LIMITED_PROGRESS: (charts.VERMILLION, "▼"),
    forecasting.MOVING_AWAY: (charts.PURPLE, "✖"),
    forecasting.NOT_ENOUGH_DATA: (charts.GREY, "○"),
    forecasting.NO_DEADLINE: (charts.SKY, "◌"),
    forecasting.MISSED: (charts.VERMILLION, "✖"),
    forecasting.MET_BY_DEADLINE: (charts.GREEN, "✔"),
}

# print-friendly view: hide the sidebar, Streamlit's chrome and the widgets (a fixed string, no outside font)
_PRINT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer,
[data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stElementToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem; max-width: 100%; }
@media print { .st-key-print { display: none !important; } [data-testid="stVegaLiteChart"] { break-inside: avoid; } }
</style>
"""


# --- labels ---------------------------------------------------------------------------------------------
def names(lang: str) -> dict[str, str]:
    """Indicator names in the language, by indicator id."""
    return loaders.lookups()["names"][lang]


def spec(indicator: str, lang: str | None = None) -> dict:
    """Unit and short unit (in the interface language), decimals, aggregation rule, direction, pillar."""
    return loaders.lookups()["specs"][lang or current_language()][indicator]


def axis_title(indicator: str, lang: str) -> str:
    """Name and unit, for an axis: ``R&D staff per 10,000 inhabitants (per 10,000)``."""
    return f"{names(lang)[indicator]} ({spec(indicator, lang)['short_unit']})"


def value_text(value: float, indicator: str, lang: str, qualifier: str = "", recorded: bool = True) -> str:
    """A value with its qualifier sign and short unit: ``≈ 90 %``, ``10,3 per 10,000``.

    ``recorded``: as the source gives it (reported values); else to the catalogue's decimals
    (values computed here: derived, synthetic, averages).
    """
    if pd.isna(value):
        return "–"
    found = spec(indicator, lang)
    mark = widgets.qualifier_mark(qualifier)
    digits = None if recorded else int(found["decimals"])
    return (mark + " " if mark else "") + f"{format_number(value, digits, lang)} {found['short_unit']}"


def place_name(level: str, layout: str, code: str, lang: str) -> str:
    """Name of the nation or of a province."""
    if level == "nation":
        return t("nation_name", lang)
    return loaders.lookups()["provinces"][(layout, lang)].get(code, code)


def province_names(layout: str, lang: str) -> pd.Series:
    """Province names of a layout, by code, in code order."""
    return pd.Series(loaders.lookups()["provinces"][(layout, lang)])


def region_names(lang: str) -> pd.Series:
    return pd.Series(loaders.lookups()["regions"][lang])


def status_labels(lang: str) -> dict[str, str]:
    return widgets.status_labels(lang)


def mark_status(frame: pd.DataFrame, lang: str, column: str = schema.STATUS) -> pd.DataFrame:
    """Add the chart columns for a data status: translated label and whether it is synthetic."""
    return frame.assign(
        **{
            charts.STATUS_LABEL: frame[column].map(status_labels(lang)).fillna(""),
            charts.SYNTHETIC: frame[column] == schema.STATUS_SYNTHETIC,
        }
    )


def layout_short(layout: str) -> str:
    """``63 provinces`` / ``34 provinces``."""
    return {schema.LAYOUT_2008: t("layout_short_2008"), schema.LAYOUT_2025: t("layout_short_2025")}.get(layout, "")


def period_text(period: str, lang: str) -> str:
    """``Quý 3/2026`` / ``Q3 2026`` (:func:`i18n.format_period`)."""
    return format_period(period if isinstance(period, str) else "", lang)


def rows_caption(n: int, lang: str) -> str:
    """How many rows a filter gives (counted in the language), with the hint that the link keeps the filter."""
    return t("rows_shown", n=format_number(n, 0, lang)) + " · " + t("link_hint")


def sources_of(*frames_and_columns) -> list[str]:
    """Distinct source ids of the given (frame, column) pairs, empty ones dropped."""
    found = []
    for frame, column in frames_and_columns:
        found += [s for s in frame[column].dropna().unique() if s]
    return sorted(set(found))


# --- province choice and print view --------------------------------------------------------------------
def _follow(key: str) -> None:
    st.session_state[sidebar.PROVINCE_KEY] = st.session_state[key]


def choose_province(sel, key: str = "profile_province") -> str:
    """A selectbox of the whole country ("") and the layout's provinces showing the sidebar's choice, and setting it.

    The whole country is the sidebar's "no province": the page then shows the national profile.
    """
    options = province_names(sel.layout, sel.lang)
    st.session_state[key] = sel.province if sel.province in options.index else ""
    st.selectbox(
        t("profile_choose"),
        ["", *options.index],
        key=key,
        on_change=_follow,
        args=(key,),
        format_func=lambda code: options.get(code, t("profile_whole_country")),
    )
    return st.session_state[key]


def print_view(lang: str) -> bool:
    """A toggle (kept in the URL as ``print``) that hides the sidebar and widgets for printing."""
    from ui import state

    on = state.url_toggle("print", t("profile_print"), default=False, help=t("profile_print_help"))
    if on:
        st.html(_PRINT_CSS)  # a fixed string: no data goes into it
    return on


# --- status lights and target tables ----------------------------------------------------------------------
def light(status: str, lang: str) -> str:
    """``● on track``: the shape and the words (the colour comes from :func:`style_lights`)."""
    return f"{LIGHTS[status][1]} {forecasting.status_text(status, lang)}"


def style_lights(frame: pd.DataFrame, lang: str):
    """A Styler colouring the status light column by status."""
    colour = {light(s, lang): c for s, (c, _) in LIGHTS.items()}
    return frame.style.map(lambda v: f"color: {colour.get(v, '')}; font-weight: 600", subset=[LIGHT])


def target_text(row: dict, lang: str) -> str:
    """``12 per 10,000, no deadline given`` / ``≈ 90 % by 2025-12-31``."""
    value = value_text(row[schema.TARGET_VALUE], row[schema.INDICATOR], lang, row[schema.QUALIFIER])
    if row[schema.TARGET_DATE]:
        return t("target_by", value=value, date=format_date(row[schema.TARGET_DATE], lang))
    return t("target_open", value=value)


def label_targets(frame: pd.DataFrame, lang: str, of_province: tuple[str, str] | None = None) -> pd.DataFrame:
    """Readable columns for a forecast table; ``of_province`` (layout, code) marks its predecessors' targets."""
    out = frame.copy()
    place = pd.Series(
        [place_name(*key, lang) for key in zip(out[schema.GEO_LEVEL], out[schema.LAYOUT], out[schema.GEO_CODE])],
        index=out.index,
        dtype=object,
    )
    if of_province is not None:
        own = (out[schema.LAYOUT] == of_province[0]) & (out[schema.GEO_CODE] == of_province[1])
        place = place.where(own, place.map(lambda p: t("target_of_predecessor", place=p)))
    else:
        layouts = out[schema.LAYOUT].map(layout_short).fillna("")
        place = place + layouts.map(lambda x: f" ({x})" if x else "")
    rows = out.to_dict("records")
    out[PLACE] = place
    nation = out[schema.GEO_LEVEL] == "nation"
    out[PLACE_KEY] = (out[schema.LAYOUT] + ":" + out[schema.GEO_CODE]).where(~nation, out[schema.GEO_CODE])
    out[TARGET_ID] = (
        out[PLACE_KEY]
        + ":"
        + out[schema.INDICATOR]
        + ":"
        + out[schema.PERIOD]
        + ":"
        + out[schema.TARGET_DATE].fillna("")
    )
    out["indicator"] = out[schema.INDICATOR].map(names(lang))
    out[TARGET_TEXT] = [target_text(r, lang) for r in rows]
    out[LIGHT] = [light(r[schema.FORECAST_STATUS], lang) for r in rows]
    # a value computed here (derived, synthetic) is shown to the catalogue's decimals, a reported one as given
    out["latest"] = [
        value_text(
            r[schema.LATEST_VALUE], r[schema.INDICATOR], lang, recorded=str(r[schema.STATUSES_USED]) in ("reported", "")
        )
        + (f" ({format_date(r[schema.LATEST_DATE], lang)})" if r[schema.LATEST_DATE] else "")
        for r in rows
    ]
    out["projected"] = [_projected(r, lang) for r in rows]
    out[PROJECTED_DATE_TEXT] = [format_date(r[schema.PROJECTED_DATE], lang) for r in rows]
    out[STATUSES_USED_TEXT] = [
        ", ".join(widgets.status_label(s, lang) for s in str(r[schema.STATUSES_USED]).split(", ") if s) for r in rows
    ]
    out["explanation"] = localized(out, "explanation", lang)
    src = loaders.sources().set_index(schema.SOURCE_ID)[schema.SOURCE_URL]
    out["source_url"] = out[schema.SOURCE_ID].map(src).fillna("")
    return out


def _projected(row: dict, lang: str) -> str:
    if row.get(schema.AT_DEADLINE_DATE) or row.get(schema.AFTER_DEADLINE_DATE):  # a passed deadline: what was seen
        parts = []
        if row.get(schema.AT_DEADLINE_DATE):
            parts.append(
                t(
                    "target_at_deadline",
                    lang,
                    value=value_text(row[schema.AT_DEADLINE_VALUE], row[schema.INDICATOR], lang),
                    date=format_date(row[schema.AT_DEADLINE_DATE], lang),
                )
            )
        if row.get(schema.AFTER_DEADLINE_DATE):
            parts.append(
                t(
                    "target_after_deadline",
                    lang,
                    value=value_text(row[schema.AFTER_DEADLINE_VALUE], row[schema.INDICATOR], lang),
                    date=format_date(row[schema.AFTER_DEADLINE_DATE], lang),
                )
            )
        return "; ".join(parts)
    if pd.isna(row[schema.PROJECTED_VALUE]):
        return format_date(row[schema.PROJECTED_DATE], lang) if row[schema.PROJECTED_DATE] else "–"
    low, high = (format_number(row[c], 1, lang) for c in (schema.PROJECTED_LOW, schema.PROJECTED_HIGH))
    return f"{value_text(row[schema.PROJECTED_VALUE], row[schema.INDICATOR], lang, recorded=False)} [{low}–{high}]"


def targets_table(frame: pd.DataFrame, lang: str, key: str) -> None:
    """The forecast table: light, place, indicator, target, latest, projected, explanation, source."""
    columns = {
        LIGHT: st.column_config.TextColumn(t("col_forecast_status")),
        PLACE: st.column_config.TextColumn(t("col_place")),
        "indicator": st.column_config.TextColumn(t("col_indicator"), width="medium"),
        TARGET_TEXT: st.column_config.TextColumn(t("col_target")),
        "latest": st.column_config.TextColumn(t("col_latest")),
        "projected": st.column_config.TextColumn(t("col_projected"), help=t("col_projected_help")),
        PROJECTED_DATE_TEXT: st.column_config.TextColumn(t("col_projected_date")),
        STATUSES_USED_TEXT: st.column_config.TextColumn(t("col_statuses_used")),
        "explanation": st.column_config.TextColumn(t("col_explanation"), width="large"),
        "source_url": st.column_config.LinkColumn(t("col_source"), display_text=r"https?://(?:www\.)?([^/]+)/?.*"),
    }
    # the Styler renders every cell it gets: send the shown columns and the keys (not shown) only
    keys = [
        schema.INDICATOR,
        schema.FORECAST_STATUS,
        schema.PROGRESS_RATIO,
        TARGET_ID,
        schema.PROJECTED_DATE,
        schema.STATUSES_USED,
    ]
    shown = frame[[c for c in [*columns, *keys] if c in frame.columns]]
    st.dataframe(
        style_lights(shown, lang),
        column_order=list(columns),
        column_config=columns,
        hide_index=True,
        key=key,
        width="stretch",
    )


def filtered(frame: pd.DataFrame, choices: dict[str, list]) -> pd.DataFrame:
    """Rows whose value in each column is among the chosen ones (an empty choice keeps every row)."""
    keep = pd.Series(True, index=frame.index)
    for column, chosen in choices.items():
        if chosen:
            keep &= frame[column].isin(chosen)
    return frame[keep].reset_index(drop=True)


def target_options(frame: pd.DataFrame) -> dict:
    """The choices of :func:`target_choice`: ``labels`` by target id, the ``default`` id, each target's ``rows``."""
    labels = dict(zip(frame[TARGET_ID], frame[PLACE] + " · " + frame["indicator"] + " · " + frame[TARGET_TEXT]))
    with_data = frame.loc[frame[schema.N_OBSERVATIONS] > 0, TARGET_ID]
    default = with_data.iloc[0] if len(with_data) else next(iter(labels), None)  # the first target that has data
    rows = {i: frame[frame[TARGET_ID] == i].iloc[0].to_dict() for i in labels}  # the first row of each id
    return {"labels": labels, "default": default, "rows": rows}


def target_choice(frame: pd.DataFrame, key: str, options: dict | None = None) -> dict | None:
    """A selectbox over the targets of a labelled forecast table (kept in the URL); the chosen row.

    ``options``: :func:`target_options` of ``frame``, when the caller has them cached.
    """
    from ui import state

    if frame.empty:
        return None
    options = target_options(frame) if options is None else options
    labels = options["labels"]
    chosen = state.url_selectbox(
        st.selectbox, key, t("forecast_choose"), list(labels), default=options["default"], format_func=labels.get
    )
    return dict(options["rows"][chosen])


def forecast_key(row: dict, sel) -> tuple:
    """The arguments of :func:`forecast_chart_rows` for a target's row and the sidebar's choice."""
    return (
        row[schema.GEO_LEVEL],
        row[schema.LAYOUT],
        row[schema.GEO_CODE],
        row[schema.INDICATOR],
        row[schema.PERIOD],
        row[schema.TARGET_DATE],
        sel.show_synthetic,
        sel.lang,
    )


def forecast_chart(row: dict, sel, rows=None) -> None:
    """History, trend, 80% band and target of one target, with its explanation and sources.

    ``rows``: a cached :func:`forecast_chart_rows` (called with :func:`forecast_key`), if the page has one.
    """
    found = (rows or forecast_chart_rows)(*forecast_key(row, sel))
    y_title = axis_title(row[schema.INDICATOR], sel.lang)
    charts.show(
        charts.forecast,
        found["history"],
        found["trend"],
        target=row[schema.TARGET_VALUE],
        deadline=row[schema.TARGET_DATE],
        title=f"{row[PLACE]} · {row['indicator']}",
        y_title=y_title,
        date_title=t("axis_date"),
        status_title=t("col_status"),
        band_title=t("forecast_band"),
        target_title=row[TARGET_TEXT],
        trend_title=t("forecast_trend"),
        labels={forecasting.BASELINE: t("forecast_zero_start"), **status_labels(sel.lang)},
        month_format=t("chart_month_format"),
        day_format=t("chart_day_format"),
        key="forecast_chart",
    )
    st.caption(widgets.plain(row["explanation"]))
    with st.expander(t("targets_method"), icon=":material/functions:"):
        st.caption(widgets.plain(forecasting.method_text(row, sel.lang)))  # it may quote stored names and notes
    widgets.source_line(found["sources"] + [row[schema.SOURCE_ID]], loaders.sources())


def forecast_chart_rows(
    geo_level: str,
    layout: str,
    code: str,
    indicator: str,
    period: str,
    target_date: str,
    show_synthetic: bool,
    lang: str,
) -> dict:
    """The forecast chart's history (labelled), trend and sources of one target (the forecast is cached)."""
    found = loaders.forecast_detail(geo_level, layout, code, indicator, period, target_date, show_synthetic)
    history = mark_status(found.history, lang)
    history.loc[history[schema.STATUS] == forecasting.BASELINE, charts.STATUS_LABEL] = t("forecast_zero_start", lang)
    return {
        "history": history[[schema.DATE, schema.VALUE, charts.STATUS_LABEL, charts.SYNTHETIC]],
        "trend": found.trend,
        "sources": sources_of((found.history, schema.SOURCE_ID)),
    }


def progress_data(frame: pd.DataFrame, lang: str) -> dict:
    """What :func:`progress_chart` draws: the chart's ``data``, status ``domain`` and ``colours``, ``sources``.

    ``data`` is None when no target has both paces.
    """
    have = frame[frame[schema.PROGRESS_RATIO].notna()]
    if have.empty:
        return {"data": None, "domain": [], "colours": [], "sources": []}
    synthetic = forecasting.uses_synthetic(have)
    marks = synthetic.map({True: f" ({widgets.status_label(schema.STATUS_SYNTHETIC, lang)})", False: ""})
    data = pd.DataFrame(
        {
            charts.LABEL: have[PLACE] + " · " + have["indicator"] + marks,
            charts.X: have[schema.PROGRESS_RATIO].clip(-1.5, 2.5),
            charts.STATUS_LABEL: have[schema.FORECAST_STATUS].map(lambda s: forecasting.status_text(s, lang)),
            charts.SYNTHETIC: synthetic,
        }
    )
    order = [s for s in forecasting.STATUSES if s in set(have[schema.FORECAST_STATUS])]
    return {
        "data": data,
        "domain": [forecasting.status_text(s, lang) for s in order],
        "colours": [LIGHTS[s][0] for s in order],
        "sources": sources_of((have, schema.SOURCE_ID)),
    }


def progress_chart(frame: pd.DataFrame, lang: str, found: dict | None = None) -> None:
    """Observed / required pace of every target that has both, with the rule's thresholds.

    ``found``: :func:`progress_data` of ``frame``, when the caller has it cached.
    """
    found = progress_data(frame, lang) if found is None else found
    if found["data"] is None:
        st.caption(t("targets_no_ratio"))
        return
    charts.show(
        charts.progress,
        found["data"],
        title=t("targets_chart_title"),
        x_title=t("targets_chart_x"),
        status_title=t("col_forecast_status"),
        domain=found["domain"],
        colours=found["colours"],
        thresholds=[0.0, forecasting.ACCELERATE_FROM, forecasting.ON_TRACK_FROM],
        key="progress_chart",
    )
    widgets.source_line(found["sources"], loaders.sources())
