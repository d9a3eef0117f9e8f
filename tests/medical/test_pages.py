"""Medical pages: dashboard by tier and league with the low-income rate, claim lookup in scope, cases."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from minsheng.api.app import create_app
from minsheng.medical import service
from minsheng.medical.api import ClaimIn
from minsheng.security import service as security
from minsheng.store.db import unit_of_work

from .test_service_api import body, make_person

PASSWORD = "medical-pages-1"


@pytest.fixture
def engine(sqlite_engine):
    return sqlite_engine


def _login(app, login: str) -> TestClient:
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    answer = client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def settled(engine):
    with unit_of_work() as session:
        person = make_person(session)
        service.enrol(
            session, person_id=person.id, year=2024, insurance_type="resident", person_type="resident",
            aid_category="dibao", pool_region="150400", enrolled_on=date(2024, 1, 1),
        )  # fmt: skip
        institution = service.register_institution(
            session,
            code="H150402001",
            name="赤峰市医院",
            level=3,
            region_code="150402",
            designated_from=date(2020, 1, 1),
        )
        security.create_user(
            session, login="medic_region", password=PASSWORD, role="medical_officer", region_code="150000"
        )
        security.create_user(
            session, login="medic_hohhot", password=PASSWORD, role="medical_officer", region_code="150100"
        )
        security.create_user(  # supervises the hospital's banner, not the patient's pool
            session,
            login="medic_hospital_banner",
            password=PASSWORD,
            role="medical_officer",
            region_code="150402",
        )
        person_id, institution_id = person.id, institution.id
    claim = service.settle_claim(ClaimIn(**body(person_id)).to_request(), actor="test")
    return claim.claim_id, institution_id


def test_dashboard_shows_spending_by_tier_and_the_low_income_rate(settled):
    client = _login(create_app(), "medic_region")
    page = client.get("/medical")
    assert page.status_code == 200
    assert "赤峰市" in page.text and "81,900.00" in page.text and "23,118.88" in page.text
    # (81 900 + 23 118.88 + 15 386.78) / 140 000 = 86.0 %, above the 75 % goal
    assert "86.0%" in page.text
    # the league's one living registered person is insured: participation 100 %
    assert 'id="enrolment"' in page.text and "100.0%" in page.text


def test_claim_page_shows_the_reasons_and_is_scoped(settled):
    claim_id, institution_id = settled
    app = create_app()
    page = _login(app, "medic_region").get(f"/medical/claims/{claim_id}")
    assert page.status_code == 200 and "基本医保" in page.text and "19,594.34" in page.text
    assert _login(app, "medic_hohhot").get(f"/medical/claims/{claim_id}").status_code == 404
    # 就医地监管: the banner where the care was given sees the claims of its hospitals
    assert _login(app, "medic_hospital_banner").get(f"/medical/claims/{claim_id}").status_code == 200
    assert _login(app, "medic_region").get(f"/medical/institutions/{institution_id}").status_code == 200
    assert _login(app, "medic_region").get("/medical/cases").status_code == 200
