"""Synthetic active cases for the payment cycle's demo, tests and benchmark (合成在保案件).

`create_cases` reads the registry's snapshot on a date and runs the assistance rules over it (the
same `assessment` rule as `minsheng assess`), then bulk-inserts one active case per household and
programme the rules found eligible — 低保 with the household's amount, 特困 and orphan allowances with
the household's summed person amounts — with its amount row, the head of household as payee and a
paying bank drawn with a seed. Decisions are the rules' own, not a caseworker's: the cases say so
(`created_by` "synth", `determination.source` "synthetic").

`select="all"` is the benchmark's load: every household of the registry gets a 低保 case, those the
rules find eligible with their amount, the others with an amount drawn from the eligible households'
amounts (the benchmark measures the cycle, not the eligibility). No policy figure is invented here.

Rows go in through COPY on PostgreSQL and prepared executemany on SQLite, with ids assigned after the
largest id in the table; PostgreSQL's sequences are then moved past them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, func, select, text

from minsheng import policy, regions
from minsheng.assistance import banks
from minsheng.assistance import rules as R
from minsheng.assistance.cases import CASE_NO_PREFIX
from minsheng.assistance.models import Case, CaseAmount
from minsheng.engine import run_local_all
from minsheng.registry.export import snapshot_tables
from minsheng.store import audit
from minsheng.store.db import unit_of_work

CASE_COLUMNS = (
    "id",
    "case_no",
    "household_id",
    "banner_code",
    "programme",
    "status",
    "payee_person_id",
    "paying_bank",
    "channel",
    "special",
    "submitted_on",
    "decided_on",
    "start_month",
    "determination",
    "created_by",
    "created_at",
    "version",
    "updated_at",
)
AMOUNT_COLUMNS = ("id", "case_id", "effective_month", "monthly_amount_fen", "reason")


@dataclass(frozen=True)
class SynthResult:
    households: int
    cases: int
    monthly_fen: int
    seconds: float


def _assessment(engine: Engine, as_of: date, region: str | None) -> tuple[pa.Table, pa.Table]:
    prefix = None if region in (None, regions.REGION_CODE) else regions.scope_prefix(region)
    households, members = snapshot_tables(engine, as_of, prefix)
    result = run_local_all(R.ASSESSMENT, {"households": households, "members": members}, as_of, policy.load())
    heads = members.filter(pc.equal(members.column("relationship_to_head"), "head")).select(
        ["household_id", "person_id"]
    )
    return result[R.ASSESSMENT.name], heads


def _copy(connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk rows into a table: binary-free COPY on PostgreSQL, executemany on SQLite."""
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def create_cases(
    engine: Engine,
    *,
    as_of: date,
    start_month: date,
    region: str | None = None,
    select_: str = "eligible",
    seed: int = 1,
    actor: str = "synth",
    take_up: float = 1.0,
) -> SynthResult:
    """Active cases for the registry's households (see the module's docstring for which).

    `take_up` is the share of eligible units given a case; the others are the take-up gap that
    monitoring's proactive discovery finds."""
    started = time.perf_counter()
    if select_ not in ("eligible", "all"):
        raise ValueError("select_ is 'eligible' or 'all'")
    if not 0.0 <= take_up <= 1.0:
        raise ValueError("take_up is a share between 0 and 1")
    assessment, heads = _assessment(engine, as_of, region)
    payee = dict(
        zip(heads.column("household_id").to_pylist(), heads.column("person_id").to_pylist(), strict=True)
    )
    household = np.asarray(assessment.column("household_id").to_numpy(zero_copy_only=False), dtype=np.int64)
    banner = np.asarray(assessment.column("banner_code").to_pylist(), dtype=object)
    rng = np.random.default_rng(seed)
    wanted: list[tuple[str, np.ndarray, np.ndarray]] = []
    dibao = np.nan_to_num(assessment.column("dibao_amount_fen").to_numpy(zero_copy_only=False)).astype(
        np.int64
    )
    if select_ == "all":
        positive = dibao[dibao > 0]
        if positive.size == 0:
            raise ValueError("no household is eligible for dibao: nothing to draw amounts from")
        drawn = rng.choice(positive, household.size)
        wanted.append(("dibao", np.arange(household.size), np.where(dibao > 0, dibao, drawn)))
    else:
        for programme, column in (
            ("dibao", "dibao_amount_fen"),
            ("tekun", "tekun_amount_fen"),
            ("orphan", "orphan_amount_fen"),
        ):
            amounts = np.nan_to_num(assessment.column(column).to_numpy(zero_copy_only=False)).astype(np.int64)
            index = np.flatnonzero(amounts > 0)
            index = index[rng.random(index.size) < take_up]
            wanted.append((programme, index, amounts[index]))
    with unit_of_work(engine) as session:
        next_case = int(session.scalar(select(func.coalesce(func.max(Case.id), 0)))) + 1
        next_amount = int(session.scalar(select(func.coalesce(func.max(CaseAmount.id), 0)))) + 1
    now = datetime.now(UTC).replace(microsecond=0)
    decided = start_month
    year = start_month.year
    case_rows: list[tuple] = []
    amount_rows: list[tuple] = []
    total = 0
    bank_codes = np.array(banks.BANK_CODES)
    postgres = engine.dialect.name == "postgresql"
    for programme, index, amounts in wanted:
        chosen_banks = bank_codes[rng.integers(0, len(bank_codes), index.size)]
        for position, amount, bank in zip(
            index.tolist(), amounts.tolist(), chosen_banks.tolist(), strict=True
        ):
            household_id = int(household[position])
            person_id = payee.get(household_id)
            if person_id is None:
                continue
            case_id = next_case
            next_case += 1
            determination = f'{{"source": "synthetic", "rule": "{programme}", "amount_fen": {amount}, "as_of": "{as_of}"}}'
            case_rows.append(
                (
                    case_id,
                    f"{CASE_NO_PREFIX[programme]}{banner[position]}-{year}-S{case_id:07d}",
                    household_id,
                    banner[position],
                    programme,
                    "active",
                    person_id,
                    bank,
                    "counter",
                    False if postgres else 0,
                    decided,
                    decided,
                    start_month,
                    determination,
                    actor,
                    now,
                    1,
                    now,
                )
            )
            amount_rows.append(
                (next_amount, case_id, start_month, amount, "合成数据:规则认定金额 / synthetic: rule amount")
            )
            next_amount += 1
            total += amount
    if not postgres:  # SQLite stores dates and times as SQLAlchemy's text forms
        case_rows = [
            (
                *r[:10],
                r[10].isoformat(),
                r[11].isoformat(),
                r[12].isoformat(),
                r[13],
                r[14],
                _sqlite_time(r[15]),
                r[16],
                _sqlite_time(r[17]),
            )
            for r in case_rows
        ]
        amount_rows = [(r[0], r[1], r[2].isoformat(), r[3], r[4]) for r in amount_rows]
    with engine.begin() as connection:
        _copy(connection, "assistance_case", CASE_COLUMNS, case_rows)
        _copy(connection, "assistance_case_amount", AMOUNT_COLUMNS, amount_rows)
        if postgres:
            for table in ("assistance_case", "assistance_case_amount"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    )
                )
    with unit_of_work(engine) as session:
        audit.append(
            session,
            actor=actor,
            action="assistance.synth_cases",
            entity="assistance_case",
            region_code=region,
            after={"cases": len(case_rows), "monthly_fen": total, "select": select_, "as_of": as_of},
        )
    return SynthResult(int(household.size), len(case_rows), total, time.perf_counter() - started)


def _sqlite_time(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(sep=" ")
