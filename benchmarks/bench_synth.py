"""The synthetic region at full scale: 24 049 155 persons (2020 census) in ≤ 60 s on this machine.

Each size runs in a fresh process so its peak memory (ru_maxrss of the process and of its generator
workers) is its own. Run: .venv/bin/python -m benchmarks synth [--persons N ...] [--workers N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from minsheng.synth import calibration, generate

TARGET_SECONDS = 60
SIZES = (1_000_000, calibration.CENSUS_POPULATION_2020)


def _run(persons: int, workers: int | None, results: multiprocessing.Queue) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as folder:
        summary = generate.write(Path(folder), persons, seed=1, as_of=date(2024, 6, 30), workers=workers)
        size = sum(f.stat().st_size for f in Path(folder).iterdir())
    own = resource.getrusage(resource.RUSAGE_SELF)
    # Generator workers are children of the forkserver: they report their own usage.
    workers_cpu = sum(cpu for cpu, _ in generate.WORKER_USAGE.values())
    peak_kib = max([own.ru_maxrss, *(rss for _, rss in generate.WORKER_USAGE.values())])
    cpu = own.ru_utime + own.ru_stime + workers_cpu
    results.put(
        {
            "persons": summary.persons,
            "households": summary.households,
            "seconds": summary.seconds,
            "peak_mib": peak_kib / 1024,
            "cpu": cpu,
            "bytes": size,
            "workers": workers or generate.default_workers(persons),
            "phases": dict(generate.PHASES),
        }
    )


def measure(persons: int, workers: int | None = None) -> dict:
    context = multiprocessing.get_context("forkserver")
    results = context.Queue()
    process = context.Process(target=_run, args=(persons, workers, results))
    process.start()
    result = results.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--workers", type=int, default=None, help="generator processes (default: by size)")
    args = parser.parse_args()
    console = Console(width=140)
    table = Table(title=f"合成人口 synthetic region — target ≤ {TARGET_SECONDS} s for the full region")
    columns = ("persons", "households", "workers", "seconds", "persons/s", "CPU s", "peak MiB", "Parquet MB")
    for column in columns:
        table.add_column(column, justify="right")
    rows = []
    for persons in args.persons:
        console.print(f"generating {persons:,} persons …")
        rows.append(measure(persons, args.workers))
    for r in rows:
        table.add_row(
            f"{r['persons']:,}",
            f"{r['households']:,}",
            str(r["workers"]),
            f"{r['seconds']:.1f}",
            f"{r['persons'] / r['seconds']:,.0f}",
            f"{r['cpu']:.1f}",
            f"{r['peak_mib']:,.0f}",
            f"{r['bytes'] / 1e6:,.0f}",
        )
    console.print(table)
    full = [r for r in rows if r["persons"] >= calibration.CENSUS_POPULATION_2020]
    if full:
        verdict = "[green]met[/]" if full[0]["seconds"] <= TARGET_SECONDS else "[red]missed[/]"
        console.print(
            f"full region: {full[0]['seconds']:.1f} s — target {verdict}; load average now {os.getloadavg()[0]:.1f}"
        )
    in_process = [r for r in rows if r["phases"]]
    if in_process:  # with one worker the phases of generation are timed in-process
        phases = Table(title="generation phases (CPU seconds, in-process runs)")
        phases.add_column("phase")
        for r in in_process:
            phases.add_column(f"{r['persons']:,}", justify="right")
        for name in in_process[0]["phases"]:
            phases.add_row(name, *[f"{r['phases'].get(name, 0):.2f}" for r in in_process])
        console.print(phases)


if __name__ == "__main__":
    main()
