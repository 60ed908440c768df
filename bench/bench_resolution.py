"""Entity resolution (issue 21, item 4; queries.entities): quality on a labelled set against splink, and scale.

1. Quality: the labelled mentions of tests/fixtures/entity_mentions.csv (companies written with another legal form,
   in traditional characters, in pinyin, in another word order, with a typo, under one code; look-alike companies
   that are others; people of one name in two posts, the same person only where an identity number or a phone
   links them) are resolved by Cordon's design (blocking + rapidfuzz, queries.resolution.resolve_frame) and by splink
   (probabilistic record linkage, Fellegi-Sunter, on DuckDB) in the same run; precision and recall over the pairs
   of mentions. splink gets the same normalisation as Cordon (the screening's keys: characters, pinyin) so that
   the linkage is what is compared, not the spelling rules.
2. Scale: 1,000,000 party mentions (synthetic: 150,000 companies and people, each mention a spelling of one) in a
   DuckDB file store (parties and seizure_parties as imports write them), resolved in full
   (queries.entities.resolve_parties) in a child process: wall and CPU time, peak RSS. Target: <= 2 min, 4 GB.

splink is not a dependency of Cordon (not chosen: bench/results/resolution.md says why). To run this bench with it:

    python -m venv --system-site-packages /tmp/splink-venv
    /tmp/splink-venv/bin/pip install splink==5.0.0
    /tmp/splink-venv/bin/python bench/bench_resolution.py

(splink 5.0.0 installs from PyPI here beside Cordon's DuckDB 1.5.5 and pandas; without it the bench measures
Cordon's design alone and says so.) Options: --mentions N (default 1,000,000), --skip-scale.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from queries.resolution import resolve_frame
from queries.screening.normalise import HAN, keys_of

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "entity_mentions.csv"
AT = datetime(2026, 12, 1, 12, 0)


# ---- quality -------------------------------------------------------------------------------------------------

def labelled() -> pd.DataFrame:
    return pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)


def true_pairs(mentions: pd.DataFrame) -> set[tuple[int, int]]:
    return _pairs(mentions["mention_id"].astype(int), mentions["entity"])


def _pairs(ids, clusters) -> set[tuple[int, int]]:
    grouped = pd.DataFrame({"id": list(ids), "cluster": list(clusters)}).groupby("cluster")["id"].agg(sorted)
    return {pair for members in grouped for pair in combinations(members, 2)}


def cordon_pairs(mentions: pd.DataFrame) -> set[tuple[int, int]]:
    """Each mention a party, as queries.parties keys them (a person within its source, a company by its code)."""
    person = mentions["kind"] == "person"
    names = pd.DataFrame({
        "party_id": mentions["mention_id"].astype(int), "kind": mentions["kind"],
        "party_key": np.where(person, mentions["name"] + "@" + mentions["source"],
                              mentions["uscc"].where(mentions["uscc"] != "", mentions["name"])),
        "uscc": mentions["uscc"].replace("", None), "id_number": mentions["id_number"].replace("", None),
        "name": mentions["name"]})
    phones = pd.DataFrame({"party_id": names["party_id"], "phone": mentions["phone"]})
    resolved = resolve_frame(names, phones[phones["phone"] != ""])
    entity = dict(zip(resolved["party_id"], resolved["entity_id"], strict=True))
    return _pairs(names["party_id"], [entity.get(p, p) for p in names["party_id"]])


def _normalised(name: str) -> tuple[str, str]:
    """A name's characters (or Latin words sorted) and its pinyin (or Latin words run together): screening's keys."""
    keys = keys_of(name)
    han = next((key.text for key in keys if key.script == HAN), None)
    latin = next((key.compact for key in keys if key.script != HAN and not key.translated), "")
    return (han or " ".join(sorted(keys[0].words)) if keys else ""), latin


def splink_pairs(mentions: pd.DataFrame, threshold: float = 0.9) -> set[tuple[int, int]] | str:
    """The pairs splink links at ``threshold`` (match probability), or why it could not run."""
    try:
        import splink.comparison_library as cl
        from splink import Linker, SettingsCreator, block_on
        from splink.backends.duckdb import DuckDBAPI
    except ImportError as error:
        return f"splink is not installed ({error}); see the docstring"
    normalised = [_normalised(name) for name in mentions["name"]]
    frame = pd.DataFrame({
        "unique_id": mentions["mention_id"].astype(int), "kind": mentions["kind"],
        "name_norm": [n for n, _ in normalised], "pinyin": [p for _, p in normalised],
        "source": mentions["source"], **{c: mentions[c].replace("", None) for c in ("uscc", "id_number", "phone")}})
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.JaroWinklerAtThresholds("name_norm", [0.95, 0.88]),
                     cl.JaroWinklerAtThresholds("pinyin", [0.95, 0.88]),
                     cl.ExactMatch("uscc"), cl.ExactMatch("id_number"), cl.ExactMatch("phone"),
                     cl.ExactMatch("source")],
        blocking_rules_to_generate_predictions=[block_on("kind")],
        retain_intermediate_calculation_columns=False)
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_norm"), block_on("pinyin"), block_on("uscc")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("kind"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold).as_pandas_dataframe()
    return _pairs(clusters["unique_id"], clusters["cluster_id"])


def scores(found: set, truth: set) -> dict[str, float]:
    hits = len(found & truth)
    return {"pairs_found": len(found), "precision": hits / len(found) if found else 1.0,
            "recall": hits / len(truth) if truth else 1.0}


def misses(found: set, truth: set, mentions: pd.DataFrame) -> list[str]:
    name = dict(zip(mentions["mention_id"].astype(int), mentions["name"] + " [" + mentions["rule"] + "]",
                    strict=True))
    return ([f"missed: {name[a]} ~ {name[b]}" for a, b in sorted(truth - found)]
            + [f"wrong: {name[a]} ~ {name[b]}" for a, b in sorted(found - truth)])


# ---- scale ---------------------------------------------------------------------------------------------------

def synthetic_mentions(count: int, seed: int = 21) -> pd.DataFrame:
    """``count`` mentions of 150,000 parties (120,000 companies, 30,000 people), the frequent ones often, each
    written as one of its spellings (legal form, traditional, pinyin, typo)."""
    import opencc
    rng = np.random.default_rng(seed)
    s2t = opencc.OpenCC("s2t")
    cities = np.array(["南宁市", "凭祥市", "东兴市", "百色市", "崇左市", "昆明市", "河口县", "瑞丽市", "深圳市", "广州市",
                       "赣州市", "包头市", "长沙市", "龙岩市", "文山市", "临沧市"])
    trade = np.array(list("鑫源恒通宏达盛泰隆昌丰瑞祥兴金利华富永嘉晟禾安顺德宝森林海川"))
    industries = np.array(["矿业", "贸易", "进出口贸易", "商贸", "金属材料", "稀土新材料", "有色金属", "物流", "供应链管理"])
    companies = 120_000
    picks = [rng.integers(0, len(options), companies) for options in (cities, trade, trade, trade, industries)]
    bases = pd.unique(pd.Series([f"{a}某{b}{c}{d}{e}" for a, b, c, d, e in zip(
        cities[picks[0]], trade[picks[1]], trade[picks[2]], trade[picks[3]], industries[picks[4]], strict=True)]))
    surnames, given = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦农覃蒙"), list("军强明勇平辉峰斌龙杰涛东海波成文坤生荣德林华")
    people = pd.unique(pd.Series([f"{surnames[a]}某{given[b]}{given[c]}" for a, b, c in rng.integers(
        0, len(given) - 1, (30_000, 3)) % [len(surnames), len(given), len(given)]]))
    party = (len(bases) + len(people)) * rng.random(count) ** 2  # a few parties named often
    party = party.astype(np.int64)
    spelling = rng.integers(0, 10, count)
    names = np.empty(count, dtype=object)
    sources = np.array([f"POST-{i:02d}" for i in range(40)])[rng.integers(0, 40, count)]
    is_company = party < len(bases)
    forms = np.array(["有限公司", "有限责任公司", "股份有限公司"])
    for i in np.flatnonzero(is_company):
        base, way = bases[party[i]], spelling[i]
        names[i] = (base + forms[way % 3] if way < 7 else s2t.convert(base + "有限公司") if way == 7
                    else base[:-2] + "有限公司" if way == 8 else base + "有限公司")
    names[~is_company] = people[np.minimum(party[~is_company] - len(bases), len(people) - 1)]
    return pd.DataFrame({"kind": np.where(is_company, "company", "person"), "name": names, "source": sources})


def build_store(path: Path, count: int) -> int:
    """A DuckDB file store holding ``count`` mentions as imports store them: parties keyed by queries.parties,
    a seizure_parties row per mention; the parties stored."""
    from queries.parties import party_key
    from queries.store import Store, write_frame

    mentions = synthetic_mentions(count)
    mentions["party_key"] = [party_key(kind, name, source) for kind, name, source in mentions.itertuples(index=False)]
    parties = mentions.drop_duplicates(["kind", "party_key"]).reset_index(drop=True)
    parties["party_id"] = np.arange(1, len(parties) + 1)
    links = mentions.merge(parties[["kind", "party_key", "party_id"]], on=["kind", "party_key"])
    store = Store(path)
    with store.writing() as con:
        write_frame(con, "insert_parties", pd.DataFrame({
            "party_id": parties["party_id"], "kind": parties["kind"], "value": parties["name"],
            "party_key": parties["party_key"], "uscc": None, "is_synthetic": True, "created_at": AT}).astype(
            {"uscc": object}))
        con.register("links", pd.DataFrame({"seizure_id": np.arange(len(links)), "party_id": links["party_id"],
                                            "role": "consignor", "written_as": links["name"]}))
        con.execute("INSERT INTO seizure_parties SELECT seizure_id, party_id, role, written_as, NULL FROM links")
    return len(parties)


def resolve_child(path: str) -> None:
    """Resolve the store at ``path`` in full; print wall, CPU and peak RSS as JSON (run as a child process)."""
    from queries.entities import resolve_parties
    from queries.store import Store

    store = Store(path)
    wall, cpu = time.perf_counter(), time.process_time()
    with store.writing() as con:
        grouped = resolve_parties(con, AT)
    print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "parties_in_entities": grouped}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        resolve_child(args.child)
        return
    mentions = labelled()
    truth = true_pairs(mentions)
    print(f"labelled set: {len(mentions)} mentions, {mentions['entity'].nunique()} entities, {len(truth)} true pairs")
    ours = cordon_pairs(mentions)
    print("cordon (blocking + rapidfuzz):", json.dumps(scores(ours, truth)))
    for line in misses(ours, truth, mentions):
        print("   ", line)
    for threshold in (0.5, 0.9):
        started = time.perf_counter()
        theirs = splink_pairs(mentions, threshold)
        if isinstance(theirs, str):
            print("splink:", theirs)
            break
        print(f"splink (Fellegi-Sunter, DuckDB, match probability >= {threshold}; "
              f"{time.perf_counter() - started:.1f} s):", json.dumps(scores(theirs, truth)))
        for line in misses(theirs, truth, mentions):
            print("   ", line)
    if args.skip_scale:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "resolution.duckdb"
        started = time.perf_counter()
        parties = build_store(path, args.mentions)
        print(f"scale: {args.mentions:,} mentions of {parties:,} parties stored in {time.perf_counter() - started:.0f} s")
        result = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                                check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        print("resolved in full:", result.stdout.strip(), f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
