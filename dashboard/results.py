"""What every analysis result on the Analysis page shows: its parameters, its map beside a legend
framed on what it found, and the coverage-gap control that narrows it to what no checkpoint covers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.data import Source, data_version, map_data, run_analysis
from dashboard.i18n import name, t
from dashboard.map_layers import base_layers, border_bounds, checkpoint_layers, framed_view, labelled_deck
from dashboard.startup import base_map
from geodata.coverage import coverage_gaps
from geodata.label_placement import Viewport
from geodata.results import AnalysisResult
from geodata.worker import AnalysisBusy, AnalysisStopped, Wait
from queries.filters import Filters

MAP_HEIGHT = 560


@dataclass(frozen=True, eq=False)
class ShownLayer:
    """The analysis layer a page shows, for the Export panel: its name among the export layers
    (hotspots, emerging, clusters, or gaps when a coverage-gap distance is set) and the result, its
    features and what they were made with."""

    layer: str
    result: AnalysisResult

    @property
    def signature(self) -> str:
        """What the layer was made with, to tell when a file prepared from it is out of date."""
        return json.dumps([self.layer, self.result.parameters, len(self.result.frame)], sort_keys=True, default=str)


def shown_layer(analysis: str, result: AnalysisResult, gap_km: float, gaps: gpd.GeoDataFrame) -> ShownLayer:
    """The layer on the page: the ``analysis`` result, or its coverage ``gaps`` when ``gap_km`` is set."""
    if not gap_km:
        return ShownLayer(analysis, result)
    return ShownLayer("gaps", result.gaps(gaps, gap_km, analysis))
MAP_WIDTH_PX = 720  # about the map's width beside its legend on a 1440-px-wide screen: its view and labels are made for it


class _Status:
    """The line that says, at every poll, how long the analysis has waited or run, with a Cancel button
    (made at the first poll: a cached result needs neither). Cancel reruns the page, and Streamlit stops
    the running script at its next poll, which ends the wait and kills the worker."""

    def __init__(self, lang: str, cancel_key: str):
        self.lang, self.cancel_key = lang, cancel_key
        self.area = st.empty()
        self.line = None

    def __call__(self, wait: Wait) -> None:
        if self.line is None:
            with self.area.container():
                self.line = st.empty()
                st.button(t("cancel", self.lang), key=self.cancel_key)
        self.line.caption(t(f"analysis_{wait.phase}", self.lang, seconds=f"{wait.seconds:.0f}"))


def analysis_result(analysis: str, form: Callable[[str], tuple[object, bool]], source: Source, filters: Filters,
                    lang: str, user: str) -> dict | None:
    """The section of ``analysis`` up to its result: its hint, its parameters ``form`` (which returns the
    parameters and whether they were submitted in this run) and the result for those parameters
    (``dashboard.data.run_analysis``), with a status line and a Cancel button while it runs; None, with
    the reason shown, when it was cancelled, refused as too heavy, stopped by a limit, is already running
    for ``user`` or cannot run on the view. A cancelled request waits for the form to be submitted again."""
    st.caption(t(f"{analysis}_hint", lang))
    params, submitted = form(lang)
    cancel_key, cancelled_key = f"{analysis}_cancel", f"{analysis}_cancelled"
    if st.session_state.get(cancel_key):  # the rerun that Cancel caused: the run it stopped is over
        st.session_state[cancelled_key] = params
    if submitted:
        st.session_state.pop(cancelled_key, None)
    if st.session_state.get(cancelled_key) == params:
        st.info(t("analysis_cancelled", lang))
        return None
    status = _Status(lang, cancel_key)
    try:
        found = run_analysis(analysis, source, data_version(source.path), filters, params, user, status)
    except AnalysisBusy:
        st.warning(t("analysis_busy", lang))
        return None
    except AnalysisStopped as stopped:
        st.error(t(f"analysis_stopped_{stopped.reason}", lang, seconds=f"{stopped.limits.timeout_s:,g}",
                   mb=f"{stopped.limits.max_mb:,.0f}"))
        return None
    finally:
        status.area.empty()
    if "refused" in found:
        estimate, limits = found["refused"].estimate, found["refused"].limits
        st.warning(t(f"refused_{estimate.kind}", lang, seizures=f"{estimate.seizures:,}", work=f"{estimate.work:,.0f}",
                     seconds=f"{estimate.seconds:,.0f}", mb=f"{estimate.mb:,.0f}",
                     limit_s=f"{limits.timeout_s:,g}", limit_mb=f"{limits.max_mb:,.0f}"))
        return None
    if "error" in found:
        st.warning(t("analysis_failed", lang, reason=found["error"]))
        return None
    return found


def place_columns(frame: pd.DataFrame, lang: str) -> dict[str, list]:
    """Where each feature of a result is, in words (its county and nearest checkpoint: ``geodata.places``), and
    its distance from that checkpoint: the first columns of a result's table, whose hexagon ids stay keys."""
    return {
        t("place", lang): [name(row, lang, "place_en", "place_zh") for row in frame.itertuples()],
        t("distance_km", lang): frame["checkpoint_km"].round(1).tolist(),
    }


# How a parameter's value reads in a caption where it is a choice: the catalogue's key for its name
PARAM_CHOICES = {"method": "method_{}", "resolution": "hex_res_{}", "weight": "weight_{}", "step": "step_{}"}


def params_text(params: dict, lang: str) -> str:
    """The parameters that are set, as every result's caption shows them, in ``lang``: each by its name
    (``param_<key>`` in the catalogue), a choice by its label, a switch as on or off, a number as it is."""
    def value_text(key: str, value) -> str:
        if isinstance(value, bool):
            return t("param_on" if value else "param_off", lang)
        if key in PARAM_CHOICES:
            return t(PARAM_CHOICES[key].format(value), lang)
        return f"{value:g}" if isinstance(value, float) else str(value)

    return t("list_separator", lang).join(t("param", lang, name=t(f"param_{key}", lang), value=value_text(key, value))
                                          for key, value in params.items() if value is not None)


def view_of(features: gpd.GeoDataFrame) -> Viewport:
    """A view that frames ``features`` with the whole border region around them, never the features alone."""
    bounds = features.total_bounds if not features.empty else border_bounds()
    return framed_view(bounds, MAP_WIDTH_PX, MAP_HEIGHT)


def gap_filter(features: gpd.GeoDataFrame, lang: str, key: str) -> tuple[float, gpd.GeoDataFrame]:
    """The coverage-gap control: the distance chosen, and the ``features`` (with ``checkpoint_km``) at
    least that far from every checkpoint, farthest first (all of them at 0 km)."""
    km = st.number_input(t("gap_km", lang), 0.0, 500.0, 0.0, 5.0, key=key, help=t("gap_help", lang))
    gaps = coverage_gaps(features, km)
    if km > 0:
        st.caption(t("gaps_summary", lang, gaps=len(gaps), total=len(features), km=km))
    return km, gaps


def result_map(source: Source, filters: Filters, lang: str, result_layers: list, framed: gpd.GeoDataFrame, legend: str,
               key: str) -> None:
    """The base map, ``result_layers`` and the view's checkpoints over them, framed on ``framed`` with the border region
    around it, with ``legend`` beside."""
    places = map_data(source, data_version(source.path), filters, 7, 0, ("hubs",))
    view = view_of(framed)
    shown = labelled_deck([*base_layers(base_map(lang), True, lang, view), *result_layers,
                           *checkpoint_layers(places["checkpoints"], lang)], view)
    left, right = st.columns([4, 1])
    with left:
        st.pydeck_chart(shown, height=MAP_HEIGHT, key=key)
    with right:
        st.markdown(legend, unsafe_allow_html=True)
