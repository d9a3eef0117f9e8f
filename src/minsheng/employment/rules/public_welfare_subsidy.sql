-- 公益性岗位补贴 the month's post subsidy and social-insurance subsidy per placement, pro rata to the days
-- the placement is in force in the month, rounded half up to the fen. One row per placement (0 days
-- when it is not in force that month).
-- Inputs: placements(placement_id, person_id, banner_code, started_on, ends_on — the day after the last
--   day, planned or actual), month(month_start, next_month_start), run(as_of = month_start), params.
WITH days AS (
    SELECT
        x.placement_id,
        x.person_id,
        x.banner_code,
        DATE_DIFF('day', m.month_start, m.next_month_start) AS month_days,
        GREATEST(
            DATE_DIFF(
                'day',
                GREATEST(x.started_on, m.month_start),
                LEAST(COALESCE(x.ends_on, m.next_month_start), m.next_month_start)
            ),
            0
        ) AS days_in_force,
        p.employment_public_welfare_job_post_subsidy_fen AS post_fen,
        p.employment_public_welfare_job_social_insurance_subsidy_fen AS insurance_fen
    FROM placements x
    CROSS JOIN month m
    CROSS JOIN run r
    LEFT JOIN params p
        ON p.banner_code = x.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
    placement_id,
    person_id,
    banner_code,
    days_in_force,
    month_days,
    post_fen AS post_subsidy_full_fen,
    -- half up in integers: floor((2·a·d + m) / 2m) is exact where a double division is not
    CAST(FLOOR((2 * post_fen * days_in_force + month_days) / (2.0 * month_days)) AS BIGINT) AS post_subsidy_fen,
    CAST(FLOOR((2 * insurance_fen * days_in_force + month_days) / (2.0 * month_days)) AS BIGINT)
        AS social_insurance_subsidy_fen
FROM days
