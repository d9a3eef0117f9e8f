"""Monitoring pages and API through the browser's forms and a partner's token (SQLite only)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from minsheng import idcard
from minsheng.api.app import create_app
from minsheng.monitoring import service
from minsheng.security import service as security
from minsheng.store.db import unit_of_work

from .conftest import BANNER, PASSWORD, caseworker, household, person


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(login: str) -> TestClient:
    client = TestClient(create_app())
    answer = client.post(
        "/login",
        data={
            "login": login,
            "password": PASSWORD,
            "csrf_token": _csrf(client.get("/login").text),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def setting(sqlite_engine):
    today = date.today()
    with unit_of_work() as session:
        login = caseworker(session)
        patient = person("head", date(1980, 1, 1), wages_yuan=2000)
        home = household(session, patient, person("spouse", date(1982, 1, 1), sex="F"))
        household(session, person("head", date(1985, 2, 2)), banner="150102")  # another banner
        token = security.issue_token(
            session, name="医保局", scopes=["monitoring.write"], region_code="150000"
        )
    return {
        "engine": sqlite_engine,
        "today": today,
        "login": login,
        "patient": patient,
        "household_id": home.id,
        "token": token,
    }


def test_partner_posts_signals_and_the_caseworker_handles_the_alert_through_the_pages(setting):
    today = setting["today"]
    partner = TestClient(create_app())
    secret = setting["token"][1]
    unknown = idcard.make(BANNER, date(1979, 4, 18), 997)
    answer = partner.post(
        "/api/monitoring/signals",
        headers={"Authorization": f"Bearer {secret}"},
        json={
            "source": "medical",
            "records": [
                {"external_ref": "H-1", "id_number": setting["patient"].id_number, "kind": "medical_bill",
                 "observed_on": today.isoformat(), "amount_yuan": "30000"},
                {"external_ref": "H-2", "id_number": unknown, "kind": "medical_bill",
                 "observed_on": today.isoformat(), "amount_yuan": "100"},
            ],
        },
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert (answer.json()["matched"], answer.json()["unmatched_refs"]) == (1, ["H-2"])
    bad = partner.post(
        "/api/monitoring/signals",
        headers={"Authorization": f"Bearer {secret}"},
        json={"source": "medical", "records": [{"external_ref": "H-3", "id_number": unknown, "kind": "rumour",
                                                 "observed_on": today.isoformat()}]},
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "records.0.kind"

    service.run_daily(setting["engine"], today, progress=False)
    client = _login(setting["login"])
    queue = client.get("/monitoring?mine=1")
    assert queue.status_code == 200
    alert_id = int(re.search(r'href="/monitoring/alerts/(\d+)"', queue.text).group(1))
    page = client.get(f"/monitoring/alerts/{alert_id}")
    assert (
        f"/assistance/cases/new?household={setting['household_id']}&amp;programme=dibao&amp;alert={alert_id}"
        in page.text
    )
    assert 'data-kind="medical_bill"' in page.text
    token = _csrf(page.text)
    refused = client.post(f"/monitoring/alerts/{alert_id}/close", data={"csrf_token": token, "outcome": ""})
    assert refused.status_code == 422 and "办结须填写处置结果" in refused.text
    visited = client.post(
        f"/monitoring/alerts/{alert_id}/visits",
        data={"csrf_token": token, "visited_on": today.isoformat(), "findings": "住院自付三万元"},
        follow_redirects=False,
    )
    assert visited.status_code == 303
    closed = client.post(
        f"/monitoring/alerts/{alert_id}/close",
        data={"csrf_token": token, "outcome": "referred_medical", "note": "医疗救助"},
    )
    assert closed.status_code == 200 and 'id="outcome"' in closed.text
    timeline = client.get(f"/monitoring/households/{setting['household_id']}")
    assert timeline.status_code == 200 and "入户走访" in timeline.text
    signals_page = client.get("/monitoring/signals")
    assert "H-2" in signals_page.text and idcard.mask(unknown) in signals_page.text
    dashboard = client.get("/monitoring/dashboard")
    assert dashboard.status_code == 200 and 'id="chart-gap"' in dashboard.text
    data = client.get("/api/monitoring/dashboard").json()
    assert data["outcomes"]["referred_medical"] == 1
    assert [a["code"] for a in data["areas"]] == [BANNER]  # the caseworker's banner only
    # outside the caseworker's banner: absent, not forbidden
    other = client.get("/api/monitoring/alerts?limit=1000").json()
    assert all(a["banner_code"] == BANNER for a in other)
    assert client.get("/monitoring/households/999999").status_code == 404
    assert client.get(f"/monitoring/alerts/{alert_id + 10_000}").status_code == 404
