"""Screening the stored parties and the review queue (migration 013, docs/lists.md): every company and person an
import writes is screened against the lists in force on its earliest seizure's day, in the import's transaction;
``python -m queries screen --stored`` screens them all on demand; a lists import that adds or changes entries
screens them again. Each hit is held once per (party, list, entry) for an analyst to confirm or dismiss, audited.

A party is screened under every name it is known by (as first stored and as each record wrote it) and by its
unified social credit code; a pair already held is left as it is, so screening again adds only new hits and a
reviewed hit keeps its review.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from queries.access.audit import record_event
from queries.access.regions import Scope
from queries.clock import beijing_now
from queries.control_lists import NAME_SEPARATOR, ListEntry, stored_entries
from queries.filters import Filters
from queries.screening import DEFAULT_THRESHOLD, Screener
from queries.store import PARTIES_CLAIM, Store, new_ids, query_over, run, write_frame

STATUSES = ("open", "confirmed", "dismissed")  # as migration 013's CHECK lists them
REVIEWS = STATUSES[1:]
_PAIR = ["party_id", "list_code", "entry_id"]


class ReviewError(ValueError):
    """A review that cannot be recorded: no such hit, an unknown decision, or a dismissal without a note."""


def screen_parties(con, party_ids: pd.DataFrame, at: datetime, on: date | None = None,
                   entries: Sequence[ListEntry] | None = None) -> int:
    """Screen the companies and people among ``party_ids`` (a frame with ``party_id``) inside the caller's write
    and store the hits not held yet; returns how many were added.

    ``on``: screen against the lists as they stood that day; None: each party against its earliest seizure's
    day (a party named by no seizure is then not screened). ``entries``: the lists' entries (default: the store's).
    """
    if party_ids.empty:
        return 0
    names = query_over(con, "screening_parties", party_ids[["party_id"]].drop_duplicates())
    names["screened_on"] = on if on is not None else names["first_seized_on"]
    names = names[names["screened_on"].notna()].reset_index(drop=True)
    if names.empty:
        return 0
    screener = Screener(stored_entries(con) if entries is None else entries, DEFAULT_THRESHOLD)
    days = [pd.Timestamp(day).date() for day in names["screened_on"]]
    codes = [[code] if isinstance(code, str) else [] for code in names["uscc"]]
    hits = screener.screen_many(names["name"].tolist(), days, codes)
    if not hits:
        return 0
    found = pd.DataFrame([{
        "party_id": int(names.at[hit.party, "party_id"]), "list_code": hit.entry.list_code,
        "entry_id": hit.entry.entry_id, "party_name": hit.party_name, "matched_name": hit.matched_name,
        "score": hit.score, "reason": hit.reason, "screened_on": days[hit.party]} for hit in hits])
    best = found.sort_values(["score", "party_name"], ascending=[False, True]).drop_duplicates(_PAIR)
    held = query_over(con, "screening_hits_held", best[_PAIR])
    new = best.merge(held, on=_PAIR, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge").reset_index(drop=True)
    if new.empty:
        return 0
    new.insert(0, "hit_id", new_ids(con, "screening_hits", len(new)))
    return write_frame(con, "insert_screening_hits", new.assign(screened_at=at, status="open"))


def screen_all_parties(con, at: datetime, on: date | None = None, entries: Sequence[ListEntry] | None = None) -> int:
    """:func:`screen_parties` over every stored party, inside the caller's write (a changed list, a screen on
    demand)."""
    return screen_parties(con, run(con, "party_ids"), at, on, entries)


def screen_stored(store: Store, *, on: date, username: str, source: str, now: datetime) -> int:
    """Screen every stored party against the lists in force on ``on`` (``python -m queries screen --stored``), in
    one write with its audit row (kind ``import``, details ``"kind": "screening_stored"``); the hits added."""
    with store.writing(PARTIES_CLAIM) as con:
        added = screen_all_parties(con, now, on)
        record_event(con, "import", username, {"kind": "screening_stored", "on": on.isoformat(), "hits_added": added},
                     source=source, at=now)
    return added


def review_queue(con, status: str | None, on: date, *, unseized: bool) -> pd.DataFrame:
    """The review queue on the open connection ``con`` as its region scope lets it see: the hits with ``status``
    (None: all) of the parties named by a seizure in scope, open first, then by score, each with the seizures in
    scope that name its party (``seizures``, ``newest_seizure_at``) and its entry as the store holds it
    (``entry_names``, ``announcement``, ``announced_on``, ``source_url``, ``in_force`` on ``on``).
    ``unseized``: also the hits of parties no seizure names, which are in no region (for an unscoped reader)."""
    if status is not None and status not in STATUSES:
        raise ReviewError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    hits = run(con, "screening_queue", {**Filters().params(), "status": status, "unseized": unseized})
    entries = {(entry.list_code, entry.entry_id): entry for entry in stored_entries(con)}
    held = [entries.get(pair) for pair in zip(hits["list_code"], hits["entry_id"], strict=True)]
    return hits.assign(
        entry_names=[NAME_SEPARATOR.join(entry.names) if entry else None for entry in held],
        announcement=[entry.announcement if entry else None for entry in held],
        announced_on=[entry.announced_on if entry else None for entry in held],
        source_url=[entry.source_url if entry else None for entry in held],
        in_force=[entry.in_force(on) if entry else False for entry in held])


def read_hits(store: Store, status: str | None = None, scope: Scope | None = None,
              on: date | None = None) -> pd.DataFrame:
    """:func:`review_queue` read from ``store`` within ``scope`` (None: every region, and the hits of parties no
    seizure names), ``in_force`` on ``on`` (None: today, Beijing time)."""
    everything = scope is None or scope.everything
    with store.reading(scope=scope) as con:
        return review_queue(con, status, on or beijing_now().date(), unseized=everything)


def review_hit(store: Store, hit_id: int, decision: str, note: str | None, *, username: str, source: str,
               now: datetime) -> dict:
    """Confirm or dismiss (``decision``) the hit ``hit_id`` with ``note`` (required to dismiss), in one write with
    its audit row (kind ``import``, details ``"kind": "screening_review"``, the decision, the previous status and
    the note); a review may be changed later, audited the same way. Returns the hit as it was before."""
    if decision not in REVIEWS:
        raise ReviewError(f"unknown decision {decision!r}; one of {', '.join(REVIEWS)}")
    note = (note or "").strip() or None
    if decision == "dismissed" and note is None:
        raise ReviewError("a dismissal needs a note saying why the hit is not the listed party")
    with store.writing(PARTIES_CLAIM) as con:
        found = run(con, "screening_hit", {"hit_id": hit_id})
        if found.empty:
            raise ReviewError(f"no screening hit {hit_id}")
        before = found.iloc[0].to_dict()
        run(con, "review_screening_hit", {"hit_id": hit_id, "status": decision, "reviewed_by": username,
                                          "reviewed_at": now, "review_note": note})
        record_event(con, "import", username, {
            "kind": "screening_review", "hit_id": int(hit_id), "decision": decision,
            "previous_status": before["status"], "party_id": int(before["party_id"]), "list": before["list_code"], "entry_id": before["entry_id"],
            "note": note}, source=source, at=now)
    return before
