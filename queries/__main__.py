"""Command line of the store: ``python -m queries seed|status|migrate|feed --db PATH``.

This module is the composition root of the store's commands: it hands geodata's places and
locator to the seeder and the feed, so that the library modules of queries never import geodata.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

from queries.seed import DEFAULT_ROWS, DEFAULT_SEED, seed
from queries.store import DEFAULT_DB, Store, StoreError, run


def default_db() -> str:
    """``$CORDON_DB`` if set, else data/cordon.duckdb in the project."""
    return os.environ.get("CORDON_DB") or str(DEFAULT_DB)


def _seed(args: argparse.Namespace) -> int:
    from geodata.demo_geography import demo_geography

    started = time.perf_counter()
    written = seed(Store(args.db), demo_geography(), rows=args.rows, seed=args.seed)
    print(f"seeded {written:,} synthetic seizures into {args.db} in {time.perf_counter() - started:.1f} s")
    return 0


def _status(args: argparse.Namespace) -> int:
    with Store(args.db).reading() as con:
        tables = run(con, "status_tables")
        seizures = run(con, "status_seizures")
    print(f"database: {args.db}")
    for row in tables.itertuples():
        print(f"  {row.table_name:<22} {row.rows:>10,}")
    for row in seizures.itertuples():
        kind = "synthetic" if row.is_synthetic else "real"
        print(f"  seizures, {kind:<9}: {row.rows:,} from {row.first_occurred} to {row.last_occurred} "
              f"(last ingested {row.last_ingested})")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    applied = Store(args.db).migrate()
    print(f"applied migrations {applied}" if applied else "schema already current")
    return 0


def _feed(args: argparse.Namespace) -> int:
    from queries.feed import FEED_SOURCE, Batch, check_store, feed, fresh_seed

    store = Store(args.db)
    check_store(store)  # no database, or an old schema: say so before loading the geography
    seed = fresh_seed() if args.seed is None else args.seed
    until = f"for {args.duration:g} s" if args.duration else "until Ctrl-C"
    print(f"feeding {args.db}: about {args.rate:g} synthetic seizures a minute, seed {seed}, {until}", flush=True)

    def report(batch: Batch) -> None:
        print(f"{batch.at:%Y-%m-%d %H:%M:%S}  +{len(batch.source_ids)} seizures  {batch.total:,} in total", flush=True)

    try:
        from geodata.demo_geography import demo_geography

        result = feed(store, demo_geography(), rate_per_minute=args.rate, duration_s=args.duration, seed=seed,
                      on_batch=report)
    except KeyboardInterrupt:
        print("stopped by Ctrl-C before the first batch; nothing written")
        return 0
    stopped = ", stopped by Ctrl-C" if result.interrupted else ""
    if not result.rows:
        print(f"fed 0 synthetic seizures from {result.started} to {result.ended}{stopped}")
        return 0
    print(f"fed {result.rows:,} synthetic seizures in {result.batches:,} batches from {result.started} to "
          f"{result.ended}{stopped} (source {FEED_SOURCE}, source_id {result.source_ids[0]} to "
          f"{result.source_ids[-1]})")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m queries", description="Cordon's store.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler, help_text in (
        ("seed", _seed, "create the database if needed and (re)write the reference tables and demo seizures"),
        ("status", _status, "row counts per table, the period covered, synthetic or real"),
        ("migrate", _migrate, "create or upgrade the schema"),
        ("feed", _feed, "append synthetic seizures as they happen, for the live map (until Ctrl-C or --duration)"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--db", default=default_db(), help="DuckDB file (default: $CORDON_DB or data/cordon.duckdb)")
        command.set_defaults(handler=handler)
        if name == "seed":
            command.add_argument("--rows", type=_positive, default=DEFAULT_ROWS, help="demo seizures to generate")
            command.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same data)")
        if name == "feed":
            command.add_argument("--rate", type=_positive_number, default=30.0,
                                 help="seizures a minute, on average (default: 30)")
            command.add_argument("--duration", type=_positive_number, default=None,
                                 help="seconds to run (default: until Ctrl-C)")
            command.add_argument("--seed", type=_positive, default=None,
                                 help="random seed, 0 or more (default: a fresh one, printed)")
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (StoreError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
