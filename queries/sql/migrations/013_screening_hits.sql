-- 013_screening_hits: the review queue of screening (issue 21, item 3; queries.screening_hits, docs/lists.md):
-- one row per stored party (a company or a person) found on a list entry, with what matched and why, and the
-- analyst's review. A hit is written once per (party, list, entry): screening again (a re-import, an on-demand
-- screen, a changed list) adds only pairs not held, so a confirmed or dismissed hit keeps its review.
-- hit_id is allocated (queries.store.ALLOCATED_IDS): the file's sequence, the lake catalog's blocks.

CREATE SEQUENCE hit_id_seq START 1;

-- screened_on: the day whose lists the party was screened against (its earliest seizure's date, or the day of
-- an on-demand screen); party_name: the party's name as screened; matched_name: the entry's name or identifier
-- that matched. reviewed_by, reviewed_at and review_note are set together when the status leaves 'open'; a
-- dismissal needs its note.
CREATE TABLE screening_hits (
    hit_id        BIGINT PRIMARY KEY DEFAULT nextval('hit_id_seq'),
    party_id      BIGINT NOT NULL,
    list_code     VARCHAR NOT NULL CHECK (list_code IN ('control', 'watch', 'unreliable_entity')),
    entry_id      VARCHAR NOT NULL CHECK (length(entry_id) BETWEEN 1 AND 100),
    party_name    VARCHAR NOT NULL CHECK (length(party_name) BETWEEN 1 AND 500),
    matched_name  VARCHAR NOT NULL CHECK (length(matched_name) BETWEEN 1 AND 500),
    score         DOUBLE NOT NULL CHECK (score BETWEEN 0 AND 100),
    reason        VARCHAR NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    screened_on   DATE NOT NULL,
    screened_at   TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed')),
    reviewed_by   VARCHAR CHECK (length(reviewed_by) BETWEEN 1 AND 100),
    reviewed_at   TIMESTAMP,
    review_note   VARCHAR CHECK (length(review_note) BETWEEN 1 AND 2000),
    UNIQUE (party_id, list_code, entry_id),
    CHECK ((status = 'open') = (reviewed_by IS NULL AND reviewed_at IS NULL)),
    CHECK (status <> 'dismissed' OR review_note IS NOT NULL)
);
