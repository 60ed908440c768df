"""The view a user has open — filters, language, map layers, drill-down — and its URL form.

A link reopens the same view: :func:`encode` writes a :class:`View` as query parameters and
:func:`decode` reads them back. Decoding never raises: a parameter that is wrong is left out and
reported as a :class:`Problem` (name, value, reason), and everything valid is kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from queries.filters import FILTERS, PERIODS, Filter, Filters, Focus, Selection, narrowing, period_bounds, selection

LANGS = ("en", "zh")
LAYER_KEYS = ("points", "arcs", "places", "zones")
DEFAULT_LAYERS = ("places", "zones")  # seizures as points on demand: hexagons show them all (docs/performance.md)
# Density is drawn one way at a time: a heatmap and hexagons on top of each other hide one another
# (and, with every other layer on, software WebGL drops the heatmap altogether). Hexagons by default:
# a click on one drills down to its records, and they are drawn by the base map's own layer type, where
# the heatmap adds three shader programs of its own (docs/performance.md).
DENSITIES = ("hexagons", "heatmap", "none")
HEX_RESOLUTIONS = (4, 5, 6, 7, 8)
WEIGHTS = ("count", "kg", "value")
REFRESH_SECONDS = (0, 5, 15, 60)
PARTIES_AT_MOST = 50  # parties a link to the Network page may name
CUSTOM = "custom"


@dataclass(frozen=True)
class AreaCodes:
    """The admin codes a view may name, read from the store (provinces, counties, border zones)."""

    provinces: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()
    zones: frozenset[str] = frozenset()


def allowed_codes(f: Filter, areas: AreaCodes) -> tuple[str, ...]:
    """The codes a view may give the 'codes' filter ``f``: its own, or the store's admin codes."""
    return (*f.also, *(sorted(getattr(areas, f.codes)) if isinstance(f.codes, str) else f.codes))


@dataclass(frozen=True)
class View(Selection):
    """Everything that defines what a page shows: the declared filters (queries.filters.FILTERS,
    fields of Selection), the period and the map's options; the defaults are the commander's live map."""

    period: str = "90d"
    start_day: date | None = None  # custom period, inclusive
    end_day: date | None = None
    lang: str = "en"
    layers: tuple[str, ...] = DEFAULT_LAYERS
    density: str = "hexagons"
    hex_res: int = 4  # about 20 km across: a hot spot reads at the zoom of the whole border
    weight: str = "count"
    refresh: int = 5
    focus: Focus | None = field(default=None)
    parties: tuple[int, ...] = ()  # the Network page's chosen parties (geodata.network's node ids)

    def filters(self, now: datetime) -> Filters:
        """The store's filters for this view at ``now`` (Beijing time)."""
        if self.period == CUSTOM and self.start_day and self.end_day:
            start, end = (
                datetime.combine(self.start_day, time()),
                datetime.combine(self.end_day + timedelta(days=1), time()),
            )
        else:
            start, end = period_bounds(self.period if self.period in PERIODS else View.period, now)
        return Filters(start=start, end=end, **selection(self))


@dataclass(frozen=True)
class Problem:
    """A URL parameter that was ignored, and why."""

    name: str
    value: str
    reason: str


_BY_URL = {f.url: f for f in FILTERS}


def _codes(value: str, allowed, refuse) -> tuple[str, ...]:
    """The known codes of a comma-separated list, in order, once each; the unknown ones refused."""
    codes = [code.strip() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        refuse(",".join(unknown), "unknown code(s)")
    return tuple(dict.fromkeys(code for code in codes if code in allowed))


def _filter_value(f: Filter, value: str, areas: AreaCodes, refuse):
    """The value of the filter ``f`` its URL parameter gives; ValueError when it is not one."""
    if f.kind == "codes":
        return _codes(value, allowed_codes(f, areas), refuse)
    if f.kind == "number":
        number = float(value)
        if not (math.isfinite(number) and 0 <= number <= f.limit):
            raise ValueError(f"expected a number{' of ' + f.unit if f.unit else ''} between 0 and {f.limit:,g}")
        return f.clean(number)
    if len(value) > f.limit:
        raise ValueError(f"longer than {f.limit:g} characters")
    return f.clean(value)


def _first(value: str | list[str]) -> str:
    return value[-1] if isinstance(value, list) else value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("not a date of the form YYYY-MM-DD") from None


def _focus(text: str) -> Focus:
    kind, _, rest = text.partition(":")
    key, _, resolution = rest.partition("@")
    try:
        return Focus(kind, key, int(resolution) if resolution else None)
    except ValueError as error:
        raise ValueError(f"not a focus (cell:HEX@RES, checkpoint:ID, hub:ID or seizure:ID): {error}") from None


def _parties(text: str) -> tuple[int, ...]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids or not all(part.isdigit() and len(part) <= 18 for part in ids):
        raise ValueError("expected party ids: whole numbers separated by commas")
    if len(ids) > PARTIES_AT_MOST:
        raise ValueError(f"at most {PARTIES_AT_MOST} parties")
    return tuple(dict.fromkeys(int(part) for part in ids))


def decode(query: Mapping[str, str | list[str]], areas: AreaCodes) -> tuple[View, list[Problem]]:
    """The view a URL's query parameters describe, and the parameters that had to be ignored."""
    values: dict = {}
    problems: list[Problem] = []

    def refuse(name: str, value: str, reason: str) -> None:
        problems.append(Problem(name, value[:80], reason))

    for name, raw in query.items():
        value = _first(raw).strip()
        try:
            if name in _BY_URL:
                f = _BY_URL[name]
                values[f.name] = _filter_value(f, value, areas, partial(refuse, name))
            elif name == "layers":
                values["layers"] = _codes(value, LAYER_KEYS, partial(refuse, name))
            elif name == "period":
                if value not in PERIODS:
                    raise ValueError(f"expected one of {', '.join(PERIODS)}")
                values["period"] = value
            elif name in ("from", "to"):
                values["start_day" if name == "from" else "end_day"] = _day(value)
            elif name == "lang":
                if value not in LANGS:
                    raise ValueError(f"expected one of {', '.join(LANGS)}")
                values["lang"] = value
            elif name == "hex":
                if not value.isdigit() or int(value) not in HEX_RESOLUTIONS:
                    raise ValueError(f"expected one of {', '.join(map(str, HEX_RESOLUTIONS))}")
                values["hex_res"] = int(value)
            elif name == "density":
                if value not in DENSITIES:
                    raise ValueError(f"expected one of {', '.join(DENSITIES)}")
                values["density"] = value
            elif name == "weight":
                if value not in WEIGHTS:
                    raise ValueError(f"expected one of {', '.join(WEIGHTS)}")
                values["weight"] = value
            elif name == "refresh":
                if not value.isdigit() or int(value) not in REFRESH_SECONDS:
                    raise ValueError(f"expected one of {', '.join(map(str, REFRESH_SECONDS))} (seconds)")
                values["refresh"] = int(value)
            elif name == "focus":
                values["focus"] = _focus(value)
            elif name == "party":
                values["parties"] = _parties(value)
            else:
                refuse(name, value, "not a parameter Cordon knows")
        except ValueError as error:
            refuse(name, value, str(error))

    start, end = values.pop("start_day", None), values.pop("end_day", None)
    if start or end:
        if start and end and start <= end:
            values.update(period=CUSTOM, start_day=start, end_day=end)
        else:
            refuse("from/to", f"{start}..{end}", "a custom period needs both from and to, with from on or before to")
    return View(**values), problems


def encode(view: View) -> dict[str, str]:
    """The query parameters of ``view``: only what differs from the default view."""
    default = View()
    params: dict[str, str] = {}
    for f, value in narrowing(view):
        params[f.url] = ",".join(value) if f.kind == "codes" else f"{value:g}" if f.kind == "number" else value
    if view.layers != default.layers:
        params["layers"] = ",".join(view.layers)
    if view.period == CUSTOM:
        params["from"], params["to"] = view.start_day.isoformat(), view.end_day.isoformat()
    elif view.period != default.period:
        params["period"] = view.period
    for name, target in (
        ("lang", "lang"),
        ("density", "density"),
        ("hex", "hex_res"),
        ("weight", "weight"),
        ("refresh", "refresh"),
    ):
        if getattr(view, target) != getattr(default, target):
            params[name] = str(getattr(view, target))
    if view.focus is not None:
        focus = view.focus
        params["focus"] = f"{focus.kind}:{focus.key}" + (f"@{focus.resolution}" if focus.kind == "cell" else "")
    if view.parties:
        params["party"] = ",".join(map(str, view.parties))
    return params
