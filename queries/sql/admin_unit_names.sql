-- admin_unit_names: provinces and counties with their names, for the area filters.
SELECT code, level, name_en, name_zh, province_code, is_border_zone
FROM admin_units
ORDER BY level DESC, province_code, code;
