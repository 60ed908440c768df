"""The Screening page's review form: a dismissal without a note is refused in the form, the hit staying open and
what was typed kept; with a note it is dismissed, and a dismissed hit can be confirmed; each review is audited."""

from __future__ import annotations

import json
from datetime import datetime

from streamlit.testing.v1 import AppTest

from queries.access import Grant, add_user, read_audit
from queries.screening_hits import read_hits
from tests.queries.test_screening_hits import LISTED, import_posts_file, listed_file  # noqa: F401 (fixture)

ANALYST = "gx-analyst"


def _page(db: str) -> None:
    import pandas as pd
    import streamlit as st

    from dashboard.context import CONTEXT_KEY, PageContext
    from dashboard.data import Source
    from dashboard.screens.screening import render
    from dashboard.state import View
    from queries.access import get_user
    from queries.stores import open_store

    user = get_user(open_store(db), "gx-analyst")
    st.session_state[CONTEXT_KEY] = PageContext(user=user, source=Source(db, user.scope), view=View(),
                                                units=pd.DataFrame(), extent=pd.Series(dtype=float))
    render(st.session_state[CONTEXT_KEY])


def _click(page: AppTest, label: str) -> AppTest:
    return next(button for button in page.button if button.label == label).click().run()


def test_an_analyst_dismisses_with_a_note_and_confirms_a_dismissed_hit(tmp_path, listed_file, geography):  # noqa: F811 (fixture)
    import_posts_file(listed_file, tmp_path, geography)
    add_user(listed_file, ANALYST, "correct horse battery staple", "analyst", grants=[Grant.parse("province:450000")],
             actor="os:test", source="cli", now=datetime(2026, 1, 1, 12, 0))
    page = AppTest.from_function(_page, args=(str(listed_file.path),), default_timeout=60).run()
    assert not page.exception
    (table,) = page.dataframe
    assert table.value["Entry"].tolist() == [LISTED] and table.value["Seizures naming the party"].tolist() == [2]
    assert not [button for button in page.button if button.label == "Screen now"]  # admins only
    evidence = page.markdown[-1].value  # the chosen hit's evidence above its form
    reason = table.value["Reason"].iloc[0]  # "'NAME' matches the pinyin of 名称, legal form ignored (…), …"
    assert "score" in evidence and f"Why: {reason.split(',')[0]}" in evidence

    page.text_area[0].input("   ")
    _click(page, "Dismiss: not the listed party")
    assert "a dismissal needs a note" in page.error[0].value and page.text_area[0].value == "   "
    assert read_hits(listed_file, "open")["entry_id"].tolist() == [LISTED]

    page.text_area[0].input("another Huaxing, in Ganzhou")
    _click(page, "Dismiss: not the listed party")
    assert page.success[0].value.startswith("Hit ") and "Dismissed" in page.success[0].value
    assert page.info[0].value.startswith("No open hits: screening runs on every import")

    page.selectbox(key="s_status").set_value("dismissed").run()
    assert page.dataframe[0].value["Note"].tolist() == ["another Huaxing, in Ganzhou"]
    page.text_area[0].input("the same USCC as the announcement's")
    _click(page, "Confirm: the listed party")
    (hit,) = read_hits(listed_file, "confirmed").to_dict("records")
    assert (hit["reviewed_by"], hit["review_note"]) == (ANALYST, "the same USCC as the announcement's")
    reviews = read_audit(listed_file, kind="import", username=ANALYST)
    assert [json.loads(details)["decision"] for details in reviews["details"]] == ["dismissed", "confirmed"]
