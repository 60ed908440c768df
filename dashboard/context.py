"""What every page needs for one run: the database, its data version, the view and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.data import Source
from dashboard.state import View
from queries.access import User
from queries.clock import beijing_now

CONTEXT_KEY = "page_context"
# Not "pages": Streamlit treats a pages/ folder beside the entry point as the old multipage app and
# runs its files directly on a deep link such as /analysis, before st.navigation has run.
PAGES_DIR = Path(__file__).parent / "screens"


@dataclass(frozen=True)
class PageContext:
    """The signed-in ``user``, the ``source`` its pages read (the database and the user's scope), the
    view of the sidebar, the admin units and the extent of the records the user may see."""

    user: User
    source: Source
    view: View
    units: pd.DataFrame
    extent: pd.Series

    @property
    def path(self) -> str:
        return self.source.path


def minute_now() -> datetime:
    """Beijing time to the minute: presets ending "now" stay the same key for the caches within a minute."""
    return beijing_now().replace(second=0, microsecond=0)


def current_context() -> PageContext:
    """The context main.py made for this run (page files run only through it)."""
    return st.session_state[CONTEXT_KEY]
