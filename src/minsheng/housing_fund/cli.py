"""`minsheng housing-fund …`: loan schedules, quotes and account statements."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from minsheng.housing_fund.schedule import Schedule, ScheduleError
from minsheng.money import format_yuan, yuan_to_fen

housing_fund_app = typer.Typer(
    help="住房公积金 housing provident fund: loan schedules, accounts, statements.", no_args_is_help=True
)
console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)


class MethodOption(StrEnum):
    equal_instalment = "equal-instalment"
    equal_principal = "equal-principal"

    @property
    def method(self) -> str:
        return self.value.replace("-", "_")


METHOD_LABELS = {
    "equal_instalment": "等额本息 equal instalments",
    "equal_principal": "等额本金 equal principal",
}


def _fail(error: ScheduleError) -> None:
    error_console.print(f"[red]{error.field}[/]: {error.message_zh} / {error.message_en}")
    raise typer.Exit(2)


@housing_fund_app.command("schedule")
def schedule_command(
    principal: Annotated[str, typer.Option(help="贷款本金(元) principal in yuan, e.g. 500000")],
    years: Annotated[int | None, typer.Option(help="期限(年) term in years")] = None,
    months: Annotated[int | None, typer.Option(help="期限(月) term in months (instead of --years)")] = None,
    rate: Annotated[
        str | None, typer.Option(help="年利率(%) annual rate in per cent, e.g. 3.1; or give --issue-date")
    ] = None,
    issue_date: Annotated[
        str | None, typer.Option(help="发放日期 YYYY-MM-DD: the rate table's rate, repriced each 1 January")
    ] = None,
    home: Annotated[str, typer.Option(help="首套 first or 二套 second (with --issue-date)")] = "first",
    method: Annotated[
        MethodOption, typer.Option(help="还款方式 repayment method")
    ] = MethodOption.equal_instalment,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole schedule as JSON")] = False,
    xlsx: Annotated[Path | None, typer.Option(help="write the schedule to this Excel workbook")] = None,
    rows: Annotated[int, typer.Option(help="rows shown at the start and at the end")] = 6,
) -> None:
    """Print a loan's repayment schedule and totals. 打印贷款还款计划及合计。"""
    from minsheng.housing_fund.quote import quote

    try:
        principal_fen = _yuan_option("principal", principal)
        term = _term(years, months)
        annual_rate = _percent_option("rate", rate) if rate is not None else None
        issued = _date_option("issue-date", issue_date) if issue_date else None
        result = quote(
            principal_fen, term, home=home, issue_date=issued, rate=annual_rate, methods=(method.method,)
        )
    except ScheduleError as error:
        _fail(error)
    schedule = result.schedules[method.method]
    if xlsx is not None:
        write_workbook(schedule, xlsx)
    if as_json:
        console.print_json(json.dumps(result.as_dict()))
        return
    _print_schedule(schedule, rows, result.rate, result.as_dict(False)["rate_source"])
    if xlsx is not None:
        console.print(f"[green]已写入 written[/] {xlsx}")


def _yuan_option(name: str, text: str) -> int:
    try:
        return yuan_to_fen(Decimal(text))
    except (InvalidOperation, ValueError):
        raise ScheduleError(name, "number", f"{text!r} 不是金额", f"{text!r} is not an amount") from None


def _percent_option(name: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ScheduleError(name, "number", f"{text!r} 不是数字", f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ScheduleError(name, "number", f"{text!r} 不是数字", f"{text!r} is not a number")
    return value / 100


def _date_option(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScheduleError(name, "date", "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD") from None


def _term(years: int | None, months: int | None) -> int:
    if (years is None) == (months is None):
        raise ScheduleError("years", "one_of", "请给出 --years 或 --months 之一", "give --years or --months")
    if years is not None and years <= 0:
        raise ScheduleError("years", "positive", "期限必须大于零", "the term must be more than zero")
    return years * 12 if years is not None else months


def _print_schedule(schedule: Schedule, rows: int, rate: Decimal, source: dict | None) -> None:
    if not console.is_terminal:  # a pipe or a file gets the full width of the numbers
        console.width = max(console.width, 150)
    table = Table(title=f"还款计划 repayment schedule — {METHOD_LABELS[schedule.method]}")
    for column in (
        "期 no.",
        "还款日 due",
        "年利率 rate",
        "期初本金 opening",
        "月供 payment",
        "本金 principal",
        "利息 interest",
        "期末本金 closing",
    ):
        table.add_column(column, justify="right")
    instalments = schedule.instalments
    shown = instalments if len(instalments) <= 2 * rows else (*instalments[:rows], None, *instalments[-rows:])
    for item in shown:
        if item is None:
            table.add_row(*["…"] * 8)
            continue
        table.add_row(
            str(item.number),
            item.due_date.isoformat() if item.due_date else "",
            f"{rate_percent(item.annual_rate)}%",
            format_yuan(item.opening_balance_fen),
            format_yuan(item.payment_fen),
            format_yuan(item.principal_fen),
            format_yuan(item.interest_fen),
            format_yuan(item.closing_balance_fen),
        )
    table.add_section()
    table.add_row(
        "合计 total",
        "",
        "",
        format_yuan(schedule.principal_fen),
        format_yuan(schedule.total_payment_fen),
        format_yuan(sum(i.principal_fen for i in instalments)),
        format_yuan(schedule.total_interest_fen),
        "",
    )
    console.print(table)
    console.print(
        f"本金 principal {format_yuan(schedule.principal_fen)} 元 · {schedule.months} 期 months · "
        f"年利率 rate {rate_percent(rate)}% · 首期 first {format_yuan(schedule.first_payment_fen)} · "
        f"末期 last {format_yuan(schedule.last_payment_fen)} · 利息合计 total interest "
        f"{format_yuan(schedule.total_interest_fen)} · 还款合计 total paid {format_yuan(schedule.total_payment_fen)}"
    )
    if source:
        console.print(
            f"利率依据 rate source: {source.get('document')} ({source.get('issuer')}, {source.get('date')})"
        )


def rate_percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


def write_workbook(schedule: Schedule, path: Path) -> None:
    """The full schedule in one sheet, amounts in yuan with two decimals, totals at the foot."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path)) as workbook:
        sheet = workbook.add_worksheet("还款计划")
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        percent = workbook.add_format({"num_format": "0.000%"})
        headers = [
            "期 no.",
            "还款日 due",
            "年利率 rate",
            "期初本金 opening",
            "月供 payment",
            "本金 principal",
            "利息 interest",
            "期末本金 closing",
        ]
        sheet.write_row(0, 0, headers, bold)
        for row, item in enumerate(schedule.instalments, start=1):
            sheet.write_number(row, 0, item.number)
            sheet.write_string(row, 1, item.due_date.isoformat() if item.due_date else "")
            sheet.write_number(row, 2, float(item.annual_rate), percent)
            for column, fen in enumerate(
                (
                    item.opening_balance_fen,
                    item.payment_fen,
                    item.principal_fen,
                    item.interest_fen,
                    item.closing_balance_fen,
                ),
                start=3,
            ):
                sheet.write_number(row, column, fen / 100, money)
        foot = len(schedule.instalments) + 1
        sheet.write_string(foot, 0, "合计 total", bold)
        sheet.write_number(foot, 4, schedule.total_payment_fen / 100, money)
        sheet.write_number(foot, 5, sum(i.principal_fen for i in schedule.instalments) / 100, money)
        sheet.write_number(foot, 6, schedule.total_interest_fen / 100, money)
        sheet.set_column(0, 7, 16)


KIND_LABELS = {
    "deposit": "汇缴 deposit",
    "make_up": "补缴 make-up",
    "interest": "结息 interest",
    "withdrawal": "提取 withdrawal",
    "transfer_in": "转入 transfer in",
    "transfer_out": "转出 transfer out",
}


@housing_fund_app.command("statement")
def statement_command(
    account_id: Annotated[int, typer.Argument(help="账户 id")],
    as_json: Annotated[bool, typer.Option("--json", help="print the statement as JSON")] = False,
) -> None:
    """Print an account statement (对账单), with the history of accounts it was transferred from."""
    from minsheng.api.errors import DomainError
    from minsheng.housing_fund import service
    from minsheng.store.db import unit_of_work

    try:
        with unit_of_work() as session:
            result = service.statement(session, account_id)
    except DomainError as error:
        error_console.print(f"[red]{error.message_zh} / {error.message_en}[/]")
        raise typer.Exit(1) from None
    if as_json:
        console.print_json(json.dumps(result))
        return
    account = result["account"]
    table = Table(title=f"对账单 statement — {account['account_number']} ({account['state']})")
    for column in (
        "日期 date",
        "账户 account",
        "业务 kind",
        "所属期 period",
        "单位 employer",
        "个人 employee",
        "金额 amount",
        "余额 balance",
    ):
        table.add_column(column, justify="right")
    for entry in result["entries"]:
        table.add_row(
            entry["posted_on"],
            entry["account_number"],
            KIND_LABELS.get(entry["kind"], entry["kind"]),
            entry["period"] or "",
            format_yuan(entry["employer_fen"]) if entry["employer_fen"] else "",
            format_yuan(entry["employee_fen"]) if entry["employee_fen"] else "",
            format_yuan(entry["amount_fen"]),
            format_yuan(entry["balance_after_fen"]),
        )
    if not console.is_terminal:
        console.width = max(console.width, 150)
    console.print(table)
    console.print(
        f"余额 balance {format_yuan(account['balance_fen'])} 元 · 缴存基数 wage base {format_yuan(account['wage_base_fen'])}"
    )


@housing_fund_app.command("credit-interest")
def credit_interest_command(
    year: Annotated[int, typer.Option(help="the interest year ending 30 June of this year")],
    centre: Annotated[str | None, typer.Option(help="only this centre (league code)")] = None,
) -> None:
    """Credit the year's interest on daily balances (结息, 30 June). Idempotent."""
    from minsheng.housing_fund import service

    summary = service.credit_interest(None, year=year, centre_code=centre, actor="cli")
    console.print(
        f"[green]结息 interest {year}[/]: {summary['accounts']} accounts, {format_yuan(summary['interest_fen'])} 元; "
        f"{summary['already']} already credited"
    )


@housing_fund_app.command("reprice")
def reprice_command(
    on: Annotated[str, typer.Option(help="1 January of the year, YYYY-01-01")],
) -> None:
    """Reprice existing loans on 1 January after a rate change, and print the SMS notices."""
    from minsheng.api.errors import DomainError
    from minsheng.housing_fund import service

    try:
        notices = service.reprice_loans(None, on=date.fromisoformat(on), actor="cli")
    except (DomainError, ValueError) as error:
        error_console.print(f"[red]on[/]: {error}")
        raise typer.Exit(2) from None
    for notice in notices:
        console.print(f"loan {notice['loan_id']}: {notice['sms_zh']}")
    console.print(f"[green]{len(notices)} 笔贷款已调整利率 / loans repriced[/]")


@housing_fund_app.command("generate")
def generate_command(
    as_of: Annotated[str, typer.Option(help="the demo's day, YYYY-MM-DD")] = date.today().isoformat(),
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    share: Annotated[
        float, typer.Option(help="share of employed persons of working age with an account")
    ] = 0.4,
    loan_share: Annotated[
        float, typer.Option(help="share of accounts with a year of history that borrow")
    ] = 0.12,
) -> None:
    """Generate a synthetic fund centre (employers, accounts, deposits, interest, loans) for the registry's persons."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from minsheng.housing_fund import synth

    try:
        day = _date_option("as-of", as_of)
    except ScheduleError as error:
        _fail(error)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks: dict[str, int] = {}

        def tell(step: str, count: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=None)
            progress.update(tasks[step], completed=count)

        done = synth.generate(None, day, seed, share=share, loan_share=loan_share, progress=tell)
    if done.skipped:
        console.print(f"[yellow]跳过 skipped[/]: {done.skipped}")
        return
    console.print(
        f"[green]已生成 generated[/]: {done.employers:,} employers, {done.accounts:,} accounts, {done.entries:,} entries, "
        f"{done.loans:,} loans, {done.repayments:,} repayments; balances {format_yuan(done.balance_fen)} 元"
    )
