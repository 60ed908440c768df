-- users_region_known: whether $code is a province ($kind 'province') or a border zone ($kind 'zone')
-- in admin_units, so that a mistyped code is refused rather than granting nothing.
SELECT count(*) > 0 AS known
FROM admin_units
WHERE code = $code
  AND (($kind = 'province' AND level = 'province') OR ($kind = 'zone' AND is_border_zone));
