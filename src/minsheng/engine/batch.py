"""Run rules over a whole snapshot on this machine: Parquet (or Arrow) in, Parquet out, in partitions.

Partitions are household_id ranges: each is read (Parquet row groups outside the range are skipped
by their statistics), determined and written before the next starts, so memory is bounded by the
partition, and DuckDB spills to disk past `memory_limit`. One Parquet file per rule and partition.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from minsheng.engine.local import check_units, connect, execute
from minsheng.engine.rule import Rule, base_inputs, chain
from minsheng.policy import ParameterSet

PARTITION_KEY = "household_id"


@dataclass
class BatchReport:
    out_dir: Path
    partitions: int
    units: dict[str, int] = field(default_factory=dict)  # rows written per rule
    phases: dict[str, float] = field(default_factory=dict)  # seconds

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())

    def files(self, rule: str) -> str:
        return str(self.out_dir / rule / "*.parquet")


def _source_sql(name: str, source: Path | pa.Table) -> str:
    if isinstance(source, pa.Table):
        return f"_source_{name}"
    return f"read_parquet('{source.as_posix()}')"


def run_batch(
    rules: Rule | Iterable[Rule],
    source: Path | Mapping[str, pa.Table],
    as_of: dt.date,
    params: ParameterSet,
    out_dir: Path,
    *,
    outputs: Iterable[str] | None = None,
    partitions: int = 1,
    threads: int | None = None,
    memory_limit: str | None = None,
    progress: bool = True,
    distinct_keys: bool = False,
) -> BatchReport:
    """Determine every unit of `source` (a snapshot folder with `<table>.parquet`, or Arrow tables).

    `outputs` names the rules whose results are written (default: the rules asked for); each goes to
    `out_dir/<rule>/part-NNNNN.parquet`. Partitions split the household_id range evenly.
    """
    ordered = chain(rules)
    wanted = (
        list(outputs)
        if outputs is not None
        else [r.name for r in ([rules] if isinstance(rules, Rule) else rules)]
    )
    needed = base_inputs(ordered)
    if isinstance(source, Mapping):
        sources: dict[str, Path | pa.Table] = {name: source[name] for name in needed}
    else:
        sources = {name: Path(source) / f"{name}.parquet" for name in needed}
        missing = [str(p) for p in sources.values() if not Path(p).exists()]  # type: ignore[arg-type]
        if missing:
            raise FileNotFoundError(f"snapshot files missing: {missing}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        (out_dir / name).mkdir(exist_ok=True)
        for old in (out_dir / name).glob("part-*.parquet"):
            old.unlink()  # a rerun replaces the previous results, never mixes with them
    report = BatchReport(out_dir=out_dir, partitions=partitions, units=dict.fromkeys(wanted, 0))
    connection = connect(threads=threads, memory_limit=memory_limit)
    connection.execute("SET preserve_insertion_order = false").fetchall()
    started = time.perf_counter()
    for name, item in sources.items():
        if isinstance(item, pa.Table):
            connection.register(f"_source_{name}", item)
    low, high = connection.execute(
        f"SELECT MIN({PARTITION_KEY}), MAX({PARTITION_KEY}) FROM {_source_sql('households', sources['households'])}"
    ).fetchall()[0]
    for rule in ordered:
        params.table(rule.parameters)  # build (and cache) every parameter table before timing the rules
    report.phases["prepare"] = time.perf_counter() - started
    bounds = _bounds(low, high, partitions)
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, disable=not progress, transient=False) as bar:
        task = bar.add_task("认定 determining", total=len(bounds))
        for index, (start, end) in enumerate(bounds):
            phase = time.perf_counter()
            for name, item in sources.items():
                connection.execute(
                    f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {_source_sql(name, item)} "
                    f"WHERE {PARTITION_KEY} >= {start} AND {PARTITION_KEY} < {end}"
                ).fetchall()
            execute(connection, ordered, params, as_of)
            for rule in ordered:
                check_units(connection, rule, distinct_keys)
            report.phases["determine"] = report.phases.get("determine", 0.0) + time.perf_counter() - phase
            phase = time.perf_counter()
            for name in wanted:
                path = out_dir / name / f"part-{index:05d}.parquet"
                connection.execute(
                    f"COPY {name} TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
                ).fetchall()
                report.units[name] += connection.execute(f"SELECT COUNT(*) FROM {name}").fetchall()[0][0]
            for rule in reversed(ordered):
                connection.execute(f"DROP TABLE IF EXISTS {rule.name}").fetchall()
            report.phases["write"] = report.phases.get("write", 0.0) + time.perf_counter() - phase
            bar.advance(task)
    connection.close()
    return report


def _bounds(low: int | None, high: int | None, partitions: int) -> list[tuple[int, int]]:
    """Half-open household_id ranges covering [low, high]; one empty range when there is nothing."""
    if low is None or high is None:
        return [(0, 0)]
    partitions = max(1, partitions)
    span = high - low + 1
    step = -(-span // partitions)
    return [
        (low + i * step, min(low + (i + 1) * step, high + 1))
        for i in range(partitions)
        if low + i * step <= high
    ]
