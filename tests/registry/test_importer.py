from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from registry_builders import household, new_id_number, person
from sqlalchemy import func, select
from typer.testing import CliRunner

from minsheng.cli import app
from minsheng.registry import importer, service
from minsheng.registry.models import Asset, Household, Income, Person, PersonTag
from minsheng.store.audit import AuditRecord
from minsheng.store.db import unit_of_work

TODAY = date(2024, 7, 15)


def row(ref: str, relationship: str = "户主", **cells) -> dict[str, str]:
    values = {
        "household_ref": ref,
        "id_number": new_id_number(),
        "name": "乌力吉",
        "relationship_to_head": relationship,
        "ethnicity": "蒙古族",
        "hukou": "农村牧区",
        "hukou_region": "150426",
        "residence_region": "150426",
    }
    values.update(cells)
    return values


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = importer.SHEET
    sheet.append([c.zh for c in importer.COLUMNS])
    sheet.append([c.key for c in importer.COLUMNS])
    for values in rows:
        sheet.append([values.get(c.key) for c in importer.COLUMNS])
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.zh for c in importer.COLUMNS])
        writer.writerow([c.key for c in importer.COLUMNS])
        for values in rows:
            writer.writerow([values.get(c.key, "") for c in importer.COLUMNS])
    return path


def good_rows() -> list[dict[str, str]]:
    """Ten persons in four households."""
    return [
        row(
            "H1",
            income_wages_yuan="1200.50",
            deposit_yuan="5000",
            vehicles="1",
            vehicle_value_yuan="30000",
            dwellings="1",
            address="乌兰花镇 1 号",
            tags="脱贫人口、低保对象",
            amounts_from="2024-01-01",
        ),
        row("H1", "配偶", name="其其格", income_business_yuan="300"),
        row("H1", "子女", name="巴雅尔", employment_status="在校学生"),
        row(
            "H2", banner_code="150426", disability_type="肢体残疾", disability_grade="2", serious_illness="是"
        ),
        row("H2", "父母", adl_items_lost="3", expense_illness_rigid_yuan="450.00"),
        row("H2", "孙子女"),
        row("H3", hukou="城镇", hukou_region="150102", residence_region="150102", income_transfer_yuan="600"),
        row("H3", "配偶", hukou="城镇", hukou_region="150102", residence_region="150102"),
        row("H4", "head", education="本科", tags="graduate"),
        row("H4", "sibling"),
    ]


def bad_checksum(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def ten_good_three_bad() -> list[dict[str, str]]:
    rows = good_rows()
    rows.insert(2, row("H1", "子女", id_number=bad_checksum(new_id_number())))  # row 5
    rows.insert(6, row("H2", "配偶", residence_region="150499"))  # row 9
    rows.append(row("H5", income_wages_yuan="-100"))  # row 15
    return rows


def counts(engine) -> tuple[int, int, int]:
    with unit_of_work(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Household)),
            session.scalar(select(func.count()).select_from(Person)),
            session.scalar(select(func.count()).select_from(AuditRecord)),
        )


def run(session, path: Path, **options):
    return importer.import_file(session, path, actor="test", today=TODAY, **options)[0]


def test_ten_good_and_three_bad_rows_write_nothing_and_report_exactly_the_three(engine, tmp_path):
    path = write_xlsx(tmp_path / "people.xlsx", ten_good_three_bad())
    with unit_of_work(engine) as session:
        report = run(session, path)
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [
        (5, "id_number"),
        (9, "residence_region"),
        (15, "income_wages_yuan"),
    ]
    assert "校验码" in report.errors[0].message_zh and "check digit" in report.errors[0].message_en
    assert "150499" in report.errors[1].message_en
    assert "负数" in report.errors[2].message_zh and "negative" in report.errors[2].message_en
    assert counts(engine) == (0, 0, 0)


def test_the_command_prints_the_errors_writes_the_error_workbook_and_exits_1(engine, tmp_path):
    path = write_xlsx(tmp_path / "people.xlsx", ten_good_three_bad())
    errors = tmp_path / "errors.xlsx"
    result = CliRunner().invoke(app, ["registry", "import", str(path), "--errors", str(errors)])
    assert result.exit_code == 1, result.output
    assert "3 处错误" in result.output and "negative" in result.output
    assert counts(engine) == (0, 0, 0)
    book = openpyxl.load_workbook(errors)
    sheet = book[importer.SHEET]
    error_column = sheet.max_column
    assert sheet.cell(row=1, column=error_column).value == "错误 errors"
    marked = [r for r in range(3, sheet.max_row + 1) if sheet.cell(row=r, column=error_column).value]
    assert marked == [5, 9, 15]
    id_column = importer.COLUMNS.index(importer.BY_KEY["id_number"]) + 1
    assert sheet.cell(row=5, column=id_column).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=4, column=id_column).fill.fgColor.rgb in (None, "00000000")
    assert [c.value for c in book["errors"]["A"][1:]] == [5, 9, 15]


def test_a_good_file_is_written_in_full(engine, tmp_path):
    path = write_xlsx(tmp_path / "people.xlsx", good_rows())
    with unit_of_work(engine) as session:
        report = run(session, path)
    assert report.ok and report.written and (report.households, report.persons) == (4, 10)
    with unit_of_work(engine) as session:
        households = session.scalars(select(Household).order_by(Household.id)).all()
        assert [h.household_number for h in households] == [
            "1504260000000001",
            "1504260000000002",
            "1501020000000001",
            "1504260000000003",
        ]
        first = households[0]
        head = first.head
        assert head.sex in ("M", "F") and head.birth_date >= date(1980, 5, 1)
        assert [(i.category, i.monthly_fen, i.effective_from) for i in head.incomes] == [
            ("wages", 120050, date(2024, 1, 1))
        ]
        assert sorted(t.tag for t in head.tags) == ["dibao", "poverty_alleviated"]
        assert sorted((a.kind, a.value_fen, a.quantity) for a in first.assets) == [
            ("deposit", 500000, 1),
            ("dwelling", 0, 1),
            ("vehicle", 3000000, 1),
        ]
        spouse = next(m for m in first.members if m.relationship_to_head == "spouse")
        assert spouse.incomes[0].effective_from == date(2024, 7, 1)  # the month of the import
        second = households[1]
        assert second.head.disability_grade == 2 and second.head.serious_illness
        assert households[2].hukou == "urban"
        assert session.scalar(select(func.count()).select_from(Income)) == 3
        assert session.scalar(select(func.count()).select_from(PersonTag)) == 3
        assert session.scalar(select(func.count()).select_from(Asset)) == 3
        (record,) = session.scalars(select(AuditRecord)).all()
        assert record.action == "registry.import" and record.entity_id == report.sha256
        assert record.after["persons"] == 10 and record.after["file"] == "people.xlsx"
        assert session.scalar(select(Person.id_number_masked).limit(1)).count("*") == 8


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda rows: rows[0].update(amounts_from="2023-02-30"), [(3, "amounts_from", "不存在")]),
        (lambda rows: rows[1].update(id_number=rows[0]["id_number"]), [(4, "id_number", "第 3 行")]),
        (
            lambda rows: rows[8].update(relationship_to_head="子女"),
            [(11, "relationship_to_head", "没有户主")],
        ),
        (
            lambda rows: rows[9].update(relationship_to_head="户主"),
            [(12, "relationship_to_head", "2 名户主")],
        ),
        (lambda rows: rows[3].update(disability_grade="5"), [(6, "disability_grade", "过大")]),
        (lambda rows: rows[4].update(hukou="外星"), [(7, "hukou", "外星")]),
        (lambda rows: rows[4].update(address="另一个地址"), [(7, "address", "户主行")]),
        (lambda rows: rows[0].update(deposit_yuan="-1"), [(3, "deposit_yuan", "负数")]),
        (lambda rows: rows[0].update(hukou_region="150400"), [(3, "hukou_region", "旗县区")]),
    ],
)
def test_each_rule_names_the_row_and_the_column(sqlite_engine, tmp_path, change, expected):
    rows = good_rows()
    change(rows)
    path = write_csv(tmp_path / "people.csv", rows)
    with unit_of_work(sqlite_engine) as session:
        report = run(session, path)
    assert [(e.row, e.column) for e in report.errors] == [(r, c) for r, c, _m in expected]
    for error, (_r, _c, text) in zip(report.errors, expected, strict=True):
        assert text in error.message_zh
    assert counts(sqlite_engine) == (0, 0, 0)


def test_a_person_already_registered_is_refused_with_the_record_named(engine, tmp_path):
    rows = good_rows()
    with unit_of_work(engine) as session:
        existing = service.register_household(
            session, household(person("head", id_number=rows[5]["id_number"])), actor="t"
        )
        number = existing.household_number
    path = write_xlsx(tmp_path / "people.xlsx", rows)
    with unit_of_work(engine) as session:
        report = run(session, path)
    assert [(e.row, e.column) for e in report.errors] == [(8, "id_number")]
    assert number in report.errors[0].message_en and "person" in report.errors[0].message_en
    assert counts(engine)[:2] == (1, 1)


def test_dry_run_checks_and_writes_nothing(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "people.csv", good_rows())
    result = CliRunner().invoke(app, ["registry", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "4 户" in result.output and "10 人" in result.output
    assert counts(sqlite_engine) == (0, 0, 0)
    result = CliRunner().invoke(app, ["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert counts(sqlite_engine) == (4, 10, 1)


def test_the_template_lists_every_column_with_its_vocabulary(tmp_path):
    path = importer.write_template(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(path)
    persons = book[importer.SHEET]
    assert [c.value for c in persons[2]] == [c.key for c in importer.COLUMNS]
    assert persons["B1"].value == "身份证号码"
    notes = book[importer.INSTRUCTIONS_SHEET]
    keys = [r[2].value for r in notes.iter_rows(min_row=1) if r[2].value in importer.BY_KEY]
    assert keys == [c.key for c in importer.COLUMNS]
    relationship = next(r for r in notes.iter_rows() if r[2].value == "relationship_to_head")
    assert "户主 (head)" in relationship[5].value
    # the template itself, filled in, imports
    filled = write_xlsx(tmp_path / "filled.xlsx", good_rows())
    assert importer.read_sheet(filled).keys == importer.read_sheet(path).keys
