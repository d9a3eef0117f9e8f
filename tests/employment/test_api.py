"""The employment API: the officer's story end to end, permissions, scope and Excel export."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from fastapi.testclient import TestClient

from minsheng.api.app import create_app
from minsheng.api.deps import current_principal
from minsheng.security.principal import Principal
from minsheng.security.roles import permissions_of
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

from .conftest import new_credit_code, person, register_household

AS_OF = {"as_of": "2024-07-01"}


def client_as(role: str = "employment_officer", scope: str = "150400") -> TestClient:
    app = create_app()
    principal = Principal("user", 1, "officer-1", "就业专员", role, permissions_of(role), RegionScope(scope))
    app.dependency_overrides[current_principal] = lambda: principal
    return TestClient(app)


def test_officer_registers_matches_refers_and_places_a_graduate(engine):
    with unit_of_work() as session:
        household = register_household(
            session,
            person("head", birth=date(1972, 1, 1), employment_status="unemployed"),
            person("child", birth=date(2002, 2, 2), education="college", tags=["graduate"]),
        )
        graduate_id, household_id = household.members[1].id, household.id
    client = client_as()
    employer = client.post(
        "/api/employment/employers",
        json={
            "credit_code": new_credit_code("150426"),
            "name": "翁牛特旗牧业公司",
            "banner_code": "150426",
            "sector": "agriculture",
        },
    )
    assert employer.status_code == 201, employer.text
    vacancy = client.post(
        "/api/employment/vacancies",
        json={
            "employer_id": employer.json()["id"],
            "title": "牧场技术员",
            "occupation": "farm_hand",
            "skills": ["livestock", "farm_machinery"],
            "pay_min_yuan": "3000",
            "pay_max_yuan": "3800",
            "opens_on": "2024-06-01",
        },
    )
    assert vacancy.status_code == 201, vacancy.text
    seeker = client.post(
        "/api/employment/seekers",
        params=AS_OF,
        json={
            "person_id": graduate_id,
            "desired_occupation": "农牧业生产人员",
            "skills": ["养殖"],
            "expected_pay_yuan": "3500",
        },
    )
    assert seeker.status_code == 201, seeker.text
    assert seeker.json()["key_groups"] == ["graduate", "unemployed", "zero_employment_household"]
    seeker_id = seeker.json()["id"]

    matches = client.get(f"/api/employment/seekers/{seeker_id}/matches", params=AS_OF).json()
    assert matches[0]["vacancy_id"] == vacancy.json()["id"] and matches[0]["rank"] == 1
    assert any("1/2" in r["text_zh"] for r in matches[0]["reasons"])

    referral = client.post(
        "/api/employment/referrals",
        params=AS_OF,
        json={"seeker_id": seeker_id, "vacancy_id": vacancy.json()["id"]},
    )
    assert referral.status_code == 201 and referral.json()["score"] == matches[0]["score"]
    placed = client.post(
        f"/api/employment/referrals/{referral.json()['id']}/outcome",
        json={"outcome": "placed", "on": "2024-07-05"},
    )
    assert placed.json()["status"] == "placed"
    assert client.get("/api/employment/unemployed").json() == []
    cleared = client.get(
        "/api/employment/zero-employment-households", params={"include_cleared": True}
    ).json()
    assert [(z["household_id"], z["cleared_on"]) for z in cleared] == [(household_id, "2024-07-05")]
    assert client.get("/api/employment/zero-employment-households").json() == []


def test_roles_scope_and_field_errors(engine):
    with unit_of_work() as session:
        h = register_household(session, person("head", employment_status="unemployed"))
    body = {"person_id": h.members[0].id, "desired_occupation": "cook"}
    assert client_as("medical_officer").post("/api/employment/seekers", json=body).status_code == 403
    assert client_as(scope="150100").post("/api/employment/seekers", json=body).status_code == 404
    bad = client_as().post(
        "/api/employment/employers",
        json={"credit_code": "91110000600037341K", "name": "x", "banner_code": "150426", "sector": "retail"},
    )
    assert bad.status_code == 422
    field = bad.json()["error"]["fields"][0]
    assert field["field"] == "credit_code" and "L" in field["message_zh"]
    auditor = client_as("auditor")
    assert auditor.get("/api/employment/unemployed").status_code == 200
    assert auditor.post("/api/employment/employers", json={}).status_code in (403, 422)


def test_refund_work_relief_and_excel_export(engine):
    client = client_as()
    sme = client.post(
        "/api/employment/employers",
        json={
            "credit_code": new_credit_code("150426"),
            "name": "小微企业",
            "banner_code": "150426",
            "sector": "retail",
        },
    )
    refund = client.post(
        "/api/employment/retention-refunds",
        json={
            "employer_id": sme.json()["id"],
            "year": 2023,
            "contributions_yuan": "30000",
            "months_paid": 12,
            "insured_at_start": 10,
            "insured_at_end": 10,
            "average_insured": 10,
        },
    )
    assert refund.status_code == 201 and refund.json()["refund_fen"] == 1_800_000
    project = client.post(
        "/api/employment/work-relief/projects",
        json={
            "project_code": "YGDZ-1",
            "name": "乌丹镇道路",
            "banner_code": "150426",
            "central_funds_yuan": "5000000",
            "starts_on": "2024-03-01",
            "closes_on": "2024-12-31",
        },
    )
    assert project.status_code == 201
    rows = client.get("/api/employment/work-relief/projects", params={"as_of": "2024-11-15"}).json()
    assert rows[0]["shortfall_fen"] == 150_000_000 and rows[0]["share_status"] == "warning"
    workbook = client.get("/api/employment/retention-refunds", params={"format": "xlsx"})
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.cell(1, 1).value.startswith("统一社会信用代码")
    assert sheet.cell(2, 9).value == 18000  # refund in yuan
    benefit = client.post(
        "/api/employment/unemployment-benefit", json={"contribution_years": "7", "banner_code": "150426"}
    ).json()
    assert benefit["entitled_months"] == 18
    stats = client.get("/api/employment/statistics", params={"year": 2023, **AS_OF}).json()
    assert stats["retention_refunds"]["refund_fen"] == 1_800_000 and stats["scope"] == "150400"


def test_seekers_export_and_public_welfare_placement_ends(engine):
    with unit_of_work() as session:
        h = register_household(
            session, person("head", birth=date(1970, 5, 5), employment_status="unemployed", tags=["dibao"])
        )
        person_id = h.members[0].id
    client = client_as()
    seeker = client.post(
        "/api/employment/seekers",
        params=AS_OF,
        json={"person_id": person_id, "desired_occupation": "cleaner"},
    )
    assert seeker.status_code == 201
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/api/employment/seekers", params={"format": "xlsx"}).content)
    ).active
    assert sheet.max_row == 2 and sheet.cell(2, 4).value == "cleaner"
    eligibility = client.get(f"/api/employment/public-welfare/eligibility/{person_id}", params=AS_OF).json()
    assert eligibility["eligible"] and eligibility["is_4050"]
    post = client.post(
        "/api/employment/public-welfare/posts",
        json={"banner_code": "150426", "unit_name": "乌丹镇", "title": "护林员", "opens_on": "2024-01-01"},
    )
    placement = client.post(
        "/api/employment/public-welfare/placements",
        json={"post_id": post.json()["id"], "person_id": person_id, "started_on": "2024-07-01"},
    )
    assert placement.status_code == 201, placement.text
    assert client.get("/api/employment/unemployed").json() == []  # placed in the post
    ended = client.post(
        f"/api/employment/public-welfare/placements/{placement.json()['id']}/end",
        json={"ended_on": "2024-08-01", "reason": "resigned"},
    )
    assert ended.status_code == 200
    again = client.post(
        f"/api/employment/public-welfare/placements/{placement.json()['id']}/end",
        json={"ended_on": "2024-08-02", "reason": "resigned"},
    )
    assert again.status_code == 409
