"""First start: a fresh copy of Cordon (no database, no base map files) started as the README says, and
the first request's time to the sign-in form on screen, in headless Chromium.

Run: ``python bench/bench_first_start.py [--runs 3] [--code REV_OR_DIR ...]``. Each ``--code`` (default:
this folder's working tree) is copied into a temporary folder without ``data/`` and
``dashboard/static/base/`` (a git revision through ``git archive``, a folder as its files are), and each
run starts ``python -m streamlit run dashboard/app.py`` there on a database path that does not exist
yet, waits for the server to answer its health check, then opens the page in a fresh browser and times:

* **server up**: from the process's start to the health check's first answer (Python and Streamlit's
  imports; no page has run yet);
* **sign-in form**: from the first request (the browser's navigation) to the password field on screen:
  the page script's first run, which creates and seeds the store, makes the first account and draws the
  sign-in page;
* **sign-in map**: from the first request to the sign-in page's map in the page (its deck's canvas);
* **seeded**: from the first request until the store holds its demo seizures (polled with a read-only
  count; where the form comes first, the seed goes on behind it).

The versions' runs alternate, so that the machine's load falls on each alike. Prints a markdown table of
medians and the load average over the runs.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.postgres_cluster import free_port

LEFT_OUT = ("data/", "dashboard/static/base/", "bench/out/", ".git/")
TIMEOUT_S = 120


def copy_code(code: str, folder: Path) -> str:
    """The code of ``code`` (a git revision or a folder) in ``folder``, as a fresh checkout has it; its name."""
    if Path(code).is_dir():
        files = subprocess.run(["git", "-C", code, "ls-files", "--cached", "--others", "--exclude-standard"],
                               capture_output=True, text=True, check=True).stdout.split()
        for name in files:
            source = Path(code) / name
            if source.is_file() and not name.startswith(LEFT_OUT):
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, folder / name)
        return f"{code} (working tree)"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", code], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    return rev


def seized(db: Path) -> int:
    """The demo seizures the store holds now (0 while it is being made), read as Cordon reads (its lock)."""
    from queries.store import Store, StoreError

    try:
        with Store(db).reading() as con:
            return con.execute("SELECT count(*) FROM seizures").fetchone()[0]
    except (StoreError, OSError):
        return 0


def one_start(browser, code_dir: Path, folder: Path) -> dict[str, float]:
    """Start the app of ``code_dir`` on a new database in ``folder`` and time its first page."""
    db = folder / "data" / "cordon.duckdb"
    port = free_port()
    env = {**os.environ, "CORDON_DB": str(db)}
    log = open(folder / "server.log", "wb")  # noqa: SIM115 - closed below
    started = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=code_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        while True:
            try:
                if direct.open(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                if time.monotonic() - started > TIMEOUT_S:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.05)
        up = time.monotonic() - started
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        request = time.monotonic()
        page.goto(url, wait_until="commit")
        page.locator("input[type=password]").wait_for(timeout=TIMEOUT_S * 1000)
        form = time.monotonic() - request
        page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=TIMEOUT_S * 1000)
        drawn = time.monotonic() - request
        while not seized(db):
            if time.monotonic() - request > TIMEOUT_S:
                raise RuntimeError("the store was not seeded")
            time.sleep(0.1)
        seeded = time.monotonic() - request
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    text = (folder / "server.log").read_text(errors="replace")
    return {"server up": up, "sign-in form": form, "sign-in map": drawn, "seeded": seeded,
            "static warning": float("No static folder found" in text or "no static folder" in text.lower())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", action="append", help="a git revision or a folder (default: this folder)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        codes = args.code or [str(ROOT)]
        times, names, loads = {code: [] for code in codes}, {}, []
        for run in range(args.runs):
            for index, code in enumerate(codes):
                folder = Path(temp) / f"run{run}-code{index}"  # a fresh copy each run: no file of a run before
                (folder / "code").mkdir(parents=True)
                names[code] = copy_code(code, folder / "code")
                loads.append(os.getloadavg()[0])
                times[code].append(one_start(browser, folder / "code", folder))
                print(names[code], {key: round(value, 2) for key, value in times[code][-1].items()}, file=sys.stderr)
        browser.close()
    print(f"medians of {args.runs} runs; load average (1 min) {min(loads):.1f}–{max(loads):.1f}\n")
    print("| code | server up s | first request → sign-in form s | → sign-in map s | → store seeded s | "
          "'no static folder' warning |")
    print("|---|---|---|---|---|---|")
    for code, runs in times.items():
        name = names[code]
        median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        warned = sum(run["static warning"] for run in runs)
        print(f"| {name} | {median['server up']:.2f} | **{median['sign-in form']:.2f}** | {median['sign-in map']:.2f} "
              f"| {median['seeded']:.2f} | {warned:.0f} of {len(runs)} |")


if __name__ == "__main__":
    main()
