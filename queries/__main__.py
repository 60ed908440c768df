"""Command line of the store: ``python -m queries seed|status|migrate --db PATH``.

This module is the composition root of the store's commands: it hands geodata's places and
locator to the seeder, so that the library modules of queries never import geodata.
"""

from __future__ import annotations

import argparse
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


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m queries", description="Cordon's store.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler, help_text in (
        ("seed", _seed, "create the database if needed and (re)write the reference tables and demo seizures"),
        ("status", _status, "row counts per table, the period covered, synthetic or real"),
        ("migrate", _migrate, "create or upgrade the schema"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--db", default=default_db(), help="DuckDB file (default: $CORDON_DB or data/cordon.duckdb)")
        command.set_defaults(handler=handler)
        if name == "seed":
            command.add_argument("--rows", type=_positive, default=DEFAULT_ROWS, help="demo seizures to generate")
            command.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same data)")
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (StoreError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
