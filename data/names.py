"""Turn the place names people type, and files contain, into a geography.

A name becomes a :class:`GeoRef`: a province of one layout, a GSO region, or the
whole country. Matching ignores case, diacritics, tone-mark placement, Unicode
normalisation form, punctuation, spacing, administrative prefixes and suffixes
("Tỉnh", "Thành phố", "TP.", "Province", "City") and footnote marks, and knows
the usual English forms and abbreviations (Hanoi, HCMC, Saigon, BRVT, Daklak...).

A bare code such as "01" is not a name: it only identifies a province together
with a layout, so it is accepted only when ``layout`` is given.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import functools
import re
import unicodedata
from collections import defaultdict

import numpy as np
import pandas as pd

from data import registry
from data import schema as s
from data.messages import Message

#: Column of :func:`resolve_names` holding the error message ("" when resolved).
ERROR = "error"
#: Column of :func:`resolve_names`: the error's catalogue key and values (None when resolved), for other
#: languages: ``Message(*detail)`` (a tuple, as a data frame would turn a string subclass into plain text).
ERROR_DETAIL = "error_detail"

#: Other spellings of a province, mapped to its ``NAME_VI``. An alias applies in
#: every layout that has a province of that name.
PROVINCE_ALIASES = {
    "HN": "Hà Nội",
    "HCM": "Hồ Chí Minh",
    "HCMC": "Hồ Chí Minh",
    "TPHCM": "Hồ Chí Minh",
    "Sài Gòn": "Hồ Chí Minh",
    "BRVT": "Bà Rịa - Vũng Tàu",
    "TT Huế": "Thừa Thiên Huế",
    "TTH": "Thừa Thiên Huế",
    "Huế": "Thừa Thiên Huế",  # 2008 layout; in 2025 "Huế" is the province's own name
    "Đắc Lắc": "Đắk Lắk",
    "Đắc Lắk": "Đắk Lắk",
    "Đắk Lắc": "Đắk Lắk",
    "Đắc Nông": "Đắk Nông",
    "Bắc Cạn": "Bắc Kạn",
}

#: Other names of the GSO regions, by region code.
REGION_ALIASES = {
    "NMM": ["Trung du và miền núi Bắc Bộ", "Trung du miền núi phía Bắc",
            "Northern midlands and mountain areas", "Northern Midlands and Mountainous Areas",
            "Northern Midlands and Mountainous", "Northern Mountains and Midlands"],
    "RRD": ["ĐBSH", "Red River Delta Region"],
    "NCC": ["Bắc Trung Bộ và Duyên hải Trung Bộ", "North Central and Central coastal areas",
            "North Central Coast and Central Coast", "North Central and Central Coastal"],
    "CH": ["Highlands"],
    "SE": ["South East", "South-East"],
    "MRD": ["ĐBSCL", "Mekong Delta", "Cuu Long River Delta"],
}  # fmt: skip

#: Names of the whole country.
NATION_NAMES = ["Cả nước", "Toàn quốc", "Việt Nam", "Vietnam", "National", "Nationwide",
                "Whole country", "Total", "Tổng số", "Tổng cộng", "Tổng"]  # fmt: skip

_PREFIXES = ("tinh", "thanh pho", "tp", "t p", "thu do", "province of", "city of")
_SUFFIXES = ("province", "city", "municipality", "region")
_FOOTNOTE = re.compile(r"(?<=[^\W\d_]|[)\]])\s*(?:\(\s*[\w*†‡]{1,3}\s*\)|\[\s*[\w*†‡]{1,3}\s*\]|[*†‡]+|\d+)\s*$")
_CODE = re.compile(r"\d{1,2}")
_PARTS = re.compile(r"\s+[-–—/|]\s+|[/|()\[\]]")


@dataclasses.dataclass(frozen=True)
class GeoRef:
    """A geography: a province of one layout, a GSO region, or the nation.

    Attributes
    ----------
    level : str
        "province", "region" or "nation" (:data:`data.schema.GEO_LEVELS`).
    layout : str or None
        "2008" or "2025" for a province; None for a region or the nation.
    code : str
        Province code, region code ("NMM"...) or :data:`data.schema.NATION_CODE`.
    """

    level: str
    layout: str | None
    code: str


class UnknownNameError(ValueError):
    """No province, region or country has this name (in the requested layout).

    ``candidates`` lists the closest names, each with its layout, e.g. "Hà Nam (2008)".
    """

    def __init__(self, message: str | Message, candidates: list[str] | None = None):
        super().__init__(str(message))
        self.candidates = list(candidates or [])
        self.detail = message if isinstance(message, Message) else None


class AmbiguousNameError(ValueError):
    """The name is a province in both layouts and neither a date nor a layout was given."""

    def __init__(self, message: str | Message):
        super().__init__(str(message))
        self.detail = message if isinstance(message, Message) else None


def normalize_name(text: str) -> str:
    """Return the matching key of a place name.

    Two spellings of the same place give the same key: diacritics, case, tone-mark
    placement, NFC/NFD form, punctuation, spaces, footnote marks and the
    administrative prefixes and suffixes are dropped, then the words are joined.

    Parameters
    ----------
    text : str
        A name as typed or as found in a file.

    Returns
    -------
    str
        Lower-case ASCII letters and digits, no spaces.

    Examples
    --------
    >>> normalize_name("Tỉnh Bà Rịa–Vũng Tàu (1)"), normalize_name("TP. Hà Nội*")
    ('bariavungtau', 'hanoi')
    """
    text = unicodedata.normalize("NFKC", str(text)).strip()
    while (stripped := _FOOTNOTE.sub("", text)) != text:
        text = stripped
    text = text.translate(str.maketrans({"Đ": "D", "đ": "d", "Ð": "D"}))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    words = re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if words.startswith(prefix + " "):
                words, changed = words[len(prefix) + 1 :], True
        for suffix in _SUFFIXES:
            if words.endswith(" " + suffix):
                words, changed = words[: -len(suffix) - 1], True
    return words.replace(" ", "")


@functools.lru_cache(maxsize=1)
def _index() -> tuple[dict[str, frozenset[GeoRef]], dict[GeoRef, str]]:
    """Matching key -> geographies, and geography -> display name."""
    refs: dict[str, set[GeoRef]] = defaultdict(set)
    names: dict[GeoRef, str] = {}
    by_name: dict[str, list[GeoRef]] = defaultdict(list)
    frame = registry.provinces()
    spelled = (s.LAYOUT, s.CODE, s.NAME_VI, s.FULL_NAME_VI, s.NAME_ASCII, s.NAME_EN)
    columns = [frame[c] for c in spelled]
    for layout, code, *spellings in zip(*columns):
        ref = GeoRef("province", layout, code)
        names[ref] = spellings[0]
        by_name[spellings[0]].append(ref)
        for spelling in spellings:
            refs[normalize_name(spelling)].add(ref)
    for alias, name_vi in PROVINCE_ALIASES.items():
        refs[normalize_name(alias)].update(by_name[name_vi])
    for code, name_vi, name_en in registry.regions().itertuples(index=False):
        ref = GeoRef("region", None, code)
        names[ref] = name_vi
        for spelling in [name_vi, name_en, *REGION_ALIASES.get(code, [])]:
            refs[normalize_name(spelling)].add(ref)
    nation = GeoRef("nation", None, s.NATION_CODE)
    names[nation] = NATION_NAMES[0]
    for spelling in NATION_NAMES:
        refs[normalize_name(spelling)].add(nation)
    return {key: frozenset(found) for key, found in refs.items()}, names


def _find(text: str) -> frozenset[GeoRef]:
    """Geographies a name may denote; "Vùng X" (region X) falls back to "X"."""
    index, key = _index()[0], normalize_name(text)
    if key not in index and key.startswith("vung"):
        key = key[len("vung") :]
    return index.get(key, frozenset())


def _lookup(text: str) -> frozenset[GeoRef]:
    """Geographies the text may name; tries "Vietnamese - English" halves as a fallback."""
    found = _find(text)
    parts = [p for p in _PARTS.split(text) if p.strip()]
    if found or len(parts) < 2:
        return found
    return frozenset.intersection(*map(_find, parts))


def _label(ref: GeoRef, with_code: bool = False) -> str:
    code = f", code {ref.code}" if with_code else ""
    return f"{_index()[1][ref]} ({ref.layout or ref.level}{code})"


def _closest(text: str, layout: str | None) -> list[str]:
    index = _index()[0]
    keys = difflib.get_close_matches(normalize_name(text), list(index), n=12, cutoff=0.6)
    labels: list[str] = []
    for key in keys:
        for ref in sorted(index[key], key=lambda r: (r.layout or "", r.code)):
            label = _label(ref)
            if (layout is None or ref.layout in (None, layout)) and label not in labels:
                labels.append(label)
    return labels[:3]


def _unknown(text: str, layout: str | None) -> UnknownNameError:
    candidates = _closest(text, layout)
    closest = Message.of("names_closest", names=", ".join(candidates)) if candidates else ""
    if layout:
        return UnknownNameError(Message.of("names_unknown_in", text=text, layout=layout, closest=closest), candidates)
    return UnknownNameError(Message.of("names_unknown", text=text, closest=closest), candidates)


def _other_layout(text: str, ref: GeoRef) -> UnknownNameError:
    """The name is a province of the other layout: say what became of it."""
    day = s.MERGER_DATE.isoformat()
    if ref.layout == s.LAYOUT_2008:
        new = GeoRef("province", s.LAYOUT_2025, registry.successor(ref.code))
        merged = len(registry.predecessors(new.code)) > 1
        key = "names_merged" if merged else "names_continues"
        targets = [new]
        message = Message.of(key, text=text, layout=new.layout, old=_label(ref, True), new=_label(new, True), day=day)
    else:
        targets = [GeoRef("province", s.LAYOUT_2008, c) for c in registry.predecessors(ref.code)]
        olds = ", ".join(_label(t, True) for t in targets)
        message = Message.of(
            "names_formed", text=text, layout=targets[0].layout, new=_label(ref, True), day=day, olds=olds
        )
    return UnknownNameError(message, [_label(t) for t in targets])


def _resolve_code(text: str, layout: str | None) -> GeoRef:
    if layout is None:
        raise UnknownNameError(Message.of("names_code_without_layout", text=text))
    ref = GeoRef("province", layout, text.zfill(2))
    if ref not in _index()[1]:
        raise UnknownNameError(Message.of("names_no_code", code=ref.code, layout=layout))
    return ref


def _resolve(text: str, layout: str | None, date_layout: str | None) -> GeoRef:
    """Resolve a name, ``date_layout`` being the layout in force on the row's date."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        raise UnknownNameError(Message.of("names_empty"))
    if _CODE.fullmatch(text):
        return _resolve_code(text, layout)
    found = _lookup(text)
    if not found:
        raise _unknown(text, layout)
    places = sorted(found, key=lambda r: r.layout or "")
    if places[0].level != "province":
        return places[0]
    if layout is not None:
        in_layout = [r for r in places if r.layout == layout]
        if not in_layout:
            raise _other_layout(text, places[0])
        return in_layout[0]
    if len(places) == 1:
        return places[0]
    if date_layout is not None:
        return next(r for r in places if r.layout == date_layout)
    both = " and ".join(_label(r, True) for r in places)
    raise AmbiguousNameError(Message.of("names_ambiguous", text=text, both=both))


def _date_layout(date: object) -> str | None:
    """Layout in force on a date; a period label counts from its last day."""
    if date is None or (not isinstance(date, str) and pd.isna(date)):
        return None
    if isinstance(date, str):
        if not date.strip():
            return None
        try:
            return s.layout_for_date(s.parse_period(date)[2])
        except ValueError:
            pass
    try:
        return s.layout_for_date(pd.Timestamp(date).date())
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Cannot read the date {date!r}.") from exc


def resolve_name(text: str, *, date: _dt.date | str | None = None, layout: str | None = None) -> GeoRef:
    """Resolve a place name to a province, a GSO region or the whole country.

    Parameters
    ----------
    text : str
        The name, in any usual spelling. A bare code ("01") is accepted only with
        ``layout``.
    date : datetime.date or str, optional
        Date of the figure (ISO date, or a period label read as its last day). Picks
        the layout when the name is a province in both layouts; a name that exists in
        only one layout resolves to it whatever the date.
    layout : {"2008", "2025"}, optional
        Match only that layout's provinces. Regions and the nation always match.

    Returns
    -------
    GeoRef

    Raises
    ------
    UnknownNameError
        No match (its ``candidates`` list the closest names), or the name is a
        province only of the other layout (the message says what became of it).
    AmbiguousNameError
        The name is a province in both layouts and neither date nor layout is given.

    Examples
    --------
    >>> resolve_name("Gia Lai", date="2025-11-03")
    GeoRef(level='province', layout='2025', code='52')
    >>> resolve_name("TP.HCM", layout="2008")
    GeoRef(level='province', layout='2008', code='79')
    >>> resolve_name("Red River Delta")
    GeoRef(level='region', layout=None, code='RRD')
    """
    if layout is not None:
        s.check_choice("layout", layout, s.LAYOUTS)
    return _resolve("" if text is None else str(text), layout, _date_layout(date))


def resolve_names(names: pd.Series, dates: pd.Series | None = None, layout: str | None = None) -> pd.DataFrame:
    """Resolve a column of names; each distinct (name, layout) is resolved once.

    Parameters
    ----------
    names : pandas.Series
        Place names, as for :func:`resolve_name`. Missing values are errors.
    dates : pandas.Series, optional
        Dates of the rows, aligned on ``names``' index; missing dates are allowed.
    layout : {"2008", "2025"}, optional
        As for :func:`resolve_name`.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``names``, with columns ``GEO_LEVEL``, ``LAYOUT``, ``GEO_CODE``
        and :data:`ERROR`. A row that resolves has an empty error; a row that does not
        has the message there and empty geography columns. ``LAYOUT`` is empty for
        regions and the nation.

    Examples
    --------
    >>> resolve_names(pd.Series(["Hà Nội", "Atlantis"]), layout="2025")["geo_code"].tolist()
    ['01', '']
    """
    if layout is not None:
        s.check_choice("layout", layout, s.LAYOUTS)
    names = pd.Series(names)
    name_ids, distinct_names = pd.factorize(names, use_na_sentinel=True)
    choices = [None, *s.LAYOUTS]
    if dates is None:
        date_ids = np.zeros(len(names), dtype=np.int64)
    else:
        if not dates.index.equals(names.index):
            dates = dates.reindex(names.index)
        ids, distinct_dates = pd.factorize(dates, use_na_sentinel=True)
        per_date = np.array([choices.index(_date_layout(d)) for d in distinct_dates] + [0])
        date_ids = per_date[ids]
    pair_ids, pairs = pd.factorize(name_ids.astype(np.int64) * len(choices) + date_ids)
    rows, details = [], []
    for pair in pairs:
        name_id, date_id = divmod(int(pair), len(choices))
        text = "" if name_id < 0 else str(distinct_names[name_id])
        try:
            ref = _resolve(text, layout, choices[date_id])
            rows.append((ref.level, ref.layout or "", ref.code, ""))
            details.append(None)
        except ValueError as exc:
            rows.append(("", "", "", str(exc)))
            detail = getattr(exc, "detail", None)
            details.append((detail.key, detail.values) if detail is not None else None)
    table = np.array(rows, dtype=object).reshape(-1, 4)[pair_ids]
    columns = [s.GEO_LEVEL, s.LAYOUT, s.GEO_CODE, ERROR]
    out = pd.DataFrame(table, index=names.index, columns=columns).astype("str")
    detail = np.empty(len(details), dtype=object)
    for i, found in enumerate(details):  # one by one: a list of strings would be copied as plain str
        detail[i] = found
    out[ERROR_DETAIL] = detail[pair_ids] if len(pair_ids) else np.empty(0, dtype=object)
    return out
