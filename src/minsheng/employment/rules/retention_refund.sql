-- 稳岗返还 job-retention refund of one year, per employer.
-- Inputs: employers(employer_id, enterprise_type, declared_size, contributions_fen, months_paid,
--   insured_at_start, insured_at_end, average_insured), parameters(name, value).
-- Layoff rate = (insured at the start of the year − at its end) ÷ at the start, never below 0.
WITH p AS (
    SELECT
        MAX(CASE WHEN name = 'employment.retention_refund.rate_large' THEN value END) AS rate_large,
        MAX(CASE WHEN name = 'employment.retention_refund.rate_sme' THEN value END) AS rate_sme,
        MAX(CASE WHEN name = 'employment.retention_refund.layoff_rate_limit' THEN value END) AS layoff_rate_limit,
        MAX(CASE WHEN name = 'employment.retention_refund.layoff_rate_limit_small' THEN value END) AS layoff_rate_limit_small,
        MAX(CASE WHEN name = 'employment.retention_refund.small_staff_max' THEN value END) AS small_staff_max,
        MAX(CASE WHEN name = 'employment.retention_refund.large_headcount_min' THEN value END) AS large_headcount_min,
        MAX(CASE WHEN name = 'employment.retention_refund.min_months_paid' THEN value END) AS min_months_paid
    FROM parameters
),
sized AS (
    SELECT
        e.*,
        p.*,
        CASE
            WHEN e.declared_size IS NOT NULL THEN e.declared_size
            WHEN e.enterprise_type <> 'enterprise' THEN 'sme'
            WHEN e.average_insured >= p.large_headcount_min THEN 'large'
            ELSE 'sme'
        END AS size,
        GREATEST(e.insured_at_start - e.insured_at_end, 0) AS staff_lost,
        CASE WHEN e.average_insured <= p.small_staff_max THEN p.layoff_rate_limit_small ELSE p.layoff_rate_limit END
            AS layoff_limit
    FROM employers e CROSS JOIN p
),
checked AS (
    SELECT
        *,
        CASE WHEN size = 'large' THEN rate_large ELSE rate_sme END AS refund_rate,
        CASE WHEN insured_at_start > 0 THEN ROUND(CAST(staff_lost AS DOUBLE) / insured_at_start, 4) ELSE 0.0 END
            AS layoff_rate,
        months_paid >= min_months_paid AS months_paid_ok,
        -- exact: lost ≤ limit × start, so a rate exactly at the limit passes
        staff_lost <= layoff_limit * insured_at_start AS layoff_ok,
        contributions_fen > 0 AS contributions_ok
    FROM sized
)
SELECT
    employer_id,
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
            THEN CAST(ROUND(contributions_fen * refund_rate, 0) AS BIGINT)
        ELSE CAST(0 AS BIGINT)
    END AS refund_fen
FROM checked
