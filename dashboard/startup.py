"""What the dashboard writes so that it can show a page: the store (created and seeded with the demo data
on the first start, upgraded when an older Cordon made it), the first account, and the base map's
files that the browser fetches (written when a page first needs them in a language, and again only
when their content changes). The cached loaders (``dashboard.data``) only read.

:func:`prepared_store` prepares the store once per server process and database, from the page script
(dashboard/main.py) before anything else: every run of every page passes there, also under
``streamlit run dashboard/main.py`` and AppTest, and a store that cannot be opened is said on the page
in both languages rather than stopping the server. On a first start the schema and the first account
are made at once (the sign-in form needs them), and the demo seizures are seeded behind the sign-in
page, by a process of its own started once that page is drawn (:class:`FirstSeed`, a few seconds):
a signed-in page waits for them (:func:`wait_for_seed`), the sign-in form does not
(bench/results/first_start.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import streamlit as st

from dashboard.data import BASE_LINE_SETS, base_geography
from dashboard.i18n import t
from dashboard.pydeck_adapters import DataURL
from geodata.demo_geography import demo_geography
from queries.access import ensure_admin
from queries.seed import upgrade
from queries.store import Store, StoreError
from queries.stores import open_store

PROJECT_DIR = Path(__file__).resolve().parents[1]  # where python -m queries runs
STATIC_DIR = Path(__file__).resolve().parent / "static"  # served at <base URL>/app/static/ (server.enableStaticServing)
LOG = logging.getLogger(__name__)
UNWRITABLE: set[Path] = set()  # folders of static_file that could not be written

ADMIN_CREATED = """
Cordon: no account existed in {path}, so one was created:
    user name  admin
    password   {password}
This is the only time the password is shown. Sign in, then add accounts on the Users page
(or: python -m queries users add ...) and change this password.
"""


def seed_demo(path: str) -> None:
    """Seed the demo seizures into the store at ``path`` as ``python -m queries seed`` does, in a process of
    its own: in a thread of the server's, generating them would hold Python's lock from the page script
    that draws the sign-in form (bench/results/first_start.md). A StoreError with its output if it fails."""
    done = subprocess.run([sys.executable, "-m", "queries", "seed", "--db", path], cwd=PROJECT_DIR,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise StoreError(f"the demo seizures could not be written to {path}: {(done.stderr or done.stdout)[-500:]}")


class FirstSeed(threading.Thread):
    """A first start's demo seizures (:func:`seed_demo`), written in the background while the sign-in page
    shows; ``error`` is what stopped it, if anything did."""

    def __init__(self, path: str):
        super().__init__(name="cordon-first-seed", daemon=True)
        self.path, self.error = path, None

    def run(self) -> None:
        try:
            seed_demo(self.path)
        except (StoreError, OSError) as error:
            self.error = error
            LOG.error("%s", error)


_PREPARING = threading.Lock()
_STORES: dict[str, Store] = {}  # each path's store, once prepared in this process
_SEEDS: dict[str, FirstSeed] = {}  # the first start's seed of each path that had no database


def prepared_store(path: str) -> Store:
    """The store at ``path``, ready for a sign-in, prepared once per process: created or upgraded (its
    migrations run once, under the store's write lock; an upgraded store's reference tables refreshed,
    :func:`queries.seed.upgrade`), with a first account, and on a first start the seed of its demo
    seizures ready to start (:func:`start_seed`).
    When the store has no account yet, an ``admin`` with a random password is made and the password
    printed once, to the terminal that started the dashboard (never to the page or a log file)."""
    with _PREPARING:
        if path not in _STORES:
            store = open_store(path)
            first = not store.exists()
            if first:
                store.migrate()
            else:  # made by an older Cordon: its schema and the release's reference tables
                upgrade(store, demo_geography)
            password = ensure_admin(store)
            if password is not None:
                print(ADMIN_CREATED.format(path=path, password=password), flush=True)
            if first:
                _SEEDS[path] = FirstSeed(path)  # started once the sign-in page is drawn (start_seed)
            _STORES[path] = store
    return _STORES[path]


def start_seed(path: str) -> None:
    """Start a first start's seed of ``path``, unless it has started: called once the sign-in page is on
    screen, so that the seed's process does not take the processor from the page it waits behind."""
    first = _SEEDS.get(path)
    with _PREPARING:
        if first is not None and first.ident is None:
            first.start()


def wait_for_seed(path: str, lang: str) -> None:
    """Before a signed-in page reads records: wait, saying why, for a first start's seed (started now if it
    was not yet); raise what stopped it, if anything did."""
    first = _SEEDS.get(path)
    if first is None:
        return
    start_seed(path)
    if first.is_alive():
        with st.spinner(t("first_start", lang, path=path)):
            first.join()
    if first.error is not None:
        raise first.error


def base_map(lang: str) -> dict[str, str]:
    """The base geography as :func:`dashboard.map_layers.base_layers` takes it: each set of records a file
    under dashboard/static/base/ that the browser fetches once and then takes from its cache, rather than
    about 1 MB of JSON inside every page's deck, which the browser parses slowly (docs/performance.md).
    Where the server does not serve that folder (``server.enableStaticServing`` off), the JSON text."""
    texts = base_geography(lang)
    if not st.get_option("server.enableStaticServing"):
        return texts
    return {name: static_file(text, name if name in BASE_LINE_SETS else f"{name}-{lang}") for name, text in texts.items()}


def static_file(text: str, stem: str) -> str:
    """A :class:`DataURL` to ``text`` written as ``base/<stem>-<digest>.json`` under :data:`STATIC_DIR`
    (once: the name changes with the content, so a copy a browser keeps is never stale; the file of the
    stem's previous content is removed then); or ``text`` itself if the file cannot be written (with a
    warning in the log, once a folder)."""
    path = STATIC_DIR / "base" / f"{stem}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}")  # written whole, then renamed: never half a file
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
            for previous in path.parent.glob(f"{stem}-*.json"):
                if previous != path:
                    previous.unlink(missing_ok=True)
    except OSError as error:
        if path.parent not in UNWRITABLE:  # said once per folder, not on every run
            UNWRITABLE.add(path.parent)
            LOG.warning("the base map goes with every page instead of from %s: %s", path, error)
        return text
    prefix = st.get_option("server.baseUrlPath").strip("/")
    return DataURL(f"{'/' + prefix if prefix else ''}/app/static/base/{path.name}")
