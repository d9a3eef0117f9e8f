-- 应保未保 proactive discovery: the assistance rules find the household eligible for 低保 (or a member
-- eligible for 特困) and it has no open case of that programme. Need, for ranking, is the monthly gap
-- between the 低保 line and the counted income (补差) plus the 特困 support the members would get.
SELECT
  household_id,
  banner_code,
  members_counted,
  counted_income_fen,
  per_capita_income_fen,
  dibao_standard_fen,
  dibao_line_fen,
  dibao_gap_fen,
  dibao_amount_fen,
  tekun_persons,
  tekun_amount_fen,
  dibao_eligible,
  tekun_persons > 0 AS tekun_eligible,
  NOT dibao_case AS no_dibao_case,
  NOT tekun_case AS no_tekun_case,
  (dibao_eligible AND NOT dibao_case) OR (tekun_persons > 0 AND NOT tekun_case) AS at_risk,
  CASE WHEN (dibao_eligible AND NOT dibao_case) OR (tekun_persons > 0 AND NOT tekun_case) THEN 'high' END
    AS level,
  CAST(CASE WHEN dibao_eligible AND NOT dibao_case THEN dibao_gap_fen ELSE 0 END
       + CASE WHEN tekun_persons > 0 AND NOT tekun_case THEN tekun_amount_fen ELSE 0 END AS BIGINT) AS need_fen
FROM monitoring_facts
