"""Social assistance for the whole region, end to end: read the Parquet snapshot, determine 低保, 特困,
orphans, 低保边缘 and 刚性支出 with every check column (the reasons), write the results as Parquet.

The snapshot is generated first (minsheng.synth), outside the timing. Each run is a fresh child
process, so its peak memory (ru_maxrss) and whole-process time are its own. The peer: OpenFisca took
8.5 s and 6 GB for a simpler 低保 rule over 10 M households on this machine; target ≤ 4 s, ≤ 3 GB.

Run: .venv/bin/python benchmarks/bench_assistance.py [--households 1000000 10000000] [--spark-households 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

AS_OF = dt.date(2023, 6, 1)
PERSONS_PER_HOUSEHOLD = 2.46  # what minsheng.synth produces for the region
console = Console(width=170)


def snapshot(households: int, root: Path) -> Path:
    """A synthetic region of about `households` households (generated once, reused)."""
    folder = root / f"region-{households}"
    if (folder / "members.parquet").exists():
        return folder
    from minsheng.synth.generate import write

    persons = int(households * PERSONS_PER_HOUSEHOLD)
    with console.status(f"generating {persons:,} persons…"):
        started = time.perf_counter()
        write(folder, persons, seed=2023, as_of=AS_OF)
    console.print(f"generated {folder} in {time.perf_counter() - started:.1f} s")
    return folder


def child(
    source: Path, out: Path, runner: str, partitions: int, memory_limit: str, outputs: list[str]
) -> None:
    """One timed run; prints a JSON line with its phases and peak memory."""
    started = time.perf_counter()
    from minsheng import policy
    from minsheng.assistance import rules as R

    params = policy.load()
    imported = time.perf_counter()
    if runner == "spark":
        from minsheng.engine.spark import run_spark, session

        spark = session(memory="6g")
        ready = time.perf_counter()
        run_spark(R.ASSESSMENT, source, AS_OF, params, spark=spark, outputs=outputs, out_dir=out)
        phases = {"start": ready - imported, "determine + write": time.perf_counter() - ready}
        rows = None
    else:
        from minsheng.engine.batch import run_batch

        report = run_batch(
            R.ASSESSMENT,
            source,
            AS_OF,
            params,
            out,
            outputs=outputs,
            partitions=partitions,
            memory_limit=memory_limit,
            progress=False,
        )
        phases = dict(report.phases)
        rows = report.units
    finished = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "load": imported - started,
                "phases": phases,
                "run": finished - imported,
                "rows": rows,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


def measure(
    source: Path, out: Path, runner: str, partitions: int, memory_limit: str, outputs: list[str]
) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        str(source),
        str(out),
        runner,
        str(partitions),
        memory_limit,
        ",".join(outputs),
    ]
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(finished.stderr[-3000:])
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["process"] = wall
    return result


def households_in(folder: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(folder / "households.parquet").metadata.num_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--spark-households", type=int, default=1_000_000, help="0 skips the Spark run")
    parser.add_argument("--data", type=Path, default=Path("var/bench/assistance"))
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB's limit; it spills past it")
    parser.add_argument("--outputs", default="assessment,dibao,dibao_edge,rigid_expense,tekun,orphan")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        source, out, runner, partitions, memory_limit, outputs = args.child
        child(Path(source), Path(out), runner, int(partitions), memory_limit, outputs.split(","))
        return

    outputs = args.outputs.split(",")
    table = Table(title=f"社会救助认定 social-assistance determinations, end to end ({', '.join(outputs)})")
    for column in (
        "runner",
        "households",
        "persons",
        "process s",
        "import s",
        "prepare s",
        "determine s",
        "write s",
        "households/s",
        "peak MB",
    ):
        table.add_column(column, justify="right")
    runs = [(n, "local") for n in args.households]
    if args.spark_households:
        runs.append((args.spark_households, "spark"))
    for households, runner in runs:
        folder = snapshot(households, args.data)
        count = households_in(folder)
        import pyarrow.parquet as pq

        persons = pq.ParquetFile(folder / "members.parquet").metadata.num_rows
        partitions = max(1, count // 1_000_000)  # a million households fit DuckDB's 2 GB without spilling
        console.print(f"{runner}: {count:,} households, {partitions} partition(s)…")
        result = measure(
            folder, args.data / f"out-{runner}-{households}", runner, partitions, args.memory_limit, outputs
        )
        phases = result["phases"]
        determine = phases.get("determine", phases.get("determine + write", 0.0))
        table.add_row(
            runner,
            f"{count:,}",
            f"{persons:,}",
            f"{result['process']:.2f}",
            f"{result['load']:.2f}",
            f"{phases.get('prepare', phases.get('start', 0.0)):.2f}",
            f"{determine:.2f}",
            f"{phases.get('write', 0.0):.2f}",
            f"{count / result['run']:,.0f}",
            f"{result['peak_mb']:,.0f}",
        )
    console.print(table)
    console.print(
        "[dim]process = the whole child process (interpreter start, imports, parameters, read, determine, write); "
        "households/s over the run after imports. Peer: OpenFisca 8.5 s, 6 GB for 10 M (simpler rule, no reasons).[/]"
    )


if __name__ == "__main__":
    main()
