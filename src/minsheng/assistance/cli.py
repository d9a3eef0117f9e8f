"""`minsheng assess`: one household with its reasons, or the whole region (local or Spark), with a
scenario overlay compared against the base."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from minsheng import policy, regions
from minsheng.money import format_yuan

console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)

OUTPUTS = ("assessment", "dibao", "dibao_edge", "rigid_expense", "tekun", "orphan")


def assess(
    household: Annotated[int | None, typer.Option("--household", help="one registry household id")] = None,
    all_: Annotated[bool, typer.Option("--all", help="every household of the region")] = False,
    date: Annotated[
        str | None, typer.Option("--date", help="determination date YYYY-MM-DD (default today)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the determination as JSON")] = False,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="a parameter overlay file; --all compares it with the base"),
    ] = None,
    runner: Annotated[str, typer.Option("--runner", help="local (DuckDB) or spark")] = "local",
    snapshot: Annotated[
        Path | None,
        typer.Option(
            "--snapshot", help="a snapshot folder (households/members.parquet) instead of the database"
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="where results go (default var/data/assessments/DATE)")
    ] = None,
    partitions: Annotated[
        int, typer.Option("--partitions", help="household_id ranges run one after another")
    ] = 4,
    region: Annotated[
        str | None, typer.Option("--region", help="only this league or banner (database source)")
    ] = None,
) -> None:
    """社会救助认定 Determine 低保, 特困, orphan, 低保边缘 and 刚性支出: one household with every reason,
    or the whole region to Parquet. With --scenario, --all prints how many households change and the
    monthly cost difference by league."""
    as_of = dt.date.fromisoformat(date) if date else dt.date.today()
    try:
        params = policy.load(scenario)
    except policy.PolicyError as problem:
        error_console.print(f"[red]{problem}[/]")
        raise typer.Exit(2) from None
    if (household is None) == (not all_):
        error_console.print("[red]给出 --household ID 或 --all 其一 / give either --household ID or --all[/]")
        raise typer.Exit(2)
    if household is not None:
        _one(household, as_of, params, as_json)
        return
    if runner not in ("local", "spark"):
        error_console.print(
            f"[red]--runner 只能是 local 或 spark / --runner must be local or spark, not {runner!r}[/]"
        )
        raise typer.Exit(2)
    _all(as_of, params, scenario, runner, snapshot, out, partitions, region)


def _one(household_id: int, as_of: dt.date, params: policy.ParameterSet, as_json: bool) -> None:
    from minsheng.api.errors import DomainError
    from minsheng.assistance import service
    from minsheng.store.db import unit_of_work

    started = time.perf_counter()
    try:
        with unit_of_work() as session:
            result = service.assess_household(session, household_id, as_of, params)
    except DomainError as problem:
        error_console.print(f"[red]{problem.message_zh} / {problem.message_en}[/]")
        raise typer.Exit(1) from None
    elapsed = time.perf_counter() - started
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    amounts = result.as_dict()["amounts"]
    console.print(
        f"[bold]家庭户 household {household_id}[/] · {regions.get(result.summary['banner_code']).name_zh} · "
        f"{as_of} · 每月合计 monthly total [bold]{format_yuan(amounts['total_fen'])}[/] 元 "
        f"(低保 {format_yuan(amounts['dibao_fen'])} · 特困 {format_yuan(amounts['tekun_fen'])} · "
        f"孤儿 {format_yuan(amounts['orphan_fen'])}) [dim]{elapsed * 1000:.0f} ms[/]"
    )
    for determination in result.household:
        _print_determination(determination)
    for person_id, items in sorted(result.persons.items()):
        for determination in items:
            if determination.eligible or (
                determination.rule == "tekun" and determination.row.get("unable_to_work")
            ):
                console.print(f"[bold]成员 person {person_id}[/]")
                _print_determination(determination)


def _print_determination(determination) -> None:  # type: ignore[no-untyped-def]
    verdict = {True: "[green]符合 eligible[/]", False: "[yellow]不符合 not eligible[/]", None: ""}[
        determination.eligible
    ]
    amount = determination.row.get("amount_fen")
    money = f" · {format_yuan(amount)} 元/月" if amount else ""
    console.print(f"  [bold]{determination.title_zh}[/] {determination.title_en} {verdict}{money}")
    for reason in determination.reasons:
        mark = "[green]✓[/]" if reason.passed else "[red]✗[/]"
        console.print(f"    {mark} {reason.text_zh}")
        console.print(f"      [dim]{reason.text_en}[/]")
        for parameter in reason.parameters:
            console.print(
                f"      [dim]· {parameter.description_zh} = {parameter.display('zh')} "
                f"({parameter.region}, {parameter.effective_from}–{parameter.effective_to or ''}, {parameter.status}; "
                f"{parameter.source.cite('zh')})[/]"
            )


def _all(
    as_of: dt.date,
    params: policy.ParameterSet,
    scenario: Path | None,
    runner: str,
    snapshot: Path | None,
    out: Path | None,
    partitions: int,
    region: str | None,
) -> None:
    from minsheng.assistance import service
    from minsheng.config import get_settings

    base_out = out or get_settings().resolved_data_dir / "assessments" / as_of.isoformat()
    if snapshot is not None:
        source = snapshot
    else:
        from minsheng.registry.export import snapshot_tables
        from minsheng.store.db import default_engine

        with console.status("读取登记库 reading the registry…"):
            households, members = snapshot_tables(
                default_engine(), as_of, regions.scope_prefix(region) if region else None
            )
        source = {"households": households, "members": members}
    runs = [("base", policy.load(), base_out / "base")] if scenario else [("base", params, base_out)]
    if scenario:
        runs.append(("scenario", params, base_out / "scenario"))
    for label, parameter_set, folder in runs:
        started = time.perf_counter()
        service.assess_all(source, as_of, parameter_set, folder, runner=runner, partitions=partitions)
        console.print(
            f"[green]{label}[/]: {folder} [dim]({runner}, {time.perf_counter() - started:.1f} s)[/]"
        )
        _print_summary(service.summarize(folder), f"认定汇总 {label} · {as_of}")
    if scenario:
        changed, rows = service.compare(base_out / "base", base_out / "scenario")
        table = Table(title=f"情景 scenario {scenario.name}: 变化户数 changed households {changed:,}")
        for column in (
            "盟市 league",
            "变化户数 changed",
            "基线月支出 base /month",
            "情景月支出 scenario /month",
            "差额 difference",
        ):
            table.add_column(column, justify="right" if "league" not in column else "left")
        for row in rows:
            table.add_row(
                _league_label(row["league_code"]),
                f"{row['changed']:,}",
                format_yuan(row["base_fen"]),
                format_yuan(row["scenario_fen"]),
                format_yuan(row["difference_fen"]),
            )
        console.print(table)


def _league_label(code: str | None) -> str:
    if code is None:
        return "合计 total"
    return f"{regions.get(code).name_zh} {code}" if regions.exists(code) else code


def _print_summary(rows: list[dict], title: str) -> None:
    table = Table(title=title)
    for column in (
        "盟市 league",
        "户数 households",
        "低保户",
        "低保月支出",
        "特困人员",
        "特困月支出",
        "孤儿",
        "边缘户",
        "刚性支出户",
        "月合计 total",
    ):
        table.add_column(column, justify="left" if "league" in column else "right")
    for row in rows:
        table.add_row(
            _league_label(row["league_code"]),
            f"{row['households']:,}",
            f"{row['dibao']:,}",
            format_yuan(row["dibao_fen"]),
            f"{row['tekun']:,}",
            format_yuan(row["tekun_fen"]),
            f"{row['orphans']:,}",
            f"{row['dibao_edge']:,}",
            f"{row['rigid_expense']:,}",
            format_yuan(row["total_fen"]),
        )
    console.print(table)
