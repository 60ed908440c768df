"""In a real browser: the period's buttons on one row, Custom opening a from–to picker whose range becomes the
view, a date slider spanning the period's context (issue 19 item 6); and the pages' words in the reader's
language, English words absent from a Chinese page and Chinese place names from an English one (item 4)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from queries.stores import open_store
from tests.dashboard.test_pages_name_codes import chinese_place_names, english_words
from tests.e2e.conftest import open_signed_in
from tests.e2e.test_live_map import TIMEOUT

pytestmark = pytest.mark.browser
MATCHING = re.compile(r"^([\d,]+) records match")


# The text a person sees: visible text nodes, not icons' ligature names (":material/map:" is drawn from the text
# "map"; an alert's icon, ":material/crisis_alert:", sits in no stIconMaterial element: any text drawn in the icon
# font), the screen reader's skip link nor text hidden for screen readers ("date range icon"), all Streamlit's own.
READ_TEXT = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const shown = [];
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (!parent || parent.closest('[data-testid=stIconMaterial], a[href^="#"], script, style')) continue;
        if (getComputedStyle(parent).fontFamily.includes('Material Symbols')) continue;
        const box = parent.getBoundingClientRect();
        if (parent.checkVisibility() && box.width > 1 && box.height > 1) shown.push(walker.currentNode.textContent);
    }
    return shown.join('\\n');
}"""


def read_text(page) -> str:
    return page.evaluate(READ_TEXT)


def matching(page) -> int:
    return int(MATCHING.search(page.get_by_text(MATCHING).inner_text()).group(1).replace(",", ""))


def slider_days(side) -> int:
    """The days between the two ends of the date slider, as its tick bar writes them, once the page has one."""
    bar = side.locator(".st-key-w_range").get_by_test_id("stSliderTickBar")
    expect(bar).to_have_count(1, timeout=TIMEOUT)  # during a rerun the slider before it may still be on the page
    low, high = (date.fromisoformat(text) for text in bar.inner_text().split())
    return (high - low).days


def test_custom_dates_are_picked_in_a_calendar_and_the_slider_spans_the_periods_context(admin_page, app_url, seeded_db):
    open_signed_in(admin_page, f"{app_url}/records?period=90d&refresh=0")
    side = admin_page.get_by_test_id("stSidebar")
    periods = side.locator(".st-key-w_period [role=radio]")
    periods.first.wait_for(timeout=TIMEOUT)
    assert periods.count() == 7  # 24h 7d 30d 90d 1y All Custom
    assert len({round(periods.nth(i).bounding_box()["y"]) for i in range(periods.count())}) == 1  # one row
    before = matching(admin_page)
    assert slider_days(side) <= 3 * 90 + 2  # the 90 days and as much again each side, not the whole record

    periods.last.click()  # Custom: a from–to picker, typed here as a person types into its fields
    side.locator(".st-key-w_dates [data-range-field=start] [data-type=year]").click()
    admin_page.keyboard.type("20250101")
    side.locator(".st-key-w_dates [data-range-field=end] [data-type=year]").click()
    admin_page.keyboard.type("20250131")
    admin_page.keyboard.press("Escape")
    admin_page.get_by_role("heading").first.click()  # leaving the field sets the range
    admin_page.wait_for_url(re.compile(r"from=2025-01-01&to=2025-01-31"), timeout=TIMEOUT)
    with open_store(seeded_db).reading() as con:
        january = con.execute("SELECT count(*) FROM seizures WHERE occurred_at >= '2025-01-01' "
                              "AND occurred_at < '2025-02-01'").fetchone()[0]
    admin_page.get_by_text(re.compile(rf"^{january:,} records match")).wait_for(timeout=TIMEOUT)
    assert 0 < january != before
    assert 30 < slider_days(side) <= 31 + 2 * 31 + 2  # a month and a month each side


def test_a_chinese_page_has_no_english_word_and_an_english_page_no_chinese_place_name(admin_page, app_url, seeded_db):
    open_signed_in(admin_page, f"{app_url}/?period=all&refresh=0")
    for path, heading in (("", "查获最多的口岸"), ("analysis", "按边境县")):
        admin_page.goto(f"{app_url}/{path}?lang=zh&period=all&refresh=0")
        admin_page.get_by_text(heading).wait_for(timeout=TIMEOUT)
        words = english_words(read_text(admin_page))
        assert not words, f"/{path}: {words}"

    places = chinese_place_names(seeded_db)
    for path, heading in (("", "Busiest crossings"), ("analysis", "By border zone")):
        admin_page.goto(f"{app_url}/{path}?lang=en&period=all&refresh=0")
        admin_page.get_by_text(heading).wait_for(timeout=TIMEOUT)
        found = places.findall(read_text(admin_page))
        assert not found, f"/{path}: {found}"
