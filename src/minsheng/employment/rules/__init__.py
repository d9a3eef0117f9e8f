"""Employment rules: each is one SQL file (DuckDB dialect, the portable subset) over named Arrow inputs
plus its declaration here — inputs, parameters, result columns and checks with their reasons in
Chinese and English. The engine runs them (`minsheng.engine`) with the parameters of the policy
loader (`minsheng.policy`); nothing else reads the YAML or runs the SQL.

`run(rule, tables, as_of)` evaluates a rule; `explain(rule, row, as_of)` gives each check's reason,
citing the parameters it rests on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from minsheng import engine, policy
from minsheng.engine import Check, Rule
from minsheng.engine.local import execute

RULES_DIR = Path(__file__).parent


def run(rule: Rule, tables: Mapping[str, pa.Table], as_of: dt.date) -> pa.Table:
    """The rule's result over Arrow tables (in-process DuckDB): one row per unit, sorted by its key."""
    return engine.run_local(rule, tables, as_of, policy.load())


def run_ranking(rule: Rule, tables: Mapping[str, pa.Table], as_of: dt.date, connection=None) -> pa.Table:
    """A ranking rule (`match`) returns up to N rows per unit, so the engine's one-row-per-unit check
    does not apply: the same runner, without it."""
    own = connection is None
    con = connection or engine.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        execute(con, [rule], policy.load(), as_of)
        result = con.sql(f"SELECT * FROM {rule.name}").to_arrow_table()
        con.execute(f"DROP TABLE {rule.name}")
        for name in tables:
            con.unregister(name)
        return result
    finally:
        if own:
            con.close()


def explain(rule: Rule, row: Mapping[str, Any], as_of: dt.date) -> list[dict[str, Any]]:
    """Each check of a result row, passed or failed, with the parameters it rests on and their sources."""
    return [reason.as_dict() for reason in engine.explain(rule, row, policy.load(), as_of)]


def parameter(name: str, as_of: dt.date, region: str = "150000") -> Any:
    return policy.load().value(name, as_of, region=region).value


REFUND_PARAMETERS = (
    "employment.retention_refund.rate_large",
    "employment.retention_refund.rate_sme",
    "employment.retention_refund.layoff_rate_limit",
    "employment.retention_refund.layoff_rate_limit_small",
    "employment.retention_refund.small_staff_max",
    "employment.retention_refund.large_headcount_min",
    "employment.retention_refund.min_months_paid",
)
RETENTION_REFUND = Rule(
    name="retention_refund",
    title_zh="稳岗返还",
    title_en="job-retention refund",
    sql_file=RULES_DIR / "retention_refund.sql",
    inputs=("employers", "run", "params"),
    parameters=REFUND_PARAMETERS,
    key=("employer_id",),
    unit_table="employers",
    columns={
        "size": "large | sme (declared, by type, or by average insured headcount)",
        "layoff_rate": "(insured at start − at end) ÷ at start",
        "layoff_limit": "the limit that applies",
        "refund_rate": "share of contributions refunded",
        "eligible": "all checks pass",
        "refund_fen": "refund in fen, half up",
    },
    checks=(
        Check(
            "months_paid_ok",
            "足额缴费月数",
            "months paid in full",
            "上年足额缴纳失业保险费 {months_paid} 个月,满 {min_months_paid} 个月",
            "contributions paid in full for {months_paid} months, at least {min_months_paid}",
            "上年足额缴纳失业保险费仅 {months_paid} 个月,不满 {min_months_paid} 个月",
            "contributions paid in full for only {months_paid} months, fewer than {min_months_paid}",
            ("employment.retention_refund.min_months_paid",),
        ),
        Check(
            "layoff_ok",
            "裁员率",
            "layoff rate",
            "裁员率 {layoff_rate:pct}(年初 {insured_at_start} 人,年末 {insured_at_end} 人),未超过 {layoff_limit:pct}",
            "layoff rate {layoff_rate:pct} ({insured_at_start} insured at the start, {insured_at_end} at the end) within {layoff_limit:pct}",
            "裁员率 {layoff_rate:pct}(年初 {insured_at_start} 人,年末 {insured_at_end} 人)超过上限 {layoff_limit:pct}",
            "layoff rate {layoff_rate:pct} ({insured_at_start} insured at the start, {insured_at_end} at the end) exceeds the limit {layoff_limit:pct}",
            (
                "employment.retention_refund.layoff_rate_limit",
                "employment.retention_refund.layoff_rate_limit_small",
                "employment.retention_refund.small_staff_max",
            ),
        ),
        Check(
            "contributions_ok",
            "上年缴费",
            "contributions paid",
            "上年实际缴纳失业保险费 {contributions_fen:yuan} 元,返还比例 {refund_rate:pct}",
            "unemployment-insurance contributions paid {contributions_fen:yuan} yuan, refund rate {refund_rate:pct}",
            "上年未缴纳失业保险费",
            "no unemployment-insurance contributions paid last year",
            (
                "employment.retention_refund.rate_large",
                "employment.retention_refund.rate_sme",
                "employment.retention_refund.large_headcount_min",
            ),
        ),
    ),
)

WORK_RELIEF = Rule(
    name="work_relief",
    title_zh="以工代赈劳务报酬",
    title_en="work-relief labour remuneration",
    sql_file=RULES_DIR / "work_relief.sql",
    inputs=("projects", "payroll", "run", "params"),
    parameters=("employment.work_relief.labour_share_min", "employment.work_relief.close_warning_days"),
    key=("project_id",),
    unit_table="projects",
    columns={
        "paid_fen": "labour remuneration paid",
        "required_fen": "central funds × the floor share, half up",
        "labour_share": "paid ÷ central funds",
        "shortfall_fen": "required − paid, never negative",
        "share_status": "met | in_progress | warning (closing soon) | failed (closed below)",
        "arrears_fen": "wages unpaid past their due date",
    },
    checks=(
        Check(
            "share_ok",
            "劳务报酬占比",
            "labour remuneration share",
            "已发放劳务报酬 {paid_fen:yuan} 元,占中央资金 {labour_share:pct},达到 {labour_share_min:pct}(应不少于 {required_fen:yuan} 元)",
            "labour remuneration paid {paid_fen:yuan} yuan, {labour_share:pct} of central funds, meets {labour_share_min:pct} (at least {required_fen:yuan} yuan)",
            "已发放劳务报酬 {paid_fen:yuan} 元,占中央资金 {labour_share:pct},低于 {labour_share_min:pct}:应不少于 {required_fen:yuan} 元,尚差 {shortfall_fen:yuan} 元",
            "labour remuneration paid {paid_fen:yuan} yuan, {labour_share:pct} of central funds, below {labour_share_min:pct}: at least {required_fen:yuan} yuan is due, {shortfall_fen:yuan} yuan short",
            ("employment.work_relief.labour_share_min", "employment.work_relief.close_warning_days"),
        ),
        Check(
            "arrears_ok",
            "工资按时发放",
            "wages paid on time",
            "无逾期未发工资",
            "no wages unpaid past their due date",
            "拖欠工资 {arrears_fen:yuan} 元,涉及 {workers_in_arrears} 人(已过发放日期)",
            "wage arrears of {arrears_fen:yuan} yuan owed to {workers_in_arrears} workers past the due date",
        ),
    ),
)

UNEMPLOYMENT_BENEFIT = Rule(
    name="unemployment_benefit",
    title_zh="失业保险金",
    title_en="unemployment benefit",
    sql_file=RULES_DIR / "unemployment_benefit.sql",
    inputs=("claimants", "run", "params"),
    parameters=(
        "employment.unemployment_benefit.min_contribution_years",
        "employment.unemployment_benefit.months_under_5_years",
        "employment.unemployment_benefit.months_5_to_10_years",
        "employment.unemployment_benefit.months_10_years_plus",
        "employment.unemployment_benefit.ratio_of_minimum_wage",
        "employment.minimum_wage",
        "employment.unemployment_benefit.floor",
    ),
    key=("person_id",),
    unit_table="claimants",
    columns={
        "eligible": "all checks pass",
        "entitled_months": "months of benefit, carried-over months included, within the cap",
        "monthly_fen": "monthly amount between the floor and the minimum wage",
    },
    checks=(
        Check(
            "contribution_ok",
            "缴费年限",
            "years of contributions",
            "累计缴费 {contribution_years} 年,最长领取 {period_months} 个月",
            "{contribution_years} years of contributions: up to {period_months} months",
            "累计缴费 {contribution_years} 年,不满1年",
            "{contribution_years} years of contributions, less than one",
            (
                "employment.unemployment_benefit.min_contribution_years",
                "employment.unemployment_benefit.months_under_5_years",
                "employment.unemployment_benefit.months_5_to_10_years",
                "employment.unemployment_benefit.months_10_years_plus",
            ),
        ),
        Check(
            "involuntary_ok",
            "非本人意愿中断就业",
            "involuntary job loss",
            "非因本人意愿中断就业",
            "lost work involuntarily",
            "因本人意愿中断就业,不能领取",
            "left work voluntarily: not entitled",
        ),
        Check(
            "registered_ok",
            "失业登记",
            "unemployment registration",
            "已办理失业登记;月标准 {monthly_fen:yuan} 元(不高于最低工资 {minimum_wage_fen:yuan} 元,不低于 {floor_fen:yuan} 元)",
            "registered as unemployed; {monthly_fen:yuan} yuan a month (at most the minimum wage {minimum_wage_fen:yuan}, at least {floor_fen:yuan})",
            "未办理失业登记",
            "not registered as unemployed",
            (
                "employment.unemployment_benefit.ratio_of_minimum_wage",
                "employment.minimum_wage",
                "employment.unemployment_benefit.floor",
            ),
        ),
    ),
)

ZERO_EMPLOYMENT = Rule(
    name="zero_employment",
    title_zh="零就业家庭认定",
    title_en="zero-employment household",
    sql_file=RULES_DIR / "zero_employment.sql",
    inputs=("households", "members", "run", "params"),
    parameters=(
        "employment.working_age_min",
        "employment.retirement_age.male",
        "employment.retirement_age.female",
    ),
    key=("household_id",),
    unit_table="households",
    columns={
        "labour_force_members": "working-age members able and willing to work",
        "working_members": "of whom working (employed, self-employed, farming or herding)",
        "is_zero_employment": "at least one in the labour force and none working",
    },
    checks=(
        Check(
            "is_zero_employment",
            "零就业家庭",
            "zero-employment household",
            "劳动年龄内有就业意愿的 {labour_force_members} 人均失业",
            "all {labour_force_members} working-age members able and willing to work are unemployed",
            "家庭有 {working_members} 人就业(劳动年龄内 {working_age_members} 人)",
            "{working_members} members work ({working_age_members} of working age)",
            (
                "employment.working_age_min",
                "employment.retirement_age.male",
                "employment.retirement_age.female",
            ),
        ),
    ),
)

MATCH_PARAMETERS = (
    "employment.matching.weight.skills",
    "employment.matching.weight.occupation",
    "employment.matching.weight.distance",
    "employment.matching.weight.pay",
    "employment.matching.weight.education",
    "employment.matching.weight.priority",
    "employment.matching.distance.same_league",
    "employment.matching.distance.elsewhere",
    "employment.matching.education.one_below",
    "employment.matching.priority.key_group",
)
MATCH = Rule(
    name="match",
    title_zh="人岗匹配",
    title_en="job matching",
    sql_file=RULES_DIR / "match.sql",
    inputs=("seekers", "vacancies", "request", "run", "params"),
    parameters=MATCH_PARAMETERS,
    key=("seeker_id", "vacancy_id"),
    unit_table="seekers",
    columns={
        "match_rank": "1 = best for the seeker (or for the vacancy)",
        "score": "0–100, the weighted sum of the parts",
        "skills_points": "…",
    },
    checks=(
        Check(
            "occupation_ok",
            "求职意向",
            "desired occupation",
            "岗位工种与求职意向一致(+{occupation_points})",
            "the occupation is the one wanted (+{occupation_points})",
            "岗位工种与求职意向不同",
            "not the occupation wanted",
            ("employment.matching.weight.occupation",),
        ),
        Check(
            "skills_any",
            "技能",
            "skills",
            "具备岗位要求的 {skills_matched}/{skill_count} 项技能(+{skills_points})",
            "has {skills_matched} of the {skill_count} skills asked (+{skills_points})",
            "不具备岗位要求的技能(0/{skill_count})",
            "has none of the {skill_count} skills asked",
            ("employment.matching.weight.skills",),
        ),
        Check(
            "same_banner",
            "距离",
            "distance",
            "岗位在本旗县(+{distance_points})",
            "in the seeker's own banner (+{distance_points})",
            "岗位不在本旗县(距离得分 +{distance_points})",
            "outside the seeker's banner (distance +{distance_points})",
            (
                "employment.matching.weight.distance",
                "employment.matching.distance.same_league",
                "employment.matching.distance.elsewhere",
            ),
        ),
        Check(
            "pay_ok",
            "薪酬",
            "pay",
            "月薪最高 {pay_max_fen:yuan} 元,达到期望 {expected_pay_fen:yuan} 元(+{pay_points})",
            "pays up to {pay_max_fen:yuan} yuan a month, meeting the {expected_pay_fen:yuan} expected (+{pay_points})",
            "月薪最高 {pay_max_fen:yuan} 元,低于期望 {expected_pay_fen:yuan} 元(+{pay_points})",
            "pays up to {pay_max_fen:yuan} yuan a month, below the {expected_pay_fen:yuan} expected (+{pay_points})",
            ("employment.matching.weight.pay",),
        ),
        Check(
            "education_ok",
            "学历",
            "education",
            "学历符合要求(+{education_points})",
            "education meets the minimum (+{education_points})",
            "学历低于要求(+{education_points})",
            "education below the minimum (+{education_points})",
            ("employment.matching.weight.education", "employment.matching.education.one_below"),
        ),
        Check(
            "priority_any",
            "优先",
            "priority",
            "重点群体/困难人员优先(+{priority_points})",
            "priority for a key group or hardship (+{priority_points})",
            "非优先群体",
            "no priority group",
            ("employment.matching.weight.priority", "employment.matching.priority.key_group"),
        ),
    ),
)

PUBLIC_WELFARE_ELIGIBILITY = Rule(
    name="public_welfare_eligibility",
    title_zh="公益性岗位安置资格",
    title_en="public-welfare job eligibility",
    sql_file=RULES_DIR / "public_welfare_eligibility.sql",
    inputs=("candidates", "run", "params"),
    parameters=(
        "employment.retirement_age.male",
        "employment.retirement_age.female",
        "employment.hardship.age_male_4050",
        "employment.hardship.age_female_4050",
        "employment.working_age_min",
        "employment.public_welfare_job.max_years",
        "employment.public_welfare_job.retirement_window_years",
        "employment.public_welfare_job.max_placements",
    ),
    key=("person_id",),
    unit_table="candidates",
    columns={
        "eligible": "all checks pass",
        "until_retirement": "within the window before retirement: placed until retirement",
        "period_months": "months of the placement",
    },
    checks=(
        Check(
            "working_age_ok",
            "劳动年龄",
            "working age",
            "{age} 岁,在劳动年龄内(退休年龄 {retirement_age})",
            "aged {age}, of working age (retirement at {retirement_age})",
            "{age} 岁,不在劳动年龄内(退休年龄 {retirement_age})",
            "aged {age}, not of working age (retirement at {retirement_age})",
            (
                "employment.working_age_min",
                "employment.retirement_age.male",
                "employment.retirement_age.female",
            ),
        ),
        Check(
            "difficulty_ok",
            "就业困难人员",
            "employment difficulty",
            "属就业困难人员",
            "a person with employment difficulty",
            "不属就业困难人员(非4050、低保、脱贫、零就业家庭或残疾人)",
            "no employment difficulty (not 4050, dibao, lifted out of poverty, zero-employment household or disabled)",
            ("employment.hardship.age_male_4050", "employment.hardship.age_female_4050"),
        ),
        Check(
            "placements_ok",
            "安置次数",
            "placements so far",
            "此前安置 {previous_placements} 次,未达上限 {max_placements} 次",
            "placed {previous_placements} times before, under the limit of {max_placements}",
            "此前已安置 {previous_placements} 次,达到上限 {max_placements} 次",
            "already placed {previous_placements} times, the limit is {max_placements}",
            ("employment.public_welfare_job.max_placements",),
        ),
        Check(
            "until_retirement",
            "安置期限",
            "placement period",
            "距退休不足 {window_years} 年,可安置至退休({period_months} 个月)",
            "within {window_years} years of retirement: placed until retirement ({period_months} months)",
            "安置期限最长 {max_years} 年",
            "placed for at most {max_years} years",
            (
                "employment.public_welfare_job.max_years",
                "employment.public_welfare_job.retirement_window_years",
            ),
        ),
    ),
)

PUBLIC_WELFARE_SUBSIDY = Rule(
    name="public_welfare_subsidy",
    title_zh="公益性岗位补贴",
    title_en="public-welfare job subsidies",
    sql_file=RULES_DIR / "public_welfare_subsidy.sql",
    inputs=("placements", "month", "run", "params"),
    parameters=(
        "employment.public_welfare_job.post_subsidy",
        "employment.public_welfare_job.social_insurance_subsidy",
    ),
    key=("placement_id",),
    unit_table="placements",
    columns={
        "days_in_force": "days of the month the placement is in force",
        "post_subsidy_fen": "post subsidy, pro rata, half up",
        "social_insurance_subsidy_fen": "social-insurance subsidy, pro rata, half up",
    },
)

ALL_RULES = (
    RETENTION_REFUND,
    WORK_RELIEF,
    UNEMPLOYMENT_BENEFIT,
    ZERO_EMPLOYMENT,
    MATCH,
    PUBLIC_WELFARE_ELIGIBILITY,
    PUBLIC_WELFARE_SUBSIDY,
)
