"""Casework: the procedure's steps one by one, a review, and the recomputation of every active case after a
changed standard.

A synthetic registry (`--persons`, default 50 000) is loaded into a fresh SQLite database (or the
PostgreSQL server given by --database-url, in its own database), every 低保-eligible household gets an
active case from July 2023 (`cycle_synth.create_cases`), then:
- `procedure`: `--cases` households (default 50) taken from application to approval through
  `cases.open_case` and `cases.transition` (7 steps each, each its own transaction with the rules run
  at the first review and the decision), timed per step;
- `review`: `review_case` on the same number of active cases (the rules for one household each);
- `recompute`: the rural standard raised 10 % from July, every active case recomputed July–December
  (six monthly runs of the rules over all the cases' households), amount rows and arrears written.

Run: .venv/bin/python -m benchmarks casework [--persons 50000] [--cases 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

AS_OF = date(2023, 6, 1)
RAISE = """
scenario: {name: 农村低保标准自7月起提高10%}
parameters:
  dibao.standard:
    values:
      - {effective_from: 2023-07-01, hukou: rural, scale: 1.10}
"""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _database(server: str) -> str:
    name = f"minsheng_bench_casework_{os.getpid()}"
    url = make_url(server).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop(server: str, url: str) -> None:
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument(
        "--database-url", default=None, help="a PostgreSQL server; default: SQLite in a temp dir"
    )
    options = parser.parse_args()
    console = Console()

    from minsheng import policy
    from minsheng.assistance import cases, cycle_synth, service
    from minsheng.assistance.models import Case
    from minsheng.registry.export import snapshot_tables
    from minsheng.security.roles import permissions_of
    from minsheng.security.scope import RegionScope
    from minsheng.store import db
    from minsheng.store.migrate import upgrade
    from minsheng.synth.load import generate_and_load

    with tempfile.TemporaryDirectory(prefix="minsheng-bench-casework-") as folder:
        url = (
            _database(options.database_url) if options.database_url else f"sqlite:///{Path(folder) / 'b.db'}"
        )
        try:
            upgrade(url)
            engine = db.make_engine(url)
            db.set_default_engine(engine)
            started = time.perf_counter()
            generate_and_load(engine, options.persons, seed=5, as_of=AS_OF, out_dir=Path(folder) / "synth")
            # The applications: eligible and ineligible households of 赤峰市 alike, half and half.
            households, members = snapshot_tables(engine, AS_OF, "1504")
            judged = service.assess_tables(households, members, AS_OF)
            eligible = [a.household_id for a in judged if a.determination("dibao").eligible]
            other = [a.household_id for a in judged if not a.determination("dibao").eligible]
            free = sorted(eligible[: options.cases // 2] + other[: options.cases - options.cases // 2])
            made = cycle_synth.create_cases(
                engine, as_of=AS_OF, start_month=date(2023, 7, 1), select_="eligible", seed=5
            )
            console.print(
                f"prepared {options.persons:,} persons, {made.cases:,} active cases in "
                f"{time.perf_counter() - started:.1f} s"
            )
            rows: list[tuple[str, int, float, float, str]] = []
            with db.unit_of_work() as session:  # the synthetic cases of the applicants' households go
                for case in session.scalars(select(Case).where(Case.household_id.in_(free))):
                    session.delete(case)
            worker = cases.Actor(
                "bench.worker", permissions_of("assistance_caseworker"), RegionScope("150000")
            )
            approver = cases.Actor(
                "bench.approver", permissions_of("assistance_approver"), RegionScope("150000")
            )
            steps = 0
            confirmed = 0
            cpu, wall = _cpu(), time.perf_counter()
            for household_id in free:
                with db.unit_of_work() as session:
                    case_id = cases.open_case(
                        session,
                        household_id=household_id,
                        programme="dibao",
                        submitted_on=AS_OF,
                        actor=worker,
                    ).id
                steps += 1
                plan = [
                    ("accept", worker, 1, {}),
                    (
                        "record_investigation",
                        worker,
                        2,
                        {"visitors": ["甲", "乙"], "findings": "x", "information_check": True},
                    ),
                    ("township_review", worker, 3, {}),
                ]
                for action, who, offset, data in plan:
                    with db.unit_of_work() as session:
                        version = session.get(Case, case_id).version
                        cases.transition(
                            session, case_id, action, actor=who, on=AS_OF + timedelta(days=offset),
                            expected_version=version, data=data,
                        )  # fmt: skip
                    steps += 1
                with db.unit_of_work() as session:
                    case = session.get(Case, case_id)
                    final = "publish_notice" if (case.determination or {}).get("eligible") else "refuse"
                    cases.transition(
                        session, case_id, final, actor=worker if final == "publish_notice" else approver,
                        on=AS_OF + timedelta(days=4), expected_version=case.version, reason="bench",
                    )  # fmt: skip
                    steps += 1
                if final == "publish_notice":
                    with db.unit_of_work() as session:
                        case = session.get(Case, case_id)
                        try:
                            cases.transition(
                                session, case_id, "confirm", actor=approver, on=AS_OF + timedelta(days=12),
                                expected_version=case.version, data={"paying_bank": "ABC", "bank_account": "6228480000000000001"},
                            )  # fmt: skip
                            confirmed += 1
                        except Exception:
                            session.rollback()
                    steps += 1
            seconds, cpu_used = time.perf_counter() - wall, _cpu() - cpu
            rows.append(
                (
                    "procedure steps",
                    steps,
                    seconds,
                    cpu_used,
                    f"{len(free)} applications, {confirmed} confirmed; {seconds / max(steps, 1) * 1000:.0f} ms a step",
                )
            )

            with db.unit_of_work() as session:
                active = session.scalars(
                    select(Case).where(Case.status == "active").order_by(Case.id).limit(options.cases)
                ).all()
                cpu, wall = _cpu(), time.perf_counter()
                outcomes: dict[str, int] = {}
                for case in active:
                    outcome = cases.review_case(session, case, date(2024, 1, 10))
                    outcomes[outcome["outcome"]] = outcomes.get(outcome["outcome"], 0) + 1
                seconds, cpu_used = time.perf_counter() - wall, _cpu() - cpu
                session.rollback()
            rows.append(
                (
                    "reviews",
                    len(active),
                    seconds,
                    cpu_used,
                    f"{outcomes}; {seconds / max(len(active), 1) * 1000:.0f} ms each",
                )
            )

            scenario = Path(folder) / "raise.yaml"
            scenario.write_text(RAISE, encoding="utf-8")
            raised = policy.load(scenario)
            cpu, wall = _cpu(), time.perf_counter()
            with db.unit_of_work() as session:
                result = cases.recompute(session, date(2023, 7, 1), date(2024, 1, 15), "bench", raised)
            seconds, cpu_used = time.perf_counter() - wall, _cpu() - cpu
            rows.append(
                (
                    "recompute Jul–Dec",
                    result.cases,
                    seconds,
                    cpu_used,
                    f"{result.changed:,} changed, {result.amount_rows:,} amount rows, {result.adjustments:,} adjustments",
                )
            )
            table = Table(
                title=f"casework · {make_url(url).get_backend_name()} · {options.persons:,} persons"
            )
            for column in ("work", "units", "wall s", "CPU s", "detail"):
                table.add_column(column, justify="left" if column in ("work", "detail") else "right")
            for work, units, wall_s, cpu_s, detail in rows:
                table.add_row(work, f"{units:,}", f"{wall_s:.2f}", f"{cpu_s:.2f}", detail)
            console.print(table)
            console.print(f"load average {os.getloadavg()[0]:.1f} (2 cores shared)")
        finally:
            db.set_default_engine(None)
            if options.database_url:
                _drop(options.database_url, url)


if __name__ == "__main__":
    main()
