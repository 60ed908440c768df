"""The inbox on the Import page (admins): the files the unattended watcher (``python -m queries watch``,
queries/inbox.py) took lately and what became of each, so that a night's files can be checked without
a shell on the server. The page does not know the folder; the audit trail knows what every watcher did.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.tooltips import markdown_text
from queries.inbox import DONE, FAILED, recent_reports
from queries.store import Store

COUNT_HEADERS = {"rows": "import_rows", "new": "inbox_new", "updated": "inbox_updated",
                 "unchanged": "inbox_unchanged", "rejected": "import_sheet_refused"}


def _count(value) -> str:
    return "" if pd.isna(value) else f"{int(value):,}"


def _status(status: str, lang: str) -> str:
    return t(f"inbox_status_{status}", lang) if status in (DONE, FAILED) else str(status)


def inbox_table(reports: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``reports`` (:func:`queries.inbox.recent_reports`) as the page shows them: headers and status
    words in ``lang``, counts with thousands separators, nothing for a failed file's counts."""
    return pd.DataFrame({
        t("when", lang): reports["at"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist(),
        t("import_file", lang): reports["file"].tolist(),
        t("status", lang): [_status(status, lang) for status in reports["status"]],
        **{t(key, lang): [_count(value) for value in reports[column]] for column, key in COUNT_HEADERS.items()},
        t("inbox_moved_to", lang): reports["moved_to"].tolist(),
        t("import_reason", lang): reports["error"].fillna("").tolist(),
    })


def render_inbox_reports(store: Store, lang: str) -> None:
    """A subheader, a caption saying what the table is and where the reports are, and the inbox's
    latest files; a line of guidance when no file has come through an inbox yet."""
    st.subheader(t("inbox_title", lang))
    reports = recent_reports(store)
    if reports.empty:
        st.info(t("inbox_none", lang))
        return
    folders = reports["inbox_dir"].dropna().unique().tolist()
    caption = t("inbox_hint", lang, shown=len(reports))
    if folders:
        caption += " " + t("inbox_folders", lang, folders=markdown_text(" · ".join(folders)))
    st.caption(caption)
    st.dataframe(inbox_table(reports, lang), hide_index=True, key="import_inbox")
