"""Screening (analysts and up): the review queue of the parties that screening found on China's lists.

Each hit shows the party as screened, the list entry it hit (names, announcement, date, whether in force today), the
score and the reason, and the seizures in the user's regions that name the party; an analyst confirms or dismisses
it with a note (``queries.screening_hits.review_hit`` refuses a dismissal without one and audits each review). A hit
whose party no seizure in the user's regions names is not listed (``review_queue``). Admins screen every stored
party now; planners and admins export the hits with their evidence (``geodata.export_hits``), audited.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard.auth import audit
from dashboard.context import PageContext, current_context, minute_now
from dashboard.i18n import label, t
from dashboard.screens.exports import Prepared, _download_buttons, _prepared
from dashboard.tables import show_table
from dashboard.tooltips import markdown_text
from geodata.export_hits import hits_csv
from queries.access import may
from queries.screening_hits import STATUSES, ReviewError, read_hits, review_hit, screen_stored
from queries.sensitive import show_parties
from queries.stores import open_store

DONE_KEY = "screening_done"  # what the last review or screen did, said after the rerun that shows it
EXPORT_KEY = "prepared_hits_export"


def hits_frame(hits: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The review queue as the page's table: one row per hit, columns named and codes labelled in ``lang``."""
    columns = {
        "#": hits["hit_id"],
        t("hits_col_status", lang): [t(f"hit_status_{status}", lang) for status in hits["status"]],
        t("hits_col_party", lang): hits["party_name"],
        t("hits_col_kind", lang): [label(kind, lang) for kind in hits["kind"]],
        t("hits_col_list", lang): [t(f"control_list_{code}", lang) for code in hits["list_code"]],
        t("hits_col_entry", lang): hits["entry_id"],
        t("hits_col_entry_names", lang): hits["entry_names"],
        t("hits_col_announcement", lang): hits["announcement"],
        t("hits_col_announced_on", lang): hits["announced_on"],
        t("hits_col_in_force", lang): hits["in_force"],
        t("hits_col_score", lang): hits["score"].round(1),
        t("hits_col_matched", lang): hits["matched_name"],
        t("hits_col_reason", lang): hits["reason"],
        t("hits_col_screened_on", lang): hits["screened_on"].dt.date,
        t("hits_col_seizures", lang): hits["seizures"],
        t("hits_col_newest", lang): hits["newest_seizure_at"].dt.date,
        t("hits_col_reviewed_by", lang): hits["reviewed_by"],
        t("hits_col_reviewed_at", lang): hits["reviewed_at"].dt.strftime("%Y-%m-%d %H:%M"),
        t("hits_col_note", lang): hits["review_note"],
    }
    return pd.DataFrame(columns)


def shown_hits(store, hits: pd.DataFrame, user) -> pd.DataFrame:
    """The hits with their parties as ``user`` may see them (``queries.sensitive.show_parties``: a view of people
    by a reader granted personal data is audited, as on every page that shows parties)."""
    parties = show_parties(store, hits.rename(columns={"party_name": "value"}), user, "screening")
    return parties.rename(columns={"value": "party_name"})


def render(ctx: PageContext) -> None:
    lang, store, now, user = ctx.view.lang, open_store(ctx.path), minute_now(), ctx.user
    st.title(t("screening_title", lang))
    st.caption(t("screening_hint", lang))
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))
    status = st.selectbox(t("hits_col_status", lang), STATUSES, key="s_status",
                          format_func=lambda code: t(f"hit_status_{code}", lang))
    hits = shown_hits(store, read_hits(store, status, ctx.source.scope, now.date()), user)
    if may(user.role, "screening_run"):
        screen_now(store, user.username, now, lang)
    if hits.empty:
        st.info(t("screening_none_open" if status == "open" else "screening_none", lang,
                  status=t(f"hit_status_{status}", lang)))
        return
    st.caption(t("screening_count", lang, rows=len(hits)))
    show_table(hits_frame(hits, lang), "s_table")
    if may(user.role, "screening_review"):
        review_form(store, hits, user.username, now, lang)
    if may(user.role, "export"):
        export_panel(ctx, store, status, now, lang)


def screen_now(store, username: str, now, lang: str) -> None:
    """Admins: screen every stored party against the lists in force today (``screen_stored``, audited)."""
    if st.button(t("screening_run", lang), key="s_run", help=t("screening_run_help", lang),
                 icon=":material/manage_search:"):
        with st.spinner(t("preparing", lang), show_time=True):
            added = screen_stored(store, on=now.date(), username=username, source="dashboard", now=now)
        st.session_state[DONE_KEY] = t("screening_run_done", lang, added=added)
        st.rerun()


def review_form(store, hits: pd.DataFrame, username: str, now, lang: str) -> None:
    """Confirm or dismiss one hit with a note; a refusal (a dismissal without a note) is said in the form and the
    note typed is kept (its widget is the hit's own)."""
    st.subheader(t("screening_review", lang))
    by_id = hits.set_index("hit_id")
    hit_id = st.selectbox(t("screening_chosen", lang), by_id.index.tolist(), key="s_hit",
                          format_func=lambda hit: f"{hit} · {by_id.at[hit, 'party_name']} → {by_id.at[hit, 'entry_id']}")
    chosen = by_id.loc[hit_id]
    st.markdown(t("screening_evidence", lang, party=markdown_text(chosen["party_name"]),
                  names=markdown_text(chosen["entry_names"]), list=t(f"control_list_{chosen['list_code']}", lang),
                  announcement=markdown_text(chosen["announcement"]), score=float(chosen["score"]),
                  reason=markdown_text(chosen["reason"])))
    with st.form("s_review_form"):
        note = st.text_area(t("hits_col_note", lang), key=f"s_note_{hit_id}", max_chars=2000,
                            help=t("screening_note_help", lang))
        left, right = st.columns(2)
        confirm = left.form_submit_button(t("screening_confirm", lang), icon=":material/check:")
        dismiss = right.form_submit_button(t("screening_dismiss", lang), icon=":material/close:")
        if confirm or dismiss:
            decision = "confirmed" if confirm else "dismissed"
            try:
                review_hit(store, int(hit_id), decision, note, username=username, source="dashboard", now=now)
            except ReviewError as error:
                st.error(t("screening_refused", lang, reason=markdown_text(error)))
                return
            st.session_state[DONE_KEY] = t("screening_reviewed", lang, hit=hit_id,
                                           decision=t(f"hit_status_{decision}", lang))
            st.rerun()


def export_panel(ctx: PageContext, store, status: str, now, lang: str) -> None:
    """Planners and admins: the hits of this status in the user's regions as CSV with its provenance, audited."""
    request = (status, now.date(), lang)
    if st.button(t("screening_export", lang), key="s_export", icon=":material/download:"):
        download = hits_csv(store, ctx.source.scope, status, now.date())
        st.session_state[EXPORT_KEY] = Prepared(request, download)
        audit(store, "export", ctx.user.username, {"kind": "screening_hits", "status": status,
              "file": download.file_name, "records": json.loads(download.provenance.data)["records"]}, now)
    download = _prepared(EXPORT_KEY, request)
    if download is not None:
        _download_buttons(download, lang, "s")


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
