-- 001_core: the core tables. All timestamps are Beijing time (UTC+8, no daylight saving),
-- stored without a time zone, as the records arrive from Chinese posts.
-- Enumerations are listed here literally; tests/queries/test_schema.py checks them against
-- queries/constants.py so that the two can never drift apart.

CREATE TABLE control_announcements (
    announcement    VARCHAR PRIMARY KEY,
    announced_on    DATE NOT NULL,
    effective_on    DATE NOT NULL,
    suspended_from  DATE,
    suspended_until DATE,
    item_groups     VARCHAR[] NOT NULL,
    items_text      VARCHAR NOT NULL,
    hs_codes        VARCHAR[] NOT NULL,
    note            VARCHAR,
    CHECK (effective_on >= announced_on),
    CHECK (suspended_until IS NULL OR suspended_from IS NULL OR suspended_until >= suspended_from)
);

CREATE TABLE controlled_items (
    item            VARCHAR PRIMARY KEY CHECK (regexp_full_match(item, '[a-z0-9_]+')),
    item_group      VARCHAR NOT NULL CHECK (item_group IN ('REE_heavy', 'REE_light', 'Ga', 'Ge', 'Sb', 'graphite', 'W', 'Te', 'Bi', 'Mo', 'In', 'superhard')),
    name_en         VARCHAR NOT NULL,
    name_zh         VARCHAR NOT NULL,
    announcement    VARCHAR,  -- NULL: not itemised in an export-control announcement
    effective_on    DATE,
    note            VARCHAR
);

CREATE TABLE checkpoints (
    checkpoint_id     VARCHAR PRIMARY KEY CHECK (regexp_full_match(checkpoint_id, '[a-z0-9_]+')),
    name_zh           VARCHAR NOT NULL,
    name_en           VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL CHECK (kind IN ('land_port_class1', 'land_port_class2', 'border_inspection_station', 'sea_port', 'airport', 'postal_hub')),
    lon               DOUBLE NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               DOUBLE NOT NULL CHECK (lat BETWEEN -90 AND 90),
    geo_precision     VARCHAR NOT NULL CHECK (geo_precision IN ('point', 'town', 'county', 'province')),
    province_code     VARCHAR,
    county_code       VARCHAR,
    zone_code         VARCHAR,
    counterpart       VARCHAR,
    counterpart_iso3  VARCHAR CHECK (counterpart_iso3 IS NULL OR regexp_full_match(counterpart_iso3, '[A-Z]{3}')),
    agency            VARCHAR NOT NULL CHECK (agency IN ('customs', 'public_security', 'state_security', 'postal', 'border_defence')),
    source            VARCHAR NOT NULL
);

CREATE TABLE processing_hubs (
    hub_id               VARCHAR PRIMARY KEY CHECK (regexp_full_match(hub_id, '[a-z0-9_]+')),
    name_zh              VARCHAR NOT NULL,
    name_en              VARCHAR NOT NULL,
    kind                 VARCHAR NOT NULL CHECK (kind IN ('mine', 'separation_plant', 'smelter_refinery', 'magnet_alloy_maker', 'trading_hub')),
    activities           VARCHAR,
    item_groups          VARCHAR[] NOT NULL,
    lon                  DOUBLE NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat                  DOUBLE NOT NULL CHECK (lat BETWEEN -90 AND 90),
    geo_precision        VARCHAR NOT NULL CHECK (geo_precision IN ('point', 'town', 'county', 'province')),
    province_code        VARCHAR,
    country_iso3         VARCHAR NOT NULL CHECK (regexp_full_match(country_iso3, '[A-Z]{3}')),
    licensed             BOOLEAN,  -- NULL: not known
    capacity_t_per_year  DOUBLE CHECK (capacity_t_per_year IS NULL OR capacity_t_per_year >= 0),
    risk_tier            TINYINT CHECK (risk_tier IS NULL OR risk_tier BETWEEN 1 AND 3),
    note                 VARCHAR,
    source               VARCHAR NOT NULL
);

CREATE SEQUENCE seizure_id_seq START 1;

CREATE TABLE seizures (
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
    UNIQUE (source, source_id)
);
