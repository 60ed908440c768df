"""One party, many spellings (migration 014, queries.entities): one test per rule of the resolution (legal form,
traditional characters, pinyin, word order, typo, shared code; look-alikes and people of one name apart), the
analyst's merge and split with their audit on both stores, a split that survives resolving again, an import's
new spelling joining the entity, and the demo's double spelling resolved while its ring stays apart."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest

from queries.__main__ import main
from queries.access.audit import read_audit
from queries.entities import (
    DecisionError,
    entity_members,
    entity_of,
    merge_entities,
    resolve_frame,
    resolve_parties,
    resolve_stored,
    split_party,
)
from queries.store import Store, new_ids, write_frame

AT = datetime(2026, 1, 2, 9, 0)
USCC, OTHER_USCC = "91451481MA5KXW2Y0N", "91450100MA5L0AAA1J"


def names(*rows: tuple) -> pd.DataFrame:
    """Parties as resolution reads them: (party_id, name), (party_id, name, uscc) or a person's
    (party_id, name, None, source, id_number)."""
    frame = []
    for party_id, name, *rest in rows:
        uscc, source, id_number = (*rest, None, None, None)[:3]
        kind = "person" if source else "company"
        key = f"{name}@{source}" if source else (uscc or name)
        frame.append({"party_id": party_id, "kind": kind, "party_key": key, "uscc": uscc, "id_number": id_number,
                      "name": name})
    return pd.DataFrame(frame)


NO_PHONES = pd.DataFrame(columns=["party_id", "phone"])


def entities(*rows: tuple, phones: pd.DataFrame = NO_PHONES) -> dict[int, int]:
    """Each party's entity id as resolution finds it (its own id when alone)."""
    resolved = resolve_frame(names(*rows), phones)
    found = dict(zip(resolved["party_id"], resolved["entity_id"], strict=True))
    return {row[0]: found.get(row[0], row[0]) for row in rows}


def evidence(*rows: tuple) -> str:
    resolved = resolve_frame(names(*rows), NO_PHONES)
    return " | ".join(resolved["evidence"].dropna())


@pytest.mark.parametrize(("first", "second", "reason"), [
    ("广西某丰矿业有限公司", "广西某丰矿业有限责任公司", "legal form ignored (有限公司 / 有限责任公司)"),
    ("廣西某豐礦業有限公司", "广西某丰矿业有限公司", "traditional → simplified"),
    ("Guangxi Moufeng Kuangye Co., Ltd.", "广西某丰矿业有限公司", "matches the pinyin of 广西某丰矿业有限公司"),
    ("Moufeng Mining Guangxi Ltd", "Guangxi Moufeng Mining Co., Ltd.", "words reordered"),
    ("深圳市华星通迅有限公司", "深圳市华星通讯有限公司", "1 character differs (same pinyin)"),
    ("Huaxing Rare Eath Trading Co", "Huaxing Rare Earth Trading Co., Ltd.", "1 typo"),
], ids=["legal_form", "traditional", "pinyin", "word_order", "typo_zh", "typo_latin"])
def test_two_spellings_of_one_company_are_one_entity_with_the_reason(first, second, reason):
    assert entities((1, first), (2, second)) == {1: 1, 2: 1}
    assert reason in evidence((1, first), (2, second))


def test_a_shared_unified_social_credit_code_links_two_names_and_says_so():
    rows = ((1, "凭祥市恒通贸易有限公司", USCC), (2, "恒通国际物流", USCC))
    assert entities(*rows) == {1: 1, 2: 1}
    assert evidence(*rows).startswith("the same unified social credit code on both")


@pytest.mark.parametrize(("first", "second"), [
    ("深圳市星海电子有限公司", "深圳市星河电子有限公司"),  # a replaced character that sounds different
    ("百色市某隆商贸有限公司", "百色市某达隆商贸有限公司"),  # a character more: another trade name
    ("General Dynamics Marine Systems", "General Dynamics Land Systems"),
    ("Daxtamia Metals Ltd.", "Daxtamar Metals Ltd."),  # two letters in a short name
], ids=["sound", "inserted", "distinctive_word", "two_typos"])
def test_look_alike_companies_stay_apart(first, second):
    assert entities((1, first), (2, second)) == {1: 1, 2: 2}


def test_one_name_under_two_codes_is_two_companies():
    assert entities((1, "广西某丰矿业有限公司", USCC), (2, "广西某丰矿业有限责任公司", OTHER_USCC),
                    (3, "广西某丰矿业有限公司")) in ({1: 1, 2: 2, 3: 1}, {1: 1, 2: 2, 3: 2})


def test_people_of_one_name_in_two_sources_stay_apart_unless_an_identifier_or_a_phone_links_them():
    apart = ((1, "韦某林", None, "凭祥海关"), (2, "韦某林", None, "东兴海关"), (3, "Wei Moulin", None, "凭祥海关"),
             (4, "魏某林", None, "凭祥海关"))
    assert entities(*apart) == {1: 1, 2: 2, 3: 1, 4: 4}  # the pinyin of the same source's 韦某林; 魏 is another
    by_number = ((1, "韦某林", None, "凭祥海关", "450000199001011234"), (2, "韦某林", None, "东兴海关", "450000199001011234"))
    assert entities(*by_number) == {1: 1, 2: 1}
    phones = pd.DataFrame({"party_id": [1, 2], "phone": ["10004712093", "10004712093"]})
    assert entities(*apart[:2], phones=phones) == {1: 1, 2: 1}


# ---- the store ----------------------------------------------------------------------------------------------

def add_companies(store: Store, *written: str) -> list[int]:
    """Store companies known by these names (no seizures needed: resolution reads the parties' names)."""
    with store.writing() as con:
        ids = new_ids(con, "parties", len(written))
        write_frame(con, "insert_parties", pd.DataFrame({
            "party_id": ids, "kind": "company", "value": list(written), "party_key": list(written), "uscc": None,
            "is_synthetic": False, "created_at": AT}).astype({"uscc": object}))
        resolve_parties(con, AT, pd.DataFrame({"party_id": ids}))
    return ids


def entity_ids(store: Store) -> dict[int, int]:
    with store.reading() as con:
        found = entity_of(con)
    return dict(zip(found["party_id"], found["entity_id"], strict=True))


def entity_audit(store: Store) -> list[dict]:
    return [json.loads(details) for details in read_audit(store, kind="import")["details"]
            if json.loads(details)["kind"].startswith("entity_")]


def test_an_analyst_merges_and_splits_audited_and_the_split_survives_resolving_again(store):
    legal, variant, other = add_companies(store, "广西某丰矿业有限公司", "广西某丰矿业有限责任公司", "云南某华矿产有限公司")
    assert entity_ids(store) == {legal: legal, variant: legal, other: other}

    assert merge_entities(store, other, variant, "same director and address in the case file", username="ana",
                          source="cli", now=AT) == legal
    assert set(entity_ids(store).values()) == {legal}
    members = entity_members(store, other).set_index("party_id")
    assert members.loc[other, "how"] == "analyst" and "same director" in members.loc[other, "evidence"]

    with pytest.raises(DecisionError, match="note"):
        split_party(store, variant, " ", username="ana", source="cli", now=AT)
    assert split_party(store, variant, "another company: registry shows two", username="ana", source="cli",
                       now=AT) == variant
    assert entity_ids(store) == {legal: legal, variant: variant, other: legal}

    resolve_stored(store, username="ana", source="cli", now=AT)
    assert entity_ids(store) == {legal: legal, variant: variant, other: legal}  # the split and the merge hold
    assert [(event["kind"], event.get("note")) for event in entity_audit(store)] == [
        ("entity_merge", "same director and address in the case file"),
        ("entity_split", "another company: registry shows two"), ("entity_resolution", None)]


def test_a_new_spelling_joins_the_stored_entity_and_a_merge_overrides_an_earlier_split(store):
    legal, variant = add_companies(store, "广西某丰矿业有限公司", "广西某丰矿业有限责任公司")
    split_party(store, variant, "not the same", username="ana", source="cli", now=AT)
    (pinyin,) = add_companies(store, "Guangxi Moufeng Kuangye Co., Ltd.")  # resolved for itself: joins one of them
    assert entity_ids(store)[pinyin] in (legal, variant) and entity_ids(store)[legal] != entity_ids(store)[variant]
    merge_entities(store, legal, variant, "they are one after all", username="ana", source="cli", now=AT)
    assert len(set(entity_ids(store).values())) == 1


def test_the_command_line_shows_merges_and_refuses_a_split_without_a_note(file_store, capsys):
    legal, variant = add_companies(file_store, "广西某丰矿业有限公司", "广西某丰矿业有限责任公司")
    assert main(["entities", "show", str(variant), "--db", str(file_store.path)]) == 0
    shown = capsys.readouterr().out
    assert f"entity {legal}: 2 parties" in shown and "legal form ignored" in shown
    with pytest.raises(SystemExit):
        main(["entities", "split", str(variant), "--db", str(file_store.path)])
    assert main(["entities", "split", str(legal), "--note", "two firms", "--db", str(file_store.path)]) == 0
    assert main(["entities", "resolve", "--db", str(file_store.path)]) == 0
    assert entity_ids(file_store) == {legal: legal, variant: variant}


def test_the_demos_double_spelling_is_one_entity_and_its_ring_stays_apart(seeded_either):
    from queries.demo_parties import (
        DOUBLE_SPELLING,
        RING_CARRIER,
        RING_CONSIGNEES,
        RING_NAPO_COMPANIES,
        RING_SHENZHEN_COMPANIES,
    )
    from queries.stores import open_store

    with open_store(seeded_either).reading() as con:
        found = entity_of(con).set_index("value")
    double = found.loc[list(DOUBLE_SPELLING)]
    assert double["entity_id"].nunique() == 1 and double["entity_parties"].eq(2).all()
    assert "legal form ignored" in double["evidence"].dropna().iloc[0]
    ring = found.loc[[*RING_NAPO_COMPANIES, *RING_SHENZHEN_COMPANIES, *RING_CONSIGNEES, RING_CARRIER]]
    assert ring["entity_id"].nunique() == len(ring) and ring["entity_parties"].eq(1).all()


def test_an_import_resolves_its_new_spellings_with_the_stored_parties_in_its_transaction(tmp_path, store, geography):
    from geodata.demo_geography import demo_geography
    from queries.ingest import ingest_file
    from queries.seed import write_reference
    from tests.queries.ingest_fixtures import NOW, seizure_row, write_csv

    with store.writing() as con:
        write_reference(con, demo_geography())
    for post, spelling in (("凭祥海关", "广西某丰矿业有限公司"), ("东兴海关", "廣西某豐礦業有限責任公司")):
        rows = [{**seizure_row(i, source_id=f"{post}-{i}"), "发货人": spelling} for i in range(2)]
        ingest_file(store, write_csv(tmp_path / f"{post}_parties.csv", rows), geography, now=NOW)
    with store.reading() as con:
        found = entity_of(con)
    companies = found[found["kind"] == "company"]
    assert len(companies) == 2 and companies["entity_id"].nunique() == 1
    assert "traditional → simplified" in companies["evidence"].dropna().iloc[0]
