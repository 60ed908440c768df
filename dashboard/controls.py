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
from dashboard.i18n import LANGUAGES, label, names, t
from dashboard.state import (
    CUSTOM,
    DENSITIES,
    HEX_RESOLUTIONS,
    LAYER_KEYS,
    REFRESH_SECONDS,
    WEIGHTS,
    View,
    allowed_codes,
    decode,
    encode,
)
from dashboard.tooltips import markdown_text
from queries.constants import ITEMS
from queries.filters import ANY_BORDER_ZONE, FILTER_BY_NAME, FILTERS, PERIODS, Filter, Focus, period_bounds


def widget_key(f: Filter) -> str:
    """The sidebar widget of the filter ``f``."""
    return f"w_{f.name}"


# widget key -> View field: the declared filters' (queries.filters.FILTERS) and the view's own
WIDGETS = {
    "w_lang": "lang",
    "w_period": "period",
    **{widget_key(f): f.name for f in FILTERS},
    "w_layers": "layers",
    "w_density": "density",
    "w_hex": "hex_res",
    "w_weight": "weight",
    "w_refresh": "refresh",
}
FILTER_BY_KEY = {widget_key(f): f for f in FILTERS}
FOCUS_KEY = "focus"
PARTIES_KEY = "parties"  # the Network page's chosen parties (View.parties)
PROBLEMS_KEY = "url_problems"
LAST_VIEW_KEY = "last_view"


def _widget_value(f: Filter, value):
    """The filter's value as its widget holds it: a list of codes, a number (0: any) or text."""
    return list(value) if f.kind == "codes" else (value or 0.0) if f.kind == "number" else (value or "")


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
        put(key, _widget_value(FILTER_BY_KEY[key], value) if key in FILTER_BY_KEY
            else list(value) if name == "layers" else value)
    if view.period == CUSTOM:
        put("w_range", (view.start_day, view.end_day))
    else:
        start, end = _preset_days(view.period, now)
        put("w_range", (start or first_day, end))
    if not missing_only:
        st.session_state[FOCUS_KEY] = view.focus
        st.session_state[PARTIES_KEY] = view.parties


def _on_period(now: datetime, first_day: date) -> None:
    preset = st.session_state.get("w_period")
    if preset is None:  # the selected pill was clicked again: keep the period
        st.session_state["w_period"] = CUSTOM
    elif preset != CUSTOM:
        start, end = _preset_days(preset, now)
        st.session_state["w_range"] = (start or first_day, end)


def _on_range() -> None:
    st.session_state["w_period"] = CUSTOM


def _on_dates() -> None:
    """A range chosen in the calendar becomes the dates shown (the calendar holds one day while the
    second is being chosen)."""
    dates = st.session_state["w_dates"]
    if len(dates) == 2:
        st.session_state["w_range"] = tuple(dates)


def slider_span(start: date, end: date, first_day: date, last_day: date) -> tuple[date, date]:
    """The ends of the date slider around the dates shown (``start``..``end``): as much again before and
    after them (at least a month), within the records' dates, so that a 90-day window is half the slider
    rather than a few pixels of four years; all records span all of it."""
    margin = max(end - start, timedelta(days=30))
    return max(first_day, start - margin), min(last_day, end + margin)


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


FILTER_DEFAULTS = {widget_key(f): _widget_value(f, f.empty) for f in FILTERS}


def _filter_widgets(units: pd.DataFrame, lang: str) -> None:
    """The filters of the sidebar (inside it), one widget per declared filter, in their order: a list
    of codes is a multiselect (items narrowed to the chosen groups, counties to the chosen provinces),
    a number a number input, a text a text input."""
    areas = area_codes(units)
    # a dict, not a pandas lookup per option: the sidebar's ~300 place names are formatted on every run; each in
    # the reader's language only (the other where it has none)
    place = dict(zip(units["code"], names(units, lang)))
    place[ANY_BORDER_ZONE] = t("any_border_zone", lang)
    counties = units[units["level"] == "county"]
    # filter -> (the filter whose choice narrows its options, each option's code in that filter)
    narrowed_by = {
        "items": ("item_groups", {item.code: item.group for item in ITEMS}),
        "counties": ("provinces", dict(zip(counties["code"], counties["province_code"]))),
    }
    for f in FILTERS:
        key, title = widget_key(f), label(f.title, lang)
        if f.kind == "number":
            st.number_input(f"{title} ({f.unit})", min_value=0.0, max_value=float(f.limit), step=1.0, key=key)
        elif f.kind == "text":
            st.text_input(title, key=key, max_chars=int(f.limit), help=t("search", lang))
        else:
            options = list(allowed_codes(f, areas))
            if f.name in narrowed_by:
                other, parent = narrowed_by[f.name]
                chosen = set(st.session_state[widget_key(FILTER_BY_NAME[other])])
                options = [code for code in options if not chosen or parent.get(code) in chosen]
                st.session_state[key] = [code for code in st.session_state[key] if code in options]
            st.multiselect(title, options, key=key, placeholder=t("choose", lang),
                           format_func=place.__getitem__ if isinstance(f.codes, str) else lambda c: label(c, lang))
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
            help=t("period_help", lang),
        )
        start, end = st.session_state["w_range"]
        start, end = max(min(start, last_day), first_day), max(min(end, last_day), first_day)
        st.session_state["w_range"] = (start, end)
        if st.session_state["w_period"] == CUSTOM:
            if len(st.session_state.get("w_dates", ())) != 1:  # not halfway through choosing a range
                st.session_state["w_dates"] = (start, end)
            st.date_input(t("custom_dates", lang), key="w_dates", min_value=first_day, max_value=last_day,
                          format="YYYY-MM-DD", on_change=_on_dates, help=t("custom_dates_help", lang))
        low, high = slider_span(start, end, first_day, last_day)
        st.slider(
            t("time_slider", lang),
            min_value=low,
            max_value=high,
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
    """The view the widgets hold now (and the drill-down focus, the Network page's parties)."""
    values = {name: st.session_state[key] for key, name in WIDGETS.items()}
    values.update({f.name: f.clean(st.session_state[key]) for key, f in FILTER_BY_KEY.items()})
    values["layers"] = tuple(values["layers"])
    values["period"] = values["period"] or CUSTOM
    if values["period"] == CUSTOM:
        values["start_day"], values["end_day"] = st.session_state["w_range"]
    return View(**values, focus=st.session_state.get(FOCUS_KEY), parties=st.session_state.get(PARTIES_KEY, ()))


def sync_url(view: View) -> None:
    """Rewrite the URL's query parameters from ``view`` when they differ."""
    wanted = encode(view)
    if {key: st.query_params.get(key) for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def set_focus(focus: Focus | None) -> None:
    st.session_state[FOCUS_KEY] = focus
    sync_url(current_view())


def set_parties(parties) -> None:
    """Choose the Network page's parties (node ids; none: the network's strongest); the URL follows."""
    st.session_state[PARTIES_KEY] = tuple(int(party) for party in parties)
    sync_url(current_view())


def keep_choice(key: str, options) -> None:
    """Keep the choice of the select box ``key`` while other pages run, so that coming back (the browser's back, or
    the page's link) shows it chosen again: Streamlit forgets a widget's value in a run that does not draw it. Call
    before drawing the box; a kept choice no longer among its ``options`` is not restored."""
    kept = f"kept_{key}"
    if key in st.session_state:
        st.session_state[kept] = st.session_state[key]
    elif st.session_state.get(kept) in options:
        st.session_state[key] = st.session_state[kept]


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
        if st.button(t("ok", lang), key="dismiss_url_problems"):
            st.session_state[PROBLEMS_KEY] = []
            st.rerun()
