"""What every domain's command group shares: the consoles, a date, month or region scope read from an
option (a bad one names the option and exits 2), and a refused action printed with its fields (exit 1)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from minsheng.api.errors import DomainError
    from minsheng.security.scope import RegionScope

console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)


def parse_day(text: str | None, option: str = "--date", default: date | None = None) -> date:
    """The option's date; absent, `default` or today."""
    if not text:
        return default or date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"日期应为 YYYY-MM-DD / not a date: {text}", param_hint=option) from None


def parse_month(text: str, option: str = "--month") -> date:
    """The first day of the option's month (YYYY-MM, or a date in it)."""
    try:
        return date.fromisoformat(f"{text}-01" if len(text) == 7 else text).replace(day=1)
    except ValueError:
        raise typer.BadParameter(f"月份应为 YYYY-MM / not a month: {text}", param_hint=option) from None


def region_scope(region: str | None, option: str = "--region") -> RegionScope:
    """The scope of a GB/T 2260 code; absent, the whole region."""
    from minsheng import regions
    from minsheng.security.scope import REGION_WIDE, RegionScope

    if region is None:
        return REGION_WIDE
    if not regions.exists(region):
        raise typer.BadParameter(f"未知区划代码 / unknown region code: {region}", param_hint=option)
    return RegionScope(region)


def fail(problem: DomainError) -> NoReturn:
    """Print a refused action with every field it names, and exit 1 (nothing was changed)."""
    error_console.print(f"[red]{problem.message_zh}[/] / {problem.message_en}")
    for field in problem.fields:
        error_console.print(f"  [red]{field.field}[/]: {field.message_zh} / {field.message_en}")
    raise typer.Exit(1)
