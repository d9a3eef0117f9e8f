"""The social-assistance rules (社会救助): each a SQL file beside this one and its declaration here.

Chain: member_facts → household_income → household_assets → dibao → dibao_edge, orphan → tekun
→ rigid_expense → assessment. Orphan status is read from member tags: `orphan`,
`unsupported_child` (事实无人抚养儿童) and `institutional_care` (集中供养), as the registry records them.
"""

from __future__ import annotations

from pathlib import Path

from minsheng.engine import Check, Rule

RULES_DIR = Path(__file__).parent
ORPHAN_TAGS = ("orphan", "unsupported_child", "institutional_care")

_MEMBER_PARAMETERS = (
    "tekun.unable_age_from",
    "tekun.unable_age_below",
    "tekun.unable_grade_max_intellectual_mental",
    "tekun.unable_grade_max_physical",
    "tekun.unable_grade_max_visual",
    "tekun.supporter_adult_age",
    "category_supplement.elderly_age",
    "category_supplement.minor_age",
    "category_supplement.severe_disability_grade_max",
    "category_supplement.severe_disability_grade_max_intellectual_mental",
    "orphan.age_below",
)

MEMBER_FACTS = Rule(
    name="member_facts",
    title_zh="家庭成员情况",
    title_en="member facts",
    sql_file=RULES_DIR / "member_facts.sql",
    inputs=("members", "households", "run", "params"),
    parameters=_MEMBER_PARAMETERS,
    key=("person_id",),
    unit_table="members",
    columns={
        "age": "age in whole years on the run date",
        "alive": "alive on the run date",
        "own_income_fen": "own monthly income as 特困 counts it",
        "unable_to_work": "无劳动能力 by age or disability grade",
        "severely_disabled": "重度残疾 (分类施保)",
        "elderly": "elderly (分类施保)",
        "minor": "minor (分类施保)",
        "child": "under the orphan age line",
        "adult": "of age to be a legal supporter",
    },
    checks=(
        Check(
            "person_data_complete",
            "成员资料完整",
            "member data complete",
            pass_zh="成员 {person_id} 的出生日期、收入和支出资料完整",
            pass_en="member {person_id}: birth date, incomes and expenses are complete",
            fail_zh="成员 {person_id} 的资料不完整或有误(缺少户、出生日期晚于认定日期、收入或支出缺失或为负数)",
            fail_en="member {person_id}: data incomplete or wrong (no household, born after the run date, "
            "an income or expense missing or negative)",
            parameters=("tekun.unable_age_from",),
        ),
    ),
)

HOUSEHOLD_INCOME = Rule(
    name="household_income",
    title_zh="家庭收入认定",
    title_en="counted household income",
    sql_file=RULES_DIR / "household_income.sql",
    inputs=("households", "member_facts", "run", "params"),
    parameters=("dibao.employment_cost_rate",),
    key=("household_id",),
    uses=(MEMBER_FACTS,),
    columns={
        "members_counted": "共同生活的家庭成员 alive on the run date",
        "counted_income_fen": "counted monthly household income",
        "per_capita_income_fen": "per-capita counted income, half up to the fen",
        "employment_cost_deduction_fen": "wages × the employment-cost rate, half up",
        "rigid_expense_deduction_fen": "disability and illness rigid expenses deducted",
        "excluded_income_fen": "basic pension, preferential care, awards, social assistance: not counted",
    },
    checks=(
        Check(
            "income_data_complete",
            "收入资料完整",
            "income data complete",
            pass_zh="共同生活家庭成员 {members_counted} 人,户主 1 人,成员资料完整;认定月收入 {counted_income_fen:yuan} 元"
            "(工资 {wages_fen:yuan} 元,扣除就业成本 {employment_cost_deduction_fen:yuan} 元〔{employment_cost_rate:pct}〕;"
            "经营 {business_fen:yuan} 元;财产 {property_fen:yuan} 元;转移 {transfer_fen:yuan} 元,扣除支付的赡养费 "
            "{maintenance_paid_fen:yuan} 元;其他 {other_fen:yuan} 元;扣除刚性支出 {rigid_expense_deduction_fen:yuan} 元;"
            "不计入收入 {excluded_income_fen:yuan} 元),人均 {per_capita_income_fen:yuan} 元",
            pass_en="{members_counted} members living together, one head, member data complete; counted monthly income "
            "{counted_income_fen:yuan} yuan (wages {wages_fen:yuan} less employment cost "
            "{employment_cost_deduction_fen:yuan} at {employment_cost_rate:pct}; business {business_fen:yuan}; "
            "property {property_fen:yuan}; transfers {transfer_fen:yuan} less maintenance paid "
            "{maintenance_paid_fen:yuan}; other {other_fen:yuan}; less rigid expenses "
            "{rigid_expense_deduction_fen:yuan}; not counted {excluded_income_fen:yuan}), per capita "
            "{per_capita_income_fen:yuan} yuan",
            fail_zh="收入资料不完整:在世成员 {members_counted} 人(须至少 1 人),户主 {heads} 人(须恰为 1 人),"
            "资料有误的成员 {members_incomplete} 人,就业成本扣减比例{income_parameters_found:yn_zh}已设定",
            fail_en="income data incomplete: {members_counted} living members (at least 1 needed), {heads} heads "
            "(exactly 1 needed), {members_incomplete} members with wrong data, employment-cost rate set: "
            "{income_parameters_found:yn_en}",
            parameters=("dibao.employment_cost_rate",),
        ),
    ),
)

HOUSEHOLD_ASSETS = Rule(
    name="household_assets",
    title_zh="家庭财产核查",
    title_en="asset tests",
    sql_file=RULES_DIR / "household_assets.sql",
    inputs=("households", "household_income", "run", "params"),
    parameters=(
        "dibao.standard",
        "assets.financial_years_of_standard",
        "assets.vehicle_value_limit",
        "assets.dwellings_max",
        "assets.business_assets_limit",
    ),
    key=("household_id",),
    uses=(HOUSEHOLD_INCOME,),
    columns={
        "financial_assets_fen": "deposits, securities and other assets",
        "financial_assets_limit_fen": "years × annual standard × members",
        "assets_within_limits": "every asset test passed",
    },
    checks=(
        Check(
            "financial_assets_within_limit",
            "金融资产",
            "financial assets",
            pass_zh="金融资产 {financial_assets_fen:yuan} 元未超过上限 {financial_assets_limit_fen:yuan} 元"
            "(年低保标准的 {financial_years_of_standard} 倍 × {members_counted} 人)",
            pass_en="financial assets {financial_assets_fen:yuan} yuan within the limit {financial_assets_limit_fen:yuan} "
            "({financial_years_of_standard} years of the standard × {members_counted} members)",
            fail_zh="金融资产 {financial_assets_fen:yuan} 元超过上限 {financial_assets_limit_fen:yuan} 元"
            "(年低保标准的 {financial_years_of_standard} 倍 × {members_counted} 人)",
            fail_en="financial assets {financial_assets_fen:yuan} yuan exceed the limit {financial_assets_limit_fen:yuan} "
            "({financial_years_of_standard} years of the standard × {members_counted} members)",
            parameters=("assets.financial_years_of_standard", "dibao.standard"),
        ),
        Check(
            "vehicles_within_limit",
            "机动车辆",
            "motor vehicles",
            pass_zh="机动车 {vehicles} 辆,总价值 {vehicle_value_fen:yuan} 元,未超过 {vehicle_value_limit_fen:yuan} 元",
            pass_en="{vehicles} vehicles worth {vehicle_value_fen:yuan} yuan, within {vehicle_value_limit_fen:yuan}",
            fail_zh="机动车 {vehicles} 辆,总价值 {vehicle_value_fen:yuan} 元,超过 {vehicle_value_limit_fen:yuan} 元",
            fail_en="{vehicles} vehicles worth {vehicle_value_fen:yuan} yuan, above {vehicle_value_limit_fen:yuan}",
            parameters=("assets.vehicle_value_limit",),
        ),
        Check(
            "dwellings_within_limit",
            "房产",
            "dwellings",
            pass_zh="房产 {dwellings} 套,未超过 {dwellings_max} 套",
            pass_en="{dwellings} dwellings, at most {dwellings_max} allowed",
            fail_zh="房产 {dwellings} 套,超过 {dwellings_max} 套",
            fail_en="{dwellings} dwellings, more than the {dwellings_max} allowed",
            parameters=("assets.dwellings_max",),
        ),
        Check(
            "business_assets_within_limit",
            "经营性资产",
            "business assets",
            pass_zh="经营性资产 {business_assets_fen:yuan} 元,未超过 {business_assets_limit_fen:yuan} 元",
            pass_en="business assets {business_assets_fen:yuan} yuan, within {business_assets_limit_fen:yuan}",
            fail_zh="经营性资产 {business_assets_fen:yuan} 元,超过 {business_assets_limit_fen:yuan} 元",
            fail_en="business assets {business_assets_fen:yuan} yuan, above {business_assets_limit_fen:yuan}",
            parameters=("assets.business_assets_limit",),
        ),
    ),
)

DIBAO = Rule(
    name="dibao",
    title_zh="最低生活保障",
    title_en="minimum living guarantee (dibao)",
    sql_file=RULES_DIR / "dibao.sql",
    inputs=("household_income", "household_assets", "member_facts", "run", "params"),
    parameters=(
        "dibao.standard",
        "category_supplement.elderly_ratio",
        "category_supplement.minor_ratio",
        "category_supplement.severe_disability_ratio",
        "category_supplement.serious_illness_ratio",
    ),
    key=("household_id",),
    uses=(HOUSEHOLD_INCOME, HOUSEHOLD_ASSETS, MEMBER_FACTS),
    columns={
        "dibao_standard_fen": "the standard per person per month",
        "dibao_line_fen": "standard × members",
        "eligible": "every check passed",
        "gap_fen": "standard × members − counted income (补差)",
        "category_supplement_fen": "分类施保 add-ons",
        "amount_fen": "monthly amount: gap + add-ons",
    },
    checks=(
        Check(
            "data_complete",
            "资料完整",
            "data complete",
            pass_zh="家庭收入、财产资料完整,低保标准已设定({dibao_standard_fen:yuan} 元/人·月)",
            pass_en="income and asset data complete; the standard is set ({dibao_standard_fen:yuan} yuan a person a month)",
            fail_zh="资料不完整,无法认定:见家庭收入认定和财产核查;低保标准 {dibao_standard_fen:yuan} 元",
            fail_en="data incomplete, no determination possible: see counted income and asset tests; "
            "standard {dibao_standard_fen:yuan} yuan",
            parameters=("dibao.standard",),
        ),
        Check(
            "income_below_standard",
            "收入低于低保标准",
            "income below the standard",
            pass_zh="家庭月收入 {counted_income_fen:yuan} 元低于低保标准 {dibao_standard_fen:yuan} 元 × {members_counted} 人 = "
            "{dibao_line_fen:yuan} 元(人均 {per_capita_income_fen:yuan} 元)",
            pass_en="monthly household income {counted_income_fen:yuan} yuan is below the standard {dibao_standard_fen:yuan} × "
            "{members_counted} members = {dibao_line_fen:yuan} yuan (per capita {per_capita_income_fen:yuan})",
            fail_zh="家庭月收入 {counted_income_fen:yuan} 元不低于低保标准 {dibao_standard_fen:yuan} 元 × {members_counted} 人 = "
            "{dibao_line_fen:yuan} 元(人均 {per_capita_income_fen:yuan} 元)",
            fail_en="monthly household income {counted_income_fen:yuan} yuan is not below the standard "
            "{dibao_standard_fen:yuan} × {members_counted} members = {dibao_line_fen:yuan} yuan "
            "(per capita {per_capita_income_fen:yuan})",
            parameters=("dibao.standard", "dibao.employment_cost_rate"),
        ),
        Check(
            "assets_within_limits",
            "家庭财产符合规定",
            "assets within the limits",
            pass_zh="家庭财产符合规定(金融资产 {financial_assets_fen:yuan} 元,上限 {financial_assets_limit_fen:yuan} 元)",
            pass_en="assets within the limits (financial assets {financial_assets_fen:yuan} yuan, limit "
            "{financial_assets_limit_fen:yuan})",
            fail_zh="家庭财产超过规定(金融资产 {financial_assets_fen:yuan} 元,上限 {financial_assets_limit_fen:yuan} 元;"
            "车辆、房产、经营性资产见财产核查)",
            fail_en="assets above the limits (financial assets {financial_assets_fen:yuan} yuan, limit "
            "{financial_assets_limit_fen:yuan}; vehicles, dwellings and business assets: see asset tests)",
            parameters=(
                "assets.financial_years_of_standard",
                "assets.vehicle_value_limit",
                "assets.dwellings_max",
            ),
        ),
    ),
)

DIBAO_EDGE = Rule(
    name="dibao_edge",
    title_zh="低保边缘家庭",
    title_en="near-dibao household",
    sql_file=RULES_DIR / "dibao_edge.sql",
    inputs=("dibao", "run", "params"),
    parameters=("dibao_edge.income_factor",),
    key=("household_id",),
    uses=(DIBAO,),
    columns={"edge_line_fen": "income_factor × standard × members", "eligible": "every check passed"},
    checks=(
        Check(
            "data_complete",
            "资料完整",
            "data complete",
            pass_zh="资料完整,低保边缘收入倍数为 {income_factor}",
            pass_en="data complete; the near-dibao income factor is {income_factor}",
            fail_zh="资料不完整,无法认定低保边缘",
            fail_en="data incomplete, no near-dibao determination possible",
            parameters=("dibao_edge.income_factor",),
        ),
        Check(
            "not_dibao",
            "不属于低保家庭",
            "not a dibao household",
            pass_zh="不符合低保条件",
            pass_en="not eligible for dibao",
            fail_zh="已符合低保条件,不再认定为低保边缘家庭",
            fail_en="eligible for dibao, so not a near-dibao household",
        ),
        Check(
            "income_below_edge_line",
            "收入低于低保标准的 1.5 倍",
            "income below the near-dibao line",
            pass_zh="家庭月收入 {counted_income_fen:yuan} 元低于 {income_factor} × 低保标准 {dibao_standard_fen:yuan} 元 × "
            "{members_counted} 人 = {edge_line_fen:yuan} 元",
            pass_en="monthly household income {counted_income_fen:yuan} yuan is below {income_factor} × the standard "
            "{dibao_standard_fen:yuan} × {members_counted} members = {edge_line_fen:yuan} yuan",
            fail_zh="家庭月收入 {counted_income_fen:yuan} 元不低于 {income_factor} × 低保标准 {dibao_standard_fen:yuan} 元 × "
            "{members_counted} 人 = {edge_line_fen:yuan} 元",
            fail_en="monthly household income {counted_income_fen:yuan} yuan is not below {income_factor} × the standard "
            "{dibao_standard_fen:yuan} × {members_counted} members = {edge_line_fen:yuan} yuan",
            parameters=("dibao_edge.income_factor", "dibao.standard"),
        ),
        Check(
            "assets_within_limits",
            "家庭财产符合规定",
            "assets within the limits",
            pass_zh="家庭财产符合规定",
            pass_en="assets within the limits",
            fail_zh="家庭财产超过规定",
            fail_en="assets above the limits",
            parameters=("assets.financial_years_of_standard",),
        ),
    ),
)

ORPHAN = Rule(
    name="orphan",
    title_zh="孤儿/事实无人抚养儿童基本生活保障",
    title_en="orphan and de facto unsupported child allowance",
    sql_file=RULES_DIR / "orphan.sql",
    inputs=("member_facts", "dibao", "run", "params"),
    parameters=(
        "orphan.allowance_centralised",
        "orphan.allowance_dispersed",
        "unsupported_child.allowance_share",
        "orphan.age_below",
    ),
    key=("person_id",),
    unit_table="members",
    uses=(MEMBER_FACTS, DIBAO),
    columns={
        "allowance_standard_fen": "the orphan standard for this child's category and care",
        "other_benefits_fen": "benefits already paid: recorded assistance + share of the household 低保",
        "amount_fen": "monthly top-up (补差)",
    },
    checks=(
        Check(
            "data_complete",
            "资料完整",
            "data complete",
            pass_zh="资料完整",
            pass_en="data complete",
            fail_zh="资料不完整,无法认定",
            fail_en="data incomplete, no determination possible",
            parameters=("orphan.allowance_dispersed",),
        ),
        Check(
            "alive",
            "在世",
            "alive",
            pass_zh="在世",
            pass_en="alive",
            fail_zh="已死亡",
            fail_en="deceased",
        ),
        Check(
            "under_age",
            "未满 18 周岁",
            "under age",
            pass_zh="{age} 岁,未满 {age_below} 周岁",
            pass_en="aged {age}, under {age_below}",
            fail_zh="{age} 岁,已满 {age_below} 周岁",
            fail_en="aged {age}, not under {age_below}",
            parameters=("orphan.age_below",),
        ),
        Check(
            "orphan_or_unsupported",
            "孤儿或事实无人抚养儿童",
            "orphan or de facto unsupported child",
            pass_zh="登记为{category}({care}),保障标准 {allowance_standard_fen:yuan} 元;已享受其他救助 "
            "{other_benefits_fen:yuan} 元,补差发放",
            pass_en="recorded as {category} ({care}); standard {allowance_standard_fen:yuan} yuan; other benefits "
            "{other_benefits_fen:yuan} yuan already paid, the difference is paid",
            fail_zh="未登记为孤儿或事实无人抚养儿童",
            fail_en="not recorded as an orphan or a de facto unsupported child",
            parameters=(
                "orphan.allowance_centralised",
                "orphan.allowance_dispersed",
                "unsupported_child.allowance_share",
            ),
        ),
    ),
)

TEKUN = Rule(
    name="tekun",
    title_zh="特困人员救助供养",
    title_en="support for persons in extreme difficulty (tekun)",
    sql_file=RULES_DIR / "tekun.sql",
    inputs=("member_facts", "dibao", "household_assets", "orphan", "run", "params"),
    parameters=(
        "dibao.standard",
        "tekun.basic_living_standard",
        "tekun.dibao_floor_factor",
        "tekun.care_allowance_full",
        "tekun.care_allowance_partial",
        "tekun.adl_partial_from",
        "tekun.adl_full_from",
        "tekun.supporter_frail_age",
        "tekun.supporter_dibao_age",
        "statistics.disposable_income_prior_year",
    ),
    key=("person_id",),
    unit_table="members",
    uses=(MEMBER_FACTS, DIBAO, HOUSEHOLD_ASSETS, ORPHAN),
    columns={
        "basic_living_fen": "max(configured standard, factor × dibao standard)",
        "self_care_tier": "self_care | partial | full (six ADL items)",
        "care_allowance_fen": "care allowance of the tier",
        "amount_fen": "monthly support: basic living + care",
    },
    checks=(
        Check(
            "data_complete",
            "资料完整",
            "data complete",
            pass_zh="资料完整",
            pass_en="data complete",
            fail_zh="资料不完整,无法认定",
            fail_en="data incomplete, no determination possible",
            parameters=("tekun.basic_living_standard",),
        ),
        Check(
            "alive", "在世", "alive", pass_zh="在世", pass_en="alive", fail_zh="已死亡", fail_en="deceased"
        ),
        Check(
            "unable_to_work",
            "无劳动能力",
            "unable to work",
            pass_zh="{age} 岁(残疾类别 {disability_type},等级 {disability_grade}),属无劳动能力",
            pass_en="aged {age} (disability {disability_type}, grade {disability_grade}): unable to work",
            fail_zh="{age} 岁(残疾类别 {disability_type},等级 {disability_grade}),不属无劳动能力"
            "(须年满 60 周岁、未满 16 周岁,或一至三级智力/精神、一二级肢体、一级视力残疾)",
            fail_en="aged {age} (disability {disability_type}, grade {disability_grade}): able to work (needs age ≥ 60 or "
            "< 16, or intellectual/mental grade 1–3, physical grade 1–2, visual grade 1)",
            parameters=(
                "tekun.unable_age_from",
                "tekun.unable_age_below",
                "tekun.unable_grade_max_intellectual_mental",
                "tekun.unable_grade_max_physical",
                "tekun.unable_grade_max_visual",
            ),
        ),
        Check(
            "no_means_of_living",
            "无生活来源",
            "no means of living",
            pass_zh="本人月收入 {own_income_fen:yuan} 元低于低保标准 {dibao_standard_fen:yuan} 元,家庭财产符合规定",
            pass_en="own monthly income {own_income_fen:yuan} yuan below the dibao standard {dibao_standard_fen:yuan}; "
            "assets within the limits",
            fail_zh="本人月收入 {own_income_fen:yuan} 元不低于低保标准 {dibao_standard_fen:yuan} 元,或家庭财产超过规定",
            fail_en="own monthly income {own_income_fen:yuan} yuan not below the dibao standard {dibao_standard_fen:yuan}, "
            "or assets above the limits",
            parameters=("dibao.standard",),
        ),
        Check(
            "no_able_supporter",
            "无履行义务能力的赡养人",
            "no able supporter",
            pass_zh="家庭中没有有赡养、抚养、扶养能力的成年成员",
            pass_en="no adult member of the household able to support",
            fail_zh="家庭中有 {able_supporters} 名有赡养、抚养、扶养能力的成年成员",
            fail_en="{able_supporters} adult members of the household are able to support",
            parameters=(
                "tekun.supporter_frail_age",
                "tekun.supporter_dibao_age",
                "statistics.disposable_income_prior_year",
            ),
        ),
        Check(
            "not_orphan_route",
            "未按孤儿保障",
            "not supported as an orphan",
            pass_zh="未按孤儿/事实无人抚养儿童保障",
            pass_en="not supported as an orphan or unsupported child",
            fail_zh="已按孤儿/事实无人抚养儿童保障,不再认定特困",
            fail_en="supported as an orphan or unsupported child, so not also tekun",
        ),
    ),
)

RIGID_EXPENSE = Rule(
    name="rigid_expense",
    title_zh="刚性支出困难家庭",
    title_en="household in rigid-expenditure hardship",
    sql_file=RULES_DIR / "rigid_expense.sql",
    inputs=("household_income", "dibao", "dibao_edge", "tekun", "household_assets", "run", "params"),
    parameters=(
        "rigid_expense.in_force",
        "rigid_expense.spending_ratio",
        "statistics.disposable_income_prior_year",
    ),
    key=("household_id",),
    uses=(HOUSEHOLD_INCOME, DIBAO, DIBAO_EDGE, TEKUN, HOUSEHOLD_ASSETS),
    columns={"eligible": "every check passed"},
    checks=(
        Check(
            "in_force",
            "认定办法已施行",
            "rule in force",
            pass_zh="《刚性支出困难家庭认定办法》已施行",
            pass_en="the rigid-expenditure rule is in force",
            fail_zh="认定日期在《刚性支出困难家庭认定办法》施行(2025-01-01)之前",
            fail_en="the run date is before the rigid-expenditure rule took effect (2025-01-01)",
            parameters=("rigid_expense.in_force",),
        ),
        Check(
            "data_complete",
            "资料完整",
            "data complete",
            pass_zh="资料完整",
            pass_en="data complete",
            fail_zh="资料不完整,无法认定",
            fail_en="data incomplete, no determination possible",
        ),
        Check(
            "not_other_assistance",
            "不属于低保、特困、低保边缘",
            "not dibao, tekun or near-dibao",
            pass_zh="不属于低保、特困或低保边缘家庭",
            pass_en="not a dibao, tekun or near-dibao household",
            fail_zh="已属于低保、特困或低保边缘家庭",
            fail_en="already a dibao, tekun or near-dibao household",
        ),
        Check(
            "income_below_disposable",
            "人均收入低于上年人均可支配收入",
            "income below the disposable-income line",
            pass_zh="人均月收入 {per_capita_income_fen:yuan} 元 × 12 低于上年人均可支配收入 {disposable_income_line_fen:yuan} 元",
            pass_en="per-capita monthly income {per_capita_income_fen:yuan} × 12 is below the prior-year disposable "
            "income {disposable_income_line_fen:yuan} yuan",
            fail_zh="人均月收入 {per_capita_income_fen:yuan} 元 × 12 不低于上年人均可支配收入 {disposable_income_line_fen:yuan} 元",
            fail_en="per-capita monthly income {per_capita_income_fen:yuan} × 12 is not below the prior-year disposable "
            "income {disposable_income_line_fen:yuan} yuan",
            parameters=("statistics.disposable_income_prior_year",),
        ),
        Check(
            "assets_within_limits",
            "家庭财产符合规定",
            "assets within the limits",
            pass_zh="家庭财产符合规定",
            pass_en="assets within the limits",
            fail_zh="家庭财产超过规定",
            fail_en="assets above the limits",
        ),
        Check(
            "spending_above_ratio",
            "刚性支出超过规定比例",
            "rigid spending above the share",
            pass_zh="月刚性支出 {rigid_spending_fen:yuan} 元超过家庭总收入 {gross_income_fen:yuan} 元的 {spending_ratio:pct}",
            pass_en="monthly rigid spending {rigid_spending_fen:yuan} yuan exceeds {spending_ratio:pct} of gross income "
            "{gross_income_fen:yuan} yuan",
            fail_zh="月刚性支出 {rigid_spending_fen:yuan} 元未超过家庭总收入 {gross_income_fen:yuan} 元的 {spending_ratio:pct}",
            fail_en="monthly rigid spending {rigid_spending_fen:yuan} yuan does not exceed {spending_ratio:pct} of gross "
            "income {gross_income_fen:yuan} yuan",
            parameters=("rigid_expense.spending_ratio",),
        ),
    ),
)

ASSESSMENT = Rule(
    name="assessment",
    title_zh="社会救助认定汇总",
    title_en="social-assistance determination",
    sql_file=RULES_DIR / "assessment.sql",
    inputs=("dibao", "dibao_edge", "rigid_expense", "tekun", "orphan"),
    parameters=(),
    key=("household_id",),
    uses=(DIBAO, DIBAO_EDGE, RIGID_EXPENSE, TEKUN, ORPHAN),
    columns={
        "league_code": "the banner's league",
        "dibao_amount_fen": "低保 a month",
        "tekun_amount_fen": "特困 a month, all members",
        "orphan_amount_fen": "orphan allowances a month, all children",
        "total_amount_fen": "the household's monthly total",
    },
)

ALL = (
    MEMBER_FACTS,
    HOUSEHOLD_INCOME,
    HOUSEHOLD_ASSETS,
    DIBAO,
    DIBAO_EDGE,
    ORPHAN,
    TEKUN,
    RIGID_EXPENSE,
    ASSESSMENT,
)
BY_NAME = {rule.name: rule for rule in ALL}
HOUSEHOLD_RULES = (HOUSEHOLD_INCOME, HOUSEHOLD_ASSETS, DIBAO, DIBAO_EDGE, RIGID_EXPENSE)
PERSON_RULES = (ORPHAN, TEKUN)
