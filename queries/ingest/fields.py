"""What can be imported: the fields of each kind of record and the area of interest.

Three kinds of record can be imported: ``seizures``, ``checkpoints`` and ``hubs`` (the
``processing_hubs`` table). Each has a set of fields a mapping may fill from a file's columns;
most are columns of the table, a few are read into one (``quantity``, ``quantity_t``,
``quantity_kg``, ``quantity_g`` and ``unit`` become ``quantity_kg``; ``checkpoint`` and ``hub``
are names or ids of the store's checkpoints and hubs). Enumerations come from
:mod:`queries.constants` and nowhere else.

**Descriptions.** How a seizure was concealed and how it was detected are the post's words, not a
choice from a list: a ``description`` field keeps its text as written (in ``<field>_text``, see
:data:`DESCRIPTIONS`) and fills the field itself with the category the words name, where one is
recognised (NULL where none is). Only a text longer than its limit is refused.

**Parties.** A seizure row may name who is behind it (consignor, consignee, carrier, driver, person concerned,
vehicle plate, waybill, USCC, identity number, phone, addresses) and its case number: :data:`PARTY_FIELDS`, validated like any field and written by
:mod:`queries.parties` (docs/parties.md); they are no columns of ``seizures``.

**Area of interest.** Records must lie in the bounding box of China's land (lon 73.50–135.09,
lat 3.84–53.56, the bounds of ``geodata/layers/provinces.parquet`` with the South China Sea
islands) widened by a border strip of 1.5° (about 150 km) on every side for the neighbours' side
of the border: lon 72.00–136.59, lat 2.34–55.06. A point outside it is a typing, sign or
coordinate-system mistake far more often than a seizure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from queries import constants

ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "channel": constants.CHANNELS,
    "agency": constants.AGENCIES,
    "case_status": constants.CASE_STATUSES,
    "form": constants.FORMS,
    "concealment": constants.CONCEALMENTS,
    "detection": constants.DETECTION_METHODS,
    "time_precision": constants.TIME_PRECISIONS,
    "geo_precision": constants.GEO_PRECISIONS,
    "checkpoint_kind": constants.CHECKPOINT_KINDS,
    "hub_kind": constants.HUB_KINDS,
    "item": constants.ITEM_CODES,
    "item_group": constants.ITEM_GROUPS,
}
# Enumerations whose values are often phrases that contain a spelling (凭祥海关缉私分局 is customs):
# a value that is no spelling is read as the code of the longest spelling it contains.
PHRASED = frozenset({"channel", "agency", "case_status", "checkpoint_kind", "hub_kind", "form"})
# The description fields and the column that keeps each one's words (the field's own column holds
# the category derived from them).
DESCRIPTIONS = {"concealment": "concealment_text", "detection": "detection_text"}

SHORT_TEXT, LONG_TEXT = 200, 500  # the schema's bounds on source/source_id and declared_as/source_ref/descriptions
EARLIEST = datetime(2000, 1, 1)  # the schema's lower bound on occurred_at
MAX_QUANTITY_KG = 10_000_000.0  # the schema's upper bound on quantity_kg


@dataclass(frozen=True)
class Field:
    """One importable field: its name, its words in messages, how it is read, and its bounds.

    ``type`` is one of text, description, ident, enum, item, groups, country, boolean, number, integer,
    angle, when, measure, unit, checkpoint, hub, county, party (a party's name, address or waybill), uscc, phone,
    plate, id_number (a description's ``enum`` names its categories).
    ``low``/``high`` bound numbers (inclusive); a measure's ``unit`` is the unit its header implies.
    """

    name: str
    label: str
    type: str
    enum: str | None = None
    required: bool = False
    max_chars: int = SHORT_TEXT
    low: float | None = None
    high: float | None = None
    unit: str | None = None


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


_PLACE = (
    Field("lon", "longitude", "angle", required=True),
    Field("lat", "latitude", "angle", required=True),
    Field("geo_precision", "place precision", "enum", "geo_precision", required=True),
    Field("source", "source", "text"),
)
# A seizure row with no coordinates at all may name its place instead: the first of PLACE_NAMES it
# gives (a checkpoint, else a county) stands in for PLACED_BY_NAME, and the place is known to
# NAMED_PRECISION (a town: the crossing's own point is not where the seizure was; a county: its anchor).
PLACED_BY_NAME = ("lon", "lat", "geo_precision")
PLACE_NAMES = ("checkpoint", "county")
NAMED_PRECISION = {"checkpoint": "town", "county": "county"}
QUANTITY_FIELDS = ("quantity_kg", "quantity_t", "quantity_g", "quantity")  # the first one given counts

SEIZURE_FIELDS = _fields(
    Field("source_id", "source id", "text"),
    Field("occurred_at", "date", "when", required=True),
    Field("time_precision", "time precision", "enum", "time_precision"),
    *_PLACE,
    Field("county", "county", "county"),
    Field("channel", "channel", "enum", "channel", required=True),
    Field("checkpoint", "checkpoint", "checkpoint"),
    Field("hub", "hub", "hub"),
    Field("item", "item", "item", required=True),
    Field("form", "form", "enum", "form"),
    Field("quantity_kg", "quantity (kg)", "measure", unit="kg"),
    Field("quantity_t", "quantity (t)", "measure", unit="t"),
    Field("quantity_g", "quantity (g)", "measure", unit="g"),
    Field("quantity", "quantity", "measure"),
    Field("unit", "unit", "unit"),
    Field("value_cny", "value (CNY)", "number", low=0.0),
    Field("declared_as", "declared as", "text", max_chars=LONG_TEXT),
    Field("concealment", "concealment", "description", "concealment", max_chars=LONG_TEXT),
    Field("detection", "detection", "description", "detection", max_chars=LONG_TEXT),
    Field("agency", "agency", "enum", "agency", required=True),
    Field("destination_iso3", "destination", "country"),
    Field("case_status", "case status", "enum", "case_status", required=True),
    Field("source_ref", "note", "text", max_chars=LONG_TEXT),
    Field("consignor", "consignor", "party"),
    Field("consignee", "consignee", "party"),
    Field("carrier", "carrier", "party"),
    Field("driver", "driver", "party"),
    Field("suspect", "person concerned", "party"),
    Field("vehicle_plate", "vehicle plate", "plate"),
    Field("waybill", "waybill", "party"),
    Field("uscc", "unified social credit code", "uscc"),
    Field("id_number", "identity number", "id_number"),
    Field("phone", "phone", "phone"),
    Field("consignor_address", "consignor's address", "party", max_chars=LONG_TEXT),
    Field("consignee_address", "consignee's address", "party", max_chars=LONG_TEXT),
    Field("address", "address", "party", max_chars=LONG_TEXT),
    Field("case_number", "case number", "text"),
)
# The parties a seizure row may name (docs/parties.md, written by queries.parties): field → (the role its party
# plays, the party's kind; None: a name, a company's or a person's). The uscc field identifies the party of
# USCC_OF; the id_number field (身份证号, passport) the first of ID_NUMBER_OF whose party is a person (the person
# concerned, else the driver, else a consignor, consignee or carrier that is a person); case_number names the case
# the seizure belongs to. A phone cell may give several numbers. None of them is a column of seizures.
PARTY_FIELDS = {"consignor": ("consignor", None), "consignee": ("consignee", None), "carrier": ("carrier", None),
                "driver": ("driver", "person"), "suspect": ("suspect", "person"),
                "vehicle_plate": ("conveyance", "vehicle"), "waybill": ("waybill", "waybill"),
                "phone": ("contact", "phone"), "consignor_address": ("consignor", "address"),
                "consignee_address": ("consignee", "address"), "address": ("contact", "address")}
USCC_OF = "consignor"
ID_NUMBER_OF = ("suspect", "driver", "consignor", "consignee", "carrier")
PARTY_COLUMNS = (*PARTY_FIELDS, "uscc", "id_number", "case_number")
# Fields whose headers may also be the record's key's (source_id): a column under both (运单号, 案件编号) is the
# record's key and names its waybill or case too.
ALSO_KEYS = frozenset({"waybill", "case_number"})
CHECKPOINT_FIELDS = _fields(
    Field("checkpoint_id", "checkpoint id", "ident", required=True),
    Field("name_zh", "Chinese name", "text", required=True),
    Field("name_en", "English name", "text"),
    Field("kind", "checkpoint kind", "enum", "checkpoint_kind", required=True),
    *_PLACE,
    Field("counterpart", "counterpart", "text"),
    Field("counterpart_iso3", "counterpart country", "country"),
    Field("agency", "agency", "enum", "agency", required=True),
)
HUB_FIELDS = _fields(
    Field("hub_id", "hub id", "ident", required=True),
    Field("name_zh", "Chinese name", "text", required=True),
    Field("name_en", "English name", "text"),
    Field("kind", "hub kind", "enum", "hub_kind", required=True),
    Field("activities", "activities", "text", max_chars=LONG_TEXT),
    Field("item_groups", "item groups", "groups", required=True),
    *_PLACE,
    Field("country_iso3", "country", "country"),
    Field("licensed", "licensed", "boolean"),
    Field("capacity_t_per_year", "capacity (t/year)", "number", low=0.0),
    Field("risk_tier", "risk tier", "integer", low=1, high=3),
    Field("note", "note", "text", max_chars=LONG_TEXT),
)
KINDS = {"seizures": SEIZURE_FIELDS, "checkpoints": CHECKPOINT_FIELDS, "hubs": HUB_FIELDS}
# A column that holds both coordinates of a point in one cell ('106.74,22.53', as a web map copies
# it): any kind's file may have one, and validation splits it into lon and lat for the rows that
# give neither (see queries.ingest.values.split_point). Not a field of the record.
COORDINATES = "coordinates"
FIELDS = tuple(dict.fromkeys([*(name for fields in KINDS.values() for name in fields), COORDINATES]))
# The table each kind lands in and the columns that identify a record in it.
TABLES = {"seizures": "seizures", "checkpoints": "checkpoints", "hubs": "processing_hubs"}
KEYS = {"seizures": ("source", "source_id"), "checkpoints": ("checkpoint_id",), "hubs": ("hub_id",)}
CRS_NAMES = ("wgs84", "gcj02", "bd09")


@dataclass(frozen=True)
class Area:
    """A longitude/latitude box (degrees, WGS84)."""

    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float

    def widened(self, degrees: float) -> Area:
        return Area(self.lon_min - degrees, self.lon_max + degrees, self.lat_min - degrees, self.lat_max + degrees)

    def contains(self, lon, lat) -> np.ndarray:
        """Whether each point lies in the box (False for NaN)."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return (lon >= self.lon_min) & (lon <= self.lon_max) & (lat >= self.lat_min) & (lat <= self.lat_max)

    def __str__(self) -> str:
        return f"lon {self.lon_min:.2f} to {self.lon_max:.2f}, lat {self.lat_min:.2f} to {self.lat_max:.2f}"


CHINA_LAND = Area(73.50, 135.09, 3.84, 53.56)
BORDER_STRIP_DEG = 1.5
AREA_OF_INTEREST = CHINA_LAND.widened(BORDER_STRIP_DEG)
