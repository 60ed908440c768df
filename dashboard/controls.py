"""The sidebar every page shares: language, filters and map options, kept in step with the URL.

On a session's first run the widgets are set from the URL (:func:`dashboard.state.decode`); after
that the widgets are the truth and the URL is rewritten from them on every run, so that a copied
link reopens the same view. Parameters that had to be ignored are listed on the page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard.data import area_codes
from dashboard.i18n import LANGUAGES, label, t
from dashboard.state import (
    CUSTOM,
    DENSITIES,
    HEX_RESOLUTIONS,
    LAYER_KEYS,
    REFRESH_SECONDS,
    WEIGHTS,
    View,
    decode,
    encode,
)
from dashboard.tooltips import markdown_text
from queries.constants import AGENCIES, CHANNELS, FORMS, ITEM_GROUPS, ITEMS
from queries.filters import ANY_BORDER_ZONE, PERIODS, Focus, period_bounds

# widget key -> View field
WIDGETS = {
    "w_lang": "lang",
    "w_period": "period",
    "w_groups": "item_groups",
    "w_items": "items",
    "w_channels": "channels",
    "w_zones": "zones",
    "w_provinces": "provinces",
    "w_counties": "counties",
    "w_agencies": "agencies",
    "w_forms": "forms",
    "w_min_kg": "min_kg",
    "w_text": "text",
    "w_layers": "layers",
    "w_density": "density",
    "w_hex": "hex_res",
    "w_weight": "weight",
    "w_refresh": "refresh",
}
LIST_FIELDS = {"item_groups", "items", "channels", "zones", "provinces", "counties", "agencies", "forms", "layers"}
FOCUS_KEY = "focus"
PROBLEMS_KEY = "url_problems"
LAST_VIEW_KEY = "last_view"


def _preset_days(preset: str, now: datetime) -> tuple[date, date]:
    start, _ = period_bounds(preset, now)
    return (start.date() if start else None), now.date()


def _load(view: View, first_day: date, now: datetime, missing_only: bool = False) -> None:
    """Put ``view`` into the widgets' state (before they are drawn); with ``missing_only``, only into
    widgets whose state is gone. Streamlit drops the state of widgets that a run did not reach, so a
    click that interrupts a run would otherwise reset every widget below the one clicked."""

    def put(key: str, value) -> None:
        if not (missing_only and key in st.session_state):
            st.session_state[key] = value

    for key, name in WIDGETS.items():
        value = getattr(view, name)
        put(key, list(value) if name in LIST_FIELDS else (value or 0.0) if name == "min_kg" else value)
    if view.period == CUSTOM:
        put("w_range", (view.start_day, view.end_day))
    else:
        start, end = _preset_days(view.period, now)
        put("w_range", (start or first_day, end))
    if not missing_only:
        st.session_state[FOCUS_KEY] = view.focus


def _on_period(now: datetime, first_day: date) -> None:
    preset = st.session_state.get("w_period")
    if preset is None:  # the selected pill was clicked again: keep the period
        st.session_state["w_period"] = CUSTOM
    elif preset != CUSTOM:
        start, end = _preset_days(preset, now)
        st.session_state["w_range"] = (start or first_day, end)


def _on_range() -> None:
    st.session_state["w_period"] = CUSTOM


PLAY_KEY = "play_window"


def _on_play(first_day: date) -> None:
    """Starting playback: a window as wide as the dates shown, at the first record."""
    if st.session_state.get("w_play"):
        start, end = st.session_state["w_range"]
        st.session_state[PLAY_KEY] = (first_day, first_day + max(end - start, timedelta(days=1)))
    else:
        st.session_state.pop(PLAY_KEY, None)


def playing() -> bool:
    return bool(st.session_state.get("w_play")) and PLAY_KEY in st.session_state


def play_step(last_day: date, advance: bool) -> tuple[date, date]:
    """The playback window to show now; ``advance`` moves it a quarter of its width on (it stops at
    the last day). Only the live map plays, inside its fragment, so the sidebar is never redrawn."""
    start, end = st.session_state[PLAY_KEY]
    if advance and end < last_day:
        step = max((end - start) / 4, timedelta(days=1))
        start, end = start + step, min(end + step, last_day)
        st.session_state[PLAY_KEY] = (start, end)
    return start, end


def reset_filters() -> None:
    st.session_state.pop("view_loaded", None)
    st.session_state.pop(LAST_VIEW_KEY, None)
    st.query_params.clear()
    if "w_lang" in st.session_state:
        st.query_params["lang"] = st.session_state["w_lang"]


FILTER_DEFAULTS = {key: [] for key in ("w_groups", "w_items", "w_channels", "w_zones", "w_provinces", "w_counties",
                                        "w_agencies", "w_forms")} | {"w_min_kg": 0.0, "w_text": ""}


def _filter_widgets(units: pd.DataFrame, lang: str) -> None:
    """The filters of the sidebar (inside it): minerals, channel, places, agency, form, quantity, text."""
    provinces = units[units["level"] == "province"].set_index("code")
    counties = units[units["level"] == "county"].set_index("code")
    zones = counties[counties["is_border_zone"]]
    # a dict, not a pandas lookup per option: the sidebar's ~300 place names are formatted on every run
    place = dict(zip(units["code"], units["name_zh"] if lang == "zh" else units["name_en"] + " " + units["name_zh"]))

    def choose(text: str, options, key: str, format_func, **props) -> None:
        st.multiselect(text, options, key=key, placeholder=t("choose", lang), format_func=format_func, **props)

    choose(t("mineral_group", lang), ITEM_GROUPS, "w_groups", lambda c: label(c, lang))
    chosen_groups = set(st.session_state["w_groups"])
    item_options = [item.code for item in ITEMS if not chosen_groups or item.group in chosen_groups]
    st.session_state["w_items"] = [code for code in st.session_state["w_items"] if code in item_options]
    choose(t("item", lang), item_options, "w_items", lambda c: label(c, lang))
    choose(t("channel", lang), CHANNELS, "w_channels", lambda c: label(c, lang))
    choose(
        t("zone", lang),
        [ANY_BORDER_ZONE, *zones.index],
        "w_zones",
        lambda c: t("any_border_zone", lang) if c == ANY_BORDER_ZONE else place[c],
    )
    choose(t("province", lang), list(provinces.index), "w_provinces", place.__getitem__)
    chosen_provinces = set(st.session_state["w_provinces"])
    county_options = list(counties.index[counties["province_code"].isin(chosen_provinces)] if chosen_provinces
                          else counties.index)
    st.session_state["w_counties"] = [c for c in st.session_state["w_counties"] if c in county_options]
    choose(t("county", lang), county_options, "w_counties", place.__getitem__)
    choose(t("agency", lang), AGENCIES, "w_agencies", lambda c: label(c, lang))
    choose(t("form", lang), FORMS, "w_forms", lambda c: label(c, lang))
    st.number_input(t("min_kg", lang), min_value=0.0, max_value=10_000_000.0, step=1.0, key="w_min_kg")
    st.text_input(t("search", lang), key="w_text", max_chars=200)
    st.button(t("reset", lang), on_click=reset_filters)


def sidebar(units: pd.DataFrame, extent: pd.Series, now: datetime, may_filter: bool = True,
            shows_view: bool = True) -> View:
    """Draw the shared sidebar and return the view it describes; keep the URL in step. Without
    ``may_filter`` (a commander), the filters are neither drawn nor taken from the URL. Without
    ``shows_view`` (a page of no records: imports, users, audit) only the language is offered, and
    the view is kept as it was for the next page that shows records."""
    first_day = (
        extent["first_occurred"].date() if pd.notna(extent["first_occurred"]) else now.date() - timedelta(days=365)
    )
    last_day = max(now.date(), extent["last_occurred"].date() if pd.notna(extent["last_occurred"]) else now.date())
    if not st.session_state.get("view_loaded"):
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        view, problems = decode(query, area_codes(units))
        _load(view, first_day, now)
        st.session_state[PROBLEMS_KEY] = problems
        st.session_state["view_loaded"] = True
        st.session_state[LAST_VIEW_KEY] = view
    else:
        _load(st.session_state[LAST_VIEW_KEY], first_day, now, missing_only=True)
    if not may_filter:
        st.session_state.update(FILTER_DEFAULTS)
    lang = st.session_state["w_lang"]
    with st.sidebar:
        st.radio(t("language", lang), list(LANGUAGES), key="w_lang", format_func=LANGUAGES.get, horizontal=True)
        lang = st.session_state["w_lang"]
        if not shows_view:
            view = replace(st.session_state[LAST_VIEW_KEY], lang=lang)
            st.session_state[LAST_VIEW_KEY] = view
            return view
        st.subheader(t("filters", lang))
        st.segmented_control(
            t("period", lang),
            [*PERIODS, CUSTOM],
            key="w_period",
            format_func=lambda p: t(f"period_{p}", lang),
            on_change=_on_period,
            args=(now, first_day),
        )
        start, end = st.session_state["w_range"]
        st.session_state["w_range"] = (max(min(start, last_day), first_day), max(min(end, last_day), first_day))
        st.slider(
            t("time_slider", lang),
            min_value=first_day,
            max_value=last_day,
            key="w_range",
            on_change=_on_range,
            format="YYYY-MM-DD",
        )
        st.toggle(t("play", lang), key="w_play", help=t("play_help", lang), on_change=_on_play, args=(first_day,))
        if may_filter:
            _filter_widgets(units, lang)
        with st.expander(t("layers", lang), expanded=False):
            st.multiselect(
                t("layers", lang),
                LAYER_KEYS,
                key="w_layers",
                placeholder=t("choose", lang),
                format_func=lambda k: t(f"layer_{k}", lang),
                label_visibility="collapsed",
            )
            st.radio(
                t("density", lang),
                DENSITIES,
                key="w_density",
                format_func=lambda d: t(f"density_{d}", lang),
                horizontal=True,
            )
            st.select_slider(
                t("hex_size", lang), HEX_RESOLUTIONS, key="w_hex", format_func=lambda r: t(f"hex_res_{r}", lang)
            )
            st.radio(
                t("weight", lang),
                WEIGHTS,
                key="w_weight",
                format_func=lambda w: t(f"weight_{w}", lang),
                horizontal=True,
            )
            st.radio(
                t("refresh", lang),
                REFRESH_SECONDS,
                key="w_refresh",
                horizontal=True,
                format_func=lambda s: t("refresh_off", lang) if s == 0 else f"{s} s",
            )

    view = current_view()
    st.session_state[LAST_VIEW_KEY] = view
    sync_url(view)
    return view


def current_view() -> View:
    """The view the widgets hold now (and the drill-down focus)."""
    values = {name: st.session_state[key] for key, name in WIDGETS.items()}
    for name in LIST_FIELDS:
        values[name] = tuple(values[name])
    values["min_kg"] = values["min_kg"] or None
    values["period"] = values["period"] or CUSTOM
    if values["period"] == CUSTOM:
        values["start_day"], values["end_day"] = st.session_state["w_range"]
    return View(**values, focus=st.session_state.get(FOCUS_KEY))


def sync_url(view: View) -> None:
    """Rewrite the URL's query parameters from ``view`` when they differ."""
    wanted = encode(view)
    if {key: st.query_params.get(key) for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def set_focus(focus: Focus | None) -> None:
    st.session_state[FOCUS_KEY] = focus
    sync_url(current_view())


def show_url_problems(lang: str) -> None:
    """Say which URL parameters were ignored, and why (until the user dismisses the note)."""
    problems = st.session_state.get(PROBLEMS_KEY) or []
    if not problems:
        return
    lines = "  \n".join(
        markdown_text(t("bad_param", lang, name=problem.name, value=problem.value, reason=problem.reason))
        for problem in problems
    )
    with st.container(key="url_problems"):
        st.warning(lines, icon="⚠️")
        if st.button("OK", key="dismiss_url_problems"):
            st.session_state[PROBLEMS_KEY] = []
            st.rerun()
