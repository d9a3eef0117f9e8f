"""Payment cycle: a month's lines for 1 M households written to PostgreSQL and the bank files exported.

The population lives in its own database on the server (`minsheng_bench_cycle_<households>`, made on the first run:
the synthetic registry loaded, then a 低保 case for every household with the rules' amount where the
household is eligible and an amount drawn from those otherwise — `cycle_synth.create_cases(select_="all")`).
Later runs reuse it and only empty the cycle tables. Timed: `cycle.build` (set-based, chunked) and
`cycle.export` (one CSV per paying bank) after an approval. Target: ≤ 30 s for both.

Run: .venv/bin/python -m benchmarks cycle [--households 1000000] [--database-url postgresql+psycopg://…]
(default server: MINSHENG_TEST_DATABASE_URL).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DATABASE = "minsheng_bench_cycle"
AS_OF = date(2023, 11, 1)
PERSONS_PER_HOUSEHOLD = 2.47  # the synthetic registry: 2 420 000 persons made 982 338 households


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process on this machine (the server does the build's work)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if "(postgres" not in fields[0]:
                continue
            values = fields[1].split()
            total += int(values[11]) + int(values[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


def _database(server: str, households: int) -> str:
    """A database per population size, kept between runs."""
    name = f"{DATABASE}_{households}"
    url = make_url(server).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _prepare(engine, households: int, console: Console) -> tuple[int, float]:
    """The registry and its cases, made once; returns (cases, seconds spent preparing)."""
    from minsheng.assistance import cycle_synth
    from minsheng.synth.load import generate_and_load

    started = time.perf_counter()
    with engine.connect() as connection:
        have = connection.execute(text("SELECT COUNT(*) FROM household")).scalar()
        cases = connection.execute(
            text("SELECT COUNT(*) FROM assistance_case WHERE status = 'active'")
        ).scalar()
    if have == 0:  # made once; a database that exists is reused as it is
        persons = int(households * PERSONS_PER_HOUSEHOLD)
        console.print(f"loading a synthetic registry of {persons:,} persons (once) …")
        with tempfile.TemporaryDirectory(prefix="minsheng-bench-cycle-") as folder:
            generate_and_load(engine, persons, seed=11, as_of=AS_OF, out_dir=folder)
        cases = 0
    if cases == 0:
        console.print("creating a 低保 case for every household (once) …")
        cycle_synth.create_cases(engine, as_of=AS_OF, start_month=AS_OF, select_="all", seed=11)
        with engine.connect() as connection:
            cases = connection.execute(
                text("SELECT COUNT(*) FROM assistance_case WHERE status = 'active'")
            ).scalar()
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return int(cases), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("MINSHENG_TEST_DATABASE_URL"))
    parser.add_argument("--month", default="2023-12")
    parser.add_argument("--chunk", type=int, default=100_000, help="cases per transaction")
    args = parser.parse_args()
    console = Console(width=max(Console().width, 150))
    if not args.database_url:
        console.print("[red]give --database-url or set MINSHENG_TEST_DATABASE_URL (a PostgreSQL server)[/]")
        return

    from minsheng.assistance import cycle
    from minsheng.assistance.cycle_models import Cycle
    from minsheng.security.scope import REGION_WIDE
    from minsheng.store.db import make_engine, set_default_engine, unit_of_work
    from minsheng.store.migrate import upgrade

    url = _database(args.database_url, args.households)
    upgrade(url)
    engine = make_engine(url)
    set_default_engine(engine)
    cases, prepared = _prepare(engine, args.households, console)
    with engine.begin() as connection:  # the cycle starts from nothing each run
        connection.execute(
            text(
                "TRUNCATE assistance_payment_return, assistance_bank_file, assistance_payment_line, assistance_cycle"
            )
        )
        connection.execute(text("UPDATE assistance_adjustment SET settled_in_month = NULL"))
        connection.execute(text("CHECKPOINT"))

    table = Table(title=f"月度发放 payment cycle on PostgreSQL ({cases:,} active cases)")
    for column in ("step", "rows", "wall s", "CPU s (this process)", "CPU s (PostgreSQL)", "load 1 min"):
        table.add_column(column, justify="right")
    figures = []
    with tempfile.TemporaryDirectory(prefix="minsheng-bank-files-") as out:
        cpu, pg, wall = _cpu(), _postgres_cpu(), time.perf_counter()
        built = cycle.build(args.month, actor="bench-builder", engine=engine, chunk=args.chunk)
        figures.append(
            (
                "build: lines written",
                built.lines,
                time.perf_counter() - wall,
                _cpu() - cpu,
                _postgres_cpu() - pg,
            )
        )
        with unit_of_work(engine) as session:
            cycle.approve(
                session,
                session.get(Cycle, built.cycle_id),
                actor="bench-approver",
                permissions=frozenset({"assistance.approve"}),
                scope=REGION_WIDE,
            )
        cpu, pg, wall = _cpu(), _postgres_cpu(), time.perf_counter()
        exported = cycle.export(built.cycle_id, actor="bench-approver", engine=engine, out_dir=Path(out))
        lines_in_files = sum(f["line_count"] for f in exported.files)
        figures.append(
            (
                f"export: {len(exported.files)} bank files",
                lines_in_files,
                time.perf_counter() - wall,
                _cpu() - cpu,
                _postgres_cpu() - pg,
            )
        )
        cpu, pg, wall = _cpu(), _postgres_cpu(), time.perf_counter()
        again = cycle.build(args.month, actor="bench-builder", engine=engine)
        figures.append(
            (
                "rerun build (nothing to do)",
                again.new_lines,
                time.perf_counter() - wall,
                _cpu() - cpu,
                _postgres_cpu() - pg,
            )
        )
        size = sum(Path(f["file_name"]).stat().st_size for f in exported.files)
    load = os.getloadavg()[0]
    for step, rows, seconds, cpu_seconds, pg_seconds in figures:
        table.add_row(
            step, f"{rows:,}", f"{seconds:.2f}", f"{cpu_seconds:.2f}", f"{pg_seconds:.2f}", f"{load:.2f}"
        )
    total = figures[0][2] + figures[1][2]
    table.add_row(
        "[bold]build + export[/]",
        f"{built.lines:,}",
        f"[bold]{total:.2f}[/]",
        f"{figures[0][3] + figures[1][3]:.2f}",
        f"{figures[0][4] + figures[1][4]:.2f}",
        f"{load:.2f}",
    )
    console.print(table)
    console.print(
        f"total {built.total_fen / 100:,.2f} yuan; files {size / 1e6:,.1f} MB; target ≤ 30 s: "
        + ("[green]met[/]" if total <= 30 else "[red]missed[/]")
        + f"; preparation {prepared:.1f} s (not timed); {os.cpu_count()} CPUs"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
