"""POST /api/housing-fund/loans/quote, the CLI schedule, and the rate table's repricing rule."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from minsheng.api import errors
from minsheng.housing_fund import parameters
from minsheng.housing_fund.api import router
from minsheng.housing_fund.quote import quote
from minsheng.housing_fund.rates import RateRow, RateTable
from minsheng.housing_fund.schedule import ScheduleError


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()  # the router alone: the quote needs no database and no login
    errors.install(app)
    app.include_router(router, prefix="/api")
    return TestClient(app)


def test_quote_at_a_named_rate(client: TestClient) -> None:
    answer = client.post(
        "/api/housing-fund/loans/quote", json={"amount": "500000", "term_years": 30, "rate_percent": "2.6"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["rate"] == "0.026" and body["rate_source"] is None
    instalment = body["methods"]["equal_instalment"]
    assert instalment["first_payment_fen"] == 200_170 and instalment["total_interest_fen"] == 22_061_148
    principal = body["methods"]["equal_principal"]
    assert (principal["first_payment_fen"], principal["second_payment_fen"]) == (247_222, 246_921)
    assert principal["last_payment_fen"] == 139_190 and principal["total_interest_fen"] == 19_554_167
    assert len(principal["schedule"]) == 360


def test_quote_by_issue_date_uses_the_rate_table_with_its_source(client: TestClient) -> None:
    answer = client.post(
        "/api/housing-fund/loans/quote",
        json={"amount": "500000", "term_years": 30, "issue_date": "2022-10-15", "method": "equal_instalment"},
    )
    body = answer.json()
    assert body["rate"] == "0.031"
    assert body["rate_source"]["effective_from"] == "2022-10-01"
    assert "中国人民银行" in body["rate_source"]["issuer"]
    assert body["methods"]["equal_instalment"]["first_payment_fen"] == 213_508
    assert list(body["methods"]) == ["equal_instalment"]


def test_short_second_home_loan_takes_its_band(client: TestClient) -> None:
    answer = client.post(
        "/api/housing-fund/loans/quote",
        json={
            "amount": "100000",
            "term_years": 5,
            "home": "second",
            "issue_date": "2024-06-01",
            "include_schedule": False,
        },
    )
    body = answer.json()
    assert body["rate"] == "0.02775"  # second home, up to 5 years, from 2024-05-18
    assert body["rate_source"]["term_band"] == "up_to_5_years"
    assert "schedule" not in body["methods"]["equal_principal"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "-500000", "term_years": 30, "rate_percent": "3.1"}, "amount"),
        ({"amount": "0", "term_years": 30, "rate_percent": "3.1"}, "amount"),
        ({"amount": "500000", "term_years": -1, "rate_percent": "3.1"}, "term_years"),
        ({"amount": "500000", "rate_percent": "3.1"}, "term_years"),
        ({"amount": "500000", "term_years": 30, "rate_percent": "-1"}, "rate_percent"),
        ({"amount": "500000", "term_years": 30}, "rate_percent"),
        ({"amount": "500000", "term_years": 30, "issue_date": "2010-01-01"}, "issue_date"),
        ({"amount": "500000", "term_years": 30, "rate_percent": "3.1", "home": "third"}, "home"),
        ({"amount": "500000", "term_years": 31, "rate_percent": "3.1"}, "term_years"),
        ({"amount": "500000", "term_months": 100000, "rate_percent": "3.1"}, "term_months"),
    ],
)
def test_bad_input_names_the_field(client: TestClient, payload: dict, field: str) -> None:
    answer = client.post("/api/housing-fund/loans/quote", json=payload)
    assert answer.status_code == 422
    fields = answer.json()["error"]["fields"]
    assert [f["field"] for f in fields] == [field]
    assert fields[0]["message_zh"] and fields[0]["message_en"]


def test_loan_issued_2022_06_01_is_repriced_on_2023_01_01() -> None:
    result = quote(50_000_000, 360, home="first", issue_date=date(2022, 6, 1))
    assert result.rate == Decimal("0.0325")
    schedule = result.schedules["equal_instalment"]
    by_due = {i.due_date: i for i in schedule.instalments}
    assert by_due[date(2022, 12, 1)].annual_rate == Decimal("0.0325")
    assert by_due[date(2023, 1, 1)].annual_rate == Decimal("0.031")
    assert by_due[date(2023, 1, 1)].payment_fen < by_due[date(2022, 12, 1)].payment_fen
    # Every 2022 instalment follows the 3.25 % schedule, every 2023 one the 3.1 % re-amortisation.
    first = by_due[date(2022, 7, 1)].payment_fen
    assert all(i.payment_fen == first for i in schedule.instalments if i.due_date.year == 2022)
    assert len({i.payment_fen for i in schedule.instalments if i.due_date.year in (2023, 2024)}) == 1
    assert by_due[date(2025, 1, 1)].annual_rate == Decimal("0.0285")  # after the 2024-05-18 cut
    assert by_due[date(2026, 1, 1)].annual_rate == Decimal("0.026")  # after the 2025-05-08 cut
    assert sum(i.principal_fen for i in schedule.instalments) == 50_000_000


def test_loan_issued_2022_10_15_starts_at_the_new_rate() -> None:
    result = quote(50_000_000, 360, home="first", issue_date=date(2022, 10, 15))
    schedule = result.schedules["equal_instalment"]
    assert result.rate == Decimal("0.031") and schedule.instalments[0].annual_rate == Decimal("0.031")
    assert schedule.first_payment_fen == 213_508


def test_second_home_rate_was_not_changed_in_2022() -> None:
    table = parameters.rate_table()
    before = table.rate_on(date(2022, 9, 30), "second", "over_5_years").rate
    after = table.rate_on(date(2022, 10, 1), "second", "over_5_years").rate
    assert before == after == Decimal("0.03575")


def test_overlapping_rate_table_is_refused_naming_the_row() -> None:
    source = {"document": "test"}
    rows = [
        RateRow(date(2022, 10, 1), date(2024, 5, 18), "first", "over_5_years", Decimal("0.031"), source),
        RateRow(date(2024, 1, 1), None, "first", "over_5_years", Decimal("0.0285"), source),
    ]
    with pytest.raises(ScheduleError) as raised:
        RateTable(rows)
    assert raised.value.rule == "overlap"
    assert raised.value.field == "housing_fund.loan_rate[first,over_5_years,2024-01-01].effective_from"
    open_ended = [rows[1], RateRow(date(2025, 1, 1), None, "first", "over_5_years", Decimal("0.026"), source)]
    with pytest.raises(ScheduleError):
        RateTable(open_ended)


def test_cli_schedule_prints_totals_and_writes_json_and_excel(tmp_path) -> None:
    from minsheng.cli import app

    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "housing-fund",
            "schedule",
            "--principal",
            "500000",
            "--years",
            "30",
            "--rate",
            "2.6",
            "--method",
            "equal-principal",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2,472.22" in result.output and "1,391.90" in result.output and "195,541.67" in result.output
    out = tmp_path / "schedule.xlsx"
    result = runner.invoke(
        app,
        [
            "housing-fund",
            "schedule",
            "--principal",
            "500000",
            "--years",
            "30",
            "--rate",
            "2.6",
            "--json",
            "--xlsx",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["methods"]["equal_instalment"]["first_payment_fen"] == 200_170
    sheet = load_workbook(out).active
    assert sheet.cell(2, 5).value == pytest.approx(2001.70)
    assert sheet.cell(362, 7).value == pytest.approx(220611.48)
    bad = runner.invoke(
        app, ["housing-fund", "schedule", "--principal", "-1", "--years", "30", "--rate", "3.1"]
    )
    assert bad.exit_code == 2 and "principal" in bad.output
