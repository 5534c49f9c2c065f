"""The meeting deck from the Presentation page: gathers each slide's map, numbers and sources, then calls
:func:`geo.deck.build_deck` (pure). Built when the presenter asks (one click), kept for the session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import streamlit as st

from analysis import forecasting
from data import schema
from ui import fitted_map, loaders, map_view, present, sidebar, views
from ui.i18n import format_date, language, localized, t

if TYPE_CHECKING:  # geo.deck loads python-pptx (about 13 MB): imported where a deck is made
    from geo import deck

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


def map_slide(sel: sidebar.Selection, indicator: str, today: str, period: str | None = None) -> deck.MapSlide | None:
    """One indicator's slide: its latest period, as on the Presentation page (or ``period``); None without a value."""
    from geo import deck

    draft = _draft(sel, indicator, today, period)
    return None if draft is None else dataclasses.replace(draft[0], picture=deck.map_picture(draft[1]))


def _draft(
    sel: sidebar.Selection, indicator: str, today: str, period: str | None = None
) -> tuple[deck.MapSlide, dict] | None:
    """One indicator's slide without its picture, and the map's spec to draw it from."""
    from geo import deck

    periods = loaders.benchmark_periods(indicator, sel.layout, sel.statuses)
    if period is None and periods:
        period = periods[-1]
    if period not in periods:
        return None
    view = map_view.prepare(sel, map_view.Choice(indicator, period, "value", "high_contrast", "quantile", True))
    spec, numbered = fitted_map.spec(view, sel, timeline=None, names_on=True, selectable=False)
    key = " · ".join(f"{n} {name}" for n, name in numbered)  # the small provinces' numbers on the map
    slide = deck.MapSlide(
        title=view.name,
        subtitle=t(
            "map_subtitle",
            sel.lang,
            period=fitted_map.period_label(period, sel.lang),
            layout=t(f"layout_{sel.layout}", sel.lang),
            unit=view.unit,
        ),
        picture=b"",
        legend_title=view.legend_title,
        legend=view.legend,
        numbers=present.headlines(view, sel),
        source=t("map_static_sources", sel.lang, sources=view.source_text),
        date_line=t("map_static_date", sel.lang, date=today),
        synthetic=schema.STATUS_SYNTHETIC in set(view.table[schema.STATUS]),
        notes=[*view.notes, key] if key else view.notes,
    )
    return slide, spec


def target_lines(sel: sidebar.Selection, indicators: list[str]) -> list[deck.TargetLine]:
    """The chosen place's targets of the deck's indicators (the nation's without a province), most at risk first."""
    from geo import deck

    forecasts = loaders.forecasts_of(tuple(sorted(set(indicators))), sel.show_synthetic)  # these targets only
    frame = views.label_targets(forecasting.with_pillars(forecasts, loaders.indicators()), sel.lang)
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


@dataclasses.dataclass(frozen=True)
class Built:
    """A deck and what it shows: the ``.pptx`` bytes, the indicators with a slide, those without a value to show
    (no slide), whether any slide shows a synthetic value (those slides carry the watermark), the number of
    slides (title, indicators, targets when these indicators have any)."""

    data: bytes
    shown: list[str]
    skipped: list[str]
    synthetic: bool
    slides: int


def assemble(sel: sidebar.Selection, indicators: list[str], period: str | None = None) -> Built:
    """The deck of ``indicators`` for the place and language of ``sel``; each at its latest period, or ``period``.

    Needs no running Streamlit (the command line calls it): every input is in ``sel``. The maps'
    pictures are drawn by a child process (:class:`geo.deck.Painter`) while the next slides' numbers
    and the targets are computed here; each picture is kept, so the same deck again is quick.
    """
    with language(sel.lang):  # every text of the deck in its language, with or without a session
        return _assemble(sel, indicators, period)


def _assemble(sel: sidebar.Selection, indicators: list[str], period: str | None) -> Built:
    from geo import deck

    today = format_date(dt.date.today().isoformat(), sel.lang)
    with deck.Painter() as painter:
        drafts, pictures = {}, {}
        for indicator in indicators:  # each picture is drawn (in another process) while the next slide is computed
            drafts[indicator] = _draft(sel, indicator, today, period)
            if drafts[indicator] is not None:
                pictures[indicator] = painter.submit(drafts[indicator][1])
        targets = target_lines(sel, indicators)
        slides = [dataclasses.replace(drafts[i][0], picture=pictures[i]()) for i in pictures]
    names = localized(loaders.provinces(sel.layout).set_index(schema.CODE), "name", sel.lang)
    place = (
        names.get(sel.province, t("present_national", sel.lang)) if sel.province else t("present_national", sel.lang)
    )
    data = deck.build_deck(
        slides,
        title=t("deck_title", sel.lang),
        subtitle=place,
        date_text=today,
        language_text=t("deck_language", sel.lang),
        watermark=t("watermark", sel.lang),
        targets=targets,
        targets_title=t("deck_targets_title", sel.lang),
        targets_source=t("deck_targets_source", sel.lang),
    )
    synthetic = any(s.synthetic for s in slides) or any(line.synthetic for line in targets)
    skipped = [i for i in indicators if i not in pictures]
    return Built(data, list(pictures), skipped, synthetic, 1 + len(slides) + bool(targets))


def build(sel: sidebar.Selection, indicators: list[str]) -> bytes:
    """The ``.pptx`` of the deck's indicators for the sidebar's place, in the page's language (:func:`assemble`)."""
    return assemble(sel, indicators).data


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
