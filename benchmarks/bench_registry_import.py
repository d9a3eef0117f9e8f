"""Registry import: a good file of 100 000 persons, checked and written on SQLite and PostgreSQL.

Target: under 60 s per database, end to end (read the workbook, check every row and every ID number
against the database, write everything in one transaction, commit).

    .venv/bin/python benchmarks/bench_registry_import.py [--persons 100000] [--format xlsx|csv]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

PostgreSQL runs when --postgres (or MINSHENG_BENCH_POSTGRES_URL) names a server; a scratch database is
created on it and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from minsheng import idcard, regions
from minsheng.registry import importer
from minsheng.registry.models import Person
from minsheng.store.db import make_engine, unit_of_work
from minsheng.store.migrate import upgrade

console = Console()
TARGET_SECONDS = 60


def generate(path: Path, persons: int, seed: int = 2026) -> int:
    """Households of 1–5 persons across the region's banners, every ID number valid and unique."""
    import xlsxwriter

    rng = random.Random(seed)
    banners = [b.code for b in regions.banners()]
    keys = [c.key for c in importer.COLUMNS]
    rows: list[list[str | None]] = []
    sequence: dict[tuple[str, date], int] = {}
    household = 0
    while len(rows) < persons:
        household += 1
        banner = rng.choice(banners)
        size = min(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)), persons - len(rows))
        for member in range(size):
            birth = date(1940, 1, 1) + timedelta(days=rng.randrange(30000))
            used = sequence.get((banner, birth), 0)
            sequence[(banner, birth)] = used + 1
            cells = dict.fromkeys(keys)
            cells.update(
                household_ref=f"H{household}",
                id_number=idcard.make(banner, birth, used),
                name=f"测试{len(rows)}",
                relationship_to_head="户主" if member == 0 else rng.choice(("配偶", "子女", "父母")),
                ethnicity=rng.choice(("汉族", "蒙古族")),
                hukou=rng.choice(("城镇", "农村牧区")),
                hukou_region=banner,
                residence_region=banner,
                employment_status=rng.choice(("就业", "务农牧", "失业", "退休")),
                income_wages_yuan=f"{rng.randrange(0, 500000) / 100:.2f}",
                amounts_from="2024-01-01",
            )
            if rng.random() < 0.1:
                cells["tags"] = "低保对象"
            if member == 0:
                cells.update(
                    address=f"{banner} 某街 {household} 号", deposit_yuan=str(rng.randrange(0, 50000))
                )
            rows.append([cells[k] for k in keys])
    if path.suffix == ".csv":
        import csv

        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.zh for c in importer.COLUMNS])
            writer.writerow(keys)
            writer.writerows([[v or "" for v in r] for r in rows])
    else:
        with xlsxwriter.Workbook(path, {"constant_memory": True}) as workbook:
            sheet = workbook.add_worksheet(importer.SHEET)
            sheet.write_row(0, 0, [c.zh for c in importer.COLUMNS])
            sheet.write_row(1, 0, keys)
            for index, row in enumerate(rows, start=2):
                for column, value in enumerate(row):
                    if value is not None:
                        sheet.write_string(index, column, value)
    return household


def run(url: str, path: Path) -> dict:
    upgrade(url)
    engine = make_engine(url)
    stages: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(stage: str, _step: int, _total: int) -> None:
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + now - last[0]
        last[0] = now

    started = time.perf_counter()
    with unit_of_work(engine) as session:
        report, _sheet = importer.import_file(session, path, actor="bench", progress=progress)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"the generated file has errors: {report.errors[:3]}")
    with unit_of_work(engine) as session:
        stored = session.scalar(select(func.count()).select_from(Person))
    engine.dispose()
    return {"rows": report.persons, "households": report.households, "stored": stored, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--postgres", default=os.environ.get("MINSHENG_BENCH_POSTGRES_URL"))
    options = parser.parse_args()

    table = Table(
        title=f"registry import, {options.persons:,} persons ({options.format}); target < {TARGET_SECONDS} s"
    )
    for name in ("database", "rows", "households", "seconds", "rows/s", "target"):
        table.add_column(name, justify="right")
    with tempfile.TemporaryDirectory(prefix="minsheng-bench-") as folder:
        path = Path(folder) / f"registry.{options.format}"
        with console.status("generating the file…"):
            generate(path, options.persons)
        console.print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB")
        databases = [("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", None)]
        if options.postgres:
            server = make_url(options.postgres).set(drivername="postgresql+psycopg")
            name = f"minsheng_bench_{uuid.uuid4().hex[:8]}"
            databases.append(
                (
                    "PostgreSQL",
                    server.set(database=name).render_as_string(hide_password=False),
                    (server, name),
                )
            )
        for label, url, scratch in databases:
            admin = None
            if scratch:
                admin = create_engine(scratch[0], isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{scratch[1]}"'))
            try:
                with console.status(f"importing into {label}…"):
                    result = run(url, path)
            finally:
                if admin is not None:
                    with admin.connect() as connection:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch[1]}" WITH (FORCE)'))
                    admin.dispose()
            assert result["stored"] == result["rows"]
            seconds = result["seconds"]
            table.add_row(
                label,
                f"{result['rows']:,}",
                f"{result['households']:,}",
                f"{seconds:.1f}",
                f"{result['rows'] / seconds:,.0f}",
                "[green]met[/]" if seconds < TARGET_SECONDS else "[red]missed[/]",
            )
    console.print(table)


if __name__ == "__main__":
    main()
