"""Users (admins): the accounts with their roles, regions and state; add one, change its role, its
regions, its sight of personal data (queries.sensitive) or its password, switch it off or on. Every change is written with its audit row by
``queries.access``; the page only collects the choices and shows what was refused and why.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard.context import PageContext, current_context, minute_now
from dashboard.i18n import t
from dashboard.tooltips import markdown_text
from queries.access import (
    Grant,
    User,
    add_user,
    change_grants,
    grant_labels,
    list_users,
    set_active,
    set_password,
    set_personal_data,
    set_role,
)
from queries.constants import ROLES
from queries.stores import AnyStore, open_store


def render(ctx: PageContext) -> None:
    lang, store, now = ctx.view.lang, open_store(ctx.path), minute_now()
    audited = {"actor": ctx.user.username, "source": "dashboard", "now": now}  # who, where and when, for each change
    st.title(t("users_title", lang))
    regions = grant_labels(ctx.units, lang)
    users = list_users(store)
    show_accounts_table(users, regions, lang, now)
    add_account_form(store, regions, lang, audited)
    if users:
        change_account_form(store, users, regions, lang, audited)


def show_accounts_table(users: list[User], regions: dict[str, str], lang: str, now: datetime) -> None:
    """Every account: its names, role, regions, whether it is active or locked, its last sign-in."""
    st.dataframe(
        pd.DataFrame({
            t("username", lang): [u.username for u in users],
            t("display_name", lang): [u.display_name for u in users],
            t("role", lang): [t(f"role_{u.role}", lang) for u in users],
            t("regions", lang): [_regions_text(u, regions, lang) for u in users],
            t("personal_data", lang): [u.personal_data for u in users],
            t("active", lang): [u.active for u in users],
            t("locked", lang): [u.locked(now) for u in users],
            t("last_sign_in", lang): [f"{u.last_sign_in_at:%Y-%m-%d %H:%M}" if u.last_sign_in_at else t("never", lang)
                                      for u in users],
        }),
        hide_index=True,
        key="users_table",
    )


def _regions_text(user: User, regions: dict[str, str], lang: str) -> str:
    """The regions an account sees, by name: all for an admin, else its grants (or none)."""
    if user.role == "admin":
        return regions["all"]
    return t("list_separator", lang).join(regions.get(str(g), str(g)) for g in user.grants) or t("grant_none", lang)


def add_account_form(store: AnyStore, regions: dict[str, str], lang: str, audited: dict[str, object]) -> None:
    """A new account: its name, display name, role, regions and first password."""
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
                                   grants=[Grant.parse(g) for g in granted], **audited), lang)


def change_account_form(store: AnyStore, users: list[User], regions: dict[str, str], lang: str,
                        audited: dict[str, object]) -> None:
    """One chosen account: its role, whether it is active, its regions and a new password."""
    st.subheader(t("change_user", lang))
    chosen = st.selectbox(t("username", lang), [u.username for u in users], key="u_chosen")
    user = next(u for u in users if u.username == chosen)
    with st.form("change_user_form"):
        left, right = st.columns(2)
        role = left.selectbox(t("role", lang), ROLES, index=ROLES.index(user.role), key="u_role",
                              format_func=lambda r: t(f"role_{r}", lang))
        active = right.checkbox(t("active", lang), user.active, key="u_active")
        personal = right.checkbox(t("personal_data", lang), user.personal_data, key="u_personal_data",
                                  help=t("personal_data_help", lang))
        current = [str(g) for g in user.grants]
        granted = st.multiselect(t("regions", lang), list(regions), default=[g for g in current if g in regions],
                                 key="u_regions", format_func=regions.get, placeholder=t("choose_regions", lang))
        password = st.text_input(t("new_password", lang), type="password", key="u_password",
                                 help=t("password_help", lang))
        if st.form_submit_button(t("save", lang)):
            _done(lambda: _change_account(store, user, role, active, personal, granted, password, audited), lang)


def _change_account(store: AnyStore, user: User, role: str, active: bool, personal: bool, granted: list[str],
                    password: str, audited: dict[str, object]) -> None:
    """Write what the change form changed, each with its audit row; what stayed the same is not written."""
    if role != user.role:
        set_role(store, user.username, role, **audited)
    if active != user.active:
        set_active(store, user.username, active, **audited)
    if personal != user.personal_data:
        set_personal_data(store, user.username, personal, **audited)
    current = [str(g) for g in user.grants]
    added = [Grant.parse(g) for g in granted if g not in current]
    removed = [Grant.parse(g) for g in current if g not in granted]
    if added or removed:
        change_grants(store, user.username, grant=added, revoke=removed, **audited)
    if password:
        set_password(store, user.username, password, **audited)


def _done(action, lang: str) -> None:
    """Run an account change; show why it was refused (a ValueError from queries.access), else rerun."""
    try:
        action()
    except ValueError as error:
        st.error(t("change_refused", lang, reason=markdown_text(error)))
        return
    st.rerun()


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
