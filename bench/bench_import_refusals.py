"""What checking an import costs when its rows are refused, and what a hostile workbook costs.

    python bench/bench_import_refusals.py [--before REV] [--out bench/results/import_refusals.md]

Files, generated in memory: the probe's 80 KB CSV of 20,000 rows whose one column (数量) is not a
number; 20,000 seizure rows with Chinese headers each breaking three rules (2.2 MB); 20,000 valid
seizure rows as CSV and as a workbook; two workbooks of 1,000,000 one-cell rows of bad quantities,
all alike (as the probe's: a few hundred KB unpacking to some 50–80 MB) or all different. Each is
read and checked (``read_upload`` then ``check``, as the Import page does) three ways, best of three:

* **Cordon**: the refusals worked out for whole columns (``queries.ingest.refusals``);
* **row by row**: the same reading and frame validation, then each refused row asked of
  ``validate_row`` and written as JSON one by one, as ``check`` did up to issue 16;
* **before** (with ``--before REV``): the code at REV (its tree from git archive, in a temporary
  folder), timed in a subprocess; the files it would take minutes on are left out.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.demo_geography import import_geography
from queries.ingest import Cancelled, IngestError, check, known_places, read_upload, validate_frame, validate_row
from queries.ingest.files import as_text
from queries.ingest.importer import import_rules
from queries.seed import write_reference
from queries.store import Store
from tests.queries.ingest_fixtures import HEADER, NOW, seizure_row

OUT = ROOT / "bench" / "out"
RUNS = 3


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    return (",".join(rows[0]) + "\n" + "".join(",".join(row.values()) + "\n" for row in rows)).encode()


def workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def one_cell_rows(rows: int, kinds: int) -> bytes:
    """A workbook whose sheet holds ``rows`` rows of one bad quantity each (``kinds`` different ones),
    its XML written directly (rows and cells unnumbered, as the format allows)."""
    template = workbook([["数量"]])
    sheet = "".join(f'<row><c t="inlineStr"><is><t>{i % kinds}x</t></is></c></row>' for i in range(rows))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", sheet.encode() + b"</sheetData>")
            out.writestr(entry, content)
    return buffer.getvalue()


def files() -> dict[str, tuple[str, bytes, bool]]:
    """name → (file name, bytes, whether the code before issue 16 is timed on it)."""
    bad = [seizure_row(i, quantity="abc", lat="108.3", channel="飞船") for i in range(20_000)]
    good = [seizure_row(i) for i in range(20_000)]
    return {
        "80 KB CSV, 20,000 rows, quantity not a number": ("probe.csv", ("数量\n" + "abc\n" * 20_000).encode(), True),
        "20,000 seizure rows, three faults each": ("bad.csv", csv_bytes(bad), True),
        "20,000 valid seizure rows, CSV": ("good.csv", csv_bytes(good), True),
        "20,000 valid seizure rows, .xlsx": ("good.xlsx", workbook([list(HEADER), *map(list, map(dict.values, good))]),
                                             True),
        "workbook of 1,000,000 rows, all alike (the probe's)": ("alike.xlsx", one_cell_rows(1_000_000, 1), False),
        "workbook of 1,000,000 rows, all different": ("million.xlsx", one_cell_rows(1_000_000, 1_000_000), False),
    }


def row_by_row(parsed, geography, places) -> int:
    """The refusal path as it was: each refused row asked of validate_row, its raw row dumped as JSON."""
    rules = import_rules(parsed, geography, places, NOW)
    frame = parsed.fields()
    _, bad, _ = validate_frame(frame, rules)
    refused = []
    for position in np.flatnonzero(bad):
        raw = {name: as_text(value) for name, value in frame.iloc[position].items()}
        reasons = validate_row(raw, rules)
        row = parsed.table.frame.iloc[position]
        refused.append((json.dumps({str(h): as_text(v) for h, v in row.items()}, ensure_ascii=False),
                        "; ".join(r.message for r in reasons)))
    return len(refused)


def best(run) -> tuple[float, str]:
    times, outcome = [], ""
    for _ in range(RUNS):
        started = time.perf_counter()
        try:
            outcome = run()
        except (IngestError, Cancelled) as error:
            outcome = f"refused: {str(error)[:90]}…"
        times.append(time.perf_counter() - started)
    return min(times), outcome


BEFORE = """
import sys, time, json
sys.path[:0] = [sys.argv[1]]
from geodata.demo_geography import import_geography
from queries.ingest import read_upload, check, known_places
from queries.store import Store
from tests.queries.ingest_fixtures import NOW
geography, places = import_geography(), known_places(Store(sys.argv[2]))
name, data = sys.argv[3], open(sys.argv[4], "rb").read()
times = []
for _ in range(int(sys.argv[5])):
    started = time.perf_counter()
    checked = check(read_upload(name, data), geography, places, NOW)
    times.append(time.perf_counter() - started)
print(json.dumps([min(times), len(checked.rejected)]))
"""


def tree_at(rev: str, folder: Path) -> Path:
    """The repository's files at ``rev`` (git archive), extracted into ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as files_at_rev:
        files_at_rev.extractall(folder, filter="data")
    return folder


def before(tree: Path, store: Path, name: str, data: bytes) -> tuple[float, int]:
    """Seconds and refused rows of the code in ``tree`` (see tree_at) on the file, in a subprocess."""
    path = tree.parent / name
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", BEFORE, str(tree), str(store), name, str(path), str(RUNS)],
                          capture_output=True, text=True, check=True)
    seconds, refused = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=None, help="a git revision whose queries/ to time as well")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "import_refusals.md")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    geography = import_geography()
    geography.locate([108.3], [22.8])  # load the layers before timing
    store_path = OUT / "refusals.duckdb"
    for leftover in OUT.glob("refusals.duckdb*"):
        leftover.unlink()
    store = Store(store_path)
    with store.writing() as con:
        from geodata.demo_geography import demo_geography

        write_reference(con, demo_geography())
    places = known_places(store)
    lines = [
        "# Checking imports with refused rows",
        "",
        (f"`python bench/bench_import_refusals.py{f' --before {args.before}' if args.before else ''}` on "
         f"{platform.machine()} ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start), Python "
         f"{platform.python_version()}; best of {RUNS}; read and check as the Import page does, nothing written."),
        "",
        "| file | size | Cordon | row by row | before | Cordon's result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    scratch = tempfile.TemporaryDirectory()
    tree = tree_at(args.before, Path(scratch.name) / "tree") if args.before else None
    for label, (name, data, timed_before) in files().items():
        seconds, outcome = best(lambda name=name, data=data: _checked(name, data, geography, places))
        naive = "—"
        if not outcome.startswith("refused"):
            naive_seconds, _ = best(lambda name=name, data=data: row_by_row(read_upload(name, data), geography, places))
            naive = f"{naive_seconds:.2f} s"
        old = "—"
        if tree and timed_before:
            old = f"{before(tree, store_path, name, data)[0]:.2f} s"
        size = f"{len(data) / 2**20:.1f} MB" if len(data) >= 2**20 else f"{len(data) / 1024:.0f} KB"
        lines.append(f"| {label} | {size} | {seconds:.2f} s | {naive} | {old} | {outcome} |")
        print(lines[-1], flush=True)
    scratch.cleanup()
    lines += ["", f"Load average {os.getloadavg()[0]:.1f} at the end.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _checked(name: str, data: bytes, geography, places) -> str:
    checked = check(read_upload(name, data), geography, places, NOW)
    return f"{len(checked.records):,} can land, {len(checked.rejected):,} refused in {len(checked.batches)} batches"


if __name__ == "__main__":
    sys.exit(main())
