"""KML for Google Earth (and KMZ, its zipped form): placemarks styled by class, typed attributes,
and the export's provenance in the Document's ExtendedData.

KML is WGS84 lon/lat by definition (OGC KML 2.2), so no CRS is written. Classes and colours:

* hot spots by Gi* bin, coverage gaps among hot spots the same way, and emerging hot-spot cells by
  category, named in the export's language as on the dashboard (``queries.labels``) and in the colours
  of ``geodata.palette`` that the dashboard's map and the brief use too;
* every other layer (clusters, gaps among clusters, seizures, checkpoints, hubs, zones) in one
  colour of its own.

Each placemark carries its row as ``SchemaData`` (a ``Schema`` with typed ``SimpleField`` s, which
Google Earth shows in the balloon and GDAL reads back as fields); its name is the row's name,
place (a hot spot's or cluster's county and nearest checkpoint, ``geodata.places``), name, cluster,
cell or seizure id, in the export's language, and its description the class label. Rows are written a record batch at
a time, so a large layer streams through.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, TextIO

import pyarrow as pa
import shapely

from geodata.emerging import NO_PATTERN
from geodata.export_sources import LayerSource
from geodata.palette import BIN_COLOURS, CATEGORY_COLOURS
from queries.labels import label, t

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
# Layers drawn in one colour (RGB); hexagon layers fall back to it for a row without a class.
LAYER_COLOURS = {"clusters": (255, 127, 0), "gaps": (231, 41, 138), "seizures": (230, 85, 13),
                 "checkpoints": (255, 255, 255), "hubs": (255, 191, 0), "zones": (70, 130, 180),
                 "hotspots": BIN_COLOURS[0], "emerging": CATEGORY_COLOURS[NO_PATTERN]}
# Layers styled by a column: the column and the colour of each of its class values.
CLASS_COLOURS = {"hotspots": ("bin", BIN_COLOURS), "gaps": ("bin", BIN_COLOURS),
                 "emerging": ("category", CATEGORY_COLOURS)}
NAME_COLUMNS = ("place_{lang}", "name_{lang}", "cluster", "cell", "seizure_id")  # a placemark's name: the first there
POLYGON_ALPHA = 176  # polygons at 70 % opacity, so the map shows through
_SIMPLE_TYPES = ((pa.types.is_boolean, "bool"), (pa.types.is_unsigned_integer, "uint"), (pa.types.is_integer, "int"),
                 (pa.types.is_floating, "double"))
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def kml_colour(rgb: tuple[int, int, int], alpha: int = 255) -> str:
    """KML's aabbggrr hex colour for an RGB colour and an opacity (0-255)."""
    if len(rgb) != 3 or not all(0 <= c <= 255 for c in (*rgb, alpha)):
        raise ValueError(f"colour must be three values 0-255 and alpha 0-255, got {rgb} and {alpha}")
    red, green, blue = rgb
    return f"{alpha:02x}{blue:02x}{green:02x}{red:02x}"


def _text(value: Any) -> str:
    """A value as XML text: booleans true/false, floats exact, times ISO, characters XML cannot hold dropped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return _NOT_XML.sub("", str(value))


def _style(style_id: str, rgb: str) -> ET.Element:
    style = ET.Element("Style", id=style_id)
    icon = ET.SubElement(style, "IconStyle")
    ET.SubElement(icon, "color").text = kml_colour(rgb)
    line = ET.SubElement(style, "LineStyle")
    ET.SubElement(line, "color").text = kml_colour(rgb)
    ET.SubElement(line, "width").text = "1.5"
    poly = ET.SubElement(style, "PolyStyle")
    ET.SubElement(poly, "color").text = kml_colour(rgb, POLYGON_ALPHA)
    return style


def _coordinates(geometry) -> str:
    return " ".join(f"{x!r},{y!r}" for x, y in shapely.get_coordinates(geometry).tolist())


def geometry_element(geometry) -> ET.Element:
    """A shapely geometry (lon/lat) as a KML geometry element; multi-part ones as MultiGeometry."""
    kind = geometry.geom_type
    if kind in ("Point", "LineString"):
        element = ET.Element(kind)
        ET.SubElement(element, "coordinates").text = _coordinates(geometry)
        return element
    if kind == "Polygon":
        element = ET.Element("Polygon")
        rings = [("outerBoundaryIs", geometry.exterior), *(("innerBoundaryIs", ring) for ring in geometry.interiors)]
        for boundary, ring in rings:
            linear = ET.SubElement(ET.SubElement(element, boundary), "LinearRing")
            ET.SubElement(linear, "coordinates").text = _coordinates(ring)
        return element
    if kind in ("MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"):
        element = ET.Element("MultiGeometry")
        element.extend(geometry_element(part) for part in geometry.geoms)
        return element
    raise ValueError(f"KML cannot hold a {kind} geometry")


def _class_of(layer: str, schema: pa.Schema, lang: str) -> tuple[str, dict] | None:
    """The column a layer is styled by and each class value's colour and label in ``lang``; None if unstyled."""
    if layer not in CLASS_COLOURS or CLASS_COLOURS[layer][0] not in schema.names:
        return None
    column, colours = CLASS_COLOURS[layer]
    return column, {value: (rgb, t(f"bin_{value}", lang) if column == "bin" else label(value, lang))
                    for value, rgb in colours.items()}


def _document_head(source: LayerSource, provenance: dict, classes) -> list[ET.Element]:
    """name, description (with the lake snapshot and the legend, in the export's language), styles, the provenance
    and the schema of the rows."""
    name = ET.Element("name")
    name.text = f"Cordon {source.layer}"
    description = ET.Element("description")
    legend = [f"{label}: RGB {rgb}" for rgb, label in classes[1].values()] if classes else []
    filters = json.dumps(provenance["filters"], ensure_ascii=False)
    snapshot = [] if provenance["snapshot"] is None else [t("snapshot_of", source.lang, snapshot=provenance["snapshot"])]
    description.text = "\n".join([provenance["method"], f"{t('filters', source.lang)}: {filters}",
                                  f"{t('cut_off', source.lang)}: {provenance['data_cutoff']}", *snapshot, *legend])
    styles = [_style(f"{source.layer}-{i}", rgb) for i, (rgb, _) in enumerate(classes[1].values())] if classes else []
    styles.append(_style(source.layer, LAYER_COLOURS[source.layer]))
    extended = ET.Element("ExtendedData")
    data = ET.SubElement(extended, "Data", name="cordon_provenance")
    ET.SubElement(data, "displayName").text = "Cordon provenance (JSON)"
    ET.SubElement(data, "value").text = json.dumps(provenance, ensure_ascii=False)
    schema = ET.Element("Schema", name=source.layer, id=source.layer)
    for field in source.schema:
        if field.name != "geometry":
            kind = next((kml for test, kml in _SIMPLE_TYPES if test(field.type)), "string")
            ET.SubElement(schema, "SimpleField", name=field.name, type=kind)
    return [name, description, *styles, extended, schema]


def _placemarks(batch: pa.RecordBatch, layer: str, classes, lang: str) -> list[str]:
    names = [column.format(lang=lang) for column in NAME_COLUMNS if column.format(lang=lang) in batch.schema.names][:1]
    style_of = {value: f"{layer}-{i}" for i, value in enumerate(classes[1])} if classes else {}
    geometries = shapely.from_wkb(batch.column("geometry").to_numpy(zero_copy_only=False))
    rows = batch.drop_columns(["geometry"]).to_pylist()
    marks = []
    for row, geometry in zip(rows, geometries, strict=True):
        mark = ET.Element("Placemark")
        if names and row[names[0]] is not None:
            ET.SubElement(mark, "name").text = _text(row[names[0]])
        value = row[classes[0]] if classes else None
        if value in style_of:
            ET.SubElement(mark, "description").text = classes[1][value][1]
        ET.SubElement(mark, "styleUrl").text = "#" + style_of.get(value, layer)
        data = ET.SubElement(ET.SubElement(mark, "ExtendedData"), "SchemaData", schemaUrl="#" + layer)
        for field, cell in row.items():
            if cell is not None:
                ET.SubElement(data, "SimpleData", name=field).text = _text(cell)
        if geometry is not None:
            mark.append(geometry_element(geometry))
        marks.append(ET.tostring(mark, encoding="unicode"))
    return marks


def write_kml(source: LayerSource, out: TextIO, provenance: dict) -> None:
    """Write ``source`` as a KML document to the text stream ``out``, batch by batch."""
    classes = _class_of(source.layer, source.schema, source.lang)
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="{KML_NAMESPACE}"><Document>\n')
    head = _document_head(source, provenance, classes)
    out.writelines(ET.tostring(element, encoding="unicode") + "\n" for element in head)
    out.writelines("\n".join(_placemarks(batch, source.layer, classes, source.lang)) + "\n" for batch in source.batches)
    out.write("</Document></kml>\n")
