"""The acceptance test of the payment cycle: `minsheng cycle run` killed with SIGKILL at random points
twenty times, then run to the end, gives exactly the lines, totals, settled adjustments, re-issues and
carried remainders of an uninterrupted run; `minsheng cycle export` killed mid-way writes the same bytes.

The data: a synthetic registry, a 低保 case for every household, arrears and overpayments (some larger
than the month's amount, so remainders are carried), and November's cycle paid with some lines failed,
so December re-issues them. Two copies of that database: one runs uninterrupted, the other is killed.
Kill points are seeded: a target share of December's lines (the process is killed once it has
committed that many, after a further random few milliseconds, so the kill lands anywhere inside the
next chunk's statements) — every kill hits a build in progress.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from minsheng.assistance import cycle, cycle_synth
from minsheng.assistance.cycle_models import Cycle
from minsheng.security.scope import REGION_WIDE
from minsheng.store.db import make_engine, unit_of_work
from minsheng.store.migrate import upgrade
from minsheng.synth.load import generate_and_load

pytestmark = pytest.mark.slow

KILLS = 20
# cases per transaction: small, so the build lasts long enough to be killed anywhere in it
CHUNK = {"sqlite": "1", "postgresql": "10"}
NOV, DEC = date(2023, 11, 1), date(2023, 12, 1)
MINSHENG = str(Path(sys.executable).parent / "minsheng")


def _prepare(url: str, files: Path) -> int:
    """A registry with cases, adjustments and a paid November with failures; returns December's line count."""
    upgrade(url)
    engine = make_engine(url)
    generate_and_load(engine, 8000, seed=5, as_of=date(2023, 10, 1))
    cycle_synth.create_cases(
        engine, as_of=date(2023, 10, 1), start_month=date(2023, 10, 1), select_="all", seed=5
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO assistance_adjustment (case_id, month, amount_fen, reason, created_at)"
                " SELECT id, :month, CASE WHEN id % 3 = 0 THEN -9999999 ELSE 12345 END, 'test', :at"
                " FROM assistance_case WHERE id % 7 = 0"
            ),
            {"month": date(2023, 10, 1), "at": cycle._now()},
        )
    november = cycle.build(NOV, actor="builder", engine=engine)
    with unit_of_work(engine) as session:
        cycle.approve(
            session,
            session.get(Cycle, november.cycle_id),
            actor="approver",
            permissions=frozenset({"assistance.approve"}),
            scope=REGION_WIDE,
        )
    exported = cycle.export(november.cycle_id, actor="approver", engine=engine, out_dir=files)
    with unit_of_work(engine) as session:
        for f in exported.files:
            details = cycle.read_payment_file(Path(f["file_name"]))
            answers = [
                (no, "FAILED", amount, "ACCOUNT_FROZEN") if i % 9 == 0 else (no, "PAID", amount, "")
                for i, (no, _n, _a, amount, _p, _b) in enumerate(details)
            ]
            cycle.import_returns(
                session, cycle.return_file(answers, f["bank_code"], NOV, "150000"), actor="bank"
            )
    with engine.connect() as connection:
        payable = connection.execute(
            text(
                "SELECT COUNT(*) FROM assistance_case c JOIN person p ON p.id = c.payee_person_id"
                " WHERE c.status = 'active' AND p.bank_account IS NOT NULL AND p.bank_account <> ''"
            )
        ).scalar()
        if engine.dialect.name == "sqlite":  # the copies are file copies
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return int(payable)


def _env(url: str, var: Path) -> dict[str, str]:
    return {**os.environ, "MINSHENG_DATABASE_URL": url, "MINSHENG_VAR_DIR": str(var)}


_engines: dict[str, object] = {}


def _query(url: str, sql: str) -> list[tuple]:
    if url not in _engines:
        _engines[url] = make_engine(url)
    with _engines[url].connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def _state(url: str) -> dict[str, list]:
    """Everything the December build writes, without surrogate ids."""
    return {
        "lines": _query(
            url,
            "SELECT case_id, month, case_no, banner_code, programme, paying_bank, payee_name, account,"
            " base_fen, adjustment_fen, reissue_fen, carried_fen, amount_fen, status"
            " FROM assistance_payment_line WHERE month = '2023-12-01' ORDER BY case_id",
        ),
        "totals": _query(
            url,
            "SELECT month, status, line_count, total_fen, case_cutoff_id, adjustment_cutoff_id"
            " FROM assistance_cycle ORDER BY month",
        ),
        "adjustments": _query(
            url,
            "SELECT case_id, month, amount_fen, reason, settled_in_month FROM assistance_adjustment"
            " ORDER BY case_id, month, amount_fen, reason",
        ),
        "reissued": _query(
            url,
            "SELECT case_id, month, reissued_in_month FROM assistance_payment_line"
            " WHERE status = 'failed' ORDER BY case_id, month",
        ),
    }


def _december(url: str) -> tuple[int, str | None]:
    """December's committed lines and its cycle's status (a reader never waits for the writer)."""
    try:
        count = _query(url, "SELECT COUNT(*) FROM assistance_payment_line WHERE month = '2023-12-01'")[0][0]
        status = _query(url, "SELECT status FROM assistance_cycle WHERE month = '2023-12-01'")
    except Exception:  # SQLite busy for a moment
        return -1, None
    return int(count), status[0][0] if status else None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path) -> Iterator[tuple[str, object]]:
    """A base database and a function that copies it (a file copy, or a PostgreSQL template)."""
    if request.param == "sqlite":

        def copy_sqlite(name: str) -> str:
            shutil.copy(tmp_path / "base.db", tmp_path / f"{name}.db")
            return f"sqlite:///{tmp_path / name}.db"

        yield f"sqlite:///{tmp_path / 'base.db'}", copy_sqlite
    else:
        server = os.environ.get("MINSHENG_TEST_DATABASE_URL")
        if not server:
            pytest.skip("MINSHENG_TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
        server_url = make_url(server).set(drivername="postgresql+psycopg")
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        prefix = f"minsheng_crash_{uuid.uuid4().hex[:8]}"
        made = [f"{prefix}_base"]
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{made[0]}"'))

        def copy_postgres(name: str) -> str:
            for engine in _engines.values():
                engine.dispose()
            _engines.clear()
            made.append(f"{prefix}_{name}")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{made[-1]}" TEMPLATE "{made[0]}"'))
            return server_url.set(database=made[-1]).render_as_string(hide_password=False)

        try:
            yield server_url.set(database=made[0]).render_as_string(hide_password=False), copy_postgres
        finally:
            for engine in _engines.values():
                engine.dispose()
            _engines.clear()
            with admin.connect() as connection:
                for name in made:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_killed_twenty_times_the_cycle_ends_as_if_never_killed(database, tmp_path):
    var = tmp_path / "var"
    base, copy = database
    payable = _prepare(base, tmp_path / "november")
    reference, crashed = copy("reference"), copy("crashed")
    run = [
        MINSHENG,
        "cycle",
        "run",
        "--month",
        "2023-12",
        "--chunk",
        CHUNK[make_url(base).get_backend_name()],
    ]

    done = subprocess.run(run, env=_env(reference, var), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    expected = _state(reference)
    assert len(expected["lines"]) == payable > 1000
    assert any(line[10] > 0 for line in expected["lines"])  # November's failures re-issued
    assert any(line[11] < 0 for line in expected["lines"])  # remainders carried
    assert _state(crashed)["lines"] == []

    rng = random.Random(20231201)
    targets = sorted(rng.uniform(0.02, 0.7) for _ in range(KILLS))
    landed = []
    for share in targets:
        process = subprocess.Popen(
            run, env=_env(crashed, var), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        goal = max(int(share * payable), _december(crashed)[0] + 1)  # after this run wrote something
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline and _december(crashed)[0] < goal:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.015))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        landed.append((process.returncode, *_december(crashed)))
    # every kill hit a build in progress (killed, the cycle still building), at different points
    assert all(code == -signal.SIGKILL and status == "building" for code, _, status in landed), landed
    assert len({count for _, count, _ in landed}) > KILLS // 2, landed
    assert landed[-1][1] < payable, landed

    finished = subprocess.run(run, env=_env(crashed, var), capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert _state(crashed) == expected
    again = subprocess.run(run, env=_env(crashed, var), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "new 0" in again.stdout.replace("新增 ", "")
    assert _state(crashed) == expected

    # export killed mid-way: the files end up byte for byte those of the uninterrupted export
    for url in (reference, crashed):
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            december = session.query(Cycle).filter(Cycle.month == DEC).one()
            cycle.approve(
                session,
                december,
                actor="approver",
                permissions=frozenset({"assistance.approve"}),
                scope=REGION_WIDE,
            )
        engine.dispose()
    export = ["cycle", "export", "--month", "2023-12"]
    out_reference, out_crashed = tmp_path / "ref-files", tmp_path / "crash-files"
    done = subprocess.run(
        [MINSHENG, *export, "--out", str(out_reference)],
        env=_env(reference, var),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    started = time.monotonic()
    subprocess.run(
        [MINSHENG, "cycle", "report", "--month", "2023-12"], env=_env(crashed, var), capture_output=True
    )
    startup = time.monotonic() - started
    for _ in range(5):
        process = subprocess.Popen([MINSHENG, *export, "--out", str(out_crashed)], env=_env(crashed, var))
        time.sleep(startup * rng.uniform(0.6, 1.3))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
    done = subprocess.run(
        [MINSHENG, *export, "--out", str(out_crashed)], env=_env(crashed, var), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    reference_files = {p.name: p.read_bytes() for p in (out_reference / "2023-12-150000").iterdir()}
    crashed_files = {p.name: p.read_bytes() for p in (out_crashed / "2023-12-150000").iterdir()}
    assert crashed_files == reference_files and len(reference_files) == 6
    report = subprocess.run(
        [MINSHENG, "cycle", "report", "--month", "2023-12"],
        env=_env(crashed, var),
        capture_output=True,
        text=True,
    )
    assert report.returncode == 0, report.stdout + report.stderr
