"""The schema's rules, read from the migrations: one definition for the file and for the lake.

The migrations (queries/sql/migrations) declare every table with its CHECK, NOT NULL, PRIMARY KEY and
UNIQUE rules, and the DuckDB file enforces them itself. A DuckLake keeps only NOT NULL; the rest Cordon
enforces in the lake's write path (queries.lake). Both read the rules from the same place: the schema
the migrations build, made once per process in an in-memory database, so a rule is written once, in a
migration, and a test checks that the file and the lake refuse the same rows
(tests/queries/test_schema_rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb

from queries.store import ALLOCATED_IDS, migrate


@dataclass(frozen=True)
class Rule:
    """One rule of a table: a CHECK (``expression``, true or NULL for a row that keeps it) or a key
    (``columns``, unique together)."""

    table: str
    kind: str  # 'CHECK', 'PRIMARY KEY' or 'UNIQUE'
    columns: tuple[str, ...]
    expression: str | None = None

    def describe(self) -> str:
        """The rule as the file's error names it."""
        if self.kind == "CHECK":
            return f"CHECK constraint failed on table {self.table} with expression CHECK{self.expression}"
        return f"{self.kind} ({', '.join(self.columns)}) of table {self.table}"


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    not_null: bool
    default: str | None  # a constant default (sequence and clock defaults are the writer's)


@cache
def reference_schema() -> duckdb.DuckDBPyConnection:
    """An in-memory database migrated to the latest schema: where the rules are read from."""
    con = duckdb.connect()
    migrate(con)
    return con


def _constant(default: str | None) -> str | None:
    if default is None or "(" in default:
        return None  # nextval(...), current_localtimestamp(): not constants
    return default


@cache
def table_columns() -> dict[str, tuple[Column, ...]]:
    """Every table of the schema with its columns, in order."""
    con = reference_schema().cursor()
    not_null = {(table, columns[0]) for table, columns in con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() WHERE constraint_type = 'NOT NULL'"
    ).fetchall()}
    tables: dict[str, list[Column]] = {}
    for table, name, data_type, default in con.execute(
        "SELECT table_name, column_name, data_type, column_default FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY table_name, column_index"
    ).fetchall():
        tables.setdefault(table, []).append(Column(name, data_type, (table, name) in not_null, _constant(default)))
    return {table: tuple(columns) for table, columns in tables.items()}


@cache
def table_rules() -> dict[str, tuple[Rule, ...]]:
    """The CHECK and key rules of every table that has any."""
    rules: dict[str, list[Rule]] = {}
    for table, kind, expression, columns in reference_schema().cursor().execute(
        "SELECT table_name, constraint_type, expression, constraint_column_names FROM duckdb_constraints() "
        "WHERE constraint_type IN ('CHECK', 'PRIMARY KEY', 'UNIQUE') ORDER BY table_name, constraint_index"
    ).fetchall():
        if kind != "CHECK" and tuple(columns) == (ALLOCATED_IDS.get(table),):
            continue  # unique by construction: a sequence, or the lake catalog's blocks
        rules.setdefault(table, []).append(Rule(table, kind, tuple(dict.fromkeys(columns)), expression))
    return {table: tuple(found) for table, found in rules.items()}


def create_table_sql(table: str) -> str:
    """The lake's CREATE TABLE for ``table``: the file's columns, types, NOT NULL and constant defaults."""
    columns = ", ".join(
        f'"{c.name}" {c.data_type}' + (" NOT NULL" if c.not_null else "") + (f" DEFAULT {c.default}" if c.default else "")
        for c in table_columns()[table]
    )
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({columns})'


def add_column_sql(table: str, column: Column) -> str:
    """The lake's ALTER TABLE adding ``column`` (a later migration's new column)."""
    return f'ALTER TABLE "{table}" ADD COLUMN "{column.name}" {column.data_type}' + (
        f" DEFAULT {column.default}" if column.default else "")


@dataclass(frozen=True)
class Verdict:
    """What :func:`broken_rule` found: the first rule broken (described), if any, and whether some rule could
    not be judged from the rows given (a column it names was not among them)."""

    broken: str | None
    unjudged: bool


def broken_rule(con: duckdb.DuckDBPyConnection, table: str, rows: str, *, inserted: bool) -> Verdict:
    """Which rule of ``table`` the written rows ``rows`` break, if any.

    Called inside the writing transaction after the write: ``rows`` is SQL text naming a relation with
    (some of) the table's columns: the registered frame that was written, or the table itself. Rows
    ``inserted`` get their missing columns' defaults (or NULL), as an INSERT BY NAME gives them; the rows
    of an update keep their other columns, so a rule naming one of those is left unjudged. CHECK rules
    pass on NULL, as in SQL. A key rule is broken when the table, as the transaction sees it, holds a
    key of ``rows`` more than once.
    """
    described = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {rows})").fetchall())
    present = set(described)
    # the rows as the table stores them: a frame's column of nothing but NULLs, say, arrives as text
    retyped = [f'CAST("{c.name}" AS {c.data_type}) AS "{c.name}"' for c in table_columns()[table]
               if c.name in present and described[c.name] != c.data_type]
    if retyped:
        rows = f"(SELECT * REPLACE ({', '.join(retyped)}) FROM {rows})"
    missing = [c for c in table_columns()[table] if c.name not in present]
    if inserted and missing:
        filled = ", ".join(f'{c.default or "NULL"}::{c.data_type} AS "{c.name}"' for c in missing)
        rows, present = f"(SELECT *, {filled} FROM {rows})", present | {c.name for c in missing}
    unjudged = False
    for rule in table_rules().get(table, ()):
        if not set(rule.columns) <= present:
            unjudged = True
            continue
        if rule.kind == "CHECK":
            sql = f"SELECT 1 FROM {rows} WHERE NOT coalesce({rule.expression}, TRUE) LIMIT 1"
        else:
            key = ", ".join(f'"{name}"' for name in rule.columns)
            sql = (f'SELECT 1 FROM "{table}" SEMI JOIN (SELECT DISTINCT {key} FROM {rows}) USING ({key}) '
                   f"GROUP BY {key} HAVING count(*) > 1 LIMIT 1")
        if con.execute(sql).fetchone() is not None:
            return Verdict(rule.describe(), unjudged)
    return Verdict(None, unjudged)
