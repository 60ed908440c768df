"""The dashboard's words: ``t`` for the interface's texts, ``label`` for stored codes, ``name``/``names`` for places.

They and the words are defined once, in :mod:`queries.labels` and its catalogue queries/locale/zh.po
(English and Simplified Chinese), shared with the situation brief, the exports and the command line;
the pages import them from here. A test checks that both languages are complete.
"""

from __future__ import annotations

from queries.labels import LANGUAGES, label, name, names, t

__all__ = ["LANGUAGES", "label", "name", "names", "t"]
