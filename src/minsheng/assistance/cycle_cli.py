"""`minsheng cycle …`: the monthly payment cycle from the command line.

    minsheng cycle run --month 2023-12 [--region 150426]         build the month's payment lines
    minsheng cycle approve --month 2023-12 --as assistance_approver.150426
    minsheng cycle export --month 2023-12 [--out DIR]             one CSV per paying bank
    minsheng cycle import-returns FILE                             a bank's return file
    minsheng cycle report --month 2023-12                          reconciliation by programme and league
    minsheng cycle synth-cases --date 2023-11-01                   active cases from the rules (demo)

Every step may be run again: a rerun continues or confirms, never pays twice.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from minsheng import regions
from minsheng.cli_support import console, error_console, fail
from minsheng.money import format_yuan

cycle_app = typer.Typer(help="月度发放 the monthly payment cycle of social assistance.", no_args_is_help=True)

Month = Annotated[str, typer.Option("--month", help="the month paid, YYYY-MM")]
Region = Annotated[str, typer.Option("--region", help="a banner, league or the region (GB/T 2260 code)")]
As = Annotated[str | None, typer.Option("--as", help="the user acting (login); recorded in the audit log")]


def _fail(problem: Exception) -> None:
    """A refused action is printed with its fields; anything else is a bug and keeps its traceback."""
    from minsheng.api.errors import DomainError

    if isinstance(problem, DomainError):
        fail(problem)
    raise problem


def _principal(login: str | None):
    from minsheng.security import service
    from minsheng.store.db import unit_of_work

    if login is None:
        return None
    with unit_of_work() as session:
        return service.principal_of_user(service.get_user(session, login))


@cycle_app.command("run")
def run(
    month: Month,
    region: Region = regions.REGION_CODE,
    actor: As = None,
    chunk: Annotated[int, typer.Option("--chunk", help="cases per transaction")] = 100_000,
) -> None:
    """生成发放明细 Build the month's payment lines for every payable case (resumable, idempotent)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from minsheng.assistance import cycle

    started = time.perf_counter()
    try:
        principal = _principal(actor)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(f"生成 building {month} {region}", total=None)

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = cycle.build(
                month,
                region,
                actor=principal.login if principal else "cli",
                chunk=chunk,
                progress=step,
            )
    except Exception as problem:
        _fail(problem)
        return
    note = "(已生成,未改变 / already built, unchanged)" if result.already_built else ""
    console.print(
        f"[green]批次 cycle {result.cycle_id}[/] {result.month:%Y-%m} {result.region_code}: "
        f"{result.lines:,} 笔 lines, {format_yuan(result.total_fen)} 元, 新增 new {result.new_lines:,} {note} "
        f"({time.perf_counter() - started:.1f} s)"
    )


@cycle_app.command("approve")
def approve(
    month: Month,
    actor: Annotated[str, typer.Option("--as", help="the approver's login (not the builder)")],
    region: Region = regions.REGION_CODE,
) -> None:
    """审批 Approve a built cycle: an approver of the region, never the one who built it."""
    from minsheng.assistance import cycle
    from minsheng.store.db import unit_of_work

    try:
        principal = _principal(actor)
        with unit_of_work() as session:
            found = cycle.find_cycle(session, month, region)
            cycle.approve(
                session,
                found,
                actor=principal.login,
                permissions=principal.permissions,
                scope=principal.scope,
            )
            line_count, total = found.line_count, found.total_fen
    except Exception as problem:
        _fail(problem)
        return
    console.print(
        f"[green]已审批 approved[/] {month} {region}: {line_count:,} 笔, {format_yuan(total or 0)} 元"
    )


@cycle_app.command("export")
def export(
    month: Month,
    region: Region = regions.REGION_CODE,
    actor: As = None,
    out: Annotated[Path | None, typer.Option("--out", help="folder (default var/data/cycles)")] = None,
) -> None:
    """生成银行文件 Write one payment file per paying bank of an approved cycle."""
    from minsheng.assistance import banks, cycle
    from minsheng.store.db import unit_of_work

    try:
        principal = _principal(actor)
        with unit_of_work() as session:
            cycle_id = cycle.find_cycle(session, month, region).id
        result = cycle.export(cycle_id, actor=principal.login if principal else "cli", out_dir=out)
    except Exception as problem:
        _fail(problem)
        return
    table = Table(title=f"银行文件 bank files {month} {region}")
    for name in ("银行 bank", "笔数 lines", "金额 (元)", "SHA-256", "文件 file"):
        table.add_column(name)
    for f in result.files:
        table.add_row(
            f"{f['bank_code']} {banks.bank_name(f['bank_code'])}",
            f"{f['line_count']:,}",
            format_yuan(f["total_fen"]),
            f["sha256"][:16] + "…",
            f["file_name"],
        )
    console.print(table)


@cycle_app.command("import-returns")
def import_returns(
    file: Annotated[Path, typer.Argument(help="the bank's return file", exists=True, dir_okay=False)],
    actor: As = None,
) -> None:
    """导入回盘 Apply a bank's return file (all or nothing; a bad file names its line and field)."""
    from minsheng.assistance import cycle
    from minsheng.store.db import unit_of_work

    try:
        principal = _principal(actor)
        with unit_of_work() as session:
            result = cycle.import_returns(
                session,
                file.read_bytes(),
                actor=principal.login if principal else "cli",
                file_name=file.name,
                scope=principal.scope if principal else None,
            )
    except Exception as problem:
        _fail(problem)
        return
    note = " (已导入过 / already imported)" if result.already_imported else ""
    console.print(
        f"[green]回盘 returns {result.bank_code}[/]: 成功 paid {result.paid:,} ({format_yuan(result.paid_fen)} 元), "
        f"失败 failed {result.failed:,} ({format_yuan(result.failed_fen)} 元){note}"
    )


@cycle_app.command("report")
def report(
    month: Month,
    region: Region = regions.REGION_CODE,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """对账 Reconciliation: cases, lines, bank files and returns by programme and league, to the fen."""
    from minsheng.assistance import cycle
    from minsheng.store.db import unit_of_work

    try:
        with unit_of_work() as session:
            result = cycle.reconciliation(session, cycle.find_cycle(session, month, region))
    except Exception as problem:
        _fail(problem)
        return
    if as_json:
        console.print_json(json.dumps(result, default=str, ensure_ascii=False))
        return
    table = Table(title=f"对账 reconciliation {month} {region} ({result['status']})")
    columns = (
        ("项目 programme", "programme"),
        ("盟市 league", "league_code"),
        ("在保 cases", "case_payable"),
        ("应发 owed", "case_owed_fen"),
        ("明细 lines", "line_lines"),
        ("明细金额 lines", "line_amount_fen"),
        ("银行文件 files", "file_fen"),
        ("成功 paid", "line_paid_fen"),
        ("失败 failed", "line_failed_fen"),
        ("未回盘 unreturned", "unreturned_fen"),
    )
    for title, _ in columns:
        table.add_column(title, justify="right")
    table.add_column("核对 ok")
    for row in [
        *result["rows"],
        {"programme": "合计 total", "league_code": "", **result["total"], "ok": result["ok"]},
    ]:
        cells = []
        for _, key in columns:
            value = row.get(key, "")
            if key.endswith("_fen"):
                cells.append(format_yuan(value))
            elif key == "league_code":
                cells.append(
                    regions.get(value).label("zh") if value and regions.exists(value) else str(value)
                )
            else:
                cells.append(f"{value:,}" if isinstance(value, int) else str(value))
        cells.append("[green]✓[/]" if row["ok"] else "[red]✗[/]")
        table.add_row(*cells)
    Console(width=max(console.width, 160)).print(table)  # the columns stay readable in a pipe
    for f in result["files"]:
        mark = "[green]✓[/]" if f["checksum_ok"] else "[red]校验值不符 checksum mismatch[/]"
        console.print(f"{f['bank_code']}: {f['line_count']:,} 笔 {format_yuan(f['total_fen'])} 元 {mark}")
    if result["unpayable"]:
        shown = ", ".join(f"{u['case_no']} ({u['reason_zh']})" for u in result["unpayable"][:5])
        console.print(
            f"[yellow]无法发放 {len(result['unpayable'])} 件 / cases that could not be paid[/]: {shown}"
            + (" …" if len(result["unpayable"]) > 5 else "")
        )
    if not result["ok"]:
        raise typer.Exit(1)


@cycle_app.command("synth-cases")
def synth_cases(
    as_of: Annotated[str, typer.Option("--date", help="determination date YYYY-MM-DD")],
    start_month: Annotated[str | None, typer.Option("--start-month", help="first paid month YYYY-MM")] = None,
    region: Annotated[str | None, typer.Option("--region", help="only this league or banner")] = None,
    every_household: Annotated[
        bool, typer.Option("--every-household", help="a 低保 case for every household (load tests)")
    ] = False,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """合成在保案件 Active cases for the registry's households from the assistance rules (demo, tests)."""
    from minsheng.assistance import cycle, cycle_synth
    from minsheng.store.db import default_engine

    day = date.fromisoformat(as_of)
    start = cycle.month_of(start_month) if start_month else day.replace(day=1)
    result = cycle_synth.create_cases(
        default_engine(),
        as_of=day,
        start_month=start,
        region=region,
        select_="all" if every_household else "eligible",
        seed=seed,
    )
    console.print(
        f"[green]{result.cases:,} 件在保案件 active cases[/] for {result.households:,} households, "
        f"{format_yuan(result.monthly_fen)} 元/月 ({result.seconds:.1f} s)"
    )


@cycle_app.command("bank-return")
def bank_return(
    month: Month,
    bank: Annotated[str, typer.Option("--bank", help="the paying bank's code, e.g. ABC")],
    out: Annotated[Path, typer.Option("--out", help="where to write the return file")],
    region: Region = regions.REGION_CODE,
    fail_every: Annotated[
        int, typer.Option("--fail-every", help="fail every N-th line (0: all paid)", min=0)
    ] = 0,
    reason: Annotated[str, typer.Option("--reason", help="the failure reason code")] = "ACCOUNT_FROZEN",
) -> None:
    """模拟银行回盘 Play the bank (demo, tests): answer an exported payment file with a return file."""
    from minsheng.assistance import banks, cycle
    from minsheng.store.db import unit_of_work

    if reason not in banks.RETURN_REASONS:
        error_console.print(
            f"[red]未知的失败原因 / unknown reason {reason!r}[/]: {', '.join(banks.RETURN_REASONS)}"
        )
        raise typer.Exit(2)
    try:
        with unit_of_work() as session:
            found = cycle.find_cycle(session, month, region)
            record = next((f for f in found_files(session, found.id) if f.bank_code == bank), None)
            if record is None:
                error_console.print(f"[red]本批次没有发给 {bank} 的文件 / no file was sent to {bank}[/]")
                raise typer.Exit(1)
            details = cycle.read_payment_file(Path(record.file_name))
            month_first = found.month
    except Exception as problem:
        _fail(problem)
        return
    answers = [
        (case_no, "FAILED", amount, reason)
        if fail_every and (i + 1) % fail_every == 0
        else (case_no, "PAID", amount, "")
        for i, (case_no, _name, _account, amount, _programme, _banner) in enumerate(details)
    ]
    out.write_bytes(cycle.return_file(answers, bank, month_first, region))
    failed = sum(1 for a in answers if a[1] == "FAILED")
    console.print(f"[green]{out}[/]: {len(answers) - failed:,} PAID, {failed:,} FAILED")


def found_files(session, cycle_id: int):
    from sqlalchemy import select

    from minsheng.assistance.cycle_models import BankFile

    return session.execute(select(BankFile).where(BankFile.cycle_id == cycle_id)).scalars().all()
