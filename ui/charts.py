"""Altair chart builders shared by the pages (Compare, Profile, Targets).

Each builder takes a small frame (columns named by the constants below and :mod:`data.schema`)
and the texts it shows (titles, axis titles with units, legend labels) and returns the chart's
Vega-Lite spec. Pages draw it with :func:`show`, which caches the spec (through
:func:`ui.loaders.chart_spec`, so a rerun does not rebuild and validate it) and draws a
``stVegaLiteChart`` element; a source line goes under every chart.

Synthetic values are always marked: lighter bars with a dashed outline, hollow points, and the
legend entry "synthetic (demo)" (the status label). Colours are the Okabe-Ito palette, safe for
colour-blind readers; status is never told by colour alone (legend text, shapes, dashes).
Every chart renders locally: no tiles, fonts or data are fetched.
"""

from __future__ import annotations

import hashlib
import pickle

import altair as alt
import pandas as pd
import streamlit as st

from data import schema
from i18n import vega_locale
from ui.i18n import current_language

# columns of the chart frames
PLACE = "place"
STATUS_LABEL = "status_label"  # translated status, the legend's text
SYNTHETIC = "is_synthetic"  # True for synthetic values
IS_NATION = "is_nation"
X, Y = "x", "y"
LABEL = "label"
COLOUR = "colour"
INDEX, PEER_INDEX = "index", "peer_index"

# Okabe-Ito
BLUE, SKY, GREEN, ORANGE, VERMILLION, PURPLE, GREY, YELLOW = (
    "#0072B2",
    "#56B4E9",
    "#009E73",
    "#E69F00",
    "#D55E00",
    "#CC79A7",
    "#999999",
    "#F0E442",
)
NATION_COLOUR = "#333333"
BASELINE = "baseline"  # status of an assumed zero start (analysis.forecasting.BASELINE)
_WIDTH = "container"


def show(builder, *args, key: str | None = None, **kwargs) -> None:
    """Draw ``builder(*args, **kwargs)`` (a builder of this module) as wide as its container.

    The spec is cached (:func:`chart_spec`), so a rerun neither rebuilds nor revalidates it.
    The element's height is the plot's plus room for the title, axes and legend (Streamlit does not
    size a chart from its spec's height).
    """
    call = (builder.__name__, args, kwargs)
    lang = current_language()  # the number marks of axes and tooltips
    digest = hashlib.blake2b(pickle.dumps((call, lang), protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).hexdigest()
    watermark = None
    if any(
        isinstance(a, pd.DataFrame) and SYNTHETIC in a and a[SYNTHETIC].fillna(False).astype(bool).any()
        for a in (*args, *kwargs.values())
    ):
        from ui.i18n import t

        watermark = t("watermark")
    spec = chart_spec(digest, *call, lang, watermark)
    st.vega_lite_chart(spec=spec, width="stretch", height=int(spec.get("height", 300)) + _ROOM, key=key)


_UNIT_KEYS = ("mark", "encoding", "transform", "params", "data", "projection", "selection")


def with_watermark(spec: dict, text: str) -> dict:
    """The chart with the diagonal demonstration-data watermark (:func:`geo.vega_map.watermark_layer`) on top.

    A layered chart gets one more layer; a single view becomes a layer of itself and the watermark
    (its data, marks and parameters move into the first layer). Concatenated or faceted charts are
    returned unchanged. The spec given is not changed.
    """
    from geo import vega_map

    mark = vega_map.watermark_layer(text)
    if "layer" in spec:
        return {**spec, "layer": [*spec["layer"], mark]}
    if any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        return spec
    unit = {k: spec[k] for k in _UNIT_KEYS if k in spec}
    return {**{k: v for k, v in spec.items() if k not in _UNIT_KEYS}, "layer": [unit, mark]}


_ROOM = 170  # title, x axis with its title, legend below


@st.cache_resource(show_spinner=False, max_entries=256)
def chart_spec(
    digest: str, builder: str, _args: tuple, _kwargs: dict, lang: str = "en", watermark: str | None = None
) -> dict:
    """The Vega-Lite spec of ``<builder>(*_args, **_kwargs)`` (a builder of this module), built once per process.

    ``digest`` names the arguments (:func:`show` hashes their pickle: about 20 times faster than
    Streamlit's hashing of the chart's frame on every rerun). With ``watermark``, the diagonal
    demonstration-data text on top (:func:`with_watermark`). The tables in ``datasets`` are
    already Arrow bytes (:func:`as_sent`), as ``st.vega_lite_chart`` sends them. A pure function of
    its arguments, so kept across sessions and ``st.cache_data.clear()``; shared, not copied:
    callers must not change it (``st.vega_lite_chart`` works on a copy).
    """
    spec = with_locale(with_description(globals()[builder](*_args, **_kwargs)), lang)
    return as_sent(with_watermark(spec, watermark) if watermark else spec)


def as_sent(spec: dict) -> dict:
    """The spec with each table of its ``datasets`` as the Arrow bytes ``st.vega_lite_chart`` would make of it.

    Streamlit converts every named table to Arrow on every call unless it is bytes already
    (``dataframe_util.convert_anything_to_arrow_bytes``, the function used here: the same bytes),
    which cost more than the rest of a chart on a rerun. Geometry (GeoJSON, TopoJSON) stays as is.
    """
    try:
        from streamlit.dataframe_util import convert_anything_to_arrow_bytes
    except ImportError:  # another Streamlit: let it convert
        return spec
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict):
        return spec
    sent = {
        name: convert_anything_to_arrow_bytes(rows)
        if isinstance(rows, list) and rows and all(isinstance(r, dict) and "geometry" not in r for r in rows)
        else rows
        for name, rows in datasets.items()
    }
    return {**spec, "datasets": sent}


def with_locale(spec: dict, lang: str) -> dict:
    """Give the chart the language's decimal and thousands marks (Vega-Lite ``config.locale``, d3-format)."""
    return {**spec, "config": {**spec.get("config", {}), "locale": vega_locale(lang)}}


def with_description(spec: dict) -> dict:
    """Give the chart a text alternative: Vega-Lite's ``description`` becomes the SVG's ARIA label.

    It repeats the chart's title (and subtitle); the numbers themselves are in the page's tables
    and in the Data explorer.
    """
    title = spec.get("title", "")
    if isinstance(title, dict):
        parts = [title.get("text", ""), title.get("subtitle", "")]
        title = ". ".join(" ".join(p) if isinstance(p, list) else str(p) for p in parts if p)
    if title and "description" not in spec:
        spec = {**spec, "description": str(title)}
    return spec


def _present(frame: pd.DataFrame, labels: dict[str, str]) -> dict[str, str]:
    """The statuses (and their labels) that occur in the frame, in the order of ``labels``."""
    found = set(frame[STATUS_LABEL])
    return {s: label for s, label in labels.items() if label in found}


def _status_scale(labels: dict[str, str]) -> alt.Scale:
    """Colour per data status: reported dark blue, derived green, synthetic a light blue."""
    colours = {schema.STATUS_REPORTED: BLUE, schema.STATUS_DERIVED: GREEN, schema.STATUS_SYNTHETIC: BLUE}
    return alt.Scale(domain=list(labels.values()), range=[colours.get(s, GREY) for s in labels])


def _fill(labels: dict[str, str], title: str, colours: dict[str, str] | None = None, legend: bool = True) -> alt.Fill:
    """Fill per status: the status colour for real values, white (a hollow mark) for synthetic ones.

    With ``legend`` the legend shows the filled and hollow symbols next to the status labels.
    """
    colours = colours or {}
    scale = alt.Scale(
        domain=list(labels.values()),
        range=["white" if s in (schema.STATUS_SYNTHETIC, BASELINE) else colours.get(s, GREY) for s in labels],
    )
    shown = (
        alt.Legend(orient="bottom", symbolStrokeColor=GREY, symbolStrokeWidth=1.5, symbolSize=90) if legend else None
    )
    return alt.Fill(f"{STATUS_LABEL}:N", scale=scale, title=title, legend=shown)


_STATUS_COLOURS = {schema.STATUS_REPORTED: BLUE, schema.STATUS_DERIVED: GREEN, schema.STATUS_SYNTHETIC: "#9ecae1"}


def _spec(chart: alt.TopLevelMixin, validate: bool = False) -> dict:
    """The chart's Vega-Lite spec. Not validated against the schema here (it costs more than building
    the chart); ``tests/ui/test_charts.py`` validates every builder's output."""
    return chart.configure_view(stroke=None).to_dict(validate=validate)


def ranking(
    frame: pd.DataFrame,
    *,
    title: str,
    value_title: str,
    status_title: str,
    labels: dict[str, str],
    national: float | None,
    national_label: str,
    rank_title: str,
) -> dict:
    """Horizontal bars, best province on top, the national value as a vertical rule.

    ``frame``: PLACE, VALUE, STATUS_LABEL, SYNTHETIC, RANK (best first), in display order.
    """
    labels = _present(frame, labels)
    height = max(120, 22 * len(frame))
    order = frame[PLACE].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{PLACE}:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        x=alt.X(f"{schema.VALUE}:Q", title=value_title),
        tooltip=[
            alt.Tooltip(f"{PLACE}:N", title=" "),
            alt.Tooltip(f"{schema.VALUE}:Q", title=value_title, format=",.4~f"),
            alt.Tooltip(f"{STATUS_LABEL}:N", title=status_title),
            alt.Tooltip(f"{schema.RANK}:Q", title=rank_title),
        ],
    )
    fills = alt.Scale(domain=list(labels.values()), range=[_STATUS_COLOURS[s] for s in labels])
    bars = base.mark_bar(strokeWidth=1.2).encode(
        color=alt.Color(f"{STATUS_LABEL}:N", scale=fills, title=status_title, legend=alt.Legend(orient="bottom")),
        stroke=alt.Color(
            f"{STATUS_LABEL}:N",
            scale=alt.Scale(
                domain=list(labels.values()),
                range=[BLUE if s == schema.STATUS_SYNTHETIC else "transparent" for s in labels],
            ),
            legend=None,
        ),
        strokeDash=alt.condition(f"datum.{SYNTHETIC}", alt.value([3, 2]), alt.value([1, 0])),
    )
    layers = [bars]
    if national is not None and pd.notna(national):
        nation = pd.DataFrame({schema.VALUE: [national], LABEL: [national_label]})
        rule = (
            alt.Chart(nation)
            .mark_rule(color=NATION_COLOUR, strokeWidth=2, strokeDash=[6, 3])
            .encode(x=f"{schema.VALUE}:Q", tooltip=[alt.Tooltip(f"{LABEL}:N", title=" ")])
        )
        text = (
            alt.Chart(nation)
            .mark_text(align="left", dx=4, dy=-6, color=NATION_COLOUR, fontWeight="bold")
            .encode(x=f"{schema.VALUE}:Q", y=alt.value(0), text=f"{LABEL}:N")
        )
        layers += [rule, text]
    return _spec(alt.layer(*layers).properties(title=title, height=height, width=_WIDTH))


def scatter(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    status_title: str,
    labels: dict[str, str],
    national: tuple[float, float] | None,
    national_label: str,
) -> dict:
    """Provinces on two indicators; the nation as a black diamond. ``frame``: PLACE, X, Y, STATUS_LABEL, SYNTHETIC."""
    labels = _present(frame, labels)
    points = (
        alt.Chart(frame)
        .mark_point(size=80, strokeWidth=1.6, filled=False)
        .encode(
            x=alt.X(f"{X}:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=alt.Y(f"{Y}:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color(
                f"{STATUS_LABEL}:N", scale=_status_scale(labels), title=status_title, legend=alt.Legend(orient="bottom")
            ),
            fill=_fill(labels, status_title, _STATUS_COLOURS),
            tooltip=[
                alt.Tooltip(f"{PLACE}:N", title=" "),
                alt.Tooltip(f"{X}:Q", title=x_title, format=",.4~f"),
                alt.Tooltip(f"{Y}:Q", title=y_title, format=",.4~f"),
                alt.Tooltip(f"{STATUS_LABEL}:N", title=status_title),
            ],
        )
    )
    layers = [points]
    if national is not None and all(pd.notna(v) for v in national):
        nation = pd.DataFrame({X: [national[0]], Y: [national[1]], LABEL: [national_label]})
        layers.append(
            alt.Chart(nation)
            .mark_point(shape="diamond", size=220, filled=True, color=NATION_COLOUR)
            .encode(x=f"{X}:Q", y=f"{Y}:Q", tooltip=[alt.Tooltip(f"{LABEL}:N", title=" ")])
        )
        layers.append(
            alt.Chart(nation)
            .mark_text(align="left", dx=10, fontWeight="bold", color=NATION_COLOUR)
            .encode(x=f"{X}:Q", y=f"{Y}:Q", text=f"{LABEL}:N")
        )
    return _spec(alt.layer(*layers).properties(title=title, height=380, width=_WIDTH))


def trends(
    frame: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    date_title: str,
    status_title: str,
    place_title: str,
    labels: dict[str, str],
    month_format: str = "%Y-%m",
    day_format: str = "%Y-%m-%d",
) -> dict:
    """Lines over time for a few places (the nation dashed); synthetic points hollow.

    ``frame``: PLACE, DATE (ISO), VALUE, STATUS_LABEL, SYNTHETIC, IS_NATION.
    """
    labels = _present(frame, labels)
    base = alt.Chart(frame).encode(
        x=alt.X(f"{schema.DATE}:T", title=date_title, axis=alt.Axis(format=month_format)),
        y=alt.Y(f"{schema.VALUE}:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color(f"{PLACE}:N", title=place_title, legend=alt.Legend(orient="bottom")),
    )
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.condition(f"datum.{IS_NATION}", alt.value([6, 3]), alt.value([1, 0]))
    )
    points = base.mark_point(size=60, strokeWidth=1.6, filled=False).encode(
        fill=alt.condition(f"datum.{SYNTHETIC}", alt.value("white"), alt.Color(f"{PLACE}:N", legend=None)),
        tooltip=[
            alt.Tooltip(f"{PLACE}:N", title=" "),
            alt.Tooltip(f"{schema.DATE}:T", title=date_title, format=day_format),
            alt.Tooltip(f"{schema.VALUE}:Q", title=y_title, format=",.4~f"),
            alt.Tooltip(f"{STATUS_LABEL}:N", title=status_title),
        ],
    )
    # invisible marks that only draw the status legend (filled: real, hollow: synthetic)
    key = (
        alt.Chart(frame)
        .mark_point(size=0, filled=False, stroke=GREY)
        .encode(
            x=f"{schema.DATE}:T", y=f"{schema.VALUE}:Q", fill=_fill(labels, status_title, {s: GREY for s in labels})
        )
    )
    return _spec(alt.layer(lines, points, key).properties(title=title, height=340, width=_WIDTH))


def against_nation(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    peer_title: str,
    status_title: str,
    labels: dict[str, str],
    value_title: str,
) -> dict:
    """Each indicator as a percentage of the national value (nation = 100), the peers' average as a tick.

    ``frame``: LABEL (indicator), INDEX, PEER_INDEX, STATUS_LABEL, SYNTHETIC, and the value as text in PLACE.
    """
    labels = _present(frame, labels)
    height = max(120, 30 * len(frame))
    base = alt.Chart(frame).encode(y=alt.Y(f"{LABEL}:N", title=None, sort=None, axis=alt.Axis(labelLimit=300)))
    peers = base.mark_tick(color=ORANGE, thickness=3, size=18).encode(
        x=alt.X(f"{PEER_INDEX}:Q", title=x_title),
        tooltip=[alt.Tooltip(f"{LABEL}:N", title=" "), alt.Tooltip(f"{PEER_INDEX}:Q", title=peer_title, format=",.0f")],
    )
    dots = base.mark_point(size=120, strokeWidth=2, filled=False).encode(
        x=alt.X(f"{INDEX}:Q", title=x_title),
        color=alt.Color(
            f"{STATUS_LABEL}:N", scale=_status_scale(labels), title=status_title, legend=alt.Legend(orient="bottom")
        ),
        fill=_fill(labels, status_title, _STATUS_COLOURS),
        tooltip=[
            alt.Tooltip(f"{LABEL}:N", title=" "),
            alt.Tooltip(f"{PLACE}:N", title=value_title),
            alt.Tooltip(f"{INDEX}:Q", title=x_title, format=",.0f"),
            alt.Tooltip(f"{STATUS_LABEL}:N", title=status_title),
        ],
    )
    hundred = alt.Chart(pd.DataFrame({X: [100.0]})).mark_rule(color=NATION_COLOUR, strokeDash=[6, 3]).encode(x=f"{X}:Q")
    return _spec(alt.layer(hundred, peers, dots).properties(title=title, height=height, width=_WIDTH))


def forecast(
    history: pd.DataFrame,
    trend: pd.DataFrame,
    *,
    target: float,
    deadline: str,
    title: str,
    y_title: str,
    date_title: str,
    status_title: str,
    band_title: str,
    target_title: str,
    trend_title: str,
    labels: dict[str, str],
    month_format: str = "%Y-%m",
    day_format: str = "%Y-%m-%d",
) -> dict:
    """History (hollow points when synthetic, a square for an assumed zero start), trend, 80% band, target.

    ``history``: DATE, VALUE, STATUS_LABEL, SYNTHETIC. ``trend``: DATE, ``fit``, ``low``, ``high``.
    ``labels``: status -> label, the assumed start included. ``deadline`` empty: the target is only a
    horizontal rule (no deadline given).
    """
    labels = _present(history, labels)
    layers = []
    if not trend.empty:
        band = (
            alt.Chart(trend)
            .mark_area(opacity=0.22, color=SKY)
            .encode(
                x=alt.X(f"{schema.DATE}:T", title=date_title, axis=alt.Axis(format=month_format)),
                y=alt.Y("low:Q", title=y_title),
                y2="high:Q",
                tooltip=[
                    alt.Tooltip(f"{schema.DATE}:T", title=date_title, format=day_format),
                    alt.Tooltip("low:Q", title=band_title, format=",.4~f"),
                    alt.Tooltip("high:Q", title=band_title, format=",.4~f"),
                ],
            )
        )
        line = (
            alt.Chart(trend)
            .mark_line(color=BLUE, strokeDash=[5, 3])
            .encode(x=f"{schema.DATE}:T", y="fit:Q", tooltip=[alt.Tooltip("fit:Q", title=trend_title, format=",.4~f")])
        )
        layers += [band, line]
    shapes = alt.Scale(domain=list(labels.values()), range=["square" if s == BASELINE else "circle" for s in labels])
    points = (
        alt.Chart(history)
        .mark_point(size=90, strokeWidth=2, filled=False, color=BLUE)
        .encode(
            x=alt.X(f"{schema.DATE}:T", title=date_title, axis=alt.Axis(format=month_format)),
            y=alt.Y(f"{schema.VALUE}:Q", title=y_title),
            shape=alt.Shape(
                f"{STATUS_LABEL}:N",
                scale=shapes,
                title=status_title,
                legend=alt.Legend(orient="bottom", symbolStrokeColor=BLUE, symbolStrokeWidth=1.5, symbolSize=90),
            ),
            fill=_fill(labels, status_title, {s: BLUE for s in labels}),
            tooltip=[
                alt.Tooltip(f"{schema.DATE}:T", title=date_title, format=day_format),
                alt.Tooltip(f"{schema.VALUE}:Q", title=y_title, format=",.4~f"),
                alt.Tooltip(f"{STATUS_LABEL}:N", title=status_title),
            ],
        )
    )
    layers.append(points)
    goal = pd.DataFrame({schema.DATE: [deadline or None], schema.VALUE: [target], LABEL: [target_title]})
    if deadline:
        layers.append(
            alt.Chart(goal)
            .mark_point(shape="cross", size=260, strokeWidth=3, color=VERMILLION)
            .encode(
                x=f"{schema.DATE}:T",
                y=f"{schema.VALUE}:Q",
                tooltip=[
                    alt.Tooltip(f"{LABEL}:N", title=" "),
                    alt.Tooltip(f"{schema.VALUE}:Q", title=y_title, format=",.4~f"),
                ],
            )
        )
    layers.append(
        alt.Chart(goal)
        .mark_rule(color=VERMILLION, strokeDash=[2, 2])
        .encode(y=f"{schema.VALUE}:Q", tooltip=[alt.Tooltip(f"{LABEL}:N", title=" ")])
    )
    layers.append(
        alt.Chart(goal)
        .mark_text(align="left", dy=-7, x=4, color=VERMILLION)
        .encode(y=f"{schema.VALUE}:Q", text=f"{LABEL}:N")
    )
    return _spec(alt.layer(*layers).properties(title=title, height=320, width=_WIDTH))


def progress(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    status_title: str,
    domain: list[str],
    colours: list[str],
    thresholds: list[float],
) -> dict:
    """Observed / required pace (R) of each target, coloured by status, with the rule's thresholds.

    ``frame``: LABEL (place and indicator), X (R), STATUS_LABEL (forecast status), SYNTHETIC; hollow
    when the forecast used synthetic values.
    """
    height = max(100, 30 * len(frame))
    dots = (
        alt.Chart(frame)
        .mark_point(size=150, strokeWidth=2, shape="circle", filled=False)
        .encode(
            y=alt.Y(f"{LABEL}:N", title=None, sort=None, axis=alt.Axis(labelLimit=340)),
            x=alt.X(
                f"{X}:Q",
                title=x_title,
                scale=alt.Scale(domain=[min(-0.2, float(frame[X].min())), max(1.2, float(frame[X].max()))]),
            ),
            color=alt.Color(
                f"{STATUS_LABEL}:N",
                title=status_title,
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(orient="bottom"),
            ),
            fill=alt.condition(
                f"datum.{SYNTHETIC}",
                alt.value("white"),
                alt.Color(f"{STATUS_LABEL}:N", scale=alt.Scale(domain=domain, range=colours), legend=None),
            ),
            tooltip=[
                alt.Tooltip(f"{LABEL}:N", title=" "),
                alt.Tooltip(f"{X}:Q", title=x_title, format=".2f"),
                alt.Tooltip(f"{STATUS_LABEL}:N", title=status_title),
            ],
        )
    )
    rules = alt.Chart(pd.DataFrame({X: thresholds})).mark_rule(color=GREY, strokeDash=[4, 3]).encode(x=f"{X}:Q")
    return _spec(alt.layer(rules, dots).properties(title=title, height=height, width=_WIDTH))


def task_statuses(
    frame: pd.DataFrame, *, title: str, count_title: str, status_title: str, colours: dict[str, str]
) -> dict:
    """Tasks by counted status (the Tasks page): one bar per status, its count written at its end.

    ``frame``: LABEL (the status in words, in display order) and VALUE.
    """
    order = list(frame[LABEL])
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{LABEL}:N", sort=order, title=status_title),
        x=alt.X(f"{schema.VALUE}:Q", title=count_title, axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip(f"{LABEL}:N", title=status_title), alt.Tooltip(f"{schema.VALUE}:Q", title=count_title)],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            f"{LABEL}:N", legend=None, scale=alt.Scale(domain=order, range=[colours.get(s, GREY) for s in order])
        )
    )
    text = base.mark_text(align="left", dx=4).encode(text=f"{schema.VALUE}:Q")
    return _spec(alt.layer(bars, text).properties(title=title, height=30 * max(len(frame), 1), width=_WIDTH))


def burn_up(
    done: pd.DataFrame,
    needed: pd.DataFrame,
    trend: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    date_title: str,
    series_title: str,
) -> dict:
    """Tasks done over time against the total, the pace needed to finish by the deadline and the trend.

    ``done``: DATE, VALUE, LABEL (one line per label: done, total). ``needed``: DATE, VALUE, LABEL (a straight
    line from the start to all tasks at the deadline). ``trend``: DATE, VALUE, LABEL (the pace carried on).
    """
    lines = pd.concat(
        [done.assign(kind="observed"), needed.assign(kind="needed"), trend.assign(kind="trend")], ignore_index=True
    )
    labels = list(dict.fromkeys(lines[LABEL]))
    palette = [BLUE, GREY, VERMILLION, SKY][: len(labels)]
    x = alt.X(f"{schema.DATE}:T", title=date_title, axis=alt.Axis(format="%Y-%m"))
    colour = alt.Color(
        f"{LABEL}:N",
        title=series_title,
        scale=alt.Scale(domain=labels, range=palette),
        legend=alt.Legend(orient="bottom"),
    )
    tip = [
        alt.Tooltip(f"{LABEL}:N", title=series_title),
        alt.Tooltip(f"{schema.DATE}:T", title=date_title),
        alt.Tooltip(f"{schema.VALUE}:Q", title=y_title, format=",.4~f"),
    ]
    observed = (
        alt.Chart(lines[lines["kind"] == "observed"])
        .mark_line(point=True)
        .encode(x=x, y=alt.Y(f"{schema.VALUE}:Q", title=y_title), color=colour, tooltip=tip)
    )
    dashed = (
        alt.Chart(lines[lines["kind"] != "observed"])
        .mark_line(strokeDash=[6, 4])
        .encode(x=x, y=f"{schema.VALUE}:Q", color=colour, detail="kind:N", tooltip=tip)
    )
    return _spec(alt.layer(observed, dashed).properties(title=title, height=300, width=_WIDTH))
