"""Export of the registry as the snapshot tables (`registry.snapshot`): Parquet, Excel, or Arrow in memory.

Each table is ONE SQL query: incomes and expenses valid on the date are pivoted into a column per
category, non-exempt assets summed per kind, tags aggregated. The whole-region export reads through
ADBC straight into Arrow; `snapshot_for_households` runs the same statements, limited to a few
households, through the caller's session (the rules assess one household in milliseconds).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import BigInteger, Engine, Select, and_, case, cast, false, func, literal, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from minsheng.registry.models import Asset, Expense, Household, Income, Person, PersonTag
from minsheng.registry.snapshot import HOUSEHOLDS, MEMBERS
from minsheng.registry.vocabulary import EXPENSE_CATEGORY, INCOME_CATEGORY

HH, PER, INC, EXP, AST, TAG = (m.__table__ for m in (Household, Person, Income, Expense, Asset, PersonTag))
TAG_SEPARATOR = ","
EXCEL_MAX_ROWS = 1_048_575
ADBC_SQLITE_BATCH_ROWS = "100000000"


def _live_households(as_of: date, region_prefix: str | None, household_ids: Sequence[int] | None):
    """Households that exist on the date, inside the region."""
    conditions = [HH.c.dissolved_on.is_(None) | (HH.c.dissolved_on > as_of)]
    if region_prefix:
        conditions.append(HH.c.banner_code.startswith(region_prefix, autoescape=True))
    if household_ids is not None:
        conditions.append(HH.c.id.in_(list(household_ids)))
    return and_(*conditions)


def households_statement(
    as_of: date, region_prefix: str | None = None, household_ids: Sequence[int] | None = None
) -> Select:
    def total(kinds: tuple[str, ...], column) -> Any:
        counted = and_(AST.c.kind.in_(kinds), AST.c.exempt == false())
        return cast(func.coalesce(func.sum(case((counted, column), else_=0)), 0), BigInteger)

    return (
        select(
            HH.c.id.label("household_id"),
            HH.c.household_number,
            HH.c.banner_code,
            HH.c.hukou,
            total(("deposit", "securities"), AST.c.value_fen).label("financial_assets_fen"),
            total(("vehicle",), AST.c.quantity).label("vehicles"),
            total(("vehicle",), AST.c.value_fen).label("vehicle_value_fen"),
            total(("dwelling",), AST.c.quantity).label("dwellings"),
            total(("business",), AST.c.value_fen).label("business_assets_fen"),
            total(("other",), AST.c.value_fen).label("other_assets_fen"),
        )
        .select_from(HH.outerjoin(AST, AST.c.household_id == HH.c.id))
        .where(_live_households(as_of, region_prefix, household_ids))
        .group_by(HH.c.id, HH.c.household_number, HH.c.banner_code, HH.c.hukou)
        .order_by(HH.c.id)
    )


def _tag_list(dialect: str, column):
    if dialect == "postgresql":
        return func.string_agg(column, literal(TAG_SEPARATOR))
    return func.group_concat(column, literal(TAG_SEPARATOR))


def members_statement(
    as_of: date,
    region_prefix: str | None = None,
    household_ids: Sequence[int] | None = None,
    dialect: str = "sqlite",
) -> Select:
    def pivot(table, categories: dict[str, Any]):
        valid = and_(
            table.c.effective_from <= as_of, or_(table.c.effective_to.is_(None), table.c.effective_to > as_of)
        )
        query = select(
            table.c.person_id,
            *[
                cast(
                    func.sum(case((table.c.category == code, table.c.monthly_fen), else_=0)), BigInteger
                ).label(f"{code}_fen")
                for code in categories
            ],
        ).where(valid)
        if household_ids is not None:
            query = query.where(
                table.c.person_id.in_(select(PER.c.id).where(PER.c.household_id.in_(list(household_ids))))
            )
        return query.group_by(table.c.person_id).subquery()

    incomes = pivot(INC, INCOME_CATEGORY)
    expenses = pivot(EXP, EXPENSE_CATEGORY)
    tags_query = select(TAG.c.person_id, _tag_list(dialect, TAG.c.tag).label("tags"))
    if household_ids is not None:
        tags_query = tags_query.where(
            TAG.c.person_id.in_(select(PER.c.id).where(PER.c.household_id.in_(list(household_ids))))
        )
    tags = tags_query.group_by(TAG.c.person_id).subquery()
    return (
        select(
            PER.c.id.label("person_id"),
            PER.c.household_id,
            func.coalesce(PER.c.relationship_to_head, "other").label("relationship_to_head"),
            PER.c.sex,
            PER.c.birth_date,
            PER.c.hukou,
            PER.c.hukou_region,
            PER.c.residence_region,
            PER.c.ethnicity,
            PER.c.education,
            PER.c.employment_status,
            PER.c.disability_type,
            PER.c.disability_grade,
            PER.c.serious_illness,
            PER.c.adl_items_lost,
            PER.c.death_date,
            *[func.coalesce(incomes.c[f"{code}_fen"], 0).label(f"{code}_fen") for code in INCOME_CATEGORY],
            *[func.coalesce(expenses.c[f"{code}_fen"], 0).label(f"{code}_fen") for code in EXPENSE_CATEGORY],
            tags.c.tags,
        )
        .select_from(
            PER.join(HH, HH.c.id == PER.c.household_id)
            .outerjoin(incomes, incomes.c.person_id == PER.c.id)
            .outerjoin(expenses, expenses.c.person_id == PER.c.id)
            .outerjoin(tags, tags.c.person_id == PER.c.id)
        )
        .where(_live_households(as_of, region_prefix, household_ids))
        .order_by(PER.c.household_id, PER.c.id)
    )


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Cast what a database returns (SQLite: dates as text, booleans as integers) to the exact schema."""
    columns = []
    for target in schema:
        column = table.column(target.name)
        if column.null_count == len(column) and target.name != "tags":
            columns.append(pa.nulls(len(column), target.type))  # all NULL: SQLite reports no type
            continue
        if target.name == "tags":
            column = column.cast(pa.string())
            split = pc.split_pattern(column, TAG_SEPARATOR)
            column = pc.fill_null(split, pa.scalar([], pa.list_(pa.string())))
        elif pa.types.is_date(target.type) and pa.types.is_string(column.type):
            column = pc.cast(column, pa.date32())
        elif pa.types.is_boolean(target.type) and not pa.types.is_boolean(column.type):
            column = pc.not_equal(column, 0)
        columns.append(column.cast(target.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _read_arrow(engine: Engine, statements: Sequence[Select]) -> list[pa.Table]:
    """Run the statements through ADBC (SQLAlchemy URL → ADBC URI) into Arrow tables."""
    sqls = [
        str(s.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})) for s in statements
    ]
    if engine.dialect.name == "sqlite":
        return _read_sqlite_in_child(engine.url.database, sqls)
    import adbc_driver_postgresql.dbapi

    uri = make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc_driver_postgresql.dbapi.connect(uri) as connection:
        tables = []
        for sql in sqls:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                tables.append(cursor.fetch_arrow_table())
        return tables


def _read_sqlite_in_child(database: str, sqls: list[str]) -> list[pa.Table]:
    """ADBC's SQLite is a second copy of the library: in this process, closing its file would drop
    the POSIX locks that Python's sqlite3 holds on the same file (disk I/O errors, lost WAL), so it
    reads in a child process and hands the tables back as Arrow IPC files."""
    with tempfile.TemporaryDirectory(prefix="minsheng-export-") as folder:
        subprocess.run(
            [sys.executable, "-m", "minsheng.registry.export", database, folder],
            input=json.dumps(sqls),
            text=True,
            check=True,
            capture_output=True,
        )
        return [pa.ipc.open_file(Path(folder) / f"{i}.arrow").read_all() for i in range(len(sqls))]


def _sqlite_child(database: str, folder: str) -> None:
    import adbc_driver_sqlite.dbapi

    sqls = json.loads(sys.stdin.read())
    with adbc_driver_sqlite.dbapi.connect(database) as connection:
        for i, sql in enumerate(sqls):
            with connection.cursor() as cursor:
                # One batch: the driver infers each column's type from its first batch.
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": ADBC_SQLITE_BATCH_ROWS})
                cursor.execute(sql)
                table = cursor.fetch_arrow_table()
            with (
                pa.OSFile(str(Path(folder) / f"{i}.arrow"), "wb") as sink,
                pa.ipc.new_file(sink, table.schema) as out,
            ):
                out.write_table(table)


def snapshot_tables(
    engine: Engine, as_of: date, region_prefix: str | None = None
) -> tuple[pa.Table, pa.Table]:
    """The households and members snapshot of the whole registry (or a region) on `as_of`."""
    households, members = _read_arrow(
        engine,
        [
            households_statement(as_of, region_prefix),
            members_statement(as_of, region_prefix, dialect=engine.dialect.name),
        ],
    )
    return conform(households, HOUSEHOLDS), conform(members, MEMBERS)


def snapshot_for_households(
    session: Session, household_ids: Sequence[int], as_of: date
) -> tuple[pa.Table, pa.Table]:
    """The same two tables for a handful of households, through the session (same transaction)."""
    dialect = session.get_bind().dialect.name
    tables = []
    for statement, schema in (
        (households_statement(as_of, None, household_ids), HOUSEHOLDS),
        (members_statement(as_of, None, household_ids, dialect), MEMBERS),
    ):
        result = session.execute(statement)
        names = list(result.keys())
        rows = result.all()
        data = {name: [row[i] for row in rows] for i, name in enumerate(names)}
        table = pa.table({f.name: pa.array(data[f.name], type=_loose(f.type)) for f in schema})
        tables.append(conform(table, schema))
    return tables[0], tables[1]


def _loose(type_: pa.DataType) -> pa.DataType:
    """Python values as they come from the driver; tags still a joined string."""
    return pa.string() if pa.types.is_list(type_) else type_


def write_parquet(
    engine: Engine, out: Path, as_of: date, region_prefix: str | None = None
) -> list[tuple[Path, int]]:
    import pyarrow.parquet as pq

    households, members = snapshot_tables(engine, as_of, region_prefix)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in (("households", households), ("members", members)):
        path = out / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd")
        written.append((path, table.num_rows))
    return written


def write_excel(
    engine: Engine, out: Path, as_of: date, region_prefix: str | None = None
) -> list[tuple[Path, int]]:
    """persons (masked ID numbers, names, household numbers and the snapshot columns) and households."""
    import polars as pl

    households, members = snapshot_tables(engine, as_of, region_prefix)
    if members.num_rows > EXCEL_MAX_ROWS:
        raise ValueError(
            f"人员 {members.num_rows} 行超出 Excel 上限,请按地区导出或用 parquet",
            f"{members.num_rows} persons exceed Excel's row limit; export by region or as parquet",
        )
    names_query = (
        select(PER.c.id.label("person_id"), PER.c.name, PER.c.id_number_masked, HH.c.household_number)
        .select_from(PER.join(HH, HH.c.id == PER.c.household_id))
        .where(_live_households(as_of, region_prefix, None))
    )
    with engine.connect() as connection:
        names = pl.DataFrame(
            [tuple(r) for r in connection.execute(names_query)],
            schema={
                "person_id": pl.Int64,
                "name": pl.String,
                "id_number_masked": pl.String,
                "household_number": pl.String,
            },
            orient="row",
        )
    persons = names.join(pl.from_arrow(members), on="person_id", how="inner").with_columns(
        pl.col("tags").list.join("、")
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / "registry.xlsx"
    import xlsxwriter

    with xlsxwriter.Workbook(path) as workbook:
        persons.write_excel(workbook, worksheet="persons", autofit=True)
        pl.from_arrow(households).write_excel(workbook, worksheet="households", autofit=True)
    return [(path, persons.height), (path, households.num_rows)]


if __name__ == "__main__":  # the child of _read_sqlite_in_child
    _sqlite_child(sys.argv[1], sys.argv[2])
