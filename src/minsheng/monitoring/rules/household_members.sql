-- 成员概况 the month's counts of each household's members (from `member_flags`): gross income of the
-- living, members able to work and of working age, those among them in work or unemployed by their
-- registry status, children without an allowance, able adults, and members tagged 脱贫人口 or 低保.
-- Counts are COUNT(CASE …) (a BIGINT), not SUM(CASE … 1 ELSE 0) (DuckDB sums into 128-bit integers).
WITH counted AS (
  SELECT
    household_id,
    CAST(SUM(CASE WHEN alive THEN gross_fen ELSE 0 END) AS BIGINT) AS gross_income_fen,
    COUNT(CASE WHEN able_working_age THEN 1 END) AS able_working_age,
    COUNT(CASE WHEN able_working_age AND in_work THEN 1 END) AS in_work_members,
    COUNT(CASE WHEN able_working_age AND out_of_work THEN 1 END) AS out_of_work_members,
    COUNT(CASE WHEN child_without_allowance THEN 1 END) AS children_without_allowance,
    COUNT(CASE WHEN able_adult THEN 1 END) AS able_adults,
    COUNT(CASE WHEN relapse_watch THEN 1 END) AS relapse_watch_members,
    COUNT(CASE WHEN dibao_tag THEN 1 END) AS dibao_tagged_members
  FROM member_flags
  GROUP BY household_id
)
SELECT
  h.household_id,
  COALESCE(c.gross_income_fen, 0) AS gross_income_fen,
  COALESCE(c.able_working_age, 0) AS able_working_age,
  COALESCE(c.in_work_members, 0) AS in_work_members,
  COALESCE(c.out_of_work_members, 0) AS out_of_work_members,
  COALESCE(c.children_without_allowance, 0) AS children_without_allowance,
  COALESCE(c.able_adults, 0) AS able_adults,
  COALESCE(c.relapse_watch_members, 0) AS relapse_watch_members,
  COALESCE(c.dibao_tagged_members, 0) AS dibao_tagged_members
FROM households AS h
LEFT JOIN counted AS c ON c.household_id = h.household_id
