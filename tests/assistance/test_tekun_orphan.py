"""特困 and orphans: age boundaries (60, 16, a child turning 16 this month), ADL tiers, the 1.3 × 低保
floor, the care allowance, supporters, and the orphan 补差 that never counts as 低保 income."""

from __future__ import annotations

import datetime as dt

import pytest

from minsheng import policy
from minsheng.assistance.service import assess_data

from .conftest import AS_OF, household, person


def lone(birth: dt.date, hukou: str = "urban", **fields) -> dict:
    return household(person("head", birth, **fields), hukou=hukou)


def tekun_of(data: dict, params: policy.ParameterSet, on: dt.date = AS_OF):
    result = assess_data(data, on, params)
    return result.persons[1][0] if result.persons[1][0].rule == "tekun" else result.persons[1][1]


@pytest.mark.parametrize(
    ("birth", "unable"),
    [
        (dt.date(1963, 6, 1), True),  # 60 exactly on the run date
        (dt.date(1963, 6, 2), False),  # 60 tomorrow
        (dt.date(2007, 6, 2), True),  # 16 tomorrow: still under 16
        (dt.date(2007, 6, 1), False),  # 16 exactly today
    ],
    ids=["60-today", "60-tomorrow", "16-tomorrow", "16-today"],
)
def test_age_boundaries_of_unable_to_work(params: policy.ParameterSet, birth: dt.date, unable: bool) -> None:
    tekun = tekun_of(lone(birth), params)
    assert tekun.row["unable_to_work"] is unable
    assert tekun.eligible is unable


def test_a_child_turning_16_this_month(params: policy.ParameterSet) -> None:
    data = lone(dt.date(2007, 6, 20))
    assert tekun_of(data, params, dt.date(2023, 6, 1)).row["age"] == 15
    assert tekun_of(data, params, dt.date(2023, 6, 1)).eligible is True
    assert tekun_of(data, params, dt.date(2023, 6, 20)).row["age"] == 16
    assert tekun_of(data, params, dt.date(2023, 6, 20)).eligible is False


@pytest.mark.parametrize(
    ("disability", "grade", "unable"),
    [
        ("intellectual", 3, True),
        ("mental", 4, False),
        ("physical", 2, True),
        ("physical", 3, False),
        ("visual", 1, True),
        ("visual", 2, False),
    ],
)
def test_disability_grades_of_unable_to_work(
    params: policy.ParameterSet, disability: str, grade: int, unable: bool
) -> None:
    data = lone(dt.date(1980, 1, 1), disability_type=disability, disability_grade=grade)
    assert tekun_of(data, params).row["unable_to_work"] is unable


@pytest.mark.parametrize(
    ("adl", "tier", "care"),
    [
        (0, "self_care", 0),
        (1, "partial", 49500),
        (3, "partial", 49500),
        (4, "full", 126600),
        (6, "full", 126600),
    ],
)
def test_adl_tiers_and_care_allowance(params: policy.ParameterSet, adl: int, tier: str, care: int) -> None:
    tekun = tekun_of(lone(dt.date(1950, 1, 1), adl_items_lost=adl), params)
    assert tekun.row["self_care_tier"] == tier and tekun.row["care_allowance_fen"] == care
    assert tekun.row["amount_fen"] == 138000 + care


def test_basic_living_is_at_least_1_3_times_dibao(params: policy.ParameterSet, tmp_path) -> None:
    scenario = tmp_path / "low.yaml"
    scenario.write_text(
        "parameters:\n  tekun.basic_living_standard:\n    values:\n"
        "      - {effective_from: 2023-01-01, hukou: rural, value: 500}\n",
        encoding="utf-8",
    )
    low = policy.load(scenario, directory=params.directory)
    tekun = tekun_of(lone(dt.date(1950, 1, 1), hukou="rural"), low)
    assert tekun.row["configured_basic_living_fen"] == 50000
    assert tekun.row["basic_living_fen"] == 87100  # 1.3 × 670 = 871.00


def test_an_able_adult_in_the_household_is_a_supporter(params: policy.ParameterSet) -> None:
    data = household(
        person("head", dt.date(1950, 1, 1)),
        person("child", dt.date(1985, 1, 1), incomes={"wages": 500000}),
    )
    result = assess_data(data, AS_OF, params)
    tekun = next(d for d in result.persons[1] if d.rule == "tekun")
    assert tekun.eligible is False and tekun.row["able_supporters"] == 1
    assert [r.check for r in tekun.reasons if not r.passed] == ["no_able_supporter"]


def test_an_elderly_supporter_with_low_income_cannot_support(params: policy.ParameterSet) -> None:
    data = household(person("head", dt.date(1950, 1, 1)), person("spouse", dt.date(1948, 1, 1), sex="F"))
    result = assess_data(data, AS_OF, params)
    assert all(next(d for d in result.persons[p] if d.rule == "tekun").eligible for p in (1, 2))


def test_orphan_allowance_tops_up_against_other_benefits(params: policy.ParameterSet) -> None:
    data = household(
        person("head", dt.date(1950, 1, 1), incomes={"basic_pension": 10300}),
        person("grandchild", dt.date(2012, 1, 1), tags=["orphan"], incomes={"assistance": 20000}),
    )
    result = assess_data(data, AS_OF, params)
    orphan = next(d for d in result.persons[2] if d.rule == "orphan")
    dibao = result.determination("dibao")
    assert dibao.eligible and dibao.row["counted_income_fen"] == 0  # orphan aid is not 低保 income
    share = (dibao.row["amount_fen"] * 2 + 2) // 4
    assert orphan.row["allowance_standard_fen"] == 192000
    assert orphan.row["other_benefits_fen"] == 20000 + share
    assert orphan.row["amount_fen"] == 192000 - 20000 - share
    # a child on the orphan route is not also 特困
    tekun = next(d for d in result.persons[2] if d.rule == "tekun")
    assert tekun.eligible is False and [r.check for r in tekun.reasons if not r.passed] == [
        "not_orphan_route"
    ]


def test_centralised_care_and_unsupported_children(params: policy.ParameterSet) -> None:
    data = household(
        person("head", dt.date(1990, 1, 1), incomes={"wages": 900000}),
        person("child", dt.date(2015, 1, 1), tags=["orphan", "institutional_care"]),
        person("child", dt.date(2016, 1, 1), tags=["unsupported_child"]),
        person("child", dt.date(2004, 1, 1), tags=["orphan"]),  # 19: too old
    )
    result = assess_data(data, AS_OF, params)
    amounts = {
        p: next(d for d in items if d.rule == "orphan").row["amount_fen"]
        for p, items in result.persons.items()
    }
    assert amounts == {1: 0, 2: 221000, 3: 192000, 4: 0}
    assert result.as_dict()["amounts"]["orphan_fen"] == 413000
