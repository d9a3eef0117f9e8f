"""Insurance rules: one SQL file each (DuckDB dialect, the portable subset) and its declaration here.

The engine (`minsheng.engine`) runs them with the policy loader's parameters (`minsheng.policy`);
nothing else reads the YAML or runs the SQL.

Inputs of `RESIDENT_PENSION`:

- `persons` — person_id, banner_code, hukou (urban | rural), birth_date, death_date (`PERSONS`);
- `contributions` — person_id, year, scheme, status, months_paid, account_credit_fen
  (`CONTRIBUTIONS`: the enrolment rows, any number per person).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from minsheng import engine, policy
from minsheng.engine import Check, Rule

RULES_DIR = Path(__file__).parent

PERSONS = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("banner_code", pa.string(), nullable=False),
        pa.field("hukou", pa.string(), nullable=False),
        pa.field("birth_date", pa.date32(), nullable=False),
        pa.field("death_date", pa.date32()),
    ]
)
CONTRIBUTIONS = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("year", pa.int32(), nullable=False),
        pa.field("scheme", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("months_paid", pa.int32(), nullable=False),
        pa.field("account_credit_fen", pa.int64(), nullable=False),
    ]
)

PENSION_PARAMETERS = (
    "insurance.resident_pension.basic_national",
    "insurance.resident_pension.basic_regional_topup",
    "insurance.resident_pension.account_divisor",
    "insurance.resident_pension.pension_age",
    "insurance.resident_pension.minimum_years",
    "insurance.resident_pension.start_month_offset",
    "insurance.resident_pension.launch_date",
    "insurance.resident_pension.arrears_per_year",
)

RESIDENT_PENSION = Rule(
    name="resident_pension",
    title_zh="城乡居民基本养老保险待遇",
    title_en="urban-rural residents' basic pension",
    sql_file=RULES_DIR / "resident_pension.sql",
    inputs=("persons", "contributions", "run", "params"),
    parameters=PENSION_PARAMETERS,
    key=("person_id",),
    unit_table="persons",
    columns={
        "start_month": "first month paid: the month of reaching pension age plus the offset",
        "contribution_years": "resident years + whole years of employee months (制度衔接)",
        "required_years": "15, or 0 for persons aged 60 or over when the scheme started",
        "arrears_years": "years short of the requirement, offered as arrears (补缴)",
        "arrears_fen": "arrears years × the amount per year",
        "account_balance_fen": "personal-account balance: the credits of the resident years",
        "basic_national_fen": "national minimum basic pension",
        "basic_topup_fen": "the region's or league's top-up of the basic pension",
        "account_pension_fen": "account balance ÷ 139, half up to the fen",
        "monthly_pension_fen": "basic pension + top-up + account pension when eligible, else 0",
        "starts_this_month": "eligible and its first paid month is the run's month",
    },
    money_columns=(
        "arrears_fen",
        "account_balance_fen",
        "basic_national_fen",
        "basic_topup_fen",
        "account_pension_fen",
        "monthly_pension_fen",
    ),
    checks=(
        Check(
            "standard_known",
            "待遇标准已知",
            "standards known",
            "基础养老金 {basic_national_fen:yuan} 元/月,计发月数 {account_divisor}",
            "basic pension {basic_national_fen:yuan} yuan a month, account divisor {account_divisor}",
            "所在旗县无当期待遇标准参数",
            "no pension standard in force for the banner on that date",
            parameters=(
                "insurance.resident_pension.basic_national",
                "insurance.resident_pension.basic_regional_topup",
                "insurance.resident_pension.account_divisor",
            ),
        ),
        Check(
            "reached_age",
            "达到领取年龄",
            "pension age reached",
            "年满 {pension_age} 周岁,自 {start_month} 起按月领取",
            "aged {pension_age}: paid monthly from {start_month}",
            "未到领取月份:年满 {pension_age} 周岁后自 {start_month} 起领取",
            "not yet: payment starts {start_month}, after reaching {pension_age}",
            parameters=(
                "insurance.resident_pension.pension_age",
                "insurance.resident_pension.start_month_offset",
            ),
        ),
        Check(
            "enough_years",
            "缴费年限",
            "contribution years",
            "累计缴费 {contribution_years} 年,需 {required_years} 年",
            "{contribution_years} years paid, {required_years} required",
            "累计缴费 {contribution_years} 年,不足 {required_years} 年:可补缴 {arrears_years} 年,"
            "共 {arrears_fen:yuan} 元",
            "{contribution_years} years paid of {required_years}: arrears of {arrears_years} years "
            "offered, {arrears_fen:yuan} yuan",
            parameters=(
                "insurance.resident_pension.minimum_years",
                "insurance.resident_pension.launch_date",
                "insurance.resident_pension.arrears_per_year",
            ),
        ),
        Check(
            "no_employee_pension",
            "未享受职工基本养老保险待遇",
            "no employees' pension",
            "职工养老保险缴费 {employee_months} 个月,不够领取职工养老金",
            "{employee_months} months in the employees' pension: not entitled to it",
            "职工养老保险缴费 {employee_months} 个月,应领取职工基本养老金",
            "{employee_months} months in the employees' pension: draws that pension instead",
            parameters=("insurance.resident_pension.minimum_years",),
        ),
        Check(
            "alive",
            "健在",
            "alive",
            "健在",
            "alive",
            "已身故",
            "deceased",
        ),
    ),
)


def run(rule: Rule, tables: Mapping[str, pa.Table], as_of: dt.date) -> pa.Table:
    """The rule's result over Arrow tables (in-process DuckDB): one row per unit, sorted by its key."""
    return engine.run_local(rule, tables, as_of, policy.load())


def explain(rule: Rule, row: Mapping[str, Any], as_of: dt.date) -> list[dict[str, Any]]:
    """Each check of a result row, passed or failed, with the parameters it rests on and their sources."""
    return [reason.as_dict() for reason in engine.explain(rule, row, policy.load(), as_of)]


def parameter(name: str, on: dt.date, region: str = "150000", **dimensions: Any) -> Any:
    return policy.load().value(name, on, region=region, **dimensions).value
