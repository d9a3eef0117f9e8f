"""低保 and the household rules: the worked example to the fen, boundaries, what counts as income."""

from __future__ import annotations

import datetime as dt

import pytest

from minsheng import policy
from minsheng.api.errors import DomainError
from minsheng.assistance.service import assess_data

from .conftest import AS_OF, household, person, worked_example


def test_rules_md_worked_example_gets_1220_yuan(params: policy.ParameterSet) -> None:
    result = assess_data(worked_example(), AS_OF, params)
    income = result.determination("household_income").row
    assert income["employment_cost_deduction_fen"] == 30000
    assert income["counted_income_fen"] == 130000
    assert income["per_capita_income_fen"] == 43333
    dibao = result.determination("dibao")
    assert dibao.eligible is True
    # (840 − 433.33…) × 3 exactly: 1 220.00, not the 1 220.01 a rounded per-capita figure would give
    assert dibao.row["gap_fen"] == 122000
    assert dibao.row["category_supplement_fen"] == 0
    assert dibao.row["amount_fen"] == 122000
    assert result.as_dict()["amounts"]["total_fen"] == 122000


def test_reasons_name_values_and_parameters_with_sources(params: policy.ParameterSet) -> None:
    dibao = assess_data(worked_example(), AS_OF, params).determination("dibao")
    reason = next(r for r in dibao.reasons if r.check == "income_below_standard")
    assert reason.passed
    assert "1,300.00" in reason.text_zh and "2,520.00" in reason.text_zh and "433.33" in reason.text_zh
    assert "below the standard 840.00" in reason.text_en
    standard = next(p for p in reason.parameters if p.name == "dibao.standard")
    assert standard.value == 84000 and standard.effective_from == dt.date(2023, 1, 1)
    assert standard.source.document


def test_income_exactly_at_the_line_is_not_eligible(params: policy.ParameterSet) -> None:
    # counted = wages × 0.8 + 300 − 200 = 2 520 (the line for three) when wages are 3 025
    at_line = assess_data(worked_example(wages=302500), AS_OF, params).determination("dibao")
    assert at_line.row["counted_income_fen"] == at_line.row["dibao_line_fen"] == 252000
    assert at_line.eligible is False and at_line.row["amount_fen"] == 0
    failing = [r for r in at_line.reasons if not r.passed]
    assert [r.check for r in failing] == ["income_below_standard"]
    assert "不低于" in failing[0].text_zh
    just_below = assess_data(worked_example(wages=302499), AS_OF, params).determination("dibao")
    assert just_below.eligible is True and just_below.row["amount_fen"] == 1


def test_excluded_income_does_not_count(params: policy.ParameterSet) -> None:
    data = worked_example(basic_pension=10300, preferential=50000, assistance=90000)
    result = assess_data(data, AS_OF, params)
    assert result.determination("household_income").row["excluded_income_fen"] == 150300
    assert result.determination("dibao").row["amount_fen"] == 122000


def test_rural_standard_and_a_dead_member_not_counted(params: policy.ParameterSet) -> None:
    data = worked_example()
    data["hukou"] = "rural"
    data["members"][2]["death_date"] = dt.date(2023, 2, 1)
    dibao = assess_data(data, AS_OF, params).determination("dibao")
    # two living members: 670 × 2 − 1 300 = 40.00
    assert dibao.row["members_counted"] == 2 and dibao.row["amount_fen"] == 4000


def test_category_supplements_for_a_minor_and_an_elder(params: policy.ParameterSet) -> None:
    data = household(
        person("head", dt.date(1963, 6, 1), incomes={"wages": 50000}),  # 60 today: elderly
        person("child", dt.date(2010, 1, 1)),  # minor
    )
    dibao = assess_data(data, AS_OF, params).determination("dibao")
    assert dibao.row["elderly_members"] == 1 and dibao.row["minor_members"] == 1
    # 840 × 2 − (500 − 100 employment cost) = 1 280, plus 10 % of 840 twice = 168
    assert dibao.row["gap_fen"] == 128000
    assert dibao.row["category_supplement_fen"] == 16800
    assert dibao.row["amount_fen"] == 144800


def test_assets_above_the_limit_fail_with_a_reason(params: policy.ParameterSet) -> None:
    data = worked_example()
    data["financial_assets_fen"] = 6048001  # 2 years × 840 × 12 × 3 = 60 480.00 + 0.01
    result = assess_data(data, AS_OF, params)
    dibao = result.determination("dibao")
    assert dibao.eligible is False
    assert [r.check for r in dibao.reasons if not r.passed] == ["assets_within_limits"]
    assets = result.determination("household_assets")
    assert [r.check for r in assets.reasons if not r.passed] == ["financial_assets_within_limit"]


def test_near_dibao_edge_household(params: policy.ParameterSet) -> None:
    # counted 3 000: not below 2 520, below 1.5 × 2 520 = 3 780
    edge = assess_data(worked_example(wages=362500), AS_OF, params).determination("dibao_edge")
    assert edge.row["counted_income_fen"] == 300000
    assert edge.eligible is True and edge.row["edge_line_fen"] == 378000
    dibao_household = assess_data(worked_example(), AS_OF, params).determination("dibao_edge")
    assert dibao_household.eligible is False
    assert [r.check for r in dibao_household.reasons if not r.passed] == ["not_dibao"]


def test_rigid_expense_only_from_2025(params: policy.ParameterSet) -> None:
    data = household(
        person(
            "head",
            dt.date(1975, 1, 1),
            incomes={"wages": 600000},
            expenses={"medical_self_pay": 250000, "education": 100000},
        ),
        person("child", dt.date(2005, 1, 1)),
    )
    before = assess_data(data, dt.date(2024, 12, 31), params).determination("rigid_expense")
    assert before.eligible is False
    failing = [r.check for r in before.reasons if not r.passed]
    assert failing[0] == "in_force" and "2025-01-01" in before.reasons[0].text_en
    after = assess_data(data, dt.date(2025, 1, 1), params).determination("rigid_expense")
    assert after.eligible is True, [r.text_en for r in after.reasons if not r.passed]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(banner_code="150199"), "household.banner_code"),
        (lambda d: d["members"][0].update(relationship_to_head="spouse"), "household.members"),
        (lambda d: d["members"][1].update(birth_date=dt.date(2023, 7, 1)), "household.members.1.birth_date"),
        (lambda d: d["members"][0]["incomes"].update(wages=-1), "household.members.0.incomes.wages"),
    ],
    ids=["unknown-banner", "no-head", "born-in-future", "negative-income"],
)
def test_bad_input_names_the_field_and_determines_nothing(
    params: policy.ParameterSet, change, field: str
) -> None:
    data = worked_example()
    change(data)
    with pytest.raises(DomainError) as caught:
        assess_data(data, AS_OF, params)
    assert field in [f.field for f in caught.value.fields]
