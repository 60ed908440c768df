"""The live map's labels as the browser draws them: read from the deck itself (its layers' rows and its
viewport's projection), measured with the page's own font, in English and then in Chinese."""

from __future__ import annotations

import re

import pytest

from dashboard.map_layers import border_bounds
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

TIMEOUT = 60_000
MARKS = ("◆", "▲")

# The deck of the live map's chart (found through React's fiber of its canvas: the DeckGL component keeps
# it in a ref), its viewport's size, where it projects the border region's corners, and every row of
# its text layers with its canvas position and its measured width (per character, as deck.gl lays text
# out) or, for a symbol, its ink.
READ_LABELS = """async (canvas, corners) => {
  await document.fonts.ready;
  const key = Object.keys(canvas).find(k => k.startsWith('__reactFiber$'));
  let deck = null;
  for (let fiber = canvas[key]; fiber && !deck; fiber = fiber.return) {
    for (let hook = fiber.memoizedState; hook && typeof hook === 'object' && 'next' in hook; hook = hook.next) {
      const value = hook.memoizedState;
      if (value && value.current && value.current.deck && value.current.deck.getViewports) { deck = value.current.deck; break; }
    }
  }
  if (!deck) return null;
  const viewport = deck.getViewports()[0];
  const context = document.createElement('canvas').getContext('2d');
  const rows = [];
  for (const layer of deck.props.layers) {
    if (!layer || layer.constructor.layerName !== 'TextLayer' || !Array.isArray(layer.props.data)) continue;
    for (const row of layer.props.data) {
      context.font = `${layer.props.fontWeight} ${row.size}px ${layer.props.fontFamily}`;
      const width = Array.from(row.text).reduce((sum, char) => sum + context.measureText(char).width, 0);
      const ink = context.measureText(row.text);
      const [x, y] = viewport.project([row.lon, row.lat]);
      rows.push({layer: layer.id, key: row.checkpoint_id || row.hub_id || row.text, text: row.text, x, y,
                 size: row.size, anchor: row.anchor, offset: row.offset, width,
                 ink: [ink.actualBoundingBoxLeft + ink.actualBoundingBoxRight, ink.actualBoundingBoxAscent + ink.actualBoundingBoxDescent]});
    }
  }
  return {width: viewport.width, height: viewport.height, corners: corners.map(c => viewport.project(c)), rows};
}"""


def label_box(row: dict) -> tuple[float, float, float, float]:
    """A name's box as deck.gl's TextLayer lays it out: anchored start, middle or end, vertically centred."""
    shift = {"start": 0.0, "middle": -0.5, "end": -1.0}[row["anchor"]]
    left = row["x"] + row["offset"][0] + shift * row["width"]
    top = row["y"] + row["offset"][1] - row["size"] / 2
    return left, top, left + row["width"], top + row["size"]


def mark_box(row: dict) -> tuple[float, float, float, float]:
    """A symbol's ink, centred on its place."""
    (width, height) = row["ink"]
    return row["x"] - width / 2, row["y"] - height / 2, row["x"] + width / 2, row["y"] + height / 2


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def read_labels(page) -> dict:
    canvas = page.locator(".st-key-live_map").get_by_test_id("stDeckGlJsonChart").locator("canvas").first
    canvas.wait_for(timeout=TIMEOUT)
    west, south, east, north = border_bounds()
    shown = canvas.evaluate(READ_LABELS, [[west, south], [east, north]])
    assert shown is not None, "no deck.gl instance found behind the live map's canvas"
    return shown


def check_labels(shown: dict, required: set[str]) -> None:
    """No two names overlap, no name covers another place's mark, every name lies inside the map, the
    whole border region is in view, and the ``required`` names are written."""
    width, height = shown["width"], shown["height"]
    for x, y in shown["corners"]:
        assert 0 <= x <= width and 0 <= y <= height, f"the border region's corner at {x:.0f}, {y:.0f} is out of view"
    names = [row for row in shown["rows"] if row["text"] not in MARKS]
    marks = [row for row in shown["rows"] if row["text"] in MARKS]
    assert required <= {row["text"] for row in names}
    for row in names:
        left, top, right, bottom = label_box(row)
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, f"{row['text']} is cut at the map's edge"
    for index, row in enumerate(names):
        for other in names[index + 1:]:
            assert not overlap(label_box(row), label_box(other)), f"{row['text']} overlaps {other['text']}"
        for mark in marks:
            if (mark["layer"], mark["key"]) != (row["layer"], row["key"]) and -1 < mark["x"] < width + 1:
                assert not overlap(label_box(row), mark_box(mark)), f"{row['text']} covers the mark of {mark['key']}"


def test_the_live_map_labels_never_overlap_stay_inside_and_name_the_neighbours_in_both_languages(page, app_url):
    sign_in(page, f"{app_url}/?period=all&refresh=0")
    page.get_by_text("Checkpoint (port, postal hub)").wait_for(timeout=TIMEOUT)  # the legend: the map is drawn
    check_labels(read_labels(page), {"MYANMAR", "LAOS", "VIET NAM", "Yunnan", "Guangxi", "Ruili", "Youyiguan", "Hekou"})
    legend = page.get_by_text(re.compile(r"^Density of seizures")).locator("xpath=../..").inner_text()
    assert re.search(r"\b1–\d", legend), legend  # each density colour says the counts it stands for

    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    page.get_by_text("陆地国界").first.wait_for(timeout=TIMEOUT)
    for _ in range(60):  # the map redraws after the page
        shown = read_labels(page)
        if any(row["text"] == "缅甸" for row in shown["rows"]):
            break
        page.wait_for_timeout(500)
    check_labels(shown, {"缅甸", "老挝", "越南", "云南省", "瑞丽", "友谊关", "河口"})
