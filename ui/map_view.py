"""The Map page's drawing helpers (pages/map.py only draws): controls, map, legend, lists, exports.

The numbers come from :func:`ui.loaders.map_table` (the benchmark); classes, colours, the feature
collection and the legend from :mod:`geo.choropleth`; the deck from :mod:`geo.web_map`; the PNG and
SVG from :mod:`geo.static_map`. Text that comes from data (names, sources, units) is escaped before
it reaches Markdown, and no HTML is ever written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib

import pandas as pd
import streamlit as st

from analysis import coverage, map_data
from data import catalogue, registry, schema
from geo import boundaries, choropleth, web_map
from ui import loaders, sidebar, state, widgets
from ui.i18n import format_date, format_number, format_period, localized, localized_column, t

IND_KEY, PERIOD_KEY, COLOUR_KEY, PALETTE_KEY, CLASSES_KEY, LABELS_KEY = (
    "ind", "period", "colour", "palette", "classes", "labels"
)  # fmt: skip
LAPSE_KEY, ZOOM_KEY, FOCUS_KEY = "lapse", "zoom", "focus"
DEFAULT_INDICATOR = "rd_staff_per_10k"
MAP_HEIGHT = 620
_CLICKS = "_map_clicks"  # bumped after each click: a new chart key drops Streamlit's selection fade
_USER = "_map_user_boundaries"  # {layout: UserBoundaries}, kept for the session
_RESETS = "_map_upload_resets"


def md_escape(text: object) -> str:
    """Text safe to put in Markdown: every character Markdown could read as syntax is escaped."""
    return widgets.plain(text)


@dataclasses.dataclass(frozen=True)
class Choice:
    """What the controls chose (all of it mirrored in the URL)."""

    indicator: str
    period: str | None
    mode: str
    palette: str
    scheme: str
    labels: bool
    lapse: bool = False  # every period on one set of classes, stepped by a slider in the browser
    zoom: bool = False  # the pydeck map (zoom, pan, hover) instead of the fitted one
    focus: bool = False  # the fitted map zoomed to the province chosen in the sidebar


@dataclasses.dataclass(frozen=True)
class UserBoundaries:
    """A user's boundary file, matched to the provinces of one layout."""

    name: str
    fingerprint: str  # name and sha256 of the content: the same file is read once
    frame: object  # geopandas.GeoDataFrame: code, layout, geometry (unsimplified)
    web: dict
    labels: tuple
    report: pd.DataFrame


@dataclasses.dataclass
class MapView:
    """Everything the page draws, computed once per run by :func:`prepare`."""

    choice: Choice
    layout: str
    lang: str
    name: str
    unit: str
    table: pd.DataFrame
    mode: str
    legend_title: str
    legend: list
    notes: list
    collection: dict
    names: pd.Series
    archipelagos: list
    province_labels: list
    user: UserBoundaries | None
    sources: list
    source_text: str


def _column(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    """``frame[column]`` indexed by ``frame[key]`` (``set_index`` copies every block: slow on each rerun)."""
    return pd.Series(frame[column].to_numpy(), index=frame[key].to_numpy(), name=column)


def _period_label(period: str, lang: str) -> str:
    return format_period(period, lang)


def controls(sel: sidebar.Selection) -> Choice | None:
    """Indicator, period, colouring, palette, classes and labels; None when nothing can be mapped."""
    options = loaders.benchmark_indicators(sel.layout, sel.statuses)
    cat = loaders.indicators()
    names = _column(cat, schema.INDICATOR, localized_column(cat.columns, "name", sel.lang))
    missing = widgets.asked_but_missing(IND_KEY, options)
    if missing:  # a link asked for an indicator without a value to show here: say so, offer two ways on
        widgets.no_reported_values(
            names.get(missing, missing),
            t(f"layout_{sel.layout}"),
            key="map_link_demo",
            offer_demo=not sel.show_synthetic,
        )
    if not options:
        return None
    lang = sel.lang
    top = st.columns([5, 2, 4, 2], vertical_alignment="bottom")
    default = loaders.default_indicator(sel.layout, sel.statuses, options, DEFAULT_INDICATOR)
    with top[0]:
        indicator = state.url_selectbox(
            st.selectbox, IND_KEY, t("map_indicator"), options, default, format_func=names.get
        )
    periods = loaders.benchmark_periods(indicator, sel.layout, sel.statuses)
    with top[1]:
        period = (
            state.url_selectbox(
                st.selectbox,
                PERIOD_KEY,
                t("map_period"),
                periods,
                loaders.default_period(indicator, sel.layout, sel.statuses) or periods[-1],
                format_func=lambda p: _period_label(p, lang),
            )
            if periods
            else None
        )
    modes = {"value": t("map_colour_value"), "difference": t("map_colour_difference")}
    if is_rank(indicator):  # a rank has no national value: coloured by value only
        modes = {"value": t("map_colour_value")}
    with top[2]:
        mode = state.url_selectbox(
            st.radio, COLOUR_KEY, t("map_colour"), modes, "value", format_func=modes.get, horizontal=True
        )
    palettes = {
        "viridis": t("map_palette_viridis"),
        "cividis": t("map_palette_cividis"),
        "high_contrast": t("map_palette_high_contrast"),
    }
    schemes = {"quantile": t("map_classes_quantile"), "nice": t("map_classes_nice")}
    with top[3].popover(t("map_options"), icon=":material/tune:", width="stretch"):
        palette = state.url_selectbox(
            st.selectbox, PALETTE_KEY, t("map_palette"), palettes, "viridis", format_func=palettes.get
        )
        scheme = state.url_selectbox(
            st.radio, CLASSES_KEY, t("map_classes"), schemes, "quantile", format_func=schemes.get
        )
        labels = state.url_toggle(LABELS_KEY, t("map_labels"), default=False)
        lapse = state.url_toggle(LAPSE_KEY, t("map_lapse"), default=False)
        zoom = state.url_toggle(ZOOM_KEY, t("map_zoom"), default=False)
        focus = state.url_toggle(FOCUS_KEY, t("map_focus"), default=False, help=t("map_focus_help"))
    return Choice(indicator, period, mode, palette, scheme, labels, lapse, zoom, focus)


def draw_predecessor_ranks(view: MapView, sel: sidebar.Selection) -> None:
    """On the 34-province map, a rank's values of the 63 provinces, apart: "predecessor ranks".

    A rank of the 63 provinces is never averaged or summed into a rank of the 34: it is listed by the
    province each old one is now part of (the edition with most values), like a predecessor's target.
    """
    if sel.layout != schema.LAYOUT_2025 or not is_rank(view.choice.indicator):
        return
    old = loaders.observations(
        indicators=(view.choice.indicator,),
        layouts=(schema.LAYOUT_2008,),
        geo_levels=("province",),
        statuses=sel.statuses,
    )
    old = old[old[schema.LAYOUT] == schema.LAYOUT_2008]
    edition = coverage.best_period(old, view.choice.indicator, schema.LAYOUT_2008)
    if edition is None:
        return
    old = old[old[schema.PERIOD] == edition]
    new_of = dict(zip(registry.crosswalk()[schema.OLD_CODE], registry.crosswalk()[schema.NEW_CODE]))
    names_new = loaders.lookups()["provinces"][(schema.LAYOUT_2025, sel.lang)]
    names_old = loaders.lookups()["provinces"][(schema.LAYOUT_2008, sel.lang)]
    table = pd.DataFrame(
        {
            "province": [names_new.get(new_of.get(c, ""), "") for c in old[schema.GEO_CODE]],
            "predecessor": [names_old.get(c, c) for c in old[schema.GEO_CODE]],
            "rank": [f"{int(v)} / {f}" if f else f"{int(v)}" for v, f in zip(old[schema.VALUE], old[schema.RANK_OF])],
            "_new": [new_of.get(c, "") for c in old[schema.GEO_CODE]],
            "_value": old[schema.VALUE].to_numpy(),
        }
    )
    if sel.province:
        table = table[table["_new"] == sel.province]
    table = table.sort_values(["_value", "predecessor"], kind="stable")
    with st.expander(t("map_predecessor_ranks", name=view.name, period=edition), expanded=bool(sel.province)):
        st.caption(t("map_predecessor_note"))
        st.dataframe(
            table[["province", "predecessor", "rank"]],
            hide_index=True,
            width="stretch",
            key="map_predecessors",
            column_config={
                "province": t("col_place"),
                "predecessor": t("map_predecessor"),
                "rank": t("map_predecessor_rank"),
            },
        )


def indicator_name(indicator: str, lang: str) -> str:
    """The indicator's name in a language."""
    cat = loaders.indicators()
    return _column(cat, schema.INDICATOR, localized_column(cat.columns, "name", lang)).get(indicator, indicator)


def is_rank(indicator: str) -> bool:
    """Whether an indicator is a rank (unit "rank"): no national value, no gap to it."""
    spec = loaders.indicators()
    unit = spec.loc[spec[schema.INDICATOR] == indicator, "unit"]
    return bool(len(unit)) and catalogue.is_rank(str(unit.iloc[0]))


def _tooltip_labels(aggregation: str) -> dict:
    national = t("map_tt_national_total") if aggregation == "sum" else t("map_tt_national")  # a count's is a total
    return {
        "value": t("map_tt_value"),
        "rank": t("map_tt_rank"),
        "national": national,
        "status": t("map_tt_status"),
        "source": t("map_tt_source"),
        "no_data": t("map_no_data"),
        "qualifier": {q: widgets.qualifier_mark(q) for q in schema.QUALIFIERS},
    }


def prepare(sel: sidebar.Selection, choice: Choice) -> MapView:
    """Classes, colours, legend, tooltips and the feature collection for the chosen map.

    On the bundled boundaries, computed once per data version, sidebar choice and map choice for
    every session (:func:`_prepared`; read only: callers must not change it); on a session's own
    uploaded boundaries, on every run.
    """
    if (st.session_state.get(_USER) or {}).get(sel.layout):
        return _prepare(sel, choice)
    return _prepared(sel, choice)


@loaders.per_data_version(max_entries=64, shared=True)
def _prepared(sel: sidebar.Selection, choice: Choice) -> MapView:
    """:func:`_prepare` on the bundled boundaries (texts in ``sel.lang``, the session's language)."""
    return _prepare(sel, choice)


def lapse(view: MapView, sel: sidebar.Selection, periods: list[str], palette: str, scheme: str):
    """The time-lapse of :func:`ui.fitted_map.lapse`, computed once per data version and choice on the bundled boundaries."""
    from ui import fitted_map

    if view.user:
        return fitted_map.lapse(view, sel, periods, palette, scheme)
    return _lapse(sel, view.choice, tuple(periods), palette, scheme)


@loaders.per_data_version(max_entries=32, shared=True)
def _lapse(sel: sidebar.Selection, choice: Choice, periods: tuple[str, ...], palette: str, scheme: str):
    from ui import fitted_map

    return fitted_map.lapse(_prepared(sel, choice), sel, list(periods), palette, scheme)


def _prepare(sel: sidebar.Selection, choice: Choice) -> MapView:
    cat = loaders.indicators()
    spec = cat[cat[schema.INDICATOR] == choice.indicator].iloc[0]
    table = loaders.map_table(choice.indicator, choice.period, sel.layout, sel.statuses)
    names = sel_names(sel)
    fmt = functools.partial(format_number, decimals=int(spec["decimals"]), lang=sel.lang)
    exact = functools.partial(format_number, decimals=None, lang=sel.lang)  # round breaks, as they are
    unit, mode, notes = str(localized(spec, "unit", sel.lang)), choice.mode, []
    middle, kind = map_data.centre(table, spec["aggregation"]) if mode == "difference" else (None, "")
    if mode == "difference" and middle is None:
        mode = "value"
        notes.append(t("map_note_no_centre"))
    if mode == "difference":
        classes = choropleth.classify_diverging(table[schema.VALUE], middle, scheme=choice.scheme)
        what = {
            "national": t("map_centre_national"),
            "national_per_province": t("map_centre_per_province"),
            "provinces_mean": t("map_centre_provinces"),
        }[kind]
        legend_title = t("map_legend_difference", what=what, centre=fmt(middle), unit=unit)
        notes.append(t("map_note_diverging_lower") if spec["direction"] == "lower" else t("map_note_diverging"))
    else:
        classes = choropleth.classify(table[schema.VALUE], scheme=choice.scheme)
        legend_title = unit
    colours = choropleth.palette(mode, choice.palette, spec["direction"], n=classes.n)
    breaks = fmt if choice.scheme == "quantile" else exact
    legend = choropleth.legend_entries(classes, colours, breaks, no_data_label=t("map_no_data"))
    labels = _tooltip_labels(spec["aggregation"])
    origin_note = t("map_origin_from_2008") if sel.layout == schema.LAYOUT_2025 else t("map_origin_from_2025")
    sources = loaders.sources()
    producer = localized_column(sources.columns, schema.SOURCE_PRODUCER, sel.lang)
    producers = _column(sources, schema.SOURCE_ID, producer).to_dict()
    tooltips, short_unit = {}, localized(spec, "short_unit", sel.lang)
    columns = [
        schema.GEO_CODE,
        schema.VALUE,
        schema.QUALIFIER,
        schema.STATUS,
        schema.SOURCE_ID,
        schema.RANK,
        schema.RANK_OF,
        schema.NATIONAL_VALUE,
        map_data.ORIGIN,
    ]
    for values in zip(*(table[c].tolist() for c in columns)):  # much faster than to_dict on Arrow text
        row = dict(zip(columns, values))
        code, source = row[schema.GEO_CODE], row[schema.SOURCE_ID]
        tooltips[code] = choropleth.tooltip_text(
            {
                **row,
                "name": names.get(code, code),
                "unit": short_unit,
                "status": widgets.status_label(row[schema.STATUS], sel.lang),
                "source": producers.get(source, source),
                "note": origin_note if row[map_data.ORIGIN] == map_data.CONVERTED else "",
            },
            labels,
            fmt,
        )
    user = (st.session_state.get(_USER) or {}).get(sel.layout)
    geojson = user.web if user else web_map.bundled_geojson(sel.layout)
    collection = choropleth.feature_collection(
        geojson, table, classes, colours, tooltips=tooltips, names=names.to_dict(), selected=sel.province
    )
    statuses = set(table[schema.STATUS])
    if schema.STATUS_SYNTHETIC in statuses:
        notes.append(t("map_note_synthetic"))
    if (table[map_data.ORIGIN] == map_data.CONVERTED).any():
        notes.append(origin_note)
    if table[schema.VALUE].isna().any():
        notes.append(t("map_note_no_data"))
    if sel.province in names.index:
        notes.append(t("map_note_selected", name=names[sel.province]))
    arch = boundaries.load_archipelagos()
    arch_names = localized(arch, "name", sel.lang)
    archipelagos = list(zip(arch_names, arch["label_lon"], arch["label_lat"], arch.geometry))
    points = user.labels if user else web_map.bundled_label_points(sel.layout)
    province_labels = [(names.get(c, c), x, y, p) for c, x, y, p in points] if choice.labels else []
    used = sorted(s for s in set(table[schema.SOURCE_ID]) | set(table[schema.NATIONAL_SOURCE_ID]) if s)
    source_text = "; ".join(str(producers[s]) for s in used if s in producers) or "–"
    return MapView(
        choice,
        sel.layout,
        sel.lang,
        localized(spec, "name", sel.lang),
        unit,
        table,
        mode,
        legend_title,
        legend,
        notes,
        collection,
        names,
        archipelagos,
        province_labels,
        user,
        used,
        source_text,
    )


def draw_map(view: MapView, sel: sidebar.Selection, height: int = MAP_HEIGHT) -> None:
    """The pydeck map; a click on a province chooses it for the whole app."""
    deck = web_map.build_deck(view.collection, view.archipelagos, view.province_labels, height=height)
    clicks = st.session_state.get(_CLICKS, 0)
    event = st.pydeck_chart(
        deck,
        on_select="rerun",
        selection_mode="single-object",
        key=f"map_{view.layout}_{clicks}",
        height=height,
        alt=t("map_alt", name=view.name),
    )
    code = web_map.clicked_code(event)
    if code:
        st.session_state[_CLICKS] = clicks + 1
        sidebar.select_province(code)


def draw_heading(view: MapView) -> None:
    """The indicator as the map's title; period, layout and unit under it."""
    st.header(widgets.plain(view.name), anchor=False)
    st.caption(
        md_escape(
            t(
                "map_subtitle",
                period=_period_label(view.choice.period, view.lang),
                layout=t(f"layout_{view.layout}"),
                unit=view.unit,
            )
        )
    )


def draw_fitted(view: MapView, sel: sidebar.Selection, periods: list[str]) -> tuple[list, list]:
    """The fitted map (the page's default): click a province to choose it; a time-lapse when asked.

    Returns the legend to draw (the time-lapse's shared classes replace the period's own) and the
    statuses the map can show: the chosen period's, plus synthetic when any period the time-lapse's
    slider reaches shows a synthetic value (the page's banner counts them, as the map's watermark does).
    """
    from ui import fitted_map

    timeline = (
        lapse(view, sel, periods, view.choice.palette, view.choice.scheme)
        if view.choice.lapse and len(periods) > 1
        else None
    )
    spec, key_entries = fitted_map.spec(
        view, sel, timeline=timeline, names_on=view.choice.labels, selectable=True, focus=view.choice.focus
    )
    clicks = st.session_state.get(_CLICKS, 0)
    if timeline is not None:
        fitted_map.play_button(f"fitted_{view.layout}_{clicks}")
    code = fitted_map.draw(
        spec, f"fitted_{view.layout}_{clicks}", fitted_map.PAGE_HEIGHT, on_click=True, play=timeline is not None
    )
    fitted_map.draw_key(key_entries)
    if code:
        st.session_state[_CLICKS] = clicks + 1
        sidebar.select_province(code)
    shown = list(view.table[schema.STATUS]) + ([schema.STATUS_SYNTHETIC] if timeline and timeline.synthetic else [])
    return (timeline.legend if timeline else view.legend), shown


def legend_spec(legend: list, step: int = 40, font: int = 20) -> dict:
    """The legend as a Vega-Lite spec: a swatch and a label per class (dashed for no data).

    Written as a plain dict: building it through altair would cost about 40 ms a rerun.
    """
    values = [
        {"order": i, "label": f"{e.label}  ({e.count})", "colour": e.colour, "dash": e.kind == "no_data"}
        for i, e in enumerate(legend)
    ]
    y = {"field": "order", "type": "ordinal", "axis": None}
    return {
        "data": {"values": values},
        "height": {"step": step},
        "width": 320,
        # Streamlit's own font, served by the app itself
        "config": {"view": {"strokeWidth": 0}, "font": "'Source Sans', 'Source Sans Pro', sans-serif"},
        "layer": [
            {
                "mark": {
                    "type": "square",
                    "size": round(760 * (step / 40) ** 2),
                    "filled": True,
                    "opacity": 1,
                    "stroke": "#555555",
                    "strokeWidth": 1.2,
                },
                "encoding": {
                    "y": y,
                    "x": {"value": 15},
                    "color": {"field": "colour", "type": "nominal", "scale": None},
                    "strokeDash": {"condition": {"test": "datum.dash", "value": [4, 3]}, "value": [1, 0]},
                },
            },
            {
                "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": font},
                "encoding": {"y": y, "x": {"value": 46}, "text": {"field": "label", "type": "nominal"}},
            },
        ],
    }


def draw_legend(view: MapView, legend: list | None = None, step: int = 40, font: int = 20, notes: bool = True) -> None:
    """Units, class breaks with counts, and what the outlines mean."""
    shared = legend is not None and legend is not view.legend
    title = t("map_lapse_legend", unit=view.legend_title) if shared else view.legend_title
    with st.container(key="map_legend_frame"):
        st.markdown(f"**{md_escape(title)}**")
        st.vega_lite_chart(
            legend_spec(view.legend if legend is None else legend, step, font),
            width="content",
            theme=None,
            key="map_legend",
        )
    if notes:
        draw_notes(view)


def draw_notes(view: MapView) -> None:
    """What the outlines and colours mean, one caption each."""
    for note in view.notes:
        st.caption(md_escape(note))


def draw_no_data(view: MapView) -> None:
    """The provinces without a value, by name."""
    missing = view.table.loc[view.table[schema.VALUE].isna(), schema.GEO_CODE]
    if missing.empty:
        st.caption(t("map_no_data_none"))
        return
    listed = ", ".join(md_escape(view.names.get(c, c)) for c in missing)
    st.markdown(f"**{md_escape(t('map_no_data_list', n=len(missing)))}** {listed}")


def draw_sources(view: MapView, sel: sidebar.Selection, rule: bool = True) -> None:
    """Sources of the values, the layout rule (unless ``rule`` is False: a slide), and the boundaries' attribution."""
    widgets.source_line(view.sources, loaders.sources(), sel.lang)
    if rule:
        st.caption(md_escape(t("map_rule_2025") if view.layout == schema.LAYOUT_2025 else t("map_rule_2008")))
    st.caption(md_escape(_attribution(view)))


def _attribution(view: MapView) -> str:
    """The boundaries' attribution: the ODbL line as written in SOURCE.toml, or the same facts in Vietnamese."""
    if view.user:
        return t("map_user_attribution", view.lang, name=view.user.name)
    # SOURCE.toml's line is English; this project wrote the Vietnamese one with the same facts
    written = {
        "attribution": boundaries.ATTRIBUTION,
        "attribution_vi": t("map_attribution", "vi", **web_map.attribution_fields()),
    }
    return localized(written, "attribution", view.lang)


def _static(view: MapView, fmt: str) -> bytes:
    """The PNG or SVG (called by the download button when pressed: uses nothing but ``view``)."""
    from geo import static_map  # here: matplotlib (about 15 MB) only in a server where someone downloads a map

    fine = view.user.frame if view.user else boundaries.load_boundaries(view.layout, fine=True)
    layout = t(f"layout_{view.layout}", view.lang)
    modes = {"value": t("map_colour_value", view.lang), "difference": t("map_colour_difference", view.lang)}
    return static_map.render(
        static_map.styled_frame(fine, view.collection),
        title=view.name,
        subtitle=f"{_period_label(view.choice.period, view.lang)} · {layout} · {modes[view.mode]}",
        legend_title=view.legend_title,
        legend=view.legend,
        notes=view.notes,
        source=t("map_static_sources", view.lang, sources=view.source_text),
        date_line=t("map_static_date", view.lang, date=format_date(dt.date.today().isoformat(), view.lang)),
        attribution=_attribution(view),
        archipelagos=view.archipelagos,
        province_labels=view.choice.labels,
        fmt=fmt,
        watermark=t("watermark", view.lang) if schema.STATUS_SYNTHETIC in set(view.table[schema.STATUS]) else None,
    )


def draw_downloads(view: MapView) -> None:
    """PNG (1920 x 1080) and SVG of the map for slides, drawn only when a button is pressed."""
    stem = f"vn57-map-{view.choice.indicator}-{view.choice.period}-{view.layout}"
    left, right = st.columns(2)
    left.download_button(
        t("map_download_png"),
        data=functools.partial(_static, view, "png"),
        file_name=f"{stem}.png",
        mime="image/png",
        key="download_map_png",
        on_click="ignore",
        help=t("map_download_help"),
        icon=":material/image:",
    )
    right.download_button(
        t("map_download_svg"),
        data=functools.partial(_static, view, "svg"),
        file_name=f"{stem}.svg",
        mime="image/svg+xml",
        key="download_map_svg",
        on_click="ignore",
        help=t("map_download_help"),
        icon=":material/draw:",
    )


def _fingerprint(upload) -> str:
    return f"{upload.name}:{hashlib.sha256(upload.getvalue()).hexdigest()}"


def _read_user(upload, layout: str) -> UserBoundaries:
    frame = boundaries.read_user_boundaries(upload)
    matched, report = boundaries.match_user_boundaries(frame, layout)
    if matched.empty:
        raise ValueError(t("map_upload_none_matched"))
    return UserBoundaries(
        upload.name,
        _fingerprint(upload),
        matched,
        web_map.web_geojson(matched, layout),
        tuple(web_map.label_points(matched)),
        report,
    )


def draw_uploader(sel: sidebar.Selection) -> None:
    """Bring your own boundary file; it replaces the bundled one for this layout and session."""
    mine = st.session_state.setdefault(_USER, {})
    with st.expander(t("map_upload_title"), icon=":material/upload_file:"):
        st.caption(t("map_upload_help"))
        resets = st.session_state.get(_RESETS, 0)  # a new key empties the uploader after a reset
        upload = st.file_uploader(
            t("map_upload_label"), type=["geojson", "json", "gpkg", "zip"], key=f"map_upload_{sel.layout}_{resets}"
        )
        current = mine.get(sel.layout)
        if upload is not None and (current is None or current.fingerprint != _fingerprint(upload)):
            try:
                mine[sel.layout] = _read_user(upload, sel.layout)
            except ValueError as exc:
                st.error(md_escape(exc))
            else:
                st.rerun()  # draw the map above with the new boundaries
        if current is None:
            return
        matched = len(current.frame)
        st.success(md_escape(t("map_upload_matched", name=current.name, n=matched, total=len(sel_names(sel)))))
        report = current.report.assign(reason=current.report["reason"].astype(str))
        if not report.empty:
            st.caption(t("map_upload_report"))
            st.dataframe(report[["kind", "row", "value", "reason", "candidates"]], hide_index=True, width="stretch")
        if st.button(t("map_upload_reset"), key="map_upload_reset"):
            mine.pop(sel.layout, None)
            st.session_state[_RESETS] = resets + 1
            st.rerun()


def sel_names(sel: sidebar.Selection) -> pd.Series:
    """The provinces of the sidebar's layout, by code."""
    provinces = loaders.provinces(sel.layout)
    return _column(provinces, schema.CODE, localized_column(provinces.columns, "name", sel.lang))


def drawn_caption(view: MapView, lang: str) -> str:
    """How many provinces the map draws and how many of them have a value, counted in the language."""
    drawn, with_value = len(view.collection["features"]), int(view.table[schema.VALUE].notna().sum())
    return t("map_drawn", n=format_number(drawn, 0, lang), k=format_number(with_value, 0, lang))
