"""The dashboard in a real browser, offline: the map renders, filters change counts and map, a click on
a hexagon opens its records, the language switches."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from dashboard.map_layers import live_view
from geodata.places import cell_place
from queries.stores import open_store
from tests.conftest import PASSWORD, seeded_copy
from tests.e2e.conftest import CHROMIUM_ARGS, boundary_drawn, open_signed_in, sign_in, start_app

pytestmark = pytest.mark.browser

TIMEOUT = 60_000


def open_map(page, url: str, enter=sign_in):
    """The live map's chart at ``url`` once drawn, the page entered by ``enter``: signing in (a page of its own) or
    ``open_signed_in`` (``admin_page``)."""
    enter(page, url)
    chart = page.locator(".st-key-live_map").get_by_test_id("stDeckGlJsonChart")
    chart.wait_for(timeout=TIMEOUT)
    chart.locator("canvas").first.wait_for(timeout=TIMEOUT)
    return chart


def test_the_sign_in_map_and_the_live_map_stand_alike(browser, chromium_path, app_url):
    # the sign-in page loads the map's code and the base map's files into the browser's cache, in the place
    # and at the width of the live map (dashboard/screens/sign_in.py); scroll bars shown and a screen tall
    # enough for the sign-in page not to scroll while the live page does, as on a Windows desktop
    shown = browser.browser_type.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS,
                                        ignore_default_args=["--hide-scrollbars"])
    try:
        page = shown.new_page(viewport={"width": 1600, "height": 1400})
        fetched = []
        page.on("request", lambda request: fetched.append(request.url) if "/static/base/" in request.url else None)
        page.goto(f"{app_url}/?period=all")
        canvas = page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first
        canvas.wait_for(timeout=TIMEOUT)
        page.wait_for_timeout(1000)
        width = canvas.evaluate("canvas => canvas.width")
        assert fetched  # the base map's files, which the live map uses next
        page.get_by_label("User name", exact=True).fill("admin")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT)
        page.get_by_text("Checkpoint (port, postal hub)").wait_for(timeout=TIMEOUT)  # the live map's legend
        page.wait_for_timeout(1000)
        charts = page.get_by_test_id("stDeckGlJsonChart")
        assert charts.count() == 1 and charts.locator("canvas").first.evaluate("canvas => canvas.width") == width
        assert page.evaluate("(main => main.scrollHeight > main.clientHeight)(document.querySelector('[data-testid=stMain]'))")
    finally:
        shown.close()


def seizures_shown(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text=re.compile("^(Seizures|查获起数)")).first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def wait_for_count_change(page, before: int) -> int:
    for _ in range(120):
        page.wait_for_timeout(500)
        now = seizures_shown(page)
        if now != before:
            return now
    raise AssertionError(f"the seizure count stayed at {before}")


def test_the_map_renders_without_any_outside_request(admin_page, app_url):
    local = (app_url, f"blob:{app_url}", "data:")  # the app, its web workers and inline styles
    outside, base_files = [], {}
    admin_page.on("request", lambda request: None if request.url.startswith(local) else outside.append(request.url))
    admin_page.on("response", lambda response: base_files.update({response.url: response.status})
            if "/app/static/base/" in response.url else None)
    chart = open_map(admin_page, f"{app_url}/?period=all", open_signed_in)
    assert admin_page.get_by_text("Border zones — seizures of controlled minerals").is_visible()
    assert admin_page.get_by_text("International land boundary").first.is_visible()  # the legend
    assert admin_page.get_by_text("Demonstration data").is_visible()
    box = chart.bounding_box()
    assert box["width"] > 600 and box["height"] > 400
    for _ in range(60):  # the base map's files fetched and drawn: the boundary's red shows
        if boundary_drawn(chart.screenshot(animations="allow")):
            break
        admin_page.wait_for_timeout(1000)
    else:
        raise AssertionError("the live map does not show the land boundary")
    assert {url.rsplit("/", 1)[1].split("-")[0] for url in base_files} >= {"areas_and_zones", "lines_and_zones"}
    assert set(base_files.values()) <= {200, 304}, base_files
    assert outside == [], outside


def test_the_date_range_and_mineral_filters_change_the_counts_and_the_map(admin_page, app_url):
    chart = open_map(admin_page, f"{app_url}/?from=2025-01-01&to=2025-12-31&refresh=0", open_signed_in)
    admin_page.wait_for_timeout(1500)
    year_2025 = seizures_shown(admin_page)
    map_before = chart.screenshot()
    admin_page.get_by_test_id("stSidebar").get_by_text("All", exact=True).click()
    everything = wait_for_count_change(admin_page, year_2025)
    assert everything > year_2025
    assert "period=all" in admin_page.url

    minerals = admin_page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    minerals.click()
    admin_page.keyboard.type("Gallium")
    admin_page.keyboard.press("Enter")
    admin_page.keyboard.press("Escape")
    gallium = wait_for_count_change(admin_page, everything)
    assert 0 < gallium < everything
    assert "group=Ga" in admin_page.url
    admin_page.wait_for_timeout(2000)
    assert chart.screenshot() != map_before


def _pixel(lon: float, lat: float, width: float, height: float) -> tuple[float, float]:
    """Where deck.gl's initial Web Mercator view puts (lon, lat) inside the chart."""
    x, y = replace(live_view(), width=width, height=height).pixels(lon, lat)
    return float(x), float(y)


def test_clicking_a_hexagon_opens_its_records(admin_page, app_url, seeded_db):
    import h3

    from queries import views
    from queries.filters import Filters
    from queries.stores import open_store

    with open_store(seeded_db).reading() as con:
        hexagons = views.map_data(con, Filters(), hex_res=4, after=0)["hexagons"]
    chart = open_map(admin_page, f"{app_url}/?period=all&layers=&density=hexagons&hex=4&refresh=0", open_signed_in)
    admin_page.wait_for_timeout(2000)
    chart.scroll_into_view_if_needed()  # an alert's note above the map may push its lower part out of the window
    box = chart.locator("canvas").first.bounding_box()
    tooltip = admin_page.locator(".deck-tooltip").filter(has_text="Seizures")
    for busiest in hexagons.head(5).itertuples():  # the busiest whose centre no alert's ring covers (alerts follow
        cell = format(int(busiest.cell), "x")      # today's week: the seeded records give one in some weeks)
        lat, lon = h3.cell_to_latlng(cell)
        x, y = _pixel(lon, lat, box["width"], box["height"])
        admin_page.mouse.move(box["x"] + x, box["y"] + y)
        tooltip.wait_for(timeout=TIMEOUT)  # picking is ready
        if "⚠" not in tooltip.inner_text():
            break
    admin_page.mouse.click(box["x"] + x, box["y"] + y)
    admin_page.wait_for_url(re.compile(f"focus=cell(%3A|:){cell}(%40|@)4"), timeout=TIMEOUT)
    header = admin_page.get_by_text(f"Records behind hexagon at {cell_place(cell, 'en')}")
    header.wait_for(timeout=TIMEOUT)
    drill = admin_page.locator(".st-key-drill_down")
    assert drill.get_by_test_id("stMetricValue").first.inner_text() == f"{int(busiest.seizures):,}"
    drill.get_by_test_id("stDataFrame").first.wait_for(timeout=TIMEOUT)  # the records themselves (their parties follow)


def test_switching_the_language(admin_page, app_url):
    open_map(admin_page, f"{app_url}/?period=all&refresh=0", open_signed_in)
    admin_page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    admin_page.get_by_text("边境地区 — 管制矿产查获态势").wait_for(timeout=TIMEOUT)
    admin_page.get_by_text("陆地国界").first.wait_for(timeout=TIMEOUT)  # the legend
    admin_page.get_by_text("查获起数").first.wait_for(timeout=TIMEOUT)  # the figures
    assert "lang=zh" in admin_page.url


HOSTILE = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script>'


HOSTILE_PLACE = (104.5, 24.5)  # an empty stretch of Yunnan, away from every other checkpoint


@pytest.fixture(scope="module")
def hostile_app(chromium_path, seeded_db, tmp_path_factory):
    """The app on a copy of the seeded database plus a checkpoint and a seizure whose text is HTML and script."""

    import pandas as pd

    from queries.seizures import insert_seizures
    from queries.store import write_frame
    from tests.conftest import seizure_row

    path = tmp_path_factory.mktemp("hostile") / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)
    lon, lat = HOSTILE_PLACE
    with open_store(path).writing() as con:
        write_frame(con, "upsert_checkpoints", pd.DataFrame([{
            "checkpoint_id": "hostile", "name_zh": HOSTILE, "name_en": HOSTILE, "kind": "border_inspection_station",
            "lon": lon, "lat": lat, "geo_precision": "point", "province_code": "530000", "county_code": None,
            "zone_code": None, "counterpart": HOSTILE, "counterpart_iso3": "VNM", "agency": "border_defence",
            "source": "test"}]))
        insert_seizures(con, seizure_row(source_id="HOSTILE-1", declared_as=HOSTILE, checkpoint_id="hostile",
                                         lon=lon, lat=lat))
    with start_app(path) as url:
        yield url


def test_record_text_in_a_tooltip_is_shown_as_text_never_run(page, hostile_app):
    chart = open_map(page, f"{hostile_app}/?period=all&q=HOSTILE-1&layers=places&density=none&refresh=0")
    page.wait_for_timeout(2000)
    assert seizures_shown(page) == 1
    box = chart.locator("canvas").first.bounding_box()
    x, y = _pixel(*HOSTILE_PLACE, box["width"], box["height"])
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator(".deck-tooltip").filter(has_text="Across the border")
    tooltip.wait_for(timeout=TIMEOUT)
    assert HOSTILE in tooltip.inner_text()  # the markup shows as characters
    assert tooltip.locator("img, script").count() == 0
    page.mouse.click(box["x"] + x, box["y"] + y)  # its records: the seizure's declared-as in the table
    page.locator(".st-key-drill_down").get_by_test_id("stDataFrame").wait_for(timeout=TIMEOUT)
    assert page.locator(".st-key-drill_down img[src=x], .st-key-drill_down script").count() == 0
    assert page.evaluate("window.hacked") is None


@pytest.mark.parametrize(("path", "title"), [("analysis", "Trends and comparisons"), ("records", "Seizure records")])
def test_a_link_straight_to_a_page_opens_it(admin_page, app_url, path, title):
    open_signed_in(admin_page, f"{app_url}/{path}?period=all&group=Sb")
    admin_page.get_by_text(title).wait_for(timeout=TIMEOUT)
    assert admin_page.get_by_test_id("stException").count() == 0
    assert admin_page.get_by_test_id("stSidebar").get_by_text("Live map").is_visible()
    assert "group=Sb" in admin_page.url


def _analysis_result(page, summary: re.Pattern) -> int:
    """Wait for an analysis' summary caption, its map and table; the number the summary starts with."""
    caption = page.get_by_text(summary)
    caption.wait_for(timeout=TIMEOUT)
    page.get_by_test_id("stDeckGlJsonChart").last.locator("canvas").first.wait_for(timeout=TIMEOUT)
    table = page.get_by_test_id("stDataFrame").last  # drawn on a canvas: no text to read
    table.wait_for(timeout=TIMEOUT)
    assert table.bounding_box()["height"] > 100
    assert page.get_by_test_id("stException").count() == 0
    return int(caption.inner_text().split(" ", 1)[0].replace(",", ""))


def test_the_analysis_page_runs_each_hot_spot_analysis_with_its_map_legend_and_table(admin_page, app_url):
    open_signed_in(admin_page, f"{app_url}/analysis?period=all")
    assert _analysis_result(admin_page, re.compile(r"^\d[\d,]* hot and \d[\d,]* cold hexagons of")) > 0  # Gi* first
    admin_page.get_by_text("Hot spot, 99 % confidence").first.wait_for(timeout=TIMEOUT)  # the legend, drawn after the caption

    admin_page.get_by_text("Emerging hot spots", exact=True).click()
    assert _analysis_result(admin_page, re.compile(r"^\d[\d,]* of [\d,]+ hexagons show a pattern")) >= 0
    admin_page.get_by_text("No pattern detected").first.wait_for(timeout=TIMEOUT)

    admin_page.get_by_text("Clusters", exact=True).click()
    # the cluster form's own Run (the previous analysis' form can linger in the admin_page for a moment)
    admin_page.get_by_text("Distance (km)").wait_for(timeout=TIMEOUT)
    # the tab's own run finished (a submit sent while the page still runs was seen lost in full runs)
    admin_page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=TIMEOUT)
    admin_page.get_by_test_id("stForm").filter(has_text="Distance (km)").get_by_role("button", name="Run").first.click()
    assert _analysis_result(admin_page, re.compile(r"^\d[\d,]* clusters in [\d,]+ seizures")) > 0
    # coverage gaps: a distance leaves only the clusters that far from every checkpoint
    gap = admin_page.get_by_test_id("stNumberInputField").last  # the gap distance, below the clustering form
    gap.fill("20")
    gap.press("Enter")
    admin_page.get_by_text(re.compile(r"^\d[\d,]* of [\d,]+ are at least 20 km from any checkpoint\.")).wait_for(
        timeout=TIMEOUT)
    assert admin_page.get_by_test_id("stException").count() == 0
