-- ingest_known_counties: the store's counties by code and names, with their anchor points, so that an
-- import can place a seizure whose row names its county and gives no coordinates.
SELECT code, name_zh, name_en, anchor_lon, anchor_lat
FROM admin_units
WHERE level = 'county'
ORDER BY code;
