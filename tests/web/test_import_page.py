"""The Excel import page: all or nothing, the error report, and the importer's region scope."""

from __future__ import annotations

import io

import openpyxl
from web_workbooks import good, with_errors, write

from minsheng.registry import service
from minsheng.security.scope import RegionScope
from minsheng.store.audit import AuditRecord
from minsheng.store.db import unit_of_work

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, csrf, path):
    token = csrf(client.get("/registry/import").text)
    with path.open("rb") as handle:
        return client.post(
            "/registry/import", data={"csrf_token": token}, files={"file": (path.name, handle, XLSX)}
        )


def _count(engine, code: str) -> int:
    with unit_of_work(engine) as session:
        return service.count_households(session, RegionScope(code))


def test_a_good_file_is_imported_whole(engine, login, csrf, tmp_path):
    client = login("clerk_a")
    answer = _upload(client, csrf, write(tmp_path / "good.xlsx", good("150426")))
    assert answer.status_code == 200 and 'id="import-ok"' in answer.text
    assert _count(engine, "150426") == 2
    assert "阿拉坦" in client.get("/registry").text


def test_a_file_with_errors_writes_nothing_and_offers_its_error_workbook(engine, login, csrf, tmp_path):
    client = login("clerk_a")
    answer = _upload(client, csrf, write(tmp_path / "bad.xlsx", with_errors("150426")))
    assert answer.status_code == 422 and 'id="import-failed"' in answer.text
    assert _count(engine, "150426") == 0
    link = answer.text.split('id="error-workbook" href="')[1].split('"')[0]
    workbook = client.get(link)
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["errors"]
    assert sheet.max_row == 3  # header and the two bad rows
    with unit_of_work(engine) as session:
        assert session.query(AuditRecord).filter_by(action="pii.view", entity="import_errors").count() == 1
    assert login("clerk_b").get(link).status_code == 404  # only the session that uploaded it


def test_households_outside_the_scope_refuse_the_whole_file(engine, login, csrf, tmp_path):
    rows = good("150426") + [
        dict(r, household_ref="X" + r["household_ref"]) for r in good("150102", ("敖登", "托娅"))
    ]
    answer = _upload(login("clerk_a"), csrf, write(tmp_path / "mixed.xlsx", rows))
    assert answer.status_code == 422 and "150102" in answer.text
    assert _count(engine, "150000") == 0


def test_no_file_is_an_error_by_the_field(login, csrf):
    client = login("clerk_a")
    token = csrf(client.get("/registry/import").text)
    answer = client.post("/registry/import", data={"csrf_token": token}, files={"file": ("", b"", XLSX)})
    assert answer.status_code == 422 and 'id="e-file"' in answer.text
