"""`minsheng employment …`: lists and their Excel export, matching (one seeker or the whole region),
work-relief checks, refund and benefit calculations, statistics, and the demo's synthetic data."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from minsheng.cli_support import console, fail, parse_day, region_scope
from minsheng.money import format_yuan

employment_app = typer.Typer(
    help="就业 employment services, public-welfare jobs, work relief, job-retention refunds.",
    no_args_is_help=True,
)
ACTOR = "cli"

AsOf = Annotated[str | None, typer.Option("--as-of", help="judge as of this day YYYY-MM-DD (default today)")]
Region = Annotated[str, typer.Option(help="a banner, league or the region (GB/T 2260)")]
Xlsx = Annotated[Path | None, typer.Option("--xlsx", help="also write the list to this Excel file")]


def _write_xlsx(path: Path, rows: list[dict[str, Any]], columns) -> None:
    from minsheng.spreadsheet import to_xlsx

    path.write_bytes(to_xlsx(rows, columns, path.stem))
    console.print(f"[green]已写出 written[/] {path} ({len(rows)} rows)")


def _reasons(reasons: list[dict[str, Any]]) -> str:
    return "\n".join(("✓ " if r["passed"] else "✗ ") + r["text_zh"] for r in reasons)


@employment_app.command("unemployed")
def unemployed(region: Region = "150000", xlsx: Xlsx = None) -> None:
    """登记失业人员 — open unemployment registrations."""
    from dataclasses import asdict

    from minsheng.employment import service
    from minsheng.employment.api import UNEMPLOYED_COLUMNS
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        rows = [asdict(r) for r in service.list_unemployed(session, region_scope(region), limit=1_000_000)]
    table = Table(title=f"登记失业人员 registered unemployed: {len(rows)}")
    for _key, zh, en in UNEMPLOYED_COLUMNS:
        table.add_column(f"{zh} {en}")
    for row in rows[:50]:
        table.add_row(
            *[
                ", ".join(v) if isinstance(v, list) else str(v or "")
                for v in (row[k] for k, _z, _e in UNEMPLOYED_COLUMNS)
            ]
        )
    console.print(table)
    if xlsx:
        _write_xlsx(xlsx, rows, UNEMPLOYED_COLUMNS)


@employment_app.command("zero-employment")
def zero_employment(
    region: Region = "150000",
    refresh: Annotated[bool, typer.Option(help="re-judge every household first (动态清零)")] = False,
    include_cleared: Annotated[bool, typer.Option(help="list cleared households too")] = False,
    as_of: AsOf = None,
    xlsx: Xlsx = None,
) -> None:
    """零就业家庭 — list, after re-judging every household with --refresh."""
    from dataclasses import asdict

    from minsheng.employment import service
    from minsheng.employment.api import ZERO_COLUMNS
    from minsheng.store.db import unit_of_work

    scope = region_scope(region)
    with unit_of_work() as session:
        if refresh:
            counts = service.refresh_zero_employment(
                session, scope, today=parse_day(as_of, "--as-of"), actor=ACTOR
            )
            console.print(
                f"新认定 opened {counts['opened']}, 清零 cleared {counts['cleared']}, 在册 tracked {counts['tracked']}"
            )
        rows = [
            asdict(r)
            for r in service.list_zero_employment(
                session, scope, include_cleared=include_cleared, limit=1_000_000
            )
        ]
    table = Table(title=f"零就业家庭 zero-employment households: {len(rows)}")
    for _key, zh, en in ZERO_COLUMNS:
        table.add_column(f"{zh} {en}")
    for row in rows[:50]:
        table.add_row(*[str(row[k] or "") for k, _z, _e in ZERO_COLUMNS])
    console.print(table)
    if xlsx:
        _write_xlsx(xlsx, rows, ZERO_COLUMNS)


@employment_app.command("match")
def match(
    seeker_id: Annotated[int, typer.Argument(help="求职登记号 the seeker's id")],
    top: Annotated[int | None, typer.Option(help="how many vacancies (default: the parameter)")] = None,
    as_of: AsOf = None,
) -> None:
    """人岗匹配 — the region's open vacancies ranked for one seeker, with the reasons."""
    from minsheng.api.errors import DomainError
    from minsheng.employment import service
    from minsheng.security.scope import REGION_WIDE
    from minsheng.store.db import unit_of_work

    try:
        with unit_of_work() as session:
            matches = service.match_vacancies(
                session, REGION_WIDE, seeker_id, today=parse_day(as_of, "--as-of"), top_n=top
            )
    except DomainError as error:
        fail(error)
    table = Table(title=f"求职者 {seeker_id} 的推荐岗位 vacancies for seeker {seeker_id}")
    for column in (
        "#",
        "岗位 vacancy",
        "单位 employer",
        "旗县 banner",
        "月薪 pay",
        "得分 score",
        "理由 reasons",
    ):
        table.add_column(column)
    for m in matches:
        table.add_row(
            str(m.rank),
            f"{m.vacancy_id} {m.title}",
            m.employer_name,
            m.banner_code,
            f"{format_yuan(m.pay_min_fen)}–{format_yuan(m.pay_max_fen)}",
            f"{m.score:.2f}",
            _reasons(m.reasons),
        )
    console.print(table)


@employment_app.command("match-batch")
def match_batch_command(
    out: Annotated[Path, typer.Option(help="Parquet file for the matches")],
    top: Annotated[int, typer.Option(help="vacancies per seeker")] = 10,
    block_by: Annotated[
        str, typer.Option(help="banner or league: how far a seeker's candidates reach")
    ] = "banner",
    as_of: AsOf = None,
) -> None:
    """Top matches for every seeking seeker of the region, league by league, to Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from sqlalchemy import select

    from minsheng.employment import service
    from minsheng.employment.matching import match_batch
    from minsheng.employment.models import JobSeeker, Vacancy
    from minsheng.store.db import unit_of_work

    today = parse_day(as_of, "--as-of")
    with unit_of_work() as session:
        seekers = [
            service.seeker_row(s)
            for s in session.scalars(select(JobSeeker).where(JobSeeker.status == "seeking"))
        ]
        vacancies = [
            service.vacancy_row(v)
            for v in session.scalars(select(Vacancy).where(*service._open_vacancy_filter(today)))
        ]
    seeker_table = pa.Table.from_pylist(seekers, schema=service.SEEKER_SCHEMA)
    vacancy_table = pa.Table.from_pylist(vacancies, schema=service.VACANCY_SCHEMA)
    with Progress(console=console) as progress:
        task = progress.add_task("匹配 matching by league", total=max(1, seeker_table.num_rows))
        result = match_batch(
            seeker_table,
            vacancy_table,
            as_of=today,
            top_n=top,
            block_by=block_by,
            progress=lambda _league, n: progress.advance(task, n),
        )
    pq.write_table(result, out)
    console.print(
        f"[green]{result.num_rows:,} matches[/] for {seeker_table.num_rows:,} seekers over "
        f"{vacancy_table.num_rows:,} vacancies → {out}"
    )


@employment_app.command("work-relief")
def work_relief(region: Region = "150000", as_of: AsOf = None, xlsx: Xlsx = None) -> None:
    """以工代赈 — each project's labour remuneration against 30 % of central funds, warnings, arrears."""
    from minsheng.employment import service
    from minsheng.employment.api import PROJECT_COLUMNS
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        rows = service.check_projects(session, region_scope(region), today=parse_day(as_of, "--as-of"))
    table = Table(title=f"以工代赈项目 work-relief projects: {len(rows)}")
    for column in (
        "项目 project",
        "中央资金 central",
        "已发报酬 paid",
        "占比 share",
        "差额 shortfall",
        "状态 status",
        "欠薪 arrears",
    ):
        table.add_column(column)
    colour = {"met": "green", "in_progress": "yellow", "warning": "red", "failed": "red"}
    for r in rows:
        table.add_row(
            f"{r['project_code']} {r['name']}",
            format_yuan(r["central_funds_fen"]),
            format_yuan(r["paid_fen"]),
            f"{r['labour_share'] * 100:.2f}%",
            format_yuan(r["shortfall_fen"]),
            f"[{colour[r['share_status']]}]{r['share_status']}[/]",
            format_yuan(r["arrears_fen"]) if r["arrears_fen"] else "—",
        )
    console.print(table)
    if xlsx:
        _write_xlsx(xlsx, rows, PROJECT_COLUMNS)


@employment_app.command("refund")
def refund(
    contributions: Annotated[
        str, typer.Option(help="上年实际缴纳失业保险费(元) contributions paid last year, yuan")
    ],
    insured_at_start: Annotated[int, typer.Option(help="年初参保人数 insured at the start of the year")],
    insured_at_end: Annotated[int, typer.Option(help="年末参保人数 insured at the end of the year")],
    average_insured: Annotated[
        int | None, typer.Option(help="平均参保人数 (default: mean of start and end)")
    ] = None,
    months_paid: Annotated[int, typer.Option(help="足额缴费月数 months paid in full")] = 12,
    year: Annotated[int, typer.Option(help="the contribution year")] = date.today().year - 1,
    enterprise_type: Annotated[
        str, typer.Option(help="enterprise, social_group, foundation, law_firm …")
    ] = "enterprise",
    size: Annotated[str | None, typer.Option(help="declared size: large or sme")] = None,
    banner: Annotated[str, typer.Option(help="the employer's banner")] = "150102",
) -> None:
    """稳岗返还测算 — the refund for the figures given, with the reasons (nothing is recorded)."""
    import pyarrow as pa

    from minsheng.employment import service
    from minsheng.money import yuan_to_fen

    average = average_insured if average_insured is not None else (insured_at_start + insured_at_end) // 2
    table = pa.Table.from_pylist(
        [
            {
                "employer_id": 0,
                "banner_code": banner,
                "enterprise_type": enterprise_type,
                "declared_size": size,
                "contributions_fen": yuan_to_fen(Decimal(contributions)),
                "months_paid": months_paid,
                "insured_at_start": insured_at_start,
                "insured_at_end": insured_at_end,
                "average_insured": average,
            }
        ],
        schema=service.REFUND_SCHEMA,
    )
    [row] = service.assess_refunds(table, date(year, 12, 31))
    verdict = "[green]符合 eligible[/]" if row["eligible"] else "[red]不符合 refused[/]"
    console.print(f"{verdict}  返还 refund {format_yuan(row['refund_fen'])} 元 yuan  ({row['size']})")
    console.print(_reasons(row["reasons"]))


@employment_app.command("benefit")
def benefit(
    years: Annotated[str, typer.Option(help="累计缴费年限 years of contributions")],
    banner: Annotated[str, typer.Option(help="the claimant's banner")] = "150102",
    carried_over: Annotated[int, typer.Option(help="unused months of an earlier period")] = 0,
    voluntary: Annotated[bool, typer.Option(help="left work voluntarily")] = False,
    as_of: AsOf = None,
) -> None:
    """失业保险金测算 — months and monthly amount, with the reasons."""
    from minsheng.employment import service
    from minsheng.employment.schemas import BenefitIn

    row = service.unemployment_benefit(
        BenefitIn(
            contribution_years=Decimal(years),
            carried_over_months=carried_over,
            involuntary=not voluntary,
            banner_code=banner,
        ),
        today=parse_day(as_of, "--as-of"),
    )
    console.print(f"{row['entitled_months']} 个月 months × {format_yuan(row['monthly_fen'])} 元 yuan")
    console.print(_reasons(row["reasons"]))


@employment_app.command("stats")
def stats(
    region: Region = "150000",
    year: Annotated[int | None, typer.Option(help="the year (default this year)")] = None,
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """就业统计 — key groups, registered unemployment by league, placements, work relief, refunds."""
    from minsheng import regions
    from minsheng.employment import service
    from minsheng.store.db import unit_of_work

    today = parse_day(as_of, "--as-of")
    with unit_of_work() as session:
        figures = service.statistics(session, region_scope(region), year=year or today.year, today=today)
    if as_json:
        console.print_json(json.dumps(figures, default=str, ensure_ascii=False))
        return
    table = Table(title=f"就业统计 employment figures {figures['year']} ({region})")
    table.add_column("指标 figure")
    table.add_column("值 value", justify="right")
    relief, refunds = figures["work_relief"], figures["retention_refunds"]
    lines = [
        ("登记失业人员 registered unemployed", f"{figures['registered_unemployed']:,}"),
        *[
            (f"  {regions.get(code).name_zh}", f"{n:,}")
            for code, n in figures["registered_unemployed_by_league"].items()
        ],
        ("推荐 referrals", f"{figures['referrals']:,}"),
        ("就业安置 placements", f"{figures['placements']:,}"),
        *[(f"  其中 {group}", f"{n:,}") for group, n in figures["key_groups_placed"].items() if n],
        ("零就业家庭 zero-employment households", f"{figures['zero_employment_households']:,}"),
        ("本年清零 cleared this year", f"{figures['zero_employment_cleared']:,}"),
        ("公益性岗位在岗 public-welfare jobs", f"{figures['public_welfare_active']:,}"),
        ("以工代赈项目 work-relief projects", f"{relief['projects']:,}"),
        ("  务工人数 workers", f"{relief['workers']:,}"),
        ("  中央资金 central funds (元)", format_yuan(relief["central_funds_fen"])),
        ("  发放劳务报酬 remuneration paid (元)", format_yuan(relief["remuneration_paid_fen"])),
        ("  占比 share", f"{relief['remuneration_share'] * 100:.2f}%"),
        ("  低于30% below the floor", f"{relief['below_floor']:,}"),
        ("  欠薪 arrears (元)", format_yuan(relief["arrears_fen"])),
        ("稳岗返还 refunds granted / refused", f"{refunds['granted']:,} / {refunds['refused']:,}"),
        ("  返还金额 refunded (元)", format_yuan(refunds["refund_fen"])),
    ]
    for label, value in lines:
        table.add_row(label, value)
    console.print(table)


@employment_app.command("generate")
def generate_command(
    as_of: AsOf = None,
    seed: Annotated[int, typer.Option(help="random seed")] = 7,
) -> None:
    """Synthetic employers, vacancies, seekers (the registry's unemployed) and work-relief projects."""
    from minsheng.employment import synth
    from minsheng.store.db import default_engine

    with console.status("生成 generating employment data"):
        counts = synth.generate(default_engine(), parse_day(as_of, "--as-of"), seed)
    console.print("[green]已生成 generated[/] " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
