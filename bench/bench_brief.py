"""The situation brief's files: their size and the time to draw them, Cordon's page against the same page
drawn from the layers' every vertex.

Run: ``python bench/bench_brief.py [--rows 20000]``. Seeds bench/out/brief-<rows>.duckdb (demo data, fixed
seed and end) when missing, then draws the brief of all areas and of Guangxi (all records, the default
hot-spot and DBSCAN parameters) in English and Chinese, as PDF and PNG, two ways:

* Cordon (``geodata.brief_render``): the reference layers simplified to what the printed scale shows
  (``geodata.brief_map.DETAIL_POINTS`` on paper), the Gi* hexagons merged by bin, fonts subset;
* every vertex: the same page with ``DETAIL_POINTS = 0``, the borders as stored.

Prints a markdown table and writes it to bench/results/brief.md. File sizes do not depend on the
machine; times do (2 shared cores: ±30 % between runs).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata import brief_map
from geodata.brief import build_brief
from geodata.brief_render import brief_bytes
from queries.filters import Filters
from queries.store import Store

END = datetime(2026, 12, 6, 12, 0)
VIEWS = {"all areas": Filters(), "Guangxi": Filters(provinces=("450000",))}
WAYS = {"Cordon: simplified to the printed scale": brief_map.DETAIL_POINTS, "every vertex": 0.0}


def database(rows: int) -> Path:
    from geodata.demo_geography import demo_geography
    from queries.seed import seed

    path = ROOT / "bench" / "out" / f"brief-{rows}.duckdb"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seed(Store(path), demo_geography(), rows=rows, seed=1, end=END)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    rows = parser.parse_args().rows
    store = Store(database(rows))
    lines = ["| view | language | way | PDF kB | PDF s | PNG kB | PNG s |", "|---|---|---|---:|---:|---:|---:|"]
    with store.reading() as con:
        briefs = {(view, lang): build_brief(con, filters, lang, generated_at=END)
                  for view, filters in VIEWS.items() for lang in ("en", "zh")}
    for (view, lang), brief in briefs.items():
        for way, detail in WAYS.items():
            brief_map.DETAIL_POINTS = detail
            cells = []
            for fmt in ("pdf", "png"):
                started = time.perf_counter()
                size = len(brief_bytes(brief, fmt))
                cells += [f"{size / 1000:,.0f}", f"{time.perf_counter() - started:.1f}"]
            lines.append(f"| {view} | {lang} | {way} | {' | '.join(cells)} |")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout.strip()
    head = (f"`python bench/bench_brief.py --rows {rows}`: brief-{rows}.duckdb at commit {commit} ({date.today()}; "
            f"{platform.machine()}, python {platform.python_version()}; sizes in kB of 1,000 bytes)")
    table = "\n".join([head, "", *lines, ""])
    print(table)
    (ROOT / "bench" / "results" / "brief.md").write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
