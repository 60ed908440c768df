"""The colours of the analysis layers, defined once for every place that draws them: the dashboard's
map and legend, the exported KML styles and the situation brief.

Gi* bins use ArcGIS's hot-spot symbology (ColorBrewer RdYlBu, red for hot, blue for cold, 99 %
darkest); "not significant" is a neutral grey so that it reads as background on a dark or a light
map. Emerging categories keep ArcGIS's logic: reds for hot patterns, darkest for the most urgent
(new, intensifying), blues for their cold counterparts.
"""

from __future__ import annotations

from geodata.emerging import NO_PATTERN, PATTERNS

BIN_COLOURS: dict[int, tuple[int, int, int]] = {
    3: (215, 48, 39),
    2: (252, 141, 89),
    1: (254, 224, 144),
    0: (150, 150, 150),
    -1: (224, 243, 248),
    -2: (145, 191, 219),
    -3: (69, 117, 180),
}

_HOT_PATTERN_COLOURS = {
    "new": (165, 0, 38),
    "consecutive": (215, 48, 39),
    "intensifying": (244, 109, 67),
    "persistent": (253, 174, 97),
    "diminishing": (254, 224, 144),
    "sporadic": (241, 105, 160),
    "oscillating": (174, 1, 126),
    "historical": (191, 160, 120),
}
_COLD_PATTERN_COLOURS = {
    "new": (49, 54, 149),
    "consecutive": (69, 117, 180),
    "intensifying": (116, 173, 209),
    "persistent": (171, 217, 233),
    "diminishing": (224, 243, 248),
    "sporadic": (120, 198, 190),
    "oscillating": (84, 39, 143),
    "historical": (150, 160, 180),
}
CATEGORY_COLOURS: dict[str, tuple[int, int, int]] = {
    **{f"{pattern} hot spot": _HOT_PATTERN_COLOURS[pattern] for pattern in PATTERNS},
    **{f"{pattern} cold spot": _COLD_PATTERN_COLOURS[pattern] for pattern in PATTERNS},
    NO_PATTERN: (150, 150, 150),
}
