"""Housing fund: loan schedules (exact arithmetic) and the synthetic fund centre on a temporary SQLite file.

Run: .venv/bin/python benchmarks/bench_housing_fund.py [--schedules N] [--persons N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from minsheng.housing_fund import synth
from minsheng.housing_fund.quote import quote
from minsheng.housing_fund.schedule import simple_schedule


def _timed(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def _population(engine, persons: int) -> None:
    from minsheng.registry.models import Person
    from minsheng.store.db import unit_of_work

    rng = np.random.default_rng(5)
    banners = ["150102", "150203", "150426", "150602", "152502", "150702"]
    rows = [
        {
            "id": i + 1,
            "id_number_hash": f"b{i}",
            "id_number_cipher": b"x",
            "id_number_masked": "x",
            "name": f"人{i}",
            "sex": "M" if i % 2 else "F",
            "birth_date": date(1966 + int(rng.integers(0, 36)), 1 + i % 12, 1 + i % 28),
            "hukou": "urban",
            "hukou_region": banners[i % 6],
            "residence_region": banners[i % 6],
            "employment_status": "employed",
            "serious_illness": False,
            "adl_items_lost": 0,
            "version": 1,
        }
        for i in range(persons)
    ]
    with unit_of_work(engine) as session:
        for start in range(0, len(rows), 20_000):
            session.execute(insert(Person.__table__), rows[start : start + 20_000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schedules", type=int, default=200)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    console = Console(width=150)

    table = Table(title="住房公积金 housing fund")
    for column in ("work", "count", "median ms", "p99 ms", "per second"):
        table.add_column(column, justify="right")
    for method in ("equal_instalment", "equal_principal"):
        times = _timed(lambda m=method: simple_schedule(50_000_000, Decimal("0.031"), 360, m), args.schedules)
        table.add_row(
            f"360-month schedule, {method}",
            f"{args.schedules:,}",
            f"{statistics.median(times) * 1000:.2f}",
            f"{sorted(times)[int(len(times) * 0.99) - 1] * 1000:.2f}",
            f"{len(times) / sum(times):,.0f}",
        )
    times = _timed(lambda: quote(50_000_000, 360, issue_date=date(2022, 6, 1)), max(20, args.schedules // 5))
    table.add_row(
        "quote by issue date, both methods, repriced 3×",
        f"{len(times):,}",
        f"{statistics.median(times) * 1000:.2f}",
        f"{sorted(times)[int(len(times) * 0.99) - 1] * 1000:.2f}",
        f"{len(times) / sum(times):,.0f}",
    )

    from minsheng.store.db import make_engine
    from minsheng.store.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        _population(engine, args.persons)
        started = time.perf_counter()
        done = synth.generate(engine, date(2024, 6, 20), seed=1, share=0.6, loan_share=0.12)
        seconds = time.perf_counter() - started
        engine.dispose()
    rows_written = done.employers + done.accounts + done.entries + done.loans + done.repayments
    table.add_row(
        f"synthetic centre: {done.accounts:,} accounts, {done.entries:,} entries, {done.loans:,} loans, "
        f"{done.repayments:,} repayments",
        f"{rows_written:,} rows",
        f"{seconds * 1000:,.0f}",
        "",
        f"{rows_written / seconds:,.0f} rows",
    )
    console.print(table)


if __name__ == "__main__":
    main()
