"""Excel export of insurance lists: one sheet, bilingual headers, money in yuan, rates as percentages,
ID numbers and codes as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

from minsheng.money import fen_to_yuan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Column = tuple[str, str, str]  # key, 中文, English


def to_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[Column], sheet: str = "list") -> bytes:
    """Keys ending in `_fen` become yuan with two decimals; keys ending in `rate`/`gap`/`target`/`coverage`
    become percentages."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    page = book.add_worksheet(sheet[:31])
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "text_wrap": True})
    money = book.add_format({"num_format": "#,##0.00"})
    percent = book.add_format({"num_format": "0.00%"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for c, (key, zh, en) in enumerate(columns):
        page.write_string(0, c, f"{zh}\n{en}" + (" (元 yuan)" if key.endswith("_fen") else ""), header)
        page.set_column(c, c, 16)
    for r, row in enumerate(rows, start=1):
        for c, (key, _zh, _en) in enumerate(columns):
            value = row.get(key)
            if value is None:
                continue
            if key.endswith("_fen") and isinstance(value, int):
                page.write_number(r, c, float(fen_to_yuan(value)), money)
            elif isinstance(value, bool):
                page.write_string(r, c, "是 yes" if value else "否 no")
            elif isinstance(value, Decimal) and key.endswith(("rate", "gap", "target", "coverage")):
                page.write_number(r, c, float(value), percent)
            elif isinstance(value, int | float | Decimal):
                page.write_number(r, c, float(value))
            elif isinstance(value, date):
                page.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            else:
                page.write_string(r, c, str(value))
    page.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


COVERAGE_COLUMNS: list[Column] = [
    ("code", "区划代码", "code"),
    ("name_zh", "名称", "name"),
    ("persons", "户籍人口", "persons"),
    ("eligible", "应参保人数(16周岁以上非在校生)", "eligible (16+, not students)"),
    ("pension", "养老保险参保人数", "pension insured"),
    ("employee_pension", "职工养老", "employees' pension"),
    ("resident_pension", "居民养老", "residents' pension"),
    ("pension_rate", "参保率", "participation rate"),
    ("target", "目标", "target"),
    ("gap", "差距", "gap to target"),
    ("persons_to_enrol", "尚需参保人数", "persons still to enrol"),
    ("work_injury", "工伤保险参保人数", "work-injury insured"),
    ("unemployment", "失业保险参保人数", "unemployment insured"),
    ("employed", "就业人数", "employed"),
    ("medical", "基本医疗保险参保人数", "basic medical insured"),
]
STARTS_COLUMNS: list[Column] = [
    ("person_id", "人员编号", "person id"),
    ("name", "姓名", "name"),
    ("id_number_masked", "身份证号", "ID number"),
    ("banner_code", "旗县", "banner"),
    ("birth_date", "出生日期", "birth date"),
    ("start_month", "起领月份", "first month"),
    ("contribution_years", "缴费年限", "years paid"),
    ("basic_national_fen", "基础养老金(国家)", "basic pension (national)"),
    ("basic_topup_fen", "基础养老金(地方提高)", "basic pension (regional top-up)"),
    ("account_balance_fen", "个人账户储存额", "personal account"),
    ("account_pension_fen", "个人账户养老金", "account pension"),
    ("monthly_pension_fen", "月养老金", "monthly pension"),
    ("arrears_years", "可补缴年限", "arrears years offered"),
    ("arrears_fen", "补缴金额", "arrears amount"),
]
UNINSURED_COLUMNS: list[Column] = [
    ("person_id", "人员编号", "person id"),
    ("name", "姓名", "name"),
    ("id_number_masked", "身份证号", "ID number"),
    ("sex", "性别", "sex"),
    ("age", "年龄", "age"),
    ("banner_code", "旗县", "banner"),
    ("hukou", "户籍", "hukou"),
    ("employment_status", "就业状况", "employment status"),
]
