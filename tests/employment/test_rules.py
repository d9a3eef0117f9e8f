"""The employment rules on their own: worked examples to the fen, boundaries and properties."""

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.employment import rules
from minsheng.employment.rules import explain

AS_OF = date(2024, 3, 1)


def refund(**employer):
    row = {
        "employer_id": 1,
        "banner_code": "150426",
        "enterprise_type": "enterprise",
        "declared_size": None,
        "contributions_fen": 3_000_000,
        "months_paid": 12,
        "insured_at_start": 100,
        "insured_at_end": 100,
        "average_insured": 100,
    } | employer
    table = pa.Table.from_pylist([row], schema=_employer_schema())
    result = rules.run(rules.RETENTION_REFUND, {"employers": table}, employer.pop("as_of", AS_OF))
    return result.to_pylist()[0]


def _employer_schema():
    return pa.schema(
        [
            ("employer_id", pa.int64()),
            ("banner_code", pa.string()),
            ("enterprise_type", pa.string()),
            ("declared_size", pa.string()),
            ("contributions_fen", pa.int64()),
            ("months_paid", pa.int32()),
            ("insured_at_start", pa.int32()),
            ("insured_at_end", pa.int32()),
            ("average_insured", pa.int32()),
        ]
    )


def test_sme_that_paid_30000_gets_18000():
    row = refund()
    assert row["size"] == "sme" and row["eligible"] and row["refund_fen"] == 1_800_000


def test_large_firm_gets_30_percent():
    row = refund(average_insured=400, insured_at_start=400, insured_at_end=400)
    assert row["size"] == "large" and row["refund_fen"] == 900_000


def test_2022_temporary_rates():
    table = pa.Table.from_pylist(
        [
            {
                "employer_id": 1,
                "banner_code": "150426",
                "enterprise_type": "enterprise",
                "declared_size": "sme",
                "contributions_fen": 3_000_000,
                "months_paid": 12,
                "insured_at_start": 100,
                "insured_at_end": 100,
                "average_insured": 100,
            }
        ],
        schema=_employer_schema(),
    )
    row = rules.run(rules.RETENTION_REFUND, {"employers": table}, date(2022, 6, 1)).to_pylist()[0]
    assert row["refund_fen"] == 2_700_000


def test_layoff_over_the_limit_is_refused_with_the_reason():
    row = refund(insured_at_start=100, insured_at_end=94, average_insured=97)  # 6 % > 5.5 %
    assert not row["eligible"] and row["refund_fen"] == 0
    failed = [r for r in explain(rules.RETENTION_REFUND, row, AS_OF) if not r["passed"]]
    assert [r["check"] for r in failed] == ["layoff_ok"]
    assert (
        "6%" in failed[0]["text_zh"] and "5.5%" in failed[0]["text_zh"] and "exceeds" in failed[0]["text_en"]
    )
    cited = failed[0]["parameters"][0]
    assert cited["name"] == "employment.retention_refund.layoff_rate_limit" and cited["status"] == "confirmed"


def test_layoff_exactly_at_the_limit_passes():
    assert refund(insured_at_start=1000, insured_at_end=945, average_insured=970)["layoff_ok"]
    assert not refund(insured_at_start=1000, insured_at_end=944, average_insured=970)["layoff_ok"]


def test_small_firms_may_lose_up_to_20_percent():
    assert refund(insured_at_start=30, insured_at_end=24, average_insured=30)["eligible"]  # 20 %
    assert not refund(insured_at_start=30, insured_at_end=23, average_insured=30)["eligible"]
    assert not refund(insured_at_start=31, insured_at_end=25, average_insured=31)[
        "eligible"
    ]  # 19 %, but 31 staff


def test_fewer_than_12_months_refused():
    row = refund(months_paid=11)
    assert not row["eligible"]
    assert any("11" in r["text_zh"] and not r["passed"] for r in explain(rules.RETENTION_REFUND, row, AS_OF))


def test_social_groups_count_as_sme_and_rounding_is_half_up():
    row = refund(
        enterprise_type="social_group",
        average_insured=500,
        insured_at_start=500,
        insured_at_end=500,
        contributions_fen=1001,
    )
    assert row["size"] == "sme" and row["refund_fen"] == 601  # 600.6 → 601


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_more_contributions_never_lower_the_refund(a, b):
    low, high = sorted((a, b))
    assert refund(contributions_fen=low)["refund_fen"] <= refund(contributions_fen=high)["refund_fen"]


def work_relief(central_fen, payroll, as_of=date(2024, 9, 1), closes_on=date(2024, 12, 31)):
    projects = pa.Table.from_pylist(
        [
            {
                "project_id": 1,
                "banner_code": "150426",
                "central_funds_fen": central_fen,
                "starts_on": date(2024, 3, 1),
                "closes_on": closes_on,
            }
        ]
    )
    payroll_table = pa.Table.from_pylist(
        payroll,
        schema=pa.schema(
            [
                ("project_id", pa.int64()),
                ("worker_id", pa.int64()),
                ("wage_fen", pa.int64()),
                ("paid_fen", pa.int64()),
                ("due_on", pa.date32()),
            ]
        ),
    )
    inputs = {"projects": projects, "payroll": payroll_table}
    return rules.run(rules.WORK_RELIEF, inputs, as_of).to_pylist()[0]


def test_work_relief_below_30_percent_is_flagged_with_the_shortfall():
    # 5 million yuan central → 1.5 million due; 1.2 million paid → 300 000 short
    row = work_relief(
        500_000_000,
        [
            {
                "project_id": 1,
                "worker_id": w,
                "wage_fen": 12_000_000,
                "paid_fen": 12_000_000,
                "due_on": date(2024, 8, 15),
            }
            for w in range(10)
        ],
    )
    assert row["required_fen"] == 150_000_000 and row["paid_fen"] == 120_000_000
    assert not row["share_ok"] and row["shortfall_fen"] == 30_000_000 and row["share_status"] == "in_progress"
    reason = next(r for r in explain(rules.WORK_RELIEF, row, date(2024, 9, 1)) if r["check"] == "share_ok")
    assert "300,000.00" in reason["text_zh"] and "24%" in reason["text_en"] and "30%" in reason["text_en"]


def test_work_relief_warning_before_close_and_failed_after():
    payroll = [
        {"project_id": 1, "worker_id": 1, "wage_fen": 100, "paid_fen": 100, "due_on": date(2024, 8, 1)}
    ]
    assert work_relief(1_000_000, payroll, as_of=date(2024, 11, 15))["share_status"] == "warning"
    assert work_relief(1_000_000, payroll, as_of=date(2025, 1, 2))["share_status"] == "failed"
    met = [
        {
            "project_id": 1,
            "worker_id": 1,
            "wage_fen": 300_000,
            "paid_fen": 300_000,
            "due_on": date(2024, 8, 1),
        }
    ]
    row = work_relief(1_000_000, met)
    assert row["share_ok"] and row["shortfall_fen"] == 0 and row["share_status"] == "met"


def test_wage_arrears_flagged_only_past_due():
    row = work_relief(
        1_000_000,
        [
            {
                "project_id": 1,
                "worker_id": 1,
                "wage_fen": 50_000,
                "paid_fen": 20_000,
                "due_on": date(2024, 8, 31),
            },
            {"project_id": 1, "worker_id": 2, "wage_fen": 50_000, "paid_fen": 0, "due_on": date(2024, 9, 15)},
        ],
    )
    assert row["arrears_fen"] == 30_000 and row["workers_in_arrears"] == 1 and not row["arrears_ok"]


def test_project_without_payroll_has_everything_short():
    row = work_relief(1_000_001, [])
    assert row["paid_fen"] == 0 and row["required_fen"] == 300_000 and row["shortfall_fen"] == 300_000


def benefit(years, carried=0, involuntary=True, registered=True):
    table = pa.Table.from_pylist(
        [
            {
                "person_id": 1,
                "banner_code": "150426",
                "contribution_years": years,
                "carried_over_months": carried,
                "involuntary": involuntary,
                "registered": registered,
            }
        ],
        schema=pa.schema(
            [
                ("person_id", pa.int64()),
                ("banner_code", pa.string()),
                ("contribution_years", pa.float64()),
                ("carried_over_months", pa.int32()),
                ("involuntary", pa.bool_()),
                ("registered", pa.bool_()),
            ]
        ),
    )
    return rules.run(rules.UNEMPLOYMENT_BENEFIT, {"claimants": table}, AS_OF).to_pylist()[0]


@pytest.mark.parametrize(
    ("years", "months"), [(0.9, 0), (1, 12), (4.99, 12), (5, 18), (9.5, 18), (10, 24), (30, 24)]
)
def test_benefit_duration_by_contribution_years(years, months):
    assert benefit(years)["entitled_months"] == months


def test_benefit_amount_between_floor_and_minimum_wage_and_carry_over_capped():
    row = benefit(6, carried=10)
    assert row["entitled_months"] == 24  # 18 + 10 capped at 24
    assert row["floor_fen"] <= row["monthly_fen"] <= row["minimum_wage_fen"]
    assert row["monthly_fen"] == 178_200  # 90 % of 1 980 yuan
    assert not benefit(3, involuntary=False)["eligible"]
