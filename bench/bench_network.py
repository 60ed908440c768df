"""The Network page drawn in headless Chromium, beside the live map, with the default demo data (20,000 seizures).

Run: ``python bench/bench_network.py [--rows 20000] [--runs 5] [--browser software|gpu-path]``.
As bench/bench_page_load.py (whose server, account, browsers and draw clock it uses): it seeds a database in a
temporary folder, starts the app, warms it, then times, ``--runs`` times, in a new tab of a signed-in context:

* **live map**: the live map's signed-in return visit (bench_page_load's own, with its checks), for comparison;
* **network, 200 nodes**: the Network page (the whole period) from the navigation's start to its graph drawn
  (the second animation frame after the last WebGL draw call, once nothing was drawn for 1.5 s);
* **network, 500 nodes, slider moved**: on that page, the slider of parties drawn moved to 500 (the key End), from
  the key press to the graph drawn again (a rerun of the page: the network read from the cache, 500 nodes laid
  out and sent);
* **network, 500 nodes, signed-in visit**: a new tab opening the page with 500 drawn, from the navigation's start
  to the 500 nodes drawn: the slider is moved to 500 as soon as the page's run has shown it and the caption
  below it (a new session starts at 200: the count is not in the URL, whose parameters are the view's), so this
  is an upper bound: the first run's 200 may be drawn before the rerun's 500.

Prints a markdown table of medians and the slowest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_page_load import (  # the bench folder is not a package: on the path above
    BROWSERS,
    ROOT,
    Server,
    _quiet_map,
    new_context,
    running_app,
    signed_in,
    signing_in,
)

from queries.access import CLIENT_ATTEMPTS_ENV

NETWORK = "network?period=all"
MOST_NODES = 500


def network_visit(context, server: Server) -> tuple[float, float, int]:
    """A signed-in visit of the Network page: seconds to its graph drawn at the first count of nodes, then from
    moving the slider to :data:`MOST_NODES` to the graph drawn again, and that graph's node count (checked)."""
    page = context.new_page()
    page.goto(f"{server.url}/{NETWORK}")
    started = page.evaluate("performance.timeOrigin")
    first = (_quiet_map(page, "network page")["shown"] - started) / 1000
    slider = page.get_by_role("slider")
    slider.nth(slider.count() - 1).focus()  # the page's own, below the sidebar's period
    pressed = page.evaluate("window.__clock.restart()")
    page.keyboard.press("End")
    page.wait_for_function(f"document.body.innerText.includes('{MOST_NODES} parties drawn')", timeout=60_000)
    most = (_quiet_map(page, "network page at 500 nodes")["shown"] - pressed) / 1000
    page.close()
    return first, most, MOST_NODES


def network_visit_at_most(context, server: Server) -> float:
    """A signed-in visit of the Network page with :data:`MOST_NODES` drawn: seconds from the navigation's start
    to that graph drawn, the slider moved to them (the key End) as soon as it is shown."""
    page = context.new_page()
    page.goto(f"{server.url}/{NETWORK}")
    started = page.evaluate("performance.timeOrigin")
    page.wait_for_function("document.body.innerText.includes('parties drawn')", timeout=60_000)  # its run's caption
    slider = page.get_by_role("slider")
    slider.nth(slider.count() - 1).focus()
    page.keyboard.press("End")
    page.wait_for_function(f"document.body.innerText.includes('{MOST_NODES} parties drawn')", timeout=60_000)
    drawn = (_quiet_map(page, "network page opened at 500 nodes")["shown"] - started) / 1000
    page.close()
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--browser", action="append", choices=sorted(BROWSERS), default=[])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM

    os.environ[CLIENT_ATTEMPTS_ENV] = "10000"
    timings: dict[tuple[str, str], list[float]] = {}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (folder / "now").mkdir()
        server = Server("now", stack.enter_context(running_app(ROOT, folder / "now", args.rows)), True)
        playwright = stack.enter_context(sync_playwright())
        for name in args.browser or list(BROWSERS):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSERS[name])
            context = new_context(browser)
            signing_in(context, server, server.url)  # signs in and warms the live map's caches
            network_visit(context, server)  # warms the network's
            for _ in range(args.runs):
                timings.setdefault((name, "live map, signed-in return visit"), []).append(
                    signed_in(context, server, server.url).drawn)
                first, most, _ = network_visit(context, server)
                timings.setdefault((name, "network, 200 nodes, signed-in visit"), []).append(first)
                timings.setdefault((name, f"network, {MOST_NODES} nodes, slider moved"), []).append(most)
                timings.setdefault((name, f"network, {MOST_NODES} nodes, signed-in visit"), []).append(
                    network_visit_at_most(context, server))
            context.close()
            browser.close()
    load = os.getloadavg()
    print("| browser | seizures | what | drawn s (median) | slowest s |")
    print("|---|---|---|---|---|")
    for (name, what), values in timings.items():
        print(f"| {name} | {args.rows:,} | {what} | **{statistics.median(values):.2f}** | {max(values):.2f} |")
    print(f"\n{args.runs} runs each; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; "
          f"{time.strftime('%Y-%m-%d %H:%M')}")


if __name__ == "__main__":
    main()
