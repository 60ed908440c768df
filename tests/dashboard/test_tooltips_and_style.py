"""Map layers: tooltips escape what records say, the deck fetches nothing, payload pieces are compact."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk
import pytest
import shapely

from dashboard import live_layers, map_layers, pydeck_adapters, style
from dashboard.i18n import t
from dashboard.tooltips import TOOLTIP, markdown_text, tooltip_fields
from queries.constants import ITEM_GROUPS

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
EMPTY_BASE = {"areas": "[]", "areas_and_zones": "[]", "lines": "[]", "lines_and_zones": "[]"}


def point(**overrides) -> dict:
    row = {
        "seizure_id": 7, "occurred_at": pd.Timestamp("2025-06-01 03:10"), "time_precision": "exact", "lon": 106.7,
        "lat": 21.9, "geo_precision": "point", "channel": "unofficial_path", "item": "gallium", "item_group": "Ga",
        "form": "metal", "quantity_kg": 2.5, "value_cny": 6500.0, "destination_iso3": "VNM", "is_synthetic": True,
        "is_new": False,
        "checkpoint_en": HOSTILE, "checkpoint_zh": "友谊关", "hub_en": None, "hub_zh": None, "county_en": None,
        "county_zh": "凭祥市",
    }
    row.update(overrides)
    return row


def test_the_tooltip_is_a_text_template_so_record_text_is_never_parsed_as_html():
    assert set(TOOLTIP) == {"text", "style"} and "html" not in TOOLTIP
    fields = tooltip_fields(HOSTILE, [("Declared as", HOSTILE), ("Agency", None), ("Value", float("nan")),
                                      ("Kind", "port")])
    assert fields == {"title": HOSTILE, "detail": f"Declared as: {HOSTILE}\nKind: port"}  # shown literally


def test_markdown_text_shows_markup_literally():
    text = markdown_text("[click](javascript:alert(1)) <b>*bold*</b>")
    assert "<b>" not in text and "\\[click\\]" in text and "\\*bold\\*" in text


def test_seizure_layers_carry_tooltips_in_the_chosen_language_and_ring_the_new_ones():
    points = pd.DataFrame([point(), point(seizure_id=8, is_new=True)])
    serialized = pydeck_adapters.deck(live_layers.seizure_layers(points, "zh")).to_json()
    assert "合成（演示）" in serialized and "镓" in serialized  # synthetic mark and group name in Chinese
    spec = json.loads(serialized)
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == ["seizures", "new-seizures"] and len(spec["layers"][1]["data"]) == 1


def test_hexagons_carry_their_cell_and_a_density_colour():
    hexagons = pd.DataFrame({"cell": np.array([0x85415BD7FFFFFFF, 0x85415BDBFFFFFFF], dtype="uint64"),
                             "seizures": [1, 100], "kg": [2.0, 5000.0], "value_cny": [10.0, 1e6],
                             "largest_group": ["Ga", "Sb"], "last_occurred": pd.to_datetime(["2026-01-01", "2026-02-01"]),
                             "newest_id": [1, 2], "total_cells": [2, 2]})
    spec = json.loads(pydeck_adapters.deck([live_layers.hexagon_layer(hexagons, "count", "en"),
                                   live_layers.heatmap_layer(hexagons, "kg")]).to_json())
    hex_layer, heat = spec["layers"]
    assert [row["hex"] for row in hex_layer["data"]] == ["85415bd7fffffff", "85415bdbfffffff"]
    low, high = (row["colour"] for row in hex_layer["data"])
    ramp = [list(rgb) for rgb in style.DENSITY_RAMP]
    assert ramp.index(low[:3]) < ramp.index(high[:3]) == len(ramp) - 1
    assert heat["@@type"] == "HeatmapLayer" and [row["w"] for row in heat["data"]] == [2.0, 5000.0]


def test_the_deck_asks_for_no_base_map_and_the_page_behind_it_is_the_sea():
    spec = json.loads(pydeck_adapters.deck([]).to_json())
    assert "mapbox" not in json.dumps(spec).lower() and "carto" not in json.dumps(spec).lower()
    assert "http" not in json.dumps(spec)
    # pydeck's "no base map" sentinel: Streamlit then draws no MapLibre map and puts in no Carto style
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    assert theme["backgroundColor"].lower() == style.hex_colour(style.SEA).lower()


def test_every_group_has_a_colour():
    assert set(style.GROUP_COLOURS) == set(ITEM_GROUPS)


def test_density_colours_climb_the_ramp_with_the_weight():
    colours = style.density_colours([0, 1, 10, 1000])
    assert colours[0][:3] == list(style.DENSITY_RAMP[0]) and colours[-1][:3] == list(style.DENSITY_RAMP[-1])
    assert style.density_colours([]) == []


def test_seizure_radius_grows_with_quantity():
    radius = live_layers.seizure_radius_px([0.01, 1, 1000, 100000])
    assert list(radius) == sorted(radius) and radius[0] >= 2 and radius[-1] < 12


def test_size_units_reach_deck_gl_as_the_string_pixels_and_the_json_is_compact():
    points = pd.DataFrame({"item_group": ["Ga"], "lon": [106.7], "lat": [21.9], "quantity_kg": [1.0]})
    layer = pdk.Layer("ScatterplotLayer", data=points, radius_units=pydeck_adapters.PIXELS)
    spec = pydeck_adapters.deck([layer, *map_layers.base_layers(EMPTY_BASE, show_zones=True, lang="en")]).to_json()
    assert '"radiusUnits":"pixels"' in spec and '"widthUnits":"pixels"' in spec and "@@=pixels" not in spec
    assert "\n" not in spec and ": " not in spec


def test_the_legend_follows_the_layers_and_language():
    english = style.legend_html("en", ("points", "places"), "heatmap", "Count")
    assert "Gallium" in english and "Checkpoint" in english and "Density of seizures (Count)" in english
    assert "International land boundary" not in english
    chinese = style.legend_html("zh", ("zones",), "none", "起数")
    assert "陆地国界" in chinese and "镓" not in chinese and "密度" not in chinese
    assert "Just became" not in english
    assert "Just became a new or intensifying hot spot" in style.legend_html("en", (), "none", "Count", alerts=True)


def test_the_analysis_legends_show_every_confidence_bin_or_the_categories_found():
    bins = style.analysis_legend_html("en", "hotspots")
    assert all(f"spot, {level} % confidence" in bins for level in (90, 95, 99)) and "Not significant" in bins
    emerging = style.analysis_legend_html("zh", "emerging", ("intensifying hot spot", "historical cold spot"))
    assert "增强热点" in emerging and "历史冷点" in emerging and "无明显模式" in emerging and "新增热点" not in emerging
    assert "Cluster" in style.analysis_legend_html("en", "clusters")
    with pytest.raises(ValueError, match="kind must be"):
        style.analysis_legend_html("en", "heatmap")


def test_the_base_map_is_three_layers_with_the_boundary_drawn_once_on_top():
    import shapely

    from dashboard.data import base_geography
    from geodata.reference import load_layer

    base = {name: json.loads(text) for name, text in base_geography("en").items()}
    kinds = [row.get("kind") for row in base["lines_and_zones"]]
    assert kinds == sorted(kinds, key=lambda kind: kind or 0)  # provinces, then zones, then the boundary on top
    assert {map_layers.ZONE_LINE, map_layers.BOUNDARY_LINE, None} == set(kinds)
    boundary = shapely.union_all(load_layer("boundary").geometry.to_numpy())
    provinces = [row for row in base["lines_and_zones"] if "kind" not in row]
    middles = shapely.points([[(a + b) / 2 for a, b in zip(row["s"], row["t"])] for row in provinces])
    assert not shapely.dwithin(middles, boundary, 0.009).any()  # left to the boundary's own line
    assert len(base["lines"]) > len(provinces)  # without the zones, the provinces' own lines show China's edge
    zone = next(row for row in base["areas_and_zones"] if row["title"].startswith("Border zone: Pingxiang"))
    assert "Borders: Viet Nam" in zone["detail"]
    assert [row["title"] for row in base["areas"] if row["fill"] == list(style.CHINA_FILL)][0] == "China"
    ids = [layer.id for layer in map_layers.base_layers(base_geography("en"), show_zones=True, lang="en")]
    assert ids == ["areas", "lines", "names"]


def test_the_base_map_names_the_neighbours_and_provinces_in_the_chosen_language_inside_the_first_view():
    from geodata.reference import load_layer

    view = map_layers.live_view()
    english, chinese = (
        {row["text"]: row for row in json.loads(map_layers.labelled_deck(map_layers.base_layers(EMPTY_BASE, True, lang))
                                                .to_json())["layers"][2]["data"]}
        for lang in ("en", "zh")
    )
    assert {"VIET NAM", "LAOS", "MYANMAR", "Yunnan", "Guangxi"} <= set(english)
    assert {"越南", "老挝", "缅甸", "云南省", "广西壮族自治区"} <= set(chinese) and "CHINA" not in english
    assert "Macau" not in english and "Guangdong" not in english  # outside the first view
    countries = load_layer("countries").set_index("iso3").geometry
    for text, iso3 in (("VIET NAM", "VNM"), ("LAOS", "LAO"), ("MYANMAR", "MMR")):
        row = english[text]
        x, y = view.pixels(row["lon"], row["lat"])
        assert countries[iso3].contains(shapely.Point(row["lon"], row["lat"])) and 0 < x < view.width and 0 < y < view.height
    yunnan = load_layer("provinces").set_index("name_en").geometry["Yunnan"]
    assert yunnan.contains(shapely.Point(english["Yunnan"]["lon"], english["Yunnan"]["lat"]))
    assert english["LAOS"]["colour"] == list(style.COUNTRY_NAME) and english["LAOS"]["size"] > english["Yunnan"]["size"]


def test_density_hexagons_are_polygons_with_the_cells_own_outline():
    import h3

    cells = pd.DataFrame({"cell": [int("85415a83fffffff", 16)], "seizures": [3], "kg": [10.0], "value_cny": [1e4],
                          "largest_group": ["Sb"], "last_occurred": [pd.Timestamp("2026-11-01")]})
    spec = json.loads(pydeck_adapters.deck([live_layers.hexagon_layer(cells, "count", "en")]).to_json())
    hexagon = spec["layers"][0]
    assert hexagon["@@type"] == "SolidPolygonLayer" and hexagon["pickable"]
    ring = hexagon["data"][0]["polygon"]
    expected = [[lon, lat] for lat, lon in h3.cell_to_boundary("85415a83fffffff")]
    assert np.allclose(ring, expected, atol=1e-5) and hexagon["data"][0]["hex"] == "85415a83fffffff"


def test_places_are_symbols_and_names_on_one_text_layer_type_with_their_tooltips():
    checkpoints = pd.DataFrame({
        "checkpoint_id": ["youyiguan"], "lon": [106.76], "lat": [22.11], "name_en": ["Youyiguan <b>"],
        "name_zh": ["友谊关"], "kind": ["land_port_class1"], "county_en": ["Pingxiang"], "county_zh": ["凭祥市"],
        "counterpart": ["Huu Nghi"], "counterpart_iso3": ["VNM"], "seizures": [12], "geo_precision": ["point"],
    })
    hubs = pd.DataFrame({"hub_id": ["h1"], "lon": [104.1], "lat": [25.3], "name_en": ["Hub"], "name_zh": ["枢纽"],
                         "kind": ["smelter"], "item_groups": [["Sb"]], "country_iso3": ["CHN"], "seizures": [3],
                         "note": [None]})
    spec = json.loads(map_layers.labelled_deck([*map_layers.checkpoint_layers(checkpoints, "en"),
                                                live_layers.hub_layer(hubs, "en")]).to_json())
    (places, hub_layer) = spec["layers"]
    assert {places["@@type"], hub_layer["@@type"]} == {"TextLayer"} and places["pickable"] and hub_layer["pickable"]
    assert {key for key in places if key.startswith("get")} == {key for key in hub_layer if key.startswith("get")}
    assert [row["text"] for row in places["data"]] == [map_layers.CHECKPOINT_MARK, "Youyiguan <b>"]
    assert all(row["checkpoint_id"] == "youyiguan" and row["title"] == "Youyiguan <b> 友谊关" for row in places["data"])
    assert [row["text"] for row in hub_layer["data"]] == [map_layers.HUB_MARK] and hub_layer["data"][0]["hub_id"] == "h1"


def _details(layer) -> dict[str, str]:
    """The tooltip detail of each place of a place layer by its id (its symbol's row; the name's repeats it)."""
    spec = json.loads(pydeck_adapters.deck([layer]).to_json())["layers"][0]
    return {row.get("checkpoint_id") or row["hub_id"]: row["detail"] for row in spec["data"]
            if row["text"] in (map_layers.CHECKPOINT_MARK, map_layers.HUB_MARK)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_place_tooltip_leaves_out_what_is_not_known_and_never_says_nan(lang):
    checkpoints = pd.DataFrame({
        "checkpoint_id": ["beihai", "houqiao", "youyiguan"], "lon": [109.1, 98.3, 106.76], "lat": [21.5, 25.3, 22.11],
        "name_en": ["Beihai", "Houqiao", "Youyiguan"], "name_zh": ["北海", "猴桥", "友谊关"],
        "kind": ["sea_port", "land_port_class1", "land_port_class1"], "county_en": [None, "Tengchong", "Pingxiang"],
        "county_zh": [None, "腾冲市", "凭祥市"], "counterpart": [None, "Kanpiketi", "Huu Nghi"],
        "counterpart_iso3": [None, None, "VNM"], "seizures": [0, 4, 12], "geo_precision": ["town", "town", "point"],
    }).astype({"counterpart": "str", "counterpart_iso3": "str", "county_en": "str", "county_zh": "str"})
    hubs = pd.DataFrame({"hub_id": ["h1"], "lon": [104.1], "lat": [25.3], "name_en": ["Hub"], "name_zh": ["枢纽"],
                         "kind": ["smelter_refinery"], "item_groups": [["Sb"]], "country_iso3": [None], "seizures": [3],
                         "note": [float("nan")]}).astype({"country_iso3": "str"})
    details = _details(map_layers.checkpoint_layers(checkpoints, lang)[0])
    beihai, houqiao, youyiguan = (details[key] for key in ("beihai", "houqiao", "youyiguan"))
    (hub,) = _details(live_layers.hub_layer(hubs, lang)).values()
    across = t("across_border", lang)
    assert across not in beihai  # no counterpart: no line
    assert f"{across}: Kanpiketi\n" in houqiao  # a counterpart without its country: the name alone
    assert f"{across}: Huu Nghi (" in youyiguan and "VNM" not in youyiguan  # the country's name
    for detail in (beihai, houqiao, youyiguan, hub):
        assert "nan" not in detail.lower() and "()" not in detail and ": \n" not in detail
