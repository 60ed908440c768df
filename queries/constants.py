"""Enumerations and the item catalogue, defined once.

The schema's CHECK constraints are generated from these tuples (see ``queries.schema``), the demo
generator draws from them and the dashboard labels them, so a value can only be added here.
"""

from __future__ import annotations

from dataclasses import dataclass

TIME_PRECISIONS = ("exact", "day", "week", "month")
GEO_PRECISIONS = ("point", "town", "county", "province")

CHANNELS = (
    "land_port",
    "unofficial_path",
    "postal_express",
    "sea_port",
    "air_cargo",
    "processing_hub",
)
FORMS = ("ore", "concentrate", "compound", "oxide", "metal", "alloy", "magnet", "scrap")
AGENCIES = ("customs", "public_security", "state_security", "postal", "border_defence")
CASE_STATUSES = ("open", "under_investigation", "referred_for_prosecution", "closed")
DETECTION_METHODS = (
    "x_ray",
    "document_check",
    "intelligence_tip",
    "canine",
    "random_inspection",
    "patrol",
    "parcel_screening",
)
CONCEALMENTS = (
    "false_declaration",
    "hidden_in_cargo",
    "mixed_with_legal_goods",
    "body_carry",
    "vehicle_compartment",
    "split_parcels",
    "none",
)

CHECKPOINT_KINDS = (
    "land_port_class1",
    "land_port_class2",
    "border_inspection_station",
    "sea_port",
    "airport",
    "postal_hub",
)
HUB_KINDS = ("mine", "separation_plant", "smelter_refinery", "magnet_alloy_maker", "trading_hub")
# Who is behind a seizure (migration 012, docs/parties.md): the kinds of party, and the role a party plays in a
# seizure or a case (conveyance: the vehicle that carried it; waybill: the waybill it travelled under; contact:
# a phone number the record gives).
PARTY_KINDS = ("company", "person", "vehicle", "phone", "address", "waybill")
PARTY_ROLES = ("consignor", "consignee", "carrier", "driver", "owner", "buyer", "seller", "sender", "recipient",
               "conveyance", "waybill", "contact", "suspect", "other")

# Account roles, lowest first: each may do what the ones before it may (queries.access.PERMISSIONS).
# A display only watches: a wall screen's account, whose one page is the live map, full-screen.
DISPLAY_ROLE = "display"
ROLES = (DISPLAY_ROLE, "commander", "analyst", "planner", "admin")

ITEM_GROUPS = (
    "REE_heavy",
    "REE_light",
    "Ga",
    "Ge",
    "Sb",
    "graphite",
    "W",
    "Te",
    "Bi",
    "Mo",
    "In",
    "superhard",
)


@dataclass(frozen=True)
class Item:
    """A controlled item as seizures record it: its group, typical value and announcement. Its name in
    both languages is its code's label in the catalogue (``queries.labels.label``), as every code's is."""

    code: str
    group: str
    cny_per_kg: float  # order of magnitude of a plausible market value, demo only
    announcement: str | None  # the announcement that first controlled it; None: not itemised


ITEMS = (
    Item("dysprosium", "REE_heavy", 1800.0, "MOFCOM-GAC 2025 No.18"),
    Item("terbium", "REE_heavy", 7000.0, "MOFCOM-GAC 2025 No.18"),
    Item("samarium", "REE_heavy", 120.0, "MOFCOM-GAC 2025 No.18"),
    Item("gadolinium", "REE_heavy", 200.0, "MOFCOM-GAC 2025 No.18"),
    Item("yttrium", "REE_heavy", 60.0, "MOFCOM-GAC 2025 No.18"),
    Item("lutetium", "REE_heavy", 5500.0, "MOFCOM-GAC 2025 No.18"),
    Item("scandium", "REE_heavy", 4500.0, "MOFCOM-GAC 2025 No.18"),
    Item("holmium", "REE_heavy", 480.0, "MOFCOM 2025 No.57"),
    Item("erbium", "REE_heavy", 300.0, "MOFCOM 2025 No.57"),
    Item("ree_concentrate", "REE_heavy", 150.0, None),
    Item("neodymium", "REE_light", 550.0, None),
    Item("ndfeb_magnet", "REE_light", 350.0, None),
    Item("lanthanum_cerium", "REE_light", 20.0, None),
    Item("gallium", "Ga", 2000.0, "MOFCOM-GAC 2023 No.23"),
    Item("germanium", "Ge", 14000.0, "MOFCOM-GAC 2023 No.23"),
    Item("antimony", "Sb", 180.0, "MOFCOM-GAC 2024 No.33"),
    Item("graphite", "graphite", 8.0, "MOFCOM-GAC 2023 (graphite; number unconfirmed)"),
    Item("tungsten", "W", 450.0, "MOFCOM-GAC 2025 No.10"),
    Item("tellurium", "Te", 900.0, "MOFCOM-GAC 2025 No.10"),
    Item("bismuth", "Bi", 250.0, "MOFCOM-GAC 2025 No.10"),
    Item("molybdenum", "Mo", 400.0, "MOFCOM-GAC 2025 No.10"),
    Item("indium", "In", 2800.0, "MOFCOM-GAC 2025 No.10"),
    Item("superhard", "superhard", 3000.0, "MOFCOM-GAC 2024 No.33"),
)
ITEM_CODES = tuple(item.code for item in ITEMS)
ITEM_BY_CODE = {item.code: item for item in ITEMS}

# ISO 3166-1 alpha-3 codes a destination may take (cross-border and transshipment cases).
DESTINATIONS = ("VNM", "LAO", "MMR", "THA", "HKG", "MAC", "MYS", "SGP", "KOR", "JPN", "USA", "NLD", "DEU", "IND")
