"""One party, many spellings (issue 21, item 4; migration 014, docs/parties.md "Resolution"): the stored companies
and people that records name differently are resolved to one entity, each link with its evidence
(queries.resolution decides), kept in party_entities; an analyst's merges and splits are kept as must-link and
cannot-link pairs that every later resolution respects, audited. :func:`entity_of` is the network page's reader.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from queries.access.audit import record_event
from queries.resolution import Link, resolve_frame
from queries.store import PARTIES_CLAIM, Store, new_ids, run, write_frame

__all__ = ["DecisionError", "Link", "entity_members", "entity_of", "merge_entities", "resolve_frame",
           "resolve_parties", "resolve_stored", "split_party"]


class DecisionError(ValueError):
    """A merge or split that cannot be recorded: no such party, no note, nothing to split."""


def resolve_parties(con, at: datetime, party_ids: pd.DataFrame | None = None) -> int:
    """Resolve the stored companies and people inside the caller's write and store their entities; returns the
    parties now in an entity of more than one. ``party_ids`` (a frame with ``party_id``: an import's parties):
    compare only pairs with one of them and their entities' members, keep every other link as stored; None: all.
    """
    names = run(con, "entity_names")
    stored = run(con, "party_entities_stored")
    stored = stored[stored["party_id"].isin(names["party_id"])]
    focus = None
    if party_ids is not None:
        given = set(party_ids["party_id"].astype(int)) & set(names["party_id"].astype(int))
        if not given:
            return 0
        touched = set(stored.loc[stored["party_id"].isin(given), "entity_id"])
        focus = given | set(stored.loc[stored["entity_id"].isin(touched), "party_id"].astype(int))
    kept = [] if focus is None else [
        Link(int(p), int(q), how, None if pd.isna(score) else float(score), evidence)
        for p, q, how, score, evidence in stored.loc[stored["linked_to"].notna()
                                                     & ~stored["party_id"].isin(focus)
                                                     & ~stored["linked_to"].isin(focus),
                                                     ["party_id", "linked_to", "how", "score", "evidence"]
                                                     ].itertuples(index=False, name=None) if how != "analyst"]
    rows = resolve_frame(names, run(con, "entity_phones"), run(con, "entity_constraints"), kept, focus)
    if focus is not None:  # rewrite the entities the focus is in now or was in before
        rows = rows[rows["entity_id"].isin(set(rows.loc[rows["party_id"].isin(focus), "entity_id"]))]
        forget = pd.DataFrame({"party_id": sorted(focus | set(rows["party_id"].astype(int)))}, dtype="int64")
    else:
        forget = names[["party_id"]].drop_duplicates()
    write_frame(con, "delete_party_entities_of", forget)
    if len(rows):
        write_frame(con, "insert_party_entities", rows.assign(resolved_at=at))
    return len(rows)


def resolve_stored(store: Store, *, username: str, source: str, now: datetime) -> int:
    """Resolve every stored company and person (``python -m queries entities resolve``), in one write with its
    audit row (kind ``import``, details ``"kind": "entity_resolution"``); the parties in an entity of several."""
    with store.writing(PARTIES_CLAIM) as con:
        resolved = resolve_parties(con, now)
        record_event(con, "import", username, {"kind": "entity_resolution", "parties_in_entities": resolved},
                     source=source, at=now)
    return resolved


def entity_of(con) -> pd.DataFrame:
    """Every party's entity (the network page's reader): party_id, kind, value, entity_id (the party's own id when
    it is alone), entity_name, entity_parties, and the link that joined it (linked_to, how, score, evidence)."""
    return run(con, "entity_of")


def entity_members(store: Store, party_id: int) -> pd.DataFrame:
    """The parties of the entity of ``party_id`` (a party's or an entity's id), each with the link that joined it."""
    with store.reading() as con:
        return run(con, "entity_members", {"party_id": party_id})


def merge_entities(store: Store, party_id: int, other_party_id: int, note: str, *, username: str, source: str,
                   now: datetime) -> int:
    """Make the entities of two parties one (an analyst's merge, ``note`` saying why): every party of the one is
    linked to every party of the other for every later resolution (so that the merge holds when one of them is
    split out later), overriding earlier splits between them; audited. Returns the entity."""
    return _decide(store, "merge", party_id, other_party_id, note, username=username, source=source, now=now)


def split_party(store: Store, party_id: int, note: str, *, username: str, source: str, now: datetime) -> int:
    """Take a party out of its entity (an analyst's split, ``note`` saying why): kept apart from each of the
    entity's other parties in every later resolution; audited. Returns the entity the party is in now (its own)."""
    return _decide(store, "split", party_id, None, note, username=username, source=source, now=now)


def _decide(store: Store, action: str, party_id: int, other_party_id: int | None, note: str, *, username: str,
            source: str, now: datetime) -> int:
    note = (note or "").strip()
    if not note:
        raise DecisionError(f"a {action} needs a note saying why")
    with store.writing(PARTIES_CLAIM) as con:
        members = {party: set(run(con, "entity_members", {"party_id": party})["party_id"].astype(int))
                   for party in (party_id, other_party_id) if party is not None}
        for party, found in members.items():
            if party not in found:
                raise DecisionError(f"no party {party}")
        if action == "merge":
            pairs = {(min(one, other), max(one, other)) for one in members[party_id]
                     for other in members[other_party_id] if one != other}
            link = "must"
        else:
            pairs = {(min(party_id, other), max(party_id, other)) for other in members[party_id] - {party_id}}
            if not pairs:
                raise DecisionError(f"party {party_id} is alone in its entity: nothing to split")
            link = "cannot"
        decision = new_ids(con, "entity_decisions", 1)[0]
        write_frame(con, "insert_entity_decision", pd.DataFrame([{
            "decision_id": decision, "action": action, "party_id": party_id, "other_party_id": other_party_id,
            "decided_by": username, "decided_at": now, "note": note}]).astype({"other_party_id": "Int64"}))
        if pairs:
            write_frame(con, "insert_entity_constraints", pd.DataFrame(
                sorted(pairs), columns=["party_id", "other_party_id"]).assign(decision_id=decision, link=link))
        affected = set().union(*members.values())
        resolve_parties(con, now, pd.DataFrame({"party_id": sorted(affected)}))
        entity = run(con, "entity_members", {"party_id": party_id})
        record_event(con, "import", username, {
            "kind": f"entity_{action}", "decision_id": int(decision), "party_id": int(party_id),
            "other_party_id": None if other_party_id is None else int(other_party_id),
            "entities_before": sorted({min(found) for found in members.values()}), "note": note},
            source=source, at=now)
    return int(entity["entity_id"].iloc[0])
