-- 002_admin_units: the names of provinces, counties and border zones, so that queries can
-- group and label by region (and, later, scope a user to the regions granted) in SQL alone.

CREATE TABLE admin_units (
    code            VARCHAR PRIMARY KEY CHECK (regexp_full_match(code, '[0-9]{6}')),
    level           VARCHAR NOT NULL CHECK (level IN ('province', 'county')),
    name_zh         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    province_code   VARCHAR NOT NULL CHECK (regexp_full_match(province_code, '[0-9]{6}')),
    is_border_zone  BOOLEAN NOT NULL,
    anchor_lon      DOUBLE NOT NULL CHECK (anchor_lon BETWEEN -180 AND 180),
    anchor_lat      DOUBLE NOT NULL CHECK (anchor_lat BETWEEN -90 AND 90),
    CHECK (level = 'county' OR NOT is_border_zone)
);
