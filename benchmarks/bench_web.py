"""The region page and the registry list over a filled registry, per scope (region, league, banner).

Target: on SQLite with 1 M persons, a banner's region page under 0.1 s (the scope is an index range on
the banner column) and a league's or the region's under 2 s.

    .venv/bin/python benchmarks/bench_web.py [--households 400000]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from minsheng import regions
from minsheng.registry import service as registry
from minsheng.registry.models import Household, Person
from minsheng.security.scope import RegionScope
from minsheng.store.db import make_engine, unit_of_work
from minsheng.store.migrate import upgrade
from minsheng.web import dashboard

BATCH = 50_000


def fill(engine, households: int, seed: int = 7) -> int:
    """Households of 1–4 members spread over every banner; ID fields are placeholders (not read here)."""
    rng = random.Random(seed)
    banners = [b.code for b in regions.banners()]
    now = datetime.now(UTC)
    person_count = 0
    with engine.begin() as connection:
        for start in range(0, households, BATCH):
            rows, people = [], []
            for i in range(start, min(start + BATCH, households)):
                banner = banners[i % len(banners)]
                rows.append(
                    {"id": i + 1, "household_number": f"{banner}{i:010d}", "banner_code": banner,
                     "hukou": "rural", "created_at": now, "version": 1, "updated_at": now}
                )  # fmt: skip
                for m in range(rng.randint(1, 4)):
                    person_count += 1
                    people.append(
                        {"id_number_hash": f"{person_count:064d}", "id_number_cipher": b"x",
                         "id_number_masked": f"{banner}********0000", "name": "测试", "sex": "MF"[m % 2],
                         "birth_date": date(1970 + m, 1, 1), "hukou": "rural", "hukou_region": banner,
                         "residence_region": banner, "household_id": i + 1,
                         "relationship_to_head": "head" if m == 0 else "child", "serious_illness": False,
                         "adl_items_lost": 0, "created_at": now, "version": 1, "updated_at": now}
                    )  # fmt: skip
            connection.execute(insert(Household), rows)
            connection.execute(insert(Person), people)
    return person_count


def timed(function, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=400_000)
    parser.add_argument("--database", help="a SQLite file to fill once and reuse on later runs")
    options = parser.parse_args(argv)
    console = Console()
    path = options.database or os.path.join(tempfile.mkdtemp(prefix="minsheng-bench-web-"), "bench.db")
    reuse = os.path.exists(path)
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    if reuse:
        with engine.connect() as connection:
            persons = connection.exec_driver_sql("select count(*) from person").scalar_one()
    else:
        start = time.perf_counter()
        persons = fill(engine, options.households)
        elapsed = time.perf_counter() - start
        console.print(f"filled {options.households:,} households, {persons:,} persons in {elapsed:.1f} s")
    table = Table(title=f"region page and registry list, SQLite, {persons:,} persons")
    for column in ("scope", "households", "persons", "region page s", "list page s", "count s"):
        table.add_column(column, justify="right")
    today = date.today()
    for code in ("150000", "150400", "150426"):
        scope = RegionScope(code)
        with unit_of_work(engine) as session:
            page_s, figures = timed(lambda s=session, c=scope: dashboard.build(s, c, today))
            list_s, _ = timed(lambda s=session, c=scope: registry.list_households(s, c, limit=50))
            count_s, _ = timed(lambda s=session, c=scope: registry.count_persons(s, c))
        table.add_row(
            f"{code} {regions.get(code).name_zh}", f"{figures.households:,}", f"{figures.persons:,}",
            f"{page_s:.3f}", f"{list_s:.3f}", f"{count_s:.3f}",
        )  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()
