-- 救助认定摘要 what the monitoring rules need of the month's social-assistance determination: per
-- household, counted income, the 低保 line and gap, and who is eligible for which programme. Computed
-- by the assistance rules (run monthly over the region, or locally for a few households), never here.
SELECT
  a.household_id,
  a.banner_code,
  a.members_counted,
  d.counted_income_fen,
  d.per_capita_income_fen,
  d.dibao_standard_fen,
  d.dibao_line_fen,
  d.eligible AS dibao_eligible,
  d.gap_fen AS dibao_gap_fen,
  a.dibao_amount_fen,
  a.tekun_persons,
  a.tekun_amount_fen,
  a.dibao_edge AS dibao_edge_eligible,
  a.rigid_expense AS rigid_expense_eligible,
  a.data_complete
FROM assessment AS a
JOIN dibao AS d ON d.household_id = a.household_id
