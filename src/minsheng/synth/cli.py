"""`minsheng synth`: write a synthetic Inner Mongolia as Parquet, and optionally load it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console(soft_wrap=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def synth(
    persons: Annotated[
        int, typer.Option(min=1, help="how many persons (the full region: 24049155)")
    ] = 200_000,
    seed: Annotated[int, typer.Option(help="random seed: the same seed gives the same population")] = 1,
    out: Annotated[Path, typer.Option(help="folder for households/members/persons_pii.parquet")] = Path(
        "var/synth"
    ),
    load: Annotated[bool, typer.Option("--load", help="also load it into the configured database")] = False,
    as_of: Annotated[
        str | None, typer.Option("--date", help="snapshot date YYYY-MM-DD (ages, deaths); default today")
    ] = None,
    workers: Annotated[int | None, typer.Option(help="generator processes (default: by size)")] = None,
) -> None:
    """Generate a synthetic population of Inner Mongolia calibrated to census and 2023 figures.
    生成内蒙古合成人口(按普查与2023年数据校准), 可选择导入数据库。"""
    from minsheng.synth import generate

    try:
        snapshot_date = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise typer.BadParameter(f"日期无效 / not a date: {as_of}", param_hint="--date") from None
    with _progress() as progress:
        task = progress.add_task("生成 generating", total=persons)
        summary = generate.write(
            out, persons, seed, snapshot_date, progress=lambda n: progress.advance(task, n), workers=workers
        )
    table = Table(title=f"合成人口 synthetic region → {out}")
    table.add_column("persons", justify="right")
    table.add_column("households", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("persons/s", justify="right")
    table.add_row(
        f"{summary.persons:,}",
        f"{summary.households:,}",
        f"{summary.seconds:.1f}",
        f"{summary.persons / max(summary.seconds, 1e-9):,.0f}",
    )
    console.print(table)
    if not load:
        return
    from minsheng.config import get_settings
    from minsheng.store.db import default_engine
    from minsheng.store.migrate import upgrade
    from minsheng.synth.load import load as load_population

    upgrade(get_settings().resolved_database_url)
    with _progress() as progress:
        task = progress.add_task("导入 loading", total=summary.persons)
        result = load_population(
            default_engine(), out, snapshot_date, progress=lambda n: progress.advance(task, n)
        )
    console.print(
        f"[green]已导入 loaded[/]: {result.households:,} households, {result.persons:,} persons, "
        f"{result.incomes:,} incomes, {result.expenses:,} expenses, {result.assets:,} assets, "
        f"{result.tags:,} tags in {result.seconds:.1f} s"
    )
