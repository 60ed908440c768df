-- view_mix: the view's seizures by mineral group and item, largest first.
SELECT item_group, item, count(*) AS seizures, sum(quantity_kg) AS kg, coalesce(sum(value_cny), 0) AS value_cny
FROM filtered_seizures($filters)
GROUP BY item_group, item
ORDER BY seizures DESC, item;
