-- 014_entities: one party, many spellings (issue 21, item 4; queries.entities, docs/parties.md "Resolution").
-- Parties whose records name the same company or person differently (有限公司 / 有限责任公司, traditional and
-- simplified, pinyin and Chinese, word order, a typo) are resolved to one entity; an analyst's merges and splits
-- are kept as must-link and cannot-link pairs that every later resolution respects.
-- decision_id is allocated (queries.store.ALLOCATED_IDS): the file's sequence, the lake catalog's blocks.

-- The entity of each party that shares one with another party (a party alone is its own entity and has no row).
-- entity_id: the smallest party_id of the entity. linked_to: the party whose link joined this one into the entity
-- (one row per link of a tree spanning the entity; NULL for the entity's first party), how the link was made
-- ('identifier': the same unified social credit code or identity number; 'name': the names match; 'analyst': an
-- analyst's merge), its score (0-100, NULL for an analyst's) and its evidence in words (the spellings, what
-- reading them as one needed, or the analyst's note).
CREATE TABLE party_entities (
    party_id     BIGINT PRIMARY KEY,
    entity_id    BIGINT NOT NULL,
    linked_to    BIGINT,
    how          VARCHAR CHECK (how IS NULL OR how IN ('identifier', 'name', 'analyst')),
    score        DOUBLE CHECK (score IS NULL OR score BETWEEN 0 AND 100),
    evidence     VARCHAR CHECK (evidence IS NULL OR length(evidence) BETWEEN 1 AND 2000),
    resolved_at  TIMESTAMP NOT NULL,
    CHECK ((linked_to IS NULL) = (how IS NULL)),
    CHECK ((linked_to IS NULL) = (evidence IS NULL)),
    CHECK (entity_id <= party_id)
);

CREATE SEQUENCE decision_id_seq START 1;

-- An analyst's decision: 'merge' the entities of party_id and other_party_id, or 'split' party_id out of its
-- entity; who, when and why (a note is required).
CREATE TABLE entity_decisions (
    decision_id     BIGINT PRIMARY KEY DEFAULT nextval('decision_id_seq'),
    action          VARCHAR NOT NULL CHECK (action IN ('merge', 'split')),
    party_id        BIGINT NOT NULL,
    other_party_id  BIGINT,
    decided_by      VARCHAR NOT NULL CHECK (length(decided_by) BETWEEN 1 AND 100),
    decided_at      TIMESTAMP NOT NULL,
    note            VARCHAR NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
    CHECK ((action = 'merge') = (other_party_id IS NOT NULL))
);

-- The pairs of parties a decision links ('must': one entity) or keeps apart ('cannot'), smaller id first; for a
-- pair named by several decisions the latest holds.
CREATE TABLE entity_constraints (
    decision_id     BIGINT NOT NULL,
    party_id        BIGINT NOT NULL,
    other_party_id  BIGINT NOT NULL,
    link            VARCHAR NOT NULL CHECK (link IN ('must', 'cannot')),
    PRIMARY KEY (decision_id, party_id, other_party_id),
    CHECK (party_id < other_party_id)
);
