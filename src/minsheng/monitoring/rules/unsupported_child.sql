-- 疑似事实无人抚养儿童 a child (under the orphan age line) without an orphan or unsupported-child
-- allowance in a household with no living adult able to care for them (every adult deceased or
-- severely disabled): the 事实无人抚养 conditions may be met, to be checked on a visit.
SELECT
  household_id,
  banner_code,
  children_without_allowance,
  able_adults,
  children_without_allowance > 0 AS child_without_allowance,
  able_adults = 0 AS no_able_adult,
  children_without_allowance > 0 AND able_adults = 0 AS at_risk,
  CASE WHEN children_without_allowance > 0 AND able_adults = 0 THEN 'high' END AS level,
  CAST(0 AS BIGINT) AS need_fen
FROM monitoring_facts
