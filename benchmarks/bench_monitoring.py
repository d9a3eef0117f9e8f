"""The daily monitoring run over the region, engine part: every household through the risk rules (the
assistance chain, partner signals, medical claims, unemployment, open cases), `monitored_population`
written as Parquet, then the (household, risk) pairs at risk and the per-banner figures read back —
what `minsheng monitor run` does between the export and the alert merge.

The month's determination (`eligibility`: the assistance rules over every household; `member_flags` and
`household_members`: the registry's members and their counts) is prepared once a month, as
`minsheng monitor monthly` does, timed in its own child process and shown apart (its figures are kept
beside the tables and shown again while they are reused; --monthly prepares it again); the daily run
reads it.
The snapshot comes from minsheng.synth (generated once, outside the timing; an assistance benchmark's
snapshot of the same size is reused). The monitoring inputs are synthetic at rates of the demo:
matched signals for ~1 % of persons, settled claims for ~6 %, open unemployment registrations for
~2 %, open assistance cases for ~4 % of households. Each run is a fresh child process; its CPU time
(user + system) and the load average before and after are shown beside the wall time, since this
2-core machine is shared. Target: ≤ 30 s for 10 M households.

Run: .venv/bin/python benchmarks/bench_monitoring.py [--households 1000000 10000000] [--partitions N] [--monthly]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

AS_OF = dt.date(2023, 6, 1)
PERSONS_PER_HOUSEHOLD = 2.46
console = Console(width=170)


def snapshot(households: int, root: Path) -> Path:
    """households.parquet and members.parquet of a synthetic region (reused when present)."""
    for folder in (root / f"region-{households}", root.parent / "assistance" / f"region-{households}"):
        if (folder / "manifest.json").exists():  # written last: a complete snapshot
            return folder
    from minsheng.synth.generate import write

    folder = root / f"region-{households}"
    persons = int(households * PERSONS_PER_HOUSEHOLD)
    with console.status(f"generating {persons:,} persons…"):
        started = time.perf_counter()
        write(folder, persons, seed=2023, as_of=AS_OF)
    console.print(f"generated {folder} in {time.perf_counter() - started:.1f} s")
    return folder


def monitoring_inputs(source: Path, root: Path, seed: int = 2023) -> Path:
    """A run folder: the snapshot (linked) and synthetic signals, claims, registrations and cases."""
    import duckdb
    import pyarrow.parquet as pq

    from minsheng.monitoring.rules import INPUT_SCHEMAS

    folder = root / f"run-{source.name}"
    if (folder / "cases.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("households", "members"):
        link = folder / f"{name}.parquet"
        if not link.exists():
            link.symlink_to((source / f"{name}.parquet").resolve())
    members = (source / "members.parquet").as_posix()
    households = (source / "households.parquet").as_posix()
    kinds = "['medical_bill', 'income_drop', 'job_loss', 'disaster_damage', 'disability_certified', 'death']"
    day = f"DATE '{AS_OF.isoformat()}'"
    queries = {
        "signals": f"""
            SELECT CAST(ROW_NUMBER() OVER () AS BIGINT) AS signal_id, m.household_id, h.banner_code, person_id,
                   {kinds}[1 + CAST(FLOOR(random() * 6) AS INTEGER)] AS kind,
                   CAST({day} - CAST(FLOOR(random() * 200) AS INTEGER) AS DATE) AS observed_on,
                   CAST(FLOOR(random() * 5000000) AS BIGINT) AS amount_fen,
                   CAST(wages_fen AS BIGINT) AS previous_fen
            FROM read_parquet('{members}') AS m JOIN read_parquet('{households}') AS h USING (household_id)
            WHERE random() < 0.01 ORDER BY household_id""",
        "medical_claims": f"""
            SELECT CAST(ROW_NUMBER() OVER () AS BIGINT) AS claim_id, m.household_id, h.banner_code, person_id,
                   CAST({day} - CAST(FLOOR(random() * 400) AS INTEGER) AS DATE) AS discharge_date,
                   CAST(FLOOR(random() * random() * 3000000) AS BIGINT) AS self_pay_fen
            FROM read_parquet('{members}') AS m JOIN read_parquet('{households}') AS h USING (household_id)
            WHERE random() < 0.06 ORDER BY household_id""",
        "unemployment": f"""
            SELECT household_id, person_id,
                   CAST({day} - CAST(FLOOR(random() * 300) AS INTEGER) AS DATE) AS registered_on,
                   CAST(NULL AS DATE) AS ended_on
            FROM read_parquet('{members}') WHERE random() < 0.02 ORDER BY household_id""",
        "cases": f"""
            SELECT CAST(ROW_NUMBER() OVER () AS BIGINT) AS case_id, household_id,
                   CASE WHEN random() < 0.85 THEN 'dibao' ELSE 'tekun' END AS programme,
                   'active' AS status
            FROM read_parquet('{households}') WHERE random() < 0.04 ORDER BY household_id""",
    }
    with console.status("writing synthetic monitoring inputs…"), duckdb.connect() as con:
        con.execute(f"SELECT setseed({(seed % 1000) / 1000})").fetchall()
        for name, sql in queries.items():
            table = con.sql(sql).to_arrow_table().cast(INPUT_SCHEMAS[name])
            pq.write_table(table, folder / f"{name}.parquet", compression="zstd", row_group_size=1_000_000)
    return folder


def monthly_child(folder: Path, partitions: int, memory_limit: str) -> None:
    """The month's determination, timed; prints a JSON line with its seconds, CPU and peak memory."""
    started = time.perf_counter()
    from minsheng import policy
    from minsheng.monitoring import service

    households = service.prepare_monthly(
        folder, AS_OF, policy.load(), folder, partitions=partitions, progress=False, memory_limit=memory_limit
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "households": households,
                "partitions": partitions,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
            }
        )
    )


def monthly(folder: Path, households: int, memory_limit: str, again: bool) -> dict | None:
    """The month's determination (monthly, not daily): prepared once in a child process, its figures kept
    in monthly.json beside the tables; None when the tables were prepared without figures."""
    from minsheng.monitoring import service

    figures = folder / "monthly.json"
    if service.monthly_ready(folder) and not again:
        return json.loads(figures.read_text()) if figures.exists() else None
    partitions = max(1, households // 2_500_000)
    command = [sys.executable, __file__, "--child-monthly", str(folder), str(partitions), memory_limit]
    with console.status("the month's determination (eligibility, members)…"):
        finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(finished.stderr[-3000:])
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    figures.write_text(json.dumps(result))
    return result


def child(source: Path, out: Path, partitions: int, memory_limit: str) -> None:
    """One timed run; prints a JSON line with its phases, rows, CPU and peak memory."""
    started = time.perf_counter()
    from minsheng import policy
    from minsheng.monitoring import service

    params = policy.load()
    imported = time.perf_counter()
    report = service.determine(
        source, AS_OF, params, out, partitions=partitions, progress=False, memory_limit=memory_limit
    )
    determined = time.perf_counter()
    found = service.candidates(out)
    figures = service.banner_figures(out)
    finished = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    by_risk: dict[str, int] = {}
    for risk in found.column("risk").to_pylist():
        by_risk[risk] = by_risk.get(risk, 0) + 1
    print(
        json.dumps(
            {
                "load": imported - started,
                "phases": dict(report.phases),
                "determine": determined - imported,
                "read": finished - determined,
                "run": finished - imported,
                "households": report.units["monitored_population"],
                "risks": found.num_rows,
                "by_risk": by_risk,
                "banners": len({b for b, _, _ in figures}),
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
            }
        )
    )


def measure(source: Path, out: Path, partitions: int, memory_limit: str) -> dict:
    command = [sys.executable, __file__, "--child", str(source), str(out), str(partitions), memory_limit]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(finished.stderr[-3000:])
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["process"] = wall
    result["load_before"] = load_before
    result["load_after"] = os.getloadavg()[0]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--data", type=Path, default=Path("var/bench/monitoring"))
    parser.add_argument("--partitions", type=int, default=0, help="0: one per 2.5 M households")
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's limit; it spills past it")
    parser.add_argument("--monthly", action="store_true", help="prepare the month's determination again")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--child-monthly", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        source, out, partitions, memory_limit = args.child
        child(Path(source), Path(out), int(partitions), memory_limit)
        return
    if args.child_monthly:
        folder, partitions, memory_limit = args.child_monthly
        monthly_child(Path(folder), int(partitions), memory_limit)
        return

    table = Table(
        title="低收入人口监测 daily monitoring run, engine part (determine every household + read the risks)"
    )
    for column in (
        "households",
        "persons",
        "partitions",
        "wall s",
        "import s",
        "determine s",
        "read risks s",
        "CPU s",
        "load before/after",
        "risks found",
        "households/s",
        "peak MB",
        "monthly s",
    ):
        table.add_column(column, justify="right")
    notes: list[str] = []
    for households in args.households:
        import pyarrow.parquet as pq

        source = monitoring_inputs(snapshot(households, args.data), args.data)
        month = monthly(source, households, args.memory_limit, args.monthly)
        if month is not None:
            notes.append(
                f"{households:,}: the month's determination (eligibility, member_flags, household_members), once a "
                f"month: {month['seconds']:.1f} s wall, {month['cpu']:.1f} CPU s, {month['peak_mb']:,.0f} MB peak, "
                f"{month['partitions']} partition(s)"
            )
        count = pq.ParquetFile(source / "households.parquet").metadata.num_rows
        persons = pq.ParquetFile(source / "members.parquet").metadata.num_rows
        partitions = args.partitions or max(1, count // 2_500_000)
        console.print(f"{count:,} households, {partitions} partition(s)…")
        result = measure(source, args.data / f"out-{households}", partitions, args.memory_limit)
        table.add_row(
            f"{count:,}",
            f"{persons:,}",
            str(partitions),
            f"{result['process']:.2f}",
            f"{result['load']:.2f}",
            f"{result['determine']:.2f}",
            f"{result['read']:.2f}",
            f"{result['cpu']:.1f}",
            f"{result['load_before']:.1f} / {result['load_after']:.1f}",
            f"{result['risks']:,}",
            f"{count / result['run']:,.0f}",
            f"{result['peak_mb']:,.0f}",
            f"{month['seconds']:.1f}" if month is not None else "",
        )
        notes.append(
            f"{count:,} risks: " + ", ".join(f"{k} {v:,}" for k, v in sorted(result["by_risk"].items()))
        )
    console.print(table)
    for note in notes:
        console.print(f"[dim]{note}[/]")
    console.print(
        "[dim]wall = the whole child process (interpreter, imports, parameters, determine, write, read back); "
        "CPU = its user + system seconds (2 cores: CPU ≈ 2 × wall when it has the machine to itself); "
        "load = 1-minute load average; monthly = the month's determination, prepared once a month and not part of "
        "the daily wall. The export from the database and the alert merge are outside this figure.[/]"
    )


if __name__ == "__main__":
    main()
