-- analysis_left_out: how many of the view's seizures the spatial analyses leave out because their
-- place is known only to the county or the province (see the precise_enough macro), and how many
-- they use.
SELECT
    count(*) FILTER (WHERE NOT precise_enough(geo_precision)) AS left_out,
    count(*) FILTER (WHERE precise_enough(geo_precision))     AS used
FROM filtered_seizures($filters);
