"""Top-10 matches for 1 M seekers over 100 k vacancies (target ≤ 60 s on this machine).

The `match` rule (employment/rules/match.sql) runs league by league, the join bounded by the
occupation a seeker wants; the synthetic inputs are plausible by league and sector.
Run: .venv/bin/python benchmarks/bench_matching.py [--seekers N] [--vacancies N]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import date

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from minsheng.employment import synth
from minsheng.employment.matching import match_batch

TARGET_SECONDS = 60


def _cpu_seconds() -> float:
    """User + system time of this process, all threads: the work done, whatever else shares the CPUs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seekers", type=int, default=1_000_000)
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--block-by", choices=("banner", "league"), default="banner")
    args = parser.parse_args()
    console = Console(width=160)

    started = time.perf_counter()
    seekers = synth.seekers_table(args.seekers, seed=1)
    vacancies = synth.vacancies_table(args.vacancies, seed=2)
    generated = time.perf_counter() - started

    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("匹配 matching by league", total=seekers.num_rows)
        result = match_batch(
            seekers,
            vacancies,
            as_of=date(2024, 7, 1),
            top_n=args.top,
            block_by=args.block_by,
            progress=lambda _league, n: progress.advance(task, n),
        )
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    load = os.getloadavg()[0]
    matched_seekers = len(set(result["seeker_id"].to_pylist()))
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024

    table = Table(title="人岗匹配 top-N matching")
    for column in (
        "seekers",
        "vacancies",
        "top",
        "block",
        "matches",
        "seekers matched",
        "generate s",
        "match s",
        "match CPU s",
        "load avg",
        "target s",
        "peak RSS GB",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{seekers.num_rows:,}",
        f"{vacancies.num_rows:,}",
        str(args.top),
        f"{args.block_by} × occupation",
        f"{result.num_rows:,}",
        f"{matched_seekers:,}",
        f"{generated:.1f}",
        f"[{'green' if elapsed <= TARGET_SECONDS else 'red'}]{elapsed:.1f}[/]",
        f"{cpu:.1f}",
        f"{load:.1f}",
        str(TARGET_SECONDS),
        f"{peak_gb:.2f}",
    )
    console.print(table)
    console.print(
        f"CPU time ÷ cores ({os.cpu_count()}) = {cpu / (os.cpu_count() or 1):.1f} s: the wall time on an idle machine "
        "if DuckDB keeps every core busy; wall time above includes waiting for other processes (load average)."
    )


if __name__ == "__main__":
    main()
