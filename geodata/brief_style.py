"""The brief's paper: the A4 page and the print palette that its page, map and labels draw with."""

from __future__ import annotations

from geodata.palette import BIN_COLOURS

PAGE_INCHES = (297 / 25.4, 210 / 25.4)  # A4 landscape
DPI = 150
MARGIN = 0.35  # inches

# Print palette (light paper). Hot and cold bins take geodata.palette's colours, as the dashboard and
# the KML exports do; the border zones, boundary, checkpoints and hubs echo the dashboard's map on paper.
HOT_SPOT_COLOURS = {level: tuple(channel / 255 for channel in rgb) for level, rgb in BIN_COLOURS.items()}
NOT_SIGNIFICANT_ALPHA = 0.35  # grey hexagons that held seizures but are no hot or cold spot: background
INK = "#1f2933"
MUTED = "#66717e"
SEA = "#dce8f1"
NEIGHBOUR_FILL = "#e3e0d8"
CHINA_FILL = "#f1efe9"
AREA_FILL = "#ffffff"
PROVINCE_LINE = "#98a3af"
COUNTY_LINE = "#ccd2d8"
ZONE_COLOUR = "#e8590c"
ZONE_ALPHA = 0.09
BOUNDARY = "#c92a2a"
CHECKPOINT_EDGE = "#1f2933"
HUB = "#f59f00"
CLUSTER_LINE = "#212529"
RULE = "#d5d9de"
PANEL = "#f4f5f7"
STAMP = "#c92a2a"
