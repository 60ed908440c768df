"""The audit trail as a readable table in the chosen language (Audit page).

Each event's details are stored as JSON of its own keys; here they read as "reason: Signed out;
from: 10.0.0.7", their keys and stored codes named through the catalogue where it has a name for
them (an unknown key or value shows as stored, so nothing recorded is hidden).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, time
from types import MappingProxyType

import pandas as pd

from dashboard.i18n import label, t
from queries.labels import CODE_LABELS, TEXT

DETAIL_KEY = "audit_detail_{}"
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?")
# Where a stored value that is no code of the store has its name: an import's rules, coordinate systems, roles,
# why a sign-in failed or a session ended, an export's format and layers.
VALUE_KEYS = ("import_rule_{}", "crs_{}", "role_{}", "audit_reason_{}", "format_{}", "export_layer_{}")
# The name of each page or action a refusal records (queries.access.roles.PERMISSIONS), as the pages title it.
ACTION_TITLES = MappingProxyType({
    "live_map": "page_live", "kpis": "action_kpis", "filters": "filters", "analysis": "page_analysis",
    "records": "page_records", "network": "page_network", "screening": "page_screening",
    "screening_review": "action_screening_review", "screening_run": "screening_run", "typical_cases": "page_typical",
    "export": "export_title", "brief": "brief_title", "users": "page_users", "imports": "page_import",
    "audit": "page_audit",
})


def _word(text: str, lang: str, names: Mapping[str, str]) -> str:
    """A stored word by its name in ``lang``: one of ``names`` (a grant's region), a code's label, an import rule's
    or a coordinate system's name."""
    if text in names:
        return names[text]
    if text in CODE_LABELS:
        return label(text, lang)
    if text in ACTION_TITLES:
        return t(ACTION_TITLES[text], lang)
    if f"filter_{text}" in CODE_LABELS:  # a key of an export's or a brief's filters
        return label(f"filter_{text}", lang)
    key = next((pattern.format(text) for pattern in VALUE_KEYS if pattern.format(text) in TEXT), None)
    return t(key, lang) if key else label(text, lang)


def _value(value, lang: str, names: Mapping[str, str]) -> str:
    """One detail's value: a code by its name, yes/no, a list or a table of values, a number with separators."""
    if isinstance(value, bool):
        return t("audit_yes" if value else "audit_no", lang)
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(_value(item, lang, names) for item in value) or "—"
    if isinstance(value, dict):  # an entry that is empty (a filter not set) says nothing
        return ", ".join(f"{_key(key, lang, names)} {_value(item, lang, names)}" for key, item in value.items()
                         if item is not None and item != []) or "—"
    if value is None:
        return "—"
    if isinstance(value, str) and ISO_TIME.fullmatch(value):  # a time stored as ISO text: as the pages write it
        moment = datetime.fromisoformat(value)
        return f"{moment:%Y-%m-%d}" if moment.time() == time() else f"{moment:%Y-%m-%d %H:%M}"
    return _word(value, lang, names) if isinstance(value, str) else str(value)


def _key(key: str, lang: str, names: Mapping[str, str]) -> str:
    """A detail's key by its name in ``lang`` (its ``audit_detail_`` entry, else as a stored word)."""
    return t(DETAIL_KEY.format(key), lang) if DETAIL_KEY.format(key) in TEXT else _word(key, lang, names)


def details_text(details: str | None, lang: str, names: Mapping[str, str] = MappingProxyType({})) -> str:
    """An event's details JSON as "key: value; …" in ``lang`` (stored words that are keys of ``names`` by their
    name there: grants by their region's); the text as stored if it is not JSON."""
    try:
        found = json.loads(details) if details else {}
    except ValueError:
        return str(details)
    if not isinstance(found, dict):
        return str(details)
    separator, between = ("：", "；") if lang == "zh" else (": ", "; ")
    return between.join(f"{_key(key, lang, names)}{separator}{_value(value, lang, names)}" for key, value in found.items())


def audit_frame(rows: pd.DataFrame, lang: str, names: Mapping[str, str] = MappingProxyType({})) -> pd.DataFrame:
    """The rows of the trail (``read_audit``) with their columns named and their values said in ``lang`` (``names``:
    see :func:`details_text`)."""
    return pd.DataFrame({
        t("when", lang): rows["event_at"].to_numpy(),
        t("audit_kind", lang): [label(kind, lang) for kind in rows["kind"]],
        t("username", lang): rows["username"].to_numpy(),
        t("audit_source", lang): [t(f"audit_source_{source}", lang) if f"audit_source_{source}" in TEXT else source
                                  for source in rows["source"]],
        t("audit_details", lang): [details_text(details, lang, names) for details in rows["details"]],
    })
