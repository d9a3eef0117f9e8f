"""Insurance: the residents' pension rule over many persons in-process, and the synthetic enrolment
histories for a loaded synthetic population on a temporary SQLite file.

Run: .venv/bin/python benchmarks/bench_insurance.py [--persons N] [--population N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
from rich.console import Console
from rich.table import Table

from minsheng import policy
from minsheng.engine import run_local
from minsheng.insurance import rules


def pension_tables(persons: int, seed: int = 1) -> dict[str, pa.Table]:
    """Persons aged 55–75 with up to 20 resident years each, vectorised."""
    rng = np.random.default_rng(seed)
    birth = np.datetime64("1948-01-01") + rng.integers(0, 20 * 365, persons).astype("timedelta64[D]")
    years = rng.integers(0, 21, persons)
    owner = np.repeat(np.arange(persons), years)
    offset = np.arange(years.sum()) - np.repeat(np.cumsum(years) - years, years)
    banners = np.array(
        [b.code for b in __import__("minsheng.regions", fromlist=["banners"]).banners("150000")]
    )
    people = pa.table(
        {
            "person_id": pa.array(np.arange(persons, dtype=np.int64)),
            "banner_code": pa.array(
                banners[rng.integers(0, len(banners), persons)].astype(object), pa.string()
            ),
            "hukou": pa.array(
                np.where(rng.random(persons) < 0.6, "rural", "urban").astype(object), pa.string()
            ),
            "birth_date": pa.array(birth, pa.date32()),
            "death_date": pa.nulls(persons, pa.date32()),
        },
        schema=rules.PERSONS,
    )
    contributions = pa.table(
        {
            "person_id": pa.array(owner.astype(np.int64)),
            "year": pa.array((2024 - offset).astype(np.int32)),
            "scheme": pa.array(np.full(len(owner), "resident_pension", dtype=object), pa.string()),
            "status": pa.array(np.full(len(owner), "contributing", dtype=object), pa.string()),
            "months_paid": pa.array(np.full(len(owner), 12, dtype=np.int32)),
            "account_credit_fen": pa.array(rng.integers(20_000, 200_000, len(owner))),
        },
        schema=rules.CONTRIBUTIONS,
    )
    return {"persons": people, "contributions": contributions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons through the pension rule")
    parser.add_argument("--population", type=int, default=50_000, help="synthetic persons for the histories")
    args = parser.parse_args()
    console = Console()
    table = Table(title="社会保险 insurance benchmarks")
    for column in ("work", "size", "seconds", "per second"):
        table.add_column(column, justify="right")

    params = policy.load()
    tables = pension_tables(args.persons)
    run_local(rules.RESIDENT_PENSION, pension_tables(10), date(2025, 1, 1), params)  # parameter table built
    started = time.perf_counter()
    result = run_local(rules.RESIDENT_PENSION, tables, date(2025, 1, 1), params)
    seconds = time.perf_counter() - started
    table.add_row(
        "居民养老金 resident pension rule (local DuckDB)",
        f"{args.persons:,} persons / {tables['contributions'].num_rows:,} years",
        f"{seconds:.2f}",
        f"{args.persons / seconds:,.0f} persons",
    )
    eligible = sum(result.column("eligible").to_pylist())

    from minsheng.insurance import synth
    from minsheng.store.db import make_engine
    from minsheng.store.migrate import upgrade
    from minsheng.synth.load import generate_and_load

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        generate_and_load(engine, args.population, seed=2, as_of=date(2023, 12, 31))
        done = synth.generate(engine, date(2023, 12, 31), seed=2)
        engine.dispose()
    table.add_row(
        "合成参保史 synthetic histories + awards + facilities (SQLite)",
        f"{done.persons:,} persons / {done.enrolments:,} rows",
        f"{done.seconds:.2f}",
        f"{done.enrolments / done.seconds:,.0f} rows",
    )
    console.print(table)
    console.print(
        f"eligible of {args.persons:,}: {eligible:,}; awards {done.awards:,}, facilities {done.facilities:,}"
    )


if __name__ == "__main__":
    main()
