"""Run the medical rules through the shared engine: in-process DuckDB over Arrow (one claim, a test), or
Parquet in and Parquet out for batch settlement (no materialised result, no sort, only needed columns)."""

from __future__ import annotations

import atexit
import os
import queue
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from datetime import date
from pathlib import Path

import pyarrow as pa

from minsheng import engine
from minsheng.engine import Rule
from minsheng.engine.local import RuleOutputError, run_table
from minsheng.policy import ParameterSet


def run_rule(
    rule: Rule, tables: dict[str, pa.Table], params: ParameterSet, as_of: date, threads: int | None = None
) -> pa.Table:
    """One rule over named Arrow inputs; `threads` for batch work (the engine's default is one)."""
    connection = engine.connect(threads=threads) if threads else None
    try:
        return engine.run_local_all(rule, tables, as_of, params, connection=connection)[rule.name]
    finally:
        if connection is not None:
            connection.close()


def _quoted(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def run_rule_to_parquet(
    rule: Rule,
    sources: Mapping[str, pa.Table | Path],
    as_of: date,
    out: Path,
    *,
    columns: Sequence[str] | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> int:
    """Stream one rule's result into a Parquet file: inputs are Parquet files (scanned in parallel) or
    Arrow tables; `columns` projects the result (DuckDB then prunes what only the dropped columns needed).
    Every unit exactly once: the rows written are counted against the unit table."""
    connection = engine.connect(threads=threads, memory_limit=memory_limit)
    try:
        connection.execute("SET preserve_insertion_order = false").fetchall()
        connection.execute("SET enable_progress_bar = false").fetchall()
        for name, source in sources.items():
            if isinstance(source, pa.Table):
                connection.register(name, source)
            else:
                connection.execute(
                    f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(Path(source))})"
                ).fetchall()
        connection.register("run", run_table(as_of))
        projection = ", ".join(columns) if columns else "*"
        ((written,),) = connection.execute(
            f"COPY (SELECT {projection} FROM ({rule.sql}) AS result) TO {_quoted(out)} (FORMAT parquet)"
        ).fetchall()
        ((expected,),) = connection.execute(f"SELECT COUNT(*) FROM {rule.unit_table}").fetchall()
        if written != expected:
            raise RuleOutputError(
                f"rule {rule.name}: {expected} units in {rule.unit_table}, {written} rows out"
            )
        return written
    finally:
        connection.close()


def query_parquet(sql: str, **files: Path) -> list[tuple]:
    """A small query over Parquet files named as views (totals of a batch result)."""
    connection = engine.connect()
    try:
        for name, path in files.items():
            connection.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(path)})"
            ).fetchall()
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def copy_query(sql: str, out: Path, **files: Path) -> int:
    """Write a query over Parquet files to Parquet (e.g. the accumulators after a batch)."""
    connection = engine.connect()
    try:
        for name, path in files.items():
            connection.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(path)})"
            ).fetchall()
        ((written,),) = connection.execute(f"COPY ({sql}) TO {_quoted(out)} (FORMAT parquet)").fetchall()
        return written
    finally:
        connection.close()


# Optimizers that cost more planning time than they save on a handful of rows (the rule's results do not
# depend on them: an optimizer never changes what a query returns). Measured on the settlement rule with
# one claim: about 45 ms of CPU per run with every optimizer, about 30 ms without these.
SMALL_INPUT_DISABLED_OPTIMIZERS = (
    "join_order", "expression_rewriter", "duplicate_groups", "unused_columns", "statistics_propagation",
    "common_subexpressions", "filter_pushdown", "outer_join_simplification", "redundant_order_keys",
    "projection_pullup", "compressed_materialization", "join_filter_pushdown", "build_side_probe_side",
    "common_subplan", "grouping_sets",
)  # fmt: skip


class SmallRunner:
    """One rule over a few rows, many times, on one thread: a long-lived DuckDB connection whose input
    tables exist once (emptied and refilled per run), the parameter table loaded once per parameter set,
    the rule's SQL parsed once, no progress bar and no big-data optimizers. Not thread-safe: one per thread."""

    def __init__(self, rule: Rule, schemas: Mapping[str, pa.Schema]):
        self.rule = rule
        self.connection = engine.connect(threads=1)
        self.connection.execute("SET enable_progress_bar = false").fetchall()
        self.connection.execute(
            f"SET disabled_optimizers = '{','.join(SMALL_INPUT_DISABLED_OPTIMIZERS)}'"
        ).fetchall()
        self.schemas = dict(schemas)
        for name, schema in self.schemas.items():
            self._create(name, schema.empty_table())
        self.statement = self.connection.extract_statements(rule.sql)[0]
        self.inserts = {
            name: f"INSERT INTO {name} VALUES ({', '.join('?' for _ in schema)})"
            for name, schema in self.schemas.items()
        }
        self.loaded: dict[str, int] = {}  # fixed tables (parameters) by the id of what was loaded
        self.filled: set[str] = set()  # input tables holding rows of the last run

    def _create(self, name: str, table: pa.Table) -> None:
        self.connection.register("_incoming", table)
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _incoming").fetchall()
        self.connection.unregister("_incoming")

    def fixed(self, name: str, table: pa.Table) -> None:
        """A table that rarely changes (the parameters): loaded again only when another one is given."""
        if self.loaded.get(name) != id(table):
            self._create(name, table)
            self.loaded[name] = id(table)

    def run(self, rows: Mapping[str, Sequence[Mapping]]) -> list[dict]:
        """The rule over the given rows (each input a list of dicts in its schema's columns)."""
        connection = self.connection
        for name, schema in self.schemas.items():
            if name in self.filled:
                connection.execute(f"DELETE FROM {name}").fetchall()
                self.filled.discard(name)
            values = [[row.get(field.name) for field in schema] for row in rows.get(name, ())]
            if values:
                connection.executemany(self.inserts[name], values)
                self.filled.add(name)
        cursor = connection.execute(self.statement)
        columns = [d[0] for d in cursor.description]
        result = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
        expected = {row[self.rule.key[0]] for row in rows.get(self.rule.unit_table, ())}
        produced = [row[self.rule.key[0]] for row in result]
        if len(produced) != len(expected) or set(produced) != expected:
            raise RuleOutputError(
                f"rule {self.rule.name}: {len(expected)} units in, {len(produced)} rows out"
            )
        return result


class Batcher:
    """Claims arriving at the same time from several request threads are settled by ONE run of the rule:
    a thread of its own takes everything queued while the previous run was busy (no waiting added: alone,
    a claim runs by itself). Planning the rule costs the same for one claim or fifty, so under load the
    runs grow instead of queueing up. Units of one run never share a key value (`conflict_key`): two
    requests for the same person and year go into consecutive runs."""

    def __init__(
        self, rule: Rule, schemas: Mapping[str, pa.Schema], shared: Sequence[str] = (), interval: float = 0.0
    ):
        self.rule = rule
        self.schemas = schemas
        self.shared = tuple(shared)  # inputs that may repeat across requests (deduplicated by their rows)
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.interval = interval
        self.last_run = 0.0
        self.thread = threading.Thread(target=self._loop, name=f"{rule.name}-batcher", daemon=True)
        self.thread.start()
        self.runs = 0  # runs of the rule so far, and the units they settled (units / runs: the batch size)
        self.units = 0

    def submit(
        self, rows: Mapping[str, Sequence[Mapping]], fixed: Mapping[str, pa.Table], conflicts: frozenset
    ) -> list[dict]:
        """The rule's rows for these inputs; `conflicts`: key values no other unit of the same run may share."""
        done: Future = Future()
        self.queue.put((rows, fixed, conflicts, done))
        return done.result()

    def _loop(self) -> None:
        runner = SmallRunner(self.rule, self.schemas)
        held: list = []
        while True:
            pending = held or [self.queue.get()]
            if pending[0] is None:  # the process is ending
                runner.connection.close()
                return
            held = []
            # runs no closer than `interval` apart: a claim arriving after a quiet spell runs at once, under
            # load the claims of the interval share one run (planning the rule costs ~30 ms of CPU per run)
            until = self.last_run + self.interval
            while True:
                try:
                    wait = until - time.monotonic()
                    item = self.queue.get(timeout=wait) if wait > 0 else self.queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self.queue.put(None)  # stop after this run
                    break
                pending.append(item)
            batch, keys = [], set()
            for item in pending:
                # one parameter set per run, and never two units with the same key (same person-year)
                if keys & item[2] or (batch and any(batch[0][1][n] is not t for n, t in item[1].items())):
                    held.append(item)
                else:
                    keys |= item[2]
                    batch.append(item)
            self.last_run = time.monotonic()
            self._run(runner, batch)

    def _run(self, runner: SmallRunner, batch: list) -> None:
        try:
            for name, table in batch[0][1].items():
                runner.fixed(name, table)
            key = self.rule.key[0]
            merged: dict[str, list] = {name: [] for name in self.schemas}
            owners: dict[str, tuple[int, str]] = {}
            for number, (rows, _fixed, _key, _done) in enumerate(batch):
                for name, values in rows.items():
                    if name == self.rule.unit_table:
                        for row in values:  # units renamed so that two requests' own numbers never collide
                            unit = f"{number}:{row[key]}"
                            owners[unit] = (number, row[key])
                            merged[name].append({**row, key: unit})
                    elif name in self.shared:
                        merged[name].extend(r for r in values if r not in merged[name])
                    else:
                        merged[name].extend(values)
            results: list[list] = [[] for _ in batch]
            for row in runner.run(merged):
                number, own = owners[row[key]]
                results[number].append({**row, key: own})
            self.runs += 1
            self.units += len(owners)
            for (_rows, _fixed, _key, done), result in zip(batch, results, strict=True):
                done.set_result(result)
        except BaseException as problem:  # every waiting request learns of it; the thread carries on
            for *_, done in batch:
                if not done.done():
                    done.set_exception(problem)


DEFAULT_BATCH_MS = (
    100  # the shortest time between two runs of a rule on the settlement thread (a lone claim never waits)
)
_batchers: dict[str, Batcher] = {}
_batchers_lock = threading.Lock()


def batcher(rule: Rule, schemas: Mapping[str, pa.Schema], shared: Sequence[str] = ()) -> Batcher:
    """This process's batcher for `rule` (started on first use)."""
    with _batchers_lock:
        if rule.name not in _batchers:
            interval = float(os.environ.get("MINSHENG_RULE_BATCH_MS", DEFAULT_BATCH_MS)) / 1000
            _batchers[rule.name] = Batcher(rule, schemas, shared, interval)
            atexit.register(_stop, _batchers[rule.name])
        return _batchers[rule.name]


def _stop(running: Batcher) -> None:
    running.queue.put(None)
    running.thread.join(timeout=5)
