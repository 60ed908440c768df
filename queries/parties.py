"""Cases and parties (migration 012, docs/parties.md): reading a party's identifiers, the key that makes two
mentions one party, and writing the parties and cases an import's seizures name, inside its transaction.

A party is one company, person, vehicle, phone number, address or waybill; a mention is a party as one record
writes it, in a role (consignor, carrier …). Two mentions are one party when their key is (:func:`party_key`):
a company's unified social credit code (统一社会信用代码, USCC) where the record gives one, else its name
normalised; a person's identity number where the record gives one, else its name within its source (people of
one name are not assumed one person across posts: resolving them is item 4's); a plate, phone number or waybill
normalised. Nothing here guesses beyond that. A cell that says there is none (无, 不详 …) names no party.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from functools import cache

import pandas as pd
from stdnum.cn import ric
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import InvalidChecksum, ValidationError

from queries.sensitive import shown_value
from queries.store import new_ids, query_over, write_frame

# Words that make a name an organisation's though it has no legal form (a workshop, a trading firm).
ORGANISATION_WORDS_ZH = ("厂", "商行", "经营部", "合作社", "事务所", "物流", "货运", "快递", "贸易", "商贸", "实业", "矿业",
                         "工作室", "门市", "店")
ORGANISATION_WORDS_LATIN = ("trading", "logistics", "express", "freight", "shipping", "import", "export", "industry",
                            "industries", "mining", "metals", "enterprise", "enterprises", "holding", "holdings")
PHONE_SEPARATORS = re.compile(r"[\s\-()（）.+]")
PHONE_DIGITS = (5, 15)  # a short extension to a full international number (E.164: at most 15 digits)
PLATE_SEPARATORS = re.compile(r"[\s·•・.\-_]")
PLATE_LENGTH = (4, 12)  # loosely: Chinese plates (桂A12345, 7 or 8), Vietnamese (29C12345), Lao, Myanmar
# Two phone numbers in one cell, as posts write them: 13800000000/0771-1234567, 、, ；, a comma or a new line.
PHONE_LIST_SEPARATORS = re.compile(r"[/、；;,，\n\r]+")
SEVERAL = "/"  # between the numbers of a cell that gives several, as read_phones returns them
# What a cell writes for "none" (no plate, not known, empty): the party is not named, the cell is as if blank.
NONE_WORDS = frozenset({"无", "无牌", "无号牌", "无车牌", "不详", "不明", "未知", "空", "没有", "-", "--", "—", "/",
                        "n/a", "na", "none", "nil", "null", "unknown"})
RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")  # GB 11643-1999: 17 digits and a check character
OTHER_ID = re.compile(r"(?=.*[0-9])[0-9A-Z]{5,20}")  # a passport or another document's number, loosely
ID_SEPARATORS = re.compile(r"[\s\-]")


class BadIdentifier(ValueError):
    """An identifier that cannot be a party's: ``problem`` says which rule (length, format, check, digits);
    ``expected`` is a USCC's right check character where only that was wrong."""

    def __init__(self, problem: str, expected: str | None = None):
        super().__init__(problem)
        self.problem, self.expected = problem, expected


def read_uscc(text: str) -> str:
    """The unified social credit code ``text`` writes (GB 32100-2015: 18 characters, the last a check character
    over the first 17), half-width and upper case; :class:`BadIdentifier` when it is none."""
    code = uscc_number.compact(unicodedata.normalize("NFKC", text))
    try:
        return uscc_number.validate(code)
    except InvalidChecksum:
        raise BadIdentifier("check", uscc_number.calc_check_digit(code)) from None
    except ValidationError:
        raise BadIdentifier("length" if len(code) != 18 else "format") from None


def read_phone(text: str) -> str:
    """A phone number's digits (its spaces, hyphens, brackets and leading + dropped); :class:`BadIdentifier`
    unless 5 to 15 digits are left."""
    digits = PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not (digits.isascii() and digits.isdigit() and PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]):
        raise BadIdentifier("digits")
    return digits


def read_phones(text: str) -> str:
    """The digits of each phone number a cell writes (:func:`read_phone`), :data:`SEVERAL` between two; the cell
    may give several, separated by /, 、, ；, a comma or a new line. :class:`BadIdentifier` if any is none."""
    return SEVERAL.join(read_phone(part) for part in PHONE_LIST_SEPARATORS.split(text) if part.strip())


def says_none(text: str) -> bool:
    """Whether a party cell says there is none (无, 无牌, 不详, -, N/A, unknown …): as if blank."""
    return unicodedata.normalize("NFKC", text).strip().casefold() in NONE_WORDS


def read_id_number(text: str) -> str:
    """A person's identity number, upper case without spaces and hyphens. Eighteen characters of 17 digits and a
    digit or X are a mainland resident identity number (居民身份证号码, GB 11643-1999), checked by python-stdnum:
    its check character, its birth date and its place code; anything else must look like a passport's or another
    document's number (5 to 20 letters and digits, one a digit at least), taken as written. :class:`BadIdentifier`
    (check, with the right character; component; format) otherwise."""
    number = ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if RESIDENT_ID.fullmatch(number):
        try:
            return ric.validate(number)
        except InvalidChecksum:
            raise BadIdentifier("check", ric.calc_check_digit(number)) from None
        except ValidationError:
            raise BadIdentifier("component") from None
    if not OTHER_ID.fullmatch(number):
        raise BadIdentifier("format")
    return number


def read_plate(text: str) -> str:
    """A vehicle plate, upper case without its spaces, dots and hyphens; :class:`BadIdentifier` unless it is 4 to
    12 letters and digits with at least one digit (loosely: plates of China and its neighbours)."""
    plate = PLATE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not (PLATE_LENGTH[0] <= len(plate) <= PLATE_LENGTH[1] and plate.isalnum()
            and any(c.isdigit() for c in plate)):
        raise BadIdentifier("format")
    return plate


def name_key(name: str) -> str:
    """A name as mentions are compared: NFKC, case-folded, without spaces and punctuation."""
    return "".join(c for c in unicodedata.normalize("NFKC", name).casefold() if c.isalnum())


@cache
def _company_words() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The Chinese words, Latin trailing forms and Latin leading forms that make a name a company's, from the
    screening vocabulary: read on first use, as importing queries.screening loads OpenCC and pypinyin (~0.5 s) that
    every process importing the imports (command line, dashboard) would otherwise pay for."""
    from queries.screening.vocabulary import LEGAL_FORMS_LATIN_LEADING, LEGAL_FORMS_LATIN_TRAILING, LEGAL_FORMS_ZH

    # Latin legal forms of two letters other than 'co' (as, sa, ab …) also end people's names; they do not count.
    trailing = tuple(form for form in LEGAL_FORMS_LATIN_TRAILING if len(form.replace(" ", "")) > 2 or form == "co")
    return (*LEGAL_FORMS_ZH, *ORGANISATION_WORDS_ZH), trailing, LEGAL_FORMS_LATIN_LEADING


def name_kind(name: str) -> str:
    """company or person: a name with a legal form (有限公司, Co., Ltd., LLC …) or an organisation's word (厂,
    物流, Trading …) is a company's, any other a person's."""
    words_zh, trailing, leading = _company_words()
    if any(word in name for word in words_zh):
        return "company"
    latin = " ".join(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", name).casefold()))
    words = set(latin.split())
    if (any(latin == form or latin.endswith(" " + form) for form in trailing)
            or any(latin.startswith(form + " ") for form in leading)
            or words & set(ORGANISATION_WORDS_LATIN)):
        return "company"
    return "person"


def party_key(kind: str, value: str, source: str, uscc: str | None = None, id_number: str | None = None) -> str:
    """What makes two mentions one party (see the module's docstring). A person with an identity number is that
    number's person wherever the records come from; the key holds its SHA-256, so that the number itself stays in
    ``sensitive_id_number`` alone."""
    if kind == "company" and uscc:
        return uscc
    if kind == "person" and id_number:
        return "id:" + hashlib.sha256(id_number.encode("ascii")).hexdigest()
    if kind == "person":
        return f"{name_key(value)}@{source}"
    if kind in ("vehicle", "phone"):
        return value  # already read to its key (read_plate, read_phone)
    return name_key(value) or value


def _column(records: pd.DataFrame, name: str) -> list:
    """A column's values as Python objects, None where missing (and everywhere where ``records`` has no such column)."""
    if name not in records:
        return [None] * len(records)
    column = records[name]
    return [None if missing else value for value, missing in zip(column.tolist(), column.isna().tolist(), strict=True)]


def _row_mentions(row: int, fields: list, code: str | None, uscc_of: str, kinds: dict[str, str]) -> list[list]:
    """One record's mentions as [field, role, kind, text, uscc]: a cell of several phone numbers (read_phones)
    gives one each; a USCC without its party's name is a company known by its code alone."""
    found = []
    for field, role, kind, texts in fields:
        text = texts[row]
        if field == uscc_of and code and text is None:
            text, kind = code, "company"
        if text is None:
            continue
        own = code if field == uscc_of else None
        if not kind:
            kind = "company" if own else kinds.get(text) or kinds.setdefault(text, name_kind(text))
        parts = text.split(SEVERAL) if kind == "phone" else (text,)
        found += [[field, role, kind, part, own] for part in parts]
    return found


def mentions(records: pd.DataFrame, named: dict[str, tuple[str, str | None]], uscc_of: str,
             id_number_of: tuple[str, ...] = ()) -> pd.DataFrame:
    """The party mentions of ``records`` (seizure_id, source and the columns of ``named``: field → (role, kind or
    None for a name)): seizure_id, role, kind, written_as, party_key, uscc, id_number. The ``uscc`` column
    identifies the party of the field ``uscc_of``; a USCC without that party is a company known by its code alone.
    The ``id_number`` column identifies the first of the fields ``id_number_of`` whose party is a person; a row
    that names none is a person known by the number alone, written as the number masked (queries.sensitive), in
    the role other. Read column by column and each distinct text judged once: a seed's or a large import's
    records name the same parties often."""
    found = []
    kinds: dict[str, str] = {}
    keys: dict[tuple, str] = {}
    fields = [(field, role, kind, _column(records, field)) for field, (role, kind) in named.items()]
    rows = zip(_column(records, "seizure_id"), _column(records, "source"), _column(records, "uscc"),
               _column(records, "id_number"), strict=True)
    for row, (seizure_id, source, code, number) in enumerate(rows):
        named_here = _row_mentions(row, fields, code, uscc_of, kinds)
        if number:
            holder = next((mention for field in id_number_of for mention in named_here
                           if mention[0] == field and mention[2] == "person"), None)
            if holder is None:
                holder = [None, "other", "person", shown_value("id_number", number, sees=False), None]
                named_here.append(holder)
            holder.append(number)
        for field, role, kind, text, own, *identity in named_here:
            person_number = identity[0] if identity else None
            key = (kind, text, source, own, person_number)
            if key not in keys:
                keys[key] = party_key(kind, text, source, own, person_number)
            found.append((seizure_id, role, kind, text, keys[key], own, person_number))
    return pd.DataFrame(found, columns=["seizure_id", "role", "kind", "written_as", "party_key", "uscc", "id_number"])


def _new(frame: pd.DataFrame, stored: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` whose ``keys`` are not among ``stored``'s."""
    merged = frame.merge(stored[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    return merged[merged["_merge"] == "left_only"].drop(columns="_merge")


def _write_parties(con, found: pd.DataFrame, at: datetime, synthetic: bool) -> pd.DataFrame:
    """Store the parties of ``found`` mentions not stored yet; the mentions with their party_id."""
    keys = found[["kind", "party_key"]].drop_duplicates()
    first = found.drop_duplicates(["kind", "party_key"])
    new = _new(first, query_over(con, "parties_by_key", keys), ["kind", "party_key"])
    if len(new):
        write_frame(con, "insert_parties", pd.DataFrame({
            "party_id": new_ids(con, "parties", len(new)), "kind": new["kind"].to_numpy(),
            "value": new["written_as"].to_numpy(), "party_key": new["party_key"].to_numpy(),
            "uscc": new["uscc"].to_numpy(dtype=object), "sensitive_id_number": new["id_number"].to_numpy(dtype=object),
            "is_synthetic": synthetic, "created_at": at}))
    ids = query_over(con, "parties_by_key", keys)
    return found.merge(ids, on=["kind", "party_key"])


def _write_cases(con, records: pd.DataFrame, import_id: int | None, at: datetime, synthetic: bool) -> int:
    """Store the cases ``records`` name (case_number) that are not stored yet and link their seizures; the links
    written. A new case takes its earliest record's agency, status and summary (case_summary, where records
    give one) and opens on its date."""
    if "case_summary" not in records:
        records = records.assign(case_summary=None)
    named = records.loc[records["case_number"].notna(), ["seizure_id", "source", "case_number", "agency",
                                                         "case_status", "case_summary", "occurred_at"]]
    if named.empty:
        return 0
    named = named.rename(columns={"case_number": "source_id"})
    keys = named[["source", "source_id"]].drop_duplicates()
    first = named.sort_values("occurred_at").drop_duplicates(["source", "source_id"])
    new = _new(first, query_over(con, "cases_by_key", keys), ["source", "source_id"])
    if len(new):
        write_frame(con, "insert_cases", pd.DataFrame({
            "case_id": new_ids(con, "cases", len(new)), "source": new["source"].to_numpy(),
            "source_id": new["source_id"].to_numpy(), "agency": new["agency"].to_numpy(dtype=object),
            "status": new["case_status"].to_numpy(), "summary": new["case_summary"].to_numpy(dtype=object),
            "opened_on": pd.to_datetime(new["occurred_at"]).dt.date.to_numpy(), "is_synthetic": synthetic,
            "created_at": at}))
    links = named.merge(query_over(con, "cases_by_key", keys), on=["source", "source_id"])[["seizure_id", "case_id"]]
    links = _new(links.drop_duplicates(), query_over(con, "seizure_cases_of", links[["seizure_id"]]),
                 ["seizure_id", "case_id"])
    if len(links):
        write_frame(con, "insert_seizure_cases", links.assign(import_id=import_id))
    return len(links)


def write_parties(con, records: pd.DataFrame, named: dict[str, tuple[str, str | None]], uscc_of: str,
                  import_id: int | None, at: datetime, synthetic: bool = False, id_number_of: tuple[str, ...] = ()) -> int:
    """Store the parties and cases that ``records`` (stored seizures: seizure_id, source, occurred_at, agency,
    case_status, uscc, case_number, optionally case_summary and id_number, and the fields of ``named``) name, with
    their links (:func:`mentions` tells whose the USCC and the identity number are);
    what is stored already is left as it is, so writing the same records again adds nothing. New parties and
    cases are marked ``synthetic`` (the demo's). Returns the links written."""
    written = _write_cases(con, records, import_id, at, synthetic)
    found = mentions(records, named, uscc_of, id_number_of)
    if found.empty:
        return written
    linked = _write_parties(con, found, at, synthetic).drop_duplicates(["seizure_id", "party_id", "role"])
    stored = query_over(con, "seizure_parties_of", linked[["seizure_id"]].drop_duplicates())
    new = _new(linked[["seizure_id", "party_id", "role", "written_as"]], stored, ["seizure_id", "party_id", "role"])
    if len(new):
        write_frame(con, "insert_seizure_parties", new.assign(import_id=import_id))
    return written + len(new)
