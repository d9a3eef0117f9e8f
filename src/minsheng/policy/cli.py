"""`minsheng policy`: check the parameter files, list parameters, show a value with its source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from minsheng import policy

policy_app = typer.Typer(help="政策参数 policy parameters: check, list, show.", no_args_is_help=True)
console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)


def _load(scenario: Path | None) -> policy.ParameterSet:
    try:
        return policy.load(scenario)
    except policy.PolicyError as problem:
        error_console.print(f"[red]{problem}[/]")
        raise typer.Exit(1) from None


@policy_app.command("check")
def check(
    scenario: Annotated[Path | None, typer.Option("--scenario", help="also check this overlay file")] = None,
) -> None:
    """Validate every parameter file (and a scenario); name each problem's file and line. 校验参数文件。"""
    params = _load(scenario)
    placeholders = sum(
        1 for name in params.names() for entry in params[name].entries if entry.status == "placeholder"
    )
    console.print(
        f"[green]参数文件有效 / parameter files valid[/]: {len(params.names())} parameters, "
        f"{placeholders} placeholder values"
    )


@policy_app.command("list")
def list_parameters(
    prefix: Annotated[str, typer.Argument(help="only names starting with this, e.g. dibao")] = "",
) -> None:
    """List the parameters with unit, dimensions and description. 列出参数。"""
    params = _load(None)
    table = Table()
    for column in ("name", "unit", "dimensions", "说明", "description"):
        table.add_column(column)
    for name in params.names():
        if name.startswith(prefix):
            p = params[name]
            table.add_row(name, p.unit, ", ".join(p.dimensions), p.description_zh, p.description_en)
    console.print(table)


@policy_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="the parameter, e.g. dibao.standard")],
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today)")] = None,
    region: Annotated[str, typer.Option("--region", help="a banner, league or the region code")] = "150000",
    dimension: Annotated[
        list[str] | None, typer.Option("--dim", help="a dimension value, e.g. hukou=urban")
    ] = None,
    scenario: Annotated[Path | None, typer.Option("--scenario", help="a parameter overlay file")] = None,
) -> None:
    """A parameter's value at a date and place, where it came from and its source. 查询参数值及出处。"""
    params = _load(scenario)
    on = dt.date.fromisoformat(date) if date else dt.date.today()
    dimensions = dict(item.split("=", 1) for item in dimension or [])
    try:
        value = params.value(name, on, region=region, **dimensions)
    except (KeyError, LookupError) as problem:
        error_console.print(f"[red]{problem}[/]")
        raise typer.Exit(1) from None
    console.print(f"[bold]{name}[/] = [bold]{value.display('zh')}[/] ({value.display('en')})")
    console.print(f"  {value.description_zh} / {value.description_en}")
    console.print(
        f"  {value.effective_from} – {value.effective_to or '…'} · region {value.region} · {value.status}"
        + (f" · ×{value.scaled_by}" if value.scaled_by is not None else "")
    )
    console.print(f"  来源 source: {value.source.cite('zh')}")
    if value.note:
        console.print(f"  [dim]{value.note}[/]")
