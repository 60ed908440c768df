"""The lake on the network: Cordon's PostgreSQL role has only what it needs, its password comes from the environment
and never from the URL, and region scoping holds where the lake is read."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

import psycopg
import pytest
from psycopg import sql

from queries.access import Grant, Scope, add_user
from queries.filters import Filters
from queries.lake import LAKE_PREFIX, LakeStore, catalog_setup
from queries.seizures import insert_seizures
from queries.store import StoreError
from tests.conftest import seizure_row

NOW = datetime(2026, 12, 6, 10, 0)


def _catalog(cluster, role: str, database: str, password: str) -> None:
    with psycopg.connect(cluster.dsn(), autocommit=True) as admin:
        for statement in catalog_setup(role, database):
            admin.execute(statement)
        admin.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))


@pytest.fixture
def cordon_role(postgres_cluster, monkeypatch):
    """A catalog made as the network page says, for a role whose password only the environment holds."""
    role, database, password = f"cordon_{uuid.uuid4().hex[:8]}", f"lake_{uuid.uuid4().hex[:8]}", secrets.token_hex(12)
    _catalog(postgres_cluster, role, database, password)
    monkeypatch.setenv("PGPASSWORD", password)
    url = f"{LAKE_PREFIX}host=127.0.0.1 port={postgres_cluster.port} user={role} dbname={database}"
    yield role, database, url
    postgres_cluster.drop_database(database)


def test_cordon_runs_on_a_role_that_is_no_superuser_and_owns_only_its_catalog(cordon_role, tmp_path, postgres_cluster):
    role, database, url = cordon_role
    store = LakeStore(url, tmp_path / "files")
    try:
        assert store.migrate()
        add_user(store, "gx.analyst", "correct horse battery staple", "analyst", grants=[Grant.parse("all")],
                 actor="os:test", source="cli", now=NOW)
        with store.writing() as con:
            insert_seizures(con, seizure_row())
        with store.reading() as con:
            assert con.execute("SELECT count(*) FROM seizures").fetchone() == (1,)
    finally:
        store.close()
    with psycopg.connect(url.removeprefix(LAKE_PREFIX)) as con:
        assert con.execute("SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles "
                           "WHERE rolname = current_user").fetchone() == (False, False, False, False, False)
        owners = {row[0] for row in con.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")}
        assert owners == {role}
    other_role, other_database = f"cordon_{uuid.uuid4().hex[:8]}", f"lake_{uuid.uuid4().hex[:8]}"
    _catalog(postgres_cluster, other_role, other_database, secrets.token_hex(12))
    try:  # another site's catalog is closed to this role
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(url.removeprefix(LAKE_PREFIX).replace(f"dbname={database}", f"dbname={other_database}"))
    finally:
        postgres_cluster.drop_database(other_database)


def test_without_the_password_in_the_environment_the_lake_says_it_cannot_reach_its_catalog(cordon_role, tmp_path,
                                                                                            monkeypatch):
    _, _, url = cordon_role
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(StoreError, match="cannot open the lake") as refused:
        LakeStore(url, tmp_path / "files").migrate()
    assert "password" in str(refused.value)


def test_region_scoping_holds_on_the_lake(lake_store):
    with lake_store.writing() as con:
        insert_seizures(con, seizure_row(source_id="GX", province_code="450000"))
        insert_seizures(con, seizure_row(source_id="YN", province_code="530000", county_code="532527",
                                         zone_code="532527"))
    with lake_store.reading(scope=Scope.of((Grant.parse("province:530000"),), "analyst")) as con:
        assert con.execute("SELECT source_id FROM filtered_seizures($filters)", Filters().params()).fetchall() == [("YN",)]


def test_the_command_line_prints_the_setup_for_psql_with_names_quoted(capsys):
    from queries.__main__ import main

    assert main(["network-setup", "--role", "cordon", "--database", 'gx"lake']) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [statement.as_string() + ";" for statement in catalog_setup("cordon", 'gx"lake')]
    assert printed[1] == 'CREATE DATABASE "gx""lake" OWNER "cordon";'
