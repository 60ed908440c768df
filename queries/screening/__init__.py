"""Screening parties' names and identifiers against the lists (queries.control_lists): who may be listed, how
sure, and why. A pure library: the command line and the store call it."""

from queries.screening.engine import DEFAULT_THRESHOLD, Hit, Screener, reason_for

__all__ = ["DEFAULT_THRESHOLD", "Hit", "Screener", "reason_for"]
