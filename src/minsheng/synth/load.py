"""Put a generated population into the database through the bulk path: Arrow tables ingested by ADBC.

No ORM row is built: households, persons (ID numbers encrypted, blind-indexed and masked), incomes,
expenses, assets and key-group tags become Arrow tables with their ids assigned after the largest id
already in the database, and `adbc_ingest` appends them in one transaction (INSERTs prepared once on
SQLite, binary COPY on PostgreSQL). PostgreSQL's id sequences are then moved past the new rows so later
ORM inserts work, and one audit record tells who loaded what.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    String,
    Table,
    func,
    select,
    text,
)

from minsheng.registry.models import Asset, Expense, Household, Income, Person, PersonTag
from minsheng.registry.snapshot import EXPENSE_COLUMNS, INCOME_COLUMNS
from minsheng.security import pii
from minsheng.store import audit
from minsheng.store.db import unit_of_work
from minsheng.synth import generate

BATCH_PERSONS = 100_000
INCOME_SOURCE = "synthetic"
ID_TABLES = (Household, Person, Income, Expense, Asset)


@dataclass(frozen=True)
class LoadResult:
    households: int
    persons: int
    incomes: int
    expenses: int
    assets: int
    tags: int
    seconds: float


def _arrow_type(column: Any, dialect: str) -> pa.DataType:
    """The Arrow type that ingests into `column` without conversion on this database."""
    kind = column.type.dialect_impl(_DIALECTS[dialect]) if dialect in _DIALECTS else column.type
    if isinstance(kind, BigInteger):
        return pa.int64()
    if isinstance(kind, Boolean):
        return pa.bool_() if dialect == "postgresql" else pa.int64()
    if isinstance(kind, Integer):
        return pa.int32() if dialect == "postgresql" else pa.int64()
    if isinstance(kind, DateTime):
        # SQLite keeps SQLAlchemy's text form; PostgreSQL takes timestamptz.
        return pa.timestamp("us", tz="UTC") if dialect == "postgresql" else pa.string()
    if isinstance(kind, Date):
        return pa.date32()
    if isinstance(kind, LargeBinary):
        return pa.binary()
    if isinstance(kind, String):
        return pa.string()
    raise TypeError(f"no Arrow type for {column}")


def _dialects() -> dict[str, Any]:
    from sqlalchemy.dialects import postgresql, sqlite

    return {"postgresql": postgresql.dialect(), "sqlite": sqlite.dialect()}


_DIALECTS = _dialects()


def _frame(table: Table, dialect: str, columns: dict[str, pa.Array], length: int) -> pa.Table:
    """All of the table's columns in order, typed for the database; absent ones are null."""
    arrays, fields = [], []
    for column in table.columns:
        arrow_type = _arrow_type(column, dialect)
        value = columns.get(column.name)
        if value is None:
            value = pa.nulls(length, arrow_type)
        elif not value.type.equals(arrow_type):
            value = value.cast(arrow_type)
        arrays.append(value)
        fields.append(pa.field(column.name, arrow_type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


@contextmanager
def _adbc(engine: Engine) -> Iterator[Any]:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi as driver

        # The ADBC driver carries its own SQLite library. Two SQLite copies must never have one file
        # open at the same time in one process (POSIX locks are per process: closing either drops the
        # other's, and each keeps its own view of the WAL), so the pool's connections close first.
        engine.dispose()
        connection = driver.connect(url.database)
    elif url.get_backend_name() == "postgresql":
        import adbc_driver_postgresql.dbapi as driver

        connection = driver.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    else:
        raise ValueError(f"不支持的数据库 / unsupported database: {url.get_backend_name()}")
    try:
        yield connection
    finally:
        connection.close()
        if url.get_backend_name() == "sqlite":
            engine.dispose()


def _next_ids(engine: Engine) -> dict[str, int]:
    """The first free id of each table: loaded rows go after what is already there."""
    with engine.connect() as connection:
        return {
            model.__tablename__: (connection.execute(select(func.max(model.id))).scalar() or 0) + 1
            for model in ID_TABLES
        }


def _masked(id_numbers: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(id_numbers, 0, 6), "********", pc.utf8_slice_codeunits(id_numbers, 14, 18), ""
    )


def _long(person_ids: np.ndarray, table: pa.RecordBatch, columns: list[str]) -> tuple[np.ndarray, ...]:
    """Wide amount columns to (person id, category, amount) rows for the non-zero amounts."""
    ids, categories, amounts = [], [], []
    for column in columns:
        values = table.column(column).to_numpy()
        where = np.flatnonzero(values)
        ids.append(person_ids[where])
        categories.append(np.full(len(where), column.removesuffix("_fen"), dtype=object))
        amounts.append(values[where])
    return np.concatenate(ids), np.concatenate(categories), np.concatenate(amounts)


def load(
    engine: Engine,
    out_dir: Path | str,
    as_of: date | None = None,
    actor: str = "synth",
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load households.parquet, members.parquet and persons_pii.parquet from `out_dir` into the
    migrated database of `engine`, all or nothing. Incomes and expenses take effect on 1 January of
    `as_of`'s year (the snapshot date of the manifest by default)."""
    started = datetime.now(UTC)
    out_dir = Path(out_dir)
    manifest = generate.read_manifest(out_dir)
    as_of = as_of or date.fromisoformat(manifest["as_of"])
    effective_from = date(as_of.year, 1, 1)
    dialect = engine.dialect.name
    next_id = _next_ids(engine)
    household_offset = next_id["household"]
    person_offset = next_id["person"]
    now = started.replace(microsecond=0)
    stamp: pa.Scalar = (
        pa.scalar(now, pa.timestamp("us", tz="UTC"))
        if dialect == "postgresql"
        else pa.scalar(now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"))
    )
    counts = dict.fromkeys(("households", "persons", "incomes", "expenses", "assets", "tags"), 0)
    tables = {model.__tablename__: model.__table__ for model in (*ID_TABLES, PersonTag)}

    with _adbc(engine) as connection:
        cursor = connection.cursor()
        try:
            households = pq.ParquetFile(out_dir / generate.FILES["households"])
            for batch in households.iter_batches(batch_size=BATCH_PERSONS):
                n = batch.num_rows
                ids = batch.column("household_id").to_numpy() + household_offset
                frame = _frame(
                    tables["household"],
                    dialect,
                    {
                        "id": pa.array(ids),
                        "household_number": batch.column("household_number"),
                        "banner_code": batch.column("banner_code"),
                        "hukou": batch.column("hukou"),
                        "created_at": pa.repeat(stamp, n),
                        "updated_at": pa.repeat(stamp, n),
                        "version": pa.repeat(pa.scalar(1), n),
                    },
                    n,
                )
                cursor.adbc_ingest("household", frame, mode="append")
                counts["households"] += n
                counts["assets"] += _ingest_assets(cursor, tables["asset"], dialect, batch, ids, next_id)
            members = pq.ParquetFile(out_dir / generate.FILES["members"])
            personal = pq.ParquetFile(out_dir / generate.FILES["pii"])
            for batch, pii_batch in zip(
                members.iter_batches(batch_size=BATCH_PERSONS),
                personal.iter_batches(batch_size=BATCH_PERSONS),
                strict=True,
            ):
                n = batch.num_rows
                snapshot_ids = batch.column("person_id").to_numpy()
                if not np.array_equal(snapshot_ids, pii_batch.column("person_id").to_numpy()):
                    raise ValueError(
                        "members.parquet 与 persons_pii.parquet 行序不一致 / files are not aligned"
                    )
                ids = snapshot_ids + person_offset
                numbers = pii_batch.column("id_number")
                plain = numbers.to_pylist()
                columns = {
                    "id": pa.array(ids),
                    "id_number_hash": pa.array([pii.blind_index(number) for number in plain]),
                    "id_number_cipher": pa.array([pii.encrypt(number) for number in plain], pa.binary()),
                    "id_number_masked": _masked(numbers),
                    "name": pii_batch.column("name"),
                    "phone": pii_batch.column("phone"),
                    "bank_account": pii_batch.column("bank_account"),
                    "household_id": pa.array(batch.column("household_id").to_numpy() + household_offset),
                    "created_at": pa.repeat(stamp, n),
                    "updated_at": pa.repeat(stamp, n),
                    "version": pa.repeat(pa.scalar(1), n),
                }
                for name in (
                    "sex",
                    "birth_date",
                    "ethnicity",
                    "hukou",
                    "hukou_region",
                    "residence_region",
                    "relationship_to_head",
                    "education",
                    "employment_status",
                    "disability_type",
                    "disability_grade",
                    "serious_illness",
                    "adl_items_lost",
                    "death_date",
                ):
                    columns[name] = batch.column(name)
                cursor.adbc_ingest("person", _frame(tables["person"], dialect, columns, n), mode="append")
                counts["persons"] += n
                counts["incomes"] += _ingest_amounts(
                    cursor, tables["income"], dialect, batch, ids, INCOME_COLUMNS, next_id, effective_from
                )
                counts["expenses"] += _ingest_amounts(
                    cursor, tables["expense"], dialect, batch, ids, EXPENSE_COLUMNS, next_id, effective_from
                )
                tags = batch.column("tags")
                flat = pc.list_flatten(tags)
                if len(flat):
                    owners = ids[pc.list_parent_indices(tags).to_numpy()]
                    frame = _frame(
                        tables["person_tag"],
                        dialect,
                        {"person_id": pa.array(owners), "tag": flat},
                        len(flat),
                    )
                    cursor.adbc_ingest("person_tag", frame, mode="append")
                counts["tags"] += len(flat)
                if progress:
                    progress(n)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    with unit_of_work(engine) as session:
        if dialect == "postgresql":
            for model in ID_TABLES:
                name = model.__tablename__
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))"
                    )
                )
        audit.append(
            session,
            actor=actor,
            action="synth.load",
            entity="registry",
            region_code="150000",
            after={
                **counts,
                "seed": manifest.get("seed"),
                "as_of": as_of,
                "source": str(out_dir),
                "first_person_id": person_offset,
                "first_household_id": household_offset,
            },
        )
    seconds = (datetime.now(UTC) - started).total_seconds()
    return LoadResult(seconds=seconds, **counts)


def _ingest_amounts(
    cursor: Any,
    table: Table,
    dialect: str,
    batch: pa.RecordBatch,
    person_ids: np.ndarray,
    columns: list[str],
    next_id: dict[str, int],
    effective_from: date,
) -> int:
    owners, categories, amounts = _long(person_ids, batch, columns)
    n = len(owners)
    if not n:
        return 0
    first = next_id[table.name]
    next_id[table.name] = first + n
    values = {
        "id": pa.array(np.arange(first, first + n, dtype=np.int64)),
        "person_id": pa.array(owners),
        "category": pa.array(categories, pa.string()),
        "monthly_fen": pa.array(amounts),
        "effective_from": pa.repeat(pa.scalar(effective_from, pa.date32()), n),
    }
    if "source" in table.columns:
        values["source"] = pa.repeat(pa.scalar(INCOME_SOURCE), n)
    cursor.adbc_ingest(table.name, _frame(table, dialect, values, n), mode="append")
    return n


def _ingest_assets(
    cursor: Any,
    table: Table,
    dialect: str,
    batch: pa.RecordBatch,
    household_ids: np.ndarray,
    next_id: dict[str, int],
) -> int:
    """One asset row per kind a household has: deposits, vehicles, dwellings, business, other."""
    column = lambda name: batch.column(name).to_numpy()  # noqa: E731
    vehicles, dwellings = column("vehicles"), column("dwellings")
    kinds = [
        # (kind, has it, value in fen, quantity, exempt)
        ("deposit", column("financial_assets_fen") > 0, column("financial_assets_fen"), 1, False),
        ("vehicle", vehicles > 0, column("vehicle_value_fen"), vehicles, False),
        # The snapshot counts dwellings without a value; a single home is what daily life needs.
        ("dwelling", dwellings > 0, np.zeros(batch.num_rows, np.int64), dwellings, dwellings == 1),
        ("business", column("business_assets_fen") > 0, column("business_assets_fen"), 1, False),
        ("other", column("other_assets_fen") > 0, column("other_assets_fen"), 1, False),
    ]
    owners, kind_names, values, quantities, exempt = [], [], [], [], []
    for kind, has, value, quantity, is_exempt in kinds:
        where = np.flatnonzero(has)
        owners.append(household_ids[where])
        kind_names.append(np.full(len(where), kind, dtype=object))
        values.append(value[where])
        quantities.append(np.broadcast_to(quantity, has.shape)[where])
        exempt.append(np.broadcast_to(is_exempt, has.shape)[where])
    n = sum(len(o) for o in owners)
    if not n:
        return 0
    first = next_id["asset"]
    next_id["asset"] = first + n
    frame = _frame(
        table,
        dialect,
        {
            "id": pa.array(np.arange(first, first + n, dtype=np.int64)),
            "household_id": pa.array(np.concatenate(owners)),
            "kind": pa.array(np.concatenate(kind_names), pa.string()),
            "value_fen": pa.array(np.concatenate(values).astype(np.int64)),
            "quantity": pa.array(np.concatenate(quantities).astype(np.int64)),
            "exempt": pa.array(np.concatenate(exempt).astype(bool)),
        },
        n,
    )
    cursor.adbc_ingest(table.name, frame, mode="append")
    return n


def generate_and_load(
    engine: Engine,
    persons: int,
    seed: int,
    as_of: date,
    out_dir: Path | str | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Generate `persons` into `out_dir` (a temporary folder if none) and load them (the demo's path)."""
    if out_dir is not None:
        generate.write(Path(out_dir), persons, seed, as_of)
        return load(engine, out_dir, as_of, progress=progress)
    with tempfile.TemporaryDirectory(prefix="minsheng-synth-") as folder:
        generate.write(Path(folder), persons, seed, as_of)
        return load(engine, folder, as_of, progress=progress)
