"""Personal data (issue 21, item 8; docs/security.md "Personal data"): the one place party values are shown through.

A person's identity number (``parties.sensitive_id_number``) and phone numbers identify people outright. They are
shown masked (身份证 450102********1234, phone 138****0000) to every account without the personal-data grant
(migration 015, granted by an admin: ``python -m queries users personal-data``, the Users page); an account with
it sees them, and each time it is shown a person or a phone unmasked an audit event (``personal_data_view``) says
who saw which parties where. Exports of people's data are for granted roles that may export
(:func:`may_export_personal`). Names of people, plates, companies and addresses are not masked: they are what
the analysts work on (docs/parties.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from queries.access.audit import record_event
from queries.access.roles import may
from queries.clock import beijing_now
from queries.store import AUDIT_CLAIM

MASK = "*"
# What each masked kind keeps in clear, (first, last) characters, by the value's length: a resident identity
# number its place code and last four (450102********1234), another document its first and last three; a mobile
# number its operator prefix and last four (138****0000), a shorter number its last two.
KEPT = {"id_number": ((15, (6, 4)), (0, (1, 3))), "phone": ((11, (3, 4)), (7, (2, 2)), (0, (0, 2)))}
MASKED_KINDS = frozenset(KEPT)
# The kinds of party a view of shows personal data of (a person's identity number, a phone number): audited.
PERSONAL_PARTY_KINDS = ("person", "phone")


def sees_personal_data(user) -> bool:
    """Whether ``user`` (a queries.access.User) sees identity and phone numbers unmasked: only with the
    personal-data grant, and never a wall display's account (its screen faces a room)."""
    return bool(getattr(user, "personal_data", False)) and user.role != "display"


def may_export_personal(user) -> bool:
    """Whether ``user`` may export people's data (identity numbers, phone numbers): granted to see them and of a
    role that may export. Every export of parties asks this before it writes them unmasked."""
    return sees_personal_data(user) and may(user.role, "export")


def shown_value(kind: str, value: str | None, sees: bool) -> str | None:
    """``value`` as a reader sees it: itself for one who ``sees`` personal data or a kind that is not masked
    (:data:`MASKED_KINDS`: id_number, phone), else masked with :data:`KEPT`'s characters left in clear."""
    if sees or value is None or kind not in KEPT:
        return value
    first, last = next(kept for length, kept in KEPT[kind] if len(value) >= length)
    if len(value) <= first + last:
        return MASK * len(value)
    return value[:first] + MASK * (len(value) - first - last) + value[len(value) - last:]


def mask_parties(frame: pd.DataFrame, sees: bool) -> pd.DataFrame:
    """A frame of parties (kind, value, optionally written_as and sensitive_id_number) as a reader sees it: for
    one who does not see personal data, phone parties' values and spellings and every identity number masked."""
    if sees:
        return frame
    masked = frame.copy()
    if "sensitive_id_number" in masked:
        masked["sensitive_id_number"] = [shown_value("id_number", number, False) if isinstance(number, str)
                                         else number for number in masked["sensitive_id_number"]]
    phones = (masked["kind"] == "phone").to_numpy()
    for column in ("value", "written_as"):
        if column in masked and phones.any():
            masked.loc[phones, column] = [shown_value("phone", text, False) for text in masked.loc[phones, column]]
    return masked


def record_personal_view(store, user, party_ids: Iterable[int], where: str, *, source: str = "dashboard",
                         now: datetime | None = None) -> bool:
    """Write the audit event of ``user`` seeing the parties ``party_ids`` (people, phone numbers) unmasked in
    ``where`` (a page, a panel, a command); nothing when there are none. Whether an event was written."""
    ids = sorted({int(party_id) for party_id in party_ids})
    if not ids:
        return False
    with store.writing(AUDIT_CLAIM) as con:
        record_event(con, "personal_data_view", user.username, {"parties": ids, "where": where}, source=source,
                     at=now or beijing_now())
    return True


def show_parties(store, frame: pd.DataFrame, user, where: str, *, source: str = "dashboard") -> pd.DataFrame:
    """Parties (party_id, kind, value …) as ``user`` may see them, the call every page and panel makes before it
    shows parties: masked for one without the grant; unmasked for one with it, the view of its people and phone
    numbers audited (:func:`record_personal_view`)."""
    sees = sees_personal_data(user)
    if sees:
        personal = frame.loc[frame["kind"].isin(PERSONAL_PARTY_KINDS).to_numpy(), "party_id"]
        record_personal_view(store, user, personal, where, source=source)
    return mask_parties(frame, sees)
