"""The residents' pension rule on worked examples, boundaries and properties (no database)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng import policy
from minsheng.engine import run_local
from minsheng.insurance import rules

BANNER = "150821"


def _run(persons: list[dict], contributions: list[dict], as_of: dt.date) -> list[dict]:
    table = rules.run(
        rules.RESIDENT_PENSION,
        {
            "persons": pa.Table.from_pylist(persons, schema=rules.PERSONS),
            "contributions": pa.Table.from_pylist(contributions, schema=rules.CONTRIBUTIONS),
        },
        as_of,
    )
    return table.to_pylist()


def _person(person_id: int, birth: dt.date, hukou: str = "rural", death: dt.date | None = None) -> dict:
    return {
        "person_id": person_id,
        "banner_code": BANNER,
        "hukou": hukou,
        "birth_date": birth,
        "death_date": death,
    }


def _years(
    person_id: int, years, credit_fen: int = 33_000, scheme: str = "resident_pension", months: int = 12
):
    return [
        {
            "person_id": person_id,
            "year": y,
            "scheme": scheme,
            "status": "contributing",
            "months_paid": months,
            "account_credit_fen": credit_fen if scheme == "resident_pension" else 0,
        }
        for y in years
    ]


def test_the_seed_farmer_worked_example_to_the_fen():
    # born 1963-09-12, 15 years × (300 + 30) yuan = 4 950 yuan in the account
    [row] = _run([_person(1, dt.date(1963, 9, 12))], _years(1, range(2009, 2024)), dt.date(2023, 10, 1))
    assert row["start_month"] == dt.date(2023, 10, 1)  # 次月: the month after turning 60
    assert row["contribution_years"] == 15 and row["required_years"] == 15
    assert row["account_balance_fen"] == 495_000
    assert row["account_pension_fen"] == 3_561  # 495 000 ÷ 139 = 3 561.15… → 3 561
    assert row["basic_national_fen"] == 10_300 and row["basic_topup_fen"] == 0
    assert row["monthly_pension_fen"] == 13_861
    assert row["eligible"] and row["starts_this_month"]


def test_not_yet_in_the_month_of_the_birthday_and_paid_the_month_after():
    persons, paid = [_person(1, dt.date(1963, 9, 30))], _years(1, range(2009, 2024))
    [september] = _run(persons, paid, dt.date(2023, 9, 1))
    assert (
        not september["reached_age"] and not september["eligible"] and september["monthly_pension_fen"] == 0
    )
    [november] = _run(persons, paid, dt.date(2023, 11, 1))
    assert november["eligible"] and not november["starts_this_month"]  # started in October


def test_twelve_years_are_offered_three_years_of_arrears():
    [row] = _run([_person(1, dt.date(1963, 9, 1))], _years(1, range(2012, 2024)), dt.date(2023, 10, 1))
    assert row["reached_age"] and not row["enough_years"] and not row["eligible"]
    assert row["arrears_years"] == 3
    assert row["arrears_fen"] == 3 * row["arrears_per_year_fen"] == 60_000
    reasons = {r["check"]: r for r in rules.explain(rules.RESIDENT_PENSION, row, dt.date(2023, 10, 1))}
    assert "可补缴 3 年" in reasons["enough_years"]["text_zh"]
    assert reasons["enough_years"]["parameters"][0]["source"]["document"].startswith("国务院")


def test_sixty_at_launch_draws_the_basic_pension_without_contributions():
    rows = _run(
        [_person(1, dt.date(1949, 10, 1)), _person(2, dt.date(1949, 10, 2))], [], dt.date(2023, 10, 1)
    )
    launch_60, one_day_short = rows
    assert (
        launch_60["aged_at_launch"] and launch_60["eligible"] and launch_60["monthly_pension_fen"] == 10_300
    )
    assert launch_60["start_month"] == dt.date(2009, 11, 1)  # 60 in October 2009: from November
    [older] = _run([_person(3, dt.date(1940, 1, 1))], [], dt.date(2023, 10, 1))
    assert older["start_month"] == dt.date(2009, 10, 1)  # never before the scheme started
    assert not one_day_short["aged_at_launch"] and one_day_short["arrears_years"] == 15


def test_employee_months_count_and_an_employee_pensioner_is_refused():
    # 10 resident years + 60 employee months (5 years) = 15 years (制度衔接)
    transferred = _years(1, range(2013, 2023)) + _years(1, range(2005, 2010), scheme="employee_pension")
    entitled = _years(2, range(2000, 2016), scheme="employee_pension")
    rows = _run(
        [_person(1, dt.date(1963, 9, 5)), _person(2, dt.date(1963, 9, 5))],
        transferred + entitled,
        dt.date(2023, 10, 1),
    )
    assert rows[0]["contribution_years"] == 15 and rows[0]["eligible"]
    assert not rows[1]["no_employee_pension"] and not rows[1]["eligible"]


def test_the_2024_and_2025_minimums_and_the_dead():
    persons = [_person(1, dt.date(1950, 1, 1)), _person(2, dt.date(1950, 1, 1), death=dt.date(2024, 5, 3))]
    paid = _years(1, range(2010, 2025)) + _years(2, range(2010, 2025))
    assert [r["basic_national_fen"] for r in _run(persons, paid, dt.date(2024, 6, 1))] == [12_300, 12_300]
    alive, dead = _run(persons, paid, dt.date(2025, 6, 1))
    assert alive["basic_national_fen"] == 14_300 and alive["eligible"]
    assert not dead["alive"] and dead["monthly_pension_fen"] == 0


@pytest.mark.parametrize(
    ("balance", "expected"),
    [(139 * 100, 100), (139 * 100 + 69, 100), (139 * 100 + 70, 101), (0, 0), (1_000_000, 7_194)],
)
def test_account_pension_rounds_half_up(balance, expected):
    paid = [
        {**_years(1, [2023])[0], "account_credit_fen": balance},
        *_years(1, range(2008, 2022), credit_fen=0),
    ]
    [row] = _run([_person(1, dt.date(1950, 1, 1))], paid, dt.date(2024, 1, 1))
    assert row["account_pension_fen"] == expected


def test_a_scenario_offset_of_zero_starts_in_the_birthday_month(tmp_path):
    overlay = tmp_path / "same_month.yaml"
    overlay.write_text(
        "parameters:\n  insurance.resident_pension.start_month_offset:\n    values:\n"
        "      - {effective_from: 2014-02-21, value: 0}\n",
        encoding="utf-8",
    )
    tables = {
        "persons": pa.Table.from_pylist([_person(1, dt.date(1963, 9, 12))], schema=rules.PERSONS),
        "contributions": pa.Table.from_pylist(_years(1, range(2009, 2024)), schema=rules.CONTRIBUTIONS),
    }
    [row] = run_local(rules.RESIDENT_PENSION, tables, dt.date(2023, 9, 1), policy.load(overlay)).to_pylist()
    assert row["start_month"] == dt.date(2023, 9, 1) and row["starts_this_month"]


@settings(max_examples=8, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 20), st.integers(0, 500_000), st.dates(dt.date(1940, 1, 1), dt.date(1975, 12, 31))
        ),
        min_size=1,
        max_size=30,
    )
)
def test_properties(cases):
    # person 2k pays `years`, person 2k+1 the same and one year more: one run for the whole batch
    persons, paid = [], []
    for k, (years, credit, birth) in enumerate(cases):
        persons += [_person(2 * k, birth), _person(2 * k + 1, birth)]
        paid += _years(2 * k, range(2024 - years, 2024), credit_fen=credit)
        paid += _years(2 * k + 1, range(2024 - years - 1, 2024), credit_fen=credit)
    rows = _run(persons, paid, dt.date(2025, 1, 1))
    assert [r["person_id"] for r in rows] == list(range(len(persons)))  # every person, once
    for row in rows:
        # the parts always add up, and the amount is zero exactly when not eligible
        parts = row["basic_national_fen"] + row["basic_topup_fen"] + row["account_pension_fen"]
        assert row["monthly_pension_fen"] == (parts if row["eligible"] else 0)
        # arrears close exactly the gap to the requirement
        assert row["contribution_years"] + row["arrears_years"] >= row["required_years"]
        # the account part is balance / 139 within half a fen
        assert abs(row["account_pension_fen"] * 139 - row["account_balance_fen"]) <= 139 // 2 + 1
    for fewer, more in zip(rows[0::2], rows[1::2], strict=True):
        # one more year of contributions never lowers the pension
        assert more["monthly_pension_fen"] >= fewer["monthly_pension_fen"]


def test_the_rule_transpiles_to_spark_sql():
    assert "MAKE_DATE" in rules.RESIDENT_PENSION.spark_sql.upper()
