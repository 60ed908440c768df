"""Who is behind a hot spot, in a real browser (issue 21, item 5): from a hot spot of the Analysis page to the
parties behind it, to the Network page centred on them, to a party's seizures on its map, and back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_signed_in

pytestmark = pytest.mark.browser

TIMEOUT = 60_000
HOT_SPOTS_SUMMARY = re.compile(r"^\d[\d,]* hot and \d[\d,]* cold hexagons of")


def choose(page, key: str, option: int) -> str:
    """Choose the ``option``-th (from 0) of the select box ``key``; the text it then shows."""
    box = page.locator(f".st-key-{key}")
    box.get_by_role("combobox").click()
    choice = page.get_by_role("option").nth(option)
    text = choice.inner_text()
    choice.click()
    expect(box.get_by_role("combobox")).to_have_value(text, timeout=TIMEOUT)
    return text


def no_exception(page) -> bool:
    return page.get_by_test_id("stException").count() == 0


def back_to_analysis(page) -> None:
    """The browser's back until the Analysis page's URL shows: Streamlit writes a page's URL in steps (its path, then
    its query), and the Network page's runs may leave more than one entry in the history."""
    for _ in range(4):
        page.go_back()
        try:
            expect(page).to_have_url(re.compile(r"/analysis\?"), timeout=10_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the browser's back did not return to the Analysis page: {page.url}")


def test_from_a_hot_spot_to_its_parties_to_a_partys_seizures_on_the_map_and_back(admin_page, app_url):
    page = admin_page
    open_signed_in(page, f"{app_url}/analysis?period=all")
    page.get_by_text(HOT_SPOTS_SUMMARY).wait_for(timeout=TIMEOUT)
    hot_spot = choose(page, "hotspot_parties", 0)  # the hottest
    behind = page.get_by_text(re.compile(r"^[\d,]+ parties in all\.$"))
    behind.wait_for(timeout=TIMEOUT)
    assert int(behind.inner_text().split()[0].replace(",", "")) > 0
    assert page.get_by_test_id("stDataFrame").last.bounding_box()["height"] > 100  # the parties' table, the page's last
    assert no_exception(page)

    page.locator(".st-key-hotspot_open_network").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/network\?.*party=\d"), timeout=TIMEOUT)
    page.get_by_text("Who is behind the seizures").wait_for(timeout=TIMEOUT)
    page.get_by_text(re.compile(r"^Showing the parties chosen \(\d+\)")).wait_for(timeout=TIMEOUT)
    graph = page.locator(".st-key-network_graph").get_by_test_id("stDeckGlJsonChart").locator("canvas").first
    graph.wait_for(timeout=TIMEOUT)
    assert graph.bounding_box()["height"] > 300

    party = choose(page, "network_party", 1)  # the first is chosen on arrival: another
    name = party.rsplit(" (", 1)[0]  # "name (kind)"
    seizures = re.compile(rf"^Seizures naming {re.escape(name)} \(([\d,]+)\)$")
    heading = page.get_by_text(seizures)
    heading.wait_for(timeout=TIMEOUT)
    assert int(seizures.match(heading.inner_text())[1].replace(",", "")) >= 1
    # the party's map follows the graph (a chart without selection carries no key class)
    expect(page.get_by_test_id("stDeckGlJsonChart")).to_have_count(2, timeout=TIMEOUT)
    party_map = page.get_by_test_id("stDeckGlJsonChart").last.locator("canvas").first
    party_map.wait_for(timeout=TIMEOUT)
    assert party_map.bounding_box()["height"] > 300
    page.get_by_role("tabpanel", name="Timeline").get_by_test_id("stDataFrame").wait_for(timeout=TIMEOUT)
    assert no_exception(page)

    back_to_analysis(page)
    page.get_by_text(HOT_SPOTS_SUMMARY).wait_for(timeout=TIMEOUT)
    expect(page.locator(".st-key-hotspot_parties").get_by_role("combobox")).to_have_value(hot_spot, timeout=TIMEOUT)
    page.locator(".st-key-hotspot_open_network").wait_for(timeout=TIMEOUT)
    assert no_exception(page)
