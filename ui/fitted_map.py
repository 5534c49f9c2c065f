"""The fitted map on the Map and Presentation pages: spec, time-lapse, frame size, play button, labels' key.

The spec comes from :mod:`geo.vega_map` (pure); this module feeds it the page's classes and
colours (:func:`ui.map_view.prepare`), builds the time-lapse table of every period, sizes the
frame with CSS (the browser knows the screen, the server does not) and adds a play button that
steps the map's own period slider in the browser: no rerun, the boundaries are sent once.
"""

from __future__ import annotations

import dataclasses
import functools

import geopandas as gpd
import pandas as pd
import streamlit as st

from data import schema
from geo import boundaries, choropleth, labels, vega_map, web_map
from ui import loaders, sidebar, widgets
from ui.i18n import format_date, format_number, localized, t

#: Frame heights (CSS): the whole country and both archipelagos, never taller than the screen.
PAGE_HEIGHT = "min(calc(100vh - 230px), 118vw)"
_PLAY_JS = """
<script>
(() => {
  // One listener on the page's document (capture phase, before Streamlit's own handler), found by
  // the button's key at click time: it keeps working when Streamlit redraws the button or the map.
  const root = window.parent?.document ?? document;
  const bound = (root.documentElement.dataset.vn57Play ?? '').split(' ');
  if (bound.includes('%(key)s')) return;
  root.documentElement.dataset.vn57Play = [...bound, '%(key)s'].join(' ').trim();
  const find = () => root.querySelector('.st-key-%(key)s_frame input[type=range]');
  let timer = null;
  const stop = () => { clearInterval(timer); timer = null; };
  root.addEventListener('click', (event) => {
    const target = typeof event.target?.closest === "function" ? event.target : null;
    if (!target?.closest('.st-key-%(key)s_play button')) return;
    event.stopImmediatePropagation();
    event.preventDefault();
    if (timer) { stop(); return; }
    const input = find();
    if (!input) return;
    if (Number(input.value) >= Number(input.max)) {
      input.value = input.min;
      input.dispatchEvent(new Event('input', {bubbles: true}));
    }
    timer = setInterval(() => {
      const slider = find();
      if (!slider) { stop(); return; }
      const next = Number(slider.value) + 1;
      if (next > Number(slider.max)) { stop(); return; }
      slider.value = String(next);
      slider.dispatchEvent(new Event('input', {bubbles: true}));
    }, %(ms)d);
  }, true);
})();
</script>
"""


@dataclasses.dataclass
class Lapse:
    """The periods of the time-lapse and what the map shows in each."""

    periods: list[str]
    labels: list[str]
    start: int
    rows: list[dict]
    legend: list
    synthetic: bool


def period_label(period: str, lang: str) -> str:
    return format_date(period, lang) if len(period) == 10 else period


def lapse(view, sel: sidebar.Selection, periods: list[str], palette: str, scheme: str) -> Lapse:
    """Every period of the indicator on one set of classes, so that colours compare across the time-lapse.

    Coloured by value (a difference's centre moves from period to period). The legend's counts are
    those of the period shown first (the one chosen on the page).
    """
    cat = loaders.indicators()
    spec = cat[cat[schema.INDICATOR] == view.choice.indicator].iloc[0]
    fmt = functools.partial(format_number, decimals=int(spec["decimals"]), lang=sel.lang)
    unit = str(localized(spec, "short_unit", sel.lang))
    tables = [loaders.map_table(view.choice.indicator, p, sel.layout, sel.statuses) for p in periods]
    joint = choropleth.classify(pd.concat([tb[schema.VALUE] for tb in tables], ignore_index=True), scheme=scheme)
    colours = choropleth.palette("value", palette, spec["direction"], n=joint.n)
    geojson = view.user.web if view.user else web_map.bundled_geojson(sel.layout)
    names = view.names.to_dict()
    start = periods.index(view.choice.period) if view.choice.period in periods else len(periods) - 1
    collections, offset, legend, synthetic = [], 0, [], False
    for i, (period, table) in enumerate(zip(periods, tables)):
        part = choropleth.Classes(joint.breaks, joint.classes[offset : offset + len(table)])
        offset += len(table)
        shown = period_label(period, sel.lang)
        tips = {
            code: f"{names.get(code, code)}\n{shown}: "
            + (t("map_no_data", sel.lang) if pd.isna(value) else f"{fmt(value)} {unit}")
            for code, value in zip(table[schema.GEO_CODE], table[schema.VALUE])
        }
        collections.append(
            choropleth.feature_collection(
                geojson, table, part, colours, tooltips=tips, names=names, selected=sel.province
            )
        )
        synthetic = synthetic or (table[schema.STATUS] == schema.STATUS_SYNTHETIC).any()
        if i == start:
            legend = choropleth.legend_entries(part, colours, fmt, no_data_label=t("map_no_data", sel.lang))
    return Lapse(
        list(periods),
        [period_label(p, sel.lang) for p in periods],
        start,
        vega_map.value_rows(collections),
        legend,
        bool(synthetic),
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _user_topology(fingerprint: str, _frame) -> dict:
    return vega_map.topology(_frame)


@st.cache_resource(show_spinner=False, max_entries=64)
def _bundled_labels(layout: str, lang: str, first: str | None) -> tuple[list, tuple]:
    """Placed labels and the frame's bounds of the bundled boundaries of a layout (``first`` named first)."""
    frame = boundaries.load_boundaries(layout)
    names = localized(loaders.provinces(layout).set_index(schema.CODE), "name", lang)
    box = vega_map.bounds(frame, _archipelagos(lang))
    return vega_map.province_labels(frame, names.to_dict(), box, first=first), box


def _archipelagos(lang: str) -> list[tuple]:
    arch = boundaries.load_archipelagos()
    return list(
        zip(
            localized(arch, "name", lang),
            arch["label_lon"],
            arch["label_lat"],
            arch.geometry,
        )
    )


def spec(
    view, sel: sidebar.Selection, *, timeline: Lapse | None, names_on: bool, selectable: bool, focus: bool = False
) -> tuple[dict, list]:
    """The map's Vega-Lite spec and the key of numbered provinces ((number, name), empty without labels)."""
    arch = _archipelagos(sel.lang)
    if view.user:
        frame = gpd.GeoDataFrame(view.user.frame[["code", "geometry"]], geometry="geometry", crs=boundaries.CRS)
        topo = _user_topology(view.user.fingerprint, gpd.GeoDataFrame.from_features(view.user.web["features"]))
        box = vega_map.bounds(frame, arch)
        placed = vega_map.province_labels(frame, view.names.to_dict(), box, first=sel.province) if names_on else []
    else:
        topo = vega_map.bundled_topology(sel.layout)
        placed, box = _bundled_labels(sel.layout, sel.lang, sel.province if names_on else None)
        placed = placed if names_on else []
    if timeline is None:
        rows, periods, start = vega_map.value_rows([view.collection]), [period_label(view.choice.period, sel.lang)], 0
        synthetic = (view.table[schema.STATUS] == schema.STATUS_SYNTHETIC).any()
    else:
        rows, periods, start, synthetic = timeline.rows, timeline.labels, timeline.start, timeline.synthetic
    result = vega_map.map_spec(
        topo,
        rows,
        periods=periods,
        start=start,
        box=box,
        archipelagos=arch,
        placed=placed,
        selected=sel.province,
        watermark=t("watermark", sel.lang) if synthetic else None,
        slider_label=t("map_period", sel.lang),
        selectable=selectable,
        description=t("map_alt", sel.lang, name=view.name),
        focus=vega_map.focus_feature(view.user.web if view.user else web_map.bundled_geojson(sel.layout), sel.province)
        if focus and sel.province
        else None,
    )
    return result, labels.key_entries([p for p, _, _ in placed])


def draw(map_spec: dict, key: str, height_css: str, *, on_click: bool = False, play: bool = False) -> str | None:
    """The map in a frame ``height_css`` tall (CSS, container ``<key>_frame``); the clicked code when ``on_click``."""
    st.html(
        f'<style>.st-key-{key}_frame [data-testid="stVegaLiteChart"] {{ height: {height_css} !important; }}</style>'
    )
    with st.container(key=f"{key}_frame"):
        if on_click:
            event = st.vega_lite_chart(
                map_spec,
                width="stretch",
                height="stretch",
                theme=None,
                key=key,
                on_select="rerun",
                selection_mode="pick",
            )
        else:
            st.vega_lite_chart(map_spec, width="stretch", height="stretch", theme=None, key=key)
    if play:  # the button (play_button) is drawn before: the script binds it once both exist
        st.html(_PLAY_JS % {"key": key, "ms": 1100}, unsafe_allow_javascript=True)
    return vega_map.clicked_code(event) if on_click else None


def play_button(key: str) -> None:
    """The play button of the map drawn with ``key`` (its click is handled in the browser: no rerun)."""
    st.button(t("map_play"), key=f"{key}_play", icon=":material/play_arrow:", help=t("map_play_help"), width="content")


def draw_key(entries: list) -> None:
    """The numbered provinces' names, as page text beside the map."""
    if entries:
        st.caption(" · ".join(f"{n} {widgets.plain(name)}" for n, name in entries))  # names as text
