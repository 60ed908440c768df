"""Live map: the commander's picture of the zone, refreshing on its own, with drill-down on click. For a
display account (a wall screen that only watches) the page is the figures and the map alone, full-screen:
no sidebar (dashboard/main.py), no drill-down, no tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import streamlit as st

from dashboard import style
from dashboard.auth import still_signed_in
from dashboard.charts import mix_chart, series_chart
from dashboard.config import LIVE_MAP_HEIGHT, LIVE_MAP_KEY, LIVE_MAP_ROW, MAP_LIMITS, PLAY_INTERVAL_S
from dashboard.context import PageContext, current_context, minute_now
from dashboard.controls import play_step, playing, set_focus, show_url_problems
from dashboard.data import (
    ALERT_PARAMS,
    ALERT_WEEKS,
    Source,
    alert_stamp,
    alerts,
    control_dates,
    data_extent,
    data_version,
    drill_down,
    live_map_spec,
    map_data,
    map_parts,
)
from dashboard.figures import show_figures
from dashboard.guidance import show_guidance
from dashboard.i18n import label, name, t
from dashboard.live_layers import density_top, weight_label
from dashboard.pydeck_adapters import PrebuiltDeck
from dashboard.records_table import records_frame
from dashboard.screens.network import parties_panel
from dashboard.startup import base_map, prepared_store
from dashboard.tables import show_table
from dashboard.tooltips import markdown_text
from geodata.places import cell_place
from queries.access import region_line
from queries.clock import beijing_now
from queries.constants import DISPLAY_ROLE
from queries.filters import Filters, Focus
from queries.views import bucket_for

PREVIOUS_KEY, SELECTION_KEY = "previous_refresh", "applied_selection"
MAP_STATE_KEY = "live_map_state_seen"
DISPLAY_MAP_HEIGHT = 700  # a display's map: the rest of a 1080-pixel screen below the title and figures
# a display shows no Streamlit header or toolbar, and the page starts at the top of the screen
DISPLAY_CSS = ("<style>[data-testid='stHeader'] { display: none; }"
               " [data-testid='stMainBlockContainer'] { padding-top: 1rem; }</style>")


def map_clicked() -> bool:
    """Whether the map's selection changed since the fragment's last run: a click, which is its person's
    doing (the refresh's own runs are not, and must not keep a session from going idle)."""
    picked = repr(((st.session_state.get(LIVE_MAP_KEY) or {}).get("selection") or {}).get("objects") or {})
    changed = picked != st.session_state.get(MAP_STATE_KEY, repr({}))
    st.session_state[MAP_STATE_KEY] = picked
    return changed


def previous_refresh() -> tuple[int, datetime] | None:
    """What the session's previous refresh read: the arrival mark of the newest record the user could see,
    and when (None on the first run, when nothing counts as new). Records arriving after that mark are
    exactly those committed since, on a file and on a lake alike (queries/sql/macros/arrival.sql)."""
    return st.session_state.get(PREVIOUS_KEY)


def new_records_text(count: int, since: datetime, newest: datetime, lang: str) -> str:
    """The note of the records that arrived since the refresh at ``since``, with when the newest happened
    (its day too when it is not the day of ``since``)."""
    newest_text = f"{newest:%H:%M:%S}" if newest.date() == since.date() else f"{newest:%Y-%m-%d %H:%M:%S}"
    return t("new_records", lang, count=count, since=f"{since:%H:%M:%S}", newest=newest_text)


def focus_from_selection(selection: dict, hex_res: int) -> Focus | None:
    """The drill-down focus for a map selection (the first picked object of a pickable layer)."""
    objects = (selection or {}).get("objects") or {}
    for layer_id, picked in objects.items():
        if not picked:
            continue
        obj = picked[0]
        if layer_id == "hexagons":
            return Focus("cell", obj["hex"], hex_res)
        if layer_id in ("alerts", "alerts-rings"):
            return Focus("cell", obj["hex"], ALERT_PARAMS.resolution)
        if layer_id == "seizures":
            return Focus("seizure", str(obj["seizure_id"]))
        if layer_id == "checkpoints":
            return Focus("checkpoint", obj["checkpoint_id"])
        if layer_id == "hubs":
            return Focus("hub", obj["hub_id"])
    return None


ALERTS_LISTED = 5


def alert_text(flagged, lang: str) -> str:
    """The alert banner: how many hexagons just became hot spots, the first few by their place (geodata.places)."""
    lines = [t("alerts", lang, count=len(flagged), weeks=ALERT_WEEKS)]
    for row in flagged.sort_values("seizures", ascending=False).head(ALERTS_LISTED).itertuples():
        lines.append(
            "- "
            + t(
                "alert_item",
                lang,
                category=label(row.category, lang),
                place=markdown_text(name(row, lang, "place_en", "place_zh")),
                seizures=int(row.seizures),
            )
        )
    return "\n".join(lines)


def render(ctx: PageContext) -> None:
    """The page: its title, then the fragment that refreshes, whose second block is the map's row (where
    the sign-in screen has its map: dashboard/screens/sign_in.py)."""
    if ctx.user.role == DISPLAY_ROLE:
        st.html(DISPLAY_CSS)
    st.title(t("live_title", ctx.view.lang))
    today = minute_now().date()
    last_day = max(today, ctx.extent["last_occurred"].date()) if ctx.extent["seizures"] else today
    runs = {"first": True}  # the fragment's first call is part of this full run: playback does not advance

    @st.fragment(run_every=PLAY_INTERVAL_S if playing() else (ctx.view.refresh or None))
    def live() -> None:
        live_view(ctx, last_day, advance=not runs["first"])
        runs["first"] = False

    live()


def live_view(ctx: PageContext, last_day: date, advance: bool) -> None:
    """One run of the fragment: the headline (what is shown, warnings, figures, alerts), the map's row,
    the drill-down and the busiest checkpoints; the view's data read once."""
    view, lang = ctx.view, ctx.view.lang
    # The account is checked on the refresh's own runs too, and this run reads with the scope found now.
    source = Source(ctx.path, still_signed_in(prepared_store(ctx.path), ctx.user, activity=map_clicked()).scope)
    headline = st.container()  # what is shown, warnings, figures and alerts, above the map's row
    with headline:
        show_url_problems(lang)
    version = data_version(ctx.path)
    filters = view_filters(view.filters(minute_now()), last_day, advance, headline, lang)
    extent = data_extent(source, version)
    previous = previous_refresh()
    after = previous[0] if previous else None
    data = map_data(source, version, filters, view.hex_res, after, map_parts(view.layers, view.density))
    st.session_state[PREVIOUS_KEY] = (data["newest_arrival"], beijing_now())
    show_headline(headline, data, filters, previous, lang)
    if not data["summary"]["seizures"]:
        with headline:
            show_guidance("seizures", filters, lang, found=0)
    stamp = None if playing() else alert_stamp(minute_now())
    flagged = alerts(source, filters, stamp) if stamp else None
    if flagged is not None and len(flagged):
        headline.warning(alert_text(flagged, lang), icon=":material/crisis_alert:")
    spec = live_map_spec(source, version, filters, view.hex_res, after, view.layers, view.density, view.weight, lang,
                         base_map(lang), stamp, data, flagged)
    display = ctx.user.role == DISPLAY_ROLE
    event = show_map(spec, map_notes(data, view.density, lang), view, alerted=flagged is not None and len(flagged) > 0,
                     density_top=density_top(data.get("hexagons"), view.weight), display=display)
    if display:
        st.caption(" · ".join((t("signed_in_as", lang, name=ctx.user.display_name, role=t("role_display", lang)),
                               t("signed_in_region", lang, regions=region_line(ctx.user.grants, ctx.units, lang)))))
        return
    follow_selection(event, view.hex_res)
    drill(ctx, source, filters, st.session_state.get("focus"), version, extent, data)
    busiest(data["checkpoints"], lang)


def view_filters(filters: Filters, last_day: date, advance: bool, headline, lang: str) -> Filters:
    """The view's ``filters``; while the time slider plays, narrowed to the step shown (said in the
    ``headline``), the next step when ``advance``."""
    if not playing():
        return filters
    start, end = play_step(last_day, advance=advance)
    headline.caption(t("playing", lang, start=start, end=end))
    return replace(filters, start=datetime.combine(start, time()), end=datetime.combine(end + timedelta(days=1), time()))


def show_headline(headline, data: dict, filters: Filters, previous: tuple[int, datetime] | None, lang: str) -> None:
    """Up to when the records go and how many are shown, the warning of synthetic records, the figures
    against the previous period with the crossings that have seizures, and the note of the records
    that arrived since the ``previous`` refresh."""
    summary = data["summary"]
    shown = f"{summary['seizures']:,} {t('seizures', lang)}"
    last = f"{summary['last_occurred']:%Y-%m-%d %H:%M}" if summary["seizures"] else "—"
    headline.caption(t("data_to", lang, last=last, shown=shown))
    if summary["synthetic"]:
        headline.warning(
            t("synthetic_warning", lang, synthetic=int(summary["synthetic"]), total=int(summary["seizures"])),
            icon="⚠️",
        )
    days = (filters.end - filters.start).days if filters.start and filters.end else None
    delta_help = t("vs_previous", lang, days=days) if days else None
    figures = headline.columns(4)
    show_figures(figures[:3], summary, data["previous"], lang, help=delta_help)
    crossings = int((data["checkpoints"]["seizures"] > 0).sum())
    figures[3].metric(t("kpi_crossings", lang), f"{crossings:,}", help=delta_help, border=True)
    if summary["new_seizures"]:
        headline.info(new_records_text(int(summary["new_seizures"]), previous[1],
                                       summary["new_last_occurred"].to_pydatetime(), lang), icon="🆕")


def map_notes(data: dict, density: str, lang: str) -> list[str]:
    """What the map leaves out: points sampled, hexagons cut at the limit, records too coarse for density."""
    summary, points, hexagons = data["summary"], data["points"], data["hexagons"]
    notes = []
    if points is not None and int(summary["seizures"]) > len(points):
        notes.append(t("sampled", lang, shown=len(points), total=int(summary["seizures"]), limit=MAP_LIMITS.points))
    if hexagons is not None and len(hexagons) and int(hexagons["total_cells"].iloc[0]) > len(hexagons):
        notes.append(t("hex_cut", lang, shown=len(hexagons), total=int(hexagons["total_cells"].iloc[0])))
    if summary["coarse"] and density != "none":
        notes.append(t("coarse_left_out", lang, count=int(summary["coarse"])))
    return notes


def show_map(spec: str, notes: list[str], view, alerted: bool, density_top: float | None = None,
             display: bool = False):
    """The map's row: the deck (``spec``) with its ``notes`` below, and the legend beside (with what each
    density colour stands for, given the hexagons' largest weight ``density_top``); the map's event. On a
    ``display`` the map is taller and nothing on it can be picked."""
    map_column, legend_column = st.columns(LIVE_MAP_ROW)
    with map_column:
        event = st.pydeck_chart(
            PrebuiltDeck(spec), height=DISPLAY_MAP_HEIGHT if display else LIVE_MAP_HEIGHT, key=LIVE_MAP_KEY,
            on_select="ignore" if display else "rerun", selection_mode="single-object",
        )
        for note in notes:
            st.caption(note)
    with legend_column:
        legend = style.legend_html(view.lang, view.layers, view.density, weight_label(view.weight, view.lang),
                                   alerts=alerted, density_top=density_top, whole=view.weight == "count")
        st.markdown(legend, unsafe_allow_html=True)
    return event


def follow_selection(event, hex_res: int) -> None:
    """A new selection on the map becomes the drill-down's focus (an unchanged one leaves the focus alone,
    which may have been cleared since)."""
    selection = event.selection if event is not None else None
    signature = repr(selection)
    if selection is not None and signature != st.session_state.get(SELECTION_KEY):
        st.session_state[SELECTION_KEY] = signature
        picked = focus_from_selection(selection, hex_res)
        if picked is not None:
            set_focus(picked)


def focus_title(focus: Focus, checkpoints, hubs, lang: str) -> str:
    """What the drill-down is about: the place's name, the hexagon's place (its county and nearest checkpoint)
    or the record; ``hubs`` is None when the places layer is hidden (then a hub is named by its id)."""
    if focus.kind == "checkpoint" and focus.key in set(checkpoints["checkpoint_id"]):
        return name(checkpoints.set_index("checkpoint_id").loc[focus.key], lang)
    if focus.kind == "hub" and hubs is not None and focus.key in set(hubs["hub_id"]):
        return name(hubs.set_index("hub_id").loc[focus.key], lang)
    if focus.kind == "cell":
        return t("cell", lang, place=cell_place(focus.key, lang))
    return t("seizure" if focus.kind == "seizure" else "record", lang, key=focus.key)


def drill(ctx: PageContext, source: Source, filters, focus: Focus | None, version: int, extent, data: dict) -> None:
    """The records behind the selected hexagon, point, checkpoint or hub, their time series and mineral mix
    (``extent``: the first and last records the user may see, for the series' bucket)."""
    lang = ctx.view.lang
    if focus is None:
        st.caption(t("drill_hint", lang))
        return
    bucket = bucket_for(filters, extent["first_occurred"], extent["last_occurred"])
    found = drill_down(source, version, filters, focus, bucket)
    with st.container(border=True, key="drill_down"):
        heading, clear = st.columns([5, 1])
        heading.subheader(t("drill_title", lang, what=focus_title(focus, data["checkpoints"], data["hubs"], lang)))
        if clear.button(t("drill_clear", lang), key="clear_focus"):
            set_focus(None)
            st.rerun()
        summary = found["summary"]
        figures = st.columns(3)
        figures[0].metric(t("kpi_seizures", lang), f"{summary['seizures']:,}")
        figures[1].metric(t("kpi_kg", lang), f"{summary['kg']:,.1f}")
        figures[2].metric(t("kpi_value", lang), f"{summary['value_cny'] / 1e6:,.2f}")
        if not summary["seizures"]:
            st.info(t("no_records", lang))
            return
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{t('time_series', lang)}**")
            st.altair_chart(
                series_chart(found["series"], "item_group", lang, control_dates(ctx.path, version), height=200),
                width="stretch",
            )
        with right:
            st.markdown(f"**{t('mineral_mix', lang)}**")
            st.altair_chart(mix_chart(found["mix"], lang, height=200), width="stretch")
        show_table(records_frame(found["records"], lang), "drill_records", height=300)
        parties_panel(filters, "drill", focus=focus)


def busiest(checkpoints, lang: str) -> None:
    """The checkpoints with the most seizures in view."""
    st.subheader(t("busiest", lang))
    top = checkpoints[checkpoints["seizures"] > 0].head(10)
    show_table(
        {
            t("checkpoint", lang): [name(row, lang) for row in top.itertuples()],
            t("kind", lang): [label(kind, lang) for kind in top["kind"]],
            t("county", lang): [name(row, lang, "county_en", "county_zh") for row in top.itertuples()],
            t("seizures", lang): top["seizures"].tolist(),
            t("kg", lang): top["kg"].round(0).tolist(),
        },
        "busiest_checkpoints",
    )


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
