"""Excel export of employment lists: one sheet, bilingual headers, money in yuan, IDs as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import xlsxwriter

from minsheng.money import fen_to_yuan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(
    rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str, str]], sheet: str = "list"
) -> bytes:
    """`columns` are (key, 中文, English); keys ending in `_fen` are written as yuan with two decimals."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    page = book.add_worksheet(sheet[:31])
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "text_wrap": True})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for c, (key, zh, en) in enumerate(columns):
        title = f"{zh}\n{en}" + (" (元 yuan)" if key.endswith("_fen") else "")
        page.write_string(0, c, title, header)
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
            elif isinstance(value, int | float):
                page.write_number(r, c, value)
            elif isinstance(value, date):
                page.write_datetime(r, c, date_to_datetime(value), day)
            elif isinstance(value, list):
                page.write_string(r, c, "、".join(map(str, value)))
            else:
                page.write_string(r, c, str(value))  # IDs and codes stay text
    page.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def date_to_datetime(value: date):
    from datetime import datetime

    return datetime(value.year, value.month, value.day)
