-- 稳岗返还 job-retention refund of one year, per employer (RULES §6).
-- Inputs: employers(employer_id, banner_code, enterprise_type, declared_size, contributions_fen,
--   months_paid, insured_at_start, insured_at_end, average_insured), run(as_of: a day of the refund
--   year), params. Layoff rate = (insured at the start of the year − at its end) ÷ at the start, ≥ 0.
WITH sized AS (
    SELECT
        e.*,
        p.employment_retention_refund_rate_large AS rate_large,
        p.employment_retention_refund_rate_sme AS rate_sme,
        p.employment_retention_refund_layoff_rate_limit AS layoff_rate_limit,
        p.employment_retention_refund_layoff_rate_limit_small AS layoff_rate_limit_small,
        p.employment_retention_refund_small_staff_max AS small_staff_max,
        p.employment_retention_refund_large_headcount_min AS large_headcount_min,
        p.employment_retention_refund_min_months_paid AS min_months_paid,
        CASE
            WHEN e.declared_size IS NOT NULL THEN e.declared_size
            WHEN e.enterprise_type <> 'enterprise' THEN 'sme'
            WHEN e.average_insured >= p.employment_retention_refund_large_headcount_min THEN 'large'
            ELSE 'sme'
        END AS size,
        GREATEST(e.insured_at_start - e.insured_at_end, 0) AS staff_lost
    FROM employers e
    CROSS JOIN run r
    LEFT JOIN params p
        ON p.banner_code = e.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
),
checked AS (
    SELECT
        *,
        CASE WHEN average_insured <= small_staff_max THEN layoff_rate_limit_small ELSE layoff_rate_limit END
            AS layoff_limit,
        CASE WHEN size = 'large' THEN rate_large ELSE rate_sme END AS refund_rate,
        CASE WHEN insured_at_start > 0 THEN ROUND(CAST(staff_lost AS DOUBLE) / insured_at_start, 4) ELSE 0.0 END
            AS layoff_rate,
        COALESCE(months_paid >= min_months_paid, FALSE) AS months_paid_ok,
        COALESCE(contributions_fen > 0, FALSE) AS contributions_ok
    FROM sized
),
judged AS (
    SELECT
        *,
        -- exact: lost ≤ limit × start, so a rate exactly at the limit passes
        COALESCE(staff_lost <= layoff_limit * insured_at_start, FALSE) AS layoff_ok
    FROM checked
)
SELECT
    employer_id,
    banner_code,
    size,
    contributions_fen,
    months_paid,
    insured_at_start,
    insured_at_end,
    average_insured,
    staff_lost,
    layoff_rate,
    CAST(layoff_limit AS DOUBLE) AS layoff_limit,
    CAST(refund_rate AS DOUBLE) AS refund_rate,
    CAST(min_months_paid AS INTEGER) AS min_months_paid,
    months_paid_ok,
    layoff_ok,
    contributions_ok,
    months_paid_ok AND layoff_ok AND contributions_ok AS eligible,
    CASE
        WHEN months_paid_ok AND layoff_ok AND contributions_ok
            THEN CAST(FLOOR(contributions_fen * refund_rate + 0.5) AS BIGINT)
        ELSE CAST(0 AS BIGINT)
    END AS refund_fen
FROM judged
