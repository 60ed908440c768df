"""Column mappings: which headers of a file fill which fields, and how values are spelled.

A mapping is a TOML file (format in ``queries/mappings/default.toml``, which is the default and
the base every other mapping is laid over). :func:`load_mapping` reads one and checks it: an
unknown field, value or unit, or one spelling given to two different codes, is an
:class:`~queries.ingest.files.IngestError` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from queries.constants import ITEMS
from queries.ingest.fields import COORDINATES, ENUMERATIONS, FIELDS, KINDS
from queries.ingest.files import IngestError
from queries.ingest.values import UNITS_KG, normalise

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
DEFAULT_MAPPING = MAPPINGS_DIR / "default.toml"
# Spelled-out values without a fixed list of codes: countries (any ISO 3166 alpha-3 code is read
# as it is) and yes/no answers.
OPEN_VALUES = {"country": None, "boolean": ("true", "false")}


@dataclass(frozen=True)
class Mapping:
    """A loaded mapping: header spellings per field, value spellings per enumeration, units, defaults.

    ``values[enum]`` maps a :func:`~queries.ingest.values.normalise`-d spelling to its code; the
    codes themselves and the catalogue's item names are included.
    """

    name: str
    columns: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, str]]
    units: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)
    source: str | None = None

    def with_defaults(self, given: dict[str, str]) -> Mapping:
        """This mapping with ``given`` values (field → value as a file would write it) for the rows whose
        file says nothing of those fields: what applies to a whole file, given once (``--set agency=海关``)."""
        unknown = sorted(set(given) - set(FIELDS))
        if unknown:
            raise IngestError(f"--set names unknown fields {unknown}; known fields: {', '.join(FIELDS)}")
        return replace(self, defaults={**self.defaults, **given})

    def match_headers(self, headers: Iterable[str], kind: str) -> tuple[dict[str, str], list[str]]:
        """(field → the header that fills it, headers that fill nothing) for a file of ``kind``.

        A field two headers could fill takes the first; the second is listed as unmapped.
        """
        wanted = {*KINDS[kind], COORDINATES}
        by_spelling = {spelling: name for name, spellings in self.columns.items() if name in wanted
                       for spelling in spellings}
        found: dict[str, str] = {}
        unmapped = []
        for header in headers:
            name = by_spelling.get(normalise(str(header)))
            if name is None or name in found:
                unmapped.append(header)
            else:
                found[name] = header
        return found, unmapped


def _fail(path: Path, message: str) -> IngestError:
    return IngestError(f"mapping {path}: {message}")


def _codes(enum: str) -> tuple[str, ...] | None:
    return ENUMERATIONS[enum] if enum in ENUMERATIONS else OPEN_VALUES[enum]


def _catalogue_spellings() -> dict[str, dict[str, str]]:
    """The spellings every mapping understands: each code, and the catalogue's item names."""
    values = {enum: {normalise(code): code for code in (_codes(enum) or ())} for enum in (*ENUMERATIONS, *OPEN_VALUES)}
    for item in ITEMS:
        for name in (item.name_en, item.name_zh):
            for part in (name, *name.split("/")):
                values["item"].setdefault(normalise(part), item.code)
    return values


def _add_spellings(path: Path, table: dict, into: dict[str, str], codes: Iterable[str] | None, what: str) -> None:
    for code, spellings in table.items():
        if codes is not None and code not in codes:
            raise _fail(path, f"[{what}] has an unknown code {code!r}; known: {', '.join(codes)}")
        for spelling in spellings if isinstance(spellings, list) else [spellings]:
            key = normalise(str(spelling))
            if into.get(key, code) != code:
                raise _fail(path, f"[{what}] gives {spelling!r} to both {into[key]!r} and {code!r}")
            into[key] = code


def _lay_over(base: Mapping, path: Path, document: dict) -> Mapping:
    """``base`` with the tables of the mapping ``document`` (read from ``path``) laid over it."""
    unknown = set(document) - {"columns", "values", "units", "defaults", "source", "name"}
    if unknown:
        raise _fail(path, f"unknown tables or keys {sorted(unknown)}; a mapping has columns, values, units, defaults, source")
    given = {}
    for name, spellings in document.get("columns", {}).items():
        if name not in FIELDS:
            raise _fail(path, f"[columns] has an unknown field {name!r}; known fields: {', '.join(FIELDS)}")
        given[name] = tuple(normalise(str(s)) for s in (spellings if isinstance(spellings, list) else [spellings]))
    taken = {spelling for spellings in given.values() for spelling in spellings}
    columns = {name: tuple(s for s in spellings if s not in taken) for name, spellings in base.columns.items()}
    columns.update(given)
    for kind, fields in KINDS.items():
        seen: dict[str, str] = {}
        for name in (*fields, COORDINATES):
            for spelling in columns.get(name, ()):
                if seen.setdefault(spelling, name) != name:
                    raise _fail(path, f"[columns] gives the header {spelling!r} to both {seen[spelling]} and {name}, "
                                      f"two fields of {kind}")
    values = {enum: dict(spellings) for enum, spellings in base.values.items()}
    for enum, table in document.get("values", {}).items():
        if enum not in values:
            raise _fail(path, f"[values.{enum}] is not a value table; known: {', '.join(values)}")
        _add_spellings(path, table, values[enum], _codes(enum), f"values.{enum}")
    units = dict(base.units)
    _add_spellings(path, document.get("units", {}), units, UNITS_KG, "units")
    defaults = dict(base.defaults)
    for name, value in document.get("defaults", {}).items():
        if name not in FIELDS:
            raise _fail(path, f"[defaults] has an unknown field {name!r}; known fields: {', '.join(FIELDS)}")
        defaults[name] = str(value)
    return Mapping(name=document.get("name", path.stem), columns=columns, values=values, units=units,
                   defaults=defaults, source=document.get("source", base.source))


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(f"mapping {path} does not exist; give a TOML file like {DEFAULT_MAPPING}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _fail(path, f"is not valid UTF-8 TOML: {error}") from None


def load_mapping(path: str | Path | None = None) -> Mapping:
    """The default mapping, with the mapping file at ``path`` (if any) laid over it."""
    empty = Mapping(name="", columns={}, values=_catalogue_spellings(), units={})
    mapping = _lay_over(empty, DEFAULT_MAPPING, _read(DEFAULT_MAPPING))
    if path is None:
        return mapping
    path = Path(path)
    return _lay_over(mapping, path, _read(path))
