-- view_series: the view's seizures and kilograms per time bucket ($bucket: 'day', 'week' or
-- 'month', from an allow-list), once by mineral group and once by channel.
SELECT
    date_trunc($bucket, occurred_at)                       AS bucket,
    CASE WHEN GROUPING(item_group) = 0 THEN 'item_group' ELSE 'channel' END AS dimension,
    coalesce(item_group, channel)                          AS key,
    count(*)                                               AS seizures,
    sum(quantity_kg)                                       AS kg
FROM filtered_seizures($filters)
GROUP BY GROUPING SETS ((bucket, item_group), (bucket, channel))
ORDER BY bucket, dimension, key;
