"""Excel export of a list: one sheet, bilingual headers, money in yuan, rates as percentages,
ID numbers and codes as text (a number format would drop an ID's leading digits and its X)."""

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
PERCENT_KEYS = ("rate", "gap", "target", "coverage")


def to_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[Column], sheet: str = "list") -> bytes:
    """Keys ending in `_fen` become yuan with two decimals; Decimal values of keys ending in
    `rate`/`gap`/`target`/`coverage` become percentages; lists are joined with 、."""
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
            elif isinstance(value, Decimal) and key.endswith(PERCENT_KEYS):
                page.write_number(r, c, float(value), percent)
            elif isinstance(value, int | float | Decimal):
                page.write_number(r, c, float(value))
            elif isinstance(value, date):
                page.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, list):
                page.write_string(r, c, "、".join(map(str, value)))
            else:
                page.write_string(r, c, str(value))
    page.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
