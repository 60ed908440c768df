-- access_scope_zones: the border zones (county codes) a scoped connection may read, beside the
-- provinces of access_scope_provinces (queries.access.Scope.apply).
SET VARIABLE scope_zones = $zones::VARCHAR[];
