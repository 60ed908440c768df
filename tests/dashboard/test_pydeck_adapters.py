"""What dashboard/pydeck_adapters.py relies on in pydeck and in st.pydeck_chart: an upgrade of either that
breaks a work-around fails here, by name, rather than as a blank map."""

from __future__ import annotations

import json

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from streamlit.testing.v1 import AppTest

from dashboard.pydeck_adapters import DataURL, PrebuiltDeck, deck, frame_layer
from dashboard.tooltips import TOOLTIP

ROWS = pd.DataFrame({"lon": [106.76, 98.3], "lat": [22.11, 25.3], "title": ["友谊关", "猴桥"]})


def test_pydeck_keeps_a_layers_rows_in_data_and_writes_them_as_data():
    """frame_layer replaces ``Layer._data``: pydeck must keep the rows there and serialize it as ``data``."""
    layer = pdk.Layer("ScatterplotLayer", data=[{"lon": 1}], id="x")
    assert layer._data == [{"lon": 1}] and layer.data is layer._data
    assert default_serialize(layer)["data"] == [{"lon": 1}]


def test_frame_layers_reach_the_decks_json_written_by_pandas_compact_and_in_utf8():
    layers = [
        frame_layer("ScatterplotLayer", ROWS.set_index("title", drop=False), id="frame"),
        frame_layer("TextLayer", '[{"text":"凭祥"}]', id="text"),
        frame_layer("SolidPolygonLayer", DataURL("/app/static/base/areas-en-0123.json"), id="url"),
    ]
    text = deck(layers).to_json()
    assert "\n" not in text and ": " not in text and "友谊关" in text  # no indentation, no \\uXXXX escapes
    spec = json.loads(text)
    frame, texts, url = spec["layers"]
    assert frame["data"] == ROWS.to_dict("records") and frame["@@type"] == "ScatterplotLayer" and frame["id"] == "frame"
    assert texts["data"] == [{"text": "凭祥"}]
    assert url["data"] == "/app/static/base/areas-en-0123.json"  # left for the browser to fetch
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec  # no base map: Streamlit adds none


def _prebuilt_chart():
    import streamlit as st

    from dashboard.pydeck_adapters import PrebuiltDeck

    st.pydeck_chart(PrebuiltDeck('{"layers":[],"prebuilt":true}'))


def test_st_pydeck_chart_sends_a_prebuilt_decks_json_and_tooltip_as_they_are():
    """PrebuiltDeck is read by st.pydeck_chart only through ``to_json()`` and its ``_tooltip``."""
    assert PrebuiltDeck("{}")._tooltip == TOOLTIP
    app = AppTest.from_function(_prebuilt_chart)
    app.run()
    assert not app.exception
    (chart,) = app.get("deck_gl_json_chart")
    assert chart.proto.json == '{"layers":[],"prebuilt":true}'
    assert json.loads(chart.proto.tooltip) == TOOLTIP
