-- 孤儿 / 事实无人抚养儿童 (民发〔2019〕62号): a child under the age line recorded as an orphan or a de
-- facto unsupported child. Allowance: the orphan standard (centralised or dispersed care; unsupported
-- children a share of the dispersed standard), topped up against benefits already paid (补差): the
-- child's recorded social assistance and its share of this month's household 低保 amount.
WITH judged AS (
  SELECT
    f.person_id,
    f.household_id,
    f.banner_code,
    f.hukou,
    f.age,
    f.alive,
    CASE WHEN f.orphan_tag THEN 'orphan'
         WHEN f.unsupported_child_tag THEN 'unsupported_child'
    END AS category,
    CASE WHEN f.institutional_care_tag THEN 'centralised'
         ELSE 'dispersed' END AS care,
    p.orphan_age_below AS age_below,
    CAST(CASE
      WHEN f.orphan_tag
       AND f.institutional_care_tag THEN p.orphan_allowance_centralised_fen
      WHEN f.orphan_tag THEN p.orphan_allowance_dispersed_fen
      ELSE FLOOR(p.orphan_allowance_dispersed_fen * p.unsupported_child_allowance_share + 0.5)
    END AS BIGINT) AS allowance_standard_fen,
    f.assistance_fen AS recorded_assistance_fen,
    CAST(CASE WHEN f.alive AND d.eligible AND d.members_counted > 0
              THEN (2 * d.amount_fen + d.members_counted) // (2 * d.members_counted) ELSE 0 END AS BIGINT)
      AS dibao_share_fen,
    COALESCE(f.person_data_complete AND p.orphan_allowance_dispersed_fen IS NOT NULL, FALSE) AS data_complete,
    f.child AS under_age,
    f.orphan_tag OR f.unsupported_child_tag
      AS orphan_or_unsupported
  FROM member_facts AS f
  CROSS JOIN run AS r
  LEFT JOIN dibao AS d ON d.household_id = f.household_id
  LEFT JOIN params AS p
    ON p.banner_code = f.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
  person_id,
  household_id,
  banner_code,
  hukou,
  age,
  category,
  care,
  age_below,
  allowance_standard_fen,
  recorded_assistance_fen,
  dibao_share_fen,
  CAST(recorded_assistance_fen + dibao_share_fen AS BIGINT) AS other_benefits_fen,
  data_complete,
  alive,
  under_age,
  orphan_or_unsupported,
  data_complete AND alive AND under_age AND orphan_or_unsupported AS eligible,
  CAST(CASE WHEN data_complete AND alive AND under_age AND orphan_or_unsupported
            THEN GREATEST(0, allowance_standard_fen - recorded_assistance_fen - dibao_share_fen)
            ELSE 0 END AS BIGINT) AS amount_fen
FROM judged
