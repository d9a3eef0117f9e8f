-- 低收入人口 the monitored population: 低保, 特困, 低保边缘 and 刚性支出 households (by an open case or
-- by the rules), 防止返贫 watch (members tagged 脱贫人口), and other hardship (any risk found today).
-- One row per household with each risk's level and need, so the daily run reads one table. The risks
-- found are few: they are gathered first (UNION ALL of the at-risk rows) and joined once.
WITH found AS (
  SELECT household_id, 'medical_burden' AS risk, level, need_fen FROM medical_burden WHERE at_risk
  UNION ALL
  SELECT household_id, 'income_fall' AS risk, level, need_fen FROM income_fall WHERE at_risk
  UNION ALL
  SELECT household_id, 'zero_employment' AS risk, level, need_fen FROM zero_employment WHERE at_risk
  UNION ALL
  SELECT household_id, 'disability_without_care' AS risk, level, need_fen FROM disability_without_care WHERE at_risk
  UNION ALL
  SELECT household_id, 'unsupported_child' AS risk, level, need_fen FROM unsupported_child WHERE at_risk
  UNION ALL
  SELECT household_id, 'sudden_hardship' AS risk, level, need_fen FROM sudden_hardship WHERE at_risk
  UNION ALL
  SELECT household_id, 'take_up_gap' AS risk, level, need_fen FROM take_up_gap WHERE at_risk
),
risks AS (
  SELECT
    household_id,
    MAX(CASE WHEN risk = 'medical_burden' THEN level END) AS medical_burden,
    CAST(SUM(CASE WHEN risk = 'medical_burden' THEN need_fen ELSE 0 END) AS BIGINT) AS medical_burden_need_fen,
    MAX(CASE WHEN risk = 'income_fall' THEN level END) AS income_fall,
    CAST(SUM(CASE WHEN risk = 'income_fall' THEN need_fen ELSE 0 END) AS BIGINT) AS income_fall_need_fen,
    MAX(CASE WHEN risk = 'zero_employment' THEN level END) AS zero_employment,
    CAST(SUM(CASE WHEN risk = 'zero_employment' THEN need_fen ELSE 0 END) AS BIGINT) AS zero_employment_need_fen,
    MAX(CASE WHEN risk = 'disability_without_care' THEN level END) AS disability_without_care,
    CAST(SUM(CASE WHEN risk = 'disability_without_care' THEN need_fen ELSE 0 END) AS BIGINT)
      AS disability_without_care_need_fen,
    MAX(CASE WHEN risk = 'unsupported_child' THEN level END) AS unsupported_child,
    CAST(SUM(CASE WHEN risk = 'unsupported_child' THEN need_fen ELSE 0 END) AS BIGINT) AS unsupported_child_need_fen,
    MAX(CASE WHEN risk = 'sudden_hardship' THEN level END) AS sudden_hardship,
    CAST(SUM(CASE WHEN risk = 'sudden_hardship' THEN need_fen ELSE 0 END) AS BIGINT) AS sudden_hardship_need_fen,
    MAX(CASE WHEN risk = 'take_up_gap' THEN level END) AS take_up_gap,
    CAST(SUM(CASE WHEN risk = 'take_up_gap' THEN need_fen ELSE 0 END) AS BIGINT) AS take_up_gap_need_fen
  FROM found
  GROUP BY household_id
)
SELECT
  f.household_id,
  f.banner_code,
  f.dibao_case OR f.dibao_tagged_members > 0 AS dibao,
  f.tekun_case AS tekun,
  f.dibao_edge_case OR f.dibao_edge_eligible AS dibao_edge,
  f.rigid_expense_case OR f.rigid_expense_eligible AS rigid_expense,
  f.relapse_watch_members > 0 AS relapse_watch,
  k.household_id IS NOT NULL AS other_hardship,
  f.dibao_case OR f.dibao_tagged_members > 0 OR f.tekun_case OR f.dibao_edge_case OR f.dibao_edge_eligible
    OR f.rigid_expense_case OR f.rigid_expense_eligible OR f.relapse_watch_members > 0
    OR k.household_id IS NOT NULL AS monitored,
  k.medical_burden,
  COALESCE(k.medical_burden_need_fen, 0) AS medical_burden_need_fen,
  k.income_fall,
  COALESCE(k.income_fall_need_fen, 0) AS income_fall_need_fen,
  k.zero_employment,
  COALESCE(k.zero_employment_need_fen, 0) AS zero_employment_need_fen,
  k.disability_without_care,
  COALESCE(k.disability_without_care_need_fen, 0) AS disability_without_care_need_fen,
  k.unsupported_child,
  COALESCE(k.unsupported_child_need_fen, 0) AS unsupported_child_need_fen,
  k.sudden_hardship,
  COALESCE(k.sudden_hardship_need_fen, 0) AS sudden_hardship_need_fen,
  k.take_up_gap,
  COALESCE(k.take_up_gap_need_fen, 0) AS take_up_gap_need_fen
FROM monitoring_facts AS f
LEFT JOIN risks AS k ON k.household_id = f.household_id
