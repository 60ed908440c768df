"""The Analysis page's Export panel, network export and situation brief: what the page shows, as a file to take away.

The analysis layer offered is the one on the page (with its coverage-gap distance, when one is set),
so the file holds exactly what the planner saw; the filtered seizures, checkpoints, hubs and border
zones come with the same filters, and so does the network of the parties behind them (GraphML, GEXF or CSV
for i2 and Gephi: geodata.export_network). A file is prepared on request (the seizures can be many) and
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
from geodata.export_network import NETWORK_FORMATS, network_download, read_network_export
from geodata.export_sources import filters_to_dict, provenance_for, reference_layer, seizure_source
from queries.access import User, may
from queries.filters import Filters
from queries.sensitive import may_export_personal, record_personal_view
from queries.store import Store
from queries.stores import open_store

VIEW_LAYERS = ("seizures", "checkpoints", "hubs", "zones")
ALL_LAYERS = "all"  # the analysis on the page and every view layer, in one GeoPackage
BRIEF_FORMATS = ("pdf", "png")
EXPORT_KEY = "prepared_export"
NETWORK_KEY = "prepared_network"
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
    base = _base_name(filters, layer)
    with source.reading() as con:
        if layer == ALL_LAYERS:
            names = [name for name in layer_choices(shown) if name != ALL_LAYERS]
            return geopackage_to_bytes([_with_provenance(con, filters, name, shown) for name in names], base,
                                       lang)
        frame, provenance = _with_provenance(con, filters, layer, shown)
        return export_to_bytes(frame, fmt, provenance, base, lang)


def _base_name(filters: Filters, what: str) -> str:
    """A download's file name: what it holds and the view's period."""
    return safe_filename(f"cordon {what} {filters.start:%Y%m%d}-{filters.end:%Y%m%d}" if filters.start and filters.end
                         else f"cordon {what}")


def network_export_download(source: Source, filters: Filters, fmt: str, user: User, store: Store) -> Download:
    """The network of the parties behind the view's seizures as a ``fmt`` file (geodata.export_network), read
    within ``source``'s scope: phone and identity numbers in clear only for an account that may export people's
    data (queries.sensitive.may_export_personal), and then that view of its people and phones audited."""
    unmasked = may_export_personal(user)
    with source.reading() as con:
        export = read_network_export(con, filters, source.scope, unmasked)
    if unmasked:
        record_personal_view(store, user, export.personal_parties, "exports: network")
    return network_download(export, fmt, _base_name(filters, "network"))


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
    _render_network_export(ctx, filters, version)

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


def _render_network_export(ctx: PageContext, filters: Filters, version: int) -> None:
    """The network of the view's parties for investigators, in the format asked for; each file prepared is a row
    of the audit trail (format, filters, seizures, nodes, links, whether personal data was in clear)."""
    lang, store = ctx.view.lang, open_store(ctx.path)
    unmasked = may_export_personal(ctx.user)
    st.subheader(t("export_network_title", lang))
    st.caption(t("export_network_hint", lang) + " "
               + t("export_network_unmasked" if unmasked else "export_network_masked", lang))
    with st.form("network_export_form"):
        fmt = st.selectbox(t("export_format", lang), tuple(NETWORK_FORMATS), key="n_format",
                           format_func=lambda name: t(f"network_format_{name}", lang))
        asked = st.form_submit_button(t("export_prepare", lang))
    request = (version, filters, fmt, unmasked)
    if asked:
        with st.spinner(t("preparing", lang), show_time=True):
            download = network_export_download(ctx.source, filters, fmt, ctx.user, store)
        st.session_state[NETWORK_KEY] = Prepared(request, download)
        provenance = json.loads(download.provenance.data)
        audit(store, "export", ctx.user.username, {
            "layer": "network", "format": fmt, "file": download.file_name, "filters": provenance["filters"],
            "records": provenance["records"], "nodes": provenance["nodes"], "edges": provenance["edges"],
            "personal_data": provenance["personal_data"]}, minute_now())
    download = _prepared(NETWORK_KEY, request)
    if download is not None:
        _download_buttons(download, lang, "n")


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
