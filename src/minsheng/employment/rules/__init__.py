"""Employment rules: each is one SQL file (DuckDB dialect) over named Arrow inputs plus its declaration
here — inputs, parameters, result columns and the checks with their reasons in Chinese and English.

`run(rule, inputs, as_of)` evaluates a rule; `explain(rule, row)` turns a result row into reasons.
Parameters reach a rule as the table `parameters(name, value)`, money already in fen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa

from minsheng.employment.vocabulary import SIZE
from minsheng.money import format_yuan

RULES_PACKAGE = __name__


@dataclass(frozen=True)
class Check:
    """A boolean result column and what it means when it holds and when it does not."""

    column: str
    passed_zh: str
    passed_en: str
    failed_zh: str
    failed_en: str


@dataclass(frozen=True)
class Rule:
    name: str
    title_zh: str
    title_en: str
    inputs: tuple[str, ...]
    parameters: tuple[str, ...]
    columns: tuple[str, ...]
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def sql(self) -> str:
        return _sql_text(self.name)


@cache
def _sql_text(name: str) -> str:
    return resources.files(RULES_PACKAGE).joinpath(f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Reason:
    check: str
    passed: bool
    text_zh: str
    text_en: str


def explain(rule: Rule, row: dict[str, Any]) -> list[Reason]:
    """Each check of the row, with its reason filled from the row's values (money shown in yuan)."""
    values = _display_values(row)
    reasons = []
    for check in rule.checks:
        passed = bool(row[check.column])
        zh, en = (check.passed_zh, check.passed_en) if passed else (check.failed_zh, check.failed_en)
        reasons.append(Reason(check.column, passed, zh.format(**values), en.format(**values)))
    return reasons


def _display_values(row: dict[str, Any]) -> dict[str, Any]:
    values = dict(row)
    for key, value in row.items():
        if key.endswith("_fen") and isinstance(value, int):
            values[key.removesuffix("_fen") + "_yuan"] = format_yuan(value)
        elif isinstance(value, float) and math.isfinite(value):
            values[key + "_pct"] = f"{value * 100:.2f}%"
    if row.get("size") in SIZE:
        values["size_zh"], values["size_en"] = SIZE[row["size"]]
    return values


def parameter_table(rule: Rule, as_of: date, region: str = "150000") -> pa.Table:
    """The rule's parameters in force on `as_of` as the table `parameters(name, value)`."""
    from minsheng.employment import params

    found = params.values(rule.parameters, as_of, region)
    return pa.table(
        {
            "name": pa.array(list(found), pa.string()),
            "value": pa.array(list(found.values()), pa.decimal128(18, 6)),
        }
    )


def run(rule: Rule, inputs: dict[str, pa.Table], as_of: date, region: str = "150000") -> pa.Table:
    """Evaluate a rule on this machine (in-process DuckDB) and return its result as Arrow."""
    missing = set(rule.inputs) - set(inputs) - {"parameters"}
    if missing:
        raise ValueError(f"rule {rule.name} lacks inputs {sorted(missing)}")
    from minsheng.employment import runner

    tables = dict(inputs)
    tables["parameters"] = parameter_table(rule, as_of, region)
    return runner.run_sql(rule.sql, tables)


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def decimal_of(value: Decimal | float | int) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


RETENTION_REFUND = Rule(
    name="retention_refund",
    title_zh="稳岗返还",
    title_en="job-retention refund",
    inputs=("employers", "parameters"),
    parameters=(
        "employment.retention_refund.rate_large",
        "employment.retention_refund.rate_sme",
        "employment.retention_refund.layoff_rate_limit",
        "employment.retention_refund.layoff_rate_limit_small",
        "employment.retention_refund.small_staff_max",
        "employment.retention_refund.large_headcount_min",
        "employment.retention_refund.min_months_paid",
    ),
    columns=(
        "employer_id",
        "size",
        "layoff_rate",
        "layoff_limit",
        "refund_rate",
        "months_paid_ok",
        "layoff_ok",
        "contributions_ok",
        "eligible",
        "refund_fen",
    ),
    checks=(
        Check(
            "months_paid_ok",
            "上年足额缴纳失业保险费 {months_paid} 个月,满 {min_months_paid} 个月",
            "contributions paid in full for {months_paid} months, at least {min_months_paid}",
            "上年足额缴纳失业保险费仅 {months_paid} 个月,不满 {min_months_paid} 个月",
            "contributions paid in full for only {months_paid} months, fewer than {min_months_paid}",
        ),
        Check(
            "layoff_ok",
            "裁员率 {layoff_rate_pct}(年初 {insured_at_start} 人,年末 {insured_at_end} 人),未超过 {layoff_limit_pct}",
            "layoff rate {layoff_rate_pct} ({insured_at_start} insured at the start, {insured_at_end} at the end) within {layoff_limit_pct}",
            "裁员率 {layoff_rate_pct}(年初 {insured_at_start} 人,年末 {insured_at_end} 人)超过上限 {layoff_limit_pct}",
            "layoff rate {layoff_rate_pct} ({insured_at_start} insured at the start, {insured_at_end} at the end) exceeds the limit {layoff_limit_pct}",
        ),
        Check(
            "contributions_ok",
            "上年实际缴纳失业保险费 {contributions_yuan} 元({size_zh}返还比例 {refund_rate_pct})",
            "unemployment-insurance contributions paid {contributions_yuan} yuan (refund rate for {size_en} firms {refund_rate_pct})",
            "上年未缴纳失业保险费",
            "no unemployment-insurance contributions paid last year",
        ),
    ),
)

WORK_RELIEF = Rule(
    name="work_relief",
    title_zh="以工代赈劳务报酬",
    title_en="work-relief labour remuneration",
    inputs=("projects", "payroll", "request", "parameters"),
    parameters=("employment.work_relief.labour_share_min", "employment.work_relief.close_warning_days"),
    columns=(
        "project_id",
        "central_funds_fen",
        "paid_fen",
        "required_fen",
        "labour_share",
        "shortfall_fen",
        "share_ok",
        "share_status",
        "arrears_fen",
        "arrears_ok",
    ),
    checks=(
        Check(
            "share_ok",
            "已发放劳务报酬 {paid_yuan} 元,占中央资金 {labour_share_pct},达到 {labour_share_min_pct}(应不少于 {required_yuan} 元)",
            "labour remuneration paid {paid_yuan} yuan, {labour_share_pct} of central funds, meets {labour_share_min_pct} (at least {required_yuan} yuan)",
            "已发放劳务报酬 {paid_yuan} 元,占中央资金 {labour_share_pct},低于 {labour_share_min_pct}:应不少于 {required_yuan} 元,尚差 {shortfall_yuan} 元",
            "labour remuneration paid {paid_yuan} yuan, {labour_share_pct} of central funds, below {labour_share_min_pct}: at least {required_yuan} yuan is due, {shortfall_yuan} yuan short",
        ),
        Check(
            "arrears_ok",
            "无逾期未发工资",
            "no wages unpaid past their due date",
            "拖欠工资 {arrears_yuan} 元,涉及 {workers_in_arrears} 人(已过发放日期)",
            "wage arrears of {arrears_yuan} yuan owed to {workers_in_arrears} workers past the due date",
        ),
    ),
)

UNEMPLOYMENT_BENEFIT = Rule(
    name="unemployment_benefit",
    title_zh="失业保险金",
    title_en="unemployment benefit",
    inputs=("claimants", "parameters"),
    parameters=(
        "employment.unemployment_benefit.min_contribution_years",
        "employment.unemployment_benefit.months_under_5_years",
        "employment.unemployment_benefit.months_5_to_10_years",
        "employment.unemployment_benefit.months_10_years_plus",
        "employment.unemployment_benefit.ratio_of_minimum_wage",
        "employment.minimum_wage",
        "employment.unemployment_benefit.floor",
    ),
    columns=("person_id", "eligible", "entitled_months", "monthly_fen"),
    checks=(
        Check(
            "contribution_ok",
            "累计缴费 {contribution_years} 年,最长领取 {period_months} 个月",
            "{contribution_years} years of contributions: up to {period_months} months",
            "累计缴费 {contribution_years} 年,不满1年",
            "{contribution_years} years of contributions, less than one",
        ),
        Check(
            "involuntary_ok",
            "非因本人意愿中断就业",
            "lost work involuntarily",
            "因本人意愿中断就业,不能领取",
            "left work voluntarily: not entitled",
        ),
        Check(
            "registered_ok",
            "已办理失业登记",
            "registered as unemployed",
            "未办理失业登记",
            "not registered as unemployed",
        ),
    ),
)

ZERO_EMPLOYMENT = Rule(
    name="zero_employment",
    title_zh="零就业家庭认定",
    title_en="zero-employment household",
    inputs=("members", "request", "parameters"),
    parameters=(
        "employment.working_age_min",
        "employment.retirement_age.male",
        "employment.retirement_age.female",
    ),
    columns=(
        "household_id",
        "labour_force_members",
        "working_members",
        "unemployed_members",
        "is_zero_employment",
    ),
    checks=(
        Check(
            "is_zero_employment",
            "劳动年龄内有就业意愿的 {labour_force_members} 人均失业",
            "all {labour_force_members} working-age members able and willing to work are unemployed",
            "家庭有 {working_members} 人就业",
            "{working_members} members work",
        ),
    ),
)

MATCH = Rule(
    name="match",
    title_zh="人岗匹配",
    title_en="job matching",
    inputs=("seekers", "vacancies", "request", "parameters"),
    parameters=(
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
    ),
    columns=("seeker_id", "vacancy_id", "match_rank", "score"),
    checks=(
        Check(
            "occupation_ok",
            "岗位工种与求职意向一致(+{occupation_points})",
            "the occupation is the one wanted (+{occupation_points})",
            "岗位工种与求职意向不同",
            "not the occupation wanted",
        ),
        Check(
            "skills_any",
            "具备岗位要求的 {skills_matched}/{skill_count} 项技能(+{skills_points})",
            "has {skills_matched} of the {skill_count} skills asked (+{skills_points})",
            "不具备岗位要求的技能(0/{skill_count})",
            "has none of the {skill_count} skills asked",
        ),
        Check(
            "same_banner",
            "岗位在本旗县(+{distance_points})",
            "in the seeker's own banner (+{distance_points})",
            "岗位不在本旗县(距离得分 +{distance_points})",
            "outside the seeker's banner (distance +{distance_points})",
        ),
        Check(
            "pay_ok",
            "月薪最高 {pay_max_yuan} 元,达到期望 {expected_pay_yuan} 元(+{pay_points})",
            "pays up to {pay_max_yuan} yuan a month, meeting the {expected_pay_yuan} expected (+{pay_points})",
            "月薪最高 {pay_max_yuan} 元,低于期望 {expected_pay_yuan} 元(+{pay_points})",
            "pays up to {pay_max_yuan} yuan a month, below the {expected_pay_yuan} expected (+{pay_points})",
        ),
        Check(
            "education_ok",
            "学历符合要求(+{education_points})",
            "education meets the minimum (+{education_points})",
            "学历低于要求(+{education_points})",
            "education below the minimum (+{education_points})",
        ),
        Check(
            "priority_any",
            "重点群体/困难人员优先(+{priority_points})",
            "priority for a key group or hardship (+{priority_points})",
            "非优先群体",
            "no priority group",
        ),
    ),
)

PUBLIC_WELFARE_ELIGIBILITY = Rule(
    name="public_welfare_eligibility",
    title_zh="公益性岗位安置资格",
    title_en="public-welfare job eligibility",
    inputs=("candidates", "request", "parameters"),
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
    columns=("person_id", "eligible", "until_retirement", "period_months"),
    checks=(
        Check(
            "working_age_ok",
            "{age} 岁,在劳动年龄内(退休年龄 {retirement_age})",
            "aged {age}, of working age (retirement at {retirement_age})",
            "{age} 岁,不在劳动年龄内(退休年龄 {retirement_age})",
            "aged {age}, not of working age (retirement at {retirement_age})",
        ),
        Check(
            "difficulty_ok",
            "属就业困难人员",
            "a person with employment difficulty",
            "不属就业困难人员(非4050、低保、脱贫、零就业家庭或残疾人)",
            "no employment difficulty (not 4050, dibao, lifted out of poverty, zero-employment household or disabled)",
        ),
        Check(
            "placements_ok",
            "此前安置 {previous_placements} 次,未达上限 {max_placements} 次",
            "placed {previous_placements} times before, under the limit of {max_placements}",
            "此前已安置 {previous_placements} 次,达到上限 {max_placements} 次",
            "already placed {previous_placements} times, the limit is {max_placements}",
        ),
        Check(
            "until_retirement",
            "距退休不足 {window_years} 年,可安置至退休({period_months} 个月)",
            "within {window_years} years of retirement: placed until retirement ({period_months} months)",
            "安置期限最长 {max_years} 年",
            "placed for at most {max_years} years",
        ),
    ),
)

PUBLIC_WELFARE_SUBSIDY = Rule(
    name="public_welfare_subsidy",
    title_zh="公益性岗位补贴",
    title_en="public-welfare job subsidies",
    inputs=("placements", "request", "parameters"),
    parameters=(
        "employment.public_welfare_job.post_subsidy",
        "employment.public_welfare_job.social_insurance_subsidy",
    ),
    columns=("placement_id", "days_in_force", "post_subsidy_fen", "social_insurance_subsidy_fen"),
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
