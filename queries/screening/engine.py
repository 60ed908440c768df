"""Screening parties against list entries: identifiers exactly, then names by their keys with rapidfuzz.

Every name of every entry is normalised once into keys (queries.screening.normalise); a batch of parties is
normalised the same way and scored against all entry keys at once with ``rapidfuzz.process.cdist``:

* Chinese against Chinese: the mean of the characters' similarity and their pinyin's, so that a character
  typed for another of the same sound costs less than a different word;
* Latin against Latin: the better of the words in sorted order (word order does not count) and the words run
  together (spacing does not count). The pinyin of a Chinese name is compared only with entries that have no
  Chinese name: where both are written in Chinese the characters are the better evidence (华伟 and 华为 sound
  alike and are different names).

A party and an entry give at most one hit, the best, kept where the entry was in force on the party's date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain, pairwise

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from queries.control_lists import ListEntry
from queries.screening.normalise import HAN, LATIN, Key, identifier_key, is_uscc, keys_of, readings
from queries.screening.vocabulary import GENERIC_WORDS_LATIN

DEFAULT_THRESHOLD = 85.0  # the highest with recall ≥ 0.95 on tests/fixtures/screening_pairs.csv (bench/bench_screening.py)
WORD_FOUND = 75.0  # how alike (OSA, transpositions one edit) an entry's distinctive word and the party's must be
_CHUNK = 20_000  # party keys scored at once: bounds the score matrices' memory


@dataclass(frozen=True)
class Hit:
    """One party found on one list entry."""

    party: int  # the party's place in the screened batch
    party_name: str
    entry: ListEntry
    matched_name: str  # the entry's name, or identifier, that matched
    score: float  # 0–100
    reason: str  # what the match needed, in words


@dataclass(frozen=True)
class _Candidate:
    party: int
    entry: int
    score: float
    party_key: Key | None = None
    entry_key: Key | None = None
    form: str = ""  # which form of the keys scored: "han", "sorted" or "compact"
    identifier: str = ""

    @property
    def rank(self) -> tuple[float, bool]:
        """Higher score first; at equal scores, a match of the names as written over one through pinyin."""
        return self.score, not (self.party_key.via_pinyin or self.entry_key.via_pinyin)


class Screener:
    """The entries of the lists, normalised once, to screen any number of parties against."""

    def __init__(self, entries: Iterable[ListEntry], threshold: float = DEFAULT_THRESHOLD):
        self.entries = tuple(entries)
        self.threshold = threshold
        self._by_identifier: dict[str, list[int]] = {}
        han, latin = [], []
        for index, entry in enumerate(self.entries):
            for identifier in entry.identifiers:
                self._by_identifier.setdefault(identifier_key(identifier), []).append(index)
            for name in dict.fromkeys(entry.names):
                for key in keys_of(name):
                    (han if key.script == HAN else latin).append((index, key))
        self._han = _KeySet(han)
        self._latin = _KeySet(latin)
        written_in_chinese = {index for index, _ in han}
        self._latin_only = _KeySet([(index, key) for index, key in latin if index not in written_in_chinese])

    def screen(self, name: str, on: date, identifiers: Sequence[str] = ()) -> list[Hit]:
        """The hits of one party, best first."""
        return self.screen_many([name], on, [identifiers])

    def screen_many(
        self,
        names: Sequence[str],
        on: date | Sequence[date],
        identifiers: Sequence[Sequence[str]] | None = None,
    ) -> list[Hit]:
        """The hits of many parties (``on``: one date for all, or each party's), by party then best first."""
        dates = [on] * len(names) if isinstance(on, date) else list(on)
        if len(dates) != len(names) or (identifiers is not None and len(identifiers) != len(names)):
            raise ValueError(f"{len(names)} names, {len(dates)} dates and identifiers for each name expected")
        distinct = list(dict.fromkeys(names))  # a name given many times is screened once
        by_name: dict[tuple[int, int], _Candidate] = {}
        for candidate in self._name_candidates(distinct):
            pair = (candidate.party, candidate.entry)
            if pair not in by_name or candidate.rank > by_name[pair].rank:
                by_name[pair] = candidate
        found = defaultdict(list)
        for candidate in by_name.values():
            found[distinct[candidate.party]].append(candidate)
        best: dict[tuple[int, int], _Candidate] = {
            (party, candidate.entry): replace(candidate, party=party)
            for party, name in enumerate(names)
            for candidate in found.get(name, ())
        }
        for candidate in self._identifier_candidates(identifiers or ()):
            best[(candidate.party, candidate.entry)] = candidate
        hits = [
            self._hit(candidate, names[candidate.party])
            for candidate in best.values()
            if self.entries[candidate.entry].in_force(dates[candidate.party])
        ]
        return sorted(hits, key=lambda hit: (hit.party, -hit.score, hit.entry.entry_id))

    def _identifier_candidates(self, identifiers: Sequence[Sequence[str]]) -> Iterable[_Candidate]:
        for party, party_identifiers in enumerate(identifiers):
            for identifier in party_identifiers or ():
                for entry in self._by_identifier.get(identifier_key(identifier), ()):
                    yield _Candidate(party, entry, 100.0, identifier=identifier)

    def _name_candidates(self, names: Sequence[str]) -> Iterable[_Candidate]:
        han, latin, pinyin = [], [], []
        for party, name in enumerate(names):
            for key in keys_of(name):
                (han if key.script == HAN else pinyin if key.via_pinyin else latin).append((party, key))
        for candidate in chain(
            self._scored(_KeySet(han), self._han, "han"),
            self._scored(_KeySet(latin), self._latin, LATIN),
            self._scored(_KeySet(pinyin), self._latin_only, LATIN),
        ):
            if same_distinctive_part(candidate.party_key, candidate.entry_key):
                yield candidate

    def _scored(self, parties: _KeySet, entries: _KeySet, script: str) -> Iterable[_Candidate]:
        if not parties.keys or not entries.keys:
            return
        for start in range(0, len(parties.keys), _CHUNK):
            chunk = slice(start, start + _CHUNK)
            if script == HAN:
                forms = ("han",)
                scores = (
                    self._cdist(parties.texts[chunk], entries.texts, 2 * self.threshold - 100)
                    + self._cdist(parties.sounds[chunk], entries.sounds, 2 * self.threshold - 100)
                ) / 2
                chosen = np.zeros(scores.shape, dtype=np.int8)
            else:
                forms = ("sorted", "compact")
                by_order = self._cdist(parties.sorted_texts[chunk], entries.sorted_texts, self.threshold)
                by_spacing = self._cdist(parties.compacts[chunk], entries.compacts, self.threshold)
                chosen = (by_spacing > by_order).astype(np.int8)
                scores = np.maximum(by_order, by_spacing)
            for row, column in zip(*np.nonzero(scores >= self.threshold), strict=True):
                party_key = parties.keys[start + row]
                yield _Candidate(
                    party=parties.owners[start + row],
                    entry=entries.owners[column],
                    score=round(float(scores[row, column]), 1),
                    party_key=party_key,
                    entry_key=entries.keys[column],
                    form=forms[chosen[row, column]],
                )

    @staticmethod
    def _cdist(parties: list[str], entries: list[str], cutoff: float) -> np.ndarray:
        return process.cdist(
            parties, entries, scorer=fuzz.ratio, score_cutoff=max(cutoff, 0), dtype=np.float32, workers=-1
        )

    def _hit(self, candidate: _Candidate, party_name: str) -> Hit:
        entry = self.entries[candidate.entry]
        if candidate.identifier:
            kind = "unified social credit code" if is_uscc(candidate.identifier) else "registration number"
            listed = next(
                listed for listed in entry.identifiers if identifier_key(listed) == identifier_key(candidate.identifier)
            )
            return Hit(
                candidate.party,
                party_name,
                entry,
                listed,
                100.0,
                f"{kind} {candidate.identifier} equals the listed identifier",
            )
        return Hit(
            candidate.party,
            party_name,
            entry,
            candidate.entry_key.name,
            candidate.score,
            reason_for(candidate.party_key, candidate.entry_key, candidate.form),
        )


class _KeySet:
    """Keys with their owners (a party's or an entry's place) and their compared forms as lists for cdist."""

    def __init__(self, owned: list[tuple[int, Key]]):
        self.owners = [owner for owner, _ in owned]
        self.keys = [key for _, key in owned]
        self.texts = [key.text for key in self.keys]
        self.sounds = [key.sound for key in self.keys]
        self.sorted_texts = [key.sorted_text for key in self.keys]
        self.compacts = [key.compact for key in self.keys]


def same_distinctive_part(party: Key, entry: Key) -> bool:
    """Whether a close pair of keys also agrees where names tell companies apart, beyond the overall score.

    In Chinese, a character typed for another is a typo only when the two share a reading (input methods type
    by sound: 通迅 for 通讯), so a replaced character that sounds different makes another name (星海, 星河).
    In Latin script, every word of the entry that is not generic (:data:`GENERIC_WORDS_LATIN`) must be in the
    party's name, give or take a typo: General Dynamics Marine Systems is not General Dynamics Land Systems.
    """
    if party.script == HAN:
        return all(
            readings(party.text[at]) & readings(entry.text[to])
            for operation, at, to in Levenshtein.editops(party.text, entry.text)
            if operation == "replace"
        )
    pieces = [*party.words, *(first + second for first, second in pairwise(party.words))]
    for word in entry.words:
        if word in GENERIC_WORDS_LATIN:
            continue
        if party.via_pinyin or entry.via_pinyin:  # pinyin is a word per run of characters: look inside
            found = fuzz.partial_ratio(word, party.compact)
        else:
            found = max(OSA.normalized_similarity(word, piece) * 100 for piece in pieces)
        if found < WORD_FOUND:
            return False
    return True


def reason_for(party: Key, entry: Key, form: str) -> str:
    """In words, what matching ``party`` to ``entry`` took, from what normalisation recorded on each side."""
    steps = [_route(party, entry)]
    if bool(party.traditional) != bool(entry.traditional):
        written, simplified = party.traditional or entry.traditional
        steps.append(f"traditional → simplified ({written} → {simplified})")
    if party.full_width != entry.full_width:
        steps.append("full-width forms read as half-width")
    for key in (party, entry):
        if key.translated:
            steps.append(
                "Chinese words read in English (" + ", ".join(f"{zh} → {en}" for zh, en in key.translated) + ")"
            )
    if _form_words(party.legal_forms) != _form_words(entry.legal_forms):
        forms = " / ".join(" ".join(key.legal_forms) for key in (party, entry) if key.legal_forms)
        steps.append(f"legal form ignored ({forms})")
    expanded = set(party.expansions) ^ set(entry.expansions)
    if expanded:
        steps.append(
            "abbreviations and variants read as one (" + ", ".join(f"{a} → {b}" for a, b in sorted(expanded)) + ")"
        )
    if form == "sorted" and fuzz.ratio(party.sorted_text, entry.sorted_text) > fuzz.ratio(party.text, entry.text):
        steps.append("words reordered")
    steps.append(_differences(party, entry, form))
    return ", ".join(step for step in steps if step)


def _route(party: Key, entry: Key) -> str:
    if party.via_pinyin:
        return f"pinyin of {party.name} matches '{entry.name}'"
    if entry.via_pinyin:
        return f"'{party.name}' matches the pinyin of {entry.name}"
    return f"'{party.name}' matches '{entry.name}'" if party.script == LATIN else f"{party.name} matches {entry.name}"


def _form_words(forms: tuple[str, ...]) -> str:
    return "".join(char for char in " ".join(forms).casefold() if char.isalnum())


def _differences(party: Key, entry: Key, form: str) -> str:
    """The typos left once everything else is normalised, counted as Levenshtein edits on the scored form."""
    if form == "han":
        edits = Levenshtein.distance(party.text, entry.text)
        if not edits:
            return ""
        same_sound = " (same pinyin)" if party.sound == entry.sound else ""
        return f"{edits} character{'s' if edits > 1 else ''} differ{'' if edits > 1 else 's'}{same_sound}"
    compared = (party.sorted_text, entry.sorted_text) if form == "sorted" else (party.compact, entry.compact)
    edits = Levenshtein.distance(*compared)
    if not edits:
        return ""
    return f"{edits} typo{'s' if edits > 1 else ''}" if edits <= 2 else f"{edits} letters differ"
