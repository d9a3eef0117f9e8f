"""`minsheng assistance …`: the scheduled jobs of casework — reviews and death re-checks, the
recomputation after a changed standard, and the overdue list."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from minsheng import policy, regions
from minsheng.cli_support import console, parse_day, parse_month, region_scope
from minsheng.money import format_yuan

assistance_app = typer.Typer(help="社会救助案件 assistance cases: reviews, recomputation, overdue list")


@assistance_app.command("review")
def review(
    date: Annotated[str | None, typer.Option("--date", help="as of YYYY-MM-DD (default today)")] = None,
) -> None:
    """定期核查 Review every active case whose review is due (12 or 6 months) through the rules, open a
    re-check for every household where a member died after the application, and end the cases whose
    taper or term is over."""
    from minsheng.assistance import cases
    from minsheng.store.db import unit_of_work

    as_of = parse_day(date, "--date")
    started = time.perf_counter()
    with unit_of_work() as session:
        deaths = cases.check_deaths(session, as_of, "system:review")
    with unit_of_work() as session:
        closed = cases.close_expired(session, as_of, "system:review")
    with unit_of_work() as session:
        counts = cases.run_reviews(session, as_of, "system:review")
    console.print(
        f"{as_of}: 复核 reviewed {sum(counts.values())} "
        f"(继续 continue {counts.get('continue', 0)} · 渐退 taper {counts.get('taper', 0)} · "
        f"拟终止 end proposed {counts.get('end_proposed', 0)}); "
        f"死亡重新核查 death re-checks opened {deaths}; 期满终止 ended at term {closed} "
        f"[dim]{time.perf_counter() - started:.1f} s[/]"
    )


@assistance_app.command("recompute")
def recompute(
    from_month: Annotated[str, typer.Option("--from", help="first month to recompute, YYYY-MM")],
    date: Annotated[str | None, typer.Option("--date", help="as of YYYY-MM-DD (default today)")] = None,
    paid_through: Annotated[
        str | None,
        typer.Option("--paid-through", help="last month already paid, YYYY-MM (default: before --date)"),
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="only this league or banner")] = None,
) -> None:
    """标准调整重算 After a standard changed in policy/params: every active case recomputed month by month
    from --from; the amounts change from their month, and paid months get arrears or overpayments."""
    from minsheng.assistance import cases
    from minsheng.store.db import unit_of_work

    as_of = parse_day(date, "--date")
    start = parse_month(from_month, "--from")
    paid = parse_month(paid_through, "--paid-through") if paid_through else None
    scope = region_scope(region) if region else None
    started = time.perf_counter()
    with unit_of_work() as session:
        result = cases.recompute(
            session,
            start,
            as_of,
            "system:recompute",
            policy.load(),
            scope,
            paid_through=paid,
        )
    console.print(
        f"重算 recomputed {result.cases} cases from {start:%Y-%m}: {result.changed} changed, "
        f"{result.amount_rows} amount rows, {result.adjustments} adjustments "
        f"(补发 arrears {format_yuan(result.arrears_fen)} 元 · 追回 overpaid {format_yuan(result.overpaid_fen)} 元) "
        f"[dim]{time.perf_counter() - started:.1f} s[/]"
    )
    for problem in result.problems:
        console.print(f"[yellow]未重算,须人工核查 / not recomputed, check by hand:[/] {problem}")


@assistance_app.command("overdue")
def overdue(
    date: Annotated[str | None, typer.Option("--date", help="as of YYYY-MM-DD (default today)")] = None,
    region: Annotated[str, typer.Option("--region", help="league or banner code")] = regions.REGION_CODE,
) -> None:
    """超期案件 Open cases past the 3-working-day start or the 30 (45) working-day decision deadline."""
    from minsheng.assistance import cases
    from minsheng.store.db import unit_of_work

    as_of = parse_day(date, "--date")
    scope = region_scope(region)
    with unit_of_work() as session:
        rows = cases.overdue_cases(session, scope, as_of)
        table = Table(title=f"超期案件 overdue cases · {region} · {as_of}")
        for column in (
            "案件编号 case",
            "项目 programme",
            "状态 status",
            "申请 submitted",
            "调查期限 start by",
            "办结期限 decide by",
        ):
            table.add_column(column)
        for case, due in rows:
            table.add_row(
                case.case_no,
                cases.label(cases.PROGRAMME_LABELS, case.programme),
                cases.label(cases.STATUS_LABELS, case.status),
                str(case.submitted_on),
                f"[red]{due.start_by}[/]" if due.start_overdue else str(due.start_by),
                f"[red]{due.decide_by}[/]" if due.decision_overdue else str(due.decide_by),
            )
    console.print(table)
