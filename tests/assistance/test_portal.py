"""The citizen portal: one-time code in the log (ID masked), attempts limited, a session kind of its own,
entitlements with reasons, an online application with the counter's checks, and the decision."""

from __future__ import annotations

import datetime as dt
import logging
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from minsheng.assistance.api import _today as region_today
from minsheng.assistance.models import Case
from minsheng.registry.models import Person
from minsheng.store.db import unit_of_work

from .casework import poor_household
from .test_case_pages import app, csrf_of, log_in, step  # noqa: F401  (the app fixture)

PHONE = "13912345678"


def registered(phone: str = PHONE) -> tuple[int, str]:
    from minsheng.security import pii

    household_id = poor_household(phone=phone)
    with unit_of_work() as session:
        head = session.scalars(
            select(Person).where(Person.household_id == household_id, Person.relationship_to_head == "head")
        ).one()
        return household_id, pii.decrypt(head.id_number_cipher)


def request_code(client: TestClient, id_number: str, phone: str, caplog) -> str | None:
    caplog.clear()
    html = client.get("/portal/login").text
    with caplog.at_level(logging.INFO, logger="minsheng.portal"):
        answer = client.post(
            "/portal/login",
            data={"csrf_token": csrf_of(html), "id_number": id_number, "phone": phone},
            follow_redirects=False,
        )
    assert answer.status_code == 303, answer.text
    found = re.search(r"one-time code for (\S+): (\d{6})", caplog.text)
    assert id_number not in caplog.text  # the log shows the masked number only
    return found.group(2) if found else None


def enter(client: TestClient, code: str):
    html = client.get("/portal/verify").text
    return client.post(
        "/portal/verify", data={"csrf_token": csrf_of(html), "code": code}, follow_redirects=False
    )


def test_login_apply_and_read_the_decision(app, caplog) -> None:  # noqa: F811
    household_id, id_number = registered()
    citizen = TestClient(app)
    assert (
        request_code(citizen, id_number, "13900000000", caplog) is None
    )  # wrong phone: no code, same answer
    code = request_code(citizen, id_number, PHONE, caplog)
    assert code and re.search(r"one-time code for 150426\*+\w{4}", caplog.text)
    assert enter(citizen, code).status_code == 303
    home = citizen.get("/portal")
    assert home.status_code == 200 and "可能符合" in home.text and "王福" in home.text
    # a citizen's session is no staff session
    assert citizen.get("/api/assistance/cases").status_code == 401
    assert citizen.get("/assistance/cases", follow_redirects=False).status_code in (303, 401)

    applied = citizen.post(
        "/portal/apply",
        data={"csrf_token": csrf_of(home.text), "programme": "dibao"},
        follow_redirects=False,
    )
    assert applied.status_code == 303
    page = citizen.get(applied.headers["location"])
    assert "已申请" in page.text
    with unit_of_work() as session:
        case = session.scalars(select(Case).where(Case.household_id == household_id)).one()
        assert (
            case.channel == "portal"
            and case.status == "submitted"
            and case.created_by.startswith("citizen:150426")
        )
        assert id_number not in case.created_by
    again = citizen.post(
        "/portal/apply", data={"csrf_token": csrf_of(home.text), "programme": "dibao"}, follow_redirects=False
    )
    assert again.status_code == 409  # the counter's check: one open case per programme

    # staff take it from application to approval (dates recorded as done on paper)
    worker, approver = log_in(app, "worker"), log_in(app, "approver")
    today = region_today()
    start = max(case.submitted_on, today)
    version = case.version
    for action, extra in (
        ("accept", {}),
        (
            "record_investigation",
            {"data": {"visitors": ["甲", "乙"], "findings": "属实", "information_check": True}},
        ),
        ("township_review", {}),
        ("publish_notice", {}),
    ):
        answer = step(worker, case.id, version, action, start, **extra)
        assert answer.status_code == 200, answer.text
        version = answer.json()["version"]
    early = step(approver, case.id, version, "confirm", start, data={"paying_bank": "ABC"})
    assert early.status_code == 422  # the notice runs for 7 days from today
    assert "公示" in citizen.get(f"/portal/cases/{case.id}").text


def test_code_attempts_are_limited(app, caplog) -> None:  # noqa: F811
    _, id_number = registered("13912340000")
    citizen = TestClient(app)
    code = request_code(citizen, id_number, "13912340000", caplog)
    wrong = "000000" if code != "000000" else "111111"
    statuses = [enter(citizen, wrong).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert enter(citizen, code).status_code == 429  # the right code no longer works
    for _ in range(2):
        request_code(citizen, id_number, "13912340000", caplog)
    html = citizen.get("/portal/login").text
    fourth = citizen.post(
        "/portal/login",
        data={"csrf_token": csrf_of(html), "id_number": id_number, "phone": "13912340000"},
        follow_redirects=False,
    )
    assert fourth.status_code == 429


def test_a_decided_case_shows_the_reasons_in_the_portal(app, caplog) -> None:  # noqa: F811
    household_id, id_number = registered("13912349999")
    worker, approver = log_in(app, "worker"), log_in(app, "approver")
    today = region_today()
    start = today - dt.timedelta(days=20)
    token = csrf_of(worker.get("/assistance/cases").text)
    made = worker.post(
        "/api/assistance/cases",
        json={"household_id": household_id, "programme": "dibao", "submitted_on": start.isoformat()},
        headers={"X-CSRF-Token": token},
    ).json()
    version = made["version"]
    for offset, action, extra in (
        (1, "accept", {}),
        (
            2,
            "record_investigation",
            {"data": {"visitors": ["甲", "乙"], "findings": "属实", "information_check": True}},
        ),
        (3, "township_review", {}),
        (4, "publish_notice", {}),
    ):
        version = step(
            worker, made["id"], version, action, start + dt.timedelta(days=offset), **extra
        ).json()["version"]
    assert (
        step(approver, made["id"], version, "confirm", today, data={"paying_bank": "ABC"}).status_code == 200
    )
    citizen = TestClient(app)
    assert enter_after(citizen, id_number, "13912349999", caplog).status_code == 303
    page = citizen.get(f"/portal/cases/{made['id']}").text
    assert "保障中" in page and "审核确认决定书" in page and "行政复议" in page
    pdf = citizen.get(f"/portal/cases/{made['id']}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # another household's case is not there
    other, _ = registered("13912341111")
    with unit_of_work() as session:
        assert session.scalars(select(Case).where(Case.household_id == other)).first() is None
    assert citizen.get("/portal/cases/999999").status_code == 404


def enter_after(client, id_number, phone, caplog):
    code = request_code(client, id_number, phone, caplog)
    return enter(client, code)
