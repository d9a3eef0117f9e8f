"""The cycle's pages and API through the app (SQLite): a caseworker builds, another approves and exports,
a bad return file is refused on the page naming its line, the good one is imported, the report
reconciles; another banner's caseworker sees nothing of it."""

from __future__ import annotations

import re
from functools import cache

import pytest
from fastapi.testclient import TestClient

from minsheng.api.app import create_app
from minsheng.assistance import cycle
from minsheng.security import passwords, service
from minsheng.store.db import unit_of_work

from .cycle_data import DEC, standard_cases

PASSWORD = "cycle-test-pass-1"
_cached_hash = cache(passwords.hash_password)
USERS = {
    "cw_a": ("assistance_caseworker", "150426"),
    "cw_b": ("assistance_caseworker", "150102"),
    "league": ("assistance_approver", "150400"),
}


@pytest.fixture
def client_for(sqlite_engine, monkeypatch):
    monkeypatch.setattr(passwords, "hash_password", _cached_hash)
    with unit_of_work(sqlite_engine) as session:
        for login, (role, region) in USERS.items():
            service.create_user(session, login=login, password=PASSWORD, role=role, region_code=region)
    app = create_app()

    def log_in(name: str) -> TestClient:
        client = TestClient(app)
        token = _csrf(client.get("/login").text)
        answer = client.post(
            "/login",
            data={"login": name, "password": PASSWORD, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return client

    return log_in


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_cycle_through_the_pages(sqlite_engine, client_for, tmp_path, monkeypatch):
    monkeypatch.setenv("MINSHENG_DATA_DIR", str(tmp_path))
    from minsheng.config import get_settings

    get_settings.cache_clear()
    standard_cases(sqlite_engine)
    caseworker = client_for("cw_a")
    page = caseworker.get("/assistance/cycles")
    assert page.status_code == 200 and 'id="build-cycle"' in page.text
    token = _csrf(page.text)
    outside = caseworker.post(
        "/assistance/cycles", data={"month": "2023-12", "region_code": "150102", "csrf_token": token}
    )
    assert outside.status_code == 422 and "不在您的管辖范围内" in outside.text
    built = caseworker.post(
        "/assistance/cycles",
        data={"month": "2023-12", "region_code": "150426", "csrf_token": token},
        follow_redirects=False,
    )
    assert built.status_code == 303
    url = built.headers["location"]
    cycle_id = int(url.rsplit("/", 1)[1])
    page = caseworker.get(url)
    # changed 61 234 + future_raise 40 000 + wiped_out 0 (150426's three payable cases)
    assert re.search(r'id="stat-lines">3<', page.text)
    assert "1,012.34" in page.text and 'id="chart-leagues"' in page.text
    assert 'id="approve-form"' not in page.text  # a caseworker does not approve
    assert (
        caseworker.post(
            f"/api/assistance/cycles/{cycle_id}/approve", headers={"X-CSRF-Token": token}
        ).status_code
        == 403
    )

    approver = client_for("league")
    page = approver.get(url)
    assert 'id="approve-form"' in page.text
    approver_token = _csrf(page.text)
    approved = approver.post(
        f"/assistance/cycles/{cycle_id}/approve", data={"csrf_token": approver_token}, follow_redirects=False
    )
    assert approved.status_code == 303
    exported = approver.post(
        f"/assistance/cycles/{cycle_id}/export", data={"csrf_token": approver_token}, follow_redirects=False
    )
    assert exported.status_code == 303
    detail = approver.get(f"/api/assistance/cycles/{cycle_id}").json()
    assert detail["status"] == "exported" and [f["bank_code"] for f in detail["bank_files"]] == ["ABC"]
    file = approver.get(f"/api/assistance/cycles/{cycle_id}/files/ABC")
    assert file.status_code == 200 and file.text.splitlines()[-2] == "T,2,101234"

    rows = [line.split(",") for line in file.text.splitlines()[2:-2]]
    good = cycle.return_file([(r[1], "PAID", int(r[4]), "") for r in rows], "ABC", DEC, "150426")
    bad = good.decode().replace(f",PAID,{rows[1][4]},", f",PAID,{int(rows[1][4]) - 1},").encode()
    refused = caseworker.post(
        f"/assistance/cycles/{cycle_id}/returns",
        data={"csrf_token": token},
        files={"file": ("abc-return.csv", bad, "text/csv")},
    )
    assert refused.status_code == 422
    assert "line 4.amount_fen" in refused.text and "未作任何更改" in refused.text
    imported = caseworker.post(
        f"/assistance/cycles/{cycle_id}/returns",
        data={"csrf_token": token},
        files={"file": ("abc-return.csv", good, "text/csv")},
    )
    assert imported.status_code == 200 and 'id="notice"' in imported.text
    report = caseworker.get(f"/assistance/cycles/{cycle_id}/reconciliation")
    assert report.status_code == 200 and 'id="reconciled"' in report.text
    assert "DB150426-2023-000009" in report.text and "收款人无银行账号" in report.text  # the unpayable case
    api_report = caseworker.get(f"/api/assistance/cycles/{cycle_id}/reconciliation").json()
    assert api_report["ok"] and api_report["total"]["line_paid_fen"] == 101234

    other = client_for("cw_b")
    assert other.get(url).status_code == 404
    assert other.get(f"/api/assistance/cycles/{cycle_id}/reconciliation").status_code == 404
    assert other.get("/api/assistance/cycles").json() == []
    assert [c["id"] for c in approver.get("/api/assistance/cycles").json()] == [cycle_id]
    get_settings.cache_clear()


def test_cycle_through_the_api(sqlite_engine, client_for, tmp_path, monkeypatch):
    monkeypatch.setenv("MINSHENG_DATA_DIR", str(tmp_path))
    from minsheng.config import get_settings

    get_settings.cache_clear()
    standard_cases(sqlite_engine)
    caseworker, approver = client_for("cw_a"), client_for("league")
    token = _csrf(caseworker.get("/assistance/cycles").text)
    approver_token = _csrf(approver.get("/assistance/cycles").text)
    bad_month = caseworker.post(
        "/api/assistance/cycles",
        json={"month": "2023-13", "region_code": "150426"},
        headers={"X-CSRF-Token": token},
    )
    assert bad_month.status_code == 422
    built = caseworker.post(
        "/api/assistance/cycles",
        json={"month": "2023-12", "region_code": "150426"},
        headers={"X-CSRF-Token": token},
    )
    assert (
        built.status_code == 201 and built.json()["line_count"] == 3 and built.json()["total_fen"] == 101234
    )
    cycle_id = built.json()["id"]
    again = caseworker.post(
        "/api/assistance/cycles",
        json={"month": "2023-12", "region_code": "150426"},
        headers={"X-CSRF-Token": token},
    )
    assert again.json()["already_built"] and again.json()["id"] == cycle_id
    headers = {"X-CSRF-Token": approver_token}
    assert (
        approver.post(f"/api/assistance/cycles/{cycle_id}/approve", headers=headers).json()["status"]
        == "approved"
    )
    files = approver.post(f"/api/assistance/cycles/{cycle_id}/export", headers=headers).json()["files"]
    assert [(f["bank_code"], f["line_count"], f["total_fen"]) for f in files] == [("ABC", 2, 101234)]
    sent = approver.get(f"/api/assistance/cycles/{cycle_id}/files/ABC").text.splitlines()[2:-2]
    answers = [(line.split(",")[1], "FAILED", int(line.split(",")[4]), "NO_SUCH_ACCOUNT") for line in sent]
    body = cycle.return_file(answers, "ABC", DEC, "150426")
    truncated = body.decode().rsplit("C,", 1)[0].encode()  # the control line lost in transit
    refused = caseworker.post(
        "/api/assistance/cycles/returns", content=truncated, headers={"X-CSRF-Token": token}
    )
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"].endswith(".control")
    accepted = caseworker.post(
        "/api/assistance/cycles/returns", content=body, headers={"X-CSRF-Token": token}
    )
    assert accepted.status_code == 200 and (accepted.json()["failed"], accepted.json()["failed_fen"]) == (
        2,
        101234,
    )
    detail = caseworker.get(f"/api/assistance/cycles/{cycle_id}").json()
    assert detail["status"] == "returns_imported" and detail["totals"]["all"]["failed_fen"] == 101234
    get_settings.cache_clear()
