"""`minsheng registry …`: the import template, import from Excel or CSV, export to Parquet or Excel."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

registry_app = typer.Typer(
    help="人员与家庭户登记 the social registry: template, import, export.", no_args_is_help=True
)
console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)

MAX_ERRORS_ON_SCREEN = 200


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _callback(progress: Progress):
    tasks: dict[str, int] = {}

    def advance(stage: str, step: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.advance(tasks[stage], step)

    return advance


@registry_app.command("template")
def template(out: Annotated[Path, typer.Argument(help="the .xlsx file to write")]) -> None:
    """Write the import template (persons sheet and instructions). 生成导入模板。"""
    from minsheng.registry.importer import write_template

    write_template(out)
    console.print(f"[green]模板已生成 / template written[/]: {out}")


@registry_app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help=".xlsx or .csv in the template's layout", exists=True, dir_okay=False)
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check only; write nothing")] = False,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="where to write the error workbook (default: beside FILE)")
    ] = None,
    actor: Annotated[str, typer.Option(help="who imports, for the audit log")] = "cli",
) -> None:
    """Import persons and households, all or nothing; every bad row is reported. 导入(全部或不导入)。"""
    from minsheng.registry.importer import import_file, write_error_workbook
    from minsheng.store.db import unit_of_work

    with _progress() as progress, unit_of_work() as session:
        report, sheet = import_file(session, file, actor=actor, dry_run=dry_run, progress=_callback(progress))
    if report.errors:
        table = Table(
            title=f"{file.name}: {len(report.errors)} 处错误 errors — 未写入任何数据 nothing written"
        )
        for name in ("行 row", "列 column", "错误", "error"):
            table.add_column(name, overflow="fold")
        for error in report.errors[:MAX_ERRORS_ON_SCREEN]:
            table.add_row(str(error.row), error.column_label, error.message_zh, error.message_en)
        error_console.print(table)
        if len(report.errors) > MAX_ERRORS_ON_SCREEN:
            error_console.print(f"… {len(report.errors) - MAX_ERRORS_ON_SCREEN} more in the error workbook")
        out = errors or file.with_name(f"{file.stem}.errors.xlsx")
        write_error_workbook(sheet, report.errors, out)
        error_console.print(f"[red]错误工作簿 / error workbook[/]: {out}")
        raise typer.Exit(1)
    verb = "检查通过(未写入) / checked, nothing written (--dry-run)" if dry_run else "已导入 / imported"
    console.print(
        f"[green]{verb}[/]: {report.households} 户 households, {report.persons} 人 persons "
        f"(sha256 {report.sha256[:12]}…)"
    )


@registry_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="directory to write into")],
    format: Annotated[str, typer.Option("--format", help="parquet or xlsx")] = "parquet",
    region: Annotated[str | None, typer.Option(help="only this banner, league or region code")] = None,
    as_of: Annotated[
        str | None, typer.Option("--date", help="incomes and expenses valid on this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Export the registry: Parquet snapshot tables, or an Excel workbook (masked IDs). 导出。"""
    from minsheng import regions
    from minsheng.registry import export as exporter
    from minsheng.store.db import default_engine

    if format not in ("parquet", "xlsx"):
        raise typer.BadParameter("parquet 或 xlsx / parquet or xlsx", param_hint="--format")
    if region is not None and not regions.exists(region):
        raise typer.BadParameter(f"未知的行政区划代码 / unknown region code {region}", param_hint="--region")
    day = date.fromisoformat(as_of) if as_of else date.today()
    prefix = regions.scope_prefix(region) if region else None
    with _progress() as progress:
        task = progress.add_task("导出 exporting", total=2)
        if format == "parquet":
            written = exporter.write_parquet(default_engine(), out, day, prefix)
        else:
            written = exporter.write_excel(default_engine(), out, day, prefix)
        progress.update(task, completed=2)
    for path, rows in written:
        console.print(f"[green]{path}[/]: {rows} rows")
