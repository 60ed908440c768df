-- 008_descriptions: how a seizure was concealed and how it was detected, as the post wrote them.
-- concealment and detection were enumerations only, so that an import refused a row whose words
-- named no known category ('mixed with declared goods', 藏在货车备胎内). The words are now kept as
-- written (concealment_text, detection_text: searched, shown, exported) and concealment/detection
-- stay as the category derived from them where one is recognised, NULL where none is
-- (queries.ingest.validate.derive_category). Rows stored before keep their category; their words
-- were not kept and stay NULL.
-- DuckDB cannot add a column with a constraint, so the table is made again (as in 006) with the new
-- columns beside their categories, the same constraints and rows; seizure_id keeps its sequence.
-- seizure_history copies seizures' columns without constraints (004): it gains the two columns.

CREATE TABLE seizures_008 (
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
    concealment_text  VARCHAR CHECK (concealment_text IS NULL OR length(concealment_text) <= 500),
    detection         VARCHAR CHECK (detection IS NULL OR detection IN ('x_ray', 'document_check', 'intelligence_tip', 'canine', 'random_inspection', 'patrol', 'parcel_screening')),
    detection_text    VARCHAR CHECK (detection_text IS NULL OR length(detection_text) <= 500),
    agency            VARCHAR NOT NULL CHECK (agency IN ('customs', 'public_security', 'state_security', 'postal', 'border_defence')),
    destination_iso3  VARCHAR CHECK (destination_iso3 IS NULL OR regexp_full_match(destination_iso3, '[A-Z]{3}')),
    case_status       VARCHAR NOT NULL CHECK (case_status IN ('open', 'under_investigation', 'referred_for_prosecution', 'closed')),
    source_ref        VARCHAR CHECK (source_ref IS NULL OR length(source_ref) <= 500),
    is_synthetic      BOOLEAN NOT NULL,
    ingested_at       TIMESTAMP NOT NULL,
    h3_cell           UBIGINT
);

INSERT INTO seizures_008 BY NAME SELECT * FROM seizures;
DROP TABLE seizures;
ALTER TABLE seizures_008 RENAME TO seizures;

ALTER TABLE seizure_history ADD COLUMN concealment_text VARCHAR;
ALTER TABLE seizure_history ADD COLUMN detection_text VARCHAR;
