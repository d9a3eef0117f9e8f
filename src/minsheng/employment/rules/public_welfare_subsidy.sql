-- 公益性岗位补贴 the month's post subsidy and social-insurance subsidy per placement, pro rata to the days
-- the placement is in force in the month, rounded half up to the fen.
-- Inputs: placements(placement_id, person_id, banner_code, started_on, ends_on), where ends_on is the
--   day after the last day (planned or actual); request(month_start, next_month_start); parameters
--   (money in fen).
WITH p AS (
    SELECT
        MAX(CASE WHEN name = 'employment.public_welfare_job.post_subsidy' THEN value END) AS post_fen,
        MAX(CASE WHEN name = 'employment.public_welfare_job.social_insurance_subsidy' THEN value END) AS insurance_fen
    FROM parameters
),
days AS (
    SELECT
        x.placement_id,
        x.person_id,
        x.banner_code,
        DATE_DIFF('day', r.month_start, r.next_month_start) AS month_days,
        DATE_DIFF(
            'day',
            GREATEST(x.started_on, r.month_start),
            LEAST(COALESCE(x.ends_on, r.next_month_start), r.next_month_start)
        ) AS days_in_force,
        p.post_fen,
        p.insurance_fen
    FROM placements x CROSS JOIN request r CROSS JOIN p
    WHERE x.started_on < r.next_month_start AND (x.ends_on IS NULL OR x.ends_on > r.month_start)
)
SELECT
    placement_id,
    person_id,
    banner_code,
    days_in_force,
    month_days,
    -- half up in integers: floor((2·a·d + m) / 2m) is exact where a double division is not
    CAST(FLOOR((2 * CAST(post_fen AS BIGINT) * days_in_force + month_days) / (2.0 * month_days)) AS BIGINT)
        AS post_subsidy_fen,
    CAST(FLOOR((2 * CAST(insurance_fen AS BIGINT) * days_in_force + month_days) / (2.0 * month_days)) AS BIGINT)
        AS social_insurance_subsidy_fen
FROM days
