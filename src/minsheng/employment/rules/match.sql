-- 人岗匹配 matching of job seekers and vacancies by a transparent score (0–100) and its parts.
-- One rule for every scale: for one seeker (all vacancies in one block), for one vacancy, or for the
-- whole region, where the caller sets `match_block` (league × occupation) to bound the join and the
-- runner feeds one league at a time.
-- Inputs: seekers(seeker_id, banner_code, league_code, skills_mask, desired_occupation, education_rank,
--   expected_pay_fen, priority_level 2 hardship | 1 key group | 0, match_block),
--   vacancies(vacancy_id, banner_code, league_code, skills_mask, skill_count, occupation,
--   education_min_rank, pay_max_fen, match_block), request(rank_by 'seeker' | 'vacancy', top_n),
--   run(as_of), params. Returns up to top_n rows per seeker (or per vacancy), not one per unit.
WITH s AS (
    -- the weights in force where the seeker is (region-wide today; a league may set its own)
    SELECT
        x.*,
        CAST(p.employment_matching_weight_skills AS DOUBLE) AS w_skills,
        CAST(p.employment_matching_weight_occupation AS DOUBLE) AS w_occupation,
        CAST(p.employment_matching_weight_distance AS DOUBLE) AS w_distance,
        CAST(p.employment_matching_weight_pay AS DOUBLE) AS w_pay,
        CAST(p.employment_matching_weight_education AS DOUBLE) AS w_education,
        CAST(p.employment_matching_weight_priority AS DOUBLE) AS w_priority,
        CAST(p.employment_matching_distance_same_league AS DOUBLE) AS d_league,
        CAST(p.employment_matching_distance_elsewhere AS DOUBLE) AS d_elsewhere,
        CAST(p.employment_matching_education_one_below AS DOUBLE) AS e_one_below,
        CAST(p.employment_matching_priority_key_group AS DOUBLE) AS p_key_group
    FROM seekers x
    CROSS JOIN run r
    LEFT JOIN params p
        ON p.banner_code = x.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
),
pairs AS (
    SELECT
        s.seeker_id,
        v.vacancy_id,
        r.rank_by,
        r.top_n,
        CAST(BIT_COUNT(s.skills_mask & v.skills_mask) AS INTEGER) AS skills_matched,
        v.skill_count,
        s.desired_occupation = v.occupation AS occupation_ok,
        s.banner_code = v.banner_code AS same_banner,
        s.league_code = v.league_code AS same_league,
        v.pay_max_fen >= s.expected_pay_fen AS pay_ok,
        v.pay_max_fen,
        s.expected_pay_fen,
        s.education_rank >= v.education_min_rank AS education_ok,
        s.education_rank - v.education_min_rank AS education_gap,
        s.priority_level,
        s.w_skills, s.w_occupation, s.w_distance, s.w_pay, s.w_education, s.w_priority,
        s.d_league, s.d_elsewhere, s.e_one_below, s.p_key_group
    FROM s
    JOIN vacancies v ON s.match_block = v.match_block
    CROSS JOIN request r
),
scored AS (
    SELECT
        seeker_id,
        vacancy_id,
        rank_by,
        top_n,
        skills_matched,
        skill_count,
        occupation_ok,
        same_banner,
        same_league,
        pay_ok,
        pay_max_fen,
        expected_pay_fen,
        education_ok,
        priority_level,
        CASE WHEN skill_count = 0 THEN 1.0 ELSE CAST(skills_matched AS DOUBLE) / skill_count END AS skills_score,
        CASE WHEN occupation_ok THEN 1.0 ELSE 0.0 END AS occupation_score,
        CASE WHEN same_banner THEN 1.0 WHEN same_league THEN d_league ELSE d_elsewhere END AS distance_score,
        CASE WHEN pay_ok OR expected_pay_fen <= 0 THEN 1.0 ELSE CAST(pay_max_fen AS DOUBLE) / expected_pay_fen END
            AS pay_score,
        CASE WHEN education_ok THEN 1.0 WHEN education_gap = -1 THEN e_one_below ELSE 0.0 END AS education_score,
        CASE WHEN priority_level = 2 THEN 1.0 WHEN priority_level = 1 THEN p_key_group ELSE 0.0 END AS priority_score,
        w_skills, w_occupation, w_distance, w_pay, w_education, w_priority
    FROM pairs
),
totalled AS (
    SELECT
        *,
        ROUND(100 * (w_skills * skills_score + w_occupation * occupation_score + w_distance * distance_score
            + w_pay * pay_score + w_education * education_score + w_priority * priority_score), 2) AS score,
        CASE WHEN rank_by = 'vacancy' THEN vacancy_id ELSE seeker_id END AS anchor_id,
        CASE WHEN rank_by = 'vacancy' THEN seeker_id ELSE vacancy_id END AS other_id
    FROM scored
),
keyed AS (
    -- one BIGINT sort key (score in hundredths, then the lower id first) sorts much faster than two
    -- keys; ids stay below 10^12
    SELECT
        seeker_id,
        vacancy_id,
        top_n,
        anchor_id,
        CAST(ROUND(score * 100) AS BIGINT) * 1000000000000 + (999999999999 - other_id) AS sort_key
    FROM totalled
),
ranked AS (
    -- rank on a narrow projection: a window carries every column it is given
    SELECT seeker_id, vacancy_id, top_n, match_rank
    FROM (
        SELECT
            seeker_id,
            vacancy_id,
            top_n,
            ROW_NUMBER() OVER (PARTITION BY anchor_id ORDER BY sort_key DESC) AS match_rank
        FROM keyed
    ) numbered
    WHERE match_rank <= top_n
)
SELECT
    t.seeker_id,
    t.vacancy_id,
    CAST(r.match_rank AS INTEGER) AS match_rank,
    t.score,
    ROUND(100 * t.w_skills * t.skills_score, 2) AS skills_points,
    ROUND(100 * t.w_occupation * t.occupation_score, 2) AS occupation_points,
    ROUND(100 * t.w_distance * t.distance_score, 2) AS distance_points,
    ROUND(100 * t.w_pay * t.pay_score, 2) AS pay_points,
    ROUND(100 * t.w_education * t.education_score, 2) AS education_points,
    ROUND(100 * t.w_priority * t.priority_score, 2) AS priority_points,
    t.skills_matched,
    t.skill_count,
    t.occupation_ok,
    t.same_banner,
    t.same_league,
    t.pay_ok,
    t.pay_max_fen,
    t.expected_pay_fen,
    t.education_ok,
    t.skills_matched > 0 AS skills_any,
    t.priority_level,
    t.priority_level > 0 AS priority_any
FROM ranked r
JOIN totalled t ON t.seeker_id = r.seeker_id AND t.vacancy_id = r.vacancy_id
