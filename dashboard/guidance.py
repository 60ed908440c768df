"""What an empty or thin result says: why nothing (or little) was found, and what to change.

:func:`guidance` builds the lines from the view's filters, the user's region and the result's figures
(a plain function, tested directly); :func:`show_guidance` puts them on a page: an empty result as a
note, a thin one (too few time steps or hexagons for the method to say much) as a warning.

The thresholds are the published rules of thumb of the methods:

* emerging hot spots (Getis-Ord Gi* per time step, then the Mann-Kendall trend test of each hexagon's
  series): ArcGIS asks for at least ten time steps for the trend ("Create Space Time Cube" and
  "Emerging Hot Spot Analysis", https://pro.arcgis.com/en/pro-app/latest/tool-reference/space-time-pattern-mining/learnmorecreatecube.htm):
  with fewer, the Mann-Kendall statistic can barely reach significance (four steps give at most six
  pairs to compare). The default, monthly steps over 90 days, gives four: a warning says so.
* Gi*: ArcGIS's Hot Spot Analysis wants at least 30 features with values
  (https://pro.arcgis.com/en/pro-app/latest/tool-reference/spatial-statistics/h-how-hot-spot-analysis-getis-ord-gi-spatial-stati.htm):
  with fewer hexagons holding seizures, few neighbourhoods differ from the whole.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard.context import current_context
from dashboard.i18n import label, t
from queries.access import region_line
from queries.filters import Filters, narrowing

MIN_STEPS = 10  # emerging hot spots: time steps for a Mann-Kendall trend that can say something (ArcGIS)
MIN_CELLS = 30  # Gi*: hexagons holding seizures (ArcGIS: at least 30 features)
# what each kind of result is empty of: the note's first line
EMPTY = {"seizures": "guide_empty_seizures", "hotspots": "guide_empty_hotspots",
         "emerging": "guide_empty_emerging", "clusters": "guide_empty_clusters"}


def filters_set(filters: Filters, lang: str) -> list[str]:
    """The names of the declared filters that narrow ``filters`` (the period aside), in ``lang``."""
    return [label(f.title, lang) for f, _ in narrowing(filters)]


def period_text(filters: Filters, lang: str) -> str | None:
    """The period of ``filters`` as days, both ends included, to be made longer; None for all the records."""
    if filters.start is None:
        return None
    end = f"{filters.end - timedelta(seconds=1):%Y-%m-%d}" if filters.end else "—"
    return t("guide_period", lang, start=f"{filters.start:%Y-%m-%d}", end=end)


def guidance(kind: str, filters: Filters, region: str | None, lang: str, *, found: int, cells: int | None = None,
             steps: int | None = None) -> list[str]:
    """The lines that explain a result of ``kind`` (``seizures``, ``hotspots``, ``emerging``, ``clusters``)
    with ``found`` things in it, read through ``filters`` by a user who sees only ``region`` (None: everything):
    when it is empty, why (the filters set, the period, the region) and what to change; whatever it holds,
    whether its method had enough to go on (``cells``: hexagons holding seizures, for Gi*; ``steps``: time
    steps, for emerging hot spots). No line: nothing to say."""
    lines = []
    if steps is not None and steps < MIN_STEPS:
        lines.append(t("guide_few_steps", lang, steps=steps, least=MIN_STEPS))
    if cells is not None and cells < MIN_CELLS:
        lines.append(t("guide_few_cells", lang, cells=cells, least=MIN_CELLS))
    if found:
        return lines
    if kind == "hotspots" and not lines:
        lines.append(t("guide_no_significant", lang, rings=t("rings", lang), fdr=t("fdr", lang)))
    if kind == "clusters":
        lines.append(t("guide_no_clusters", lang))
    narrowing = filters_set(filters, lang)
    if narrowing:
        lines.append(t("guide_filters", lang, filters=t("list_separator", lang).join(narrowing), reset=t("reset", lang)))
    period = period_text(filters, lang)
    if period:
        lines.append(period)
    if region is not None:
        lines.append(t("guide_scope", lang, region=region))
    return [t(EMPTY[kind], lang), *lines]


def show_guidance(kind: str, filters: Filters, lang: str, *, found: int, cells: int | None = None,
                  steps: int | None = None) -> None:
    """:func:`guidance` on the page, for the signed-in user of this run: a note when nothing was found, a
    warning when the result is thin; nothing when there is nothing to say."""
    ctx = current_context()
    region = None if ctx.user.scope.everything else region_line(ctx.user.grants, ctx.units, lang)
    lines = guidance(kind, filters, region, lang, found=found, cells=cells, steps=steps)
    if lines:
        (st.warning if found else st.info)("  \n".join(lines), icon=":material/lightbulb:")
