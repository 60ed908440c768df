"""Text from records, shown safely. Tooltips: one deck-wide template over two fields every pickable
record carries; markdown_text for values shown through Markdown.

The map's tooltip is a *text* template: Streamlit fills in the record's fields and deck.gl sets the
result with ``innerText``, so whatever a record says is shown as characters and never parsed as HTML.
(An ``html`` template would need escaping, and Streamlit 1.67 escapes substituted values itself, so
values escaped here as well would show as ``&lt;`` on screen.)
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

TOOLTIP = {
    "text": "{title}\n{detail}",
    "style": {
        "backgroundColor": "#172235",
        "color": "#e6edf6",
        "fontSize": "12px",
        "maxWidth": "340px",
        "border": "1px solid #3b4d6b",
        "lineHeight": "1.45",
    },
}


def _known(value: object) -> bool:
    """Whether a tooltip value says something: not None, NaN, NA, NaT or empty text."""
    return not (value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) or value == "")


def tooltip_fields(title: object, lines: Iterable[tuple[str, object]]) -> dict[str, str]:
    """``{"title", "detail"}`` for one record: one "name: value" line per value, empty values left out."""
    detail = "\n".join(f"{name}: {value}" for name, value in lines if _known(value))
    return {"title": str(title), "detail": detail}


def tooltip_frame(titles: pd.Series, lines: dict[str, pd.Series]) -> pd.DataFrame:
    """``title`` and ``detail`` columns for many records at once (the same rule as :func:`tooltip_fields`,
    column by column, for the thousands of points a map carries)."""
    named = [
        [f"{name}: {value}" if _known(value) else None for value in values.astype(object).tolist()]
        for name, values in lines.items()
    ]
    detail = ["\n".join(line for line in row if line is not None) for row in zip(*named)] if named else []
    return pd.DataFrame({"title": titles.astype(str).tolist(), "detail": detail or [""] * len(titles)})


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$"})


def markdown_text(text: object) -> str:
    """``text`` with HTML escaped and Markdown's special characters backslashed, so that a value from a
    record or a URL shows literally inside st.markdown, st.warning and the like."""
    return html.escape(str(text), quote=False).translate(_MARKDOWN_SPECIALS)
