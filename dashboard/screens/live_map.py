"""Live map: the commander's picture of the zone, refreshing on its own, with drill-down on click."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

import streamlit as st

from dashboard import layers, style
from dashboard.auth import still_signed_in
from dashboard.charts import mix_chart, series_chart
from dashboard.config import LIVE_MAP_HEIGHT, LIVE_MAP_KEY, LIVE_MAP_ROW, MAP_LIMITS, PLAY_INTERVAL_S
from dashboard.context import PageContext, current_context, metric_delta, minute_now
from dashboard.controls import play_step, playing, set_focus, show_url_problems
from dashboard.data import (
    ALERT_PARAMS,
    ALERT_WEEKS,
    Source,
    alert_stamp,
    alerts,
    base_map,
    control_dates,
    data_extent,
    data_version,
    drill_down,
    get_store,
    live_map_spec,
    map_data,
    map_parts,
)
from dashboard.i18n import label, name, t
from dashboard.records_table import records_frame
from dashboard.tooltips import markdown_text
from queries.filters import Focus
from queries.views import bucket_for

SEEN_KEY, AFTER_KEY, SELECTION_KEY = "seen_newest_id", "new_after_id", "applied_selection"
MAP_STATE_KEY = "live_map_state_seen"


def map_clicked() -> bool:
    """Whether the map's selection changed since the fragment's last run: a click, which is its person's
    doing (the refresh's own runs are not, and must not keep a session from going idle)."""
    picked = repr(((st.session_state.get(LIVE_MAP_KEY) or {}).get("selection") or {}).get("objects") or {})
    changed = picked != st.session_state.get(MAP_STATE_KEY, repr({}))
    st.session_state[MAP_STATE_KEY] = picked
    return changed


def new_after_id(newest: int) -> int:
    """The id after which records count as new: the newest one at the refresh before the last arrival."""
    seen = st.session_state.get(SEEN_KEY)
    if seen is None:
        st.session_state[SEEN_KEY] = st.session_state[AFTER_KEY] = newest
    elif newest > seen:
        st.session_state[AFTER_KEY], st.session_state[SEEN_KEY] = seen, newest
    return st.session_state[AFTER_KEY]


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
    """The alert banner: how many hexagons just became hot spots, the first few with their nearest checkpoint."""
    lines = [t("alerts", lang, count=len(flagged), weeks=ALERT_WEEKS)]
    for row in flagged.sort_values("seizures", ascending=False).head(ALERTS_LISTED).itertuples():
        lines.append(
            "- "
            + t(
                "alert_item",
                lang,
                category=label(row.category, lang),
                checkpoint=markdown_text(name(row, lang, "checkpoint_en", "checkpoint_zh")),
                km=row.checkpoint_km,
                seizures=int(row.seizures),
            )
        )
    return "\n".join(lines)


def render(ctx: PageContext) -> None:
    """The page: its title, then the fragment that refreshes, whose second block is the map's row (where
    the sign-in screen has its map: dashboard/screens/sign_in.py)."""
    lang = ctx.view.lang
    st.title(t("live_title", lang))

    first_run = {"done": False}  # the fragment's first call is part of this full run
    last_day = (
        max(minute_now().date(), ctx.extent["last_occurred"].date()) if ctx.extent["seizures"] else minute_now().date()
    )

    @st.fragment(run_every=PLAY_INTERVAL_S if playing() else (ctx.view.refresh or None))
    def live() -> None:
        # The account is checked on the refresh's own runs too, and this run reads with the scope found now.
        source = Source(ctx.path, still_signed_in(get_store(ctx.path), ctx.user, activity=map_clicked()).scope)
        headline = st.container()  # what is shown, warnings, figures and alerts, above the map's row
        with headline:
            show_url_problems(lang)
        version = data_version(ctx.path)
        view = ctx.view
        filters = view.filters(minute_now())
        if playing():
            start, end = play_step(last_day, advance=first_run["done"])
            filters = replace(
                filters, start=datetime.combine(start, time()), end=datetime.combine(end + timedelta(days=1), time())
            )
            headline.caption(t("playing", lang, start=start, end=end))
        first_run["done"] = True
        after = new_after_id(int(data_extent(source, version)["newest_id"]))
        data = map_data(source, version, filters, view.hex_res, after, map_parts(view.layers, view.density))
        summary, previous = data["summary"], data["previous"]
        new_count = int(summary["new_seizures"])

        shown = f"{summary['seizures']:,} {t('seizures', lang)}"
        last = f"{summary['last_occurred']:%Y-%m-%d %H:%M}" if summary["seizures"] else "—"
        headline.caption(t("data_to", lang, last=last, shown=shown))
        if summary["synthetic"]:
            headline.warning(
                t("synthetic_warning", lang, synthetic=int(summary["synthetic"]), total=int(summary["seizures"])),
                icon="⚠️",
            )
        figures = headline.columns(4)
        days = (filters.end - filters.start).days if filters.start and filters.end else None
        delta_help = t("vs_previous", lang, days=days) if days else None
        crossings = int((data["checkpoints"]["seizures"] > 0).sum())
        for column, key, value, before, text in (
            (figures[0], "kpi_seizures", summary["seizures"], "seizures", f"{summary['seizures']:,}"),
            (figures[1], "kpi_kg", summary["kg"], "kg", f"{summary['kg']:,.0f}"),
            (figures[2], "kpi_value", summary["value_cny"], "value_cny", f"{summary['value_cny'] / 1e6:,.1f}"),
            (figures[3], "kpi_crossings", crossings, None, f"{crossings:,}"),
        ):
            previous_value = previous[before] if previous is not None and before else None
            column.metric(t(key, lang), text, metric_delta(value, previous_value), help=delta_help, border=True)
        if new_count:
            headline.info(t("new_records", lang, count=new_count, time=f"{minute_now():%H:%M}"), icon="🆕")

        stamp = None if playing() else alert_stamp(minute_now())
        flagged = alerts(source, filters, stamp) if stamp else None
        if flagged is not None and len(flagged):
            headline.warning(alert_text(flagged, lang), icon=":material/crisis_alert:")
        shown_layers = view.layers
        spec = live_map_spec(
            source, version, filters, view.hex_res, after, shown_layers, view.density, view.weight, lang,
            base_map(lang), stamp
        )
        map_column, legend_column = st.columns(LIVE_MAP_ROW)
        with map_column:
            event = st.pydeck_chart(
                layers.PrebuiltDeck(spec),
                height=LIVE_MAP_HEIGHT,
                key=LIVE_MAP_KEY,
                on_select="rerun",
                selection_mode="single-object",
            )
            notes = []
            total_points = int(summary["seizures"])
            points = data["points"]
            if points is not None and total_points > len(points):
                notes.append(t("sampled", lang, shown=len(points), total=total_points, limit=MAP_LIMITS.points))
            hexagons = data["hexagons"]
            if hexagons is not None and len(hexagons) and int(hexagons["total_cells"].iloc[0]) > len(hexagons):
                notes.append(t("hex_cut", lang, shown=len(hexagons), total=int(hexagons["total_cells"].iloc[0])))
            if summary["coarse"] and view.density != "none":
                notes.append(t("coarse_left_out", lang, count=int(summary["coarse"])))
            for note in notes:
                st.caption(note)
        with legend_column:
            st.markdown(
                style.legend_html(
                    lang,
                    shown_layers,
                    view.density,
                    layers.weight_label(view.weight, lang),
                    alerts=flagged is not None and len(flagged) > 0,
                ),
                unsafe_allow_html=True,
            )

        selection = event.selection if event is not None else None
        signature = repr(selection)
        if selection is not None and signature != st.session_state.get(SELECTION_KEY):
            st.session_state[SELECTION_KEY] = signature
            picked = focus_from_selection(selection, view.hex_res)
            if picked is not None:
                set_focus(picked)
        focus = st.session_state.get("focus")
        drill(ctx, source, filters, focus, version, data)
        busiest(data["checkpoints"], lang)

    live()


def focus_title(focus: Focus, checkpoints, hubs, lang: str) -> str:
    """What the drill-down is about: the place's name, or the hexagon or record; ``hubs`` is None when the
    places layer is hidden (then a hub is named by its id)."""
    if focus.kind == "checkpoint" and focus.key in set(checkpoints["checkpoint_id"]):
        return name(checkpoints.set_index("checkpoint_id").loc[focus.key], lang)
    if focus.kind == "hub" and hubs is not None and focus.key in set(hubs["hub_id"]):
        return name(hubs.set_index("hub_id").loc[focus.key], lang)
    return t(focus.kind if focus.kind in ("cell", "seizure") else "record", lang, key=focus.key)


def drill(ctx: PageContext, source: Source, filters, focus: Focus | None, version: int, data: dict) -> None:
    """The records behind the selected hexagon, point, checkpoint or hub, their time series and mineral mix."""
    lang = ctx.view.lang
    if focus is None:
        st.caption(t("drill_hint", lang))
        return
    extent = data_extent(source, version)
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
        st.dataframe(records_frame(found["records"], lang), hide_index=True, key="drill_records", height=300)


def busiest(checkpoints, lang: str) -> None:
    """The checkpoints with the most seizures in view."""
    st.subheader(t("busiest", lang))
    top = checkpoints[checkpoints["seizures"] > 0].head(10)
    st.dataframe(
        {
            t("checkpoint", lang): [name(row, lang) for row in top.itertuples()],
            t("kind", lang): [label(kind, lang) for kind in top["kind"]],
            t("county", lang): [name(row, lang, "county_en", "county_zh") for row in top.itertuples()],
            t("seizures", lang): top["seizures"].tolist(),
            t("kg", lang): top["kg"].round(0).tolist(),
        },
        hide_index=True,
        key="busiest_checkpoints",
    )


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
