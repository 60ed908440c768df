"""Typical cases: the library of published cases (title, date, source, pattern); the one chosen, its route on the
map and the records like it under the sidebar's filters and the user's region (queries.typical_cases finds them,
geodata.typical_case_map names and places them; this page only draws)."""

from __future__ import annotations

import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboard import style
from dashboard.context import PageContext, current_context, minute_now
from dashboard.controls import show_url_problems
from dashboard.data import Source, data_version
from dashboard.guidance import show_guidance
from dashboard.i18n import label, t
from dashboard.map_layers import (
    CHECKPOINT_MARK,
    LABEL_COLOUR,
    MAIN_PLACE,
    MARK,
    NAME_SIDES,
    PLACE_SIZE,
    base_layers,
    framed_view,
    labelled_deck,
    place_layer,
    text_rows,
)
from dashboard.pydeck_adapters import PIXELS, frame_layer
from dashboard.results import MAP_HEIGHT, MAP_WIDTH_PX
from dashboard.startup import base_map
from dashboard.tables import show_table
from dashboard.tooltips import tooltip_frame
from geodata.typical_case_map import like_table, pattern_lines, place_names, route_places
from queries.filters import Filters
from queries.typical_cases import default_min_parts, find_case, library, records_like


@st.cache_data(show_spinner=False, max_entries=16)
def _records_like(source: Source, version: int, filters: Filters, case_id: str, min_parts: int) -> pd.DataFrame:
    with source.reading() as con:
        return records_like(con, find_case(case_id), filters, min_parts)


def case_deck(places: pd.DataFrame, rows: pd.DataFrame, lang: str) -> pdk.Deck:
    """The base map with the case's route places (marks and names) and the records like it as dots, brighter for
    more parts matched, framed on both with the border region around them."""
    points = pd.concat([places[["lon", "lat"]], rows[["lon", "lat"]]])
    bounds = (points["lon"].min(), points["lat"].min(), points["lon"].max(), points["lat"].max()) if len(points) \
        else None
    view = framed_view(bounds, MAP_WIDTH_PX, MAP_HEIGHT) if bounds else None
    layers = base_layers(base_map(lang), True, lang, view)
    if len(rows):
        most = max(int(rows["parts_matched"].max()), 1)
        dots = rows[["lon", "lat"]].assign(
            colour=[[*style.ALERT, int(90 + 165 * parts / most)] for parts in rows["parts_matched"]])
        tips = tooltip_frame(rows["seizure_id"].map(lambda seizure: f"ID {seizure}"), {
            t("item", lang): rows["item"].map(lambda code: label(code, lang)),
            t("typical_parts_matched", lang): rows["parts_matched"],
        })
        layers.append(frame_layer("ScatterplotLayer", pd.concat([dots, tips], axis=1), id="typical-like",
                                  get_position=["lon", "lat"], get_fill_color="colour", get_radius=5,
                                  radius_units=PIXELS, pickable=True))
    if len(places):
        names = [place["name_zh" if lang == "zh" else "name_en"] for _, place in places.iterrows()]
        tips = tooltip_frame(pd.Series(names), {t("typical_part_route", lang): places["token"]})
        marked = pd.concat([places[["lon", "lat"]], tips], axis=1)
        slots = places["token"].to_numpy()
        labels = pd.concat([text_rows(marked, names, LABEL_COLOUR, PLACE_SIZE, anchor, offset, MAIN_PLACE, slots)
                            for anchor, offset in NAME_SIDES]).sort_index(kind="stable")
        layers.append(place_layer(pd.concat([text_rows(marked, CHECKPOINT_MARK, style.HUB, 16, rank=MARK, slot=slots),
                                             labels]), "typical-route"))
    return labelled_deck(layers, view)


def render(ctx: PageContext) -> None:
    lang = ctx.view.lang
    st.title(t("typical_title", lang))
    st.caption(t("typical_intro", lang))
    show_url_problems(lang)
    case = st.selectbox(t("typical_choose", lang), library(), key="typical_case",
                        format_func=lambda shown: f"{shown.case_id} · {shown.title(lang)}")
    published = (t("typical_published", lang, date=f"{case.published_on:%Y-%m-%d}", publisher=case.publisher)
                 if case.published_on else t("typical_published_undated", lang, publisher=case.publisher))
    st.subheader(case.title(lang))
    st.caption(published)
    st.write(case.summary(lang))
    st.link_button(t("typical_source", lang), case.source_url, icon=":material/open_in_new:")
    st.caption(t("typical_unconfirmed", lang, note=case.note))
    places = route_places(case)
    names = place_names(places, lang)
    st.markdown(f"**{t('typical_pattern', lang)}**")
    show_table(pd.DataFrame(pattern_lines(case, lang, names), columns=["", t("typical_pattern", lang)]),
               "typical_pattern")

    st.subheader(t("typical_like_title", lang))
    parts = len(case.parts())
    min_parts = st.number_input(t("typical_min_parts", lang), 1, parts, default_min_parts(case), 1,
                                key=f"typical_min_parts_{case.case_id}", help=t("typical_min_parts_help", lang))
    filters = ctx.view.filters(minute_now())
    rows = _records_like(ctx.source, data_version(ctx.path), filters, case.case_id, int(min_parts))
    if places.empty:
        st.caption(t("typical_no_route", lang))
    st.pydeck_chart(case_deck(places, rows, lang), height=MAP_HEIGHT, key="typical_map")
    st.caption(t("typical_map_legend", lang))
    if rows.empty:
        st.info(t("typical_none_like", lang, min_parts=int(min_parts)))
        show_guidance("seizures", filters, lang, found=0)
        return
    st.caption(t("typical_like_count", lang, total=int(rows["total_rows"].iloc[0]), min_parts=int(min_parts),
                 parts=parts, shown=len(rows)))
    show_table(like_table(rows, lang, names), "typical_like_table", height=420)


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
