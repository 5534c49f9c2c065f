"""The choropleth's pure parts: class breaks, palettes, the feature collection and the legend.

Used by the web map (pydeck, ``ui/map_view.py``) and the static PNG/SVG export
(:mod:`geo.static_map`), so both draw the same classes in the same colours.

Colours
-------
Every palette has 5 colours, ordered from the lowest class to the highest, chosen to stay
distinct for colour-blind viewers and on a washed-out projector:

* sequential (colour by value): ``viridis`` and ``cividis`` (light = low, dark = high) and
  ``high_contrast`` (inferno: pale yellow to near-black, the largest lightness steps);
* diverging (colour by difference from the national average, centred on it): blue for
  better than the average, orange for worse, a pale warm grey middle class around the average
  (``high_contrast``: darker ends). "Better" follows the indicator's direction, so for an
  indicator where lower is better, values below the average are blue.

Maps are drawn on a pale blue-grey sea (:data:`SEA_HEX`), so the pale classes and the white
outlines stay visible on a white page. Provinces without data are grey (:data:`NO_DATA_RGBA`)
with a dashed outline; synthetic values
have a white outline (:data:`LINE_SYNTHETIC`); the province chosen in the app has a thick black
one.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from data import schema

SCHEMES = ("quantile", "nice")
MODES = ("value", "difference")
PALETTES = ("viridis", "cividis", "high_contrast")
K = 5

_SEQUENTIAL = {
    "viridis": ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"),
    "cividis": ("#fee838", "#bcae6c", "#7d7c78", "#434e6c", "#00224e"),
    "high_contrast": ("#f1ef75", "#f98e09", "#cc4248", "#7f1e6c", "#1e0c45"),
}
#: Worst to best: orange (worse than the average), near-white, blue (better).
_DIVERGING = {
    "standard": ("#e66101", "#fdb863", "#f2efe8", "#92c5de", "#2166ac"),
    "high_contrast": ("#a63603", "#fd8d3c", "#f2efe8", "#4292c6", "#08306b"),
}
SEA_HEX = "#e4ecf2"
NO_DATA_HEX = "#bdbdbd"
NO_DATA_RGBA = [189, 189, 189, 255]
LINE_DEFAULT = [70, 70, 70, 255]
LINE_SYNTHETIC = [255, 255, 255, 255]
LINE_NO_DATA = [90, 90, 90, 255]
LINE_SELECTED = [0, 0, 0, 255]
#: Outline width in pixels, and dash pattern [dash, gap] (``[0, 0]`` is solid), by kind.
LINE_WIDTH = {"default": 1.0, "synthetic": 2.0, "no_data": 1.5, "selected": 4.0}
DASH = {"default": [0, 0], "synthetic": [0, 0], "no_data": [4, 3], "selected": [0, 0]}


@dataclasses.dataclass(frozen=True)
class Classes:
    """The result of :func:`classify` or :func:`classify_diverging`.

    Attributes
    ----------
    breaks : tuple of float
        Class edges, ascending, one more than the number of classes. For a diverging
        classification they are differences from ``centre``.
    classes : numpy.ndarray
        Class index (0 = lowest) of each value, ``-1`` where the value is missing.
    centre : float or None
        The value the diverging classes are centred on; None for sequential classes.
    """

    breaks: tuple[float, ...]
    classes: np.ndarray
    centre: float | None = None

    @property
    def n(self) -> int:
        """Number of classes."""
        return len(self.breaks) - 1

    def counts(self) -> list[int]:
        """How many values fall in each class."""
        return [int((self.classes == i).sum()) for i in range(self.n)]


def nice_step(x: float) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least ``x`` (> 0).

    Examples
    --------
    >>> nice_step(3.8), nice_step(0.42), nice_step(2.0), nice_step(1234)
    (5.0, 0.5, 2.0, 2000.0)
    """
    if not x > 0:
        raise ValueError(f"nice_step needs a positive number. Got {x!r} instead.")
    power = 10.0 ** math.floor(math.log10(x))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= x * (1 - 1e-12):
            return factor * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _assign(values: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Class of each value: class i holds breaks[i] <= v < breaks[i+1]; the last class includes its top."""
    out = np.searchsorted(breaks[1:-1], values, side="right")
    out = np.clip(out, 0, len(breaks) - 2)
    return np.where(np.isnan(values), -1, out)


def classify(values, k: int = K, scheme: str = "quantile") -> Classes:
    """Put values into at most ``k`` classes.

    Parameters
    ----------
    values : array-like of float
        NaN marks a missing value (class ``-1``).
    k : int, default 5
        Number of classes wanted.
    scheme : {"quantile", "nice"}
        ``quantile``: edges at the 0, 1/k, ..., 1 quantiles (linear interpolation), so the
        classes hold about equal numbers of provinces; equal edges (ties) are merged, giving
        fewer classes. ``nice``: equal intervals of a round width (1, 2, 2.5 or 5 times a
        power of ten) starting at a multiple of it, at most ``k`` classes.

    Returns
    -------
    Classes
        With no value at all: one class ``(0, 0)`` and every class ``-1``.

    Examples
    --------
    >>> c = classify(range(1, 11))
    >>> [round(b, 1) for b in c.breaks], c.classes.tolist()
    ([1.0, 2.8, 4.6, 6.4, 8.2, 10.0], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    >>> c = classify([0, 3, 7, 12, 19], scheme="nice")
    >>> c.breaks, c.classes.tolist()
    ((0.0, 5.0, 10.0, 15.0, 20.0), [0, 0, 1, 2, 3])
    """
    schema.check_choice("scheme", scheme, SCHEMES)
    arr = np.asarray(values, dtype="float64")
    present = arr[~np.isnan(arr)]
    if present.size == 0:
        return Classes((0.0, 0.0), np.full(arr.shape, -1))
    lo, hi = float(present.min()), float(present.max())
    if lo == hi:
        return Classes((lo, hi), _assign(arr, np.array([lo, hi])))
    if scheme == "quantile":  # rounded so that 30.000000000000004 is the value 30 it stands for
        breaks = np.unique(np.round(np.quantile(present, np.linspace(0, 1, k + 1)), 10))
    else:
        step = nice_step((hi - lo) / k)
        while True:
            start, stop = math.floor(lo / step) * step, math.ceil(hi / step) * step
            n = max(1, round((stop - start) / step))
            if n <= k:
                break
            step = nice_step(step * 1.000001)
        breaks = start + step * np.arange(n + 1)
    return Classes(tuple(float(b) for b in breaks), _assign(arr, breaks))


def classify_diverging(values, centre: float, k: int = K, scheme: str = "quantile") -> Classes:
    """Put values into ``k`` (odd) classes symmetric around ``centre``; the middle class holds it.

    Classes are built on the differences ``d = value - centre``, with edges ``-e_m <= ... <= -e_1
    < e_1 <= ... <= e_m``: the middle class holds ``|d| < e_1``, the next ones ``e_1 <= |d| < e_2``
    on either side, and so on, the outer ones up to the largest ``|d|`` (a value exactly on an edge
    goes to the class further from the centre, on both sides alike):

    * ``quantile``: the inner edges ``e_1, e_2, ...`` are the quantiles of ``|d|`` at 1/k, 3/k,
      ... (so the classes hold about equal numbers of provinces, however skewed the values),
      the outer edge the largest ``|d|``;
    * ``nice``: classes of one round width ``w`` (see :func:`nice_step`), the middle one from
      ``-w/2`` to ``+w/2``, with ``k * w / 2`` at least the largest ``|d|``.

    Parameters
    ----------
    values : array-like of float
        NaN marks a missing value (class ``-1``).
    centre : float
        The national average (or another reference).
    k : int, default 5
        Number of classes, odd.
    scheme : {"quantile", "nice"}

    Returns
    -------
    Classes
        ``breaks`` are differences from ``centre``; ``centre`` is set.

    Examples
    --------
    National average 10; values 5, 8, 10, 12 and 15 differ by -5, -2, 0, 2 and 5. Quantiles of
    |d| = 0, 2, 2, 5, 5 at 0.2 and 0.6 are 1.6 and 3.2:

    >>> c = classify_diverging([5, 8, 10, 12, 15, float("nan")], centre=10)
    >>> [round(b, 6) for b in c.breaks], c.classes.tolist(), c.centre
    ([-5.0, -3.2, -1.6, 1.6, 3.2, 5.0], [0, 1, 2, 3, 4, -1], 10.0)

    Round breaks: width 2, edges -5, -3, -1, 1, 3, 5.

    >>> c = classify_diverging([5, 8, 10, 12, 15], centre=10, scheme="nice")
    >>> c.breaks, c.classes.tolist()
    ((-5.0, -3.0, -1.0, 1.0, 3.0, 5.0), [0, 1, 2, 3, 4])
    """
    if k % 2 != 1:
        raise ValueError(f"A diverging classification needs an odd number of classes. Got {k} instead.")
    schema.check_choice("scheme", scheme, SCHEMES)
    if centre is None or not np.isfinite(centre):
        raise ValueError("A diverging classification needs a finite centre (the national average).")
    # rounded: 6.1 - 8.2 is -2.1 here, not -2.0999999999999996 (which would fall in another class than +2.1)
    diff = np.round(np.asarray(values, dtype="float64") - float(centre), 10)
    size = np.abs(diff[~np.isnan(diff)])
    reach = float(size.max()) if size.size else 0.0
    if reach == 0:
        return Classes(tuple([0.0] * (k + 1)), np.where(np.isnan(diff), -1, k // 2), float(centre))
    if scheme == "nice":
        width = nice_step(2 * reach / k)
        half = (np.arange(k // 2 + 1) + 0.5) * width
    else:
        inner = np.quantile(size, (2 * np.arange(k // 2) + 1) / k)
        inner = np.maximum(inner, size[size > 0].min() / 2)  # the middle class must hold the centre itself
        half = np.maximum.accumulate(np.round(np.append(inner, reach), 10))
    # the same distance on either side falls in the same class: d = +e and d = -e are mirrored
    steps = np.clip(np.searchsorted(half[:-1], np.abs(diff), side="right"), 0, k // 2)
    classes = np.where(np.isnan(diff), -1, k // 2 + np.sign(np.nan_to_num(diff)).astype(int) * steps)
    edges = np.concatenate([-half[::-1], half])
    return Classes(tuple(float(b) + 0.0 for b in edges), classes, float(centre))


def hex_to_rgba(colour: str, alpha: int = 255) -> list[int]:
    """``"#21918c"`` -> ``[33, 145, 140, 255]``."""
    text = colour.lstrip("#")
    return [int(text[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def palette(mode: str, name: str = "viridis", direction: str = "higher", n: int = K) -> list[str]:
    """The ``n`` colours (hex, lowest class first) of a palette.

    Parameters
    ----------
    mode : {"value", "difference"}
        Sequential palette, or the diverging one (centred on the middle class).
    name : {"viridis", "cividis", "high_contrast"}
        For ``difference``, ``high_contrast`` picks the darker diverging palette and the two
        others the standard blue-orange one.
    direction : {"higher", "lower"}
        The indicator's direction: for ``difference`` the "better" side is blue.
    n : int
        Number of classes (at most 5); fewer classes take colours spread over the palette.

    Examples
    --------
    >>> palette("difference", direction="higher")[0], palette("difference", direction="lower")[0]
    ('#e66101', '#2166ac')
    >>> palette("value", n=2)
    ['#fde725', '#440154']
    """
    schema.check_choice("mode", mode, MODES)
    schema.check_choice("palette", name, PALETTES)
    if mode == "value":
        colours = list(_SEQUENTIAL[name])
    else:
        colours = list(_DIVERGING["high_contrast" if name == "high_contrast" else "standard"])
        if direction == "lower":
            colours.reverse()
    if n >= len(colours):
        return colours
    if n == 1:
        return [colours[len(colours) // 2]]
    return [colours[round(i * (len(colours) - 1) / (n - 1))] for i in range(n)]


@dataclasses.dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a colour swatch and its label."""

    label: str
    colour: str  # hex
    count: int
    kind: str = "class"  # "class", "no_data" or "synthetic"


def _signed(value: float, fmt: Callable[[float], str]) -> str:
    if value > 0:
        return "+" + fmt(value)
    if value < 0:
        return "\u2212" + fmt(-value)
    return fmt(0.0)


def legend_entries(
    classes: Classes,
    colours: list[str],
    fmt: Callable[[float], str],
    *,
    no_data_label: str | None = None,
) -> list[LegendEntry]:
    """The legend's lines: one per class (``"2.8 – 4.6"``; signed for diverging), then no data.

    Parameters
    ----------
    classes : Classes
        From :func:`classify` or :func:`classify_diverging`.
    colours : list of str
        One hex colour per class (:func:`palette`).
    fmt : callable
        Formats a number for the reader's language (``ui.i18n.format_number``).
    no_data_label : str, optional
        Adds a grey "no data" line with the count of missing values.

    Examples
    --------
    >>> c = classify_diverging([5, 8, 10, 12, 15, float("nan")], centre=10, scheme="nice")
    >>> [e.label for e in legend_entries(c, palette("difference"), "{:g}".format, no_data_label="no data")]
    ['−5 – −3', '−3 – −1', '−1 – +1', '+1 – +3', '+3 – +5', 'no data']
    """
    show = (lambda v: _signed(v, fmt)) if classes.centre is not None else fmt
    entries = []
    for i, count in enumerate(classes.counts()):
        lo, hi = classes.breaks[i], classes.breaks[i + 1]
        label = show(lo) if lo == hi else f"{show(lo)} – {show(hi)}"
        entries.append(LegendEntry(label, colours[i], count))
    missing = int((classes.classes == -1).sum())
    if no_data_label is not None:
        entries.append(LegendEntry(no_data_label, NO_DATA_HEX, missing, "no_data"))
    return entries


def _plain(value):
    """JSON-safe scalar: NaN and NA become None, numpy numbers plain Python ones."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def feature_collection(
    geojson: Mapping,
    table: pd.DataFrame,
    classes: Classes,
    colours: list[str],
    *,
    tooltips: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    selected: str | None = None,
) -> dict:
    """The GeoJSON sent to the map: every feature with its value, status, colours and tooltip.

    Parameters
    ----------
    geojson : mapping
        A FeatureCollection whose features have a ``code`` property
        (:func:`geo.boundaries.geojson_dict`). It is not changed.
    table : pandas.DataFrame
        One row per province, in the order of ``classes.classes``: columns ``geo_code``,
        ``value``, ``status`` and optionally ``value_qualifier`` and ``origin``
        (:func:`analysis.map_data.map_table`).
    classes : Classes
        The classification of ``table["value"]``.
    colours : list of str
        Hex colour of each class.
    tooltips : mapping, optional
        Tooltip text by code (the map shows the ``tooltip`` property).
    names : mapping, optional
        Display name by code (property ``name``); defaults to the feature's ``name_en``.
    selected : str, optional
        Code of the province chosen in the app: drawn with a thick black outline.

    Returns
    -------
    dict
        A new FeatureCollection. Each feature keeps its geometry and properties and gains
        ``name``, ``value`` (None without data), ``status``, ``qualifier``, ``origin``,
        ``class`` (-1 without data), ``no_data``, ``synthetic``, ``selected``, ``fill`` and
        ``line`` (RGBA lists), ``line_width`` (pixels), ``dash`` ([dash, gap]) and
        ``tooltip``. Features whose code is not in ``table`` count as without data.
    """
    columns = [c for c in (schema.GEO_CODE, schema.VALUE, schema.STATUS, schema.QUALIFIER, "origin") if c in table]
    lists = [table[c].tolist() for c in columns] + [classes.classes.tolist()]  # much faster than to_dict on Arrow text
    by_code = {row[0]: dict(zip([*columns, "_class"], row)) for row in zip(*lists)}
    features = []
    for feature in geojson["features"]:
        props = dict(feature.get("properties") or {})
        code = props.get("code")
        row = by_code.get(code)
        value = None if row is None else _plain(row[schema.VALUE])
        cls = -1 if value is None else int(row["_class"])
        status = "" if value is None else str(row.get(schema.STATUS) or "")
        kind = (
            "selected"
            if code == selected
            else "no_data"
            if cls < 0
            else ("synthetic" if status == schema.STATUS_SYNTHETIC else "default")
        )
        line = {"selected": LINE_SELECTED, "no_data": LINE_NO_DATA, "synthetic": LINE_SYNTHETIC}.get(kind, LINE_DEFAULT)
        props.update(
            name=(names or {}).get(code, props.get("name_en", code)),
            value=value,
            status=status,
            qualifier="" if value is None else str(_plain(row.get(schema.QUALIFIER)) or ""),
            origin="" if value is None else str(_plain(row.get("origin")) or ""),
            **{"class": cls},
            no_data=cls < 0,
            synthetic=status == schema.STATUS_SYNTHETIC,
            selected=code == selected,
            fill=NO_DATA_RGBA if cls < 0 else hex_to_rgba(colours[cls]),
            line=line,
            line_width=LINE_WIDTH[kind],
            dash=DASH["no_data" if cls < 0 else kind],
            tooltip=(tooltips or {}).get(code, ""),
        )
        features.append({"type": "Feature", "geometry": feature["geometry"], "properties": props})
    return {"type": "FeatureCollection", "features": features}


def tooltip_text(row: Mapping, labels: Mapping[str, str], fmt: Callable[[float], str]) -> str:
    """The tooltip of one province, one fact a line (plain text: the map shows it as text).

    Parameters
    ----------
    row : mapping
        ``name``, ``value``, ``value_qualifier``, ``unit``, ``rank``, ``rank_of``,
        ``national_value``, ``status`` (already translated), ``source`` (a name) and, for
        converted values, ``note`` (e.g. "value of the merged province").
    labels : mapping
        Translated field names: ``value``, ``rank``, ``national``, ``status``, ``source``,
        ``no_data``; ``qualifier`` maps a qualifier ("about") to its sign or word.
    fmt : callable
        Formats a number.

    Examples
    --------
    >>> labels = {"value": "Value", "rank": "Rank", "national": "National average",
    ...           "status": "Status", "source": "Source", "no_data": "No data"}
    >>> print(tooltip_text({"name": "Thái Nguyên", "value": 10.3, "value_qualifier": "", "unit": "per 10,000",
    ...     "rank": 1.0, "rank_of": 1, "national_value": 8.2, "status": "reported", "source": "Thái Nguyên"},
    ...     labels, "{:g}".format))
    Thái Nguyên
    Value: 10.3 per 10,000
    Rank: 1 / 1
    National average: 8.2 per 10,000
    Status: reported
    Source: Thái Nguyên
    """
    value = row.get("value")
    lines = [str(row.get("name", ""))]
    if value is None or pd.isna(value):
        lines.append(labels["no_data"])
        return "\n".join(lines)
    unit = str(row.get("unit") or "")
    sign = (labels.get("qualifier") or {}).get(row.get("value_qualifier") or "", "")
    lines.append(f"{labels['value']}: {sign}{fmt(float(value))} {unit}".rstrip())
    if row.get("note"):
        lines.append(str(row["note"]))
    rank = row.get("rank")
    if rank is not None and not pd.isna(rank):
        lines.append(f"{labels['rank']}: {int(rank)} / {int(row.get('rank_of') or 0)}")
    national = row.get("national_value")
    if national is not None and not pd.isna(national):
        lines.append(f"{labels['national']}: {fmt(float(national))} {unit}".rstrip())
    lines.append(f"{labels['status']}: {row.get('status', '')}")
    if row.get("source"):
        lines.append(f"{labels['source']}: {row['source']}")
    return "\n".join(lines)
