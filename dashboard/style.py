"""Colours and labels of the map: one colour per mineral group, names in English and Chinese."""

from __future__ import annotations

import html

GROUP_COLOURS = {
    "REE_heavy": (255, 92, 92),
    "REE_light": (247, 131, 172),
    "Ga": (77, 171, 247),
    "Ge": (151, 117, 250),
    "Sb": (255, 212, 59),
    "graphite": (173, 181, 189),
    "W": (105, 219, 124),
    "Te": (56, 217, 169),
    "Bi": (255, 169, 77),
    "Mo": (169, 227, 75),
    "In": (102, 217, 232),
    "superhard": (229, 153, 247),
}

LABELS = {
    "REE_heavy": ("Heavy rare earths", "重稀土"),
    "REE_light": ("Light rare earths", "轻稀土"),
    "Ga": ("Gallium", "镓"),
    "Ge": ("Germanium", "锗"),
    "Sb": ("Antimony", "锑"),
    "graphite": ("Graphite", "石墨"),
    "W": ("Tungsten", "钨"),
    "Te": ("Tellurium", "碲"),
    "Bi": ("Bismuth", "铋"),
    "Mo": ("Molybdenum", "钼"),
    "In": ("Indium", "铟"),
    "superhard": ("Superhard materials", "超硬材料"),
    "land_port": ("Land port", "陆路口岸"),
    "unofficial_path": ("Unofficial border path", "便道"),
    "postal_express": ("Postal / express", "寄递渠道"),
    "sea_port": ("Sea port", "海港"),
    "air_cargo": ("Air cargo", "航空货运"),
    "processing_hub": ("Processing hub", "加工集散地"),
}

# Base map: sea, neighbours, China, border zones and the land boundary.
SEA = (14, 22, 36)
NEIGHBOUR_FILL = (46, 54, 68)
CHINA_FILL = (34, 48, 72)
PROVINCE_LINE = (90, 110, 140)
ZONE_FILL = (232, 89, 12, 40)
ZONE_LINE = (232, 89, 12, 200)
BOUNDARY = (255, 80, 60)
CHECKPOINT = (255, 255, 255)
HUB = (255, 196, 0)


def label(code: str, lang: str = "en") -> str:
    """The display name of a group or channel code in ``lang`` ('en' or 'zh'); the code if unknown."""
    names = LABELS.get(code)
    return code if names is None else names[1 if lang == "zh" else 0]


def hex_colour(rgb: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def legend_html(lang: str = "en") -> str:
    """The map legend as HTML; every label is escaped."""
    swatch = '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;background:{};margin-right:5px"></span>'
    groups = "".join(
        f'<div style="margin:2px 0">{swatch.format(hex_colour(rgb))}{html.escape(label(code, lang))}</div>'
        for code, rgb in GROUP_COLOURS.items()
    )
    symbols = [
        ('<span style="display:inline-block;width:18px;border-top:3px solid {};margin:0 5px 3px 0"></span>', BOUNDARY,
         "International land boundary"),
        ('<span style="display:inline-block;width:12px;height:12px;background:rgba(232,89,12,0.25);'
         'border:1px solid {};margin-right:5px"></span>', ZONE_LINE, "Border zone (county on the boundary)"),
        ('<span style="display:inline-block;width:10px;height:10px;background:{};transform:rotate(45deg);'
         'margin:0 7px 0 2px"></span>', CHECKPOINT, "Checkpoint (port, postal hub)"),
        ('<span style="display:inline-block;width:0;height:0;border-left:6px solid transparent;border-right:6px solid '
         'transparent;border-bottom:11px solid {};margin-right:5px"></span>', HUB, "Processing hub"),
    ]
    places = "".join(
        f'<div style="margin:2px 0">{template.format(hex_colour(rgb))}{html.escape(text)}</div>'
        for template, rgb, text in symbols
    )
    return (
        '<div style="font-size:0.85rem;line-height:1.35">'
        f"<b>Seizures by mineral</b> (size: quantity){groups}<br/><b>Places</b>{places}</div>"
    )
