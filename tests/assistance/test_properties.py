"""Hypothesis properties of the 低保 determination, each example a small batch run in one go:
more income never raises the amount; eligible ⇒ amount > 0; amounts never negative; every failed
check has a reason that names it."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng import policy
from minsheng.assistance import rules as R
from minsheng.assistance.service import assess_tables, tables_from_household
from minsheng.engine import run_local_all

from .conftest import AS_OF

INCOME = ("wages", "business", "property", "transfer", "other", "assistance")
BANNERS = ("150102", "150426", "152921", "150603")

member = st.fixed_dictionaries(
    {
        "relationship_to_head": st.sampled_from(["spouse", "child", "parent"]),
        "birth_date": st.dates(dt.date(1925, 1, 1), AS_OF),
        "incomes": st.dictionaries(st.sampled_from(INCOME), st.integers(0, 400_000), max_size=3),
        "expenses": st.dictionaries(
            st.sampled_from(("disability_rigid", "illness_rigid", "maintenance_paid")),
            st.integers(0, 50_000),
            max_size=2,
        ),
        "serious_illness": st.booleans(),
        "death_date": st.none() | st.dates(dt.date(2022, 1, 1), dt.date(2024, 1, 1)),
    }
)
households = st.fixed_dictionaries(
    {
        "banner_code": st.sampled_from(BANNERS),
        "hukou": st.sampled_from(["urban", "rural"]),
        "financial_assets_fen": st.integers(0, 8_000_000),
        "vehicles": st.integers(0, 1),
        "vehicle_value_fen": st.integers(0, 5_000_000),
        "dwellings": st.integers(0, 2),
        "members": st.lists(member, min_size=0, max_size=4),
        "head_birth": st.dates(dt.date(1925, 1, 1), dt.date(2005, 1, 1)),
        "head_incomes": st.dictionaries(st.sampled_from(INCOME), st.integers(0, 400_000), max_size=3),
    }
)


def as_tables(items: list[dict]) -> dict[str, pa.Table]:
    households, members = [], []
    for index, item in enumerate(items, start=1):
        data = dict(item)
        head = {
            "relationship_to_head": "head",
            "birth_date": data.pop("head_birth"),
            "incomes": data.pop("head_incomes"),
        }
        data["members"] = [head, *data["members"]]
        for position, m in enumerate(data["members"]):
            m["person_id"] = index * 10 + position
        h, m = tables_from_household(data, household_id=index)
        households.append(h)
        members.append(m)
    return {"households": pa.concat_tables(households), "members": pa.concat_tables(members)}


def dibao_rows(tables: dict[str, pa.Table], params: policy.ParameterSet) -> list[dict]:
    return run_local_all(R.DIBAO, tables, AS_OF, params)["dibao"].to_pylist()


QUICK = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@QUICK
@given(
    items=st.lists(households, min_size=1, max_size=8),
    extra=st.lists(st.tuples(st.sampled_from(INCOME[:5]), st.integers(1, 300_000)), min_size=8, max_size=8),
)
def test_more_income_never_raises_the_amount(
    params: policy.ParameterSet, items: list[dict], extra: list
) -> None:
    richer = []
    for item, (category, amount) in zip(items, extra, strict=False):
        copy = {**item, "head_incomes": dict(item["head_incomes"])}
        copy["head_incomes"][category] = copy["head_incomes"].get(category, 0) + amount
        richer.append(copy)
    before = dibao_rows(as_tables(items), params)
    after = dibao_rows(as_tables(richer), params)
    for b, a in zip(before, after, strict=True):
        assert a["amount_fen"] <= b["amount_fen"], (b, a)


@QUICK
@given(items=st.lists(households, min_size=1, max_size=10))
def test_eligible_means_positive_and_amounts_are_never_negative(
    params: policy.ParameterSet, items: list[dict]
) -> None:
    for row in dibao_rows(as_tables(items), params):
        assert row["amount_fen"] >= 0 and row["gap_fen"] >= 0
        assert (row["amount_fen"] > 0) == row["eligible"]
        assert row["eligible"] == (
            row["data_complete"] and row["income_below_standard"] and row["assets_within_limits"]
        )


@QUICK
@given(items=st.lists(households, min_size=1, max_size=6))
def test_reasons_name_every_failing_check(params: policy.ParameterSet, items: list[dict]) -> None:
    tables = as_tables(items)
    for result in assess_tables(tables["households"], tables["members"], AS_OF, params):
        for determination in result.household:
            rule = R.BY_NAME[determination.rule]
            failed = {c.column for c in rule.checks if not determination.row[c.column]}
            named = {r.check for r in determination.reasons if not r.passed}
            assert failed == named
            for reason in determination.reasons:
                assert reason.text_zh and reason.text_en and "{" not in reason.text_zh + reason.text_en
            if determination.eligible is False:
                assert named, determination.row
