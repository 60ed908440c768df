"""Network: who is behind the view's seizures. The parties drawn as a graph (geodata.network: communities, bridges,
paths), a party's seizures on the map beside it, its timeline, cases and links; and the panel that the map pages
show for a hot spot, cluster, crossing or hub: the parties behind its seizures, with the way here.

Everything is read under the sidebar's filters and the user's region scope (the cached loaders take the
:class:`~dashboard.data.Source`). Widget keys (stable, for tests): network_nodes, network_graph, network_party,
network_clear_parties, network_path_from, network_path_to, network_party_map, network_communities_open; a
panel's <prefix>_open_network.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.context import PAGES_DIR, PageContext, current_context, minute_now
from dashboard.controls import set_parties, show_url_problems
from dashboard.data import Source, data_version
from dashboard.i18n import label, names, t
from dashboard.live_layers import seizure_layers
from dashboard.network_layers import KIND_GLYPHS, chosen_node, network_deck
from dashboard.records_table import when_text
from dashboard.results import place_columns, result_map
from dashboard.tables import show_table
from geodata.network import (
    PartyDetail,
    PartyNetwork,
    bridges,
    communities,
    layout,
    neighbourhood,
    parties_behind,
    party_detail,
    party_label,
    path_between,
    read_network,
    strongest,
)
from queries.access import may
from queries.filters import Filters, Focus
from queries.sensitive import PERSONAL_PARTY_KINDS, record_personal_view, sees_personal_data
from queries.stores import open_store

NODES_DRAWN = (50, 500, 200)  # the nodes the graph may draw: fewest, most, at first
GRAPH_HEIGHT = 620
LISTED = 15  # communities and bridges listed
PANEL_PARTIES = 10  # parties a map's panel lists
LINKED_PARTIES = 20  # parties a panel's link takes to the Network page
PARTY_KEY, GRAPH_KEY, CLICK_KEY, AUDITED_KEY = "network_party", "network_graph", "network_click", "network_audited"
MORE_KEY = "network_communities_open"  # the expander of the communities and bridges


# The network and what is drawn of it are kept as they are (cache_resource: the same object on every run, not a
# copy unpickled each time, as cache_data would make of a graph of a hundred thousand links); nothing changes them.
@st.cache_resource(show_spinner=False, max_entries=8)
def party_network(source: Source, version: int, filters: Filters, sees: bool, focus: Focus | None = None,
                  seizures: tuple[int, ...] | None = None) -> PartyNetwork:
    """The view's network (or that of a focus' or a cluster's seizures), labels masked unless ``sees``."""
    with source.reading() as con:
        return read_network(con, filters, focus, list(seizures) if seizures is not None else None, unmasked=sees)


@st.cache_resource(show_spinner=False, max_entries=8)
def drawn_network(source: Source, version: int, filters: Filters, sees: bool, limit: int,
                  centres: tuple[int, ...]) -> tuple[PartyNetwork, pd.DataFrame, pd.DataFrame]:
    """What the graph draws (the neighbourhood of ``centres``, or the ``limit`` strongest nodes), its layout and
    its bridges."""
    network = party_network(source, version, filters, sees)
    drawn = strongest(neighbourhood(network, centres), limit, keep=centres) if centres else strongest(network, limit)
    return drawn, layout(drawn), bridges(drawn)


@st.cache_data(show_spinner=False, max_entries=32)
def detail_of(source: Source, version: int, filters: Filters, sees: bool, node: int) -> PartyDetail:
    """One party's detail in the view (geodata.network.party_detail)."""
    network = party_network(source, version, filters, sees)
    with source.reading() as con:
        return party_detail(con, filters, network, node)


def render(ctx: PageContext) -> None:
    lang = ctx.view.lang
    st.title(t("network_title", lang))
    show_url_problems(lang)
    st.caption(t("network_intro", lang))
    version = data_version(ctx.path)
    filters = ctx.view.filters(minute_now())
    sees = sees_personal_data(ctx.user)
    network = party_network(ctx.source, version, filters, sees)
    if network.nodes.empty:
        st.info(t("network_empty", lang))
        return
    nodes = {party: network.node_of(party) for party in ctx.view.parties}  # a party id of the URL, or its entity's
    centres = tuple(dict.fromkeys(node for node in nodes.values() if node is not None))
    unknown = [str(party) for party, node in nodes.items() if node is None]
    if unknown:
        st.warning(t("network_parties_unknown", lang, ids=", ".join(unknown)))
    limit = st.slider(t("network_nodes", lang), *NODES_DRAWN[:2], NODES_DRAWN[2], 50, key="network_nodes",
                      help=t("network_nodes_help", lang))
    drawn, positions, bridging = drawn_network(ctx.source, version, filters, sees, limit, centres)
    audit_personal(ctx, drawn, "network")
    st.caption(t("network_summary", lang, nodes=len(network.nodes), links=len(network.edges), drawn=len(drawn.nodes),
                 communities=int(network.nodes["community"].nunique())))
    if centres:
        note, clear = st.columns([5, 1])
        note.caption(t("network_centred", lang, parties=len(centres)))
        if clear.button(t("network_clear_parties", lang), key="network_clear_parties"):
            set_parties(())
            st.rerun()

    follow_click(st.session_state.get(GRAPH_KEY))
    choices = party_choices(drawn, centres)
    if st.session_state.get(PARTY_KEY) not in choices:
        st.session_state[PARTY_KEY] = centres[0] if centres else None
    graph_column, party_column = st.columns([3, 2])
    with graph_column:
        st.pydeck_chart(network_deck(drawn, positions, lang, st.session_state.get(PARTY_KEY)), height=GRAPH_HEIGHT,
                        key=GRAPH_KEY, on_select="rerun", selection_mode="single-object")
        st.caption(legend(lang))
    named = node_names(network, choices, lang)
    with party_column:
        chosen = st.selectbox(t("network_party", lang), choices, key=PARTY_KEY, placeholder=t("network_choose", lang),
                              format_func=lambda key: named.get(key, key))
        if chosen is not None:
            show_headline(network, chosen, lang)
    if chosen is not None:
        show_detail(ctx, filters, version, sees, chosen)
    show_path(network, choices, named, lang)
    show_communities(network, bridging, lang)


def legend(lang: str) -> str:
    """The glyphs of the kinds of party, and what size and colour say."""
    kinds = "  ".join(f"{glyph} {label(kind, lang)}" for kind, glyph in KIND_GLYPHS.items())
    return f"{kinds}  ·  {t('network_legend', lang)}"


def follow_click(state) -> None:
    """A new click on a node (the graph's widget ``state``, read before the graph is drawn again, so that it
    draws the choice) chooses it: the select box follows; an unchanged selection leaves the choice alone."""
    selection = (state or {}).get("selection")
    signature = repr(selection)
    if selection is not None and signature != st.session_state.get(CLICK_KEY):
        st.session_state[CLICK_KEY] = signature
        node = chosen_node(selection)
        if node is not None:
            st.session_state[PARTY_KEY] = node


def party_choices(drawn: PartyNetwork, centres: tuple[int, ...]) -> list[int]:
    """The parties the select boxes offer: the chosen centres first, then the drawn nodes by name."""
    rest = drawn.nodes.sort_values(["label", "node_id"])["node_id"].tolist()
    return [*centres, *[node for node in rest if node not in centres]]


def node_names(network: PartyNetwork, nodes: list[int], lang: str) -> dict[int, str]:
    """The ``nodes`` as the select boxes list them: label and kind."""
    rows = network.nodes.set_index("node_id").loc[nodes]
    return {node: f"{name} ({label(kind, lang)})" for node, name, kind in zip(nodes, rows["label"], rows["kind"],
                                                                              strict=True)}


def show_headline(network: PartyNetwork, node: int, lang: str) -> None:
    """The chosen party's figures: seizures, cases, links, first and last seizure, community."""
    row = network.nodes.set_index("node_id").loc[node]
    figures = st.columns(3)
    figures[0].metric(t("seizures", lang), f"{row['seizures']:,}")
    figures[1].metric(t("cases", lang), f"{row['cases']:,}")
    figures[2].metric(t("links", lang), f"{row['degree']:,}")
    first, last = (pd.Timestamp(row[c]).strftime("%Y-%m-%d") if pd.notna(row[c]) else "" for c in ("first_seen",
                                                                                                    "last_seen"))
    st.caption(t("network_party_line", lang, kind=label(row["kind"], lang), community=int(row["community"]) + 1,
                 first=first, last=last, roles=", ".join(label(r, lang) for r in str(row["roles"]).split(", "))))


def show_detail(ctx: PageContext, filters: Filters, version: int, sees: bool, node: int) -> None:
    """The chosen party's seizures on the map, its timeline, cases and links."""
    lang = ctx.view.lang
    detail = detail_of(ctx.source, version, filters, sees, node)
    seizures = detail.seizures
    st.subheader(t("network_party_seizures", lang, name=detail.node["label"], seizures=len(seizures)))
    located = seizures.dropna(subset=["lon", "lat"])
    framed = gpd.GeoDataFrame(located, geometry=gpd.points_from_xy(located["lon"], located["lat"]), crs=4326)
    # ringed as the live map rings new records, so that they stand out beside the checkpoints' marks
    result_map(ctx.source, filters, lang, seizure_layers(located.assign(is_new=True), lang), framed, "",
               "network_party_map")
    timeline, cases, links, spellings = st.tabs([t("network_timeline", lang), t("network_cases", lang),
                                                 t("network_links", lang), t("network_spellings", lang)])
    with timeline:
        months = detail.timeline.assign(month=detail.timeline["month"].dt.strftime("%Y-%m"))  # no month names
        st.bar_chart(months.set_index("month")["seizures"], x_label=t("month", lang), y_label=t("seizures", lang),
                     height=220)
        show_table(seizure_table(seizures, lang), "network_party_records", height=260)
    with cases:
        show_table(case_table(detail.cases, lang), "network_party_cases")
    with links:
        show_table(link_table(detail.links, lang), "network_party_links")
    with spellings:
        st.caption(t("network_spellings_caption", lang))
        show_table(spelling_table(detail.spellings, sees, lang), "network_party_spellings")


def seizure_table(seizures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A party's seizures: when, roles, item, kg, channel, site, county."""
    site = names(seizures, lang, "checkpoint_en", "checkpoint_zh")
    return pd.DataFrame({
        "ID": seizures["seizure_id"],
        t("when", lang): when_text(seizures["occurred_at"], seizures["time_precision"], lang),
        t("roles", lang): [", ".join(label(r, lang) for r in roles.split(", ")) for roles in seizures["roles"]],
        t("item", lang): [label(item, lang) for item in seizures["item"]],
        t("kg", lang): seizures["quantity_kg"],
        t("channel", lang): [label(channel, lang) for channel in seizures["channel"]],
        t("site", lang): site.where(site.notna(), names(seizures, lang, "hub_en", "hub_zh")).fillna(""),
        t("county", lang): names(seizures, lang, "county_en", "county_zh").fillna(""),
    })


def case_table(cases: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A party's cases: number, agency, status, opened, the view's seizures of it, summary."""
    return pd.DataFrame({
        t("case_number", lang): cases["source_id"],
        t("agency", lang): [label(agency, lang) for agency in cases["agency"]],
        t("status", lang): [label(status, lang) for status in cases["status"]],
        t("opened_on", lang): pd.to_datetime(cases["opened_on"]).dt.strftime("%Y-%m-%d"),
        t("seizures", lang): cases["seizures"],
        t("summary", lang): cases["summary"].fillna(""),
    })


def link_table(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A party's links by kind: the other party, the roles they met in, what they share, whom else it links."""
    return pd.DataFrame({
        t("party_kind", lang): [label(kind, lang) for kind in links["kind"]],
        t("party", lang): links["label"],
        t("roles", lang): [role_pairs(roles, lang) for roles in links["roles"]],
        t("seizures", lang): links["seizures"],
        t("cases", lang): links["cases"],
        t("network_shared_with", lang): links["shared_with"],
    })


def spelling_table(spellings: pd.DataFrame, sees: bool, lang: str) -> pd.DataFrame:
    """The parties an entity stands for: each as written (masked like every label), how and why it was joined."""
    return pd.DataFrame({
        "ID": spellings["party_id"],
        t("written_as", lang): [party_label(kind, value, sees)
                                for kind, value in zip(spellings["kind"], spellings["value"], strict=True)],
        t("resolution_how", lang): [t(f"resolution_how_{how}", lang) if isinstance(how, str) else ""
                                    for how in spellings["how"]],
        t("resolution_score", lang): spellings["score"].round(1),
        t("resolution_evidence", lang): spellings["evidence"].fillna(""),
    })


def role_pairs(roles: str, lang: str) -> str:
    """"consignor/consignee, …" in ``lang``."""
    return ", ".join("/".join(label(role, lang) for role in pair.split("/")) for pair in roles.split(", ") if pair)


def show_path(network: PartyNetwork, choices: list[int], named: dict[int, str], lang: str) -> None:
    """The path finder: the shortest chain of links between two parties."""
    st.subheader(t("network_path", lang))
    left, right = st.columns(2)
    start = left.selectbox(t("network_path_from", lang), choices, index=None, key="network_path_from",
                           placeholder=t("network_choose", lang), format_func=lambda key: named.get(key, key))
    end = right.selectbox(t("network_path_to", lang), choices, index=None, key="network_path_to",
                          placeholder=t("network_choose", lang), format_func=lambda key: named.get(key, key))
    if start is None or end is None:
        return
    path = path_between(network, start, end)
    if path.empty:
        st.info(t("network_no_path", lang))
        return
    show_table(pd.DataFrame({
        t("party", lang): path["label"],
        t("party_kind", lang): [label(kind, lang) for kind in path["kind"]],
        t("network_link_to_next", lang): [role_pairs(roles, lang) for roles in path["roles"]],
        t("seizures", lang): path["seizures"],
        t("cases", lang): path["cases"],
    }), "network_path_table")


def show_communities(network: PartyNetwork, bridging: pd.DataFrame, lang: str) -> None:
    """The largest communities, and the drawn parties that bridge them (one above the other: side by side, half
    the page cut their last columns off), in an expander drawn only once opened: drawing their two tables held
    the graph's first draw back by seconds (bench/results/network.md)."""
    more = st.expander(f"{t('network_communities', lang)} · {t('network_bridges', lang)}", key=MORE_KEY,
                       on_change="rerun")
    if not more.open:
        return
    with more:
        show_community_tables(network, bridging, lang)


def show_community_tables(network: PartyNetwork, bridging: pd.DataFrame, lang: str) -> None:
    """The tables of :func:`show_communities`."""
    st.subheader(t("network_communities", lang))
    found = communities(network).head(LISTED)
    show_table(pd.DataFrame({
        "#": found["community"] + 1,
        t("network_members", lang): found["nodes"],
        t("seizures", lang): found["seizures"],
        t("network_largest", lang): [", ".join(members) for members in found["members"]],
    }), "network_communities")
    st.subheader(t("network_bridges", lang))
    st.caption(t("network_bridges_help", lang))
    top = bridging.head(LISTED)
    show_table(pd.DataFrame({
        t("party", lang): top["label"],
        t("party_kind", lang): [label(kind, lang) for kind in top["kind"]],
        t("community", lang): top["community"] + 1,
        t("network_communities_linked", lang): top["communities"],
        t("network_betweenness", lang): top["betweenness"].round(3),
        t("network_cuts", lang): [t("yes", lang) if cuts else "" for cuts in top["cuts"]],
    }), "network_bridges")


def audit_personal(ctx: PageContext, network: PartyNetwork, where: str) -> None:
    """For a user who sees personal data, the audit event of the people and phone numbers ``network`` shows
    (queries.sensitive.record_personal_view), once per set shown in a session."""
    if not sees_personal_data(ctx.user):
        return
    personal = network.links.loc[network.links["kind"].isin(PERSONAL_PARTY_KINDS), "party_id"]
    shown = (where, tuple(sorted(set(personal.astype(int)))))
    if shown[1] and st.session_state.get(AUDITED_KEY, {}).get(where) != shown:
        record_personal_view(open_store(ctx.path), ctx.user, shown[1], where)
        st.session_state.setdefault(AUDITED_KEY, {})[where] = shown


def place_lines(features: pd.DataFrame, lang: str) -> list[str]:
    """Where each of an analysis' ``features`` (hot spots, clusters) lies, in one line for a select box."""
    return [" · ".join(str(value) for value in row if value)
            for row in zip(*place_columns(features, lang).values(), strict=True)]


def parties_panel(filters: Filters, key: str, focus: Focus | None = None,
                  seizures: tuple[int, ...] | None = None) -> None:
    """The parties behind one thing on a map (a ``focus``: a hot spot's cell, a crossing, a hub; or a cluster's
    ``seizures``), most seizures first, with a button (``<key>_open_network``) to the Network page centred on
    them; nothing for a role that may not open that page."""
    ctx = current_context()
    if not may(ctx.user.role, "network"):
        return
    lang = ctx.view.lang
    sees = sees_personal_data(ctx.user)
    behind = party_network(ctx.source, data_version(ctx.path), filters, sees, focus, seizures)
    st.markdown(f"**{t('network_behind', lang)}**")
    if behind.nodes.empty:
        st.caption(t("network_behind_none", lang))
        return
    audit_personal(ctx, behind, f"parties_behind:{key}")
    listed = parties_behind(behind)
    top = listed.head(PANEL_PARTIES)
    show_table(pd.DataFrame({
        t("party", lang): top["label"],
        t("party_kind", lang): [label(kind, lang) for kind in top["kind"]],
        t("seizures", lang): top["seizures"],
        t("roles", lang): [", ".join(label(r, lang) for r in roles.split(", ")) for roles in top["roles"]],
    }), f"{key}_party_table")
    st.caption(t("network_behind_count", lang, parties=len(listed)))
    if st.button(t("network_open", lang), key=f"{key}_open_network", icon=":material/hub:"):
        set_parties(listed["node_id"].head(LINKED_PARTIES).tolist())
        st.session_state[PARTY_KEY] = int(listed["node_id"].iloc[0])
        st.switch_page(PAGES_DIR / "network.py")


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
