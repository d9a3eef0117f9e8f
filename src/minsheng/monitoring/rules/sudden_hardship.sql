-- 突发严重困难 sudden severe hardship: disaster damage of at least monitoring.disaster_damage reported
-- by emergency management, or the death of a member who earned the household's income. High when both.
SELECT
  f.household_id,
  f.banner_code,
  f.disaster_damage_fen,
  f.earners_died,
  p.monitoring_disaster_damage_fen AS damage_threshold_fen,
  COALESCE(f.disaster_damage_fen >= p.monitoring_disaster_damage_fen, FALSE) AS heavy_damage,
  f.earners_died > 0 AS earner_died,
  COALESCE(f.disaster_damage_fen >= p.monitoring_disaster_damage_fen, FALSE) OR f.earners_died > 0 AS at_risk,
  CASE WHEN COALESCE(f.disaster_damage_fen >= p.monitoring_disaster_damage_fen, FALSE) AND f.earners_died > 0
         THEN 'high'
       WHEN COALESCE(f.disaster_damage_fen >= p.monitoring_disaster_damage_fen, FALSE) OR f.earners_died > 0
         THEN 'medium' END AS level,
  CAST(f.disaster_damage_fen AS BIGINT) AS need_fen
FROM monitoring_facts AS f
CROSS JOIN run AS r
LEFT JOIN params AS p
  ON p.banner_code = f.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
