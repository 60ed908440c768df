"""The demo feed writes while two dashboard sessions watch: both refresh on their own, no error reaches
either, new records are flagged, and every fed record is visible afterwards."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, start_app
from tests.e2e.test_live_map import TIMEOUT, open_map, seizures_shown

pytestmark = pytest.mark.browser

FEED_SECONDS = 20


def test_two_sessions_follow_the_feed_and_see_every_record(browser, seeded_db, tmp_path):
    path = tmp_path / "cordon.duckdb"
    shutil.copy(seeded_db, path)
    with start_app(path) as url:
        sessions = [browser.new_context(viewport={"width": 1400, "height": 1000}).new_page() for _ in range(2)]
        for page in sessions:
            open_map(page, f"{url}/?period=all&refresh=5")
        start = [seizures_shown(page) for page in sessions]
        assert start == [3_000, 3_000]

        feed = subprocess.Popen([sys.executable, "-m", "queries", "feed", "--db", str(path), "--rate", "300",
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
