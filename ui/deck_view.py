"""The meeting deck from the Presentation page: gathers each slide's map, numbers and sources, then calls
:func:`geo.deck.build_deck` (pure). Built when the presenter asks (one click), kept for the session.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analysis import forecasting
from data import schema
from geo import deck
from ui import fitted_map, loaders, map_view, present, sidebar, targets_view, views
from ui.i18n import format_date, localized, t

BUILD_KEY = "present_deck_build"
_READY = "_present_deck_ready"  # (what it was built from, file name, bytes)
_STATUS = {
    forecasting.ACHIEVED: "met",
    forecasting.ON_TRACK: "on_track",
    forecasting.NEEDS_ACCELERATION: "at_risk",
    forecasting.LIMITED_PROGRESS: "off_track",
    forecasting.MOVING_AWAY: "off_track",
    forecasting.NOT_ENOUGH_DATA: "unknown",
    forecasting.NO_DEADLINE: "unknown",
    forecasting.MISSED: "missed",
    forecasting.MET_BY_DEADLINE: "met",
}
MAX_TARGETS = 6


def map_slide(sel: sidebar.Selection, indicator: str, today: str) -> deck.MapSlide | None:
    """One indicator's slide: its latest period, as on the Presentation page."""
    periods = loaders.benchmark_periods(indicator, sel.layout, sel.statuses)
    if not periods:
        return None
    view = map_view.prepare(sel, map_view.Choice(indicator, periods[-1], "value", "high_contrast", "quantile", True))
    spec, _ = fitted_map.spec(view, sel, timeline=None, names_on=True, selectable=False)
    return deck.MapSlide(
        title=view.name,
        subtitle=t(
            "map_subtitle",
            sel.lang,
            period=fitted_map.period_label(periods[-1], sel.lang),
            layout=t(f"layout_{sel.layout}", sel.lang),
            unit=view.unit,
        ),
        picture=deck.map_picture(spec),
        legend_title=view.legend_title,
        legend=view.legend,
        numbers=present.headlines(view, sel),
        source=t("map_static_sources", sel.lang, sources=view.source_text),
        date_line=t("map_static_date", sel.lang, date=today),
        synthetic=schema.STATUS_SYNTHETIC in set(view.table[schema.STATUS]),
        notes=view.notes,
    )


def target_lines(sel: sidebar.Selection, indicators: list[str]) -> list[deck.TargetLine]:
    """The chosen place's targets of the deck's indicators (the nation's without a province), most at risk first."""
    frame = targets_view.labelled_forecasts(sel.show_synthetic, sel.lang)
    if sel.province:
        mine = (frame[schema.LAYOUT] == sel.layout) & (frame[schema.GEO_CODE] == sel.province)
    else:
        mine = frame[schema.GEO_LEVEL] == "nation"
    frame = frame[mine & frame[schema.INDICATOR].isin(indicators)].sort_values(schema.RISK, kind="stable")
    return [
        deck.TargetLine(
            target=f"{row['indicator']}: {row[views.TARGET_TEXT]}",
            place=row[views.PLACE],
            status=_STATUS.get(row[schema.FORECAST_STATUS], "unknown"),
            status_words=forecasting.status_text(row[schema.FORECAST_STATUS], sel.lang),
            explanation=str(row["explanation"]),
            synthetic=schema.STATUS_SYNTHETIC in str(row[schema.STATUSES_USED]),
        )
        for row in frame.head(MAX_TARGETS).to_dict("records")
    ]


def build(sel: sidebar.Selection, indicators: list[str]) -> bytes:
    """The ``.pptx`` of the deck's indicators for the sidebar's place, in the page's language."""
    today = format_date(dt.date.today().isoformat(), sel.lang)
    slides = [s for s in (map_slide(sel, i, today) for i in indicators) if s is not None]
    names = localized(loaders.provinces(sel.layout).set_index(schema.CODE), "name", sel.lang)
    place = (
        names.get(sel.province, t("present_national", sel.lang)) if sel.province else t("present_national", sel.lang)
    )
    return deck.build_deck(
        slides,
        title=t("deck_title", sel.lang),
        subtitle=place,
        date_text=today,
        language_text=t("deck_language", sel.lang),
        watermark=t("watermark", sel.lang),
        targets=target_lines(sel, indicators),
        targets_title=t("deck_targets_title", sel.lang),
        targets_source=t("deck_targets_source", sel.lang),
    )


def draw_button(sel: sidebar.Selection, indicators: list[str]) -> None:
    """ "PowerPoint": builds the deck on click; then the same place offers the file (kept while nothing changes)."""
    made_of = (sel, tuple(indicators), loaders.data_version())
    ready = st.session_state.get(_READY)
    if ready and ready[0] == made_of:
        st.download_button(
            t("deck_download"),
            data=ready[2],
            file_name=ready[1],
            key="present_deck_download",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            icon=":material/download:",
            on_click="ignore",
            width="content",
        )
        return
    st.button(
        t("deck_build"),
        key=BUILD_KEY,
        icon=":material/slideshow:",
        help=t("deck_help"),
        width="content",
        on_click=_build,
        args=(sel, list(indicators), made_of),
    )


def _build(sel: sidebar.Selection, indicators: list[str], made_of: tuple) -> None:
    """Button callback (runs before the page, so the next run offers the file)."""
    data = build(sel, indicators)
    place = sel.province or "VN"
    st.session_state[_READY] = (made_of, f"vn57-{place}-{sel.layout}-{sel.lang}-{dt.date.today():%Y%m%d}.pptx", data)
