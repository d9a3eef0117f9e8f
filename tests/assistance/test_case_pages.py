"""Casework through HTTP: the API (409 on a stale version, roles, scope) and the pages (list with the
overdue flag, new case prefilled from an alert link, case page with only the allowed steps, notice)."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pytest
from fastapi.testclient import TestClient

from minsheng.api.app import create_app
from minsheng.assistance.api import _today as region_today
from minsheng.security import passwords
from minsheng.security import service as security
from minsheng.store.db import unit_of_work

from .casework import poor_household, rich_household

PASSWORD = "case-pages-pass-1"
USERS = {
    "worker": ("assistance_caseworker", "150426"),
    "approver": ("assistance_approver", "150426"),
    "other_worker": ("assistance_caseworker", "150102"),
}
_hash = cache(passwords.hash_password)


@pytest.fixture
def app(sqlite_engine, monkeypatch):
    monkeypatch.setattr(passwords, "hash_password", _hash)
    with unit_of_work() as session:
        for login, (role, region) in USERS.items():
            security.create_user(session, login=login, password=PASSWORD, role=role, region_code=region)
    return create_app()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(app, name: str) -> TestClient:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"login": name, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return client


def api(client: TestClient, method: str, path: str, **kwargs):
    token = csrf_of(client.get("/assistance/cases").text)
    return client.request(method, path, headers={"X-CSRF-Token": token}, **kwargs)


def step(client, case_id: int, version: int, action: str, on: dt.date, **extra):
    body = {"action": action, "version": version, "on": on.isoformat(), **extra}
    return api(client, "POST", f"/api/assistance/cases/{case_id}/transitions", json=body)


def test_api_path_with_a_conflict_roles_and_scope(app) -> None:
    household = poor_household()
    worker, approver, other = log_in(app, "worker"), log_in(app, "approver"), log_in(app, "other_worker")
    today = region_today()
    start = today - dt.timedelta(days=20)
    made = api(
        worker,
        "POST",
        "/api/assistance/cases",
        json={"household_id": household, "programme": "dibao", "submitted_on": start.isoformat()},
    )
    assert made.status_code == 201, made.text
    case = made.json()
    assert case["status"] == "submitted" and case["allowed_actions"] == ["accept", "withdraw"]
    assert other.get(f"/api/assistance/cases/{case['id']}").status_code == 404
    first = step(worker, case["id"], case["version"], "accept", start + dt.timedelta(days=1))
    assert first.status_code == 200
    stale = step(worker, case["id"], case["version"], "accept", start + dt.timedelta(days=1))
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    version = first.json()["version"]
    answer = step(
        worker,
        case["id"],
        version,
        "record_investigation",
        start + dt.timedelta(days=2),
        data={"visitors": ["甲", "乙"], "findings": "属实", "information_check": True},
    )
    version = answer.json()["version"]
    version = step(worker, case["id"], version, "township_review", start + dt.timedelta(days=3)).json()[
        "version"
    ]
    posted = step(worker, case["id"], version, "publish_notice", start + dt.timedelta(days=4))
    assert posted.json()["notice_to"] == (start + dt.timedelta(days=10)).isoformat()
    version = posted.json()["version"]
    assert step(worker, case["id"], version, "confirm", today, data={"paying_bank": "ABC"}).status_code == 403
    future = step(
        approver, case["id"], version, "confirm", today + dt.timedelta(days=1), data={"paying_bank": "ABC"}
    )
    assert future.status_code == 422 and future.json()["error"]["fields"][0]["rule"] == "in_future"
    done = step(approver, case["id"], version, "confirm", today, data={"paying_bank": "ABC"})
    assert done.status_code == 200 and done.json()["status"] == "active"
    pdf = approver.get(f"/api/assistance/cases/{case['id']}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    board = worker.get("/api/assistance/notices").json()
    assert [r["case_no"] for r in board["published"]] == [case["case_no"]]


def test_pages_take_a_case_from_alert_link_to_refusal_notice(app) -> None:
    household = rich_household()
    worker, approver = log_in(app, "worker"), log_in(app, "approver")
    form = worker.get(f"/assistance/cases/new?household={household}&programme=dibao&alert=77")
    assert form.status_code == 200 and 'name="alert" value="77"' in form.text and "赵强" in form.text
    made = worker.post(
        "/assistance/cases",
        data={
            "csrf_token": csrf_of(form.text),
            "household_id": str(household),
            "programme": "dibao",
            "alert": "77",
            "submitted_on": region_today().isoformat(),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    path = made.headers["location"].split("?")[0]
    page = worker.get(path)
    assert (
        "alert:77" in page.text and 'id="form-accept"' in page.text and 'id="form-confirm"' not in page.text
    )

    def post(client, action: str, **fields):
        html = client.get(path).text
        version = re.search(r'name="version" value="(\d+)"', html).group(1)
        data = {
            "csrf_token": csrf_of(html),
            "action": action,
            "version": version,
            "on": region_today().isoformat(),
        }
        return client.post(f"{path}/transition", data=data | fields, follow_redirects=False)

    assert post(worker, "accept").status_code == 303
    lone = post(worker, "record_investigation", visitors="甲", findings="x", information_check="1")
    assert lone.status_code == 422 and "两名以上" in lone.text
    ok = worker.post(
        f"{path}/transition",
        data={
            "csrf_token": csrf_of(worker.get(path).text),
            "action": "record_investigation",
            "version": re.search(r'name="version" value="(\d+)"', worker.get(path).text).group(1),
            "on": region_today().isoformat(),
            "visitors": ["甲", "乙"],
            "findings": "有稳定工资收入",
            "information_check": "1",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert post(worker, "township_review").status_code == 303
    page = approver.get(path).text
    assert 'id="form-refuse"' in page and 'id="form-accept"' not in page
    assert post(approver, "refuse", reason="工资收入高于低保标准").status_code == 303
    notice = approver.get(f"{path}/notice")
    assert notice.status_code == 200 and "不予确认决定书" in notice.text and "行政复议" in notice.text
    listing = worker.get("/assistance/cases?status=refused").text
    assert "不予确认" in listing


def test_the_list_flags_overdue_cases(app) -> None:
    household = poor_household()
    worker = log_in(app, "worker")
    old = (region_today() - dt.timedelta(days=30)).isoformat()
    api(
        worker,
        "POST",
        "/api/assistance/cases",
        json={"household_id": household, "programme": "dibao", "submitted_on": old},
    )
    page = worker.get("/assistance/cases?overdue=1").text
    assert "overdue-flag" in page and "DB150426-" in page
    assert worker.get("/api/assistance/cases?overdue=true").json()["items"][0]["overdue"] is True


def test_the_pages_speak_english_too(app) -> None:
    from minsheng.web.i18n import LANGUAGE_COOKIE

    household = poor_household()
    worker = log_in(app, "worker")
    worker.cookies.set(LANGUAGE_COOKIE, "en")
    made = api(
        worker, "POST", "/api/assistance/cases", json={"household_id": household, "programme": "dibao"}
    )
    page = worker.get(f"/assistance/cases/{made.json()['id']}").text
    assert "Steps you may take" in page and "accept and start the investigation" in page
    assert "Public notices of assistance" in worker.get("/assistance/notices").text
    assert "Social-assistance cases" in worker.get("/assistance/cases").text
