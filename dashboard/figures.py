"""The headline figures of a view, the same on the live map and the Analysis page: seizures, kilograms
and value (million yuan), each against the previous period of the same length."""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import t

# label key, field of the summary row, divisor, format
FIGURES = (
    ("kpi_seizures", "seizures", 1, "{:,.0f}"),
    ("kpi_kg", "kg", 1, "{:,.0f}"),
    ("kpi_value", "value_cny", 1e6, "{:,.1f}"),
)


def metric_delta(current: float, previous: float | None) -> str | None:
    """ "+12 %" against the previous period (None when there is no previous period or it was empty)."""
    if previous is None or pd.isna(previous) or previous == 0:
        return None
    return f"{(current - previous) / previous:+.0%}"


def show_figures(columns, summary: pd.Series, previous: pd.Series | None, lang: str, help: str | None = None) -> None:
    """:data:`FIGURES` of ``summary`` in ``columns`` (one each), with their change since ``previous``."""
    for column, (key, field, divisor, text) in zip(columns, FIGURES):
        before = previous[field] if previous is not None else None
        column.metric(t(key, lang), text.format(summary[field] / divisor), metric_delta(summary[field], before),
                      help=help, border=True)
