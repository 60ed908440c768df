"""How every table of seizure figures is shown: numbers with thousands separators, wide enough to read.

One function draws them all, so that a count, a weight or a value reads the same in every table as in
the headline figures above it (9,685 kg, not 9685)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

# Intl.NumberFormat in the reader's browser: 1,234,567 (and 1,234.5) in English and Chinese alike
NUMBER_FORMAT = "localized"


EMPTY_CELL = ""  # what a table shows for a missing value
IDENTIFIERS = ("ID", "#")  # numbered names, not quantities: record 19999, not 19,999


def number_formats(frame: pd.DataFrame) -> dict[str, st.column_config.NumberColumn]:
    """A column setting for each numeric column of ``frame``: thousands separators, or none for an identifier."""
    return {
        column: st.column_config.NumberColumn(format="plain" if column in IDENTIFIERS else NUMBER_FORMAT)
        for column in frame.columns
        if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
    }


def show_table(data: pd.DataFrame | dict, key: str, **options):
    """``data`` (a frame or columns by name) as a full-width table without an index, numbers separated, a missing
    value an empty cell (Streamlit would write "None"); ``options`` go to st.dataframe (height, on_select, …).
    Returns st.dataframe's selection event."""
    frame = pd.DataFrame(data)
    return st.dataframe(frame, hide_index=True, key=key, width="stretch", column_config=number_formats(frame),
                        placeholder=EMPTY_CELL, **options)
