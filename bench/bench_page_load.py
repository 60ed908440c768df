"""Page load of the live map with the default demo data (20,000 seizures), in headless Chromium.

Run: ``python bench/bench_page_load.py [--rows 20000] [--runs 5] [--view QUERY ...]``. It seeds a
database in a temporary folder with an account, starts the app on a free port, warms it once (the
first run of a process reads the layers and fills the caches) and then opens the page ``--runs``
times, each in a fresh browser context (a new session, so a new sign-in), timing from the sign-in
to the headline figures, to the map drawn (a screenshot of the map shows the land boundary's red)
and to the whole page (the busiest-crossings table under the map).

Both ways a machine without a GPU can run Chromium are measured in the same run, since they differ
by a factor of two: ``software`` (``--disable-gpu``: WebGL by SwiftShader and software compositing,
so the page's main thread waits while every WebGL frame is read back) and ``gpu-path`` (the GPU
process's compositor, as on a machine with a GPU, with SwiftShader standing in for the GPU).
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.style import BOUNDARY
from geodata.demo_geography import demo_geography
from queries.access import Grant, add_user
from queries.seed import seed
from queries.store import Store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app

USER, PASSWORD = "timer", "a long passphrase for timing"
BROWSERS = {
    "software": CHROMIUM_ARGS,
    "gpu-path": [*(a for a in CHROMIUM_ARGS if a != "--disable-gpu"), "--use-angle=swiftshader",
                 "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
}


def boundary_drawn(png: bytes) -> bool:
    """Whether a screenshot of the map shows the land boundary (at least 200 pixels of its red)."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(BOUNDARY)).sum(axis=2) < 40).sum()) >= 200


def load_once(browser, url: str) -> tuple[float, float, float]:
    """Seconds from the sign-in (the form sent) to the headline figures, to the map drawn, and to the
    whole page (the map drawn and the busiest-crossings table shown)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.get_by_label("User name", exact=True).fill(USER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
    figures = time.perf_counter() - started
    chart = page.get_by_test_id("stDeckGlJsonChart")
    chart.locator("canvas").first.wait_for(timeout=60_000)
    while not boundary_drawn(chart.screenshot(animations="allow")):
        if time.perf_counter() - started > 60:
            raise RuntimeError(f"{url}: the map was not drawn within 60 s")
    drawn = time.perf_counter() - started
    page.get_by_text("Busiest crossings").wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    context.close()
    return figures, drawn, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--view", action="append", default=[],
                        help="URL query of a view to time instead of the default one, e.g. density=none (repeatable)")
    parser.add_argument("--browser", action="append", choices=sorted(BROWSERS), default=[],
                        help="which Chromium configuration to time (repeatable; default: both)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cordon.duckdb"
        seed(Store(path), demo_geography(), rows=args.rows, seed=1, end=datetime(2026, 11, 29, 12))
        add_user(Store(path), USER, PASSWORD, "planner", grants=[Grant("all")], actor="os:bench", source="cli",
                 now=datetime(2026, 11, 29, 12))
        with start_app(path) as url, sync_playwright() as playwright:
            for name in args.browser or list(BROWSERS):
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSERS[name])
                cold = load_once(browser, url)
                for view in args.view or [""]:
                    warm = [load_once(browser, f"{url}/?{view}") for _ in range(args.runs)]
                    rows.append((name, view, cold, warm))
                    cold = None
                browser.close()

    print(f"| browser | seizures | view | first load after start s | figures shown s | map drawn s | whole page s, "
          f"median of {args.runs} | max s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, view, cold, warm in rows:
        def median(index: int) -> str:
            return f"{statistics.median(run[index] for run in warm):.2f}"

        first = f"{cold[2]:.2f}" if cold else ""
        print(f"| {name} | {args.rows:,} | {view or 'default'} | {first} | {median(0)} | {median(1)} | {median(2)} | "
              f"{max(run[2] for run in warm):.2f} |")


if __name__ == "__main__":
    main()
