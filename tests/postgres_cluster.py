"""A throwaway PostgreSQL cluster: the lake store's catalog for a test run or a benchmark, never mocked.

``ThrowawayCluster`` makes a cluster in a new temporary folder, listening on a unix socket in that folder and on
127.0.0.1 at a free port, and removes it all on exit. Under root the cluster belongs to the ``postgres`` OS user
(PostgreSQL refuses to run as root). Authentication: ``trust`` on the socket, which only the folder's owner (and
root) can reach since the folder is private, so tests connect without a secret; ``scram-sha-256`` with a random
password over TCP, which any local user could reach, so that port is not open to the machine and password
sign-ins (the lake's credentials) are exercised for real.

A cluster outlives its Python process only until a watchdog notices: a small shell process, started first, waits
for the end of a pipe that closes when the process ends however it ends (an interrupted run, even SIGKILL), then
stops the server and removes the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Self

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

SUPERUSER = "postgres"
SERVER_USER = "postgres"  # the OS user a cluster runs as when this process is root
INSTALL_HINT = "PostgreSQL 15 is not installed: apt-get install postgresql-15"
# A test run keeps nothing: no flush to disk (a crash loses only a run that is discarded anyway)
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
# The watchdog: wait for the end of stdin (the owner's death or its normal stop), stop the server, remove the folder
WATCHDOG = 'cat >/dev/null; "$@" >/dev/null 2>&1; rm -rf -- "$0"'


class PostgresNotInstalled(RuntimeError):
    """No PostgreSQL server binaries (initdb, pg_ctl) were found on this machine."""


def server_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs: ``pg_config --bindir`` where it holds them (Debian's pg_config
    comes with libpq-dev, which may be installed without a server), else the newest /usr/lib/postgresql/*/bin."""
    candidates = []
    if pg_config := shutil.which("pg_config"):
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        candidates.append(Path(found))
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(path) for path in versioned if path.split("/")[-2].isdigit()),
                         key=lambda path: int(path.parent.name), reverse=True)
    return next((path for path in candidates if (path / "initdb").is_file() and (path / "pg_ctl").is_file()), None)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary folder, started on entering and stopped and removed on exit.

    ``durable=True`` keeps PostgreSQL's flushes to disk on, for benchmarks that should see what a real deployment
    pays; a test run leaves them off. ``watchdog`` is the process that cleans up if this one dies first."""

    def __init__(self, durable: bool = False) -> None:
        self.bindir = server_bindir()
        if self.bindir is None:
            raise PostgresNotInstalled(INSTALL_HINT)
        self.durable = durable
        self.password = secrets.token_urlsafe(24)
        self.folder: Path | None = None
        self.port: int | None = None
        self.watchdog: subprocess.Popen | None = None

    # -- life ---------------------------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Make the cluster (initdb), configure it and start it; any failure leaves nothing behind."""
        self.folder = Path(tempfile.mkdtemp(prefix="cordon-pg-"))
        self.watchdog = subprocess.Popen(
            ["sh", "-c", WATCHDOG, str(self.folder), *self._stop_command()],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            self._initdb()
            self.port = free_port()
            # a session of its own: a Ctrl-C at the terminal reaches the tests, not the server they are still using
            self._run(self._pg_ctl("start", "-w", "-l", str(self.folder / "server.log"),
                                   "-o", f"-p {self.port}"), start_new_session=True)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server and remove the folder."""
        if self.folder is None:
            return
        # fails only where the server is not running (a start that failed)
        subprocess.run(self._stop_command(), cwd=self.folder, capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None
        if self.watchdog is not None:
            self.watchdog.kill()
            self.watchdog.wait()
            self.watchdog.stdin.close()
            self.watchdog = None

    # -- databases ----------------------------------------------------------------------------------------------

    def dsn(self, dbname: str = "postgres", over_tcp: bool = False) -> str:
        """A libpq connection string to ``dbname`` as the superuser: through the folder's socket, or over TCP to
        127.0.0.1 with the password where ``over_tcp``."""
        if self.folder is None:
            raise RuntimeError("the cluster is not running: start it (or enter it with `with`) first")
        if over_tcp:
            return make_conninfo(host="127.0.0.1", port=self.port, user=SUPERUSER, password=self.password,
                                 dbname=dbname)
        return make_conninfo(host=str(self.folder), port=self.port, user=SUPERUSER, dbname=dbname)

    def create_database(self, name: str, owner: str | None = None, template: str | None = None) -> str:
        """Create the database ``name`` (owned by the role ``owner`` where given), empty or a copy of the database
        ``template`` (which nothing may be connected to); returns its dsn."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        if owner is not None:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        self._administer(statement)
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        """Drop the database ``name`` if it exists, closing any connection still open to it."""
        self._administer(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # -- helpers ------------------------------------------------------------------------------------------------

    def _administer(self, statement: sql.Composable) -> None:
        """Run one statement that may not run in a transaction block, on the maintenance database."""
        with psycopg.connect(self.dsn(), autocommit=True) as con:
            con.execute(statement)

    def _initdb(self) -> None:
        settings = ["listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{self.folder}'"]
        if not self.durable:
            settings += [f"{name} = {value}" for name, value in FAST_SETTINGS.items()]
        password_file = self.folder / "password"
        password_file.write_text(self.password)
        password_file.chmod(0o600)
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            for path in (self.folder, password_file):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._run([str(self.bindir / "initdb"), "-D", str(self.folder / "data"), "-U", SUPERUSER,
                   "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8",
                   "--locale=C", "--no-sync", "--no-instructions"])
        password_file.unlink()
        with open(self.folder / "data" / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# ThrowawayCluster\n" + "\n".join(settings) + "\n")

    def _stop_command(self) -> list[str]:
        """Stop the server at once: nothing in it is kept."""
        return self._as_server_user(self._pg_ctl("stop", "-m", "immediate"))

    def _pg_ctl(self, *args: str) -> list[str]:
        return [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), *args]

    @staticmethod
    def _as_server_user(command: list[str]) -> list[str]:
        """``command`` as the OS user that owns the cluster: PostgreSQL refuses root."""
        return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command

    def _run(self, command: list[str], start_new_session: bool = False) -> None:
        """Run a PostgreSQL program as the cluster's owner (in the folder: its own cwd may be closed to that
        user); a failure raises with the program's output and the server's log."""
        done = subprocess.run(self._as_server_user(command), cwd=self.folder, capture_output=True, text=True,
                              check=False, start_new_session=start_new_session, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            log = self.folder / "server.log"
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{Path(command[0]).name} failed (exit {done.returncode}) in {self.folder}: "
                               f"{done.stdout}{done.stderr}{server_log}")
