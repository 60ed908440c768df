"""The live map renders in a real browser, offline, with its legend and tooltips escaped."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_map_renders_without_any_outside_request(page, app_url):
    local = (app_url, f"blob:{app_url}", "data:")  # the app, its web workers and inline styles
    outside = []
    page.on("request", lambda request: None if request.url.startswith(local) else outside.append(request.url))
    page.goto(app_url)
    chart = page.get_by_test_id("stDeckGlJsonChart")
    chart.wait_for(timeout=60_000)
    chart.locator("canvas").first.wait_for(timeout=30_000)
    assert page.get_by_text("Border zones — seizures of controlled minerals").is_visible()
    assert page.get_by_text("Heavy rare earths").first.is_visible()
    assert page.get_by_text("Demonstration data").is_visible()
    box = chart.bounding_box()
    assert box["width"] > 600 and box["height"] > 400
    assert outside == [], outside
