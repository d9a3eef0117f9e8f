"""The shell: login with CSRF, lockout, logout, idle timeout, language, scope on the region page and audit log."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from minsheng.config import get_settings
from minsheng.registry.models import Household
from minsheng.store import audit
from minsheng.store.db import unit_of_work


def test_pages_need_login_and_redirect_back(app):
    client = TestClient(app)
    answer = client.get("/audit?action=x", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/audit%3Faction%3Dx"


def test_login_sets_a_signed_httponly_lax_cookie(app, users, csrf, password):
    client = TestClient(app)
    token = csrf(client.get("/login").text)
    answer = client.post(
        "/login", data={"login": "clerk_a", "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert password not in cookie
    assert client.get("/").status_code == 200


def test_login_without_csrf_token_is_refused(app, users, password):
    client = TestClient(app)
    client.get("/login")
    answer = client.post("/login", data={"login": "clerk_a", "password": password, "csrf_token": "forged"})
    assert answer.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_then_lockout_answers_429(app, users, csrf, password):
    client = TestClient(app)
    token = csrf(client.get("/login").text)
    for _ in range(get_settings().login_max_failures - 1):
        answer = client.post(
            "/login", data={"login": "clerk_a", "password": "nope-nope-1", "csrf_token": token}
        )
        assert answer.status_code == 401
        assert "登录名或密码不正确" in answer.text
    answer = client.post("/login", data={"login": "clerk_a", "password": "nope-nope-1", "csrf_token": token})
    assert answer.status_code == 429
    answer = client.post("/login", data={"login": "clerk_a", "password": password, "csrf_token": token})
    assert answer.status_code == 429


def test_logout_needs_csrf_and_ends_the_session(login, csrf):
    client = login("clerk_a")
    page = client.get("/").text
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(page)}, follow_redirects=False)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_idle_session_times_out(login, monkeypatch):
    client = login("clerk_a")
    assert client.get("/").status_code == 200
    import minsheng.api.deps as deps

    real = deps.time.time
    monkeypatch.setattr(deps.time, "time", lambda: real() + get_settings().session_idle_minutes * 60 + 5)
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_language_switch_to_english_and_back(login):
    client = login("clerk_a")
    assert "翁牛特旗" in client.get("/").text
    client.get("/lang/en?next=/")
    page = client.get("/").text
    assert "Log out" in page and "Registry changes this month" in page and "退出" not in page
    client.get("/lang/zh?next=/")
    assert "退出" in client.get("/").text


def test_language_switch_refuses_an_open_redirect(app):
    answer = TestClient(app).get("/lang/en?next=//evil.example/x", follow_redirects=False)
    assert answer.headers["location"] == "/"


def _households(engine, *banners: str) -> None:
    with unit_of_work(engine) as session:
        for i, banner in enumerate(banners):
            session.add(Household(household_number=f"H{banner}{i:04d}", banner_code=banner, hukou="rural"))


def _figure(page: str, name: str) -> int:
    return int(re.search(rf'id="stat-{name}">([\d,]+)<', page).group(1).replace(",", ""))


def _chart(page: str) -> dict:
    import json

    return json.loads(re.search(r'id="dashboard-data">(.*?)</script>', page, re.S).group(1))


def test_region_page_counts_only_the_scope(engine, login):
    _households(engine, "150426", "150426", "150102", "150404")
    page_a = login("clerk_a").get("/").text
    assert _figure(page_a, "households") == 2
    assert [a["code"] for a in _chart(page_a)["areas"]] == ["150426"]
    page_b = login("clerk_b").get("/").text
    assert _figure(page_b, "households") == 1
    league = login("league").get("/").text
    assert _figure(league, "households") == 3  # 150426 and 150404 are in 赤峰市
    areas = {a["code"]: a["households"] for a in _chart(league)["areas"]}
    assert areas["150426"] == 2 and areas["150404"] == 1 and "150102" not in areas
    region = login("auditor_all").get("/").text
    assert _figure(region, "households") == 4
    by_league = {a["code"]: a["households"] for a in _chart(region)["areas"]}
    assert by_league["150400"] == 3 and by_league["150100"] == 1 and len(by_league) == 12


def test_audit_page_is_for_auditors_and_scoped(engine, login):
    with unit_of_work(engine) as session:
        audit.append(session, actor="x", action="registry.test", entity="household", region_code="150426")
        audit.append(session, actor="y", action="registry.other", entity="household", region_code="150102")
    assert login("medic_a").get("/audit").status_code == 403
    assert "registry.other" not in login("clerk_a").get("/audit").text
    page = login("auditor_a").get("/audit").text
    assert "registry.test" in page and "registry.other" not in page
    page = login("auditor_all").get("/audit?action=registry.o").text
    assert "registry.other" in page and "registry.test" not in page


def test_security_headers_on_pages(login):
    answer = login("clerk_a").get("/")
    assert answer.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"


def test_static_assets_are_served_locally(app):
    client = TestClient(app)
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/vendor/echarts/dist/echarts.min.js").status_code == 200
    assert client.get("/static/vendor/htmx.org/dist/htmx.min.js").status_code == 200


def test_api_writes_through_the_cookie_need_the_csrf_header(app, login, csrf):
    from fastapi import Depends

    from minsheng.api.deps import current_principal

    @app.post("/api/_probe")
    def probe(principal=Depends(current_principal)):
        return {"login": principal.login}

    client = login("clerk_a")
    assert client.post("/api/_probe").status_code == 403
    token = csrf(client.get("/").text)
    answer = client.post("/api/_probe", headers={"X-CSRF-Token": token})
    assert answer.status_code == 200 and answer.json() == {"login": "clerk_a"}


def test_one_address_guessing_many_logins_is_slowed_down(app, users):
    from minsheng.security import service as security
    from minsheng.store.db import unit_of_work

    settings = get_settings()
    with unit_of_work() as session:
        for i in range(settings.login_max_failures * 4):
            security.authenticate(session, f"guess{i}", "nope-nope-1", "10.9.9.9")
        assert (
            security.authenticate(session, "clerk_a", "web-test-pass-1", "10.9.9.9").locked_until is not None
        )
        assert security.authenticate(session, "clerk_a", "web-test-pass-1", "10.1.1.1").ok
