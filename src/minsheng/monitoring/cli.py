"""`minsheng monitor …`: the daily run over the region, partner files received, the unmatched list,
the alert queue, discovery, and the demo's synthetic signals."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from minsheng.cli_support import console, fail, parse_day, region_scope
from minsheng.money import format_yuan

monitor_app = typer.Typer(
    help="低收入人口动态监测 low-income monitoring: daily run, partner signals, alerts.",
    no_args_is_help=True,
)
ACTOR = "cli"

Day = Annotated[str | None, typer.Option("--date", help="the run's date YYYY-MM-DD (default today)")]
Region = Annotated[str, typer.Option(help="a banner, league or the region (GB/T 2260)")]


@monitor_app.command("monthly")
def monthly(
    day: Day = None,
    out: Annotated[
        Path | None, typer.Option(help="the folder of the month's tables (default: data dir, by month)")
    ] = None,
    partitions: Annotated[int, typer.Option(min=1, help="household-id partitions of the engine run")] = 4,
) -> None:
    """The month's determination of every household (social-assistance eligibility and the members'
    standing), for the daily runs of the month (`monitor run --monthly FOLDER`). 当月认定(供每日监测使用)。"""
    import tempfile

    from minsheng import policy
    from minsheng.monitoring import service
    from minsheng.registry.export import write_parquet
    from minsheng.store.db import default_engine

    as_of = parse_day(day)
    target = out or _monthly_folder(as_of)
    with tempfile.TemporaryDirectory(prefix="minsheng-snapshot-") as folder:
        with console.status("导出 exporting registry…"):
            write_parquet(default_engine(), Path(folder), as_of)
        rows = service.prepare_monthly(Path(folder), as_of, policy.load(), target, partitions=partitions)
    console.print(f"[green]已写出 written[/] {target} ({rows:,} households)")


# the command's earlier name, for schedules written before the members' standing joined it
monitor_app.command("eligibility", hidden=True)(monthly)


def _monthly_folder(as_of: date) -> Path:
    from minsheng.config import get_settings

    return get_settings().resolved_data_dir / "monitoring" / f"month-{as_of:%Y-%m}"


@monitor_app.command("run")
def run(
    day: Day = None,
    partitions: Annotated[int, typer.Option(min=1, help="household-id partitions of the engine run")] = 4,
    monthly_folder: Annotated[
        Path | None,
        typer.Option(
            "--monthly",
            "--eligibility",
            help="the month's determination from `monitor monthly` (default: that month's folder if complete, "
            "else it is prepared first)",
        ),
    ] = None,
) -> None:
    """The daily run over the whole region: every household through the risk rules (progress bar),
    then new, changed and resolved alerts. 每日监测运行。"""
    from minsheng.monitoring import service
    from minsheng.monitoring.models import RISK
    from minsheng.store.db import default_engine

    as_of = parse_day(day)
    with console.status("导出 exporting registry and signals…") as status:

        def phase(name: str) -> None:
            if name in ("determine", "monthly"):
                status.stop()  # the engine shows its own progress bar
            elif name == "merge":
                status.start()
                status.update("合并预警 merging alerts…")

        prepared = monthly_folder or _monthly_folder(as_of)
        report = service.run_daily(
            default_engine(),
            as_of,
            partitions=partitions,
            on_phase=phase,
            monthly=prepared if service.monthly_ready(prepared) else None,
        )
    table = Table(title=f"低收入人口监测 monitoring run {as_of} (run {report.run_id})")
    table.add_column("")
    table.add_column("", justify="right")
    for label, value in (
        ("家庭户 households", report.households),
        ("发现风险 risks found", report.risks_found),
        ("新预警 new alerts", report.new),
        ("变化 changed", report.changed),
        ("风险解除 resolved (still open until an outcome)", report.resolved),
        ("逾期上报 escalated", report.escalated),
        ("已申请救助 closed: applied (case started)", report.closed_by_case),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)
    risks = Table(title="按风险 by risk")
    risks.add_column("风险 risk")
    risks.add_column("户 households", justify="right")
    for risk, (zh, en) in RISK.items():
        risks.add_row(f"{zh} {en}", f"{report.by_risk.get(risk, 0):,}")
    console.print(risks)
    console.print(
        "[dim]"
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
        + f"; total {report.seconds:.1f} s[/]"
    )


@monitor_app.command("receive")
def receive(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a partner's CSV or Excel file")],
    source: Annotated[str, typer.Option(help="the partner: medical, tax, employment, emergency, …")],
    day: Day = None,
) -> None:
    """Receive a partner's file of signals, matched by ID number; unmatched records are listed. 接收信号文件。"""
    from minsheng.api.errors import DomainError
    from minsheng.monitoring import signals
    from minsheng.store.db import unit_of_work

    try:
        records = signals.read_file(path)
        with unit_of_work() as session:
            result = signals.ingest(
                session,
                records,
                source=source,
                channel="file",
                actor=ACTOR,
                today=parse_day(day),
                filename=path.name,
            )
    except DomainError as error:
        fail(error)
        return
    console.print(
        f"[green]批次 batch {result.batch_id}[/]: {result.records} 条 records, {result.matched} 匹配 matched, "
        f"[yellow]{result.unmatched} 未匹配 unmatched[/], {result.duplicates} 重复 duplicates"
    )
    for ref in result.unmatched_refs:
        console.print(f"  [yellow]未匹配 unmatched[/]: {ref}")


@monitor_app.command("unmatched")
def unmatched(region: Region = "150000", limit: int = 50) -> None:
    """Signals whose ID number is in no registry household. 未匹配信号。"""
    from minsheng.monitoring import signals
    from minsheng.monitoring.models import SIGNAL_KIND
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        rows = signals.unmatched_signals(session, region_scope(region), limit)
        table = Table(title=f"未匹配信号 unmatched signals ({len(rows)})")
        for column in ("id", "来源 source", "记录 ref", "身份证 ID", "类型 kind", "日期 date", "金额 amount"):
            table.add_column(column)
        for s in rows:
            table.add_row(
                str(s.id),
                s.source,
                s.external_ref,
                s.id_number_masked,
                SIGNAL_KIND[s.kind][0],
                s.observed_on.isoformat(),
                format_yuan(s.amount_fen) if s.amount_fen is not None else "",
            )
    console.print(table)


@monitor_app.command("alerts")
def alerts(region: Region = "150000", day: Day = None, limit: int = 30) -> None:
    """The open alerts of a region, overdue first. 预警队列。"""
    from minsheng.monitoring import service
    from minsheng.monitoring.models import LEVEL, RISK
    from minsheng.store.db import unit_of_work

    today = parse_day(day)
    with unit_of_work() as session:
        rows = service.alert_queue(session, region_scope(region), today, limit=limit)
        table = Table(title=f"预警 alerts {region}")
        for column in (
            "id",
            "户 household",
            "旗县 banner",
            "风险 risk",
            "等级 level",
            "期限 due",
            "经办 assigned",
        ):
            table.add_column(column)
        for a in rows:
            due = a.due_on.isoformat() + (" [red]逾期 overdue[/]" if a.due_on < today else "")
            table.add_row(
                str(a.id),
                str(a.household_id),
                a.banner_code,
                RISK[a.risk][0],
                LEVEL[a.level][0],
                due,
                a.assigned_to or "",
            )
    console.print(table)


@monitor_app.command("synth-signals")
def synth_signals(
    day: Day = None,
    seed: Annotated[int, typer.Option(help="random seed")] = 2023,
    scatter: Annotated[
        int, typer.Option(min=0, help="random signals besides the story and the unknown ID")
    ] = 300,
    out: Annotated[Path | None, typer.Option(help="folder for the partners' CSV files")] = None,
) -> None:
    """Synthetic partner files for the demo, received like real ones. 演示用合成信号。"""
    from minsheng.config import get_settings
    from minsheng.monitoring import synth
    from minsheng.store.db import default_engine

    as_of = parse_day(day)
    folder = out or get_settings().resolved_data_dir / "monitoring" / "signals"
    result = synth.generate(default_engine(), as_of, folder, seed=seed, scatter=scatter)
    console.print(
        f"[green]{len(result.files)} 个文件 files[/] in {folder}: {result.records} 条 records, {result.matched} 匹配 matched, "
        f"[yellow]{result.unmatched} 未匹配 unmatched[/] ({result.unknown_id_masked}), {result.duplicates} 重复 duplicates"
    )
    if result.story_household_id:
        console.print(
            f"大额医疗费用 + 收入下降 large bill + income drop: household {result.story_household_id} "
            f"(run `minsheng monitor run --date {as_of}`)"
        )
    else:
        console.print("[yellow]演示旗县没有合适的家庭 no suitable household in the demo banner[/]")
