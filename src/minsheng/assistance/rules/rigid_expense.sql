-- 刚性支出困难家庭 (《刚性支出困难家庭认定办法》, from 2025-01-01): not 低保, 特困 or 低保边缘; per-capita
-- income below the prior-year per-capita disposable income; assets within the limits; rigid spending
-- (disability and illness costs, education, medical self-pay) above the local share of gross income.
WITH tekun_households AS (
  SELECT household_id, CAST(SUM(CASE WHEN eligible THEN 1 ELSE 0 END) AS BIGINT) AS tekun_members
  FROM tekun
  GROUP BY household_id
),
judged AS (
  SELECT
    i.household_id,
    i.banner_code,
    i.hukou,
    i.members_counted,
    i.counted_income_fen,
    i.per_capita_income_fen,
    i.gross_income_fen,
    i.rigid_spending_fen,
    p.rigid_expense_spending_ratio AS spending_ratio,
    p.statistics_disposable_income_prior_year_fen AS disposable_income_line_fen,
    COALESCE(p.rigid_expense_in_force, FALSE) AS in_force,
    COALESCE(i.income_data_complete AND p.rigid_expense_in_force IS NOT NULL
             AND (NOT p.rigid_expense_in_force
                  OR (p.rigid_expense_spending_ratio IS NOT NULL
                      AND p.statistics_disposable_income_prior_year_fen IS NOT NULL)), FALSE) AS data_complete,
    COALESCE(NOT d.eligible AND NOT e.eligible AND COALESCE(t.tekun_members, 0) = 0, FALSE)
      AS not_other_assistance,
    COALESCE(i.counted_income_fen * 12 < p.statistics_disposable_income_prior_year_fen * i.members_counted,
             FALSE) AS income_below_disposable,
    COALESCE(a.assets_within_limits, FALSE) AS assets_within_limits,
    COALESCE(i.rigid_spending_fen > p.rigid_expense_spending_ratio * i.gross_income_fen, FALSE)
      AS spending_above_ratio
  FROM household_income AS i
  CROSS JOIN run AS r
  LEFT JOIN dibao AS d ON d.household_id = i.household_id
  LEFT JOIN dibao_edge AS e ON e.household_id = i.household_id
  LEFT JOIN tekun_households AS t ON t.household_id = i.household_id
  LEFT JOIN household_assets AS a ON a.household_id = i.household_id
  LEFT JOIN params AS p
    ON p.banner_code = i.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
  *,
  in_force AND data_complete AND not_other_assistance AND income_below_disposable AND assets_within_limits
    AND spending_above_ratio AS eligible
FROM judged
