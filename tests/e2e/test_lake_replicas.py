"""Two dashboard replicas on one lake (issue 20, item 4): a record written by another process shows on both
replicas' live maps at their next refresh, and no error reaches either page."""

from __future__ import annotations

import time
from contextlib import ExitStack
from datetime import datetime
from functools import partial

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from queries.store import seizures_claim
from queries.stores import write_retrying
from tests.conftest import PASSWORD, seizure_row
from tests.e2e.conftest import send_sign_in, start_app
from tests.e2e.test_live_map import TIMEOUT, seizures_shown

pytestmark = pytest.mark.browser

SEEDED = 1_000
REFRESH_S = 5  # the live map's refresh interval in the test's URLs (?refresh=)
GIVE_UP_S = 60  # a replica that has not shown the record by then never will


@pytest.fixture
def seeded_lake(lake_store, monkeypatch):
    """A lake with the demo seizures and an admin, its data files where the replicas find them (the migrated
    template's copy, seeded: a lake migrated here took about 2 s more)."""
    from geodata.demo_geography import demo_geography
    from queries.access import add_user
    from queries.seed import seed

    monkeypatch.setenv("CORDON_DATA_PATH", lake_store.data_path)  # the replicas' environment
    seed(lake_store, demo_geography(), rows=SEEDED, seed=7, end=datetime(2026, 11, 20, 12, 0))
    add_user(lake_store, "admin", PASSWORD, "admin", actor="os:test", source="cli",
             now=datetime(2026, 11, 20, 12, 0))
    return lake_store


def new_since_note_shown(page) -> bool:
    """Whether this refresh's note says one seizure is new. The note's box can be drawn a moment before its text,
    so it is awaited briefly (well within the refresh interval, after which the next refresh replaces it)."""
    note = page.get_by_test_id("stAlertContentInfo").filter(has_text="1 new seizure(s) since the refresh at")
    try:
        note.first.wait_for(timeout=(REFRESH_S - 2) * 1000)
    except PlaywrightTimeoutError:
        return False
    return True


def test_a_record_written_elsewhere_shows_on_both_replicas_at_their_next_refresh(browser, seeded_lake, tmp_path):
    """Two Streamlit processes on one lake (CORDON_DB a lake URL) show the live map; a record committed by this
    process appears on both at a refresh of their own (no reload), counted as new since the refresh before.
    How long it took is printed (pytest -s): a refresh interval plus the time a refresh takes."""
    from queries.seizures import insert_seizures

    with ExitStack() as running:
        urls = [running.enter_context(start_app(seeded_lake.path, tmp_path / f"replica-{n}.log")) for n in (1, 2)]
        pages = [browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in urls]
        for page, url in zip(pages, urls, strict=True):  # both servers draw their first live map at once
            send_sign_in(page, f"{url}/?period=all&refresh={REFRESH_S}")
        for page in pages:
            page.locator(".st-key-live_map").get_by_test_id("stDeckGlJsonChart").locator("canvas").first.wait_for(
                timeout=TIMEOUT)
        assert [seizures_shown(page) for page in pages] == [SEEDED, SEEDED]

        row = seizure_row(source="another-site", source_id="ELSEWHERE-1", is_synthetic=False)
        write_retrying(seeded_lake, partial(insert_seizures, frame=row), seizures_claim("another-site"))
        written, seen, notes = time.monotonic(), {}, {}
        for _ in range(GIVE_UP_S * 4):  # a page that never shows it fails here, not a slow one
            for index, page in enumerate(pages):
                if index not in seen and seizures_shown(page) == SEEDED + 1:
                    seen[index] = time.monotonic() - written
                    notes[index] = new_since_note_shown(page)
            if len(seen) == len(pages):
                break
            pages[0].wait_for_timeout(250)
        print(f"the record showed on replica 1 after {seen.get(0, 0):.1f} s, on replica 2 after {seen.get(1, 0):.1f} s "
              f"(refresh every {REFRESH_S} s)")
        assert sorted(seen) == [0, 1], f"the record never showed on replica(s) {sorted({0, 1} - set(seen))}"
        assert all(notes.values()), f"a replica did not say the record was new since its last refresh: {notes}"
        for page in pages:
            assert page.get_by_test_id("stException").count() == 0
            page.context.close()
