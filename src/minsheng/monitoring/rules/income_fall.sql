-- 收入骤减 income fell: a partner (tax, social insurance) reported a member's monthly income fell by at
-- least monitoring.income_drop_share, and the household's counted income after the drop is below
-- monitoring.income_factor × the 低保 standard × members (the near-dibao line, compared exactly).
-- High when it is below the 低保 line itself.
WITH judged AS (
  SELECT
    f.household_id,
    f.banner_code,
    f.members_counted,
    f.counted_income_fen,
    f.income_drop_fen,
    f.income_before_drop_fen,
    f.income_after_drop_fen,
    f.dibao_standard_fen,
    f.dibao_line_fen,
    p.monitoring_income_factor AS income_factor,
    p.monitoring_income_drop_share AS drop_share_limit,
    -- the decimal arithmetic only where a drop was reported (a few households in a thousand)
    CASE WHEN f.income_drop_fen > 0
         THEN CAST(FLOOR(p.monitoring_income_factor * f.dibao_standard_fen * f.members_counted + 0.5) AS BIGINT)
    END AS edge_line_fen,
    CAST(CASE WHEN f.members_counted > 0
              THEN (2 * f.income_after_drop_fen + f.members_counted) // (2 * f.members_counted) END AS BIGINT)
      AS per_capita_after_fen,
    CASE WHEN f.income_before_drop_fen > 0
         THEN CAST(f.income_drop_fen AS DOUBLE) / f.income_before_drop_fen END AS drop_share,
    CASE WHEN f.income_drop_fen > 0
         THEN COALESCE(f.income_drop_fen >= p.monitoring_income_drop_share * f.income_before_drop_fen, FALSE)
         ELSE FALSE END AS large_drop_reported,
    CASE WHEN f.income_drop_fen > 0
         THEN COALESCE(f.income_after_drop_fen < p.monitoring_income_factor * f.dibao_standard_fen * f.members_counted,
                       FALSE)
         ELSE FALSE END AS below_edge_line,
    COALESCE(f.income_after_drop_fen < f.dibao_line_fen, FALSE) AS below_dibao_line
  FROM monitoring_facts AS f
  CROSS JOIN run AS r
  LEFT JOIN params AS p
    ON p.banner_code = f.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
  *,
  large_drop_reported AND below_edge_line AS at_risk,
  CASE WHEN NOT (large_drop_reported AND below_edge_line) THEN NULL
       WHEN below_dibao_line THEN 'high' ELSE 'medium' END AS level,
  CAST(CASE WHEN large_drop_reported AND below_edge_line
            THEN GREATEST(0, edge_line_fen - income_after_drop_fen) ELSE 0 END AS BIGINT) AS need_fen
FROM judged
