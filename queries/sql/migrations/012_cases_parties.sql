-- 012_cases_parties: who is behind the seizures (issue 21, item 1). A case (案件) groups seizures; a party is
-- one company, person, vehicle, phone number, address or waybill as Cordon knows it; links tie a party to a
-- seizure or to a case in a role. docs/parties.md tells the design.
-- Ids: case_id and party_id are allocated (queries.store.ALLOCATED_IDS): the file's sequences, the lake
-- catalog's blocks. Enumerations are listed literally and checked against queries/constants.py
-- (PARTY_KINDS, PARTY_ROLES) by tests/queries/test_parties.py.

CREATE SEQUENCE case_id_seq START 1;

-- One case per (source, source_id): source_id is the case number (案件编号) as the agency writes it.
CREATE TABLE cases (
    case_id       BIGINT PRIMARY KEY DEFAULT nextval('case_id_seq'),
    source        VARCHAR NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    source_id     VARCHAR NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
    agency        VARCHAR CHECK (agency IS NULL OR agency IN ('customs', 'public_security', 'state_security', 'postal', 'border_defence')),
    status        VARCHAR NOT NULL CHECK (status IN ('open', 'under_investigation', 'referred_for_prosecution', 'closed')),
    summary       VARCHAR CHECK (summary IS NULL OR length(summary) <= 2000),
    opened_on     DATE CHECK (opened_on IS NULL OR opened_on >= DATE '2000-01-01'),
    is_synthetic  BOOLEAN NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (source, source_id)
);

CREATE SEQUENCE party_id_seq START 1;

-- value: the name or value as first written; party_key: what makes two mentions the same party (queries.parties
-- party_key: a company's USCC when known, else its normalised name; a person's normalised name within its
-- source; a plate, phone, waybill or address normalised). sensitive_id_number: a person's identity number
-- (身份证号, passport): personal data, shown and exported only to roles granted it (issue 21, item 8).
CREATE TABLE parties (
    party_id             BIGINT PRIMARY KEY DEFAULT nextval('party_id_seq'),
    kind                 VARCHAR NOT NULL CHECK (kind IN ('company', 'person', 'vehicle', 'phone', 'address', 'waybill')),
    value                VARCHAR NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
    party_key            VARCHAR NOT NULL CHECK (length(party_key) BETWEEN 1 AND 500),
    uscc                 VARCHAR CHECK (uscc IS NULL OR (kind = 'company' AND regexp_full_match(uscc, '[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}'))),
    sensitive_id_number  VARCHAR CHECK (sensitive_id_number IS NULL OR (kind = 'person' AND length(sensitive_id_number) BETWEEN 1 AND 50)),
    is_synthetic         BOOLEAN NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    UNIQUE (kind, party_key)
);

-- A party named in a seizure's record, in a role; written_as: the text as that record gave it (one party,
-- many spellings: the evidence item 4's resolution shows); import_id: the import that first recorded the link
-- (NULL: seeded or demo data).
CREATE TABLE seizure_parties (
    seizure_id  BIGINT NOT NULL,
    party_id    BIGINT NOT NULL,
    role        VARCHAR NOT NULL CHECK (role IN ('consignor', 'consignee', 'carrier', 'driver', 'owner', 'buyer', 'seller', 'sender', 'recipient', 'conveyance', 'waybill', 'contact', 'suspect', 'other')),
    written_as  VARCHAR NOT NULL CHECK (length(written_as) BETWEEN 1 AND 500),
    import_id   BIGINT,
    PRIMARY KEY (seizure_id, party_id, role)
);

-- A party of a case as a whole (a suspect, the owner of the goods), not of one seizure.
CREATE TABLE case_parties (
    case_id     BIGINT NOT NULL,
    party_id    BIGINT NOT NULL,
    role        VARCHAR NOT NULL CHECK (role IN ('consignor', 'consignee', 'carrier', 'driver', 'owner', 'buyer', 'seller', 'sender', 'recipient', 'conveyance', 'waybill', 'contact', 'suspect', 'other')),
    written_as  VARCHAR NOT NULL CHECK (length(written_as) BETWEEN 1 AND 500),
    import_id   BIGINT,
    PRIMARY KEY (case_id, party_id, role)
);

-- The seizures of a case.
CREATE TABLE seizure_cases (
    seizure_id  BIGINT NOT NULL,
    case_id     BIGINT NOT NULL,
    import_id   BIGINT,
    PRIMARY KEY (seizure_id, case_id)
);
