"""Cordon's store: the DuckDB schema and its migrations, one .sql file per query, demo data."""

__version__ = "0.15.0"
