"""The network of parties drawn with pydeck (bundled by Streamlit: no CDN) in an OrthographicView: links as lines,
parties as glyphs shaped by kind, sized by degree and coloured by community, the names of the largest only.

Frames in, a deck out; positions come from geodata.network.layout (seeded), scaled to pixels at zoom 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard import style
from dashboard.i18n import label, t
from dashboard.map_layers import FONT, FONT_SETTINGS, FONT_WEIGHT, LABEL_COLOUR
from dashboard.pydeck_adapters import PIXELS, CompactDeck, frame_layer
from dashboard.tooltips import TOOLTIP, tooltip_frame
from geodata.label_placement import place, text_boxes
from geodata.network import PartyNetwork

# A glyph per kind of party: characters of every Chinese font (GB 2312), drawn by a text layer.
KIND_GLYPHS = {"company": "●", "person": "▲", "vehicle": "■", "phone": "◆", "address": "★", "waybill": "□"}
OTHER_COMMUNITY = (150, 150, 150)  # communities beyond the palette's colours
EDGE_COLOUR, CHOSEN_COLOUR = [140, 160, 190, 70], [255, 255, 255, 230]
LABELLED = 30  # names tried, for the nodes of most links, kept where they overlap no other; every node names itself
#               in its tooltip
LINKS_PER_NODE = 4  # the links drawn: the heaviest, this many a node drawn, and every link of the chosen node
WIDTH_PX, HEIGHT_PX = 560, 620  # the graph's canvas (its first view, in its column of a 1440-px-wide screen)
MARGIN_PX = 40  # room round the layout for the glyphs and the first letters of names
NAME_SIZE = 12


def community_colour(community: int) -> list[int]:
    """A community's colour: the palette's in turn for the largest, grey for the rest."""
    palette = style.CLUSTER_COLOURS
    return list(palette[community] if 0 <= community < len(palette) else OTHER_COMMUNITY)


def glyph_size(degree) -> np.ndarray:
    """A node's glyph size in pixels: grows with the log of its links (1 link 9 px, 100 links about 20)."""
    return np.round(6.0 + 2.0 * np.log2(2.0 + np.asarray(degree, dtype=float)), 1)


def node_rows(network: PartyNetwork, positions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per node to draw: node_id, position, glyph, colour, size and its tooltip (title, detail; text)."""
    nodes = network.nodes.merge(positions, on="node_id")
    tips = tooltip_frame(nodes["label"], {
        t("party_kind", lang): nodes["kind"].map(lambda kind: label(kind, lang)),
        t("seizures", lang): nodes["seizures"],
        t("cases", lang): nodes["cases"],
        t("links", lang): nodes["degree"],
        t("community", lang): nodes["community"] + 1,
        t("roles", lang): nodes["roles"].map(lambda roles: ", ".join(label(r, lang) for r in roles.split(", "))),
    })
    return pd.concat([pd.DataFrame({
        "node_id": nodes["node_id"].astype(int),
        "position": [[round(x * (WIDTH_PX / 2 - MARGIN_PX), 1), round(-y * (HEIGHT_PX / 2 - MARGIN_PX), 1)]
                     for x, y in zip(nodes["x"], nodes["y"], strict=True)],
        "text": nodes["kind"].map(KIND_GLYPHS).fillna("●"),
        "colour": [community_colour(c) for c in nodes["community"]],
        "size": glyph_size(nodes["degree"]),
    }), tips], axis=1)


def network_deck(network: PartyNetwork, positions: pd.DataFrame, lang: str, chosen=None) -> pdk.Deck:
    """The deck of ``network`` at ``positions`` (geodata.network.layout): links, then nodes (pickable: a click
    chooses a party), then the names of the :data:`LABELLED` nodes of most links; the links of ``chosen``
    (a node id) drawn bright."""
    nodes = node_rows(network, positions, lang)
    at = dict(zip(nodes["node_id"], nodes["position"], strict=True))
    edges = network.edges[network.edges["source"].isin(at) & network.edges["target"].isin(at)]
    touches = (edges["source"] == chosen) | (edges["target"] == chosen)
    heaviest = edges["weight"].rank(method="first", ascending=False) <= LINKS_PER_NODE * len(nodes)
    edges, touches = edges[heaviest | touches], touches[heaviest | touches]
    links = pd.DataFrame({
        "s": edges["source"].map(at).tolist(), "t": edges["target"].map(at).tolist(),
        "colour": [CHOSEN_COLOUR if touching else EDGE_COLOUR for touching in touches],
        "width": np.round(0.5 + np.log2(edges["weight"].to_numpy(float)) / 2, 1) + 1.5 * touches.to_numpy(),
    })
    names = name_rows(nodes, network, chosen)
    # one font atlas for both text layers (deck.gl keeps one per font and weight) of the characters given, not one
    # each found by scanning the data ("auto"); one string, as pydeck would read a list's strings as expressions
    characters = pdk.types.String("".join(sorted({*KIND_GLYPHS.values(), *"".join(names["text"])})))
    layers = [
        frame_layer("LineLayer", links, id="network-links", get_source_position="s", get_target_position="t",
                    get_color="colour", get_width="width", width_units=PIXELS),
        frame_layer("TextLayer", nodes, id="network-nodes", get_position="position", get_text="text",
                    get_color="colour", get_size="size", get_alignment_baseline=pdk.types.String("center"),
                    font_family=FONT, character_set=characters, font_weight=FONT_WEIGHT, outline_width=1,
                    outline_color=[*style.SEA, 255], font_settings=FONT_SETTINGS, pickable=True),
        frame_layer("TextLayer", names, id="network-names", get_position="position", get_text="text",
                    get_color=list(LABEL_COLOUR), get_size=NAME_SIZE, get_text_anchor="anchor",
                    get_pixel_offset="offset", get_alignment_baseline=pdk.types.String("center"),
                    font_family=FONT, character_set=characters, font_weight=FONT_WEIGHT,
                    outline_width=1, outline_color=[*style.SEA, 255], font_settings=FONT_SETTINGS),
    ]
    view = pdk.View(type="OrthographicView", controller=True)
    return CompactDeck(layers=layers, views=[view], initial_view_state=pdk.ViewState(target=[0, 0, 0], zoom=0,
                       min_zoom=-2, max_zoom=6), map_provider=None, tooltip=TOOLTIP)


NAME_CHARACTERS = 18  # a drawn name's longest; the tooltip and the tables give it whole


def name_rows(nodes: pd.DataFrame, network: PartyNetwork, chosen=None) -> pd.DataFrame:
    """The names drawn (position, text, anchor, offset): of the chosen node and of the :data:`LABELLED` nodes of
    most links, each right or else left of its glyph where it overlaps no name kept before and stays on the
    canvas (geodata.label_placement.place), the chosen node's first."""
    order = network.nodes.sort_values(["degree", "seizures", "node_id"], ascending=[False, False, True])["node_id"]
    tried = [node for node in [chosen, *order.head(LABELLED)] if node is not None]
    rows = nodes.set_index("node_id").loc[list(dict.fromkeys(node for node in tried if node in set(nodes["node_id"])))]
    texts = rows["title"].map(_short)
    sides = []
    for anchor, sign in (("start", 1), ("end", -1)):
        offset = [[sign * (int(size / 2) + 3), 0] for size in rows["size"]]
        sides.append(pd.DataFrame({"position": rows["position"].tolist(), "text": texts.tolist(), "anchor": anchor,
                                   "offset": offset, "slot": range(len(rows)), "rank": range(1, len(rows) + 1)}))
    candidates = pd.concat(sides).sort_values(["rank", "anchor"], ascending=[True, False], kind="stable")
    x = np.array([p[0] for p in candidates["position"]]) + WIDTH_PX / 2
    y = np.array([p[1] for p in candidates["position"]]) + HEIGHT_PX / 2
    boxes = text_boxes(x, y, candidates["text"], [NAME_SIZE] * len(candidates), candidates["anchor"],
                       candidates["offset"])
    kept = place(boxes, candidates["slot"].tolist(), candidates["rank"].to_numpy(), WIDTH_PX, HEIGHT_PX)
    return candidates[kept].drop(columns=["slot", "rank"]).reset_index(drop=True)


def _short(text: str) -> str:
    """A name cut to :data:`NAME_CHARACTERS` with an ellipsis, so that the drawn names stay readable."""
    return text if len(text) <= NAME_CHARACTERS else text[: NAME_CHARACTERS - 1] + "…"


def chosen_node(selection: dict | None) -> int | None:
    """The node a click on the graph chose (the picked object of the nodes' layer), None for none."""
    picked = ((selection or {}).get("objects") or {}).get("network-nodes") or []
    return int(picked[0]["node_id"]) if picked else None
