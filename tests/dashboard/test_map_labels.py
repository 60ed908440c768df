"""Maps that read: the first view frames the whole border region, labels are placed so that none overlaps
another or leaves the map, the neighbours are named, the halo shows, and the density legend has numbers."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard import live_layers, map_layers, style
from dashboard.results import view_of
from geodata.demo_geography import demo_geography
from geodata.label_placement import mark_boxes, text_boxes
from geodata.reference import load_layer

EMPTY_BASE = {"areas": "[]", "areas_and_zones": "[]", "lines": "[]", "lines_and_zones": "[]"}


def places(busiest: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo checkpoints and hubs as the live map gets them (``busiest`` with the most seizures)."""
    geography = demo_geography()
    checkpoints = geography.checkpoints.assign(county_en=None, county_zh=None, seizures=10)
    if busiest:
        checkpoints.loc[checkpoints["checkpoint_id"] == busiest, "seizures"] = 1000
    hubs = geography.hubs.assign(seizures=1)
    return checkpoints, hubs


def text_rows_of(spec: dict) -> pd.DataFrame:
    return pd.concat([pd.DataFrame(layer["data"]).assign(layer=layer["id"]) for layer in spec["layers"]
                      if layer["@@type"] == "TextLayer"], ignore_index=True)


def live_spec(lang: str, busiest: str | None = None) -> dict:
    checkpoints, hubs = places(busiest)
    layers = [*map_layers.base_layers(EMPTY_BASE, True, lang), live_layers.hub_layer(hubs, lang),
              *map_layers.checkpoint_layers(checkpoints, lang)]
    return json.loads(map_layers.labelled_deck(layers).to_json())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_two_labels_of_the_first_view_overlap_and_none_leaves_the_map(lang):
    view = map_layers.live_view()
    rows = text_rows_of(live_spec(lang))
    x, y = view.pixels(rows["lon"].to_numpy(float), rows["lat"].to_numpy(float))
    marks = rows["text"].isin([map_layers.CHECKPOINT_MARK, map_layers.HUB_MARK]).to_numpy()
    boxes = np.where(marks[:, None], mark_boxes(x, y, rows["size"]),
                     text_boxes(x, y, rows["text"], rows["size"], rows["anchor"], rows["offset"]))
    names = np.flatnonzero(~marks)
    assert len(names) >= 20
    owner = (rows["layer"] + ":" + rows["checkpoint_id"].fillna(rows["text"]).astype(str)).to_numpy()
    for index in names:
        left, top, right, bottom = boxes[index]
        assert left >= 0 and top >= 0 and right <= view.width and bottom <= view.height, rows["text"][index]
        others = (boxes[:, 0] < right) & (left < boxes[:, 2]) & (boxes[:, 1] < bottom) & (top < boxes[:, 3])
        others &= (owner != owner[index]) & (np.arange(len(rows)) != index)
        assert not others.any(), (rows["text"][index], rows["text"][others].tolist())


def test_the_first_view_frames_the_whole_border_and_names_the_three_neighbours_and_the_crowded_ports():
    view = map_layers.live_view()
    west, south, east, north = load_layer("zones").total_bounds
    x, y = view.pixels([west, east], [north, south])
    assert (x >= 0).all() and (x <= view.width).all() and (y >= 0).all() and (y <= view.height).all()
    assert west < 97.6 and view.degrees(0, 0)[0] < 97.3  # western Yunnan (Ruili, Tengchong) in view
    english, chinese = (set(text_rows_of(live_spec(lang))["text"]) for lang in ("en", "zh"))
    assert {"MYANMAR", "LAOS", "VIET NAM", "Ruili", "Youyiguan", "Hekou", "Dongxing", "Houqiao"} <= english
    assert {"缅甸", "老挝", "越南", "瑞丽", "友谊关", "河口", "东兴", "猴桥"} <= chinese
    countries = load_layer("countries").set_index("iso3").geometry
    rows = text_rows_of(live_spec("en")).set_index("text")
    for text, iso3 in (("MYANMAR", "MMR"), ("LAOS", "LAO"), ("VIET NAM", "VNM")):
        assert countries[iso3].contains(shapely.Point(rows.loc[text, "lon"], rows.loc[text, "lat"]))


def test_the_busier_of_two_crowded_places_keeps_its_name():
    for busier, other in (("ruili", "wanding"), ("wanding", "ruili")):
        rows = text_rows_of(live_spec("en", busiest=busier))
        named = set(rows.loc[rows["layer"] == "checkpoints"].groupby("checkpoint_id").size().loc[lambda n: n > 1].index)
        assert busier in named, (busier, other, named)


def test_an_analysis_map_keeps_the_border_region_around_a_result():
    near_kunming = gpd.GeoDataFrame(geometry=[shapely.box(102.6, 24.9, 102.9, 25.2)], crs="EPSG:4326")
    view = view_of(near_kunming)
    west, south, east, north = load_layer("zones").total_bounds
    x, y = view.pixels([west, east], [north, south])
    assert (x >= 0).all() and (x <= view.width).all() and (y >= 0).all() and (y <= view.height).all()
    far = gpd.GeoDataFrame(geometry=[shapely.box(113.2, 23.0, 113.3, 23.2)], crs="EPSG:4326")  # Guangzhou
    assert view_of(far).pixels(113.3, 23.0)[0] <= view_of(far).width


def test_the_labels_halo_reaches_two_pixels_at_the_places_size():
    settings = map_layers.FONT_SETTINGS
    layer = json.loads(map_layers.labelled_deck(map_layers.base_layers(EMPTY_BASE, True, "en")).to_json())["layers"][2]
    assert 0 < layer["outlineWidth"] <= 1 and layer["fontSettings"] == settings and layer["fontWeight"] >= 600
    # deck.gl draws the outline where the distance field falls to its smoothing (0.1), 0.65 of its radius
    # from the glyph's edge, within the buffer that each glyph keeps round it (atlas pixels)
    reach = min(settings["buffer"], 0.65 * settings["radius"]) * map_layers.PLACE_SIZE / settings["fontSize"]
    assert reach >= 2


def test_the_density_legend_says_the_counts_of_each_colour():
    legend = style.legend_html("en", ("places",), "hexagons", "Count", density_top=1354, whole=True)
    ranges = re.findall(r"background:(#[0-9a-f]{6});[^>]*></span>([\d,]+)(?:–([\d,]+))?<", legend)
    assert [low for _, low, _ in ranges][:2] == ["1", "6"] and ranges[-1][2] == "1,354"
    for colour, low, high in ranges:  # each number is drawn in the colour written beside it
        for count in (low, high or low):
            drawn = style.density_colours([int(count.replace(",", "")), 1354])[0][:3]
            assert style.hex_colour(tuple(drawn)) == colour
    assert "–" not in style.legend_html("en", ("places",), "heatmap", "Count", density_top=1354)
    kg = style.legend_html("zh", (), "hexagons", "千克", density_top=35.5, whole=False)
    assert "0–" in kg and "36<" in kg and "<script" not in kg
