"""Import of the registry from Excel or CSV: all or nothing, every bad row reported.

Layout (the template writes it, `instructions` explains it): one row per person. Rows with the same
`household_ref` (户编号) form one household; exactly one of them is the head (户主), and the head's row
also carries the household's columns (banner, address, assets). Row 1 holds the Chinese column names,
row 2 the English keys; data start on row 3. A CSV may have either header row, or both.

Every row is checked before anything is written. If any row is bad, nothing is written and the caller
gets every problem (spreadsheet row, column, message in Chinese and English); `write_error_workbook`
returns the rows with the bad cells highlighted. A good file is written in one transaction through
SQLAlchemy Core executemany (never ORM objects one by one), with one audit record for the file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.orm import Session

from minsheng import idcard
from minsheng.registry import vocabulary as vocab
from minsheng.registry.models import Asset, Expense, Household, Income, Person, PersonTag
from minsheng.registry.schemas import AssetIn, PersonIn, check_banner, check_yuan, field_errors
from minsheng.registry.service import HOUSEHOLD_SERIAL_DIGITS
from minsheng.security import pii
from minsheng.store import audit
from minsheng.store.base import utcnow

SHEET = "persons"
INSTRUCTIONS_SHEET = "instructions"
HEADER_ROWS = 2  # Chinese names, then English keys
LOOKUP_CHUNK = 1000

Progress = Callable[[str, int, int], None]  # (stage, advance, total)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    vocabulary: dict[str, tuple[str, str]] | tuple[str, ...] | None = None
    example: str = ""
    household: bool = False  # read from the head's row only
    note_zh: str = ""
    note_en: str = ""


def _amount_columns(prefix: str, categories: dict[str, tuple[str, str]], what_zh: str) -> list[Column]:
    return [
        Column(
            f"{prefix}_{code}_yuan",
            f"{what_zh}:{zh}(元/月)",
            f"{prefix} {en}, yuan a month",
            example="1500.00" if code == "wages" else "",
            note_zh="月金额,元,最多两位小数,不得为负",
            note_en="monthly amount in yuan, up to two decimals, not negative",
        )
        for code, (zh, en) in categories.items()
    ]


YES = {"是", "有", "y", "yes", "true", "1"}
NO = {"否", "无", "n", "no", "false", "0"}

COLUMNS: list[Column] = [
    Column(
        "household_ref",
        "户编号",
        "household reference",
        True,
        example="H001",
        note_zh="同一户的成员填同一编号(仅用于本文件分组)",
        note_en="the same reference on every member of a household (groups rows in this file)",
    ),
    Column(
        "id_number",
        "身份证号码",
        "ID number",
        True,
        example="150426198005010013",
        note_zh="18位,末位可为X;出生日期与性别由号码读取",
        note_en="18 characters; birth date and sex are read from it",
    ),
    Column("name", "姓名", "name", True, example="巴特尔"),
    Column(
        "relationship_to_head",
        "与户主关系",
        "relationship to head",
        True,
        vocab.RELATIONSHIP,
        "户主",
        note_zh="每户有且只有一名户主",
        note_en="exactly one head per household",
    ),
    Column("ethnicity", "民族", "ethnicity", False, vocab.ETHNICITIES, "蒙古族"),
    Column("hukou", "户籍性质", "hukou", True, vocab.HUKOU, "农村牧区"),
    Column(
        "hukou_region",
        "户籍地旗县区代码",
        "hukou banner code",
        True,
        example="150426",
        note_zh="6位旗县区代码(GB/T 2260)",
        note_en="six-digit banner/county code (GB/T 2260)",
    ),
    Column(
        "residence_region",
        "居住地旗县区代码",
        "residence banner code",
        True,
        example="150426",
        note_zh="6位旗县区代码(GB/T 2260)",
        note_en="six-digit banner/county code (GB/T 2260)",
    ),
    Column("phone", "联系电话", "phone", example="13800000000"),
    Column("bank_account", "银行账号", "bank account", example="6228480000000000000"),
    Column("education", "文化程度", "education", False, vocab.EDUCATION, "初中"),
    Column("employment_status", "就业状况", "employment status", False, vocab.EMPLOYMENT_STATUS, "务农牧"),
    Column(
        "disability_type",
        "残疾类别",
        "disability type",
        False,
        vocab.DISABILITY_TYPE,
        "",
        note_zh="与残疾等级同填或同空",
        note_en="together with the grade, or both empty",
    ),
    Column(
        "disability_grade",
        "残疾等级",
        "disability grade",
        example="",
        note_zh="1–4 级",
        note_en="grade 1 to 4",
    ),
    Column(
        "serious_illness",
        "是否患重特大疾病",
        "serious illness",
        example="否",
        note_zh="是 / 否(空为否)",
        note_en="yes / no (empty means no)",
    ),
    Column(
        "adl_items_lost",
        "日常生活能力丧失项数",
        "ADL items lost",
        example="0",
        note_zh="0–6 项(空为0)",
        note_en="0 to 6 (empty means 0)",
    ),
    *_amount_columns("income", vocab.INCOME_CATEGORY, "收入"),
    *_amount_columns("expense", vocab.EXPENSE_CATEGORY, "支出"),
    Column(
        "amounts_from",
        "收支起始日期",
        "incomes and expenses valid from",
        example="2024-01-01",
        note_zh="YYYY-MM-DD;空为导入当月1日",
        note_en="YYYY-MM-DD; empty means the 1st of the import month",
    ),
    Column(
        "tags",
        "重点群体标签",
        "key-group tags",
        False,
        vocab.KEY_GROUP_TAG,
        "脱贫人口、低保对象",
        note_zh="多个用顿号或逗号分隔",
        note_en="several separated by 、 or commas",
    ),
    Column(
        "banner_code",
        "户所在旗县区代码",
        "household banner code",
        example="150426",
        household=True,
        note_zh="户主行填写;空为户主居住地",
        note_en="on the head's row; empty means the head's residence",
    ),
    Column("address", "家庭住址", "address", example="四子王旗乌兰花镇某嘎查", household=True),
    Column("deposit_yuan", "存款(元)", "deposits, yuan", example="20000", household=True),
    Column("securities_yuan", "有价证券/理财(元)", "securities and funds, yuan", household=True),
    Column("vehicles", "机动车辆数", "motor vehicles", example="0", household=True),
    Column("vehicle_value_yuan", "机动车辆价值(元)", "value of motor vehicles, yuan", household=True),
    Column("dwellings", "房产套数", "dwellings", example="1", household=True),
    Column("business_assets_yuan", "经营性资产(元)", "business assets, yuan", household=True),
    Column("other_assets_yuan", "其他财产(元)", "other assets, yuan", household=True),
]
BY_KEY = {c.key: c for c in COLUMNS}
INCOME_COLUMNS = [c.key for c in COLUMNS if c.key.startswith("income_")]
EXPENSE_COLUMNS = [c.key for c in COLUMNS if c.key.startswith("expense_")]
HOUSEHOLD_COLUMNS = [c.key for c in COLUMNS if c.household]


# ---------------------------------------------------------------- reading


@dataclass
class Sheet:
    """The file's cells as text: header rows, data rows and each column's key (None if unknown)."""

    header_rows: list[list[str | None]]
    rows: list[list[str | None]]
    keys: list[str | None]
    first_data_row: int  # the spreadsheet row number of rows[0]

    def row_number(self, index: int) -> int:
        return self.first_data_row + index


def _label_to_key() -> dict[str, str]:
    found = {}
    for c in COLUMNS:
        found[c.key.lower()] = c.key
        found[c.zh] = c.key
    return found


def read_sheet(path: Path) -> Sheet:
    """Every cell as text (Excel keeps only 15 significant digits of a number: IDs must stay text)."""
    import polars as pl

    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        import fastexcel

        sheets = fastexcel.read_excel(str(path)).sheet_names
        frame = pl.read_excel(
            path,
            sheet_name=SHEET if SHEET in sheets else sheets[0],
            has_header=False,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    elif path.suffix.lower() == ".csv":
        frame = pl.read_csv(path, has_header=False, infer_schema=False, encoding="utf8-lossy")
    else:
        raise ValueError(f"只支持 .xlsx 和 .csv 文件 / only .xlsx and .csv files are supported: {path.name}")
    cells = [[_clean(v) for v in row] for row in frame.rows()]
    if cells and cells[0] and cells[0][0]:
        cells[0][0] = cells[0][0].lstrip("\ufeff")
    labels = _label_to_key()
    header_count = 0
    keys: list[str | None] = []
    for row in cells[:HEADER_ROWS]:
        row_keys = [labels.get((v or "").strip(), labels.get((v or "").strip().lower())) for v in row]
        if sum(k is not None for k in row_keys) >= 2:  # a header row names columns, data do not
            header_count += 1
            keys = [k or (keys[i] if i < len(keys) else None) for i, k in enumerate(row_keys)]
        else:
            break
    return Sheet(cells[:header_count], cells[header_count:], keys, header_count + 1)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it
    column: str  # the column key
    message_zh: str
    message_en: str

    @property
    def column_label(self) -> str:
        column = BY_KEY.get(self.column)
        return f"{column.zh} {self.column}" if column else self.column


@dataclass
class PreparedPerson:
    row: int
    person: PersonIn
    number: str
    id_hash: str


@dataclass
class PreparedHousehold:
    ref: str
    banner_code: str
    hukou: str
    address: str | None
    members: list[PreparedPerson]
    assets: list[AssetIn]


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    rows: int = 0
    households: int = 0
    persons: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")


def parse_date(text: str) -> date:
    """A calendar date; a date that does not exist (2023-02-30) is refused."""
    value = re.sub(r"[ T]00:00:00(\.0+)?$", "", text.strip())
    shape = re.fullmatch(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})", value)
    if not shape:
        raise ValueError(f"日期「{text}」格式应为 YYYY-MM-DD", f"date {text!r} should be YYYY-MM-DD")
    try:
        return date(int(shape[1]), int(shape[2]), int(shape[3]))
    except ValueError:
        raise ValueError(f"日期 {value} 不存在", f"date {value} does not exist") from None


def _integer_text(text: str | None) -> str | None:
    """Excel turns 3 into '3.0'; a whole number stays whole."""
    if text is not None and re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text


def _split_tags(text: str | None) -> list[str]:
    return [t.strip() for t in re.split(r"[、,,;;\s]+", text or "") if t.strip()]


def _person_values(
    cells: dict[str, str | None], amounts_from: date | None
) -> tuple[dict, list[str], list[str]]:
    values: dict[str, Any] = {
        key: cells.get(key)
        for key in (
            "id_number",
            "name",
            "relationship_to_head",
            "ethnicity",
            "hukou",
            "hukou_region",
            "residence_region",
            "phone",
            "bank_account",
            "education",
            "employment_status",
            "disability_type",
        )
    }
    values["disability_grade"] = _integer_text(cells.get("disability_grade"))
    values["adl_items_lost"] = _integer_text(cells.get("adl_items_lost")) or 0
    income_keys = [k for k in INCOME_COLUMNS if cells.get(k) is not None]
    expense_keys = [k for k in EXPENSE_COLUMNS if cells.get(k) is not None]
    values["incomes"] = [
        {
            "category": k.removeprefix("income_").removesuffix("_yuan"),
            "monthly_yuan": cells[k],
            "effective_from": amounts_from,
        }
        for k in income_keys
    ]
    values["expenses"] = [
        {
            "category": k.removeprefix("expense_").removesuffix("_yuan"),
            "monthly_yuan": cells[k],
            "effective_from": amounts_from,
        }
        for k in expense_keys
    ]
    values["tags"] = _split_tags(cells.get("tags"))
    return {k: v for k, v in values.items() if v is not None}, income_keys, expense_keys


def _column_of(location: tuple, income_keys: list[str], expense_keys: list[str]) -> str:
    head = str(location[0]) if location else "id_number"
    if head in ("incomes", "expenses") and len(location) >= 2:
        if len(location) >= 3 and location[2] in ("effective_from", "effective_to"):
            return "amounts_from"
        keys = income_keys if head == "incomes" else expense_keys
        return keys[int(location[1])]
    if head == "tags":
        return "tags"
    return head if head in BY_KEY else "id_number"


def _check_row(cells: dict[str, str | None], row: int, today: date) -> tuple[PersonIn | None, list[RowError]]:
    errors: list[RowError] = []
    amounts_from = today.replace(day=1)
    if cells.get("amounts_from"):
        try:
            amounts_from = parse_date(cells["amounts_from"])
        except ValueError as problem:
            errors.append(RowError(row, "amounts_from", *problem.args))
            amounts_from = None
    illness = (cells.get("serious_illness") or "否").lower()
    if illness not in YES | NO:
        errors.append(
            RowError(
                row,
                "serious_illness",
                f"应填 是 或 否,实为「{illness}」",
                f"must be yes or no, not {illness!r}",
            )
        )
    values, income_keys, expense_keys = _person_values(cells, amounts_from or today)
    values["serious_illness"] = illness in YES
    for key in ("id_number", "name", "relationship_to_head", "hukou", "hukou_region", "residence_region"):
        if key not in values:
            column = BY_KEY[key]
            errors.append(RowError(row, key, f"{column.zh}必填", f"{column.en} is required"))
    try:
        person = PersonIn.model_validate(values)
    except ValidationError as problem:
        for item, mapped in zip(problem.errors(), field_errors(problem), strict=True):
            column = _column_of(item["loc"] or (mapped.field,), income_keys, expense_keys)
            if item["type"] == "missing" or (column == "amounts_from" and amounts_from is None):
                continue  # reported above
            zh = mapped.message_zh.split(": ", 1)[-1]
            en = mapped.message_en.split(": ", 1)[-1]
            errors.append(RowError(row, column, zh, en))
        return None, errors
    return (None if errors else person), errors


def _is_head(text: str | None) -> bool:
    return (text or "").strip().lower() in ("head", vocab.RELATIONSHIP["head"][0])


def _household_cells(cells: dict[str, str | None]) -> dict[str, str | None]:
    return {k: cells.get(k) for k in HOUSEHOLD_COLUMNS}


def _assets(cells: dict[str, str | None], row: int) -> tuple[list[AssetIn], list[RowError]]:
    errors: list[RowError] = []
    amounts: dict[str, Any] = {}
    for key in (
        "deposit_yuan",
        "securities_yuan",
        "vehicle_value_yuan",
        "business_assets_yuan",
        "other_assets_yuan",
    ):
        if cells.get(key):
            try:
                amounts[key] = check_yuan(cells[key])
            except Exception as problem:  # PydanticCustomError
                context = getattr(problem, "context", None) or {}
                errors.append(
                    RowError(
                        row,
                        key,
                        context.get("message_zh", str(problem)),
                        context.get("message_en", str(problem)),
                    )
                )
    counts: dict[str, int] = {}
    for key in ("vehicles", "dwellings"):
        text = _integer_text(cells.get(key))
        if text is None:
            continue
        if not re.fullmatch(r"\d{1,4}", text):
            errors.append(
                RowError(
                    row, key, f"应为不小于0的整数,实为「{text}」", f"must be a whole number ≥ 0, not {text!r}"
                )
            )
        else:
            counts[key] = int(text)
    if errors:
        return [], errors
    assets = []
    for key, kind in (
        ("deposit_yuan", "deposit"),
        ("securities_yuan", "securities"),
        ("business_assets_yuan", "business"),
        ("other_assets_yuan", "other"),
    ):
        if amounts.get(key):
            assets.append(AssetIn(kind=kind, value_yuan=amounts[key]))
    vehicles = counts.get("vehicles", 0)
    if vehicles or amounts.get("vehicle_value_yuan"):
        assets.append(
            AssetIn(
                kind="vehicle", value_yuan=amounts.get("vehicle_value_yuan", 0), quantity=max(vehicles, 1)
            )
        )
    if counts.get("dwellings"):
        assets.append(AssetIn(kind="dwelling", value_yuan=0, quantity=counts["dwellings"]))
    return assets, errors


def check_sheet(
    session: Session, sheet: Sheet, *, today: date | None = None, progress: Progress | None = None
) -> tuple[list[PreparedHousehold], list[RowError]]:
    """Check every row, every household and every ID number against the file and the database."""
    today = today or date.today()
    errors: list[RowError] = []
    if "id_number" not in sheet.keys or "household_ref" not in sheet.keys:
        missing = [k for k in ("household_ref", "id_number") if k not in sheet.keys]
        return [], [
            RowError(
                1,
                k,
                f"缺少列「{BY_KEY[k].zh}」(表头第1行中文名或第2行英文名)",
                f"column {k!r} is missing from the header",
            )
            for k in missing
        ]
    positions = [(i, k) for i, k in enumerate(sheet.keys) if k is not None]
    groups: dict[str, list[tuple[int, dict[str, str | None], PersonIn | None]]] = {}
    seen: dict[str, int] = {}
    total = len(sheet.rows)
    for index, raw in enumerate(sheet.rows):
        if progress and index % 5000 == 0:
            progress("检查 checking", min(5000, total - index), total)
        if not any(raw):
            continue
        row = sheet.row_number(index)
        cells = {k: raw[i] if i < len(raw) else None for i, k in positions}
        person, row_errors = _check_row(cells, row, today)
        errors.extend(row_errors)
        if person is not None:
            if person.id_number in seen:
                errors.append(
                    RowError(
                        row,
                        "id_number",
                        f"身份证号 {idcard.mask(person.id_number)} 与第 {seen[person.id_number]} 行重复",
                        f"ID number {idcard.mask(person.id_number)} repeats row {seen[person.id_number]}",
                    )
                )
            else:
                seen[person.id_number] = row
        ref = cells.get("household_ref")
        if ref is None:
            errors.append(RowError(row, "household_ref", "户编号必填", "household reference is required"))
            continue
        groups.setdefault(ref, []).append((row, cells, person))

    prepared: list[PreparedHousehold] = []
    for ref, members in groups.items():
        heads = [(row, cells) for row, cells, _p in members if _is_head(cells.get("relationship_to_head"))]
        if not heads:
            errors.append(
                RowError(
                    members[0][0],
                    "relationship_to_head",
                    f"户 {ref} 没有户主",
                    f"household {ref} has no head",
                )
            )
            continue
        if len(heads) > 1:
            for row, _cells in heads[1:]:
                errors.append(
                    RowError(
                        row,
                        "relationship_to_head",
                        f"户 {ref} 有 {len(heads)} 名户主(第 {heads[0][0]} 行已是户主)",
                        f"household {ref} has {len(heads)} heads (row {heads[0][0]} is the head)",
                    )
                )
            continue
        head_row, head_cells = heads[0]
        own = _household_cells(head_cells)
        for row, cells, _p in members:
            if row == head_row:
                continue
            for key, value in _household_cells(cells).items():
                if value is not None and value != own[key]:
                    errors.append(
                        RowError(
                            row,
                            key,
                            "户级字段只在户主行填写",
                            "household columns are filled on the head's row only",
                        )
                    )
        banner = own["banner_code"] or head_cells.get("residence_region")
        try:
            banner = check_banner(banner or "")
        except Exception as problem:
            context = getattr(problem, "context", None) or {}
            column = "banner_code" if own["banner_code"] else "residence_region"
            if own["banner_code"]:
                errors.append(
                    RowError(head_row, column, context.get("message_zh", ""), context.get("message_en", ""))
                )
            continue
        assets, asset_errors = _assets(own, head_row)
        errors.extend(asset_errors)
        people = [p for _r, _c, p in members]
        if asset_errors or any(p is None for p in people):
            continue
        head = next(p for p in people if p.relationship_to_head == "head")
        prepared.append(
            PreparedHousehold(
                ref=ref,
                banner_code=banner,
                hukou=head.hukou,
                address=own["address"],
                members=[PreparedPerson(row, p, p.id_number, "") for (row, _c, p) in members],
                assets=assets,
            )
        )
    _check_database(session, prepared, seen, errors, progress)
    errors.sort(key=lambda e: (e.row, list(BY_KEY).index(e.column) if e.column in BY_KEY else 0))
    return prepared, errors


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_database(
    session: Session,
    prepared: list[PreparedHousehold],
    rows_by_number: dict[str, int],
    errors: list[RowError],
    progress: Progress | None,
) -> None:
    """One record per ID number: a number already registered is named with its record."""
    by_hash = {pii.blind_index(number): number for number in rows_by_number}
    hash_of = {number: id_hash for id_hash, number in by_hash.items()}
    for household in prepared:
        for member in household.members:
            member.id_hash = hash_of[member.number]
    hashes = list(by_hash)
    for chunk in _chunks(hashes, LOOKUP_CHUNK):
        if progress:
            progress("查重 duplicates", len(chunk), len(hashes))
        found = session.execute(
            select(Person.id, Person.id_number_hash, Person.id_number_masked, Household.household_number)
            .outerjoin(Household, Person.household_id == Household.id)
            .where(Person.id_number_hash.in_(chunk))
        ).all()
        for person_id, id_hash, masked, household_number in found:
            where_zh = f"户编号 {household_number}" if household_number else "未入户"
            where_en = f"household {household_number}" if household_number else "in no household"
            errors.append(
                RowError(
                    rows_by_number[by_hash[id_hash]],
                    "id_number",
                    f"身份证号已登记:{masked}(人员 {person_id},{where_zh})",
                    f"ID number already registered: {masked} (person {person_id}, {where_en})",
                )
            )


# ---------------------------------------------------------------- writing


def _next_serials(session: Session, banners: Iterable[str]) -> dict[str, int]:
    found = dict(
        session.execute(
            select(Household.banner_code, func.max(Household.household_number))
            .where(Household.banner_code.in_(sorted(set(banners))))
            .group_by(Household.banner_code)
        ).all()
    )
    return {banner: int(number[len(banner) :]) + 1 for banner, number in found.items() if number}


def allocate_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """Primary keys for rows about to be inserted, so children can point at them without RETURNING.

    PostgreSQL draws them from the table's sequence. SQLite counts on from the highest id: the caller's
    transaction already holds SQLite's write lock (the import's audit record is written first).
    """
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
        return list(
            connection.execute(
                text(f"SELECT nextval({sequence}) FROM generate_series(1, :count)"), {"count": count}
            ).scalars()
        )
    highest = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(highest + 1, highest + 1 + count))


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL; elsewhere the driver's executemany of the Core insert, values converted
    by each column type's own bind processor (what SQLAlchemy would do, minus its per-row work)."""
    if not rows:
        return
    columns = list(rows[0])
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    statement = insert(table).compile(dialect=connection.dialect, column_keys=columns)
    if connection.dialect.paramstyle != "qmark":
        connection.execute(insert(table), rows)
        return
    # The statement's own parameter order, whatever the order of the dictionaries.
    processors = [(c, table.c[c].type.bind_processor(connection.dialect)) for c in statement.positiontup]
    values = [
        tuple(
            process(row[c]) if process is not None and row[c] is not None else row[c]
            for c, process in processors
        )
        for row in rows
    ]
    connection.exec_driver_sql(str(statement), values)


def write_households(
    session: Session,
    households: list[PreparedHousehold],
    *,
    progress: Progress | None = None,
    batch: int = 10_000,
) -> tuple[int, int]:
    """Insert households, persons, incomes, expenses, tags and assets in bulk (no ORM objects)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":  # take the write lock before counting ids
        connection.execute(text("UPDATE household SET version = version WHERE 1 = 0"))
    now = utcnow()
    serials = _next_serials(session, (h.banner_code for h in households))
    total_persons = sum(len(h.members) for h in households)
    household_ids = iter(allocate_ids(connection, Household.__table__, len(households)))
    person_ids = iter(allocate_ids(connection, Person.__table__, total_persons))
    for chunk in _chunks(households, batch):
        household_rows, person_rows, asset_rows = [], [], []
        income_rows, expense_rows, tag_rows = [], [], []
        for h in chunk:
            household_id = next(household_ids)
            serial = serials.get(h.banner_code, 1)
            serials[h.banner_code] = serial + 1
            household_rows.append(
                {
                    "id": household_id,
                    "household_number": f"{h.banner_code}{serial:0{HOUSEHOLD_SERIAL_DIGITS}d}",
                    "banner_code": h.banner_code,
                    "hukou": h.hukou,
                    "address": h.address,
                    "created_at": now,
                    "dissolved_on": None,
                    "version": 1,
                    "updated_at": now,
                }
            )
            asset_rows += [
                {
                    "household_id": household_id,
                    "kind": a.kind,
                    "value_fen": a.value_fen,
                    "quantity": a.quantity,
                    "exempt": a.exempt,
                    "note": a.note,
                }
                for a in h.assets
            ]
            for m in h.members:
                person_id, p = next(person_ids), m.person
                parsed = p.parsed_id
                person_rows.append(
                    {
                        "id": person_id,
                        "id_number_hash": m.id_hash,
                        "id_number_cipher": pii.encrypt(parsed.number),
                        "id_number_masked": idcard.mask(parsed.number),
                        "name": p.name,
                        "sex": parsed.sex,
                        "birth_date": parsed.birth_date,
                        "ethnicity": p.ethnicity,
                        "hukou": p.hukou,
                        "hukou_region": p.hukou_region,
                        "residence_region": p.residence_region,
                        "phone": p.phone,
                        "bank_account": p.bank_account,
                        "household_id": household_id,
                        "relationship_to_head": p.relationship_to_head,
                        "education": p.education,
                        "employment_status": p.employment_status,
                        "disability_type": p.disability_type,
                        "disability_grade": p.disability_grade,
                        "serious_illness": p.serious_illness,
                        "adl_items_lost": p.adl_items_lost,
                        "death_date": None,
                        "created_at": now,
                        "version": 1,
                        "updated_at": now,
                    }
                )
                income_rows += [
                    {
                        "person_id": person_id,
                        "category": i.category,
                        "monthly_fen": i.monthly_fen,
                        "effective_from": i.effective_from,
                        "effective_to": None,
                        "source": "import",
                    }
                    for i in p.incomes
                    if i.monthly_fen
                ]
                expense_rows += [
                    {
                        "person_id": person_id,
                        "category": e.category,
                        "monthly_fen": e.monthly_fen,
                        "effective_from": e.effective_from,
                        "effective_to": None,
                    }
                    for e in p.expenses
                    if e.monthly_fen
                ]
                tag_rows += [{"person_id": person_id, "tag": t, "since": None} for t in p.tags]
        for model, rows in (
            (Household, household_rows),
            (Person, person_rows),
            (Income, income_rows),
            (Expense, expense_rows),
            (PersonTag, tag_rows),
            (Asset, asset_rows),
        ):
            bulk_insert(connection, model.__table__, rows)
        if progress:
            progress("写入 writing", len(person_rows), total_persons)
    return len(households), total_persons


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    session: Session,
    path: Path,
    *,
    actor: str,
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> tuple[ImportReport, Sheet]:
    """Check the whole file; write it in the session's transaction only if every row is good."""
    report = ImportReport(file_name=path.name, sha256=file_sha256(path), dry_run=dry_run)
    sheet = read_sheet(path)
    report.rows = sum(1 for row in sheet.rows if any(row))
    prepared, report.errors = check_sheet(session, sheet, today=today, progress=progress)
    report.households = len(prepared)
    report.persons = sum(len(h.members) for h in prepared)
    if report.errors or dry_run:
        return report, sheet
    # The audit record first: on SQLite it also takes the write lock the id allocation relies on.
    audit.append(
        session,
        actor=actor,
        action="registry.import",
        entity="import",
        entity_id=report.sha256,
        after={
            "file": report.file_name,
            "sha256": report.sha256,
            "rows": report.rows,
            "households": report.households,
            "persons": report.persons,
        },
    )
    session.flush()
    write_households(session, prepared, progress=progress)
    report.written = True
    return report, sheet


# ---------------------------------------------------------------- workbooks


def write_error_workbook(sheet: Sheet, errors: list[RowError], out: Path) -> Path:
    """The original rows with an error column; each bad cell filled red, with its message."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    bad = PatternFill("solid", fgColor="FFC7CE")
    bold = Font(bold=True)
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    column_index = {k: i for i, k in enumerate(sheet.keys) if k}
    workbook = Workbook(write_only=True)
    rows_sheet = workbook.create_sheet(SHEET)
    width = max([len(sheet.keys), *(len(r) for r in sheet.header_rows)])
    for header in sheet.header_rows:
        cells = [WriteOnlyCell(rows_sheet, value=v) for v in header] + [None] * (width - len(header))
        error_header = WriteOnlyCell(rows_sheet, value="错误 errors")
        for cell in [*cells, error_header]:
            if cell is not None:
                cell.font = bold
        rows_sheet.append([c if c is not None else "" for c in cells] + [error_header])
    for index, raw in enumerate(sheet.rows):
        row = sheet.row_number(index)
        cells = [WriteOnlyCell(rows_sheet, value=v) for v in raw] + [
            WriteOnlyCell(rows_sheet) for _ in range(width - len(raw))
        ]
        problems = by_row.get(row, [])
        for problem in problems:
            position = column_index.get(problem.column)
            if position is not None:
                cells[position].fill = bad
        message = WriteOnlyCell(
            rows_sheet,
            value="\n".join(f"{p.column_label}: {p.message_zh} / {p.message_en}" for p in problems) or None,
        )
        if problems:
            message.fill = bad
            message.alignment = Alignment(wrap_text=True)
        rows_sheet.append([*cells, message])
    listing = workbook.create_sheet("errors")
    listing.append(["行 row", "列 column", "错误 message (zh)", "error (en)"])
    for error in errors:
        listing.append([error.row, error.column_label, error.message_zh, error.message_en])
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def _vocabulary_text(column: Column) -> str:
    if column.vocabulary is None:
        return ""
    if isinstance(column.vocabulary, tuple):
        return "、".join(column.vocabulary)
    return "; ".join(f"{zh} ({code})" for code, (zh, _en) in column.vocabulary.items())


def write_template(out: Path) -> Path:
    """The styled template: the persons sheet to fill, and the instructions for every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    person_fill = PatternFill("solid", fgColor="DDEBF7")
    household_fill = PatternFill("solid", fgColor="FCE4D6")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        zh = sheet.cell(row=1, column=index, value=column.zh)
        en = sheet.cell(row=2, column=index, value=column.key)
        zh.font = Font(bold=True, color="C00000" if column.required else "000000")
        en.font = Font(italic=True, color="595959", size=9)
        for cell in (zh, en):
            cell.fill = household_fill if column.household else person_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = max(12, min(28, len(column.zh) * 2 + 2))
        sheet.column_dimensions[letter].number_format = "@"  # IDs, codes and dates stay text
        if isinstance(column.vocabulary, dict) or column.key == "serious_illness":
            options = (
                ["是", "否"]
                if column.key == "serious_illness"
                else [zh for zh, _en in column.vocabulary.values()]
            )
            if column.key != "tags":
                check = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
                check.add(f"{letter}3:{letter}100000")
                sheet.add_data_validation(check)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "C3"

    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    lines = [
        ("民生 · 人员与家庭户登记导入模板", "minsheng · registry import template"),
        (
            "每行一人;同一户成员的「户编号」相同。每户有且只有一名户主。",
            "One row per person; members of a household share the household reference. Exactly one head each.",
        ),
        (
            "户级字段(橙色表头:所在旗县、住址、财产)只在户主行填写。",
            "Household columns (orange headers: banner, address, assets) go on the head's row only.",
        ),
        (
            "第1行为中文列名,第2行为英文列名,数据从第3行开始。身份证号请以文本录入。",
            "Row 1: Chinese names, row 2: English keys, data from row 3. Type ID numbers as text.",
        ),
        (
            "金额单位为元,最多两位小数;日期格式 YYYY-MM-DD。取值可填中文或英文代码。",
            "Amounts in yuan, up to two decimals; dates as YYYY-MM-DD. Coded values: Chinese label or code.",
        ),
        (
            "导入为全部成功或全部不写入:任何一行有错,均不写入,并给出错误清单与标注错误的工作簿。",
            "All or nothing: if any row is bad nothing is written; every error is listed and marked in a workbook.",
        ),
    ]
    for zh, en in lines:
        notes.append([zh, en])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([])
    header = [
        "列 column",
        "中文名",
        "key",
        "必填 required",
        "户级 household",
        "取值 values",
        "示例 example",
        "说明",
        "note",
    ]
    notes.append(header)
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
        cell.fill = person_fill
    for index, column in enumerate(COLUMNS, start=1):
        notes.append(
            [
                get_column_letter(index),
                column.zh,
                column.key,
                "是 yes" if column.required else "",
                "户主行 head's row" if column.household else "",
                _vocabulary_text(column),
                column.example,
                column.note_zh,
                column.note_en or column.en,
            ]
        )
    for letter, width in zip("ABCDEFGHI", (8, 26, 28, 12, 16, 60, 22, 40, 50), strict=True):
        notes.column_dimensions[letter].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def now_stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")
