"""Records: the seizures behind the current filters, a page at a time, and any one of them in full."""

from __future__ import annotations

import streamlit as st

from dashboard.config import RECORDS_PAGE_SIZE
from dashboard.context import PageContext, current_context, minute_now
from dashboard.controls import show_url_problems
from dashboard.data import data_version, records
from dashboard.guidance import show_guidance
from dashboard.i18n import t
from dashboard.records_table import record_detail, records_frame
from dashboard.tables import show_table


def render(ctx: PageContext) -> None:
    lang = ctx.view.lang
    st.title(t("records_title", lang))
    show_url_problems(lang)
    version = data_version(ctx.path)
    filters = ctx.view.filters(minute_now())
    page = st.session_state.get("records_page", 1)
    rows = records(ctx.source, version, filters, RECORDS_PAGE_SIZE, (page - 1) * RECORDS_PAGE_SIZE)
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    if total == 0 and page > 1:  # the filters changed under a later page: start again
        st.session_state["records_page"] = 1
        st.rerun()
    if total == 0:
        show_guidance("seizures", filters, lang, found=0)
        return
    pages = (total + RECORDS_PAGE_SIZE - 1) // RECORDS_PAGE_SIZE
    first = (page - 1) * RECORDS_PAGE_SIZE + 1
    st.caption(t("records_count", lang, total=total, first=first, last=first + len(rows) - 1))
    stepper, _ = st.columns([1, 3])  # narrow, on the left: the table's toolbar (top right) never covers it
    stepper.number_input(t("page_number", lang), min_value=1, max_value=pages, step=1, key="records_page")
    event = show_table(records_frame(rows, lang), "records_table", on_select="rerun", selection_mode="single-row",
                       height=520)
    chosen = event.selection.rows if event is not None else []
    if chosen:
        show_table(record_detail(rows.iloc[chosen[0]], lang), "record_detail")
    else:
        st.caption(t("record_detail", lang))


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
