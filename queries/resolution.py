"""Entity resolution's matching (queries.entities keeps the results in the store): which stored companies and people
are one, with the evidence, from their names, codes, identity numbers and phones, respecting analysts' decisions.

How it decides (blocking, then rapidfuzz, then components): every name is normalised as screening normalises it
(queries.screening.normalise: OpenCC traditional → simplified, legal forms, pinyin, abbreviations) and put in
blocks: names equal once normalised (characters, pinyin run together, words sorted), the rarest character pairs
or letter triples of a company's name (so that a typo still meets its original), the same unified social credit
code or identity number. Only the names of a block are compared, scored as screening scores a name against an
entry and kept where they also agree where names tell companies apart (screening's rule: a replaced character
must sound alike, every distinctive word must be there). Parties linked so are joined, best links first, unless
the join would give one entity two codes or two identity numbers, or join what an analyst kept apart.

People are not guessed at: two people's names must be equal once normalised, and two records of different
sources name one person only when an identifier (the identity number) or a phone named on both their seizures
links them. Vehicles, phones and waybills are their exact keys already (queries.parties) and are not resolved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from queries.screening import reason_for
from queries.screening.engine import same_distinctive_part
from queries.screening.normalise import HAN, Key, keys_of

NAME_THRESHOLD = 90.0  # two companies' names this alike (0-100) are one company's (bench/bench_resolution.py)
RARE_GRAMS = 3  # a company's name is blocked on its this many rarest character pairs / letter triples
LETTERS_PER_TYPO = 12  # a Latin name may differ by one typo per this many letters
LARGEST_BLOCK = 60  # a block of more names than this is too common a piece of name to compare all pairs of
_LINK_ORDER = {"analyst": 0, "identifier": 1, "name": 2}


@dataclass(frozen=True)
class Link:
    """Two parties found to be one, how, with what score and evidence."""

    party: int
    other: int
    how: str
    score: float | None
    evidence: str


# ---- blocking -------------------------------------------------------------------------------------------------

def _exact_blocks(key: Key) -> list[str]:
    """The blocks of a name equal to another once normalised: its characters, or its words sorted and run
    together (pinyin of a Chinese name meets the same name written in Latin letters)."""
    if key.script == HAN:
        return ["h=" + key.text]
    return ["l=" + key.compact, "s=" + "".join(sorted(key.words))]


def _grams(key: Key) -> set[str]:
    """The pieces of a name a typo leaves mostly intact: character pairs of a Chinese key, letter triples of a Latin
    one (none of a Chinese name's pinyin, which must equal a Latin name's to match it: :func:`_few_edits`)."""
    if key.script == HAN:
        text = key.text
        return {"h2" + text[i:i + 2] for i in range(max(len(text) - 1, 1))}
    if key.via_pinyin:
        return set()
    text = key.compact
    return {"l3" + text[i:i + 3] for i in range(max(len(text) - 2, 1))}


def _name_blocks(names: list[str], companies: set[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Each name's exact blocks and (for a company's name) its rarest pieces that another name has too (a piece of
    its own alone, a typo's, meets no one)."""
    keys = {name: keys_of(name) for name in names}
    pieces = pd.DataFrame([(name, gram) for name in companies for key in keys[name] for gram in _grams(key)],
                          columns=["name", "gram"]).drop_duplicates()
    pieces["frequency"] = pieces.groupby("gram")["name"].transform("size")
    rare = pieces[pieces["frequency"] > 1].sort_values(["name", "frequency", "gram"]).groupby("name").head(RARE_GRAMS)
    rarest = rare.groupby("name")["gram"].agg(list).to_dict()
    return {name: ([block for key in keys[name] for block in _exact_blocks(key)], rarest.get(name, []))
            for name in names}


def _candidate_pairs(names: pd.DataFrame, phones: pd.DataFrame) -> pd.DataFrame:
    """Pairs of rows of ``names`` (party_id, kind, source, uscc, id_number, name) that share a block, as
    (left, right, block): a star per block of equal names or identifiers (any member meets the first), all pairs
    within a block of rarest pieces."""
    blocks = _name_blocks(names["name"].unique().tolist(),
                          set(names.loc[names["kind"] == "company", "name"].unique()))
    phones_of = phones.groupby("party_id")["phone"].agg(list).to_dict() if len(phones) else {}
    star, every = [], []
    for row, (party, kind, source, uscc, id_number, name) in enumerate(names[
            ["party_id", "kind", "source", "uscc", "id_number", "name"]].itertuples(index=False, name=None)):
        exact, rare = blocks[name]
        if kind == "company":
            star.extend((f"c|{block}", row) for block in exact)
            every.extend((f"c|{gram}", row) for gram in rare)
            if isinstance(uscc, str):
                star.append((f"u|{uscc}", row))
        else:  # people: equal names within a source, or across sources with a phone in common
            star.extend((f"p|{block}|{source}", row) for block in exact)
            star.extend((f"p|{block}|t{phone}", row) for block in exact for phone in phones_of.get(party, ()))
            if isinstance(id_number, str):
                star.append((f"i|{id_number}", row))
    star_pairs = _star_pairs(pd.DataFrame(star, columns=["block", "left"]))
    every_pairs = _all_pairs(pd.DataFrame(every, columns=["block", "left"]))
    return pd.concat([star_pairs, every_pairs], ignore_index=True).astype({"left": "int64", "right": "int64"})


def _star_pairs(members: pd.DataFrame) -> pd.DataFrame:
    """Each member of a block with the block's first."""
    members = members.drop_duplicates()
    first = members.groupby("block", sort=False)["left"].transform("min")
    others = members["left"] != first
    return pd.DataFrame({"left": first[others].to_numpy(), "right": members.loc[others, "left"].to_numpy(),
                         "block": members.loc[others, "block"].to_numpy()})


def _all_pairs(members: pd.DataFrame) -> pd.DataFrame:
    """Every pair of members of a block of at most :data:`LARGEST_BLOCK`."""
    members = members.drop_duplicates()
    size = members.groupby("block", sort=False)["left"].transform("size")
    members = members[(size > 1) & (size <= LARGEST_BLOCK)]
    pairs = members.merge(members.rename(columns={"left": "right"}), on="block")
    return pairs.loc[pairs["left"] < pairs["right"], ["left", "right", "block"]]


# ---- scoring --------------------------------------------------------------------------------------------------

def name_match(first: str, second: str) -> tuple[float, str] | None:
    """How alike two names are (0-100) and the reason in words, as screening scores a party's name against an
    entry's (queries.screening.engine): Chinese against Chinese on characters and their sound, otherwise the Latin
    keys (pinyin of a Chinese name included) in any word order or spacing; None where no pair of keys also agrees
    on the names' distinctive parts, both ways."""
    best = None
    for one in keys_of(first):
        for other in keys_of(second):
            if (one.script == HAN) != (other.script == HAN) or (
                    one.via_pinyin and other.via_pinyin):  # two Chinese names: their characters decide
                continue
            if one.script == HAN:
                score, form = (fuzz.ratio(one.text, other.text) + fuzz.ratio(one.sound, other.sound)) / 2, "han"
            else:
                by_order, by_spacing = fuzz.ratio(one.sorted_text, other.sorted_text), fuzz.ratio(one.compact,
                                                                                                   other.compact)
                score, form = max((by_order, "sorted"), (by_spacing, "compact"))
            if best is not None and score <= best[0]:
                continue
            if _few_edits(one, other, form) and same_distinctive_part(one, other) and same_distinctive_part(other, one):
                best = (score, one, other, form)
    if best is None:
        return None
    score, one, other, form = best
    return round(score, 1), reason_for(one, other, form)


def _few_edits(one: Key, other: Key, form: str) -> bool:
    """Stricter than screening, since a wrong merge mixes two companies' records: in Chinese a character may only be
    replaced (a dropped or added one makes another trade name: 某隆, 某达隆); a Latin name meets a Chinese one only
    where it spells the characters' pinyin (华星 huaxing is not 华新 huaxin); between Latin names one typo (a
    transposition counts one) per :data:`LETTERS_PER_TYPO` letters."""
    if form == "han":
        return all(operation == "replace" for operation, _, _ in Levenshtein.editops(one.text, other.text))
    compared = (one.sorted_text, other.sorted_text) if form == "sorted" else (one.compact, other.compact)
    if one.via_pinyin or other.via_pinyin:  # a name written in pinyin is the characters' reading, not a guess at it
        return one.compact == other.compact
    return OSA.distance(*compared) <= max(1, max(map(len, compared)) // LETTERS_PER_TYPO)


def _links(names: pd.DataFrame, pairs: pd.DataFrame) -> list[Link]:
    """The pairs that are one party's, best evidence per pair of parties."""
    found: dict[tuple[int, int], Link] = {}
    judged: dict[tuple[str, str], tuple[float, str] | None] = {}
    rows = {column: names[column].tolist() for column in ("party_id", "kind", "source", "name")}
    party_of = names["party_id"].to_numpy()
    pairs = pairs.assign(party=party_of[pairs["left"].to_numpy()], other=party_of[pairs["right"].to_numpy()],
                         identifier=pairs["block"].str.startswith(("u|", "i|")))
    pairs = pairs[pairs["party"] != pairs["other"]]
    pairs = pairs.assign(first=pairs[["party", "other"]].min(axis=1), second=pairs[["party", "other"]].max(axis=1),
                         left_name=names["name"].to_numpy()[pairs["left"].to_numpy()],
                         right_name=names["name"].to_numpy()[pairs["right"].to_numpy()])
    pairs = pairs.drop_duplicates(["first", "second", "identifier", "left_name", "right_name"])  # one per block kind
    for left, right, block, party, other in pairs[["left", "right", "block", "party", "other"]].itertuples(
            index=False, name=None):
        pair = (min(party, other), max(party, other))
        if block.startswith(("u|", "i|")):
            what = "unified social credit code" if block[0] == "u" else "identity number"
            link = Link(*pair, "identifier", 100.0, f"the same {what} on both ({rows['name'][left]}, "
                                                      f"{rows['name'][right]})")
        else:
            names_pair = (rows["name"][left], rows["name"][right])
            if names_pair not in judged:
                judged[names_pair] = name_match(*names_pair)
            match = judged[names_pair]
            person = rows["kind"][left] == "person"
            if match is None or match[0] < (100.0 if person else NAME_THRESHOLD):
                continue
            score, reason = match
            if person:
                sources = (rows["source"][left], rows["source"][right])
                reason += (f", both in {sources[0]}" if sources[0] == sources[1]
                           else f", in {sources[0]} and {sources[1]} with the same phone number on their seizures")
            link = Link(*pair, "name", score, reason)
        held = found.get(pair)
        if held is None or (_LINK_ORDER[link.how], -(link.score or 0)) < (_LINK_ORDER[held.how], -(held.score or 0)):
            found[pair] = link
    return list(found.values())


# ---- components -----------------------------------------------------------------------------------------------

class _Components:
    """Union-find over parties that refuses a join giving an entity two codes, two identity numbers, or two
    parties an analyst kept apart."""

    def __init__(self, parties: pd.DataFrame, cannot: Iterable[tuple[int, int]]):
        party_ids = parties["party_id"].astype("int64").tolist()
        self.parent = dict(zip(party_ids, party_ids, strict=True))
        self.codes = {p: ({u} if isinstance(u, str) else set()) for p, u in zip(
            party_ids, parties["uscc"].tolist(), strict=True)}
        self.ids = {p: ({i} if isinstance(i, str) else set()) for p, i in zip(
            party_ids, parties["id_number"].tolist(), strict=True)}
        self.apart: dict[int, set[int]] = defaultdict(set)
        for one, other in cannot:
            if one in self.parent and other in self.parent:
                self.apart[one].add(other)
                self.apart[other].add(one)

    def find(self, party: int) -> int:
        root = party
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[party] != root:
            self.parent[party], party = root, self.parent[party]
        return root

    def join(self, one: int, other: int) -> bool:
        """Join the entities of two parties where nothing forbids it; whether they are one now."""
        first, second = self.find(one), self.find(other)
        if first == second:
            return True
        if (len(self.codes[first] | self.codes[second]) > 1 or len(self.ids[first] | self.ids[second]) > 1
                or any(self.find(p) == second for p in self.apart.get(first, ()))):
            return False
        if len(self.apart.get(first, ())) < len(self.apart.get(second, ())):
            first, second = second, first
        self.parent[second] = first
        self.codes[first] |= self.codes.pop(second)
        self.ids[first] |= self.ids.pop(second)
        if second in self.apart:
            self.apart[first] |= self.apart.pop(second)
        return True


def resolve_frame(names: pd.DataFrame, phones: pd.DataFrame, constraints: pd.DataFrame | None = None,
                  kept: Iterable[Link] = (), focus: set[int] | None = None) -> pd.DataFrame:
    """The entities of the parties of ``names`` (party_id, kind, party_key, uscc, id_number, name; one row per
    name a party is known by), with ``phones`` (party_id, phone) named on their seizures and the analysts'
    ``constraints`` (party_id, other_party_id, link 'must' or 'cannot', note): one row per party of an entity of
    more than one (party_id, entity_id, linked_to, how, score, evidence). ``focus``: compare only pairs with a
    party in it, the other links given as ``kept`` (an import's new parties against what is resolved)."""
    names = names.assign(source=names["party_key"].str.partition("@")[2]).reset_index(drop=True)
    pairs = _candidate_pairs(names, phones)
    if focus is not None and len(pairs):
        party = names["party_id"].to_numpy()
        touches = pd.Series(party[pairs["left"]]).isin(focus) | pd.Series(party[pairs["right"]]).isin(focus)
        pairs = pairs[touches.to_numpy()]
    constraints = constraints if constraints is not None else pd.DataFrame(
        columns=["party_id", "other_party_id", "link", "note"])
    must = [Link(int(a), int(b), "analyst", None, f"merged by an analyst: {note}") for a, b, link, note
            in constraints[["party_id", "other_party_id", "link", "note"]].itertuples(index=False, name=None)
            if link == "must"]
    cannot = [(int(a), int(b)) for a, b, link in constraints[["party_id", "other_party_id", "link"]].itertuples(
        index=False, name=None) if link == "cannot"]
    parties = names.drop_duplicates("party_id")
    components = _Components(parties, cannot)
    automatic = sorted([*_links(names, pairs), *kept], key=lambda link: (
        _LINK_ORDER[link.how], -(link.score or 0), link.party, link.other))
    tree = defaultdict(list)
    for link in [*must, *automatic]:
        if link.party in components.parent and link.other in components.parent and \
                components.find(link.party) != components.find(link.other) and components.join(link.party, link.other):
            tree[link.party].append(link)
            tree[link.other].append(link)
    return _rows(components, tree)


def _rows(components: _Components, tree: dict[int, list[Link]]) -> pd.DataFrame:
    """Each entity of more than one party from its smallest party outwards along the links that joined it."""
    members = defaultdict(list)
    for party in tree:
        members[components.find(party)].append(party)
    rows = []
    for parties in members.values():
        entity = min(parties)
        rows.append((entity, entity, None, None, None, None))
        seen, queue = {entity}, [entity]
        while queue:
            party = queue.pop()
            for link in tree[party]:
                other = link.other if link.party == party else link.party
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
                    rows.append((other, entity, party, link.how, link.score, link.evidence))
    return pd.DataFrame(rows, columns=["party_id", "entity_id", "linked_to", "how", "score", "evidence"])
