"""Employment pages: the officer's acceptance story through the browser's forms (SQLite only)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from minsheng.api.app import create_app
from minsheng.employment import service
from minsheng.employment.schemas import EmployerIn, VacancyIn
from minsheng.security import service as security
from minsheng.security.scope import REGION_WIDE
from minsheng.store.db import unit_of_work

from .conftest import ACTOR, new_credit_code, person, register_household

PASSWORD = "employment-pages-1"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(login: str) -> TestClient:
    client = TestClient(create_app())
    token = _csrf(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def officer(sqlite_engine) -> TestClient:
    with unit_of_work() as session:
        security.create_user(
            session, login="jiuye", password=PASSWORD, role="employment_officer", region_code="150426"
        )
        security.create_user(
            session, login="clerk", password=PASSWORD, role="registry_clerk", region_code="150426"
        )
    return _login("jiuye")


def test_officer_registers_a_graduate_refers_and_places_through_the_pages(officer):
    today = date.today()
    with unit_of_work() as session:
        household = register_household(
            session,
            person("head", birth=date(1970, 3, 1), employment_status="unemployed"),
            person("child", birth=date(2001, 9, 1), education="bachelor", tags=["graduate"], name="王小明"),
        )
        graduate_id = household.members[1].id
        employer = service.register_employer(
            session,
            REGION_WIDE,
            EmployerIn(
                credit_code=new_credit_code(), name="乌丹乳业", banner_code="150426", sector="manufacturing"
            ),
            actor=ACTOR,
        )
        service.post_vacancy(
            session,
            REGION_WIDE,
            VacancyIn(
                employer_id=employer.id,
                title="乳品加工工",
                occupation="dairy_worker",
                skills=["dairy"],
                pay_min_yuan="3500",
                pay_max_yuan="4500",
                opens_on=today,
            ),
            actor=ACTOR,
        )
    home = officer.get("/employment")
    assert home.status_code == 200 and "求职登记" in home.text
    bad = officer.post(
        "/employment/seekers",
        data={
            "csrf_token": _csrf(home.text),
            "person_id": str(graduate_id),
            "desired_occupation": "dairy_worker",
            "expected_pay_yuan": "-1",
            "unemployed": "on",
        },
    )
    assert bad.status_code == 422 and "field-error" in bad.text
    created = officer.post(
        "/employment/seekers",
        data={
            "csrf_token": _csrf(home.text),
            "person_id": str(graduate_id),
            "desired_occupation": "dairy_worker",
            "skills": ["dairy"],
            "expected_pay_yuan": "4000",
            "unemployed": "on",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    page = officer.get(created.headers["location"])
    assert "乳品加工工" in page.text and "本旗县" in page.text and "1/1" in page.text
    vacancy_id = re.search(r'name="vacancy_id" value="(\d+)"', page.text).group(1)
    referred = officer.post(
        f"{created.headers['location']}/referrals",
        data={"csrf_token": _csrf(page.text), "vacancy_id": vacancy_id},
        follow_redirects=True,
    )
    referral_id = re.search(r"/employment/referrals/(\d+)/outcome", referred.text).group(1)
    assert "zero_employment_household" in referred.text
    assert household.head.name in officer.get("/employment/zero-employment").text
    placed = officer.post(
        f"/employment/referrals/{referral_id}/outcome",
        data={"csrf_token": _csrf(referred.text), "outcome": "placed", "on": today.isoformat()},
        follow_redirects=True,
    )
    assert '<strong id="seeker-status">placed</strong>' in placed.text
    assert "王小明" not in officer.get("/employment/unemployed").text
    zero = officer.get("/employment/zero-employment").text
    assert today.isoformat() in zero  # cleared today


def test_pages_need_the_permission_and_csrf(officer):
    clerk = _login("clerk")
    assert clerk.get("/employment").status_code == 403
    assert officer.post("/employment/zero-employment/refresh", data={}).status_code == 403
