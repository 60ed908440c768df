"""The Analysis page's Export panel and situation brief: what the page shows, as a file to take away.

The analysis layer offered is the one on the page (with its coverage-gap distance, when one is set),
so the file holds exactly what the planner saw; the filtered seizures, checkpoints, hubs and border
zones come with the same filters. A file is prepared on request (the seizures can be many) and
kept for its download buttons until the view changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import streamlit as st

from dashboard.auth import audit
from dashboard.context import PageContext, minute_now
from dashboard.data import Source, data_version
from dashboard.i18n import t
from dashboard.results import ShownLayer
from geodata.brief import brief_file_name, build_brief
from geodata.brief_render import brief_bytes
from geodata.export import FORMATS, Download, export_to_bytes, geopackage_to_bytes, safe_filename
from geodata.export_sources import filters_to_dict, provenance_for, reference_layer, seizure_source
from queries.access import may
from queries.filters import Filters
from queries.stores import open_store

VIEW_LAYERS = ("seizures", "checkpoints", "hubs", "zones")
ALL_LAYERS = "all"  # the analysis on the page and every view layer, in one GeoPackage
BRIEF_FORMATS = ("pdf", "png")
EXPORT_KEY = "prepared_export"
BRIEF_KEY = "prepared_brief"


@dataclass(frozen=True)
class Prepared:
    """A file made for one request: what was asked (to drop it when the view changes) and the file."""

    request: tuple
    download: Download


def export_download(source: Source, filters: Filters, layer: str, fmt: str, shown: ShownLayer | None,
                    lang: str = "en") -> Download:
    """The ``layer`` of the view as a ``fmt`` file with its provenance: the analysis layer ``shown`` on the
    page, or the view's seizures (streamed from the store), checkpoints, hubs or border zones, or all of
    them in one GeoPackage (:data:`ALL_LAYERS`); read within ``source``'s scope; its codes labelled in ``lang``."""
    base = safe_filename(f"cordon {layer} {filters.start:%Y%m%d}-{filters.end:%Y%m%d}" if filters.start and filters.end
                         else f"cordon {layer}")
    with source.reading() as con:
        if layer == ALL_LAYERS:
            names = [name for name in layer_choices(shown) if name != ALL_LAYERS]
            return geopackage_to_bytes([_with_provenance(con, filters, name, shown) for name in names], base,
                                       lang)
        frame, provenance = _with_provenance(con, filters, layer, shown)
        return export_to_bytes(frame, fmt, provenance, base, lang)


def layer_choices(shown: ShownLayer | None) -> tuple[str, ...]:
    """What the panel offers: the analysis on the page (if any), the view's layers, all of them."""
    return (*((shown.layer,) if shown is not None else ()), *VIEW_LAYERS, ALL_LAYERS)


def _with_provenance(con, filters: Filters, layer: str, shown: ShownLayer | None) -> tuple:
    """One layer of the view and its provenance, as :func:`geodata.export.write_layer` takes them; the
    seizures are a stream from ``con``, read while it is open."""
    if layer == "seizures":
        provenance = provenance_for(con, "seizures", filters)
        return seizure_source(con, filters, provenance.records), provenance
    if layer in VIEW_LAYERS:
        return reference_layer(con, layer, filters), provenance_for(con, layer, filters)
    if shown is None or shown.layer != layer:
        raise ValueError(f"the layer {layer!r} is not the one on the page")
    return shown.result.frame, provenance_for(con, layer, filters, shown.result.parameters)


def brief_download(source: Source, filters: Filters, lang: str, fmt: str) -> Download:
    """The one-page situation brief of the view (``geodata.brief``) as a PDF or PNG, within ``source``'s scope
    (which names its area when the filters do not)."""
    with source.reading() as con:
        brief = build_brief(con, filters, lang, scope=source.scope)
    return Download(brief_file_name(brief, fmt), brief_bytes(brief, fmt),
                    "application/pdf" if fmt == "pdf" else "image/png", snapshot=brief.snapshot)


def _prepared(key: str, request: tuple) -> Download | None:
    """The file prepared for ``request``, if it is still the one asked for."""
    prepared = st.session_state.get(key)
    return prepared.download if prepared is not None and prepared.request == request else None


def render_exports(ctx: PageContext, filters: Filters, shown: ShownLayer | None) -> None:
    """The Export panel and the brief, for the roles that may use them (planners and admins); each file
    prepared is a row of the audit trail (who, which layer and filters, how many records)."""
    if not may(ctx.user.role, "export"):
        return
    lang, source, store = ctx.view.lang, ctx.source, open_store(ctx.path)
    st.subheader(t("export_title", lang))
    st.caption(t("export_hint", lang))
    with st.form("export_form"):
        left, right = st.columns(2)
        layer = left.selectbox(t("export_layer", lang), layer_choices(shown), key="x_layer",
                               format_func=lambda name: t(f"export_layer_{name}", lang))
        fmt = right.selectbox(t("export_format", lang), tuple(FORMATS), key="x_format",
                              format_func=lambda name: t(f"format_{name}", lang))
        asked = st.form_submit_button(t("export_prepare", lang))
    if layer == ALL_LAYERS:
        fmt = "gpkg"  # the one format here that holds several layers
        st.caption(t("export_all_gpkg", lang))
    version = data_version(ctx.path)
    request = (version, filters, layer, fmt, lang, None if shown is None or shown.layer != layer else shown.signature)
    if asked:
        with st.spinner(t("preparing", lang), show_time=True):
            download = export_download(source, filters, layer, fmt, shown, lang)
        st.session_state[EXPORT_KEY] = Prepared(request, download)
        provenance = json.loads(download.provenance.data)
        each = provenance.get("layers", {layer: provenance})
        records = {name: document["records"] for name, document in each.items()}
        audit(store, "export", ctx.user.username, {"layer": layer, "format": fmt, "file": download.file_name,
              "filters": next(iter(each.values()))["filters"],
              "records": records.get(layer, records)}, minute_now())
    download = _prepared(EXPORT_KEY, request)
    if download is not None:
        _download_buttons(download, lang, "x")

    if not may(ctx.user.role, "brief"):
        return
    st.subheader(t("brief_title", lang))
    st.caption(t("brief_hint", lang))
    with st.form("brief_form"):
        brief_fmt = st.radio(t("export_format", lang), BRIEF_FORMATS, horizontal=True, key="b_format",
                             format_func=str.upper)
        asked = st.form_submit_button(t("brief_prepare", lang))
    request = (version, filters, lang, brief_fmt)
    if asked:
        with st.spinner(t("preparing", lang), show_time=True):
            download = brief_download(source, filters, lang, brief_fmt)
        st.session_state[BRIEF_KEY] = Prepared(request, download)
        audit(store, "brief", ctx.user.username, {"file": download.file_name, "filters": filters_to_dict(filters)},
              minute_now())
    download = _prepared(BRIEF_KEY, request)
    if download is not None:
        _download_buttons(download, lang, "b")


def _download_buttons(download: Download, lang: str, key: str) -> None:
    """The prepared file's download button, and its provenance's beside it when it has one; on a lake, the
    snapshot it was computed from (which the command line's --as-of reads again)."""
    if download.snapshot is not None:
        st.caption(t("computed_from_snapshot", lang, snapshot=download.snapshot))
    left, right = st.columns(2)
    left.download_button(t("download", lang, name=download.file_name), download.data, download.file_name,
                         download.mime, key=f"{key}_download", on_click="ignore", icon=":material/download:")
    if download.provenance is not None:
        right.download_button(t("download", lang, name=download.provenance.file_name), download.provenance.data,
                              download.provenance.file_name, download.provenance.mime, key=f"{key}_provenance",
                              on_click="ignore", icon=":material/description:")
