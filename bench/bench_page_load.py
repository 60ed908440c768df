"""Page load of the live map with the default demo data (20,000 seizures), in headless Chromium.

Run: ``python bench/bench_page_load.py [--rows 20000] [--runs 5] [--view QUERY ...]``. It seeds a
database in a temporary folder with an account, starts the app on a free port, warms it once (the
first run of a process reads the layers and fills the caches) and then opens the page ``--runs``
times, each in a fresh browser context (a new session, so a new sign-in), timing from the sign-in
until the map's canvas is drawn and the checkpoint table is shown.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geodata.demo_geography import demo_geography  # noqa: E402
from queries.access import Grant, add_user  # noqa: E402
from queries.seed import seed  # noqa: E402
from queries.store import Store  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app  # noqa: E402


USER, PASSWORD = "timer", "a long passphrase for timing"


def load_once(browser, url: str) -> tuple[float, float, float]:
    """Seconds from the sign-in (the form sent) to the headline figures, to the map's canvas, and to the
    whole page (the busiest-crossings table under the map, drawn once the deck is)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.get_by_label("User name", exact=True).fill(USER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
    figures = time.perf_counter() - started
    page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first.wait_for(timeout=60_000)
    canvas = time.perf_counter() - started
    page.get_by_text("Busiest crossings").wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    context.close()
    return figures, canvas, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--view", action="append", default=[],
                        help="URL query of a view to time instead of the default one, e.g. density=none (repeatable)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cordon.duckdb"
        seed(Store(path), demo_geography(), rows=args.rows, seed=1, end=datetime(2026, 11, 29, 12))
        add_user(Store(path), USER, PASSWORD, "planner", grants=[Grant("all")], actor="os:bench", source="cli",
                 now=datetime(2026, 11, 29, 12))
        with start_app(path) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            cold = load_once(browser, url)
            views = {view: [load_once(browser, f"{url}/?{view}") for _ in range(args.runs)]
                     for view in (args.view or [""])}
            browser.close()

    print(f"| seizures | view | first load after start s | figures shown s | map canvas s | whole page s, median "
          f"of {args.runs} | max s |")
    print("|---|---|---|---|---|---|---|")
    for view, warm in views.items():
        def median(index: int) -> str:
            return f"{statistics.median(run[index] for run in warm):.2f}"

        print(f"| {args.rows:,} | {view or 'default'} | {cold[2]:.2f} | {median(0)} | {median(1)} | {median(2)} | "
              f"{max(run[2] for run in warm):.2f} |")


if __name__ == "__main__":
    main()
