"""A seeded generator of synthetic seizures that a border commander would find plausible.

Every row it makes is marked: ``is_synthetic`` is true, ``source`` is ``cordon-demo`` and
``source_ref`` says it is not a real case.

Where seizures happen (``DemoGeography`` supplies the real places; queries does not import
geodata, the command line wires it in):

* land ports: at the real crossings on the Vietnam, Laos and Myanmar borders;
* unofficial paths: on "trails", points within a few km of the land boundary near each crossing,
  on the Chinese side, re-used again and again as real smuggling paths are;
* sea ports of the Beibu Gulf, express/postal hubs and air cargo in the hub cities, and the
  processing hubs inland.

What is seized fits the channel: grams to kilograms of gallium, germanium or heavy-rare-earth
oxide by express mail; tonnes of antimony ore or rare-earth concentrate by truck or ship; a
log-normal (heavy-tailed) quantity per channel. Volumes respond to the calendar: an item's cases
rise after its export control takes effect, the 2025 campaign (Shenzhen 2025-05-09, Nanning
2025-07-19) raises detection, weekends and the Spring Festival and National Day holidays are quiet.

Three patterns are planted for the hot-spot analyses to find:

* ``PERSISTENT``: a steady trail next to Dongxing (Mong Cai crossing) through the whole period;
* ``FADING``: a trail by Hekou (Lao Cai crossing) busy early in 2023 that fades through 2023 and is
  all but gone in 2024;
* ``CORRIDOR``: a new trail on an 8 km stretch of the boundary in Napo county (Guangxi), opening on
  2026-01-01 and growing month by month, carrying heavy rare earths, gallium and germanium.

The module stays whole (about 550 lines): it has one job, drawing the synthetic seizures, and a quarter
of it is the calibration tables the generator draws from, which nothing else reads and which are checked
best beside the code that uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from queries.constants import ITEM_BY_CODE, ITEMS
from queries.reference import item_effective_dates

SOURCE = "cordon-demo"
SOURCE_REF = "SYNTHETIC demo record, not a real case"
START = date(2023, 1, 1)
CAMPAIGN_LAUNCH = date(2025, 5, 9)
CAMPAIGN_NANNING = date(2025, 7, 19)
SPRING_FESTIVALS = (date(2023, 1, 22), date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17))

# Share of all rows by scenario: background channels, then the planted patterns.
SCENARIO_SHARES = {
    "land_port": 0.28,
    "unofficial_path": 0.22,
    "postal_express": 0.18,
    "sea_port": 0.09,
    "air_cargo": 0.05,
    "processing_hub": 0.085,
    "PERSISTENT": 0.04,
    "FADING": 0.03,
    "CORRIDOR": 0.035,
}

# Relative traffic at each crossing (busiest first); an unknown id weighs 1.
CROSSING_WEIGHTS = {
    "youyiguan": 3.0, "dongxing": 3.0, "ruili": 3.0, "hekou": 2.5, "mohan": 2.0, "pingxiang_rail": 1.5,
    "qingshuihe": 1.2, "shuikou": 1.0, "longbang": 1.0, "tianbao": 1.0, "houqiao": 1.0,
    "wanding": 0.8, "aidian": 0.7, "jinshuihe": 0.7,
}

ITEM_MIX = {
    "VNM": {"antimony": 3, "ree_concentrate": 3, "tungsten": 2, "graphite": 1.5, "dysprosium": 1, "yttrium": 1,
            "terbium": 0.5, "gallium": 0.3, "neodymium": 0.8},
    "LAO": {"antimony": 3, "graphite": 2, "tungsten": 1, "gallium": 1, "germanium": 0.5, "ree_concentrate": 1},
    "MMR": {"germanium": 1.5, "dysprosium": 2, "terbium": 1, "yttrium": 1, "tungsten": 1, "antimony": 1,
            "ree_concentrate": 1},
    "postal_express": {"gallium": 4, "germanium": 4, "terbium": 1.5, "dysprosium": 1.5, "indium": 1, "scandium": 0.5,
                       "lutetium": 0.5, "superhard": 1, "tellurium": 0.5, "holmium": 0.3, "ndfeb_magnet": 1,
                       "antimony": 0.5},
    "air_cargo": {"gallium": 2, "germanium": 2, "dysprosium": 1, "terbium": 1, "ndfeb_magnet": 1.5, "superhard": 1,
                  "indium": 1, "tungsten": 0.5},
    "sea_port": {"antimony": 3, "graphite": 3, "tungsten": 2, "ree_concentrate": 1.5, "neodymium": 1,
                 "ndfeb_magnet": 1.5, "molybdenum": 1, "bismuth": 1, "lanthanum_cerium": 1},
    "PERSISTENT": {"antimony": 2, "ree_concentrate": 2, "dysprosium": 1},
    "FADING": {"antimony": 2, "tungsten": 1, "ree_concentrate": 1},
    "CORRIDOR": {"dysprosium": 2, "terbium": 1.5, "gallium": 1, "germanium": 1},
}

# Median kg and log-sd of the seized quantity by channel; high-value items come in smaller lots.
QUANTITY = {
    "land_port": (600.0, 1.4), "unofficial_path": (40.0, 1.1), "postal_express": (0.8, 1.3),
    "air_cargo": (25.0, 1.2), "sea_port": (12000.0, 0.9), "processing_hub": (3000.0, 1.3),
}
HIGH_VALUE_ITEMS = {"germanium", "gallium", "terbium", "lutetium", "scandium", "indium"}

FORMS_BY_ITEM = {
    "ree_concentrate": {"concentrate": 1},
    "antimony": {"ore": 0.4, "concentrate": 0.2, "metal": 0.25, "oxide": 0.15},
    "tungsten": {"concentrate": 0.5, "compound": 0.3, "metal": 0.2},
    "graphite": {"concentrate": 0.6, "ore": 0.2, "scrap": 0.2},
    "molybdenum": {"concentrate": 0.5, "oxide": 0.3, "metal": 0.2},
    "neodymium": {"oxide": 0.5, "metal": 0.3, "alloy": 0.2},
    "ndfeb_magnet": {"magnet": 0.85, "scrap": 0.15},
    "lanthanum_cerium": {"oxide": 0.7, "compound": 0.3},
    "gallium": {"metal": 0.8, "compound": 0.2},
    "germanium": {"metal": 0.6, "compound": 0.4},
    "indium": {"metal": 1},
    "tellurium": {"metal": 0.7, "compound": 0.3},
    "bismuth": {"metal": 0.7, "compound": 0.3},
    "superhard": {"compound": 1},
}
HEAVY_REE_FORMS = {"oxide": 0.6, "metal": 0.25, "alloy": 0.1, "compound": 0.05}
FORM_VALUE = {"ore": 0.1, "concentrate": 0.3, "compound": 0.8, "oxide": 1.0, "metal": 1.3, "alloy": 1.1,
              "magnet": 1.0, "scrap": 0.4}

COVER_GOODS = {
    "REE": ("陶瓷釉料 (ceramic glaze)", "氧化铝粉 (alumina powder)", "荧光粉 (phosphor powder)", "抛光粉 (polishing powder)"),
    "metal": ("锌锭 (zinc ingot)", "铝合金废料 (aluminium alloy scrap)", "焊锡 (solder)", "电子元件 (electronic components)"),
    "Sb": ("铅精矿 (lead concentrate)", "建筑石料 (building stone)", "锌精矿 (zinc concentrate)"),
    "graphite": ("碳素制品 (carbon products)", "石墨电极 (graphite electrodes)", "润滑剂 (lubricant)"),
    "W": ("铁合金 (ferroalloy)", "五金工具 (hardware tools)", "钢材 (steel)"),
    "superhard": ("磨料 (abrasives)", "工业砂轮 (grinding wheels)"),
}
COVER_BY_GROUP = {"REE_heavy": "REE", "REE_light": "REE", "Ga": "metal", "Ge": "metal", "In": "metal", "Te": "metal",
                  "Bi": "metal", "Sb": "Sb", "graphite": "graphite", "W": "W", "Mo": "W", "superhard": "superhard"}

BY_CHANNEL = {
    "concealment": {
        "land_port": {"false_declaration": 0.45, "hidden_in_cargo": 0.3, "mixed_with_legal_goods": 0.2,
                      "vehicle_compartment": 0.05},
        "unofficial_path": {"body_carry": 0.35, "vehicle_compartment": 0.3, "hidden_in_cargo": 0.2, "none": 0.15},
        "postal_express": {"split_parcels": 0.4, "false_declaration": 0.45, "mixed_with_legal_goods": 0.15},
        "air_cargo": {"false_declaration": 0.6, "hidden_in_cargo": 0.2, "mixed_with_legal_goods": 0.2},
        "sea_port": {"false_declaration": 0.55, "mixed_with_legal_goods": 0.3, "hidden_in_cargo": 0.15},
        "processing_hub": {"none": 0.5, "false_declaration": 0.3, "mixed_with_legal_goods": 0.2},
    },
    "detection": {
        "land_port": {"x_ray": 0.4, "document_check": 0.3, "intelligence_tip": 0.15, "random_inspection": 0.1,
                      "canine": 0.05},
        "unofficial_path": {"patrol": 0.6, "intelligence_tip": 0.3, "random_inspection": 0.1},
        "postal_express": {"parcel_screening": 0.6, "x_ray": 0.2, "intelligence_tip": 0.2},
        "air_cargo": {"x_ray": 0.5, "document_check": 0.3, "intelligence_tip": 0.2},
        "sea_port": {"document_check": 0.4, "x_ray": 0.3, "intelligence_tip": 0.3},
        "processing_hub": {"intelligence_tip": 0.8, "document_check": 0.2},
    },
    "agency": {
        "land_port": {"customs": 0.85, "border_defence": 0.15},
        "unofficial_path": {"border_defence": 0.6, "public_security": 0.35, "state_security": 0.05},
        "postal_express": {"postal": 0.55, "customs": 0.35, "public_security": 0.1},
        "air_cargo": {"customs": 0.9, "public_security": 0.1},
        "sea_port": {"customs": 0.85, "public_security": 0.15},
        "processing_hub": {"public_security": 0.7, "state_security": 0.3},
    },
    "destination": {
        "postal_express": {"HKG": 0.35, "USA": 0.15, "NLD": 0.1, "DEU": 0.1, "KOR": 0.1, "JPN": 0.1, "SGP": 0.1},
        "air_cargo": {"HKG": 0.3, "KOR": 0.2, "JPN": 0.2, "NLD": 0.1, "USA": 0.1, "SGP": 0.1},
        "sea_port": {"VNM": 0.25, "MYS": 0.2, "SGP": 0.15, "THA": 0.15, "KOR": 0.1, "NLD": 0.1, "IND": 0.05},
        "processing_hub": {"VNM": 0.15, "MMR": 0.1, "LAO": 0.05, "HKG": 0.1},  # the rest: unknown (NULL)
    },
}
# How it was concealed and detected, in a post's words: a few Chinese phrasings of each category and
# one English one (a share ENGLISH_WORDS of rows); each names its category, as an import derives it.
# A share NO_WORDS of records leave them out, as posts do.
WORDS = {
    "concealment": {
        "false_declaration": (("以普通货物名义伪报出口", "伪报品名申报", "瞒报货物品名及数量"),
                              "false declaration as ordinary goods"),
        "hidden_in_cargo": (("夹藏于整车货物中", "藏匿于货物底部", "夹藏在集装箱货物之间"), "hidden in cargo under sacks of rice"),
        "mixed_with_legal_goods": (("混装于申报货物中", "夹带于合法货物内", "与普通矿砂混杂"), "mixed with declared goods"),
        "body_carry": (("人身携带过境", "绑藏于腰间", "随身携带于背包内"), "body carry, strapped under clothing"),
        "vehicle_compartment": (("藏匿于货车驾驶室夹层", "藏于车辆底盘暗格", "改装油箱夹层藏匿"), "hidden in a vehicle compartment"),
        "split_parcels": (("化整为零分批邮寄", "分拆邮寄至多个地址", "拆分为多个小包裹"), "split parcels to several addresses"),
        "none": (("未藏匿", "未藏匿，公开运输"), "none, carried openly"),
    },
    "detection": {
        "x_ray": (("经X光机查验发现", "过X光机发现图像异常", "CT机检发现异常"), "X-ray image showed dense blocks"),
        "document_check": (("审单发现申报信息异常", "单证审核发现疑点", "查验单证时发现不符"), "document check found mismatched papers"),
        "intelligence_tip": (("根据群众举报", "接线索后拦截", "根据前期情报"), "acting on a tip from an informant"),
        "canine": (("缉毒犬嗅查发现", "警犬查缉时发现"), "sniffer dog alerted"),
        "random_inspection": (("随机查验时发现", "布控查验", "人工抽查发现"), "random inspection at the gate"),
        "patrol": (("边境巡逻时发现", "设卡拦截查获", "巡查中发现可疑人员"), "border patrol stopped the carriers"),
        "parcel_screening": (("快件查验时发现", "邮包过机查验发现", "邮包查验发现异常"), "parcel screening flagged the parcel"),
    },
}
ENGLISH_WORDS, NO_WORDS = 0.1, 0.1
TIME_PRECISION = {"exact": 0.55, "day": 0.3, "week": 0.1, "month": 0.05}
TRAIL_PRECISION = {"point": 0.75, "county": 0.2, "province": 0.05}
CITY_PRECISION = {"town": 0.9, "county": 0.1}


@dataclass(frozen=True)
class DemoGeography:
    """The real places the generator needs, supplied by geodata through the command line.

    checkpoints: checkpoint_id, kind, lon, lat, geo_precision, counterpart_iso3, county_code.
    hubs: hub_id, item_groups (list), lon, lat, geo_precision, country_iso3.
    admin_units: code, level, name_zh, anchor_lon, anchor_lat (a point inside each unit).
    locate(lon, lat): country_iso3, province_code, county_code, zone_code for each point.
    distance_to_boundary_km(lon, lat): distance of each point to the land boundary.
    """

    checkpoints: pd.DataFrame
    hubs: pd.DataFrame
    admin_units: pd.DataFrame
    locate: Callable[[np.ndarray, np.ndarray], pd.DataFrame]
    distance_to_boundary_km: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _choice(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]


def _words(rng: np.random.Generator, categories: np.ndarray, phrasings: dict) -> np.ndarray:
    """A post's words for each row's category (``phrasings``: category → (Chinese phrasings, English)),
    None for a share NO_WORDS of rows."""
    words = np.full(len(categories), None, dtype=object)
    for code, (chinese, english) in phrasings.items():
        rows = np.flatnonzero(categories == code)
        picked = np.array(chinese, dtype=object)[rng.integers(0, len(chinese), len(rows))]
        words[rows] = np.where(rng.random(len(rows)) < ENGLISH_WORDS, english, picked)
    words[rng.random(len(words)) < NO_WORDS] = None
    return words


def _km_to_deg(lat: np.ndarray | float) -> tuple[np.ndarray | float, float]:
    """Degrees of longitude and latitude per km at ``lat``."""
    return 1 / (111.32 * np.cos(np.radians(lat))), 1 / 110.57


@dataclass
class _Trail:
    """Points within ``max_boundary_km`` of the land boundary near a place, on the Chinese side."""

    lon: np.ndarray
    lat: np.ndarray


def build_trail(geo: DemoGeography, lon: float, lat: float, rng: np.random.Generator, *, radius_km: float = 15.0,
                max_boundary_km: float = 4.0, points: int = 120, county_code: str | None = None,
                stretch_km: float | None = None) -> _Trail:
    """Sample a smuggling trail near (lon, lat): Chinese soil, close to the boundary, optionally in one county,
    optionally on one stretch of it (within ``stretch_km`` of the trail's first point)."""
    candidates = points * 25
    r = radius_km * np.sqrt(rng.random(candidates))
    theta = rng.random(candidates) * 2 * np.pi
    dlon, dlat = _km_to_deg(lat)
    cand_lon, cand_lat = lon + r * np.cos(theta) * dlon, lat + r * np.sin(theta) * dlat
    where = geo.locate(cand_lon, cand_lat)
    keep = (where["country_iso3"] == "CHN").to_numpy(copy=True)
    if county_code is not None:
        keep &= (where["county_code"] == county_code).to_numpy()
    keep[keep] = geo.distance_to_boundary_km(cand_lon[keep], cand_lat[keep]) <= max_boundary_km
    if not keep.any():
        raise ValueError(f"no point within {max_boundary_km} km of the boundary and {radius_km} km of ({lon}, {lat})")
    kept_lon, kept_lat = cand_lon[keep], cand_lat[keep]
    if stretch_km is not None:
        near = np.hypot((kept_lon - kept_lon[0]) / dlon, (kept_lat - kept_lat[0]) / dlat) <= stretch_km
        kept_lon, kept_lat = kept_lon[near], kept_lat[near]
    return _Trail(kept_lon[:points], kept_lat[:points])


def _calendar(days: pd.DatetimeIndex) -> np.ndarray:
    """Relative activity per day: weekly rhythm, holidays and the 2025 campaign."""
    weight = np.select([days.day_of_week == 5, days.day_of_week == 6], [0.8, 0.6], 1.0)
    for festival in SPRING_FESTIVALS:
        offset = (days - pd.Timestamp(festival)).days
        weight = np.where((offset >= -2) & (offset <= 6), weight * 0.3, weight)
    weight = np.where((days.month == 10) & (days.day <= 7), weight * 0.5, weight)
    weight = weight * np.select(
        [days >= pd.Timestamp(CAMPAIGN_NANNING), days >= pd.Timestamp(CAMPAIGN_LAUNCH)], [1.6, 1.3], 1.0
    )
    return weight


def _control_response(days: pd.DatetimeIndex, effective: date | None) -> np.ndarray:
    """Cases of an item before and after its control takes effect (ramping up over 60 days)."""
    if effective is None:
        return np.full(len(days), 0.6)
    since = (days - pd.Timestamp(effective)).days.to_numpy()
    return np.where(since < 0, 0.35, 0.35 + 0.65 * np.clip(since / 60, 0, 1))


def _pattern_profile(days: pd.DatetimeIndex, scenario: str) -> np.ndarray:
    """The planted patterns' own course in time."""
    age = (days - days[0]).days.to_numpy()
    if scenario == "PERSISTENT":
        return np.ones(len(days))
    if scenario == "FADING":
        return np.exp(-age / 150.0)
    since_2026 = (days - pd.Timestamp("2026-01-01")).days.to_numpy()
    return np.where(since_2026 < 0, 0.0, 3.0 + since_2026 / 30.0)


def _sample_days(rng: np.random.Generator, days: pd.DatetimeIndex, weight: np.ndarray, size: int) -> np.ndarray:
    if weight.sum() <= 0:
        raise ValueError("a scenario has no day with activity in the requested period")
    return rng.choice(len(days), size=size, p=weight / weight.sum())


def _hours(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Hour of day: trails at night, everything else in working hours."""
    night = channel == "unofficial_path"
    hours = np.where(night, rng.normal(2.0, 2.5, len(channel)), rng.normal(13.5, 3.0, len(channel)))
    return np.mod(hours, 24.0)


def _truncate(times: pd.Series, precision: np.ndarray) -> pd.Series:
    """Occurred-at as the record knows it: the day, the Monday of the week or the first of the month."""
    day = times.dt.floor("D")
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    month = day - pd.to_timedelta(day.dt.day - 1, unit="D")
    return times.where(precision == "exact", day.where(precision == "day", week.where(precision == "week", month)))


def _forms(rng: np.random.Generator, items: np.ndarray, channel: np.ndarray) -> np.ndarray:
    forms = np.empty(len(items), dtype=object)
    small_parcels = np.isin(channel, ["postal_express", "air_cargo"])
    for item in np.unique(items):
        weights = dict(FORMS_BY_ITEM.get(item, HEAVY_REE_FORMS))
        for parcel in (False, True):
            mask = (items == item) & (small_parcels == parcel)
            if not mask.any():
                continue
            use = {f: w for f, w in weights.items() if not (parcel and f in ("ore", "concentrate"))} or {"compound": 1}
            forms[mask] = _choice(rng, use, int(mask.sum()))
    return forms


def generate_seizures(geo: DemoGeography, rows: int, seed: int, end: datetime, start: date = START) -> pd.DataFrame:
    """``rows`` synthetic seizures between ``start`` and ``end`` (Beijing time), reproducible for ``seed``.

    Returns a frame with the columns of the ``seizures`` table except ``seizure_id``.
    """
    if rows < 0:
        raise ValueError(f"rows must be 0 or more, got {rows}")
    if pd.Timestamp(start) >= pd.Timestamp(end):
        raise ValueError(f"start {start} must be before end {end}")
    rng = np.random.default_rng(seed)
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end).normalize(), freq="D")
    calendar = _calendar(days)
    effective = item_effective_dates()
    counts = dict(zip(SCENARIO_SHARES, rng.multinomial(rows, np.array(list(SCENARIO_SHARES.values())) / sum(SCENARIO_SHARES.values()))))
    checkpoints = geo.checkpoints.set_index("checkpoint_id", drop=False)
    land = checkpoints[checkpoints["kind"].isin(["land_port_class1", "land_port_class2"])]
    segments: list[pd.DataFrame] = []  # where, what and when of each scenario, before the shared attributes

    def days_for(items: np.ndarray, profile: np.ndarray) -> np.ndarray:
        picked = np.empty(len(items), dtype=np.int64)
        for item in np.unique(items):
            mask = items == item
            weight = calendar * profile * _control_response(days, effective.get(item))
            picked[mask] = _sample_days(rng, days, weight, int(mask.sum()))
        return picked

    # Land ports and trails: a crossing by traffic, items by the border it is on.
    crossing_weights = {cid: CROSSING_WEIGHTS.get(cid, 1.0) for cid in land.index}
    trails = {cid: build_trail(geo, land.at[cid, "lon"], land.at[cid, "lat"], rng) for cid in land.index}
    for channel in ("land_port", "unofficial_path"):
        at = _choice(rng, crossing_weights, counts[channel])
        border = land.loc[at, "counterpart_iso3"].fillna("VNM").to_numpy()
        items = np.empty(len(at), dtype=object)
        for country in np.unique(border):
            mask = border == country
            items[mask] = _choice(rng, ITEM_MIX.get(country, ITEM_MIX["VNM"]), int(mask.sum()))
        if channel == "land_port":
            lon, lat = land.loc[at, "lon"].to_numpy(), land.loc[at, "lat"].to_numpy()
            precision, jitter_km = land.loc[at, "geo_precision"].to_numpy(), 0.3
        else:
            lon, lat = _trail_points(rng, trails, at)
            precision, jitter_km = _choice(rng, TRAIL_PRECISION, len(at)), 0.05
        segments.append(pd.DataFrame({
                     "channel": channel, "lon": lon, "lat": lat, "jitter_km": jitter_km, "geo_precision": precision,
                     "checkpoint_id": at, "hub_id": None, "item": items, "destination_iso3": border,
                     "day": days_for(items, np.ones(len(days)))}))

    # Sea ports, postal hubs and air cargo in the hub cities.
    for channel, kind, jitter_km in (("sea_port", "sea_port", 1.0), ("postal_express", "postal_hub", 2.0),
                                     ("air_cargo", "postal_hub", 4.0)):
        sites = checkpoints[checkpoints["kind"] == kind]
        at = sites.index.to_numpy()[rng.integers(0, len(sites), counts[channel])]
        items = _choice(rng, ITEM_MIX[channel], len(at))
        segments.append(pd.DataFrame({
                     "channel": channel, "lon": sites.loc[at, "lon"].to_numpy(), "lat": sites.loc[at, "lat"].to_numpy(),
                     "jitter_km": jitter_km, "geo_precision": _choice(rng, CITY_PRECISION, len(at)),
                     "checkpoint_id": at if channel != "air_cargo" else None, "hub_id": None, "item": items,
                     "destination_iso3": _choice(rng, BY_CHANNEL["destination"][channel], len(at)),
                     "day": days_for(items, np.ones(len(days)))}))

    # Processing hubs in China: the items each handles.
    hubs = geo.hubs[geo.hubs["country_iso3"] == "CHN"].set_index("hub_id", drop=False)
    at = hubs.index.to_numpy()[rng.integers(0, len(hubs), counts["processing_hub"])]
    items = np.empty(len(at), dtype=object)
    for hub_id in np.unique(at):
        mask = at == hub_id
        handled = [item.code for item in ITEMS if item.group in set(hubs.at[hub_id, "item_groups"])]
        items[mask] = _choice(rng, dict.fromkeys(handled, 1.0), int(mask.sum()))
    destination = _choice(rng, {**BY_CHANNEL["destination"]["processing_hub"], None: 0.6}, len(at))
    segments.append(pd.DataFrame({
                 "channel": "processing_hub", "lon": hubs.loc[at, "lon"].to_numpy(), "lat": hubs.loc[at, "lat"].to_numpy(),
                 "jitter_km": 6.0, "geo_precision": hubs.loc[at, "geo_precision"].to_numpy(),
                 "checkpoint_id": None, "hub_id": at, "item": items, "destination_iso3": destination,
                 "day": days_for(items, np.ones(len(days)))}))

    # The planted patterns: trails of their own, with their own course in time.
    for scenario, trail, crossing in _planted_trails(geo, rng, land):
        size = counts[scenario]
        items = _choice(rng, ITEM_MIX[scenario], size)
        pick = rng.integers(0, len(trail.lon), size)
        picked_days = _sample_days(rng, days, calendar * _pattern_profile(days, scenario), size)
        segments.append(pd.DataFrame({
                     "channel": "unofficial_path", "lon": trail.lon[pick], "lat": trail.lat[pick], "jitter_km": 0.05,
                     "geo_precision": "point", "checkpoint_id": crossing,
                     "hub_id": None, "item": items, "destination_iso3": land.at[crossing, "counterpart_iso3"], "day": picked_days}))

    return _finish(geo, rng, pd.concat(segments, ignore_index=True), days, pd.Timestamp(end), seed)


def _jitter(rng: np.random.Generator, lon: np.ndarray, lat: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scatter points around their site, ``km`` being about two standard deviations."""
    dlon, dlat = _km_to_deg(lat)
    return lon + rng.normal(0, 1, len(lon)) * km / 2 * dlon, lat + rng.normal(0, 1, len(lat)) * km / 2 * dlat


def _trail_points(rng: np.random.Generator, trails: dict[str, _Trail], at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.empty(len(at)), np.empty(len(at))
    for cid, trail in trails.items():
        mask = at == cid
        pick = rng.integers(0, len(trail.lon), int(mask.sum()))
        lon[mask], lat[mask] = trail.lon[pick], trail.lat[pick]
    return lon, lat


def _planted_trails(geo: DemoGeography, rng: np.random.Generator, land: pd.DataFrame):
    """(scenario, trail, nearest crossing) for the three planted patterns."""
    units = geo.admin_units.set_index("name_zh")
    napo = units.loc["那坡县"]
    yield "PERSISTENT", build_trail(geo, land.at["dongxing", "lon"], land.at["dongxing", "lat"], rng,
                                    radius_km=6.0, max_boundary_km=2.0, points=40), "dongxing"
    yield "FADING", build_trail(geo, land.at["hekou", "lon"], land.at["hekou", "lat"], rng,
                                radius_km=8.0, max_boundary_km=2.0, points=40), "hekou"
    yield "CORRIDOR", build_trail(geo, napo["anchor_lon"], napo["anchor_lat"], rng, radius_km=30.0,
                                  max_boundary_km=3.0, points=60, county_code=napo["code"], stretch_km=8.0), "longbang"


def _finish(geo: DemoGeography, rng: np.random.Generator, seg: pd.DataFrame, days: pd.DatetimeIndex,
            end: pd.Timestamp, seed: int) -> pd.DataFrame:
    """Draw the attributes every scenario shares and place each row on the map."""
    n = len(seg)
    seg = seg.sample(frac=1.0, random_state=seed).reset_index(drop=True) if n else seg
    channel = seg["channel"].to_numpy(dtype=object)
    items = seg["item"].to_numpy(dtype=object)

    # Where: scatter around the site, back to the site itself where that left China; coarse
    # records sit on their county's or province's anchor point, as a record known only to the
    # county would.
    site_lon, site_lat = seg["lon"].to_numpy(float), seg["lat"].to_numpy(float)
    lon, lat = _jitter(rng, site_lon, site_lat, seg["jitter_km"].to_numpy(float))
    outside = (geo.locate(lon, lat)["country_iso3"] != "CHN").to_numpy()
    lon[outside], lat[outside] = site_lon[outside], site_lat[outside]
    where = geo.locate(lon, lat)
    precision = seg["geo_precision"].to_numpy(dtype=object)
    units = geo.admin_units.set_index("code")
    for level in ("county", "province"):
        code = where[f"{level}_code"].to_numpy(dtype=object)
        mask = (precision == level) & pd.notna(code)
        lon[mask] = units.loc[code[mask], "anchor_lon"].to_numpy()
        lat[mask] = units.loc[code[mask], "anchor_lat"].to_numpy()
    precision = np.where((precision == "county") & pd.isna(where["county_code"].to_numpy(dtype=object)), "town", precision)
    where = geo.locate(lon, lat)
    county = where["county_code"].to_numpy(dtype=object, copy=True)
    zone = where["zone_code"].to_numpy(dtype=object, copy=True)
    coarse = precision == "province"
    county[coarse], zone[coarse] = None, None

    # When: the sampled day, an hour that fits the channel, truncated to the record's precision.
    hours = _hours(rng, channel)
    true_time = pd.Series(days[seg["day"].to_numpy()]) + pd.to_timedelta(hours * 3600, unit="s").round("s")
    late = true_time > end
    true_time[late] = end - pd.to_timedelta(rng.integers(60, 6 * 3600, int(late.sum())), unit="s")
    time_precision = _choice(rng, TIME_PRECISION, n)
    lag = pd.to_timedelta(np.exp(rng.normal(np.log(2 * 86400), 1.0, n)).round(), unit="s")
    ingested = (true_time + lag).where(true_time + lag <= end, end)

    # What: form, quantity and value.
    forms = _forms(rng, items, channel)
    median = np.array([QUANTITY[c][0] for c in channel]) * np.where(np.isin(items, list(HIGH_VALUE_ITEMS)) & (channel != "postal_express"), 0.2, 1.0)
    sigma = np.array([QUANTITY[c][1] for c in channel])
    quantity = np.clip(np.exp(rng.normal(np.log(median), sigma)), 0.001, 2_000_000).round(3)
    per_kg = np.array([ITEM_BY_CODE[i].cny_per_kg for i in items]) * np.array([FORM_VALUE[f] for f in forms])
    value = (quantity * per_kg * np.exp(rng.normal(0, 0.25, n))).round(0)
    group = np.array([ITEM_BY_CODE[i].group for i in items], dtype=object)

    # How: concealment, declared-as, detection and agency by channel.
    attributes = {name: np.empty(n, dtype=object) for name in ("concealment", "detection", "agency")}
    for c in np.unique(channel):
        mask = channel == c
        for name, values in attributes.items():
            values[mask] = _choice(rng, BY_CHANNEL[name][c], int(mask.sum()))
    declared = np.full(n, None, dtype=object)
    for g in np.unique(group):
        mask = (group == g) & np.isin(attributes["concealment"], ["false_declaration", "mixed_with_legal_goods"])
        goods = COVER_GOODS[COVER_BY_GROUP[g]]
        declared[mask] = np.array(goods, dtype=object)[rng.integers(0, len(goods), int(mask.sum()))]

    # Case status by age: most old cases are closed.
    age = (end - true_time).dt.days.to_numpy()
    u = rng.random(n)
    status = np.where(u < np.minimum(0.9, age / 700), "closed",
                      np.where(age < 30, "open", np.where(u < 0.93, "under_investigation", "referred_for_prosecution")))
    words = {name: _words(rng, attributes[name], WORDS[name]) for name in ("concealment", "detection")}

    return pd.DataFrame(
        {
            "source": SOURCE,
            "source_id": [f"DEMO-{seed}-{i:07d}" for i in range(n)],
            "occurred_at": _truncate(true_time, time_precision).astype("datetime64[us]"),
            "time_precision": time_precision.astype(str),
            "lon": lon.round(6),
            "lat": lat.round(6),
            "geo_precision": precision.astype(str),
            "country_iso3": where["country_iso3"].to_numpy(dtype=object),
            "province_code": where["province_code"].to_numpy(dtype=object),
            "county_code": county,
            "zone_code": zone,
            "channel": channel,
            "checkpoint_id": seg["checkpoint_id"].to_numpy(dtype=object),
            "hub_id": seg["hub_id"].to_numpy(dtype=object),
            "item": items,
            "item_group": group,
            "form": forms,
            "quantity_kg": quantity,
            "value_cny": value,
            "declared_as": declared,
            "concealment": attributes["concealment"],
            "concealment_text": words["concealment"],
            "detection": attributes["detection"],
            "detection_text": words["detection"],
            "agency": attributes["agency"],
            "destination_iso3": seg["destination_iso3"].to_numpy(dtype=object),
            "case_status": status,
            "source_ref": SOURCE_REF,
            "is_synthetic": True,
            "ingested_at": ingested.astype("datetime64[us]"),
        }
    )
