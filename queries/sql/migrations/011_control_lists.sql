-- 011_control_lists: China's lists of controlled and restricted parties (queries.control_lists): one row per
-- party per list, with the announcement that put it there and what later announcements did to it.
-- origin: 'release' rows come from queries/reference/control_lists.csv and are refreshed by every upgrade;
-- 'import' rows came from `python -m queries lists import` and a release's refresh leaves them as they are.

CREATE TABLE control_list_entries (
    list_code          VARCHAR NOT NULL CHECK (list_code IN ('control', 'watch', 'unreliable_entity')),
    entry_id           VARCHAR NOT NULL CHECK (regexp_full_match(entry_id, '[A-Za-z0-9][A-Za-z0-9._-]{0,99}')),
    names_zh           VARCHAR[] NOT NULL,
    names_en           VARCHAR[] NOT NULL,
    former_names       VARCHAR[] NOT NULL,
    identifiers        VARCHAR[] NOT NULL,
    country_iso3       VARCHAR CHECK (regexp_full_match(country_iso3, '[A-Z]{3}')),
    announcement       VARCHAR NOT NULL CHECK (length(announcement) BETWEEN 1 AND 200),
    announced_on       DATE NOT NULL,
    effective_from     DATE NOT NULL,
    suspended_from     DATE,
    suspended_until    DATE,
    removed_on         DATE,
    source_url         VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://\S+')),
    change_source_url  VARCHAR CHECK (regexp_full_match(change_source_url, 'https?://\S+')),
    note               VARCHAR,
    origin             VARCHAR NOT NULL CHECK (origin IN ('release', 'import')),
    PRIMARY KEY (list_code, entry_id),
    CHECK (len(names_zh) + len(names_en) >= 1),
    CHECK (effective_from >= announced_on),
    CHECK (suspended_until IS NULL OR (suspended_from IS NOT NULL AND suspended_until > suspended_from)),
    CHECK (removed_on IS NULL OR removed_on >= effective_from)
);
