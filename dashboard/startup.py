"""What the dashboard writes so that it can show a page: the store (created and seeded with the demo data
on the first start, upgraded when an older Cordon made it), the first account, and the base map's
files that the browser fetches (written when a page first needs them in a language, and again only
when their content changes). The cached loaders (``dashboard.data``) only read.

:func:`open_store` runs once per server process and database (``st.cache_resource``), from the page
script (dashboard/main.py) before anything else: every run of every page passes there, also under
``streamlit run dashboard/main.py`` and AppTest, and a store that cannot be opened is then said on the
page in both languages rather than stopping the server.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import streamlit as st

from dashboard.data import BASE_LINE_SETS, base_geography
from dashboard.i18n import t
from dashboard.pydeck_adapters import DataURL
from geodata.demo_geography import demo_geography
from queries.access import ensure_admin
from queries.seed import seed
from queries.store import Store

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


@st.cache_resource(show_spinner=False)
def open_store(path: str, _lang: str = "en") -> Store:
    """The store at ``path``; on first start, create it and seed the demo data (saying so in ``_lang``, the
    first reader's language; not part of the cache's key: one store a path); a file made by an older
    Cordon is upgraded (its migrations run once, under the store's write lock). When the store has no
    account yet, an ``admin`` with a random password is made and the password printed once, to the
    terminal that started the dashboard (never to the page or a log file)."""
    store = Store(path)
    if not store.exists():
        with st.spinner(t("first_start", _lang, path=path)):
            seed(store, demo_geography())
    else:
        store.migrate()
    password = ensure_admin(store)
    if password is not None:
        print(ADMIN_CREATED.format(path=path, password=password), flush=True)
    return store


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
