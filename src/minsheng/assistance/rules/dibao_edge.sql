-- 低保边缘家庭 near-dibao household (民发〔2021〕57号 Art. 8, 民发〔2022〕83号): not 低保, counted
-- income below income_factor × standard × members (compared exactly, no rounding), assets within limits.
WITH judged AS (
  SELECT
    d.household_id,
    d.banner_code,
    d.hukou,
    d.members_counted,
    d.counted_income_fen,
    d.per_capita_income_fen,
    d.dibao_standard_fen,
    p.dibao_edge_income_factor AS income_factor,
    CAST(FLOOR(p.dibao_edge_income_factor * d.dibao_standard_fen * d.members_counted + 0.5) AS BIGINT)
      AS edge_line_fen,
    COALESCE(d.data_complete AND p.dibao_edge_income_factor IS NOT NULL, FALSE) AS data_complete,
    NOT d.eligible AS not_dibao,
    COALESCE(d.counted_income_fen < p.dibao_edge_income_factor * d.dibao_standard_fen * d.members_counted,
             FALSE) AS income_below_edge_line,
    d.assets_within_limits
  FROM dibao AS d
  CROSS JOIN run AS r
  LEFT JOIN params AS p
    ON p.banner_code = d.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
  *,
  data_complete AND not_dibao AND income_below_edge_line AND assets_within_limits AS eligible
FROM judged
