"""Cordon's words in English and Simplified Chinese, from one gettext catalogue: queries/locale/zh.po.

Every message has a context (``msgctxt``): the key the code asks for (``import_title``) for the
texts of the dashboard, the situation brief, the exports and the command line, read by :func:`t`;
``code:<code>`` (``code:land_port``) for the codes Cordon stores and computes (mineral groups,
controlled items, channels, forms, agencies, case statuses, countries, hot-spot categories, the
filters' names…), read by :func:`label`, so a code reads the same on the page and on paper. The English is the
``msgid``, the Chinese the ``msgstr``: the bilingual PO file that Poedit, Lokalize, Weblate and
Crowdin open, read here by Babel at import (no compile step). Placeholders (``{name}``,
``{rows:,}``) are Python format fields (``#, python-brace-format``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "zh": "中文"}
CATALOGUE = Path(__file__).with_name("locale") / "zh.po"
CODE_CONTEXT = "code:"


def _read_catalogue(path: Path) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """The catalogue's texts and code labels: key -> (English, Chinese), in the file's order."""
    with path.open("rb") as file:
        catalogue = read_po(file, domain="cordon")
    texts: dict[str, tuple[str, str]] = {}
    codes: dict[str, tuple[str, str]] = {}
    for message in catalogue:
        if not message.id:
            continue  # the header
        context = message.context or ""
        table, key = (codes, context[len(CODE_CONTEXT):]) if context.startswith(CODE_CONTEXT) else (texts, context)
        table[key] = (message.id, message.string)
    return texts, codes


TEXT, CODE_LABELS = _read_catalogue(CATALOGUE)


def t(key: str, lang: str = "en", /, **values) -> str:
    """The text ``key`` in ``lang``, with ``values`` formatted in."""
    text = TEXT[key][1 if lang == "zh" else 0]
    return text.format(**values) if values else text


def label(code: str | None, lang: str = "en") -> str:
    """The display name of a stored code (group, channel, form, agency, item…) in ``lang``; the code if unknown;
    "" for a missing one (None, or the NaN or NA that pandas reads a NULL as)."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    if code in CODE_LABELS:
        return CODE_LABELS[code][1 if lang == "zh" else 0]
    return str(code)


def name(record, lang: str, en: str = "name_en", zh: str = "name_zh") -> str:
    """A place's name in ``lang`` from a record (a dict, a row, an object) with English and Chinese name fields,
    the other language when that one is empty; "" when both are."""
    first, second = (zh, en) if lang == "zh" else (en, zh)

    def field(key: str):
        value = record.get(key) if isinstance(record, dict) else getattr(record, key, None)
        return None if value is None or pd.isna(value) else str(value)

    return field(first) or field(second) or ""


def names(frame: pd.DataFrame, lang: str, en: str = "name_en", zh: str = "name_zh") -> pd.Series:
    """:func:`name` of every row of ``frame`` at once: the ``lang`` column, the other where that one is missing."""
    first, second = (frame[zh], frame[en]) if lang == "zh" else (frame[en], frame[zh])
    return first.where(first.notna(), second)
