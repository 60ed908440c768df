"""Users (admins): the accounts with their roles, regions and state; add one, change its role, its
regions or its password, switch it off or on. Every change is written with its audit row by
``queries.access``; the page only collects the choices and shows what was refused and why.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.context import PageContext, current_context, minute_now
from dashboard.i18n import t
from dashboard.tooltips import markdown_text
from queries.access import (
    Grant,
    add_user,
    change_grants,
    grant_labels,
    list_users,
    set_active,
    set_password,
    set_role,
)
from queries.constants import ROLES
from queries.stores import open_store


def _done(action, lang: str) -> None:
    """Run an account change; show why it was refused (a ValueError from queries.access), else rerun."""
    try:
        action()
    except ValueError as error:
        st.error(t("change_refused", lang, reason=markdown_text(error)))
        return
    st.rerun()


def render(ctx: PageContext) -> None:
    lang, store, now = ctx.view.lang, open_store(ctx.path), minute_now()
    actor = ctx.user.username
    st.title(t("users_title", lang))
    regions = grant_labels(ctx.units, lang)
    users = list_users(store)
    st.dataframe(
        pd.DataFrame({
            t("username", lang): [u.username for u in users],
            t("display_name", lang): [u.display_name for u in users],
            t("role", lang): [t(f"role_{u.role}", lang) for u in users],
            t("regions", lang): [regions["all"] if u.role == "admin" else
                                 t("list_separator", lang).join(regions.get(str(g), str(g)) for g in u.grants)
                                 or t("grant_none", lang) for u in users],
            t("active", lang): [u.active for u in users],
            t("locked", lang): [u.locked(now) for u in users],
            t("last_sign_in", lang): [f"{u.last_sign_in_at:%Y-%m-%d %H:%M}" if u.last_sign_in_at else t("never", lang)
                                      for u in users],
        }),
        hide_index=True,
        key="users_table",
    )

    st.subheader(t("add_user", lang))
    with st.form("add_user_form", clear_on_submit=True):
        left, middle, right = st.columns(3)
        username = left.text_input(t("username", lang), key="u_new_name", max_chars=32, help=t("username_help", lang))
        display = middle.text_input(t("display_name", lang), key="u_new_display", max_chars=100)
        role = right.selectbox(t("role", lang), ROLES, key="u_new_role", format_func=lambda r: t(f"role_{r}", lang))
        granted = st.multiselect(t("regions", lang), list(regions), key="u_new_regions", format_func=regions.get,
                                 placeholder=t("choose_regions", lang))
        password = st.text_input(t("password", lang), type="password", key="u_new_password",
                                 help=t("password_help", lang))
        if st.form_submit_button(t("add_user", lang)):
            _done(lambda: add_user(store, username.strip(), password, role, display_name=display.strip() or None,
                                   grants=[Grant.parse(g) for g in granted], actor=actor, source="dashboard",
                                   now=now), lang)

    if not users:
        return
    st.subheader(t("change_user", lang))
    chosen = st.selectbox(t("username", lang), [u.username for u in users], key="u_chosen")
    user = next(u for u in users if u.username == chosen)
    with st.form("change_user_form"):
        left, right = st.columns(2)
        role = left.selectbox(t("role", lang), ROLES, index=ROLES.index(user.role), key="u_role",
                              format_func=lambda r: t(f"role_{r}", lang))
        active = right.checkbox(t("active", lang), user.active, key="u_active")
        current = [str(g) for g in user.grants]
        granted = st.multiselect(t("regions", lang), list(regions), default=[g for g in current if g in regions],
                                 key="u_regions", format_func=regions.get, placeholder=t("choose_regions", lang))
        password = st.text_input(t("new_password", lang), type="password", key="u_password",
                                 help=t("password_help", lang))
        if st.form_submit_button(t("save", lang)):
            def change() -> None:
                common = {"actor": actor, "source": "dashboard", "now": now}
                if role != user.role:
                    set_role(store, chosen, role, **common)
                if active != user.active:
                    set_active(store, chosen, active, **common)
                added = [Grant.parse(g) for g in granted if g not in current]
                removed = [Grant.parse(g) for g in current if g not in granted]
                if added or removed:
                    change_grants(store, chosen, grant=added, revoke=removed, **common)
                if password:
                    set_password(store, chosen, password, **common)

            _done(change, lang)


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
