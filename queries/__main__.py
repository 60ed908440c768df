"""Command line of the store: ``python -m queries COMMAND --db PATH``, COMMAND one of seed, status, migrate, feed,
ingest, watch, users, lists, screen, hits, audit, maintain, backup, restore, migrate-store and network-setup.

This module is the composition root of the store's commands: it hands geodata's places and
locator to the seeder, the feed and imports, so that the library modules of queries never import geodata.
It stays whole as the one command line: each subcommand's options beside its handler, so that
``--help`` and the code read alike, and the one place allowed to reach geodata (tests/test_imports.py).
"""

from __future__ import annotations

import argparse
import getpass
import math
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path

from queries.clock import beijing_now
from queries.constants import ROLES
from queries.inbox import POLL_S, SETTLE_S
from queries.ingest.files import DEFAULT_LIMITS, MB
from queries.labels import LANGUAGES
from queries.seed import DEFAULT_ROWS, DEFAULT_SEED, seed, upgrade
from queries.store import DEFAULT_DB, Store, StoreError, add_store_options, run, using_data_path
from queries.stores import open_store


def default_db() -> str:
    """``$CORDON_DB`` if set, else data/cordon.duckdb in the project."""
    return os.environ.get("CORDON_DB") or str(DEFAULT_DB)


def _seed(args: argparse.Namespace) -> int:
    from geodata.demo_geography import demo_geography

    started = time.perf_counter()
    written = seed(open_store(args.db), demo_geography(), rows=args.rows, seed=args.seed)
    print(f"seeded {written:,} synthetic seizures into {args.db} in {time.perf_counter() - started:.1f} s")
    return 0


def _status(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    with store.reading() as con:
        tables = run(con, "status_tables")
        seizures = run(con, "status_seizures")
        snapshot = store.snapshot(con)
    print(f"database: {args.db}")
    if snapshot is not None:  # a lake: the snapshot these counts are of, and how many --as-of can still read
        print(f"  snapshot {snapshot}, the latest; {len(store.snapshot_ids())} kept")
    for row in tables.itertuples():
        print(f"  {row.table_name:<22} {row.rows:>10,}")
    for row in seizures.itertuples():
        kind = "synthetic" if row.is_synthetic else "real"
        print(f"  seizures, {kind:<9}: {row.rows:,} from {row.first_occurred} to {row.last_occurred} "
              f"(last ingested {row.last_ingested})")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from geodata.demo_geography import demo_geography

    applied = upgrade(open_store(args.db), demo_geography)
    print(f"applied migrations {applied} and refreshed the reference tables" if applied else "schema already current")
    return 0


def _feed(args: argparse.Namespace) -> int:
    from queries.feed import FEED_SOURCE, Batch, check_store, feed, fresh_seed

    store = open_store(args.db)
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


# Test hook: with this set, an import says so and waits just before it commits (tests kill it there).
HOLD_BEFORE_COMMIT = "CORDON_INGEST_HOLD_BEFORE_COMMIT"


def _hold_before_commit() -> None:
    print("ingest: holding before commit", flush=True)
    signal.pause()


def _setting(text: str) -> tuple[str, str]:
    """``FIELD=VALUE`` of ``--set``, as a (field, value) pair."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"give FIELD=VALUE, such as agency=customs; got {text!r}")
    return name.strip(), value.strip()


def _mapping(args: argparse.Namespace):
    """The mapping of ``--mapping`` with the ``--set`` values (an IngestError says what is wrong in either)."""
    from queries.ingest import load_mapping

    return load_mapping(args.mapping).with_defaults(dict(args.set))


def _accept_suggestions(parsed, store: Store, geography):
    """``parsed`` with the suggestions for its unknown values accepted, each said on a line, and the
    unknown values without one listed for a mapping file."""
    from queries.ingest import import_rules, known_places
    from queries.ingest.suggest import accept, suggested, unknown_values

    rules = import_rules(parsed, geography, known_places(store))
    unknown = unknown_values(parsed.fields(), rules)
    for value in unknown.itertuples():
        print(f"  {value.field} {value.value!r} ({value.rows:,} rows): "
              + (f"accepted as {value.suggestion}" if value.suggestion else
                 f"no suggestion; give it in a mapping's [values.{value.field}]"), flush=True)
    return replace(parsed, mapping=accept(parsed.mapping, suggested(unknown), rules.fields))


def _ingest(args: argparse.Namespace) -> int:
    from geodata.demo_geography import import_geography
    from queries import access
    from queries.ingest import IngestError, Limits, ingest, read_path

    store, geography, failed = open_store(args.db), import_geography(), 0
    hold = _hold_before_commit if os.environ.get(HOLD_BEFORE_COMMIT) else None
    try:
        mapping = _mapping(args)
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in args.files:
        try:
            parsed = read_path(path, args.kind, mapping, args.crs, Limits.from_env(max_bytes=int(args.max_mb * MB)),
                               sheets=args.sheet)
            encoding = f", {parsed.encoding}" if parsed.encoding else ""
            print(f"{path}: {parsed.table.format}{encoding}; columns "
                  + ", ".join(f"{header} → {name}" for name, header in parsed.columns.items())
                  + (f"; not used: {', '.join(map(str, parsed.unmapped))}" if parsed.unmapped else ""), flush=True)
            if args.accept_suggestions:
                parsed = _accept_suggestions(parsed, store, geography)
                mapping = parsed.mapping  # the next files are read with what was accepted
            if args.write_mapping:
                Path(args.write_mapping).write_text(mapping.to_toml(parsed.source), encoding="utf-8")
                print(f"  mapping written to {args.write_mapping}", flush=True)
            result = ingest(store, parsed, geography, before_commit=hold)
            print(result.summary(), flush=True)
            access.record_cli_event(store, "import", {**result.audit_details(), "crs": args.crs})
        except IngestError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
    return 2 if failed else 0


def _watch(args: argparse.Namespace) -> int:
    from geodata.demo_geography import import_geography
    from queries.inbox import Report, watch
    from queries.ingest import IngestError, Limits

    def report(done: Report) -> None:
        counts = ", ".join(f"{done.details[key]:,} {key}" for key in ("rows", "new", "updated", "unchanged", "rejected")
                           if key in done.details)
        print(f"{done.file} → {done.moved_to}: {counts or done.error}", flush=True)

    try:
        mapping = _mapping(args)
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"watching {args.inbox} for files to import into {args.db}"
          + (" (one pass)" if args.once else f", every {args.poll_s:g} s"), flush=True)
    try:
        watch(open_store(args.db), args.inbox, import_geography(), poll_s=args.poll_s, once=args.once,
              settle_s=args.settle_s, on_report=report, kind=args.kind, mapping=mapping,
              crs=args.crs, limits=Limits.from_env(max_bytes=int(args.max_mb * MB)),
              before_commit=_hold_before_commit if os.environ.get(HOLD_BEFORE_COMMIT) else None)
    except KeyboardInterrupt:
        print("stopped by Ctrl-C")
    return 0


def _password(args: argparse.Namespace) -> str:
    """The new password: one line of standard input with --password-stdin, else typed twice, unseen."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    typed = getpass.getpass(f"password for {args.username}: ")
    if getpass.getpass("the same again: ") != typed:
        raise ValueError("the two passwords differ; nothing changed")
    return typed


def _user_line(user, now: datetime, units) -> str:
    """One account (a queries.access.User) on one line, as ``users list`` and every change print it; each grant
    with its region's name (``province:450000 (Guangxi)``) from ``units``, the ``admin_unit_names`` rows."""
    from queries.access import grantable_regions

    regions = grantable_regions(units)
    names = dict(zip(regions["grant"], regions["name_en"], strict=True))
    grants = ", ".join(f"{grant} ({names[str(grant)]})" if str(grant) in names else str(grant) for grant in user.grants)
    grants = "everything (admin)" if user.role == "admin" else grants or "nothing"
    locked = f"locked until {user.locked_until:%Y-%m-%d %H:%M}" if user.locked(now) else "not locked"
    seen = f"last sign-in {user.last_sign_in_at:%Y-%m-%d %H:%M}" if user.last_sign_in_at else "never signed in"
    personal = "personal data unmasked" if user.personal_data else "personal data masked"
    return (f"{user.username:<16} {user.role:<9} {'active' if user.active else 'disabled':<8} {locked}; sees {grants}; "
            f"{personal}; {seen}; {user.display_name}")




def _typed_grants(typed: list[str], units: Callable) -> list:
    """The grants (queries.access.Grant) typed on the command line: codes as they are, names looked up in
    ``units()``, the ``admin_unit_names`` rows (so that codes alone need no reading, as before names)."""
    from queries.access import Grant, resolve_grant

    def grant(text: str):
        try:
            return Grant.parse(text)
        except ValueError:
            return resolve_grant(text, units())

    return [grant(text) for text in typed]


def _region_lines(units, lang: str) -> list[str]:
    """What ``users regions`` prints: the provinces, then the border zones with their province, each with its
    grant text, Chinese and English names."""
    from queries.access import grantable_regions
    from queries.labels import name, t

    lines = []
    for kind, regions in grantable_regions(units).groupby("kind", sort=True):
        lines.append(t(f"grantable_{kind}s", lang))
        for row in regions.itertuples():
            province = f"  {name(row, lang, 'province_en', 'province_zh')}" if kind == "zone" else ""
            lines.append(f"  {row.grant:<16} {row.name_zh}  {row.name_en}{province}")
    return lines


def _users(args: argparse.Namespace) -> int:
    from queries import access

    store, now = open_store(args.db), beijing_now()
    units = cache(partial(access.read_admin_units, store))  # read once, and only when a name or a line needs them
    if args.action == "list":
        for user in access.list_users(store):
            print(_user_line(user, now, units()))
        return 0
    if args.action == "regions":
        print("\n".join(_region_lines(units(), args.lang)))
        return 0
    change = {"actor": access.os_actor(), "source": "cli", "now": now}
    if args.action == "add":
        user = access.add_user(store, args.username, _password(args), args.role, display_name=args.display_name,
                               grants=_typed_grants(args.grant, units), **change)
    elif args.action in ("enable", "disable"):
        user = access.set_active(store, args.username, args.action == "enable", **change)
    elif args.action in ("grant", "revoke"):
        regions = _typed_grants(args.regions, units)
        user = access.change_grants(store, args.username, **{args.action: regions}, **change)
    elif args.action == "role":
        user = access.set_role(store, args.username, args.role, **change)
    elif args.action == "personal-data":
        user = access.set_personal_data(store, args.username, args.change == "grant", **change)
    else:
        user = access.set_password(store, args.username, _password(args), **change)
    print(_user_line(user, now, units()))
    return 0


def _users_arguments(command: argparse.ArgumentParser) -> None:
    actions = command.add_subparsers(dest="action", required=True)
    for name, help_text in (
        ("list", "every account: role, active, locked, the regions it sees, last sign-in"),
        ("add", "create an account (the password is asked for, or read from standard input)"),
        ("disable", "switch an account off (it is kept, with its audit trail)"),
        ("enable", "switch an account on again; also lifts a lockout"),
        ("grant", ("let an account see regions: a province or border county by name (广西, Guangxi, zone:凭祥), by "
                   "code (province:450000, zone:451481) or all; see users regions")),
        ("revoke", "take regions away from an account"),
        ("regions", "the regions an account can be granted: provinces and border zones, with codes and names"),
        ("role", "give an account another role"),
        ("personal-data", ("grant or revoke an account's sight of identity and phone numbers unmasked (each view "
                           "of a person is then audited)")),
        ("passwd", "set an account's password; also lifts a lockout"),
    ):
        action = actions.add_parser(name, help=help_text, allow_abbrev=False)  # --password is not --password-stdin
        action.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB file (as before the action)")
        if name not in ("list", "regions"):
            action.add_argument("username")
        if name == "regions":
            action.add_argument("--lang", choices=LANGUAGES, default="en", help="the province names' language")
        if name in ("add", "passwd"):
            action.add_argument("--password-stdin", action="store_true",
                                help="read the password from the first line of standard input")
        if name == "add":
            action.add_argument("--role", choices=ROLES, required=True)
            action.add_argument("--display-name", default=None, help="the name shown (default: the username)")
            action.add_argument("--grant", action="append", default=[], metavar="REGION",
                                help="a region the account sees, by name or code (repeatable); admins see everything")
        if name in ("grant", "revoke"):
            action.add_argument("regions", nargs="+", metavar="REGION")
        if name == "role":
            action.add_argument("role", choices=ROLES)
        if name == "personal-data":
            action.add_argument("change", choices=("grant", "revoke"))


def _lists(args: argparse.Namespace) -> int:
    from queries import access, control_lists
    from queries.screening_hits import screen_all_parties

    store = open_store(args.db)
    if args.action == "import":
        try:
            result = control_lists.import_entries(store, args.file, username=access.os_actor(), source="cli",
                                                  now=beijing_now(), rescreen=screen_all_parties)
        except control_lists.ListFileError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(result.summary())
        return 0
    on = args.on or beijing_now().date()
    with store.reading() as con:
        entries = [entry for entry in control_lists.entries_in_force(con, on)
                   if args.list is None or entry.list_code == args.list]
    print(f"{len(entries)} entries in force on {on}" + (f" on the {args.list} list" if args.list else ""))
    for entry in entries:
        country = entry.country_iso3 or "?"
        print(f"  {entry.list_code:<17} {entry.entry_id:<22} {country}  {' / '.join(entry.names)}  "
              f"({entry.announcement}, from {entry.effective_from})")
    return 0


def _lists_arguments(command: argparse.ArgumentParser) -> None:
    from queries.control_lists import LISTS

    actions = command.add_subparsers(dest="action", required=True)
    imported = actions.add_parser("import", help=("add a new announcement's entries from a CSV file laid out as "
                                                  "queries/reference/control_lists.csv (docs/lists.md)"))
    imported.add_argument("file", metavar="FILE", help="the entries, UTF-8 CSV")
    shown = actions.add_parser("show", help="the entries in force on a day (default: today, Beijing time)")
    shown.add_argument("--on", type=_day, default=None, metavar="YYYY-MM-DD", help="the day (default: today)")
    shown.add_argument("--list", choices=LISTS, default=None, help="only this list")
    for action in (imported, shown):
        action.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB file (as before the action)")


def _screen(args: argparse.Namespace) -> int:
    if args.stored:
        return _screen_stored(args)
    from geodata.export import check_output, table_csv
    from queries import access
    from queries.control_lists import entries_in_force
    from queries.screening.names_file import ROW, NamesFileError, read_names, screen_names

    if args.out is None:
        print("error: --names needs --out HITS.csv, the file the hits are written to", file=sys.stderr)
        return 2
    out = check_output(args.out, "csv")
    try:
        names = read_names(args.names)
    except NamesFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for skipped in names.skipped:
        print(f"{names.file}: {skipped}", file=sys.stderr)
    on = args.on or beijing_now().date()
    store = open_store(args.db)
    with store.reading() as con:
        entries = entries_in_force(con, on)
    hits = screen_names(names, entries, on)
    out.write_bytes(table_csv(hits))
    print(f"screened {len(names.frame):,} parties of {names.file} against the {len(entries)} list entries in force on "
          f"{on}: {len(hits):,} hits ({hits[ROW].nunique():,} parties) written to {out}"
          + (f"; {len(names.skipped):,} rows skipped" if names.skipped else ""))
    access.record_cli_event(store, "export", {"kind": "screening", "names": str(args.names), "on": str(on),
                                              "parties": len(names.frame), "skipped": len(names.skipped),
                                              "hits": len(hits), "out": str(out)})
    return 0


def _screen_stored(args: argparse.Namespace) -> int:
    from queries import access
    from queries.screening_hits import screen_stored

    on = args.on or beijing_now().date()
    added = screen_stored(open_store(args.db), on=on, username=access.os_actor(), source="cli", now=beijing_now())
    print(f"screened the stored companies and people against the lists in force on {on}: {added:,} new hits to "
          "review (python -m queries hits list --status open)")
    return 0


def _hits(args: argparse.Namespace) -> int:
    from queries import access
    from queries.screening_hits import ReviewError, read_hits, review_hit

    store = open_store(args.db)
    try:
        if args.action == "list":
            hits = read_hits(store, args.status)
            print(f"{len(hits):,} hits" + (f" {args.status}" if args.status else ""))
            for hit in hits.itertuples():
                review = f"; {hit.reviewed_by} {hit.reviewed_at:%Y-%m-%d %H:%M}: {hit.review_note or ''}" \
                    if hit.status != "open" else ""
                print(f"  {hit.hit_id:>6} {hit.status:<9} {hit.score:5.1f}  {hit.party_name} ({hit.kind} "
                      f"{hit.party_id}) → {hit.list_code} {hit.entry_id} {hit.matched_name}; on {hit.screened_on:%Y-%m-%d}"
                      f"; {hit.reason}{review}")
            return 0
        decision = {"confirm": "confirmed", "dismiss": "dismissed"}[args.action]
        before = review_hit(store, args.hit_id, decision, args.note, username=access.os_actor(), source="cli",
                            now=beijing_now())
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"hit {args.hit_id} ({before['party_name']} → {before['list_code']} {before['entry_id']}): "
          f"{before['status']} → {decision}")
    return 0


def _hits_arguments(command: argparse.ArgumentParser) -> None:
    from queries.screening_hits import STATUSES

    actions = command.add_subparsers(dest="action", required=True)
    listed = actions.add_parser("list", help="the review queue: the hits, open first, then by score")
    listed.add_argument("--status", choices=STATUSES, default=None, help="only hits with this status")
    confirm = actions.add_parser("confirm", help="confirm a hit: the party is the listed one")
    dismiss = actions.add_parser("dismiss", help="dismiss a hit: the party is not the listed one (a note is required)")
    for action, required in ((confirm, False), (dismiss, True)):
        action.add_argument("hit_id", type=int, metavar="ID", help="the hit's id, as hits list shows it")
        action.add_argument("--note", required=required, default=None, metavar="TEXT", help="why, for the audit trail")
    for action in (listed, confirm, dismiss):
        action.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB file (as before the action)")


def _entities(args: argparse.Namespace) -> int:
    import pandas as pd

    from queries import access
    from queries.entities import DecisionError, entity_members, merge_entities, resolve_stored, split_party

    store = open_store(args.db)
    change = {"username": access.os_actor(), "source": "cli", "now": beijing_now()}
    try:
        if args.action == "resolve":
            resolved = resolve_stored(store, **change)
            print(f"resolved the stored companies and people: {resolved:,} parties are in an entity with others")
            return 0
        if args.action == "merge":
            entity = merge_entities(store, args.first, args.second, args.note, **change)
        elif args.action == "split":
            entity = split_party(store, args.party_id, args.note, **change)
        else:
            entity = args.id
    except DecisionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    members = entity_members(store, entity)
    if members.empty:
        print(f"error: no party or entity {entity}", file=sys.stderr)
        return 2
    print(f"entity {members['entity_id'].iloc[0]}: {len(members)} part{'ies' if len(members) > 1 else 'y'}")
    for party in members.itertuples():
        score = "" if pd.isna(party.score) else f" {party.score:.1f}"
        link = f" ← {party.linked_to} by {party.how}{score}: {party.evidence}" if pd.notna(party.how) else ""
        print(f"  {party.party_id:>8} {party.kind:<8} {party.value}{link}")
    return 0


def _entities_arguments(command: argparse.ArgumentParser) -> None:
    actions = command.add_subparsers(dest="action", required=True)
    resolve = actions.add_parser("resolve", help="resolve every stored company and person again (audited)")
    show = actions.add_parser("show", help="an entity's parties, each with the link that joined it and its evidence")
    show.add_argument("id", type=int, metavar="ENTITY_OR_PARTY_ID")
    merge = actions.add_parser("merge", help="make two parties' entities one (audited, with a note)")
    merge.add_argument("first", type=int, metavar="ID", help="a party's or an entity's id")
    merge.add_argument("second", type=int, metavar="ID", help="a party's or an entity's id")
    split = actions.add_parser("split", help="take a party out of its entity, for good (audited, with a note)")
    split.add_argument("party_id", type=int, metavar="PARTY_ID")
    for action in (merge, split):
        action.add_argument("--note", required=True, metavar="TEXT", help="why, for the audit trail")
    for action in (resolve, show, merge, split):
        action.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB file (as before the action)")


def _typical(args: argparse.Namespace) -> int:
    from queries import typical_cases
    from queries.filters import Filters

    if args.action == "list":
        cases = typical_cases.library()
        print(f"{len(cases)} typical cases (queries/reference/typical_cases.csv; sources in PROVENANCE.md)")
        for case in cases:
            pattern = "; ".join(f"{part}: {', '.join(values)}" for part, values in case.pattern().items() if values)
            print(f"  {case.case_id}  {case.published_on or 'undated'!s:<10}  {case.title_en}\n      {pattern}\n"
                  f"      {case.source_url}")
        return 0
    case = typical_cases.find_case(args.case_id)
    with open_store(args.db).reading() as con:
        rows = typical_cases.records_like(con, case, Filters(), args.min_parts)
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    print(f"{total:,} records like {case.case_id} ({case.title_en}), of the {len(case.parts())} parts its pattern "
          f"gives: {', '.join(case.parts())}" + (f"; the first {len(rows):,}" if total > len(rows) else ""))
    for _, row in rows.iterrows():
        print(f"  {row['seizure_id']:>8}  {row['occurred_at']:%Y-%m-%d}  {row['parts_matched']} parts  "
              f"{typical_cases.why(row, 'en')}")
    return 0


def _typical_arguments(command: argparse.ArgumentParser) -> None:
    actions = command.add_subparsers(dest="action", required=True)
    listed = actions.add_parser("list", help="the library: each case, its date, title, pattern and source")
    like = actions.add_parser("like", help="the stored seizures that fit a case's pattern, most parts first, and why")
    like.add_argument("case_id", metavar="ID", help="the case's id, as typical list shows it")
    like.add_argument("--min-parts", type=_positive, default=None, metavar="N",
                      help="keep records matching at least N parts (default: 2, or 1 where the pattern gives one)")
    for action in (listed, like):
        action.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB file (as before the action)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date such as 2025-06-01, got {text!r}") from None


def _since(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date or time such as 2026-05-01 or 2026-05-01T08:00, got {text!r}") from None


def _audit(args: argparse.Namespace) -> int:
    from geodata.export import check_output, table_csv
    from queries import access

    out = check_output(args.out, "csv") if args.out else None
    store = open_store(args.db)
    rows = access.read_audit(store, since=args.since, kind=args.kind, username=args.user)
    if out:
        out.write_bytes(table_csv(rows))
        print(f"wrote {len(rows):,} audit rows to {out}")
    else:
        print(rows.to_string(index=False) if len(rows) else "no audit rows")
    access.record_cli_event(store, "audit_export", {"out": str(out or "terminal"), "rows": len(rows),
                                                    "since": args.since, "kind": args.kind, "user": args.user})
    return 0


def _maintain(args: argparse.Namespace) -> int:
    from queries.operations import maintain

    print("\n".join(maintain(open_store(args.db)).lines()))
    return 0


def _table_lines(tables: dict) -> list[str]:
    return [f"  {table:<22} {found['rows']:>10,} rows  {found['hash']}" for table, found in tables.items()]


def _backup(args: argparse.Namespace) -> int:
    from queries.operations import backup

    manifest = backup(open_store(args.db), args.to)
    snapshot = f" (lake snapshot {manifest['snapshot']})" if manifest["snapshot"] is not None else ""
    print("\n".join([(f"backed up {args.db}{snapshot} into {args.to}: {len(manifest['files']):,} files, "
                     f"rows and content hash per table:"), *_table_lines(manifest["tables"])]))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from queries.operations import restore

    manifest = restore(args.source, open_store(args.db))
    print("\n".join([(f"restored the backup of {manifest['store']} made at {manifest['made_at']} into {args.db}; "
                     f"every table checked against the manifest:"), *_table_lines(manifest["tables"])]))
    return 0


def _migrate_store(args: argparse.Namespace) -> int:
    from queries.operations import move_file_into_lake

    moved = move_file_into_lake(open_store(args.source), open_store(args.to))
    print("\n".join(moved.lines(args.source, args.to)))
    return 0


def _network_setup(args: argparse.Namespace) -> int:
    from queries.lake import catalog_setup

    for statement in catalog_setup(args.role, args.database):
        print(statement.as_string() + ";")
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
        ("migrate", _migrate, "create or upgrade the schema (and then refresh the reference tables)"),
        ("feed", _feed, "append synthetic seizures as they happen, for the live map (until Ctrl-C or --duration)"),
        ("ingest", _ingest, "import records from CSV, Excel, GeoJSON or Parquet files (one transaction per file)"),
        ("watch", _watch, "import the files dropped into a folder, then move each to done/ or failed/ with a report"),
        ("users", _users, "manage accounts: list, add, disable, enable, grant, revoke, role, personal-data, passwd"),
        ("lists", _lists, ("China's control, watch and unreliable entity lists: import an announcement's entries, "
                           "show those in force")),
        ("screen", _screen, ("screen the names of a CSV file against the lists in force on a day (one row per "
                             "hit, with the entry, its announcement, the score and the reason), or the stored "
                             "parties (--stored: new hits go to the review queue)")),
        ("hits", _hits, "the screening's review queue: list the hits, confirm or dismiss one (audited, with a note)"),
        ("entities", _entities, ("one party, many spellings: resolve the stored companies and people into entities, "
                                 "show one with its evidence, merge two or split a party out (audited, with a note)")),
        ("typical", _typical, ("the library of published typical cases (list), and the stored seizures like one "
                               "(like ID), with the parts of its pattern each matches")),
        ("audit", _audit, "show the audit trail, or write it to a CSV file with --out"),
        ("maintain", _maintain, ("a lake: merge small files, expire old snapshots, remove unused files; a file: "
                                "checkpoint (safe while sites write)")),
        ("backup", _backup, "back the store up into a new folder: the file, or the lake's catalog and data files"),
        ("restore", _restore, "restore a backup into a new file, or an empty catalog database and data path"),
        ("migrate-store", _migrate_store, "move a site's DuckDB file into an empty lake, every table, counts checked"),
        ("network-setup", _network_setup, ("print what a PostgreSQL superuser runs once for a lake's catalog: Cordon's "
                                           "role, no superuser, owning one database closed to others")),
    ):
        command = commands.add_parser(name, help=help_text)
        if name == "migrate-store":
            command.add_argument("--from", dest="source", default=default_db(), metavar="FILE",
                                 help="the site's DuckDB file (default: $CORDON_DB or data/cordon.duckdb)")
            command.add_argument("--to", required=True, metavar="URL", help="the lake: ducklake:postgres:<libpq>")
            command.add_argument("--data-path", default=None,
                                 help="the lake's data files (a shared folder; default: $CORDON_DATA_PATH)")
        elif name == "network-setup":
            command.add_argument("--role", default="cordon", help="the role Cordon signs in as (default: cordon)")
            command.add_argument("--database", default="cordon", help="the catalog database (default: cordon)")
        else:
            add_store_options(command, default_db())
        command.set_defaults(handler=handler)
        if name == "backup":
            command.add_argument("--to", required=True, metavar="DIR", help="a new or empty folder")
        if name == "restore":
            command.add_argument("--from", dest="source", required=True, metavar="DIR", help="the backup's folder")
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
        if name == "users":
            _users_arguments(command)
        if name == "lists":
            _lists_arguments(command)
        if name == "screen":
            screened = command.add_mutually_exclusive_group(required=True)
            screened.add_argument("--names", metavar="FILE.csv",
                                  help="the parties: a 'name' column; optional 'id', 'uscc', 'country' (UTF-8 or GBK)")
            screened.add_argument("--stored", action="store_true",
                                  help="the store's companies and people; new hits go to the review queue (hits list)")
            command.add_argument("--out", default=None, metavar="HITS.csv", help="with --names: the hits, one row each")
            command.add_argument("--on", type=_day, default=None, metavar="YYYY-MM-DD",
                                 help="screen against the lists as they stood on this day (default: today, Beijing time)")
        if name == "hits":
            _hits_arguments(command)
        if name == "entities":
            _entities_arguments(command)
        if name == "typical":
            _typical_arguments(command)
        if name == "audit":
            command.add_argument("--since", type=_since, default=None, help="from this date or time (Beijing time)")
            command.add_argument("--kind", default=None, help="only events of this kind (sign_in_failed, export, ...)")
            command.add_argument("--user", default=None, help="only events by this username")
            command.add_argument("--out", default=None, metavar="FILE.csv", help="write a CSV file instead of printing")
        if name == "ingest":
            command.add_argument("files", nargs="+", metavar="FILE", help=".csv, .xlsx, .geojson or .parquet files")
            command.add_argument("--sheet", action="append", default=[], metavar="NAME",
                                 help="read only this sheet of the workbooks (repeat for more; default: every sheet)")
            command.add_argument("--accept-suggestions", action="store_true",
                                 help="read each unknown value that has a suggestion (did you mean …) as it")
            command.add_argument("--write-mapping", default=None, metavar="FILE.toml",
                                 help="write the mapping used (with --mapping, --set and what was accepted) to FILE "
                                      "for the next file from the same post")
        if name == "watch":
            command.add_argument("--inbox", required=True, metavar="DIR", help="the folder files are dropped into")
            command.add_argument("--once", action="store_true", help="one pass over the folder, then stop (for cron)")
            command.add_argument("--poll-s", type=_positive_number, default=POLL_S,
                                 help="seconds between passes (default: %(default)g)")
            command.add_argument("--settle-s", type=_positive_number, default=SETTLE_S,
                                 help="seconds a file must stay unchanged before it is read (default: %(default)g)")
        if name in ("ingest", "watch"):
            command.add_argument("--kind", choices=("seizures", "checkpoints", "hubs"), default="seizures",
                                 help="what the files hold (default: seizures)")
            command.add_argument("--mapping", default=None,
                                 help="a TOML column mapping laid over queries/mappings/default.toml")
            command.add_argument("--set", action="append", default=[], type=_setting, metavar="FIELD=VALUE",
                                 help="a value for every row whose file says nothing of FIELD, e.g. agency=customs "
                                      "(repeatable)")
            command.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), default="wgs84",
                                 help="the coordinate system of the files' coordinates (default: wgs84)")
            command.add_argument("--max-mb", type=_positive_number, default=DEFAULT_LIMITS.max_bytes / MB,
                                 help="refuse files larger than this many MB (default: %(default)g)")
    args = parser.parse_args(argv)
    try:
        with using_data_path(args):
            return args.handler(args)
    except (StoreError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
