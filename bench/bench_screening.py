"""Screening quality and speed (queries.screening), side by side with plain rapidfuzz ratio on the raw names.

Run: ``python bench/bench_screening.py [--parties 100000]``. Reads the labelled set (tests/fixtures/
screening_entries.csv: list entries, real names of listed companies and synthetic ones marked so;
screening_pairs.csv: a party's name, an entry, the kind of variant, match or no-match) and measures:

* precision and recall of the screener at its default threshold, per kind and overall, and those of
  ``fuzz.ratio`` on the raw strings at its best threshold (highest F1); a pair is found when the name hits
  its entry, and a look-alike (no-match) counts as a false hit when the name hits any entry;
* the time to screen ``--parties`` synthetic names (half Chinese, half Latin; seeded) against the labelled
  set's entries and against the release's lists (queries/reference/control_lists.csv), whose entries without a
  Chinese name make every Chinese party's pinyin count.

Writes the tables to bench/results/screening.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queries.control_lists import RELEASE_CSV, ListEntry, read_entries
from queries.screening import DEFAULT_THRESHOLD, Screener
from queries.screening.normalise import clear_caches

DATA = ROOT / "tests" / "fixtures"
RESULTS = ROOT / "bench" / "results" / "screening.md"
ON = date(2025, 6, 1)


def entries() -> list[ListEntry]:
    """The labelled set's entries, in force on ``ON``."""
    with open(DATA / "screening_entries.csv", encoding="utf-8") as file:
        return [
            ListEntry(
                list_code=row["list_code"],
                entry_id=row["entry_id"],
                names_zh=tuple(filter(None, row["names_zh"].split("|"))),
                names_en=tuple(filter(None, row["names_en"].split("|"))),
                former_names=(),
                identifiers=tuple(filter(None, row["identifiers"].split("|"))),
                country_iso3=None,
                announcement="bench",
                announced_on=date(2025, 1, 1),
                effective_from=date(2025, 1, 1),
                suspended_from=None,
                suspended_until=None,
                removed_on=None,
                source_url="tests/fixtures/screening_entries.csv",
            )
            for row in csv.DictReader(file)
        ]


def pairs() -> list[dict]:
    with open(DATA / "screening_pairs.csv", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def counts(found: list[bool], labelled: list[dict]) -> tuple[float, float, int, int]:
    """Precision, recall, false hits and misses of ``found`` (one per pair)."""
    tp = sum(f and p["label"] == "match" for f, p in zip(found, labelled, strict=True))
    fp = sum(f and p["label"] != "match" for f, p in zip(found, labelled, strict=True))
    positives = sum(p["label"] == "match" for p in labelled)
    return tp / max(tp + fp, 1), tp / max(positives, 1), fp, positives - tp


def screener_found(screener: Screener, labelled: list[dict]) -> list[bool]:
    hits = screener.screen_many([p["party_name"] for p in labelled], ON)
    hit_entries = defaultdict(set)
    for hit in hits:
        hit_entries[hit.party].add(hit.entry.entry_id)
    return [
        (p["entry_id"] in hit_entries[i]) if p["label"] == "match" else bool(hit_entries[i])
        for i, p in enumerate(labelled)
    ]


def ratio_found(listed: list[ListEntry], labelled: list[dict], threshold: float) -> list[bool]:
    names = [(entry.entry_id, name) for entry in listed for name in entry.names]
    scores = process.cdist([p["party_name"] for p in labelled], [name for _, name in names], scorer=fuzz.ratio)
    owners = np.array([owner for owner, _ in names])
    found = []
    for i, p in enumerate(labelled):
        hit = scores[i] >= threshold
        found.append(bool(hit[owners == p["entry_id"]].any()) if p["label"] == "match" else bool(hit.any()))
    return found


def best_ratio_threshold(listed: list[ListEntry], labelled: list[dict]) -> float:
    def f1(threshold: float) -> float:
        precision, recall, _, _ = counts(ratio_found(listed, labelled, threshold), labelled)
        return 2 * precision * recall / max(precision + recall, 1e-9)

    return max(range(30, 101), key=f1)


def synthetic_parties(count: int, seed: int = 11) -> list[str]:
    """Company names like a year of seizure records': Chinese and Latin, place + brand + trade + legal form."""
    rng = random.Random(seed)
    places = ["深圳", "广州", "东兴", "凭祥", "河口", "瑞丽", "昆明", "南宁", "上海", "义乌"]
    brand_chars = "华盛鑫泰金源宏达通恒瑞丽星河永兴昌隆富国安海天龙腾飞跃德信和顺"
    trades = ["贸易", "进出口", "矿业", "物流", "有色金属", "电子", "科技", "供应链"]
    forms_zh = ["有限公司", "有限责任公司", "股份有限公司", ""]
    latin_places = ["Shenzhen", "Guangzhou", "Hanoi", "Lao Cai", "Mandalay", "Bangkok", "Hong Kong", "Singapore"]
    syllables = ["hua", "sheng", "xin", "tai", "jin", "yuan", "hong", "da", "tong", "rui", "xing", "long", "an"]
    latin_trades = ["Trading", "Import Export", "Mining", "Logistics", "Metals", "Electronics", "Technology"]
    forms = ["Co., Ltd.", "Limited", "LLC", "Pte. Ltd.", "JSC", "Inc.", ""]
    names = []
    for index in range(count):
        if index % 2:
            brand = "".join(rng.choice(brand_chars) for _ in range(rng.randint(2, 3)))
            names.append(rng.choice(places) + brand + rng.choice(trades) + rng.choice(forms_zh))
        else:
            brand = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).title()
            names.append(f"{rng.choice(latin_places)} {brand} {rng.choice(latin_trades)} {rng.choice(forms)}".strip())
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=100_000)
    args = parser.parse_args()
    listed, labelled = entries(), pairs()
    screener = Screener(listed)
    found = screener_found(screener, labelled)
    threshold = best_ratio_threshold(listed, labelled)
    baseline = ratio_found(listed, labelled, threshold)

    lines = [
        "# Screening: quality on the labelled set and speed",
        "",
        (
            f"`python bench/bench_screening.py --parties {args.parties}` on {platform.platform()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}."
        ),
        (
            f"Labelled set: {len(listed)} entries (tests/fixtures/screening_entries.csv), {len(labelled)} pairs "
            f"({sum(p['label'] == 'match' for p in labelled)} match, {sum(p['label'] != 'match' for p in labelled)} "
            "look-alike no-match; tests/fixtures/screening_pairs.csv)."
        ),
        "",
        "| method | threshold | precision | recall | false hits | misses |",
        "|---|---|---|---|---|---|",
    ]
    for method, at, result in (
        ("queries.screening (normalised keys, rapidfuzz)", DEFAULT_THRESHOLD, found),
        ("plain `fuzz.ratio` on raw strings, its best threshold", threshold, baseline),
    ):
        precision, recall, fp, fn = counts(result, labelled)
        lines.append(f"| {method} | {at:g} | {precision:.3f} | {recall:.3f} | {fp} | {fn} |")
    lines += [
        "",
        "By kind of variant (share of pairs decided right):",
        "",
        "| kind | pairs | screening | plain ratio |",
    ]
    lines.append("|---|---|---|---|")
    for kind in sorted({p["kind"] for p in labelled}):
        chosen = [i for i, p in enumerate(labelled) if p["kind"] == kind]

        def right(result: list[bool], chosen: list[int] = chosen) -> float:
            return sum(result[i] == (labelled[i]["label"] == "match") for i in chosen) / len(chosen)

        lines.append(f"| {kind} | {len(chosen)} | {right(found):.2f} | {right(baseline):.2f} |")
    wrong = [p for p, f in zip(labelled, found, strict=True) if f != (p["label"] == "match")]
    if wrong:
        lines += ["", "Decided wrong by the screener:", ""]
        lines += [f"- {p['party_name']} / {p['entry_id']} ({p['kind']}, {p['label']})" for p in wrong]

    parties = synthetic_parties(args.parties)
    lines += ["", (f"Screening {len(parties):,} synthetic parties (half Chinese, half Latin; {len(set(parties)):,} "
                   "distinct names), normalisation caches cold each time (target ≤ 10 s):"), ""]
    release = read_entries(RELEASE_CSV)
    latin_only = sum(not entry.names_zh for entry in release)
    for against, screened in (
        (f"the labelled set's {len(listed)} entries (all with a Chinese name)", listed),
        (f"the release's {len(release)} entries (control_lists.csv, {latin_only} without a Chinese name)", release),
    ):
        clear_caches()
        timed, load = Screener(screened), os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        hits = timed.screen_many(parties, ON)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        lines.append(f"- against {against}: {elapsed:.2f} s wall, {cpu:.2f} s CPU, {len(hits)} hits; "
                     f"load average (1 min) {load:.2f} before")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
