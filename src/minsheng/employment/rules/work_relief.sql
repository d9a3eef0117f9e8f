-- 以工代赈 work-relief check, per project, as of a day (RULES §5): labour remuneration paid against the
-- floor share of central funds, the warning before the project closes, and wage arrears (根治欠薪).
-- Inputs: projects(project_id, banner_code, central_funds_fen, starts_on, closes_on),
--   payroll(project_id, worker_id, wage_fen, paid_fen, due_on), run(as_of), params.
WITH pay AS (
    SELECT
        y.project_id,
        CAST(SUM(y.wage_fen) AS BIGINT) AS wages_fen,
        CAST(SUM(y.paid_fen) AS BIGINT) AS paid_fen,
        CAST(SUM(CASE WHEN y.due_on < r.as_of AND y.paid_fen < y.wage_fen THEN y.wage_fen - y.paid_fen ELSE 0 END)
            AS BIGINT) AS arrears_fen,
        CAST(COUNT(DISTINCT CASE WHEN y.due_on < r.as_of AND y.paid_fen < y.wage_fen THEN y.worker_id END)
            AS INTEGER) AS workers_in_arrears,
        CAST(COUNT(DISTINCT y.worker_id) AS INTEGER) AS workers_paid
    FROM payroll y CROSS JOIN run r
    GROUP BY y.project_id
),
measured AS (
    SELECT
        j.project_id,
        j.banner_code,
        j.central_funds_fen,
        j.closes_on,
        COALESCE(pay.wages_fen, 0) AS wages_fen,
        COALESCE(pay.paid_fen, 0) AS paid_fen,
        COALESCE(pay.arrears_fen, 0) AS arrears_fen,
        COALESCE(pay.workers_in_arrears, 0) AS workers_in_arrears,
        COALESCE(pay.workers_paid, 0) AS workers_paid,
        CAST(FLOOR(j.central_funds_fen * p.employment_work_relief_labour_share_min + 0.5) AS BIGINT) AS required_fen,
        CAST(p.employment_work_relief_labour_share_min AS DOUBLE) AS labour_share_min,
        DATE_DIFF('day', r.as_of, j.closes_on) AS days_to_close,
        CAST(p.employment_work_relief_close_warning_days AS INTEGER) AS close_warning_days
    FROM projects j
    CROSS JOIN run r
    LEFT JOIN params p
        ON p.banner_code = j.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
    LEFT JOIN pay ON pay.project_id = j.project_id
)
SELECT
    project_id,
    banner_code,
    central_funds_fen,
    wages_fen,
    paid_fen,
    required_fen,
    labour_share_min,
    CASE WHEN central_funds_fen > 0 THEN ROUND(CAST(paid_fen AS DOUBLE) / central_funds_fen, 4) ELSE 0.0 END
        AS labour_share,
    GREATEST(required_fen - paid_fen, 0) AS shortfall_fen,
    COALESCE(paid_fen >= required_fen, FALSE) AS share_ok,
    days_to_close,
    close_warning_days,
    arrears_fen,
    workers_in_arrears,
    workers_paid,
    arrears_fen = 0 AS arrears_ok,
    CASE
        WHEN paid_fen >= required_fen THEN 'met'
        WHEN days_to_close < 0 THEN 'failed'
        WHEN days_to_close <= close_warning_days THEN 'warning'
        ELSE 'in_progress'
    END AS share_status
FROM measured
