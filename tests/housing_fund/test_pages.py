"""Housing-fund pages for a logged-in fund officer: dashboard, accounts, account, loan, deferral decisions."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from functools import cache

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from minsheng import credit_code
from minsheng.api.app import create_app
from minsheng.housing_fund import service
from minsheng.registry.models import Person
from minsheng.security import passwords
from minsheng.security import service as security
from minsheng.store.db import unit_of_work
from minsheng.web.i18n import LANGUAGE_COOKIE

PASSWORD = "hf-page-test-1"
_cached_hash = cache(passwords.hash_password)


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch):
    """One argon2 hash for the run: the pages, not the hashing, are under test."""
    monkeypatch.setattr(passwords, "hash_password", _cached_hash)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _log_in(app, login: str) -> TestClient:
    client = TestClient(app)
    token = _csrf(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def centre(sqlite_engine: Engine) -> dict:
    engine = sqlite_engine
    with unit_of_work(engine) as session:
        security.create_user(
            session, login="hf_hohhot", password=PASSWORD, role="housing_fund_officer", region_code="150100"
        )
        security.create_user(
            session, login="hf_baotou", password=PASSWORD, role="housing_fund_officer", region_code="150200"
        )
        person = Person(
            id_number_hash="hp",
            id_number_cipher=b"x",
            id_number_masked="150102********0022",
            name="乌云",
            sex="F",
            birth_date=date(1990, 4, 1),
            hukou="urban",
            hukou_region="150102",
            residence_region="150102",
        )
        session.add(person)
        session.flush()
        person_id = person.id
    employer = service.register_employer(
        engine,
        credit_code_text=credit_code.make("9", "1", "150102", "MA0000077"),
        name="呼和浩特某乳业公司",
        region_code="150102",
        employer_rate=Decimal("0.12"),
        employee_rate=Decimal("0.12"),
        opened_on=date(2020, 1, 1),
        actor="t",
    )
    account = service.open_account(
        engine,
        person_id=person_id,
        employer_id=employer,
        wage_fen=900_000,
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
        principal_fen=30_000_000,
        months=240,
        method="equal_instalment",
        home="first",
        issue_date=date(2022, 6, 1),
        monthly_income_fen=1_200_000,
        actor="t",
    )
    deferral = service.apply_deferral(
        engine,
        employer_id=employer,
        first_month=date(2022, 10, 1),
        last_month=date(2022, 12, 1),
        reason="受疫情影响经营困难",
        staff_approval="职代会决议",
        applied_on=date(2022, 9, 20),
        actor="t",
    )
    return {"app": create_app(), "account": account, "loan": loan, "deferral": deferral}


def test_officer_pages(centre: dict) -> None:
    client = _log_in(centre["app"], "hf_hohhot")
    home = client.get("/", follow_redirects=True)
    assert "/housing-fund" in home.text  # the nav shows the domain to a fund officer
    board = client.get("/housing-fund", params={"as_of": "2023-01-20"})
    assert board.status_code == 200 and "呼和浩特市" in board.text and 'id="chart-centres"' in board.text
    accounts = client.get("/housing-fund/accounts")
    assert "乌云" in accounts.text and "150102********0022" in accounts.text
    page = client.get(f"/housing-fund/accounts/{centre['account']}")
    assert page.status_code == 200 and "4,320.00" in page.text  # the balance after two months of 2 × 1 080
    assert "汇缴" in page.text and "呼和浩特某乳业公司" in page.text
    loan = client.get(f"/housing-fund/loans/{centre['loan']}", params={"as_of": "2023-02-01"})
    assert loan.status_code == 200
    assert "3.25%" in loan.text and "3.1%" in loan.text  # repriced on 1 January 2023
    assert 'id="chart-loan"' in loan.text
    chart = json.loads(
        re.search(r'<script type="application/json" id="housing-fund-loan">(.*?)</script>', loan.text).group(
            1
        )
    )
    assert chart["years"][0] == "2022" and round(sum(chart["principal"]) * 100) == 30_000_000
    assert client.get("/housing-fund/static/charts.js").status_code == 200
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.get(f"/housing-fund/loans/{centre['loan']}", params={"as_of": "2023-02-01"})
    assert "Repayment schedule" in english.text and "repriced each 1 January" in english.text


def test_deferral_decision_form(centre: dict) -> None:
    client = _log_in(centre["app"], "hf_hohhot")
    page = client.get("/housing-fund/deferrals")
    assert "受疫情影响经营困难" in page.text and "待审核" in page.text
    token = _csrf(page.text)
    refused = client.post(
        f"/housing-fund/deferrals/{centre['deferral']}/decision",
        data={"csrf_token": "wrong", "decision": "approve"},
    )
    assert refused.status_code == 403
    answer = client.post(
        f"/housing-fund/deferrals/{centre['deferral']}/decision",
        data={"csrf_token": token, "decision": "approve"},
        follow_redirects=True,
    )
    assert answer.status_code == 200 and "已批准" in answer.text


def test_other_centre_sees_nothing(centre: dict) -> None:
    client = _log_in(centre["app"], "hf_baotou")
    assert client.get(f"/housing-fund/accounts/{centre['account']}").status_code == 404
    assert client.get(f"/housing-fund/loans/{centre['loan']}").status_code == 404
    assert "乌云" not in client.get("/housing-fund/accounts").text
    assert "受疫情" not in client.get("/housing-fund/deferrals").text
    token = _csrf(client.get("/housing-fund/deferrals").text)
    assert (
        client.post(
            f"/housing-fund/deferrals/{centre['deferral']}/decision",
            data={"csrf_token": token, "decision": "approve"},
        ).status_code
        == 404
    )
