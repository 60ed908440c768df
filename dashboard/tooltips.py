"""Escaping for display. Tooltips: one deck-wide template over two fields every pickable record carries,
pre-escaped; markdown_text for values shown through Markdown.

deck.gl puts the tooltip template into the page as HTML with the record's fields substituted
as they are, so each field is escaped here, on the server, before it is sent.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

TOOLTIP = {
    "html": "<b>{title}</b><br/>{detail}",
    "style": {"backgroundColor": "#172235", "color": "#e6edf6", "fontSize": "12px", "maxWidth": "340px",
              "border": "1px solid #3b4d6b"},
}


def tooltip_fields(title: object, lines: Iterable[tuple[str, object]]) -> dict[str, str]:
    """``{"title", "detail"}`` for one record: every value escaped, empty values left out."""
    detail = "<br/>".join(
        f"{html.escape(name)}: {html.escape(str(value))}" for name, value in lines if value not in (None, "") and value == value
    )
    return {"title": html.escape(str(title)), "detail": detail}


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$"})


def markdown_text(text: object) -> str:
    """``text`` with HTML escaped and Markdown's special characters backslashed, so that a value from a
    record or a URL shows literally inside st.markdown, st.warning and the like."""
    return html.escape(str(text), quote=False).translate(_MARKDOWN_SPECIALS)
