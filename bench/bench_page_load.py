"""Page load of the live map with the default demo data (20,000 seizures), in headless Chromium.

Run: ``python bench/bench_page_load.py [--rows 20000] [--runs 5] [--view QUERY ...]``. It seeds a
database in a temporary folder with an account, starts the app on a free port, warms it once (the
first run of a process reads the layers and fills the caches) and then opens the page ``--runs``
times two ways: a **first visit** (a fresh browser context: empty HTTP cache, a new session, so a new
sign-in) and a **return visit** (a new tab of one context: the browser's cache holds Streamlit's
scripts, as on a commander's own machine; still a new session and sign-in). The sign-in page, with
its map of the border, is left to finish loading first, as a user reading it would. Each load is
timed from the sign-in (the form sent) to the headline figures, and to the **map drawn**: the second
animation frame after the live map's last WebGL draw call of the load (found by wrapping the draw
calls in the page), once it has drawn nothing for 1.5 s; a screenshot then checks that the map shows
the land boundary's red. (Polling screenshots to see when the map appears, as this script did
before, makes the browser read the WebGL canvas back on every poll and slows what it measures.)

Both ways a machine without a GPU can run Chromium are measured in the same run, since they differ:
``software`` (``--disable-gpu``: WebGL by SwiftShader and software compositing, so the page's main
thread waits while every WebGL frame is read back) and ``gpu-path`` (the GPU process's compositor,
as on a machine with a GPU, with SwiftShader standing in for the GPU). Prints a markdown table.
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

from geodata.demo_geography import demo_geography
from queries.access import Grant, add_user
from queries.seed import seed
from queries.store import Store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, boundary_drawn, start_app

USER, PASSWORD = "timer", "a long passphrase for timing"
BROWSERS = {
    "software": CHROMIUM_ARGS,
    "gpu-path": [*(a for a in CHROMIUM_ARGS if a != "--disable-gpu"), "--use-angle=swiftshader",
                 "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
}


# Page clock: when the last WebGL draw call was made, when the second animation frame after it began,
# and how many draw calls the frame that made it had; ``other`` for the draws before the sign-in (the
# sign-in screen's map), ``live`` for those after it (``window.__clock.signedIn`` set at the click).
# The sign-in map and the live map are one canvas (dashboard/screens/sign_in.py), so it is the time of
# a draw that says which map drew, and its number of draw calls that the live map's layers are in it.
# The compositor takes the drawn canvas in the frame after the draw (in software, by reading it back
# while the page's main thread waits), so the frame after that starts once it has.
DRAW_CLOCK = """
(() => {
  window.__clock = {signedIn: null, frame: 0, live: {last: null, shown: null, calls: 0, frame: -1},
                    other: {last: null, shown: null, calls: 0, frame: -1}};
  const tick = () => { window.__clock.frame += 1; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const waiting = new Set();
  for (const name of ["drawArrays", "drawElements", "drawArraysInstanced", "drawElementsInstanced"]) {
    const draw = WebGL2RenderingContext.prototype[name];
    WebGL2RenderingContext.prototype[name] = function (...args) {
      const which = window.__clock.signedIn === null ? "other" : "live";
      const clock = window.__clock[which];
      clock.last = performance.now();
      if (clock.frame !== window.__clock.frame) {
        clock.frame = window.__clock.frame;
        clock.calls = 0;
      }
      clock.calls += 1;
      if (!waiting.has(which)) {
        waiting.add(which);
        requestAnimationFrame(() => requestAnimationFrame(() => { waiting.delete(which); clock.shown = performance.now(); }));
      }
      return draw.apply(this, args);
    };
  }
})();
"""
QUIET_S = 1.5


def _quiet_map(page, started: float, url: str, which: str):
    """Wait until a map (``which``: live or other) has drawn and then drawn nothing for ``QUIET_S``; the
    page clock's (last draw, the frame showing it, draw calls of the last frame)."""
    page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first.wait_for(timeout=60_000)
    while True:
        time.sleep(0.25)
        clock = page.evaluate(f"[window.__clock.{which}.last, window.__clock.{which}.shown, performance.now(), "
                              f"window.__clock.{which}.calls]")
        last, shown, now, calls = clock
        if last is not None and shown is not None and shown > last and now - last > QUIET_S * 1000:
            return last, shown, calls
        if time.perf_counter() - started > 60:
            raise RuntimeError(f"{url}: the map was still drawing after 60 s")


def load_once(context, url: str) -> tuple[float, float]:
    """Seconds from the sign-in (the form sent) to the headline figures and to the map drawn, in a new
    tab of ``context``. The sign-in page is left to finish loading first (its map of the border, which
    also loads the map's code), as a user reading it and typing would."""
    page = context.new_page()
    page.goto(url)
    *_, sign_in_calls = _quiet_map(page, time.perf_counter(), url, "other")
    page.get_by_label("User name", exact=True).fill(USER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    clicked = page.evaluate("window.__clock.signedIn = performance.now()")
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
    figures = time.perf_counter() - started
    _, shown, live_calls = _quiet_map(page, started, url, "live")
    if live_calls <= sign_in_calls:
        raise RuntimeError(f"{url}: the live map's last frame made {live_calls} draw calls, no more than the sign-in map's")
    if not boundary_drawn(page.get_by_test_id("stDeckGlJsonChart").screenshot(animations="allow")):
        raise RuntimeError(f"{url}: the map does not show the land boundary")
    page.close()
    return figures, (shown - clicked) / 1000


def visits(browser, url: str, runs: int) -> tuple[list, list]:
    """``runs`` first visits (each in a fresh context) and ``runs`` return visits (new tabs of one context
    whose cache a first visit filled)."""
    def context():
        made = browser.new_context(viewport={"width": 1600, "height": 1000})
        made.add_init_script(DRAW_CLOCK)
        return made

    first = []
    for _ in range(runs):
        fresh = context()
        first.append(load_once(fresh, url))
        fresh.close()
    returning = context()
    load_once(returning, url)
    again = [load_once(returning, url) for _ in range(runs)]
    returning.close()
    return first, again


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
                visits(browser, url, 1)  # warms the server's caches
                for view in args.view or [""]:
                    rows.append((name, view, *visits(browser, f"{url}/?{view}", args.runs)))
                browser.close()

    print("| browser | seizures | view | first visit: figures s | first visit: map drawn s | return visit: figures s "
          "| return visit: map drawn s | max s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, view, first, again in rows:
        def median(runs: list, index: int) -> str:
            return f"{statistics.median(run[index] for run in runs):.2f}"

        print(f"| {name} | {args.rows:,} | {view or 'default'} | {median(first, 0)} | **{median(first, 1)}** | "
              f"{median(again, 0)} | **{median(again, 1)}** | {max(run[1] for run in first + again):.2f} |")
    print(f"\nmedians of {args.runs} runs each; max: the slowest map drawn of either kind")


if __name__ == "__main__":
    main()
