"""Tooltips escape what records say; every group and channel has a colour or label in both languages."""

from __future__ import annotations

import base64
import json

import pandas as pd

from dashboard import layers, style
from dashboard.tooltips import tooltip_fields
from queries.constants import CHANNELS, ITEM_GROUPS

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_tooltip_fields_escape_title_and_values_and_drop_empty_ones():
    fields = tooltip_fields(HOSTILE, [("Declared as", HOSTILE), ("Agency", None), ("Value", float("nan"))])
    assert "<script>" not in fields["title"] and "<img" not in fields["title"]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in fields["detail"]
    assert "Agency" not in fields["detail"] and "Value" not in fields["detail"]


def test_seizure_layer_carries_escaped_tooltips_for_hostile_records():
    points = pd.DataFrame([{
        "occurred_at": pd.Timestamp("2025-06-01 03:10"), "time_precision": "exact", "lon": 106.7, "lat": 21.9,
        "geo_precision": "point", "channel": "unofficial_path", "item": "gallium", "item_group": "Ga", "form": "metal",
        "quantity_kg": 2.5, "value_cny": 6500.0, "declared_as": HOSTILE, "agency": "customs",
        "destination_iso3": "VNM", "case_status": "open", "is_synthetic": True, "site_en": HOSTILE, "site_zh": "友谊关",
        "county_en": None, "county_zh": "凭祥市", "total_rows": 1,
    }])
    layer = layers.seizure_layer(points)
    serialized = layers.deck([layer]).to_json()
    assert "<script>" not in serialized and "onerror=\"alert" not in serialized
    assert "&lt;script&gt;" in serialized
    assert "SYNTHETIC (demo)" in serialized


def test_the_deck_requests_no_tiles_and_carries_its_own_all_sea_style():
    spec = json.loads(layers.deck([]).to_json())
    assert "mapbox" not in json.dumps(spec).lower() and "carto" not in json.dumps(spec).lower()
    assert "http" not in json.dumps(spec)
    style_json = json.loads(base64.b64decode(spec["mapStyle"].split(",", 1)[1]))
    assert style_json["sources"] == {} and [layer["type"] for layer in style_json["layers"]] == ["background"]


def test_every_group_has_a_colour_and_every_code_both_names():
    assert set(style.GROUP_COLOURS) == set(ITEM_GROUPS)
    for code in (*ITEM_GROUPS, *CHANNELS):
        english, chinese = style.label(code, "en"), style.label(code, "zh")
        assert english != code and chinese != code and english != chinese


def test_seizure_radius_grows_with_quantity():
    radius = layers.seizure_radius_px([0.01, 1, 1000, 100000])
    assert list(radius) == sorted(radius) and radius[0] >= 2 and radius[-1] < 12


def test_size_units_reach_deck_gl_as_the_string_pixels_and_the_json_is_compact():
    points = pd.DataFrame({"item_group": ["Ga"], "lon": [106.7], "lat": [21.9], "quantity_kg": [1.0]})
    layer = layers.pdk.Layer("ScatterplotLayer", data=points, radius_units=layers.PIXELS)
    spec = layers.deck([layer, *layers.base_layers([], [], [], [])]).to_json()
    assert '"radiusUnits":"pixels"' in spec and '"widthUnits":"pixels"' in spec and "@@=pixels" not in spec
    assert "\n" not in spec and ": " not in spec
