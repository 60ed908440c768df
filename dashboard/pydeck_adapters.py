"""Where Cordon reaches into pydeck (and into what st.pydeck_chart reads of a deck): every work-around
of pydeck's internals is here, and tests/dashboard/test_pydeck_adapters.py fails when an upgrade of
pydeck or Streamlit breaks one of them.

* :func:`frame_layer` puts a layer's rows in ``Layer._data`` (pydeck's private attribute, which its
  ``default_serialize`` writes as ``data``) as :class:`FrameData` or :class:`JSONData`, so that pandas
  writes them, not pydeck row by row; :func:`layer_rows` reads or replaces them (the labels' placement);
* :class:`CompactDeck` serializes with pydeck's ``default_serialize`` but without indentation and
  with Chinese as UTF-8;
* :class:`PrebuiltDeck` is a deck whose JSON was cached: st.pydeck_chart reads only ``to_json()`` and
  the ``_tooltip`` attribute;
* :func:`deck` leaves ``map_style`` at pydeck's "no base map" sentinel, on which Streamlit draws no
  MapLibre map and fetches nothing.
"""

from __future__ import annotations

import json

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard.tooltips import TOOLTIP

# pydeck reads a plain string prop as an expression ("pixels" would be a variable): wrap constants.
PIXELS = pdk.types.String("pixels")


class FrameData:
    """A layer's rows kept as a DataFrame until the deck is serialized, when pandas writes them as JSON
    in C; pydeck would first turn every row into a Python dict (most of the cost of a map rebuild)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def json(self) -> str:
        return self.frame.to_json(orient="records", force_ascii=False, double_precision=6)


class JSONData:
    """A layer's rows already serialized (the base geography, the same on every run: serialized once)."""

    def __init__(self, text: str):
        self.text = text

    def json(self) -> str:
        return self.text


class DataURL(str):
    """A layer's rows as a file that the browser fetches from this server (an absolute path) and keeps in
    its cache, instead of rows sent inside the deck (``dashboard.startup.base_map``)."""


def frame_layer(layer_type: str, frame: pd.DataFrame | str, **props) -> pdk.Layer:
    """``pdk.Layer(layer_type, data=frame, **props)`` with the rows serialized by pandas; when ``frame``
    is a JSON string of records, taken as they are; when a :class:`DataURL`, left for the browser to fetch."""
    if isinstance(frame, DataURL):
        return pdk.Layer(layer_type, data=str(frame), **props)
    layer = pdk.Layer(layer_type, data=None, **props)
    layer._data = JSONData(frame) if isinstance(frame, str) else FrameData(frame.reset_index(drop=True))
    return layer


def layer_rows(layer: pdk.Layer, frame: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """The rows of a layer made by :func:`frame_layer` from a DataFrame (None for any other layer); with
    ``frame``, the layer's rows become ``frame``."""
    if not isinstance(getattr(layer, "_data", None), FrameData):
        return None
    if frame is not None:
        layer._data = FrameData(frame.reset_index(drop=True))
    return layer._data.frame


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents by two spaces, which more than doubles
    what st.pydeck_chart sends to the browser (9.0 MB against 3.4 MB for the live map), and keeps Chinese
    text as UTF-8 rather than \\uXXXX escapes (3 bytes a character instead of 6). Layers made by
    :func:`frame_layer` have their rows written by ``DataFrame.to_json``."""

    def to_json(self) -> str:
        frames: list[FrameData | JSONData] = []

        def default(value):
            if isinstance(value, FrameData | JSONData):
                frames.append(value)
                return f"@@frame{len(frames) - 1}@@"
            return default_serialize(value)

        text = json.dumps(self, sort_keys=True, default=default, separators=(",", ":"), ensure_ascii=False)
        for index, frame in enumerate(frames):
            text = text.replace(f'"@@frame{index}@@"', frame.json(), 1)
        return text


class PrebuiltDeck(CompactDeck):
    """A deck whose JSON was built (and cached) before: st.pydeck_chart reads only its JSON and tooltip,
    so an unchanged view costs no layer building on a rerun."""

    def __init__(self, spec: str):
        super().__init__(layers=[], map_provider=None, tooltip=TOOLTIP)
        self._spec = spec

    def to_json(self) -> str:
        return self._spec


def deck(layers: list[pdk.Layer], view: pdk.ViewState | None = None) -> pdk.Deck:
    """An offline deck: no map provider, so pydeck leaves the style at its "no base map" sentinel and
    Streamlit draws no MapLibre map and fetches no style or tile (with any other empty style it puts
    in Carto's, from the internet). The sea is the page's background (the theme's backgroundColor)
    through the deck's transparent canvas: one WebGL canvas to draw instead of two."""
    return CompactDeck(layers=layers, initial_view_state=view or pdk.ViewState(), map_provider=None, tooltip=TOOLTIP)
