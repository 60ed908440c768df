"""Column mappings: which headers of a file fill which fields, and how values are spelled.

A mapping is a TOML file (format in ``queries/mappings/default.toml``, which is the default and
the base every other mapping is laid over). :func:`load_mapping` reads one (:func:`read_mapping`
one given as text, as the Import page receives it) and checks it: an unknown field, value or unit,
or one spelling given to two different codes, is an :class:`~queries.ingest.files.IngestError`
naming the file and the key. A mapping grows by the spellings a person accepts
(:meth:`Mapping.with_values`) and the values given for a whole file (:meth:`Mapping.with_defaults`),
and :meth:`Mapping.to_toml` writes what it adds to the default as a mapping file for the next file
from the same post.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from collections.abc import Mapping as Tables
from dataclasses import dataclass, field, replace
from pathlib import Path

import tomli_w

from queries.constants import ITEM_CODES
from queries.ingest.fields import ALSO_KEYS, COORDINATES, ENUMERATIONS, FIELDS, KINDS
from queries.ingest.files import IngestError
from queries.ingest.values import UNITS_KG, normalise
from queries.ingest.words import Words, kind_words, words
from queries.labels import LANGUAGES, label

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
DEFAULT_MAPPING = MAPPINGS_DIR / "default.toml"
# Spelled-out values without a fixed list of codes: countries (any ISO 3166 alpha-3 code is read
# as it is) and yes/no answers.
OPEN_VALUES = {"country": None, "boolean": ("true", "false")}
WRITTEN_HEADER = ("# A Cordon import mapping, laid over queries/mappings/default.toml: give it to the next file from\n"
                  "# the same post (python -m queries ingest --mapping FILE, or on the Import page).\n")


@dataclass(frozen=True)
class Mapping:
    """A loaded mapping: header spellings per field, value spellings per enumeration, units, defaults.

    ``values[enum]`` maps a :func:`~queries.ingest.values.normalise`-d spelling to its code; the
    codes themselves and the catalogue's item names are included. ``document`` holds the tables this
    mapping lays over the default, as a mapping file writes them (see :meth:`to_toml`).
    """

    name: str
    columns: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, str]]
    units: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    document: dict = field(default_factory=dict)

    def with_defaults(self, given: dict[str, str]) -> Mapping:
        """This mapping with ``given`` values (field → value as a file would write it) for the rows whose
        file says nothing of those fields: what applies to a whole file, given once (``--set agency=海关``)."""
        unknown = sorted(set(given) - set(FIELDS))
        if unknown:
            raise IngestError(f"--set names unknown fields {unknown}; known fields: {', '.join(FIELDS)}")
        return _lay_over(self, Path("--set"), {"name": self.name, "defaults": given}) if given else self

    def with_values(self, accepted: dict[str, dict[str, list[str]]]) -> Mapping:
        """This mapping with the spellings a person accepted: enumeration → code → spellings, such as
        ``{"channel": {"unofficial_path": ["unofficial border path"]}}``; checked as a mapping file's are."""
        return _lay_over(self, Path("accepted values"), {"name": self.name, "values": accepted}) if accepted else self

    def to_toml(self, name: str | None = None) -> str:
        """What this mapping lays over the default, as a mapping file named ``name`` (default: its own
        name) that :func:`load_mapping` reads back."""
        return WRITTEN_HEADER + tomli_w.dumps({**self.document, "name": name or self.name})

    def match_headers(self, headers: Iterable[str], kind: str) -> tuple[dict[str, str], list[str]]:
        """(field → the header that fills it, headers that fill nothing) for a file of ``kind``.

        A field two headers could fill takes the first; the second is listed as unmapped.
        A header that is both the key's and a field's of :data:`~queries.ingest.fields.ALSO_KEYS` (运单号) fills
        both, or the one still free.
        """
        wanted = {*KINDS[kind], COORDINATES}
        by_spelling: dict[str, list[str]] = {}
        for name, spellings in self.columns.items():
            if name in wanted:
                for spelling in spellings:
                    by_spelling.setdefault(spelling, []).append(name)
        found: dict[str, str] = {}
        unmapped = []
        for header in headers:
            free = [name for name in by_spelling.get(normalise(str(header)), ()) if name not in found]
            if not free:
                unmapped.append(header)
            for name in free:
                found[name] = header
        return found, unmapped


def _fail(path: Path, message: Words) -> IngestError:
    return IngestError(words("mapping_fail", path=str(path), message=message))


def _key_and_also(first: str, second: str) -> bool:
    """Whether two fields may share a header: the record's key and a field of ALSO_KEYS."""
    return {first, second} - {"source_id"} <= ALSO_KEYS and "source_id" in {first, second}


def _codes(enum: str) -> tuple[str, ...] | None:
    return ENUMERATIONS[enum] if enum in ENUMERATIONS else OPEN_VALUES[enum]


def _catalogue_spellings() -> dict[str, dict[str, str]]:
    """The spellings every mapping understands: each code, and the catalogue's item names."""
    values = {enum: {normalise(code): code for code in (_codes(enum) or ())} for enum in (*ENUMERATIONS, *OPEN_VALUES)}
    for code in ITEM_CODES:
        for name in (label(code, lang) for lang in LANGUAGES):
            for part in (name, *name.split("/")):
                values["item"].setdefault(normalise(part), code)
    return values


def _add_spellings(path: Path, table: dict, into: dict[str, str], codes: Iterable[str] | None, what: str) -> None:
    for code, spellings in table.items():
        if codes is not None and code not in codes:
            raise _fail(path, words("mapping_unknown_code", table=what, code=code, known=", ".join(codes)))
        for spelling in _as_list(spellings):
            key = normalise(str(spelling))
            if into.get(key, code) != code:
                raise _fail(path, words("mapping_spelling_twice", table=what, spelling=spelling, first=into[key],
                                        second=code))
            into[key] = code


def _as_list(spellings) -> list:
    return spellings if isinstance(spellings, list) else [spellings]


def _joined(old: dict, new: Tables) -> dict:
    """Two mapping documents as one, as laying ``new`` over ``old`` reads them: ``new``'s name,
    source, columns and defaults replace ``old``'s, its value and unit spellings add to them."""
    joined = {**old, **{key: new[key] for key in ("name", "source") if key in new}}
    for table in ("columns", "defaults"):
        if table in new:
            joined[table] = {**old.get(table, {}), **new[table]}

    def spellings(old_table: dict, new_table: dict) -> dict:
        return {code: list(dict.fromkeys([*_as_list(old_table.get(code, [])), *_as_list(new_table.get(code, []))]))
                for code in (*old_table, *(code for code in new_table if code not in old_table))}

    if "units" in new:
        joined["units"] = spellings(old.get("units", {}), new["units"])
    if "values" in new:
        values = old.get("values", {})
        joined["values"] = {enum: spellings(values.get(enum, {}), new["values"].get(enum, {}))
                            for enum in (*values, *(enum for enum in new["values"] if enum not in values))}
    return joined


def _lay_over(base: Mapping, path: Path, document: dict) -> Mapping:
    """``base`` with the tables of the mapping ``document`` (read from ``path``) laid over it."""
    unknown = set(document) - {"columns", "values", "units", "defaults", "source", "name"}
    if unknown:
        raise _fail(path, words("mapping_unknown_tables", unknown=str(sorted(unknown))))
    given = {}
    for name, spellings in document.get("columns", {}).items():
        if name not in FIELDS:
            raise _fail(path, words("mapping_unknown_field", table="columns", name=name, known=", ".join(FIELDS)))
        given[name] = tuple(normalise(str(s)) for s in _as_list(spellings))
    taken = {spelling for spellings in given.values() for spelling in spellings}
    columns = {name: tuple(s for s in spellings if s not in taken) for name, spellings in base.columns.items()}
    columns.update(given)
    for kind, fields in KINDS.items():
        seen: dict[str, str] = {}
        for name in (*fields, COORDINATES):
            for spelling in columns.get(name, ()):
                if seen.setdefault(spelling, name) != name and not _key_and_also(seen[spelling], name):
                    raise _fail(path, words("mapping_header_twice", spelling=spelling, first=seen[spelling], second=name,
                                            kind=kind_words(kind)))
    values = {enum: dict(spellings) for enum, spellings in base.values.items()}
    for enum, table in document.get("values", {}).items():
        if enum not in values:
            raise _fail(path, words("mapping_unknown_values", enum=enum, known=", ".join(values)))
        _add_spellings(path, table, values[enum], _codes(enum), f"values.{enum}")
    units = dict(base.units)
    _add_spellings(path, document.get("units", {}), units, UNITS_KG, "units")
    defaults = dict(base.defaults)
    for name, value in document.get("defaults", {}).items():
        if name not in FIELDS:
            raise _fail(path, words("mapping_unknown_field", table="defaults", name=name, known=", ".join(FIELDS)))
        defaults[name] = str(value)
    return Mapping(name=document.get("name", path.stem), columns=columns, values=values, units=units,
                   defaults=defaults, source=document.get("source", base.source),
                   document=_joined(base.document, {"name": path.stem, **document}))


def _parsed(path: Path, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, words("mapping_not_toml", error=str(error))) from None


def _read(path: Path) -> dict:
    try:
        return _parsed(path, path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(f"mapping {path} does not exist; give a TOML file like {DEFAULT_MAPPING}") from None
    except UnicodeDecodeError as error:
        raise _fail(path, words("mapping_not_utf8", error=str(error))) from None


def _default_mapping() -> Mapping:
    """The default mapping (``document`` empty: a mapping file's own tables are what it adds to it)."""
    empty = Mapping(name="", columns={}, values=_catalogue_spellings(), units={})
    return replace(_lay_over(empty, DEFAULT_MAPPING, _read(DEFAULT_MAPPING)), document={})


def load_mapping(path: str | Path | None = None) -> Mapping:
    """The default mapping, with the mapping file at ``path`` (if any) laid over it."""
    if path is None:
        return _default_mapping()
    path = Path(path)
    return _lay_over(_default_mapping(), path, _read(path))


def read_mapping(name: str, text: str) -> Mapping:
    """The default mapping with the mapping file ``name`` laid over it, given as its ``text`` (an upload)."""
    path = Path(name)
    return _lay_over(_default_mapping(), path, _parsed(path, text))
