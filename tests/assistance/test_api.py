"""POST /api/assistance/assess: a household typed in gets amounts and reasons; bad input names the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from minsheng import policy
from minsheng.api.app import create_app
from minsheng.security import service as security
from minsheng.store.db import unit_of_work


@pytest.fixture
def client(sqlite_engine, params: policy.ParameterSet, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(policy.loader, "_default", lambda: params)  # the assistance files alone
    with unit_of_work() as session:
        _, secret = security.issue_token(
            session, name="试算", scopes=["assistance.read"], region_code="150100"
        )
    client = TestClient(create_app())
    client.headers["Authorization"] = f"Bearer {secret}"
    return client


def body(**changes: Any) -> dict[str, Any]:
    household = {
        "banner_code": "150102",
        "hukou": "urban",
        "dwellings": 1,
        "members": [
            {
                "relationship_to_head": "head",
                "birth_date": "1980-03-01",
                "incomes": {"wages": 150000, "transfer": 30000},
                "expenses": {"disability_rigid": 20000},
            },
            {"relationship_to_head": "spouse", "sex": "F", "birth_date": "1982-05-01"},
            {"relationship_to_head": "child", "birth_date": "2001-09-01"},
        ],
    }
    household.update(changes)
    return {"household": household, "as_of": "2023-06-01"}


def test_worked_example_over_http(client: TestClient) -> None:
    answer = client.post("/api/assistance/assess", json=body())
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["amounts"]["dibao_fen"] == 122000
    dibao = next(d for d in result["determinations"] if d["rule"] == "dibao")
    reason = next(r for r in dibao["reasons"] if r["check"] == "income_below_standard")
    assert reason["passed"] and "2,520.00" in reason["text_zh"]
    standard = next(p for p in reason["parameters"] if p["name"] == "dibao.standard")
    assert standard["value"] == 84000 and standard["effective_from"] == "2023-01-01"
    assert standard["source"]["document"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"banner_code": "150199"}, "household.banner_code"),
        ({"members": [{"relationship_to_head": "spouse", "birth_date": "1980-01-01"}]}, "household.members"),
        (
            {"members": [{"relationship_to_head": "head", "birth_date": "2030-01-01"}]},
            "household.members.0.birth_date",
        ),
        (
            {
                "members": [
                    {"relationship_to_head": "head", "birth_date": "1980-01-01", "incomes": {"wages": -5}}
                ]
            },
            "household.members.0.incomes.wages",
        ),
    ],
    ids=["unknown-banner", "no-head", "born-in-future", "negative-income"],
)
def test_bad_input_is_refused_naming_the_field(client: TestClient, changes: dict, field: str) -> None:
    answer = client.post("/api/assistance/assess", json=body(**changes))
    assert answer.status_code == 422, answer.text
    fields = [f["field"] for f in answer.json()["error"]["fields"]]
    assert field in fields, fields


def test_a_banner_outside_the_callers_scope_is_not_found(client: TestClient) -> None:
    answer = client.post("/api/assistance/assess", json=body(banner_code="150426"))
    assert answer.status_code == 404


def test_needs_a_login(sqlite_engine) -> None:
    assert TestClient(create_app()).post("/api/assistance/assess", json=body()).status_code == 401


def test_today_is_the_default_date(client: TestClient) -> None:
    payload = body()
    del payload["as_of"]
    answer = client.post("/api/assistance/assess", json=payload)
    assert answer.status_code == 200 and answer.json()["as_of"] == dt.date.today().isoformat()
