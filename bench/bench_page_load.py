"""Page load of the live map with the default demo data (20,000 seizures), in headless Chromium.

Run: ``python bench/bench_page_load.py [--rows 20000] [--runs 5] [--view QUERY ...] [--before REV]``.
It seeds a database in a temporary folder with an account, starts the app on a free port, warms it
once (the first run of a process reads the layers and fills the caches) and then times, ``--runs``
times each, three kinds of visit:

* **first visit**: a fresh browser context (empty cache, no cookie): the sign-in page, the sign-in,
  the page reloaded with the session's cookie;
* **return visit, sign-in**: a new tab of a context whose cache a visit filled (Streamlit's scripts,
  the base map's files), its cookies cleared: the sign-in, then the reload;
* **signed-in return visit**: a new tab of a context that has the session's cookie: the page opens
  with no sign-in at all.

The sign-in page, with its map of the border, is left to finish loading first, as a user reading it
would. A visit with a sign-in is timed from the click on *Sign in*, a signed-in one from the start of
the navigation, to the headline figures (when they are put in the page) and to the **map drawn**:
the second animation frame after the live map's last WebGL draw call of the load (found by wrapping
the draw calls in the page), once it has drawn nothing for 1.5 s; then the map must show the land
boundary's red (a screenshot) and its last frame must have made more draw calls than the sign-in
map's (the records' layers were drawn, not only the base map). The sign-in reloads the page, whose
clock starts again, so every time is taken in epoch milliseconds (``performance.timeOrigin`` plus
the page's clock). Polling screenshots to see when the map appears would make the browser read the
WebGL canvas back on every poll and slow what it measures.

With ``--before REV`` the code at REV (a git worktree in a temporary folder, removed after) runs its
own server on its own database in the same run, its visits alternated with Cordon's; before the
sign-in reloaded the page (247d314) there is no signed-in return visit.

Both ways a machine without a GPU can run Chromium are measured, since they differ: ``software``
(``--disable-gpu``: WebGL by SwiftShader and software compositing, so the page's main thread waits
while every WebGL frame is read back) and ``gpu-path`` (the GPU process's compositor, as on a machine
with a GPU, with SwiftShader standing in for the GPU). Prints two markdown tables: the times, and
where the time goes (medians of the load's milestones).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queries.access import CLIENT_ATTEMPTS_ENV
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, boundary_drawn

USER, PASSWORD = "timer", "a long passphrase for timing"
BROWSERS = {
    "software": CHROMIUM_ARGS,
    "gpu-path": [*(a for a in CHROMIUM_ARGS if a != "--disable-gpu"), "--use-angle=swiftshader",
                 "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
}
KINDS = ("first visit", "return visit, sign-in", "signed-in return visit")
TIMEOUT_S = 60

# The database, written by the code of the folder it runs in (the code before a change may not read a
# newer schema): the demo seizures and one account.
SEED = """
import sys
from datetime import datetime
from pathlib import Path
sys.path.insert(0, str(Path.cwd()))
from geodata.demo_geography import demo_geography
from queries.access import Grant, add_user
from queries.seed import seed
from queries.store import Store
path, rows, user, password = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
seed(Store(path), demo_geography(), rows=rows, seed=1, end=datetime(2026, 11, 29, 12))
add_user(Store(path), user, password, "planner", grants=[Grant("all")], actor="os:bench", source="cli",
         now=datetime(2026, 11, 29, 12))
"""

# Page clock, installed in every document (the sign-in reloads the page), in epoch milliseconds. ``map``:
# when the last WebGL draw call was made, when the second animation frame after it began (the compositor
# takes the drawn canvas in the frame after the draw, in software by reading it back while the page's main
# thread waits, so the frame after that starts once it has), the draw calls of the frame that made it, and
# the first draw; ``restart()`` (at the click) starts a new record, so that the sign-in map's draws never
# count as the live map's. ``figures``: when the headline figures were first put in the page.
DRAW_CLOCK = """
(() => {
  const epoch = () => performance.timeOrigin + performance.now();
  const fresh = () => ({first: null, last: null, shown: null, calls: 0, frame: -1, waiting: false});
  const clock = window.__clock = {frame: 0, map: fresh(), figures: null,
                                  restart() { clock.map = fresh(); return epoch(); }};
  const tick = () => { clock.frame += 1; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const figures = new MutationObserver(() => {
    if (document.querySelector('[data-testid="stMetric"]')) { clock.figures = epoch(); figures.disconnect(); }
  });
  figures.observe(document, {childList: true, subtree: true});
  for (const name of ["drawArrays", "drawElements", "drawArraysInstanced", "drawElementsInstanced"]) {
    const draw = WebGL2RenderingContext.prototype[name];
    WebGL2RenderingContext.prototype[name] = function (...args) {
      const map = clock.map;
      map.last = epoch();
      map.first = map.first ?? map.last;
      if (map.frame !== clock.frame) { map.frame = clock.frame; map.calls = 0; }
      map.calls += 1;
      if (!map.waiting) {
        map.waiting = true;
        requestAnimationFrame(() => requestAnimationFrame(() => { map.waiting = false; map.shown = epoch(); }));
      }
      return draw.apply(this, args);
    };
  }
})();
"""
QUIET_S = 1.5


@dataclass
class Load:
    """One visit's milestones, in seconds from its start (the click, or the navigation's start): the
    start of the live page's navigation and its DOM loaded (None: the sign-in did not load a page), the
    figures, the map's first draw and the map drawn; and the draw calls of the map's last frame."""

    navigation: float | None
    dom: float | None
    figures: float
    first_draw: float
    drawn: float
    calls: int


@dataclass
class Server:
    """A running app: its label in the tables, its URL, and whether its sign-in reloads the page with a
    session cookie (then a new tab of the browser is signed in)."""

    label: str
    url: str
    reloads: bool
    loads: dict = field(default_factory=dict)  # (browser, view, kind) -> [Load]
    sign_in_calls: int = 0  # the most draw calls of the sign-in map's last frame, over its visits


def _quiet_map(page, where: str) -> dict:
    """Wait until the page's map has drawn and then drawn nothing for ``QUIET_S``; the page's clock."""
    page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first.wait_for(timeout=TIMEOUT_S * 1000)
    started = time.perf_counter()
    while True:
        time.sleep(0.25)
        clock = page.evaluate("({...window.__clock.map, figures: window.__clock.figures, now: Date.now(),"
                              " origin: performance.timeOrigin,"
                              " dom: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd})")
        if clock["last"] is not None and clock["shown"] is not None and clock["shown"] > clock["last"] \
                and clock["now"] - clock["last"] > QUIET_S * 1000:
            return clock
        if time.perf_counter() - started > TIMEOUT_S:
            raise RuntimeError(f"{where}: the map was still drawing after {TIMEOUT_S} s")


def _live_map(page, where: str, start: float, reloads: bool, server: Server) -> Load:
    """The live page's load, timed from ``start`` (epoch ms), once its map is drawn; checked."""
    page.get_by_test_id("stMetric").first.wait_for(timeout=TIMEOUT_S * 1000)
    clock = _quiet_map(page, where)
    new_page = clock["origin"] >= start  # the page was loaded by this visit, not only run again
    if reloads and not new_page:
        raise RuntimeError(f"{where}: the sign-in did not reload the page")
    if clock["calls"] <= server.sign_in_calls:
        raise RuntimeError(f"{where}: the live map's last frame made {clock['calls']} draw calls, no more than "
                           f"the sign-in map's {server.sign_in_calls}: its layers were not drawn")
    if not boundary_drawn(page.get_by_test_id("stDeckGlJsonChart").screenshot(animations="allow")):
        raise RuntimeError(f"{where}: the map does not show the land boundary")

    def since(epoch_ms: float) -> float:
        return (epoch_ms - start) / 1000

    return Load(navigation=since(clock["origin"]) if new_page else None,
                dom=since(clock["origin"] + clock["dom"]) if new_page else None,
                figures=since(clock["figures"]), first_draw=since(clock["first"]), drawn=since(clock["shown"]),
                calls=clock["calls"])


def signing_in(context, server: Server, url: str) -> Load:
    """A visit with a sign-in, in a new tab of ``context``, timed from the click."""
    page = context.new_page()
    page.goto(url)
    server.sign_in_calls = max(server.sign_in_calls, _quiet_map(page, f"{url} (sign-in page)")["calls"])
    page.get_by_label("User name", exact=True).fill(USER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    clicked = page.evaluate("window.__clock.restart()")
    page.get_by_role("button", name="Sign in").click()
    load = _live_map(page, url, clicked, server.reloads, server)
    page.close()
    return load


def signed_in(context, server: Server, url: str) -> Load:
    """A visit of a browser already signed in, in a new tab of ``context``, timed from the navigation's start."""
    page = context.new_page()
    page.goto(url)
    load = _live_map(page, url, page.evaluate("performance.timeOrigin"), False, server)
    page.close()
    return load


def new_context(browser):
    made = browser.new_context(viewport={"width": 1600, "height": 1000})
    made.add_init_script(DRAW_CLOCK)
    return made


def time_visits(browser, name: str, servers: list[Server], views: list[str], runs: int) -> None:
    """``runs`` visits of each kind for each view, the servers' visits alternated."""
    for server in servers:  # warms the server's caches
        warming = new_context(browser)
        signing_in(warming, server, server.url)
        warming.close()
    for view in views:
        returning = {}
        for server in servers:
            returning[server.label] = new_context(browser)
            signing_in(returning[server.label], server, f"{server.url}/?{view}")  # fills the cache
        for _ in range(runs):
            for server in servers:
                url = f"{server.url}/?{view}"
                fresh = new_context(browser)
                timed = [("first visit", signing_in(fresh, server, url))]
                fresh.close()
                returning[server.label].clear_cookies()
                timed.append(("return visit, sign-in", signing_in(returning[server.label], server, url)))
                if server.reloads:
                    timed.append(("signed-in return visit", signed_in(returning[server.label], server, url)))
                for kind, load in timed:
                    server.loads.setdefault((name, view, kind), []).append(load)
        for context in returning.values():
            context.close()


@contextmanager
def running_app(root: Path, folder: Path, rows: int):
    """The app of the code in ``root`` on a database that code seeds in ``folder``, started the way the
    tests start it (``root``'s own tests/e2e/conftest.py); its URL."""
    path = folder / "cordon.duckdb"
    subprocess.run([sys.executable, "-c", SEED, str(path), str(rows), USER, PASSWORD], cwd=root, check=True)
    spec = importlib.util.spec_from_file_location(f"e2e_conftest_{root.name}", root / "tests/e2e/conftest.py")
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    with conftest.start_app(path) as url:
        yield url


@contextmanager
def worktree(rev: str):
    """The code at ``rev`` checked out in a temporary folder (a git worktree), removed after."""
    folder = Path(tempfile.mkdtemp(prefix="cordon-before-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev], check=True,
                   capture_output=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=True)


def median(loads: list[Load], what: str) -> str:
    values = [getattr(load, what) for load in loads]
    return "–" if None in values else f"{statistics.median(values):.2f}"


def print_tables(servers: list[Server], rows: int, runs: int) -> None:
    print("| browser | seizures | view | code | " + " | ".join(f"{kind}: figures s | {kind}: map drawn s" for kind in KINDS)
          + " | max s |")
    print("|---" * (5 + 2 * len(KINDS)) + "|")
    keys = sorted({key[:2] for server in servers for key in server.loads}, key=lambda key: (list(BROWSERS).index(key[0]), key[1]))
    for name, view in keys:
        for server in servers:
            cells, slowest = [], 0.0
            for kind in KINDS:
                loads = server.loads.get((name, view, kind))
                if loads is None:
                    cells.append("– | –")
                    continue
                cells.append(f"{median(loads, 'figures')} | **{median(loads, 'drawn')}**")
                slowest = max(slowest, *(load.drawn for load in loads))
            print(f"| {name} | {rows:,} | {view or 'default'} | {server.label} | {' | '.join(cells)} | {slowest:.2f} |")
    print(f"\nmedians of {runs} runs each; max: the slowest map drawn of any kind")
    print("\n| browser | view | code | visit | page loads s | DOM loaded s | figures s | map's first draw s "
          "| map drawn s | draw calls of its last frame |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, view in keys:
        for server in servers:
            for kind in KINDS:
                loads = server.loads.get((name, view, kind))
                if loads is not None:
                    print(f"| {name} | {view or 'default'} | {server.label} | {kind} | {median(loads, 'navigation')} | "
                          f"{median(loads, 'dom')} | {median(loads, 'figures')} | {median(loads, 'first_draw')} | "
                          f"{median(loads, 'drawn')} | {statistics.median(load.calls for load in loads):.0f} |")
    print("\nseconds from the click on Sign in (signed-in return visit: from the navigation's start), medians")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--view", action="append", default=[],
                        help="URL query of a view to time instead of the default one, e.g. density=none (repeatable)")
    parser.add_argument("--browser", action="append", choices=sorted(BROWSERS), default=[],
                        help="which Chromium configuration to time (repeatable; default: both)")
    parser.add_argument("--before", default=None, help="a git revision whose app to time as well, e.g. 247d314")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    os.environ[CLIENT_ATTEMPTS_ENV] = "10000"  # the bench signs in from one address many times a minute
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        (folder / "now").mkdir()
        servers = [Server("now", stack.enter_context(running_app(ROOT, folder / "now", args.rows)), True)]
        if args.before:
            before = stack.enter_context(worktree(args.before))
            (folder / "before").mkdir()
            servers.append(Server(f"before ({args.before})",
                                  stack.enter_context(running_app(before, folder / "before", args.rows)),
                                  False))
        playwright = stack.enter_context(sync_playwright())
        for name in args.browser or list(BROWSERS):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSERS[name])
            time_visits(browser, name, servers, args.view or [""], args.runs)
            browser.close()
    print_tables(servers, args.rows, args.runs)


if __name__ == "__main__":
    main()
