"""Access control in the browser: a scoped analyst signs in, sees only Guangxi, and is refused a page
above the role; a wall display signs in once and keeps watching its zone, full-screen, through reloads."""

from __future__ import annotations

import pytest

from queries import views
from queries.filters import Filters
from queries.stores import open_store
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in
from tests.e2e.test_live_map import TIMEOUT, seizures_shown

pytestmark = pytest.mark.browser


def test_a_scoped_analyst_sees_only_the_granted_region_and_is_refused_a_page_above_the_role(page, app_url, seeded_db):
    page.goto(f"{app_url}/?period=all")
    page.get_by_text("Cordon — sign in").wait_for(timeout=TIMEOUT)
    # nothing before a sign-in: no figure, no table, no sign-out (the sign-in page's map is geography alone)
    assert page.get_by_test_id("stMetric").count() == 0 and page.get_by_test_id("stDataFrame").count() == 0
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.get_by_label("User name", exact=True).fill("gx-analyst")
    page.get_by_label("Password", exact=True).fill("wrong password, twelve+")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Sign-in refused").wait_for(timeout=TIMEOUT)

    sign_in(page, f"{app_url}/?period=all&province=530000", "gx-analyst")  # asks for Yunnan in the URL
    page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT)
    assert seizures_shown(page) == 0
    page.goto(f"{app_url}/?period=all")  # the session outlives a new page load: no sign-in again
    page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT)
    with open_store(seeded_db).reading() as con:
        guangxi = int(views.summary(con, Filters(provinces=("450000",)))["seizures"])
    assert seizures_shown(page) == guangxi < 3_000
    assert page.get_by_test_id("stSidebar").get_by_text("Import").count() == 0  # not offered

    page.goto(f"{app_url}/import")
    page.get_by_text("Your role (Analyst) may not open this page.").wait_for(timeout=TIMEOUT)
    assert page.locator("input[type=file]").count() == 0

    # the session's cookie: no script of the page can read it, and a sign-out ends it for every later load
    assert "cordon_session" not in page.evaluate("document.cookie")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "cordon_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Cordon — sign in").wait_for(timeout=TIMEOUT)
    assert not [c for c in page.context.cookies() if c["name"] == "cordon_session"]
    page.goto(f"{app_url}/?period=all")
    page.get_by_text("Cordon — sign in").wait_for(timeout=TIMEOUT)


def test_a_wall_display_stays_signed_in_through_a_reload_and_a_restart_and_shows_the_map_full_screen(browser, app_url,
                                                                                                     seeded_db, tmp_path):
    wall = f"{app_url}/?period=all&refresh=5&zone=451481"  # the address the screen is set up with
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(wall)
    page.get_by_label("User name", exact=True).fill("gx-display")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT)
    with open_store(seeded_db).reading() as con:
        pingxiang = int(views.summary(con, Filters(zones=("451481",)))["seizures"])
    assert seizures_shown(page) == pingxiang > 0
    page.reload()  # the screen reloads: still signed in, the same view
    page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT)
    assert seizures_shown(page) == pingxiang and page.get_by_text("Cordon — sign in").count() == 0
    # full-screen: no sidebar, no header, no way to another page; the map most of the screen
    assert page.get_by_test_id("stSidebar").count() == 0 and page.get_by_test_id("stSidebarCollapsedControl").count() == 0
    assert not page.get_by_test_id("stHeader").is_visible()
    assert page.get_by_role("button", name="Sign out").count() == 0 and page.get_by_test_id("stPageLink").count() == 0
    deck = page.get_by_test_id("stDeckGlJsonChart").bounding_box()
    assert deck["height"] >= 700 and deck["width"] >= 1200
    page.screenshot(path=str(tmp_path / "display.png"))
    # the browser restarts: its persistent cookie still signs the screen in
    state = context.storage_state()
    context.close()
    restarted = browser.new_context(viewport={"width": 1920, "height": 1080}, storage_state=state)
    page = restarted.new_page()
    page.goto(wall)
    page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT)
    assert seizures_shown(page) == pingxiang
    restarted.close()
