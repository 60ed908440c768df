"""Audit (admins): who signed in or failed to, who imported and exported what, which accounts changed.

The trail is append-only: the app writes it through ``queries.access.record_event`` and has no way
to change or delete a row; this page reads it and offers it as a CSV (its own export is audited too).
"""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from dashboard.audit_table import audit_frame
from dashboard.auth import audit
from dashboard.context import PageContext, current_context, minute_now
from dashboard.i18n import label, t
from geodata.export import table_csv
from queries.access import AUDIT_KINDS, grant_labels, read_audit
from queries.stores import open_store

AUDIT_ROWS_SHOWN = 2_000


def render(ctx: PageContext) -> None:
    lang, store = ctx.view.lang, open_store(ctx.path)
    st.title(t("audit_title", lang))
    st.caption(t("audit_hint", lang))
    left, middle, right = st.columns(3)
    since = left.date_input(t("audit_since", lang), value=None, key="a_since")
    kind = middle.selectbox(t("audit_kind", lang), (None, *AUDIT_KINDS), key="a_kind",
                            format_func=lambda k: t("any", lang) if k is None else label(k, lang))
    username = right.text_input(t("username", lang), key="a_user", max_chars=64).strip() or None
    rows = read_audit(store, since=datetime.combine(since, time()) if since else None, kind=kind, username=username)
    st.caption(t("audit_count", lang, rows=len(rows), shown=min(len(rows), AUDIT_ROWS_SHOWN)))
    shown = rows.iloc[::-1].head(AUDIT_ROWS_SHOWN)
    st.dataframe(audit_frame(shown, lang, grant_labels(ctx.units, lang)), hide_index=True, key="audit_table")

    def audited_csv() -> bytes:
        audit(store, "audit_export", ctx.user.username,
              {"rows": len(rows), "since": since, "kind": kind, "user": username}, minute_now())
        return table_csv(rows)

    st.download_button(t("audit_download", lang), audited_csv, "cordon-audit.csv", "text/csv", key="a_download",
                       on_click="ignore", icon=":material/download:")


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
