-- 医疗支出负担 heavy medical costs: self-pay medical costs of the last 12 months (claims settled by the
-- medical module and bills reported by partners) above monitoring.medical_self_pay_share of the
-- household's annual gross income, after any reported income drop. High from the _high share, with no
-- income at all, or with a large bill (monitoring.large_bill) in the month of the run.
WITH judged AS (
  SELECT
    f.household_id,
    f.banner_code,
    f.members_counted,
    f.self_pay_12m_fen,
    f.self_pay_month_fen,
    f.claims_12m_fen,
    f.bills_12m_fen,
    f.gross_income_fen,
    f.income_drop_fen,
    CAST(f.gross_after_drop_fen * 12 AS BIGINT) AS annual_income_fen,
    p.monitoring_medical_self_pay_share AS share_limit,
    p.monitoring_medical_self_pay_share_high AS share_high,
    p.monitoring_large_bill_fen AS large_bill_fen,
    CASE WHEN f.gross_after_drop_fen > 0 AND f.self_pay_12m_fen > 0
         THEN CAST(f.self_pay_12m_fen AS DOUBLE) / (f.gross_after_drop_fen * 12) END AS self_pay_share,
    -- the decimal arithmetic only where there are medical costs
    CASE WHEN f.self_pay_12m_fen > 0
         THEN COALESCE(f.gross_after_drop_fen = 0
                       OR f.self_pay_12m_fen > p.monitoring_medical_self_pay_share * f.gross_after_drop_fen * 12,
                       FALSE)
         ELSE FALSE END AS self_pay_above_share,
    COALESCE(f.self_pay_month_fen >= p.monitoring_large_bill_fen, FALSE) AS large_bill_this_month,
    f.income_drop_fen > 0 AS income_fell,
    CASE WHEN f.self_pay_12m_fen > 0
         THEN COALESCE(f.gross_after_drop_fen = 0
                       OR f.self_pay_12m_fen >= p.monitoring_medical_self_pay_share_high * f.gross_after_drop_fen * 12,
                       FALSE)
         ELSE FALSE END AS above_high_share
  FROM monitoring_facts AS f
  CROSS JOIN run AS r
  LEFT JOIN params AS p
    ON p.banner_code = f.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
  household_id,
  banner_code,
  members_counted,
  self_pay_12m_fen,
  self_pay_month_fen,
  claims_12m_fen,
  bills_12m_fen,
  gross_income_fen,
  income_drop_fen,
  annual_income_fen,
  share_limit,
  share_high,
  large_bill_fen,
  self_pay_share,
  self_pay_above_share,
  large_bill_this_month,
  income_fell,
  self_pay_above_share AS at_risk,
  CASE WHEN NOT self_pay_above_share THEN NULL
       WHEN above_high_share OR large_bill_this_month THEN 'high'
       ELSE 'medium' END AS level,
  CAST(CASE WHEN self_pay_above_share
            THEN GREATEST(0, self_pay_12m_fen - FLOOR(COALESCE(share_limit, 0) * annual_income_fen + 0.5))
            ELSE 0 END AS BIGINT) AS need_fen
FROM judged
