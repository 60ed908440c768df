-- 006_seizure_keys: seizures without the UNIQUE (source, source_id) index.
-- The index (a DuckDB ART over two strings) cost 40 % of writing a 1M-row import: 2.1 s to fill and
-- 1.7 s to store at commit (bench/bench_ingest.py, README). A record is still stored once per
-- source: the one path that writes seizures, queries.seizures.insert_seizures, refuses a frame
-- whose (source, source_id) is given twice or is already stored (queries/sql/seizures_key_clash.sql),
-- inside the writer's transaction, and the store has one writer at a time (Store.writing).
-- DuckDB cannot drop a constraint, so the table is made again with the same columns, constraints
-- and rows; seizure_id keeps its sequence.

CREATE TABLE seizures_006 (
    seizure_id        BIGINT PRIMARY KEY DEFAULT nextval('seizure_id_seq'),
    source            VARCHAR NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    source_id         VARCHAR NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
    occurred_at       TIMESTAMP NOT NULL CHECK (occurred_at >= TIMESTAMP '2000-01-01'),
    time_precision    VARCHAR NOT NULL CHECK (time_precision IN ('exact', 'day', 'week', 'month')),
    lon               DOUBLE NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               DOUBLE NOT NULL CHECK (lat BETWEEN -90 AND 90),
    geo_precision     VARCHAR NOT NULL CHECK (geo_precision IN ('point', 'town', 'county', 'province')),
    country_iso3      VARCHAR CHECK (country_iso3 IS NULL OR regexp_full_match(country_iso3, '[A-Z]{3}')),
    province_code     VARCHAR,
    county_code       VARCHAR,
    zone_code         VARCHAR,
    channel           VARCHAR NOT NULL CHECK (channel IN ('land_port', 'unofficial_path', 'postal_express', 'sea_port', 'air_cargo', 'processing_hub')),
    checkpoint_id     VARCHAR,
    hub_id            VARCHAR,
    item              VARCHAR NOT NULL,
    item_group        VARCHAR NOT NULL CHECK (item_group IN ('REE_heavy', 'REE_light', 'Ga', 'Ge', 'Sb', 'graphite', 'W', 'Te', 'Bi', 'Mo', 'In', 'superhard')),
    form              VARCHAR NOT NULL CHECK (form IN ('ore', 'concentrate', 'compound', 'oxide', 'metal', 'alloy', 'magnet', 'scrap')),
    quantity_kg       DOUBLE NOT NULL CHECK (quantity_kg > 0 AND quantity_kg <= 10000000),
    value_cny         DOUBLE CHECK (value_cny IS NULL OR value_cny >= 0),
    declared_as       VARCHAR CHECK (declared_as IS NULL OR length(declared_as) <= 500),
    concealment       VARCHAR CHECK (concealment IS NULL OR concealment IN ('false_declaration', 'hidden_in_cargo', 'mixed_with_legal_goods', 'body_carry', 'vehicle_compartment', 'split_parcels', 'none')),
    detection         VARCHAR CHECK (detection IS NULL OR detection IN ('x_ray', 'document_check', 'intelligence_tip', 'canine', 'random_inspection', 'patrol', 'parcel_screening')),
    agency            VARCHAR NOT NULL CHECK (agency IN ('customs', 'public_security', 'state_security', 'postal', 'border_defence')),
    destination_iso3  VARCHAR CHECK (destination_iso3 IS NULL OR regexp_full_match(destination_iso3, '[A-Z]{3}')),
    case_status       VARCHAR NOT NULL CHECK (case_status IN ('open', 'under_investigation', 'referred_for_prosecution', 'closed')),
    source_ref        VARCHAR CHECK (source_ref IS NULL OR length(source_ref) <= 500),
    is_synthetic      BOOLEAN NOT NULL,
    ingested_at       TIMESTAMP NOT NULL,
    h3_cell           UBIGINT
);

INSERT INTO seizures_006 SELECT * FROM seizures;
DROP TABLE seizures;
ALTER TABLE seizures_006 RENAME TO seizures;
