"""The demo feed writes while two dashboard sessions watch: both refresh on their own, no error reaches
either, new records are flagged, and every fed record is visible afterwards; a view ending now follows
the feed refresh by refresh (issue 19)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import pytest

from dashboard.state import View
from queries import views
from queries.clock import beijing_now
from queries.stores import open_store
from tests.conftest import seeded_copy
from tests.e2e.conftest import ROOT, start_app
from tests.e2e.test_live_map import TIMEOUT, open_map, seizures_shown

pytestmark = pytest.mark.browser

FEED_SECONDS = 10  # two refreshes (?refresh=5) of each map while it runs


def test_two_sessions_follow_the_feed_and_see_every_record(browser, seeded_db, tmp_path):
    path = tmp_path / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)
    with start_app(path) as url:
        sessions = [browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in range(2)]
        for page in sessions:
            open_map(page, f"{url}/?period=all&refresh=5")
        start = [seizures_shown(page) for page in sessions]
        assert start == [3_000, 3_000]

        feed = subprocess.Popen([sys.executable, "-m", "queries", "feed", "--db", str(path), "--rate", "600",
                                 "--duration", str(FEED_SECONDS), "--seed", "11"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen_growth = [False, False]
        while feed.poll() is None:
            for index, page in enumerate(sessions):
                seen_growth[index] |= seizures_shown(page) > start[index]
                assert page.get_by_test_id("stException").count() == 0
            sessions[0].wait_for_timeout(1000)
        out, err = feed.communicate()
        assert feed.returncode == 0, err
        fed = int(re.search(r"fed (\d+) synthetic seizures", out).group(1))
        assert fed > 30 and seen_growth == [True, True]  # both maps moved while the feed ran

        for page in sessions:  # the next refresh shows everything
            for _ in range(30):
                if seizures_shown(page) == 3_000 + fed:
                    break
                page.wait_for_timeout(1000)
            assert seizures_shown(page) == 3_000 + fed
            assert page.get_by_test_id("stException").count() == 0

        records = sessions[1]
        records.goto(f"{url}/records?period=all&q=FEED-")  # the session's cookie: no second sign-in
        records.get_by_text(re.compile(rf"^{fed:,} records match")).wait_for(timeout=TIMEOUT)
        for page in sessions:
            page.context.close()


def test_a_view_ending_now_follows_the_feed_refresh_by_refresh(browser, seeded_db, tmp_path):
    """With the feed running beside an open 24 h live map, the figure moves on refresh after refresh (not
    once a minute, when the records of the minute used to join the view), and the first refresh that
    finds nothing new, once the feed has stopped, shows the store's count of the same view: every record
    committed before it; the "new since" note counts only what arrived since the refresh before."""
    path = tmp_path / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)

    def store_count() -> int:
        with open_store(path).reading() as con:
            return int(views.summary(con, View(period="24h").filters(beijing_now()))["seizures"])

    def new_note(page):
        return page.get_by_test_id("stAlertContentInfo").filter(has_text="new seizure(s) since the refresh at")

    with start_app(path) as url:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        open_map(page, f"{url}/?period=24h&refresh=5")
        shown = [seizures_shown(page)]
        assert shown == [store_count()]
        feed = subprocess.Popen([sys.executable, "-m", "queries", "feed", "--db", str(path), "--rate", "300",
                                 "--seed", "12"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            for _ in range(300):  # until the figure has moved three times with the feed (or 5 minutes have gone)
                page.wait_for_timeout(1000)
                assert page.get_by_test_id("stException").count() == 0
                figure = seizures_shown(page)
                if figure != shown[-1]:
                    shown.append(figure)
                    note = new_note(page).inner_text()  # what arrived since the refresh before, all in view
                    assert 0 < int(re.search(r"(\d+) new seizure", note).group(1)) <= shown[-1] - shown[-2], (note, shown)
                if len(shown) > 3:
                    break
        finally:
            feed.send_signal(signal.SIGINT)
            _, err = feed.communicate()
        assert feed.returncode == 0, err
        assert len(shown) > 3, f"the figure moved {len(shown) - 1} times in 5 minutes of feed: {shown}"

        final = store_count()
        for _ in range(60):  # the refresh after the one that read the last batch finds nothing new
            if new_note(page).count() == 0:
                break
            page.wait_for_timeout(1000)
        assert new_note(page).count() == 0
        assert seizures_shown(page) == final > shown[-2]
        assert page.get_by_test_id("stException").count() == 0
        page.context.close()
