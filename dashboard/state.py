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

from queries.constants import AGENCIES, CHANNELS, FORMS, ITEM_CODES, ITEM_GROUPS
from queries.filters import ANY_BORDER_ZONE, PERIODS, Filters, Focus, period_bounds

LANGS = ("en", "zh")
LAYER_KEYS = ("points", "arcs", "places", "zones")
DEFAULT_LAYERS = ("places", "zones")  # seizures as points on demand: hexagons show them all (README, page load)
# Density is drawn one way at a time: a heatmap and hexagons on top of each other hide one another
# (and, with every other layer on, software WebGL drops the heatmap altogether). Hexagons by default:
# a click on one drills down to its records, and they are drawn by the base map's own layer type, where
# the heatmap adds three shader programs of its own (README, page load).
DENSITIES = ("hexagons", "heatmap", "none")
HEX_RESOLUTIONS = (4, 5, 6, 7, 8)
WEIGHTS = ("count", "kg", "value")
REFRESH_SECONDS = (0, 5, 15, 60)
CUSTOM = "custom"
MAX_TEXT = 200
MAX_KG = 10_000_000


@dataclass(frozen=True)
class AreaCodes:
    """The admin codes a view may name, read from the store (provinces, counties, border zones)."""

    provinces: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()
    zones: frozenset[str] = frozenset()


@dataclass(frozen=True)
class View:
    """Everything that defines what a page shows; the defaults are the commander's live map."""

    period: str = "90d"
    start_day: date | None = None  # custom period, inclusive
    end_day: date | None = None
    item_groups: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    min_kg: float | None = None
    text: str = ""
    lang: str = "en"
    layers: tuple[str, ...] = DEFAULT_LAYERS
    density: str = "hexagons"
    hex_res: int = 4  # about 20 km across: a hot spot reads at the zoom of the whole border
    weight: str = "count"
    refresh: int = 5
    focus: Focus | None = field(default=None)

    def filters(self, now: datetime) -> Filters:
        """The store's filters for this view at ``now`` (Beijing time)."""
        if self.period == CUSTOM and self.start_day and self.end_day:
            start, end = (
                datetime.combine(self.start_day, time()),
                datetime.combine(self.end_day + timedelta(days=1), time()),
            )
        else:
            start, end = period_bounds(self.period if self.period in PERIODS else View.period, now)
        return Filters(
            start=start,
            end=end,
            item_groups=self.item_groups,
            items=self.items,
            channels=self.channels,
            zones=self.zones,
            provinces=self.provinces,
            counties=self.counties,
            agencies=self.agencies,
            forms=self.forms,
            min_kg=self.min_kg,
            text=self.text.strip() or None,
        )


@dataclass(frozen=True)
class Problem:
    """A URL parameter that was ignored, and why."""

    name: str
    value: str
    reason: str


# URL parameter -> View field, for the lists of codes, with the codes each may take.
_CODE_LISTS = {
    "group": ("item_groups", lambda areas: ITEM_GROUPS),
    "item": ("items", lambda areas: ITEM_CODES),
    "channel": ("channels", lambda areas: CHANNELS),
    "zone": ("zones", lambda areas: (ANY_BORDER_ZONE, *sorted(areas.zones))),
    "province": ("provinces", lambda areas: sorted(areas.provinces)),
    "county": ("counties", lambda areas: sorted(areas.counties)),
    "agency": ("agencies", lambda areas: AGENCIES),
    "form": ("forms", lambda areas: FORMS),
    "layers": ("layers", lambda areas: LAYER_KEYS),
}


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


def decode(query: Mapping[str, str | list[str]], areas: AreaCodes) -> tuple[View, list[Problem]]:
    """The view a URL's query parameters describe, and the parameters that had to be ignored."""
    values: dict = {}
    problems: list[Problem] = []

    def refuse(name: str, value: str, reason: str) -> None:
        problems.append(Problem(name, value[:80], reason))

    for name, raw in query.items():
        value = _first(raw).strip()
        try:
            if name in _CODE_LISTS:
                target, allowed = _CODE_LISTS[name]
                allowed = allowed(areas)
                codes = [code.strip() for code in value.split(",") if code.strip()]
                unknown = [code for code in codes if code not in allowed]
                if unknown:
                    refuse(name, ",".join(unknown), "unknown code(s)")
                values[target] = tuple(dict.fromkeys(code for code in codes if code in allowed))
            elif name == "period":
                if value not in PERIODS:
                    raise ValueError(f"expected one of {', '.join(PERIODS)}")
                values["period"] = value
            elif name in ("from", "to"):
                values["start_day" if name == "from" else "end_day"] = _day(value)
            elif name == "min_kg":
                number = float(value)
                if not (math.isfinite(number) and 0 <= number <= MAX_KG):
                    raise ValueError(f"expected a number of kg between 0 and {MAX_KG:,}")
                values["min_kg"] = number or None
            elif name == "q":
                if len(value) > MAX_TEXT:
                    raise ValueError(f"longer than {MAX_TEXT} characters")
                values["text"] = value
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
    for name, (target, _) in _CODE_LISTS.items():
        if getattr(view, target) != getattr(default, target):
            params[name] = ",".join(getattr(view, target))
    if view.period == CUSTOM:
        params["from"], params["to"] = view.start_day.isoformat(), view.end_day.isoformat()
    elif view.period != default.period:
        params["period"] = view.period
    if view.min_kg:
        params["min_kg"] = f"{view.min_kg:g}"
    if view.text.strip():
        params["q"] = view.text.strip()
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
    return params
