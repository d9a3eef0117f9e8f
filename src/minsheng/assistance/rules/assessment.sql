-- 救助认定汇总 the household's determination: every programme's result and the monthly total.
WITH persons AS (
  SELECT
    t.household_id,
    CAST(SUM(CASE WHEN t.eligible THEN 1 ELSE 0 END) AS BIGINT) AS tekun_persons,
    CAST(SUM(t.amount_fen) AS BIGINT) AS tekun_amount_fen,
    CAST(SUM(CASE WHEN o.eligible THEN 1 ELSE 0 END) AS BIGINT) AS orphan_children,
    CAST(SUM(o.amount_fen) AS BIGINT) AS orphan_amount_fen
  FROM tekun AS t
  JOIN orphan AS o ON o.person_id = t.person_id
  GROUP BY t.household_id
)
SELECT
  d.household_id,
  d.banner_code,
  SUBSTRING(d.banner_code, 1, 4) || '00' AS league_code,
  d.hukou,
  d.members_counted,
  d.data_complete,
  d.eligible AS dibao,
  d.amount_fen AS dibao_amount_fen,
  e.eligible AS dibao_edge,
  x.eligible AS rigid_expense,
  COALESCE(s.tekun_persons, 0) AS tekun_persons,
  COALESCE(s.tekun_amount_fen, 0) AS tekun_amount_fen,
  COALESCE(s.orphan_children, 0) AS orphan_children,
  COALESCE(s.orphan_amount_fen, 0) AS orphan_amount_fen,
  CAST(d.amount_fen + COALESCE(s.tekun_amount_fen, 0) + COALESCE(s.orphan_amount_fen, 0) AS BIGINT)
    AS total_amount_fen
FROM dibao AS d
JOIN dibao_edge AS e ON e.household_id = d.household_id
JOIN rigid_expense AS x ON x.household_id = d.household_id
LEFT JOIN persons AS s ON s.household_id = d.household_id
