"""The live map at 1,000,000 seizures: a filter change, an unchanged rerun, the payload, the naive way.

Run: ``python bench/bench_live_map.py [--rows 1000000] [--repeat 3] [--memory]``. It seeds (once,
kept in bench/out/) a database of ``--rows`` demo seizures, then, for a sequence of filter changes an
analyst would make, measures on the server:

* cached way (Cordon): ``queries.views.map_data`` on a fresh read connection (what a filter change
  costs: the page's queries), then the pydeck layers and the compact JSON sent to the browser;
* through the page's loaders: the same view as one run of the live page reads it, through the
  dashboard's ``st.cache_data`` loaders (``map_data``, then ``live_map_spec`` from those rows), with
  their caches emptied first (a filter change, caches included) and again with them filled (an
  unchanged rerun);
* naive way: every filtered row read and put into one ScatterplotLayer with its tooltip, serialized
  by pydeck's own ``to_json`` (the usual ``st.pydeck_chart(pdk.Deck(...))``).

``--memory`` also starts the app on the database, opens the live map in headless Chromium through
the same filter changes and reports the app process's resident memory (VmRSS now, VmHWM peak).
Prints markdown tables; writes them to bench/results/live_map.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd
import pydeck as pdk

from dashboard import data as dashboard_data
from dashboard import live_layers, map_layers, pydeck_adapters, startup
from dashboard.config import MAP_LIMITS
from dashboard.state import View
from queries import views
from queries.access import Scope
from queries.filters import Filters
from queries.seed import seed
from queries.store import Store, run

NOW = datetime(2026, 11, 29, 12, 0)
# The filter changes of the run: (label, URL query) as an analyst would make them, one after another.
STEPS = [
    ("90 days (default)", {}),
    ("last 30 days", {"period": "30d"}),
    ("year", {"period": "1y"}),
    ("year, gallium + germanium", {"period": "1y", "group": "Ga,Ge"}),
    ("all time", {"period": "all"}),
    ("all, heavy rare earths, land port", {"period": "all", "group": "REE_heavy", "channel": "land_port"}),
    ("all, Guangxi", {"period": "all", "province": "450000"}),
    ("all, any border zone, ≥ 100 kg", {"period": "all", "zone": "any", "min_kg": "100"}),
    ("2025, postal/express", {"from": "2025-01-01", "to": "2025-12-31", "channel": "postal_express"}),
    ("all, text search 'declaration'", {"period": "all", "q": "declaration"}),
    ("all, hexagons res 7 by value", {"period": "all", "density": "hexagons", "hex": "7", "weight": "value"}),
    ("all, Chinese labels", {"period": "all", "lang": "zh"}),
]
NAIVE_STEPS = ("last 30 days", "year", "all time")


def view_for(query: dict) -> View:
    from dashboard.state import AreaCodes, decode

    view, problems = decode(query, AreaCodes(provinces=frozenset({"450000", "530000"})))
    assert not problems, problems
    return view


def deck_json(view: View, data: dict, base: dict) -> str:
    """The live map's deck for ``view`` exactly as the page builds it, serialized."""
    return live_layers.live_map_deck(data, base, view.layers, view.density, view.weight, view.lang).to_json()


def naive_json(store: Store, view: View, base: dict) -> tuple[str, int]:
    """Every filtered row into a ScatterplotLayer with its tooltip, serialized the usual way (pydeck's
    ``to_json``, rows turned into dicts)."""
    with store.reading() as con:
        rows = views.records(con, view.filters(NOW), limit=10_000_000, offset=0)
    points = rows.rename(columns={"site_en": "checkpoint_en", "site_zh": "checkpoint_zh"}).assign(hub_en=None,
                                                                                                   hub_zh=None)
    every_row = pdk.Layer("ScatterplotLayer", data=live_layers.seizure_records(points, view.lang), id="seizures",
                          get_position=["lon", "lat"], get_fill_color="colour", get_radius="radius",
                          radius_units=pydeck_adapters.PIXELS, pickable=True)
    base_as_usual = [pdk.Layer("LineLayer" if name in dashboard_data.BASE_LINE_SETS else "PolygonLayer",
                               data=json.loads(text), id=name) for name, text in base.items()]
    deck = pdk.Deck(layers=[*base_as_usual, every_row], initial_view_state=map_layers.view_state(map_layers.live_view()), map_provider=None,
                    map_style=None)
    return deck.to_json(), len(rows)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def build_database(rows: int) -> Path:
    from geodata.demo_geography import demo_geography

    path = ROOT / "bench" / "out" / f"cordon-{rows}.duckdb"
    if not path.exists():
        started = time.perf_counter()
        seed(Store(path), demo_geography(), rows=rows, seed=1, end=NOW)
        print(f"seeded {rows:,} rows into {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def query_only(store: Store, view: View, filters, newest: int) -> dict:
    """A filter change's queries: what ``queries.views.map_data`` reads on a fresh read connection."""
    with store.reading() as con:
        return views.map_data(con, filters, view.hex_res, newest, MAP_LIMITS,
                              dashboard_data.map_parts(view.layers, view.density))


def filter_change(store: Store, view: View, filters, newest: int, base: dict) -> tuple[dict, str]:
    """A filter change as the page pays it: the queries, then the layers and the deck's JSON."""
    data = query_only(store, view, filters, newest)
    return data, deck_json(view, data, base)


def page_run(path: Path, version: int, view: View, filters, newest: int) -> str:
    """What one run of the live page reads for ``view`` through the dashboard's loaders: the map's data
    (figures and layers), then the deck JSON built from them (no alerts, as in a replay)."""
    source = dashboard_data.Source(str(path), Scope(everything=True))
    data = dashboard_data.map_data(source, version, filters, view.hex_res, newest,
                                   dashboard_data.map_parts(view.layers, view.density))
    spec = dashboard_data.live_map_spec(source, version, filters, view.hex_res, newest, view.layers, view.density,
                                        view.weight, view.lang, startup.base_map(view.lang), None, data, None)
    return pydeck_adapters.PrebuiltDeck(spec).to_json()


def cold_page_run(path: Path, version: int, view: View, filters, newest: int) -> str:
    """:func:`page_run` with the loaders' caches emptied first: a filter change as the page pays it."""
    dashboard_data.map_data.clear()
    dashboard_data.live_map_spec.clear()
    return page_run(path, version, view, filters, newest)


def server_table(path: Path, repeat: int) -> list[str]:
    store = Store(path)
    base = {lang: startup.base_map(lang) for lang in ("en", "zh")}  # as the page sends it
    texts = {lang: dashboard_data.base_geography(lang) for lang in ("en", "zh")}  # the records themselves
    version = dashboard_data.data_version(str(path))
    with store.reading() as con:  # records newer than this would be ringed as new: none, as at a first look
        newest = int(run(con, "data_extent", Filters().params()).iloc[0]["newest_arrival"])
    lines = [("| filter change | seizures | queries ms | queries + layers + JSON ms | page's loaders, emptied ms "
              "| unchanged rerun ms | JSON MB | naive ms | naive JSON MB |"), "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    change_ms, cold_ms, rerun_ms, sizes = [], [], [], []
    for label, query in STEPS:
        view = view_for(query)
        filters = view.filters(NOW)
        queries_s = [timed(query_only, store, view, filters, newest)[0] for _ in range(repeat)]
        changes = [timed(filter_change, store, view, filters, newest, base[view.lang]) for _ in range(repeat)]
        full_s = [seconds for seconds, _ in changes]
        data, text = changes[-1][1]
        colds = [timed(cold_page_run, path, version, view, filters, newest)[0] for _ in range(repeat)]
        reruns = [timed(page_run, path, version, view, filters, newest)[0] for _ in range(repeat)]
        size = len(text.encode())
        change_ms.append(statistics.median(full_s) * 1000)
        cold_ms.append(statistics.median(colds) * 1000)
        rerun_ms.append(statistics.median(reruns) * 1000)
        sizes.append(size)
        if label in NAIVE_STEPS:
            naive_s, (naive_text, _) = timed(naive_json, store, view, texts[view.lang])
            naive = f"{naive_s * 1000:,.0f} | {len(naive_text.encode()) / 1e6:,.1f}"
            del naive_text
        else:
            naive = "– | –"
        lines.append(f"| {label} | {int(data['summary']['seizures']):,} | {statistics.median(queries_s) * 1000:,.0f} "
                     f"| {statistics.median(full_s) * 1000:,.0f} | {statistics.median(colds) * 1000:,.0f} "
                     f"| {statistics.median(reruns) * 1000:,.0f} "
                     f"| {size / 1e6:.2f} | {naive} |")
    lines.append(f"| **median / max** | | | **{statistics.median(change_ms):,.0f}** / {max(change_ms):,.0f} "
                 f"| **{statistics.median(cold_ms):,.0f}** / {max(cold_ms):,.0f} "
                 f"| **{statistics.median(rerun_ms):,.0f}** / {max(rerun_ms):,.0f} | max **{max(sizes) / 1e6:.2f}** | | |")
    return lines


def app_memory(path: Path) -> list[str]:
    """Resident memory of the app process after the live map has been opened through every step."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app

    with start_app(path) as url, sync_playwright() as playwright:
        pid = _server_pid(url)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        for _, query in STEPS:
            page.goto(f"{url}/?{urlencode({**query, 'refresh': 0})}")
            page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first.wait_for(timeout=120_000)
            page.wait_for_timeout(1500)
        status = Path(f"/proc/{pid}/status").read_text()
        browser.close()
    fields = {line.split(":")[0]: line.split(":")[1].strip() for line in status.splitlines()}
    return ["| app process at 1M rows | VmRSS | VmHWM (peak) |", "|---|---:|---:|",
            f"| after {len(STEPS)} views | {fields['VmRSS']} | {fields['VmHWM']} |"]


def _server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(command) and port.encode() in command:
                return int(proc.name)
    raise RuntimeError("app process not found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    path = build_database(args.rows)
    report = [f"Live map at {args.rows:,} seizures ({pd.Timestamp.now():%Y-%m-%d}, medians of {args.repeat})", "",
              *server_table(path, args.repeat)]
    if args.memory:
        report += ["", *app_memory(path)]
    text = "\n".join(report)
    print(text)
    (ROOT / "bench" / "results" / "live_map.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
