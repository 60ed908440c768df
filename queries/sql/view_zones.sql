-- view_zones: the view's seizures, kilograms and value in each border zone (all zones, zeros included).
SELECT
    z.code AS zone_code,
    z.name_en,
    z.name_zh,
    p.name_en AS province_en,
    p.name_zh AS province_zh,
    coalesce(v.seizures, 0)  AS seizures,
    coalesce(v.kg, 0)        AS kg,
    coalesce(v.value_cny, 0) AS value_cny
FROM admin_units AS z
JOIN admin_units AS p ON p.code = z.province_code
LEFT JOIN (
    SELECT zone_code, count(*) AS seizures, sum(quantity_kg) AS kg, sum(value_cny) AS value_cny
    FROM filtered_seizures($filters)
    WHERE zone_code IS NOT NULL
    GROUP BY zone_code
) AS v ON v.zone_code = z.code
WHERE z.is_border_zone
ORDER BY seizures DESC, z.code;
