"""Shared fixtures: a fresh store per test and one valid seizure row to break in tests."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from queries.store import Store
from queries.stores import open_store

# The store the seeded tests read: "file" (the default), or "lake" for a whole run on a DuckLake in the run's
# PostgreSQL (CORDON_TEST_STORE=lake python -m pytest ...): ``seeded_db`` is then the lake's URL.
TEST_STORE = os.environ.get("CORDON_TEST_STORE", "file")


class _DuckDBLoadingUnverified:
    """The duckdb module as queries.lake uses it, whose databases load extensions without checking signatures."""

    def __getattr__(self, name: str):
        return getattr(duckdb, name)

    @staticmethod
    def connect(*args, config: dict | None = None, **kwargs) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(*args, config={**(config or {}), "allow_unsigned_extensions": True}, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _lake_extensions_unverified():
    """Lakes opened in the test process load their DuckDB extensions without checking the files' signatures:
    the check hashes both files (78 MB) at every attach, about 0.9 s of each lake test's setup against 0.1 s, and
    no test asks it (the files are the pinned wheels' own). Processes the tests start (dashboards, commands,
    spawned workers) check as a deployment does."""
    from queries import lake

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lake, "duckdb", _DuckDBLoadingUnverified())
        yield


@pytest.fixture(autouse=True)
def _main_module_kept():
    """Put back the ``__main__`` module after each test: AppTest runs the app as ``__main__`` and leaves it
    there, and a process started later with multiprocessing's spawn would run the app again to import it."""
    main = sys.modules.get("__main__")
    yield
    sys.modules["__main__"] = main


class TestBrowser:
    """What AppTest lacks: a browser with Cordon's session cookie. After ``sign_in(username)`` the dashboard's
    runs find a session of ``username``, opened in the store of ``$CORDON_DB`` at the first run that reads the
    cookie (so that a test may sign in before the app has created its database), as the session route would."""

    def __init__(self) -> None:
        self.username: str | None = None
        self.token: str | None = None

    def sign_in(self, username: str | None) -> None:
        self.username, self.token = username, None

    def cookie(self) -> str | None:
        if self.username and self.token is None:
            from dashboard.config import db_path
            from queries import sessions
            from queries.clock import beijing_now

            store, now = open_store(db_path()), beijing_now()
            self.token = sessions.redeem(store, sessions.start(store, self.username, now), now)
        return self.token

    def follow(self, test) -> str:
        """Do what a browser does when the page sends it to one of Cordon's session routes (AppTest runs no
        script): trade the ticket for the cookie, or drop the cookie at a sign-out; returns the route."""
        from urllib.parse import parse_qs, urlsplit

        from dashboard.config import db_path
        from dashboard.server import SESSION_ROUTE, SIGN_OUT_ROUTE
        from queries import sessions
        from queries.clock import beijing_now

        (url,) = [button.proto.url for button in test.get("link_button") if button.proto.url.startswith("/cordon/")]
        route = urlsplit(url).path
        self.username = None
        if route == SESSION_ROUTE:
            ticket = parse_qs(urlsplit(url).query)["ticket"][0]
            self.token = sessions.redeem(open_store(db_path()), ticket, beijing_now())
        else:
            assert route == SIGN_OUT_ROUTE
            self.token = None
        return route


BROWSER = TestBrowser()


@pytest.fixture(autouse=True)
def _browser_cookie(monkeypatch):
    """Each test starts with a browser that has no session cookie; the dashboard reads the cookie from it."""
    BROWSER.sign_in(None)
    monkeypatch.setattr("dashboard.auth.browser_token", BROWSER.cookie)


@pytest.fixture(params=["file", "lake"])
def store(request, tmp_path):
    """An empty, migrated store: a DuckDB file in a temporary folder, and (a second run of the test) a DuckLake
    in a fresh database of the run's PostgreSQL with its data files in a temporary folder."""
    if request.param == "file":
        new = Store(tmp_path / "cordon.duckdb")
        new.migrate()
        yield new
        return
    yield from _migrated_lake(request.getfixturevalue("lake_template"), tmp_path)


@pytest.fixture
def file_store(tmp_path) -> Store:
    """An empty, migrated DuckDB file: for what only the file has (its lock, its bytes on disk)."""
    new = Store(tmp_path / "cordon.duckdb")
    new.migrate()
    return new


@pytest.fixture
def lake_store(lake_template, tmp_path):
    """An empty, migrated DuckLake (PostgreSQL catalog, data files in a temporary folder)."""
    yield from _migrated_lake(lake_template, tmp_path)


class LakeCopies:
    """Copies of the migrated template lake, each made before a test asks for it: a thread of its own copies the
    template (CREATE DATABASE … TEMPLATE, 0.1-0.7 s of PostgreSQL's work) while the previous lake test runs, and
    drops the databases the tests are done with, so that a lake test waits for neither."""

    def __init__(self, cluster, template: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.cluster, self.template = cluster, template
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lake-copies")
        self._next = None

    def _copy(self) -> tuple[str, str]:
        import uuid

        name = f"test_{uuid.uuid4().hex}"
        return name, self.cluster.create_database(name, template=self.template)

    def take(self) -> tuple[str, str]:
        """A new copy's database name and dsn; the next copy is started at once."""
        ready = self._next or self._worker.submit(self._copy)
        self._next = self._worker.submit(self._copy)
        return ready.result()

    def drop(self, name: str) -> None:
        """Drop the database ``name`` after the copies asked for (it is not waited for)."""
        self._worker.submit(self.cluster.drop_database, name)

    def close(self) -> None:
        """Wait for the work under way and drop the copy no test took."""
        if self._next is not None:
            self.drop(self._next.result()[0])
        self._worker.shutdown(wait=True)


@pytest.fixture(scope="session")
def lake_template(postgres_cluster, tmp_path_factory):
    """Copies of a database of the run's cluster holding an empty lake migrated once: each lake test's catalog is
    one (CREATE DATABASE … TEMPLATE, made ahead by :class:`LakeCopies`) against about a second to migrate."""
    from queries.lake import LAKE_PREFIX, LakeStore

    lake = LakeStore(LAKE_PREFIX + postgres_cluster.create_database("lake_template"),
                     tmp_path_factory.mktemp("lake-template"))
    lake.migrate()
    lake.close()  # a template must have no connection when it is copied
    copies = LakeCopies(postgres_cluster, "lake_template")
    yield copies
    copies.close()


def _migrated_lake(copies: LakeCopies, tmp_path):
    """A copy of the migrated template lake in a new database, its data files in ``tmp_path`` (the catalog is
    told its data path as a restore tells it), dropped after the test."""
    import psycopg

    from queries.lake import LAKE_PREFIX, LakeStore

    name, dsn = copies.take()
    data_path = tmp_path / "lake-files"
    data_path.mkdir()
    with psycopg.connect(dsn, autocommit=True) as catalog:
        catalog.execute("UPDATE ducklake_metadata SET value = %s WHERE key = 'data_path' AND scope IS NULL",
                        (str(data_path.resolve()) + os.sep,))
    new = LakeStore(LAKE_PREFIX + dsn, data_path)
    yield new
    new.close()
    copies.drop(name)


def seizure_row(**overrides) -> pd.DataFrame:
    """One valid seizure as a one-row frame; keyword arguments replace fields."""
    row = {
        "source": "test", "source_id": "T-1", "occurred_at": datetime(2025, 3, 1, 10, 30),
        "time_precision": "exact", "lon": 106.712, "lat": 21.976, "geo_precision": "point",
        "country_iso3": "CHN", "province_code": "450000", "county_code": "451481", "zone_code": "451481",
        "channel": "land_port", "checkpoint_id": "youyiguan", "hub_id": None, "item": "antimony",
        "item_group": "Sb", "form": "ore", "quantity_kg": 1200.0, "value_cny": 21600.0,
        "declared_as": "铅精矿 (lead concentrate)", "concealment": "false_declaration", "detection": "x_ray",
        "agency": "customs", "destination_iso3": "VNM", "case_status": "open", "source_ref": "test row",
        "is_synthetic": True, "ingested_at": datetime(2025, 3, 2, 9, 0),
    }
    row.update(overrides)
    return pd.DataFrame([row])


# The accounts of the seeded database, all with this password: an admin, a planner who sees
# everything, an analyst granted Guangxi, a commander granted Yunnan and a wall display granted Guangxi.
PASSWORD = "correct horse battery staple"
ACCOUNTS = {"admin": ("admin", ()), "planner": ("planner", ("all",)), "gx-analyst": ("analyst", ("province:450000",)),
            "yn-commander": ("commander", ("province:530000",)), "gx-display": ("display", ("province:450000",))}


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory, request):
    """A database seeded once per test session with 3,000 demo seizures (fixed seed and end) and the
    test ``ACCOUNTS``: a file's path, or with ``CORDON_TEST_STORE=lake`` a lake's URL."""
    path = tmp_path_factory.mktemp("seeded") / "cordon.duckdb"
    if TEST_STORE == "lake":
        from queries.lake import LAKE_PREFIX, LakeStore

        cluster = request.getfixturevalue("postgres_cluster")
        path = LAKE_PREFIX + cluster.create_database("seeded")
        store = LakeStore(path, tmp_path_factory.mktemp("seeded-lake"))
        _SEEDED_LAKE.update(cluster=cluster, backups=tmp_path_factory.mktemp("seeded-backup"))
    else:
        store = Store(path)
    _seed_as_the_run_does(store)
    return path


@pytest.fixture(scope="session")
def seeded_file(seeded_db, tmp_path_factory):
    """What ``seeded_db`` holds, in a DuckDB file whatever the run's store: for what only a file can be (the
    source of ``migrate-store``). The seeded file itself in a run on files."""
    if TEST_STORE != "lake":
        return seeded_db
    path = tmp_path_factory.mktemp("seeded-file") / "cordon.duckdb"
    _seed_as_the_run_does(Store(path))
    return path


@pytest.fixture(scope="session")
def seeded_lake(seeded_db, tmp_path_factory, request) -> str:
    """What ``seeded_db`` holds, in a lake of the run's cluster whatever the run's store (its URL): the seeded
    lake itself in a run on lakes."""
    from queries.lake import LAKE_PREFIX, LakeStore

    if TEST_STORE == "lake":
        return seeded_db
    lake = LakeStore(LAKE_PREFIX + request.getfixturevalue("postgres_cluster").create_database("seeded_lake"),
                     tmp_path_factory.mktemp("seeded-lake"))
    _seed_as_the_run_does(lake)
    lake.close()
    return lake.path


@pytest.fixture(scope="module", params=["file", "lake"])
def seeded_either(request) -> str | Path:
    """The seeded store as a file and, a second run of each test of the module, as a lake: for the view and
    access tests, which the issue asks to hold on both stores in every run."""
    return request.getfixturevalue("seeded_file" if request.param == "file" else "seeded_lake")


def _seed_as_the_run_does(store) -> None:
    """3,000 demo seizures (fixed seed and end) and the test ``ACCOUNTS``."""
    from geodata.demo_geography import demo_geography
    from queries.access import Grant, add_user
    from queries.seed import seed

    seed(store, demo_geography(), rows=3_000, seed=7, end=datetime(2026, 11, 20, 12, 0))
    for username, (role, grants) in ACCOUNTS.items():
        add_user(store, username, PASSWORD, role, grants=[Grant.parse(g) for g in grants], actor="os:test",
                 source="cli", now=datetime(2026, 11, 20, 12, 0))


_SEEDED_LAKE: dict = {}  # the run's cluster and the folder of the seeded lake's backup, where seeded_db is a lake


def seeded_copy(seeded_db: str | os.PathLike[str], destination: Path) -> str | Path:
    """A store of its own holding what ``seeded_db`` holds, for a test that writes to it; returns where it is.
    A file is copied to ``destination``; a lake is restored from one backup of the seeded lake (taken at the first
    copy) into a new database of the run's cluster, its data files in a folder beside ``destination``."""
    import shutil
    import uuid

    from queries.lake import LAKE_PREFIX, LakeStore, is_lake_url
    from queries.operations import backup, restore

    if not is_lake_url(str(seeded_db)):
        shutil.copy(seeded_db, destination)
        return destination
    backups = _SEEDED_LAKE["backups"]
    if not any(backups.iterdir()):
        backup(open_store(seeded_db), backups)
    copy = LakeStore(LAKE_PREFIX + _SEEDED_LAKE["cluster"].create_database(f"copy_{uuid.uuid4().hex}"),
                     destination.with_name(destination.name + "-files"))
    restore(backups, copy)
    copy.close()
    return copy.path


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the whole run, started when a test first asks for it. Skipped, saying
    how to install it, where PostgreSQL is missing; under CI (``CI=true``) that is an error, since .ci/run
    installs it and the lake tests must run there."""
    import os

    from tests.postgres_cluster import PostgresNotInstalled, ThrowawayCluster

    try:
        cluster = ThrowawayCluster()
    except PostgresNotInstalled as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the lake tests but {missing} (.ci/run installs it)")
        pytest.skip(str(missing))
    with cluster:
        yield cluster


@pytest.fixture
def postgres_database(postgres_cluster):
    """The dsn of a new, empty database of the run's cluster, dropped after the test."""
    import uuid

    name = f"test_{uuid.uuid4().hex}"
    dsn = postgres_cluster.create_database(name)
    yield dsn
    postgres_cluster.drop_database(name)
