"""The rules' context: everything a row's verdict depends on besides the row, as one pure value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from queries.ingest.fields import AREA_OF_INTEREST, KINDS, Area, Field
from queries.ingest.mapping import Mapping
from queries.labels import TEXT, t

ToWgs84 = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Rules:
    """Everything validation depends on besides the row: a pure value, so a row's verdict is too.

    kind: seizures, checkpoints or hubs. mapping: a :class:`~queries.ingest.mapping.Mapping`.
    now: Beijing time without a zone, as the store keeps times; no record may be later.
    source: the ``source`` of records whose row gives none. headers: field → the file's header,
    for messages. to_wgs84: the file's coordinate system to WGS84 (None: already WGS84).
    checkpoints, hubs: normalised name or id → id, of the store's checkpoints and hubs.
    checkpoint_points: checkpoint id → its (lon, lat). counties: normalised name or code → code,
    and county_anchors: code → (lon, lat) of its anchor point, of the store's counties
    (admin_units). A seizure whose row gives no coordinates but a checkpoint or a county sits on it
    (see PLACE_NAMES). lang: the language of the reasons (queries/locale/zh.po's reason_* entries):
    English for the command line and what an import stores, the reader's on the Import page.
    """

    kind: str
    mapping: Mapping
    now: datetime
    source: str
    headers: dict[str, str] = field(default_factory=dict)
    to_wgs84: ToWgs84 | None = None
    checkpoints: dict[str, str] = field(default_factory=dict)
    hubs: dict[str, str] = field(default_factory=dict)
    checkpoint_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    counties: dict[str, str] = field(default_factory=dict)
    county_anchors: dict[str, tuple[float, float]] = field(default_factory=dict)
    area: Area = AREA_OF_INTEREST
    lang: str = "en"

    @property
    def fields(self) -> dict[str, Field]:
        return KINDS[self.kind]

    def named_point(self, name: str, value: str) -> tuple[float, float] | None:
        """The (lon, lat) of the place a row's ``name`` field (one of PLACE_NAMES) gives, if known."""
        points = self.checkpoint_points if name == "checkpoint" else self.county_anchors
        return points.get(value)

    def label(self, name: str) -> str:
        """A field's words in a message, in :attr:`lang`, with the file's header when it has one: 'date (查获时间)'."""
        label = self.fields[name].label if name in self.fields else name
        if self.lang != "en" and f"import_field_{name}" in TEXT:
            label = t(f"import_field_{name}", self.lang)
        header = self.headers.get(name)
        return f"{label} ({header})" if header and header != label else label
