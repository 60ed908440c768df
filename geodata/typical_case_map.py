"""A typical case on the map and on the page: the places of its route (with their names and where to draw them),
its pattern in the user's language and the records like it as a readable table (queries.typical_cases finds them).
"""

from __future__ import annotations

import pandas as pd

from geodata.reference import load_layer
from queries.labels import label, name, t
from queries.typical_cases import TypicalCase, value_text, why

# The reference layer of each kind of route place, and the column holding its code.
ROUTE_LAYERS = {"checkpoint": ("checkpoints", "id"), "hub": ("hubs", "id"), "zone": ("zones", "code"),
                "county": ("counties", "code"), "province": ("provinces", "code")}
PLACE_COLUMNS = ["token", "kind", "code", "name_en", "name_zh", "lon", "lat"]


def route_places(case: TypicalCase) -> pd.DataFrame:
    """The places of ``case``'s route, in its order: each token, its kind and code, its names and where to draw it
    (a crossing or hub at its point, an area at a point inside it). A code the geography does not hold is left out
    (the library's test keeps the release's codes known)."""
    rows = []
    for token in case.route:
        kind, _, code = token.partition(":")
        layer_name, key = ROUTE_LAYERS[kind]
        layer = load_layer(layer_name)
        found = layer[layer[key].astype(str) == code]
        if found.empty:
            continue
        place = found.iloc[0]
        point = place.geometry if place.geometry.geom_type == "Point" else place.geometry.representative_point()
        rows.append([token, kind, code, place["name_en"], place["name_zh"], point.x, point.y])
    return pd.DataFrame(rows, columns=PLACE_COLUMNS)


def place_names(places: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each route token of ``places`` (:func:`route_places`) by its place's name in ``lang``."""
    return {row["token"]: name(row, lang) for _, row in places.iterrows()}


def pattern_lines(case: TypicalCase, lang: str, names: dict[str, str]) -> list[tuple[str, str]]:
    """``case``'s pattern as (part, what it is) in ``lang``, every part, a part the report does not give said so;
    route tokens by their names in ``names``."""
    return [(t(f"typical_part_{part}", lang),
             t("list_separator", lang).join(value_text(part, value, lang, names) for value in values)
             or t("typical_not_given", lang))
            for part, values in case.pattern().items()]


def like_table(rows: pd.DataFrame, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """The records like a case (rows of queries.typical_cases.records_like) as the page shows them: the parts
    matched and why first, then what the analyst reads of a record."""
    if rows.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "ID": rows["seizure_id"],
        t("typical_parts_matched", lang): rows["parts_matched"],
        t("typical_why", lang): [why(row, lang, names) for _, row in rows.iterrows()],
        t("when", lang): pd.to_datetime(rows["occurred_at"]).dt.strftime("%Y-%m-%d"),
        t("item", lang): [label(code, lang) for code in rows["item"]],
        t("kg", lang): rows["quantity_kg"],
        t("channel", lang): [label(code, lang) for code in rows["channel"]],
        t("site", lang): [name(row, lang, "site_en", "site_zh") for _, row in rows.iterrows()],
        t("county", lang): [name(row, lang, "county_en", "county_zh") for _, row in rows.iterrows()],
        t("declared_as", lang): rows["declared_as"].fillna(""),
        t("concealment", lang): [label(code, lang) for code in rows["concealment"]],
    })
