"""The insurance API and CLI: an officer's story, scope, refused input as field errors, Excel export."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from minsheng.api.app import create_app
from minsheng.api.deps import current_principal
from minsheng.cli import app as cli_app
from minsheng.security.principal import Principal
from minsheng.security.roles import permissions_of
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

from .conftest import BAYANNUR, register, resident_years


def client_as(role: str = "employment_officer", scope: str = "150800") -> TestClient:
    app = create_app()
    principal = Principal("user", 1, "officer-1", "人社专员", role, permissions_of(role), RegionScope(scope))
    app.dependency_overrides[current_principal] = lambda: principal
    return TestClient(app)


def test_officer_sees_the_start_list_enrols_and_exports(engine):
    with unit_of_work() as session:
        farmer = register(session, date(1963, 9, 12))
        resident_years(session, farmer, range(2009, 2023))
        outsider = register(session, date(1963, 9, 20), banner="150102", hukou="urban")
        resident_years(session, outsider, range(2011, 2024), banner="150102")
    client = client_as()
    enrolled = client.post(
        "/api/insurance/enrolments",
        json={
            "person_id": farmer,
            "year": 2023,
            "scheme": "resident_pension",
            "banner_code": BAYANNUR,
            "personal_yuan": "300",
            "subsidy_yuan": "30",
        },
    )
    assert enrolled.status_code == 201, enrolled.text
    again = client.post(
        "/api/insurance/enrolments",
        json={"person_id": farmer, "year": 2023, "scheme": "resident_pension", "banner_code": "150802"},
    )
    assert again.status_code == 409 and again.json()["error"]["fields"][0]["field"] == "scheme"
    too_many = client.post(
        "/api/insurance/enrolments",
        json={
            "person_id": farmer,
            "year": 2022,
            "scheme": "unemployment",
            "banner_code": BAYANNUR,
            "months_paid": 13,
        },
    )
    assert too_many.status_code == 422 and "months_paid" in too_many.text

    starts = client.get("/api/insurance/pension-starts", params={"month": "2023-10"})
    assert starts.status_code == 200
    [row] = starts.json()["starting"]  # the Hohhot resident is outside this officer's league
    assert row["person_id"] == farmer and row["monthly_pension_fen"] == 13_861
    workbook = client.get("/api/insurance/pension-starts", params={"month": "2023-10", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.cell(2, 2).value == "魏延年" and sheet.cell(2, 12).value == 138.61

    awarded = client.post("/api/insurance/pension-starts/2023-10/award")
    assert [a["person_id"] for a in awarded.json()["awarded"]] == [farmer]
    record = client.get(f"/api/insurance/persons/{farmer}", params={"as_of": "2023-11-01"})
    assert record.json()["award"]["monthly_fen"] == 13_861 and record.json()["pension"]["eligible"]
    assert client.get(f"/api/insurance/persons/{outsider}").status_code == 404
    years = client.get(
        f"/api/insurance/persons/{farmer}/contribution-years",
        params={"scheme": "resident_pension", "on": "2023-12-31"},
    )
    assert years.json()["years"] == "15.00"
    assert client.get(f"/api/insurance/persons/{outsider}/contribution-years").status_code == 404

    coverage = client.get("/api/insurance/coverage", params={"year": 2023})
    assert [league["code"] for league in coverage.json()["leagues"]] == ["150800"]
    assert (
        client.get("/api/insurance/uninsured", params={"year": 2023, "banner": "150102"}).status_code == 404
    )


def test_readers_cannot_write(engine):
    client = client_as(role="registry_clerk")
    refused = client.post(
        "/api/insurance/enrolments",
        json={"person_id": 1, "year": 2023, "scheme": "resident_pension", "banner_code": BAYANNUR},
    )
    assert refused.status_code == 403


def test_cli_lists_the_month_and_the_coverage(engine, tmp_path):
    with unit_of_work() as session:
        farmer = register(session, date(1963, 9, 12))
        resident_years(session, farmer, range(2009, 2024))
    runner = CliRunner(env={"COLUMNS": "300"})
    out = tmp_path / "starts.xlsx"
    result = runner.invoke(cli_app, ["insurance", "pension-starts", "--month", "2023-10", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    assert "魏延年" in result.output and "138.61" in result.output and "35.61" in result.output
    assert out.exists()
    result = runner.invoke(cli_app, ["insurance", "coverage", "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert "巴彦淖尔市" in result.output and "17,419,000" in result.output
    bad = runner.invoke(cli_app, ["insurance", "pension-starts", "--month", "2023-13"])
    assert bad.exit_code != 0


def test_pages_show_the_dashboard_the_starts_and_the_record(engine):
    with unit_of_work() as session:
        farmer = register(session, date(1963, 9, 12))
        resident_years(session, farmer, range(2009, 2024))
        short = register(session, date(1963, 9, 2), name="李桂兰", sex="F")
        resident_years(session, short, range(2012, 2024))
        register(session, date(1990, 1, 1), name="赵六")
    client = client_as(role="auditor", scope="150000")
    dashboard = client.get("/insurance", params={"year": 2023})
    assert dashboard.status_code == 200, dashboard.text
    assert "巴彦淖尔市" in dashboard.text and "66.67%" in dashboard.text  # 2 of 3 eligible insured
    assert 'id="insurance-coverage"' in dashboard.text and "17,419,000" in dashboard.text
    starts = client.get("/insurance/pension-starts", params={"month": "2023-10"})
    assert "魏延年" in starts.text and "138.61" in starts.text and "35.61" in starts.text
    assert "李桂兰" in starts.text and "600.00" in starts.text  # three years of arrears offered
    uninsured = client.get("/insurance/uninsured", params={"year": 2023})
    assert "赵六" in uninsured.text and "魏延年" not in uninsured.text
    record = client.get(f"/insurance/persons/{farmer}")
    assert record.status_code == 200 and "国发〔2014〕8号" in record.text and "÷ 139" in record.text
    outside = client_as(role="auditor", scope="150100").get(f"/insurance/persons/{farmer}")
    assert outside.status_code == 404
