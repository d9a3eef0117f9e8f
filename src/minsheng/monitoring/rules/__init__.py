"""The monitoring rules (低收入人口动态监测): one SQL file each beside this one, declared here.

The month's determination is prepared once a month over the region (or locally for a few households)
and read by the daily chain, which never recomputes it: `eligibility` (the assistance chain up to
`assessment` and `dibao`), `member_flags` (each member as the registry stands: alive, age lines,
employment, severe disability, tags) and `household_members` (their counts per household); together
`MONTHLY_RULES`, giving the tables `MONTHLY_TABLES`. The daily chain: `monitoring_facts` (the month's
tables, signals, medical claims, unemployment, open cases per household) → one rule per risk
(`medical_burden`, `income_fall`, `zero_employment`, `disability_without_care`, `unsupported_child`,
`sudden_hardship`, `take_up_gap`), each giving `at_risk`, `level` (high | medium | low | null),
`need_fen` and its checks → `monitored_population`, one row per household with every risk's level: the
table the daily run writes.

Base inputs besides `households`, `members` and the month's tables (all carry `household_id`, so a run
partitions them): `signals` (matched partner signals), `medical_claims` (settled claims' self-pay),
`unemployment` (registrations) and `cases` (open assistance cases), with the schemas in `INPUT_SCHEMAS`.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from minsheng.assistance import rules as A
from minsheng.engine import Check, Rule

RULES_DIR = Path(__file__).parent

INPUT_SCHEMAS: dict[str, pa.Schema] = {
    "signals": pa.schema(
        [
            ("signal_id", pa.int64()),
            ("household_id", pa.int64()),
            ("banner_code", pa.string()),
            ("person_id", pa.int64()),
            ("kind", pa.string()),
            ("observed_on", pa.date32()),
            ("amount_fen", pa.int64()),
            ("previous_fen", pa.int64()),
        ]
    ),
    "medical_claims": pa.schema(
        [
            ("claim_id", pa.int64()),
            ("household_id", pa.int64()),
            ("banner_code", pa.string()),
            ("person_id", pa.int64()),
            ("discharge_date", pa.date32()),
            ("self_pay_fen", pa.int64()),
        ]
    ),
    "unemployment": pa.schema(
        [
            ("household_id", pa.int64()),
            ("person_id", pa.int64()),
            ("registered_on", pa.date32()),
            ("ended_on", pa.date32()),
        ]
    ),
    "cases": pa.schema(
        [
            ("case_id", pa.int64()),
            ("household_id", pa.int64()),
            ("programme", pa.string()),
            ("status", pa.string()),
        ]
    ),
}

_RISK_COLUMNS = {
    "at_risk": "the risk holds for the household today",
    "level": "high | medium | low, null when not at risk",
    "need_fen": "how much is missing, for ranking (fen)",
}

ELIGIBILITY = Rule(
    name="eligibility",
    title_zh="救助认定摘要",
    title_en="social-assistance eligibility",
    sql_file=RULES_DIR / "eligibility.sql",
    inputs=("assessment", "dibao"),
    parameters=(),
    key=("household_id",),
    uses=(A.ASSESSMENT, A.DIBAO),
    columns={
        "counted_income_fen": "counted monthly household income",
        "dibao_eligible": "eligible for 低保",
        "dibao_gap_fen": "低保 line − counted income",
        "tekun_persons": "members eligible for 特困",
    },
)

MEMBER_FLAGS = Rule(
    name="member_flags",
    title_zh="成员状况",
    title_en="members' standing",
    sql_file=RULES_DIR / "member_flags.sql",
    inputs=("members", "households", "run", "params"),
    parameters=(
        "monitoring.working_age_from",
        "monitoring.working_age_below",
        "monitoring.severe_disability_grade_max",
        "orphan.age_below",
    ),
    key=("person_id",),
    unit_table="members",
    columns={
        "alive": "alive on the month's date",
        "able_working_age": "able to work and of working age",
        "in_work": "employed, farming or self-employed by the registry",
        "out_of_work": "unemployed by the registry",
        "severely_disabled_without_assistance": "alive, severely disabled, no assistance income",
        "earner": "earns wages or business income",
    },
)

HOUSEHOLD_MEMBERS = Rule(
    name="household_members",
    title_zh="成员概况",
    title_en="household members",
    sql_file=RULES_DIR / "household_members.sql",
    inputs=("member_flags", "households"),
    parameters=(),
    key=("household_id",),
    uses=(MEMBER_FLAGS,),
    columns={
        "gross_income_fen": "gross monthly income of the living members",
        "able_working_age": "able members of working age",
        "in_work_members": "of those, in work by the registry",
        "out_of_work_members": "of those, unemployed by the registry",
    },
)

MONTHLY_RULES = (ELIGIBILITY, HOUSEHOLD_MEMBERS)
MONTHLY_TABLES = (ELIGIBILITY.name, HOUSEHOLD_MEMBERS.name, MEMBER_FLAGS.name)

MONITORING_FACTS = Rule(
    name="monitoring_facts",
    title_zh="监测事实",
    title_en="monitoring facts",
    sql_file=RULES_DIR / "monitoring_facts.sql",
    inputs=(
        "households",
        "signals",
        "medical_claims",
        "unemployment",
        "cases",
        *MONTHLY_TABLES,
        "run",
        "params",
    ),
    parameters=("monitoring.lookback_days",),
    key=("household_id",),
    columns={
        "self_pay_12m_fen": "medical self-pay in the look-back window: claims + partner bills",
        "self_pay_month_fen": "medical self-pay in the month of the run",
        "income_drop_fen": "monthly income lost by reported drops",
        "income_after_drop_fen": "counted monthly income after the drops",
        "unemployed_members": "able members of working age without work",
        "dibao_case": "an open 低保 case",
    },
)

MEDICAL_BURDEN = Rule(
    name="medical_burden",
    title_zh="医疗支出负担重",
    title_en="heavy medical costs",
    sql_file=RULES_DIR / "medical_burden.sql",
    inputs=("monitoring_facts", "run", "params"),
    parameters=(
        "monitoring.medical_self_pay_share",
        "monitoring.medical_self_pay_share_high",
        "monitoring.large_bill",
    ),
    key=("household_id",),
    uses=(MONITORING_FACTS,),
    columns={"self_pay_share": "self-pay ÷ annual income", **_RISK_COLUMNS},
    checks=(
        Check(
            "self_pay_above_share",
            "医疗自付超过收入比例",
            "self-pay above the share of income",
            pass_zh="近12个月医疗自付 {self_pay_12m_fen:yuan} 元(医保结算 {claims_12m_fen:yuan} 元,报送账单 "
            "{bills_12m_fen:yuan} 元)超过家庭年收入 {annual_income_fen:yuan} 元的 {share_limit:pct}",
            pass_en="self-pay medical costs of the last 12 months {self_pay_12m_fen:yuan} yuan (settled claims "
            "{claims_12m_fen:yuan}, reported bills {bills_12m_fen:yuan}) exceed {share_limit:pct} of the annual "
            "household income {annual_income_fen:yuan} yuan",
            fail_zh="近12个月医疗自付 {self_pay_12m_fen:yuan} 元未超过家庭年收入 {annual_income_fen:yuan} 元的 "
            "{share_limit:pct}",
            fail_en="self-pay medical costs of the last 12 months {self_pay_12m_fen:yuan} yuan do not exceed "
            "{share_limit:pct} of the annual household income {annual_income_fen:yuan} yuan",
            parameters=("monitoring.medical_self_pay_share", "monitoring.lookback_days"),
        ),
        Check(
            "large_bill_this_month",
            "当月大额医疗费用",
            "large bill this month",
            pass_zh="本月医疗自付 {self_pay_month_fen:yuan} 元,达到大额标准 {large_bill_fen:yuan} 元",
            pass_en="self-pay this month {self_pay_month_fen:yuan} yuan, at least the large-bill mark "
            "{large_bill_fen:yuan} yuan",
            fail_zh="本月医疗自付 {self_pay_month_fen:yuan} 元,未达大额标准 {large_bill_fen:yuan} 元",
            fail_en="self-pay this month {self_pay_month_fen:yuan} yuan, below the large-bill mark "
            "{large_bill_fen:yuan} yuan",
            parameters=("monitoring.large_bill",),
        ),
        Check(
            "income_fell",
            "收入下降",
            "income fell",
            pass_zh="报送的收入下降 {income_drop_fen:yuan} 元/月,已从月收入 {gross_income_fen:yuan} 元中扣除",
            pass_en="a reported income drop of {income_drop_fen:yuan} yuan a month is taken off the monthly "
            "income {gross_income_fen:yuan} yuan",
            fail_zh="没有报送的收入下降",
            fail_en="no income drop reported",
        ),
    ),
)

INCOME_FALL = Rule(
    name="income_fall",
    title_zh="收入骤减",
    title_en="income fell",
    sql_file=RULES_DIR / "income_fall.sql",
    inputs=("monitoring_facts", "run", "params"),
    parameters=("monitoring.income_factor", "monitoring.income_drop_share"),
    key=("household_id",),
    uses=(MONITORING_FACTS,),
    columns={"edge_line_fen": "income_factor × standard × members", **_RISK_COLUMNS},
    checks=(
        Check(
            "large_drop_reported",
            "报送收入大幅下降",
            "large income drop reported",
            pass_zh="税务/社保报送月收入由 {income_before_drop_fen:yuan} 元下降 {income_drop_fen:yuan} 元,"
            "降幅不低于 {drop_share_limit:pct}",
            pass_en="tax or social insurance reported monthly income down {income_drop_fen:yuan} yuan from "
            "{income_before_drop_fen:yuan}, at least {drop_share_limit:pct}",
            fail_zh="没有降幅达到 {drop_share_limit:pct} 的收入下降报送(下降 {income_drop_fen:yuan} 元)",
            fail_en="no reported drop of at least {drop_share_limit:pct} (drop {income_drop_fen:yuan} yuan)",
            parameters=("monitoring.income_drop_share",),
        ),
        Check(
            "below_edge_line",
            "收入低于低保标准的1.5倍",
            "income below the near-dibao line",
            pass_zh="下降后家庭月收入 {income_after_drop_fen:yuan} 元(人均 {per_capita_after_fen:yuan} 元)低于 "
            "{income_factor} × 低保标准 {dibao_standard_fen:yuan} 元 × {members_counted} 人 = {edge_line_fen:yuan} 元",
            pass_en="monthly income after the drop {income_after_drop_fen:yuan} yuan (per capita "
            "{per_capita_after_fen:yuan}) is below {income_factor} × the standard {dibao_standard_fen:yuan} × "
            "{members_counted} members = {edge_line_fen:yuan} yuan",
            fail_zh="下降后家庭月收入 {income_after_drop_fen:yuan} 元不低于 {edge_line_fen:yuan} 元",
            fail_en="monthly income after the drop {income_after_drop_fen:yuan} yuan is not below "
            "{edge_line_fen:yuan} yuan",
            parameters=("monitoring.income_factor", "dibao.standard"),
        ),
    ),
)

ZERO_EMPLOYMENT = Rule(
    name="zero_employment",
    title_zh="零就业家庭",
    title_en="zero-employment household",
    sql_file=RULES_DIR / "zero_employment.sql",
    inputs=("monitoring_facts", "run", "params"),
    parameters=("monitoring.working_age_from", "monitoring.working_age_below", "monitoring.income_factor"),
    key=("household_id",),
    uses=(MONITORING_FACTS,),
    columns=dict(_RISK_COLUMNS),
    checks=(
        Check(
            "someone_unemployed",
            "有劳动年龄成员失业",
            "a working-age member unemployed",
            pass_zh="{able_working_age} 名有劳动能力的劳动年龄成员中 {unemployed_members} 人失业"
            "(含失业登记、报送的失业信号 {job_loss_signals} 条)",
            pass_en="{unemployed_members} of {able_working_age} able members of working age are unemployed "
            "(registrations, {job_loss_signals} job-loss signals)",
            fail_zh="没有失业的劳动年龄成员",
            fail_en="no working-age member is unemployed",
            parameters=("monitoring.working_age_from", "monitoring.working_age_below"),
        ),
        Check(
            "nobody_working",
            "无人就业",
            "nobody in work",
            pass_zh="家庭中没有就业成员",
            pass_en="no member of the household is in work",
            fail_zh="家庭中有 {working_members} 名就业成员",
            fail_en="{working_members} members are in work",
        ),
    ),
)

DISABILITY_WITHOUT_CARE = Rule(
    name="disability_without_care",
    title_zh="重度残疾无护理补贴",
    title_en="severe disability without care allowance",
    sql_file=RULES_DIR / "disability_without_care.sql",
    inputs=("monitoring_facts", "run", "params"),
    parameters=("monitoring.severe_disability_grade_max",),
    key=("household_id",),
    uses=(MONITORING_FACTS,),
    columns=dict(_RISK_COLUMNS),
    checks=(
        Check(
            "severe_disability_without_allowance",
            "新认定重度残疾未享受护理补贴",
            "newly certified severe disability without allowance",
            pass_zh="{members_without_care} 名成员经残联新认定为 {grade_max} 级及以上残疾,未登记护理补贴等救助收入",
            pass_en="{members_without_care} members newly certified with a disability of grade {grade_max} or "
            "higher have no care allowance or other assistance recorded",
            fail_zh="没有新认定且未享受护理补贴的重度残疾成员",
            fail_en="no newly certified severely disabled member without allowance",
            parameters=("monitoring.severe_disability_grade_max",),
        ),
    ),
)

UNSUPPORTED_CHILD = Rule(
    name="unsupported_child",
    title_zh="疑似事实无人抚养儿童",
    title_en="child possibly without support",
    sql_file=RULES_DIR / "unsupported_child.sql",
    inputs=("monitoring_facts",),
    parameters=(),
    key=("household_id",),
    uses=(MONITORING_FACTS,),
    columns=dict(_RISK_COLUMNS),
    checks=(
        Check(
            "child_without_allowance",
            "儿童未享受孤儿/事实无人抚养保障",
            "child without an orphan allowance",
            pass_zh="{children_without_allowance} 名儿童未享受孤儿或事实无人抚养儿童保障",
            pass_en="{children_without_allowance} children receive no orphan or unsupported-child allowance",
            fail_zh="没有未享受保障的儿童",
            fail_en="no child without an allowance",
        ),
        Check(
            "no_able_adult",
            "无有抚养能力的成年人",
            "no able adult",
            pass_zh="家庭中没有在世且非重度残疾的成年人",
            pass_en="no living adult without a severe disability in the household",
            fail_zh="家庭中有 {able_adults} 名有抚养能力的成年人",
            fail_en="{able_adults} able adults in the household",
        ),
    ),
)

SUDDEN_HARDSHIP = Rule(
    name="sudden_hardship",
    title_zh="突发严重困难",
    title_en="sudden severe hardship",
    sql_file=RULES_DIR / "sudden_hardship.sql",
    inputs=("monitoring_facts", "run", "params"),
    parameters=("monitoring.disaster_damage",),
    key=("household_id",),
    uses=(MONITORING_FACTS,),
    columns=dict(_RISK_COLUMNS),
    checks=(
        Check(
            "heavy_damage",
            "灾害损失严重",
            "heavy disaster damage",
            pass_zh="报送灾害损失 {disaster_damage_fen:yuan} 元,达到 {damage_threshold_fen:yuan} 元",
            pass_en="reported disaster damage {disaster_damage_fen:yuan} yuan, at least {damage_threshold_fen:yuan}",
            fail_zh="报送灾害损失 {disaster_damage_fen:yuan} 元,未达 {damage_threshold_fen:yuan} 元",
            fail_en="reported disaster damage {disaster_damage_fen:yuan} yuan, below {damage_threshold_fen:yuan}",
            parameters=("monitoring.disaster_damage",),
        ),
        Check(
            "earner_died",
            "有收入的成员死亡",
            "an earner died",
            pass_zh="{earners_died} 名有收入的家庭成员死亡",
            pass_en="{earners_died} members who earned income died",
            fail_zh="没有有收入成员死亡的报送",
            fail_en="no death of an earning member reported",
        ),
    ),
)

TAKE_UP_GAP = Rule(
    name="take_up_gap",
    title_zh="符合条件未纳入保障",
    title_en="eligible but not enrolled",
    sql_file=RULES_DIR / "take_up_gap.sql",
    inputs=("monitoring_facts",),
    parameters=(),
    key=("household_id",),
    uses=(MONITORING_FACTS,),
    columns=dict(_RISK_COLUMNS),
    checks=(
        Check(
            "dibao_eligible",
            "符合低保条件",
            "eligible for dibao",
            pass_zh="家庭月收入 {counted_income_fen:yuan} 元低于低保标准 {dibao_standard_fen:yuan} 元 × "
            "{members_counted} 人 = {dibao_line_fen:yuan} 元,财产符合规定;每月差额 {dibao_gap_fen:yuan} 元",
            pass_en="monthly income {counted_income_fen:yuan} yuan is below the standard {dibao_standard_fen:yuan} × "
            "{members_counted} members = {dibao_line_fen:yuan} yuan, assets within limits; monthly gap "
            "{dibao_gap_fen:yuan} yuan",
            fail_zh="按低保规则不符合条件(家庭月收入 {counted_income_fen:yuan} 元,低保线 {dibao_line_fen:yuan} 元)",
            fail_en="not eligible for dibao under its rule (monthly income {counted_income_fen:yuan} yuan, line "
            "{dibao_line_fen:yuan} yuan)",
            parameters=("dibao.standard",),
        ),
        Check(
            "no_dibao_case",
            "无在办低保案件",
            "no open dibao case",
            pass_zh="没有在办或在保的低保案件",
            pass_en="no open or active dibao case",
            fail_zh="已有在办或在保的低保案件",
            fail_en="a dibao case is open or active",
        ),
        Check(
            "tekun_eligible",
            "有成员符合特困条件",
            "a member eligible for tekun",
            pass_zh="{tekun_persons} 名成员符合特困供养条件,每月 {tekun_amount_fen:yuan} 元",
            pass_en="{tekun_persons} members eligible for tekun support, {tekun_amount_fen:yuan} yuan a month",
            fail_zh="没有成员符合特困供养条件",
            fail_en="no member eligible for tekun support",
        ),
    ),
)

MONITORED_POPULATION = Rule(
    name="monitored_population",
    title_zh="低收入人口监测",
    title_en="monitored low-income population",
    sql_file=RULES_DIR / "monitored_population.sql",
    inputs=(
        "monitoring_facts",
        "medical_burden",
        "income_fall",
        "zero_employment",
        "disability_without_care",
        "unsupported_child",
        "sudden_hardship",
        "take_up_gap",
    ),
    parameters=(),
    key=("household_id",),
    uses=(
        MONITORING_FACTS,
        MEDICAL_BURDEN,
        INCOME_FALL,
        ZERO_EMPLOYMENT,
        DISABILITY_WITHOUT_CARE,
        UNSUPPORTED_CHILD,
        SUDDEN_HARDSHIP,
        TAKE_UP_GAP,
    ),
    columns={
        "monitored": "in the low-income population by any category",
        "dibao": "低保 (open case or registry tag)",
        "relapse_watch": "防止返贫 watch (脱贫人口 member)",
        "other_hardship": "any risk found today",
    },
)

RISK_RULES = (
    MEDICAL_BURDEN,
    INCOME_FALL,
    ZERO_EMPLOYMENT,
    DISABILITY_WITHOUT_CARE,
    UNSUPPORTED_CHILD,
    SUDDEN_HARDSHIP,
    TAKE_UP_GAP,
)
RISK_BY_NAME = {rule.name: rule for rule in RISK_RULES}
POPULATION_CATEGORIES = ("dibao", "tekun", "dibao_edge", "rigid_expense", "relapse_watch", "other_hardship")
