"""Three-tier settlement at scale, and the real-time settle endpoint under load.

Batch target: 10 M claims with per-person annual accumulators in ≤ 10 s (the settlement rule, one
DuckDB query with one window pass, Parquet in and Parquet out; the claims are generated and written
first, untimed). HTTP target: POST /api/medical/settle at 500 requests/s with p99 ≤ 25 ms on
PostgreSQL, load from a second process on 127.0.0.1 at a fixed arrival rate. CPU time (of the server's
workers and of PostgreSQL, per request) and the load average are printed beside wall time: the machine
is shared.

    .venv/bin/python benchmarks/bench_medical.py [--claims 10000000]
    MINSHENG_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/bench_medical.py --claims 0 --http --rate 500 --seconds 10
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from datetime import date

import numpy as np
import pyarrow as pa
from rich.console import Console
from rich.table import Table

from minsheng import regions
from minsheng.medical.rules.settlement import CLAIMS, ENROLMENT
from minsheng.medical.synth import claims_for, institutions

console = Console()


def population(persons: int, seed: int = 1) -> pa.Table:
    """Enrolment of `persons` residents and employees across the leagues, with low-income categories."""
    rng = np.random.default_rng(seed)
    leagues = np.array([league.code for league in regions.leagues()])
    employee = rng.random(persons) < 0.3
    return pa.table(
        {
            "person_id": np.arange(1, persons + 1, dtype=np.int64),
            "year": np.full(persons, 2024, dtype=np.int32),
            "insurance_type": np.where(employee, "employee", "resident"),
            "person_type": np.where(
                employee, np.where(rng.random(persons) < 0.3, "retired", "in_service"), "resident"
            ),
            "aid_category": np.where(
                employee, "none", np.array(["none"] * 18 + ["dibao", "tekun"])[rng.integers(0, 20, persons)]
            ),
            "pool_region": leagues[rng.integers(0, leagues.size, persons)],
            "enrolled_on": pa.array(np.full(persons, np.datetime64("2024-01-01", "D"))),
            "ended_on": pa.nulls(persons, pa.date32()),
        }
    ).cast(ENROLMENT)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_batch(claims: int, threads: int) -> list[tuple[str, str]]:
    """Parquet in, Parquet out: claims of a year settled with the annual accumulators, which are written too."""
    import tempfile
    from pathlib import Path

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from minsheng.medical.settlement import settle_files

    rng = np.random.default_rng(7)
    enrolled = population(max(claims // 3, 1))
    places = institutions()
    started = time.perf_counter()
    table = claims_for(enrolled, places, 2024, rng, target=claims).cast(CLAIMS)
    with tempfile.TemporaryDirectory(prefix="bench-medical-") as folder:
        base = Path(folder)
        pq.write_table(table, base / "claims.parquet", row_group_size=1 << 20)
        pq.write_table(enrolled, base / "enrolment.parquet")
        pq.write_table(places, base / "institutions.parquet")
        del table
        generated = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        cpu, started = _cpu(), time.perf_counter()
        settle_files(
            base / "claims.parquet", base / "enrolment.parquet", base / "institutions.parquet",
            base / "settled.parquet", threads=threads, accumulators_out=base / "accumulators.parquet",
        )  # fmt: skip
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
        load_after = os.getloadavg()[0]
        result = pq.read_table(base / "settled.parquet", columns=["settled"])
        settled = int(pc.sum(result["settled"]).as_py() or 0)
        persons = pq.read_metadata(base / "accumulators.parquet").num_rows
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    return [
        ("claims", f"{claims:,}"),
        ("enrolled persons", f"{enrolled.num_rows:,}"),
        ("generated in (untimed)", f"{generated:.1f} s"),
        ("settled in (wall)", f"{seconds:.1f} s  (target ≤ 10 s for 10 M)"),
        ("CPU time", f"{cpu:.1f} s on {threads} threads"),
        ("claims / s (wall)", f"{claims / seconds:,.0f}"),
        ("peak memory (process)", f"{peak_gb:.1f} GB"),
        ("settled claims", f"{settled:,}"),
        ("accumulator rows", f"{persons:,}"),
        ("load average", f"{load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores"),
    ]


# ----------------------------------------------------------------------------- HTTP


def _seed(url: str, persons: int) -> tuple[str, list[int]]:
    from minsheng.medical import service
    from minsheng.registry.models import Person
    from minsheng.security import service as security
    from minsheng.store.db import make_engine, set_default_engine, unit_of_work
    from minsheng.store.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    set_default_engine(engine)
    ids = []
    with unit_of_work(engine) as session:
        for n in range(persons):
            person = Person(
                id_number_hash=f"bench-{time.time_ns()}-{n}", id_number_cipher=b"-", id_number_masked="150402********0000",
                name="压测", sex="M", birth_date=date(1970, 1, 1), hukou="rural", hukou_region="150402", residence_region="150402",
            )  # fmt: skip
            session.add(person)
            session.flush()
            service.enrol(
                session, person_id=person.id, year=2024, insurance_type="resident", person_type="resident",
                aid_category="dibao" if n % 5 == 0 else "none", pool_region="150400", enrolled_on=date(2024, 1, 1),
            )  # fmt: skip
            ids.append(person.id)
        code = f"BENCH{time.time_ns()}"
        service.register_institution(
            session,
            code=code,
            name="压测医院",
            level=3,
            region_code="150402",
            designated_from=date(2020, 1, 1),
        )
        _, secret = security.issue_token(
            session, name="bench", scopes=["medical.write"], region_code="150000"
        )
    return secret + "|" + code, ids


def _load(port: int, token: str, code: str, ids: list[int], rate: float, seconds: float, out) -> None:
    """The second process: requests at a fixed arrival rate over keep-alive connections (open loop, as
    wrk2 does). A latency runs from the moment a request was due, not from when a connection was free,
    so a stalled server cannot hide its queue (coordinated omission). Raw HTTP/1.1 on asyncio protocols,
    no task per request: the loader must not eat the cores it is measuring (0.1 ms a request)."""
    import asyncio
    import json
    from collections import deque

    import uvloop

    prefix = os.getpid()

    def request(n: int) -> bytes:
        body = json.dumps({
            "idempotency_key": f"bench-{prefix}-{n:08d}", "claim_number": f"B{n}", "person_id": ids[n % len(ids)],
            "institution_code": code, "care_type": "inpatient", "admission_date": "2024-03-01", "discharge_date": "2024-03-05",
            "items": [{"item_code": "A", "item_name": "诊疗", "catalogue_class": "A", "quantity": 1, "unit_price_fen": 500_000, "amount_fen": 500_000}],
        }).encode()  # fmt: skip
        head = (
            f"POST /api/medical/settle HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    latencies: list[float] = []
    errors: dict[str, int] = {}
    queued: deque[tuple[bytes, float]] = deque()  # due, but every connection busy
    idle: deque[Exchange] = deque()

    def done(due: float, status: str) -> None:
        latencies.append(asyncio.get_running_loop().time() - due)
        if status != "200":
            errors[status] = errors.get(status, 0) + 1

    class Exchange(asyncio.Protocol):
        """One keep-alive connection: one request at a time, the response read by its Content-Length."""

        def connection_made(self, transport) -> None:
            self.transport, self.buffer, self.due = transport, bytearray(), None
            idle.append(self)

        def send(self, payload: bytes, due: float) -> None:
            self.due = due
            self.transport.write(payload)

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).lower()
            length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            if len(self.buffer) < end + 4 + length:
                return
            status = head[9:12].decode()
            del self.buffer[: end + 4 + length]
            done(self.due, status)
            self.due = None
            if queued:
                self.send(*queued.popleft())
            else:
                idle.append(self)

        def connection_lost(self, problem) -> None:
            if self in idle:
                idle.remove(self)
            if self.due is not None:
                done(self.due, type(problem).__name__ if problem else "closed")
            # the server closes a connection idle past its keep-alive: another takes its place
            asyncio.get_running_loop().create_task(
                asyncio.get_running_loop().create_connection(Exchange, "127.0.0.1", port)
            )

    def fire(payload: bytes, due: float) -> None:
        if idle:
            idle.popleft().send(payload, due)
        else:
            queued.append((payload, due))

    async def main() -> tuple[list[float], dict[str, int], float]:
        loop = asyncio.get_running_loop()
        for _ in range(LOADER_CONNECTIONS):
            await loop.create_connection(Exchange, "127.0.0.1", port)
        payloads = [request(n) for n in range(int(rate * seconds))]  # made before the clock starts
        began = loop.time() + 0.01
        for n, payload in enumerate(payloads):
            loop.call_at(began + n / rate, fire, payload, began + n / rate)
        deadline = began + seconds + 10
        while len(latencies) < len(payloads) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        errors["TimeoutError"] = errors.get("TimeoutError", 0) + len(payloads) - len(latencies)
        if not errors["TimeoutError"]:
            del errors["TimeoutError"]
        return latencies, errors, loop.time() - began

    out.send(uvloop.run(main()))


# enough connections that 500 requests a second at 25 ms each (about 13 in flight) never wait for one
LOADER_CONNECTIONS = 64


def bench_http(rate: float, seconds: float, workers: int) -> list[tuple[str, str]]:
    url = os.environ.get("MINSHENG_BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return [("http", "skipped: set MINSHENG_BENCH_DATABASE_URL to a PostgreSQL database")]
    secret, ids = _seed(url, 2_000)
    token, code = secret.split("|")
    import socket

    with socket.socket() as probe:  # a free port: never load another program's server by mistake
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MINSHENG_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "minsheng.api.app:create_app", "--factory", "--port", str(port),
         "--host", "127.0.0.1", "--workers", str(workers), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        # warm-up, untimed: every worker opens its database pool, compiles the settlement rule in SQLite
        # (~1 s) and, at the full rate, meets batches of every size (each size's statements compiled once)
        _run_loader(port, token, code, ids, 10 * workers, 2)
        _run_loader(port, token, code, ids, rate, 3)
        server_cpu, database_cpu, load_before = _tree_cpu(server.pid), _postgres_cpu(), os.getloadavg()[0]
        latencies, errors, elapsed = _run_loader(port, token, code, ids, rate, seconds)
        server_cpu, load_after = _tree_cpu(server.pid) - server_cpu, os.getloadavg()[0]
        database_cpu = _postgres_cpu() - database_cpu
    finally:
        server.terminate()
        server.wait(timeout=10)
    ordered = sorted(latencies)

    def pct(p: float) -> str:
        return f"{ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000:.1f} ms" if ordered else "—"

    return [
        ("requests", f"{len(latencies):,}"),
        ("errors", ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"),
        ("offered rate", f"{rate:.0f} / s"),
        ("achieved rate", f"{len(latencies) / elapsed:.0f} / s"),
        ("p50", pct(0.50)),
        ("p95", pct(0.95)),
        ("p99", f"{pct(0.99)}  (target ≤ 25 ms at 500 / s)"),
        ("server workers", str(workers)),
        (
            "server CPU time",
            f"{server_cpu:.1f} s over {elapsed:.1f} s ({server_cpu / max(len(latencies), 1) * 1000:.1f} ms a request)",
        ),
        ("PostgreSQL CPU time", f"{database_cpu / max(len(latencies), 1) * 1000:.1f} ms a request"),
        ("load average", f"{load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores"),
    ]


def _run_loader(port: int, token: str, code: str, ids: list[int], rate: float, seconds: float):
    receive, send = multiprocessing.Pipe(duplex=False)
    loader = multiprocessing.Process(target=_load, args=(port, token, code, ids, rate, seconds, send))
    loader.start()
    answer = receive.recv()
    loader.join()
    return answer


def _processes() -> list[tuple[int, str, list[str]]]:
    """(pid, command name, the fields after it) of every process, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                head, tail = handle.read().rsplit(")", 1)
        except OSError:
            continue
        found.append((int(entry), head.split("(", 1)[1], tail.split()))
    return found


def _cpu_seconds(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # user + system


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (the uvicorn workers)."""
    return sum(_cpu_seconds(f) for p, _, f in _processes() if p == pid or int(f[1]) == pid)


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL server's processes (its backends do the database's share of a request)."""
    return sum(_cpu_seconds(f) for _, name, f in _processes() if name == "postgres")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=10_000_000)
    parser.add_argument(
        "--http", action="store_true", help="also load the settle endpoint (needs PostgreSQL)"
    )
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn workers")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="DuckDB threads (batch)")
    args = parser.parse_args()
    table = Table(title="医保结算 medical settlement benchmark")
    table.add_column("measure")
    table.add_column("value", justify="right")
    if args.claims:
        for name, value in bench_batch(args.claims, args.threads):
            table.add_row(name, value)
    if args.http:
        for name, value in bench_http(args.rate, args.seconds, args.workers):
            table.add_row(f"http {name}", value)
    console.print(table)


if __name__ == "__main__":
    main()
