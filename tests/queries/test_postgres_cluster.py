"""The throwaway PostgreSQL cluster the lake tests run on: it answers, its databases are apart, and nothing of it
is left once it stops, or once the process that started it dies."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.postgres_cluster import ThrowawayCluster

ROOT = Path(__file__).resolve().parents[2]


def answers(dsn: str) -> bool:
    """Whether a server takes a connection at ``dsn``."""
    try:
        with psycopg.connect(dsn) as con:
            return con.execute("SELECT 1").fetchone() == (1,)
    except psycopg.OperationalError:
        return False


def test_the_cluster_answers_on_its_socket_and_over_tcp_only_with_its_password(postgres_cluster, postgres_database):
    with psycopg.connect(postgres_database) as con:
        assert con.execute("SHOW port").fetchone() == (str(postgres_cluster.port),)
        assert con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
    name = conninfo_to_dict(postgres_database)["dbname"]
    assert answers(postgres_cluster.dsn(name, over_tcp=True))
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(make_conninfo(postgres_cluster.dsn(name, over_tcp=True), password="wrong"))


def test_two_databases_are_independent(postgres_cluster, postgres_database):
    other = postgres_cluster.create_database("other database")
    try:
        with psycopg.connect(postgres_database) as con:
            con.execute("CREATE TABLE seizures (id int)")
            con.execute("INSERT INTO seizures VALUES (1)")
        with psycopg.connect(other) as con:
            assert con.execute("SELECT to_regclass('seizures')").fetchone() == (None,)
            con.execute("CREATE TABLE seizures (id int)")  # the same name, no clash
            assert con.execute("SELECT count(*) FROM seizures").fetchone() == (0,)
    finally:
        postgres_cluster.drop_database("other database")
    assert not answers(other)
    with psycopg.connect(postgres_database) as con:
        assert con.execute("SELECT count(*) FROM seizures").fetchone() == (1,)


def test_a_stopped_cluster_leaves_no_server_and_no_folder(postgres_cluster):
    with ThrowawayCluster() as cluster:
        folder, dsn = cluster.folder, cluster.dsn()
        assert answers(dsn) and folder.is_dir()
    assert not answers(dsn)
    assert not folder.exists()


CHILD = """
import sys
from tests.postgres_cluster import ThrowawayCluster
cluster = ThrowawayCluster()
cluster.start()
print(cluster.folder, cluster.watchdog.pid, cluster.dsn(), sep="\\n", flush=True)
sys.stdin.read()
"""


def test_a_killed_run_leaves_no_server_and_no_folder(postgres_cluster):
    """A run killed outright (no teardown, no atexit) still takes its cluster with it: the watchdog's work."""
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    folder, watchdog, dsn = (child.stdout.readline().strip() for _ in range(3))
    watchdog_ended = os.pidfd_open(int(watchdog))  # opened while the child lives, so the pid is still the watchdog's
    assert answers(dsn) and Path(folder).is_dir()
    child.kill()
    child.wait()
    child.stdin.close()
    child.stdout.close()
    select.select([watchdog_ended], [], [])  # readable once the watchdog has done its work and ended
    os.close(watchdog_ended)
    assert not answers(dsn)
    assert not Path(folder).exists()
