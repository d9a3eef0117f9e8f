"""Account and loan reads through the API: permissions, region scope, statements, loan positions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from minsheng import credit_code
from minsheng.api.app import create_app
from minsheng.api.deps import current_principal
from minsheng.housing_fund import service
from minsheng.registry.models import Person
from minsheng.security.principal import Principal
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

OFFICER = frozenset({"housing_fund.read", "housing_fund.write"})


def client_as(scope: str | None, permissions: frozenset[str] = OFFICER) -> TestClient:
    app = create_app()
    if scope is not None:
        principal = Principal(
            "user", 1, "hf-officer", "公积金经办员", "housing_fund_officer", permissions, RegionScope(scope)
        )
        app.dependency_overrides[current_principal] = lambda: principal
    return TestClient(app)


def _book(engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        person = Person(
            id_number_hash="h1",
            id_number_cipher=b"x",
            id_number_masked="150102********0011",
            name="职工",
            sex="F",
            birth_date=date(1988, 2, 1),
            hukou="urban",
            hukou_region="150102",
            residence_region="150102",
        )
        session.add(person)
        session.flush()
        person_id = person.id
    employer = service.register_employer(
        engine,
        credit_code_text=credit_code.make("9", "1", "150102", "MA0000009"),
        name="某公司",
        region_code="150102",
        employer_rate=Decimal("0.1"),
        employee_rate=Decimal("0.1"),
        opened_on=date(2020, 1, 1),
        actor="t",
    )
    account = service.open_account(
        engine,
        person_id=person_id,
        employer_id=employer,
        wage_fen=700_000,
        opened_on=date(2021, 1, 1),
        actor="t",
    )
    for month in service.months_between(date(2021, 1, 1), date(2022, 9, 1)):
        service.deposit_month(
            engine, employer_id=employer, month=month, posted_on=month.replace(day=10), actor="t"
        )
    loan = service.issue_loan(
        engine,
        account_id=account,
        principal_fen=20_000_000,
        months=120,
        method="equal_principal",
        home="first",
        issue_date=date(2022, 10, 15),
        monthly_income_fen=900_000,
        actor="t",
    )
    return account, loan


def test_reads_in_scope(engine: Engine) -> None:
    account, loan = _book(engine)
    client = client_as("150100")  # Hohhot's centre
    accounts = client.get("/api/housing-fund/accounts").json()
    assert [a["id"] for a in accounts] == [account] and accounts[0]["balance_fen"] == 21 * 140_000
    statement = client.get(f"/api/housing-fund/accounts/{account}/statement").json()
    assert len(statement["entries"]) == 21 and statement["entries"][-1]["balance_after_fen"] == 21 * 140_000
    detail = client.get(f"/api/housing-fund/loans/{loan}", params={"as_of": "2023-01-20"}).json()
    assert Decimal(detail["loan"]["rate_at_issue"]) == Decimal("0.031")
    assert [p["status"] for p in detail["positions"]] == ["overdue", "overdue", "overdue"]
    assert detail["overdue_count"] == 3 and detail["penalty_fen"] > 0
    assert len(detail["schedule"]) == 120
    board = client.get("/api/housing-fund/dashboard", params={"as_of": "2023-01-20"}).json()
    assert board[0]["centre_code"] == "150100" and board[0]["overdue_loans"] == 1 and board[0]["loans"] == 1


def test_repayment_deferral_through_the_api_clears_overdue(engine: Engine) -> None:
    _, loan = _book(engine)
    client = client_as("150102")
    answer = client.post(
        f"/api/housing-fund/loans/{loan}/repayment-deferrals",
        json={
            "first_day": "2022-11-01",
            "last_day": "2023-01-31",
            "reason": "疫情",
            "approved_on": "2022-11-01",
        },
    )
    assert answer.status_code == 200, answer.text
    detail = client.get(f"/api/housing-fund/loans/{loan}", params={"as_of": "2023-01-20"}).json()
    assert {p["status"] for p in detail["positions"]} == {"deferred"}
    assert detail["overdue_count"] == 0 and detail["penalty_fen"] == 0
    board = client.get("/api/housing-fund/dashboard", params={"as_of": "2023-01-20"}).json()
    assert board[0]["overdue_loans"] == 0


def test_scope_permissions_and_login(engine: Engine) -> None:
    account, loan = _book(engine)
    elsewhere = client_as("150200")  # Baotou sees nothing of Hohhot
    assert elsewhere.get("/api/housing-fund/accounts").json() == []
    assert elsewhere.get(f"/api/housing-fund/accounts/{account}/statement").status_code == 404
    assert elsewhere.get(f"/api/housing-fund/loans/{loan}").status_code == 404
    assert elsewhere.get("/api/housing-fund/accounts", params={"region": "150102"}).status_code == 404
    reader = client_as("150000", frozenset({"registry.read"}))
    assert reader.get("/api/housing-fund/accounts").status_code == 403
    anonymous = client_as(None)
    assert anonymous.get("/api/housing-fund/accounts").status_code == 401
    quote = anonymous.post(
        "/api/housing-fund/loans/quote", json={"amount": "100000", "term_years": 10, "rate_percent": "3.1"}
    )
    assert quote.status_code == 200  # the calculator is open to everyone


def test_withdrawal_through_the_api(engine: Engine) -> None:
    account, _ = _book(engine)
    client = client_as("150102")
    answer = client.post(
        "/api/housing-fund/withdrawals",
        json={
            "account_id": account,
            "trigger": "rent",
            "applied_on": "2022-11-01",
            "evidence": {"monthly_rent_fen": 120_000, "months": 3},
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "approved" and answer.json()["approved_fen"] == 360_000
    bad = client.post(
        "/api/housing-fund/withdrawals",
        json={"account_id": account, "trigger": "lottery", "applied_on": "2022-11-01"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "trigger"


def test_deferral_applications_through_the_api(engine: Engine) -> None:
    account, _ = _book(engine)
    with unit_of_work(engine) as session:
        from minsheng.housing_fund.models import Account

        employer_id = session.get(Account, account).employer_id
    client = client_as("150100")
    payload = {
        "employer_id": employer_id,
        "first_month": "2022-10-01",
        "last_month": "2022-12-01",
        "reason": "受疫情影响",
        "staff_approval": "工会决议",
        "applied_on": "2022-09-25",
    }
    assert client_as("150200").post("/api/housing-fund/deferrals", json=payload).status_code == 404
    created = client.post("/api/housing-fund/deferrals", json=payload)
    assert created.status_code == 200, created.text
    deferral = created.json()["id"]
    rejected = client.post(
        f"/api/housing-fund/deferrals/{deferral}/decision",
        json={"approve": False, "decided_on": "2022-09-28"},
    )
    assert rejected.status_code == 422 and rejected.json()["error"]["fields"][0]["field"] == "note"
    approved = client.post(
        f"/api/housing-fund/deferrals/{deferral}/decision", json={"approve": True, "decided_on": "2022-09-28"}
    )
    assert approved.json()["status"] == "approved"
    listed = client.get("/api/housing-fund/deferrals").json()
    assert [(d["id"], d["status"]) for d in listed] == [(deferral, "approved")]
    too_long = client.post("/api/housing-fund/deferrals", json=payload | {"last_month": "2024-12-01"})
    assert too_long.status_code == 422 and too_long.json()["error"]["fields"][0]["field"] == "last_month"


def test_days_without_parameters_are_named(engine: Engine) -> None:
    account, loan = _book(engine)
    client = client_as("150102")
    old = client.get(f"/api/housing-fund/loans/{loan}", params={"as_of": "1990-01-01"})
    assert old.status_code == 422 and old.json()["error"]["fields"][0]["field"] == "as_of"
    answer = client.post(
        "/api/housing-fund/withdrawals",
        json={"account_id": account, "trigger": "rent", "applied_on": "1990-01-01"},
    )
    assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"] == "applied_on"


def test_cli_statement(engine: Engine) -> None:
    import json

    from typer.testing import CliRunner

    from minsheng.cli import app

    account, _ = _book(engine)
    result = CliRunner().invoke(app, ["housing-fund", "statement", str(account), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["entries"]) == 21
    shown = CliRunner().invoke(app, ["housing-fund", "statement", str(account)])
    assert "汇缴" in shown.output and "2,800.00" in shown.output
    missing = CliRunner().invoke(app, ["housing-fund", "statement", "999999"])
    assert missing.exit_code == 1
