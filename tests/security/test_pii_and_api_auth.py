"""No unmasked ID number in any page, API answer, export or log line of a whole session; API auth and scope."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from minsheng import idcard
from minsheng.api.app import create_app
from minsheng.registry import service as registry
from minsheng.registry.schemas import HouseholdIn
from minsheng.security import service
from minsheng.store.db import unit_of_work
from minsheng.web.redact import ID_PATTERN, mask_ids

PASSWORD = "scan-test-pass-1"


def _household(session, banner: str, sequence: int, name: str) -> tuple[int, int, str]:
    number = idcard.make(banner, date(1979, 9, 9), sequence)
    data = HouseholdIn.model_validate(
        {
            "banner_code": banner,
            "hukou": "rural",
            "members": [
                {
                    "id_number": number,
                    "name": name,
                    "relationship_to_head": "head",
                    "hukou": "rural",
                    "hukou_region": banner,
                    "residence_region": banner,
                    "incomes": [{"category": "wages", "monthly_yuan": "900", "effective_from": "2026-01-01"}],
                }
            ],
        }
    )
    household = registry.register_household(session, data, actor="test")
    return household.id, household.members[0].id, number


@pytest.fixture
def world(sqlite_engine):
    with unit_of_work(sqlite_engine) as session:
        for login, role, region in [
            ("clerk_a", "registry_clerk", "150426"),
            ("medic_a", "medical_officer", "150426"),
            ("auditor_all", "auditor", "150000"),
        ]:
            service.create_user(session, login=login, password=PASSWORD, role=role, region_code=region)
        a = _household(session, "150426", 17, "巴特尔")
        b = _household(session, "150102", 19, "其其格")
        _, token_a = service.issue_token(session, name="a", scopes=["registry.read"], region_code="150426")
    return {"a": a, "b": b, "token_a": token_a}


def _login(app, login: str) -> TestClient:
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    return client


def test_a_whole_session_shows_no_unmasked_id_number(world, caplog):
    caplog.set_level(logging.DEBUG)
    app = create_app()
    numbers = [world["a"][2], world["b"][2]]
    seen: list[str] = []
    for login in ("clerk_a", "medic_a", "auditor_all"):
        client = _login(app, login)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
        answers = [
            client.get("/"),
            client.get("/registry"),
            client.get(f"/registry/households/{world['a'][0]}"),
            client.get(f"/registry/households/{world['b'][0]}"),
            client.get(f"/registry/persons/{world['a'][1]}/edit"),
            client.get("/audit"),
            client.get(f"/registry?after_id={numbers[0]}"),  # a number in a bad query value: the error page
            client.get(f"/registry/households/{numbers[0]}"),
            client.post("/registry/search", data={"q": numbers[0], "csrf_token": csrf}),
            client.post("/registry/search", data={"q": numbers[1], "csrf_token": csrf}),
            client.get("/api/households"),
            client.get(f"/api/households/{world['a'][0]}"),
            client.get(f"/api/households/{world['a'][0]}/history"),
            client.get(f"/api/persons/{world['a'][1]}"),
            client.get("/api/persons", params={"id_number": numbers[0]}),
        ]
        seen.extend(a.text for a in answers)
    logging.getLogger("minsheng.test").warning("looked up %s", numbers[0])  # a careless log line
    seen.append(caplog.text)
    everything = "\n".join(seen)
    for number in numbers:
        assert number not in everything
    leaked = ID_PATTERN.search(everything)
    assert leaked is None, leaked.group(0)
    assert idcard.mask(numbers[0]) in everything  # the masked form is there: the scan looked at real pages


def test_mask_ids_keeps_longer_digit_runs_and_masks_lowercase_x():
    assert (
        mask_ids("卡号 62284800000000000000 证 15042619790909017x")
        == "卡号 62284800000000000000 证 150426********017x"
    )


def test_api_needs_a_caller_and_answers_404_outside_the_scope(world):
    client = TestClient(create_app())
    assert client.get("/api/households").status_code == 401
    assert client.get("/api/households", headers={"Authorization": "Bearer msk_wrong"}).status_code == 401
    headers = {"Authorization": f"Bearer {world['token_a']}"}
    listing = client.get("/api/households", headers=headers).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == world["a"][0]
    assert client.get(f"/api/households/{world['b'][0]}", headers=headers).status_code == 404
    assert client.get(f"/api/persons/{world['b'][1]}", headers=headers).status_code == 404


def test_a_token_without_the_registry_right_reads_no_household(world, sqlite_engine):
    with unit_of_work(sqlite_engine) as session:
        _, hospital = service.issue_token(session, name="HIS", scopes=["medical.write"], region_code="150426")
    client = TestClient(create_app())
    headers = {"Authorization": f"Bearer {hospital}"}
    for path in ("/api/households", f"/api/households/{world['a'][0]}", f"/api/persons/{world['a'][1]}"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 403, path
        assert "registry.read" in answer.text


def test_revoked_token_is_refused_at_once(world, sqlite_engine):
    client = TestClient(create_app())
    headers = {"Authorization": f"Bearer {world['token_a']}"}
    assert client.get("/api/households", headers=headers).status_code == 200
    with unit_of_work(sqlite_engine) as session:
        service.revoke_token(session, service.list_tokens(session)[0].id)
    assert client.get("/api/households", headers=headers).status_code == 401


def test_a_token_revoked_by_another_process_is_refused_within_the_recheck(world, sqlite_engine, monkeypatch):
    from datetime import timedelta

    from sqlalchemy import update

    from minsheng.security.models import ApiToken

    client = TestClient(create_app())
    headers = {"Authorization": f"Bearer {world['token_a']}"}
    assert client.get("/api/households", headers=headers).status_code == 200
    with unit_of_work(sqlite_engine) as session:  # as the CLI of another process would: no forgetting here
        session.execute(update(ApiToken).values(revoked_at=service.utcnow()))
    assert client.get("/api/households", headers=headers).status_code == 200  # still within the recheck
    later = service.utcnow() + service.TOKEN_RECHECK + timedelta(milliseconds=1)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    assert client.get("/api/households", headers=headers).status_code == 401


def test_the_browser_session_reads_the_api_in_its_own_scope(world):
    client = _login(create_app(), "clerk_a")
    assert client.get("/api/households").json()["total"] == 1
    assert client.get(f"/api/households/{world['b'][0]}").status_code == 404


def test_an_unexpected_error_shows_nothing_and_logs_the_number_masked(world, caplog):
    app = create_app()
    number = world["a"][2]

    @app.get("/boom")
    def boom():
        raise ValueError(f"cannot handle {number}")

    client = _login(app, "clerk_a")
    client = TestClient(app, raise_server_exceptions=False, cookies=client.cookies)
    with caplog.at_level(logging.ERROR):
        answer = client.get("/boom")
    assert answer.status_code == 500
    assert number not in answer.text and "ValueError" not in answer.text
    records = "".join(
        (
            r.getMessage()
            + (r.exc_text or logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        )
        for r in caplog.records
    )
    assert "ValueError" in records and number not in records and idcard.mask(number) in records
