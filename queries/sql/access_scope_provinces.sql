-- access_scope_provinces: the provinces a scoped connection may read (queries.access.Scope.apply);
-- filtered_seizures keeps only their rows, or those of the granted zones. Never set: unscoped.
SET VARIABLE scope_provinces = $provinces::VARCHAR[];
