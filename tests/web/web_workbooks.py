"""Registry workbooks for the page and browser tests, in the importer's own column layout."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import openpyxl

from minsheng import idcard
from minsheng.registry import importer

_serial = itertools.count(101)


def id_number(banner: str = "150426", born: date = date(1985, 6, 1)) -> str:
    return idcard.make(banner, born, next(_serial) % 1000)


def row(ref: str, banner: str, relationship: str = "户主", **cells: str) -> dict[str, str]:
    values = {
        "household_ref": ref,
        "id_number": id_number(banner),
        "name": "乌力吉",
        "relationship_to_head": relationship,
        "ethnicity": "蒙古族",
        "hukou": "农村牧区",
        "hukou_region": banner,
        "residence_region": banner,
    }
    values.update(cells)
    return values


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = importer.SHEET
    sheet.append([c.zh for c in importer.COLUMNS])
    sheet.append([c.key for c in importer.COLUMNS])
    for values in rows:
        sheet.append([values.get(c.key) for c in importer.COLUMNS])
    workbook.save(path)
    return path


def good(banner: str, names: tuple[str, str] = ("阿拉坦", "萨仁")) -> list[dict[str, str]]:
    return [
        row("H1", banner, name=names[0], income_wages_yuan="1500", amounts_from="2026-01-01"),
        row("H1", banner, "配偶", name=names[1]),
        row("H2", banner, name=names[0] + "二"),
    ]


def with_errors(banner: str) -> list[dict[str, str]]:
    rows = good(banner)
    bad = id_number(banner)
    rows.append(row("H3", banner, id_number=bad[:17] + ("0" if bad[17] != "0" else "1")))
    rows.append(row("H4", banner, income_wages_yuan="-100"))
    return rows
