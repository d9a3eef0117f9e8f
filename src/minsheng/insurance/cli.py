"""`minsheng insurance …`: the month's pension starts, coverage, the uninsured, a person's record,
elderly-care coverage and the synthetic enrolment histories."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from minsheng.cli_support import console, parse_day, parse_month, region_scope
from minsheng.money import format_yuan

insurance_app = typer.Typer(
    help="社会保险与养老服务 social insurance and elderly care: pensions, coverage, facilities.",
    no_args_is_help=True,
)


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _write(path: Path, rows: list[dict[str, Any]], columns, sheet: str) -> None:
    from minsheng.spreadsheet import to_xlsx

    path.write_bytes(to_xlsx(rows, columns, sheet))
    console.print(f"[green]已导出 written[/] {path}")


@insurance_app.command("pension-starts")
def pension_starts(
    month: Annotated[str, typer.Option(help="the month YYYY-MM, e.g. 2023-10")],
    region: Annotated[str | None, typer.Option(help="a league or banner code")] = None,
    award: Annotated[
        bool, typer.Option("--award", help="also put the starters into payment (audited)")
    ] = False,
    xlsx: Annotated[Path | None, typer.Option(help="also write the list to this Excel file")] = None,
) -> None:
    """Who starts the residents' pension in the month, with the parts of the amount; who is short of
    years and is offered arrears. 当月城乡居民养老金起领名单(含金额构成)与可补缴人员。"""
    from minsheng.insurance import service
    from minsheng.insurance.export import STARTS_COLUMNS
    from minsheng.store.db import unit_of_work

    first = parse_month(month)
    with unit_of_work() as session:
        starts = service.pension_starts(session, first, region_scope(region))
        awarded = (
            service.award_starts(session, first, actor="cli", today=date.today(), scope=region_scope(region))
            if award
            else []
        )
    table = Table(title=f"{first:%Y-%m} 城乡居民养老金起领 residents' pensions starting")
    for title in (
        "姓名 name",
        "身份证 ID",
        "旗县 banner",
        "出生 born",
        "年限 years",
        "基础(国家) basic",
        "地方提高 top-up",
        "账户 account",
        "账户养老金 ÷139",
        "月养老金 monthly",
    ):
        table.add_column(title, justify="right")
    for r in starts.starting:
        table.add_row(
            r["name"],
            r["id_number_masked"],
            r["banner_code"],
            str(r["birth_date"]),
            str(r["contribution_years"]),
            format_yuan(r["basic_national_fen"]),
            format_yuan(r["basic_topup_fen"]),
            format_yuan(r["account_balance_fen"]),
            format_yuan(r["account_pension_fen"]),
            format_yuan(r["monthly_pension_fen"]),
        )
    console.print(table)
    if starts.short:
        short = Table(title="缴费不足15年, 可补缴 short of years: arrears offered")
        for title in (
            "姓名 name",
            "身份证 ID",
            "旗县 banner",
            "已缴 paid",
            "需 required",
            "补缴年 years",
            "补缴额 amount",
        ):
            short.add_column(title, justify="right")
        for r in starts.short:
            short.add_row(
                r["name"],
                r["id_number_masked"],
                r["banner_code"],
                str(r["contribution_years"]),
                str(r["required_years"]),
                str(r["arrears_years"]),
                format_yuan(r["arrears_fen"]),
            )
        console.print(short)
    console.print(
        f"起领 starting: {len(starts.starting)}, 可补缴 short: {len(starts.short)}"
        + (f", 已核发 awarded: {len(awarded)}" if award else "")
    )
    if xlsx:
        _write(xlsx, starts.starting + starts.short, STARTS_COLUMNS, f"starts-{first:%Y-%m}")


@insurance_app.command("coverage")
def coverage(
    year: Annotated[int, typer.Option(help="the insurance year")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ages and deaths as of YYYY-MM-DD (default 31 Dec)")
    ] = None,
    region: Annotated[str | None, typer.Option(help="a league or banner code")] = None,
    level: Annotated[str, typer.Option(help="league or banner rows")] = "league",
    xlsx: Annotated[Path | None, typer.Option(help="also write the table to this Excel file")] = None,
) -> None:
    """Pension participation by league (or banner) against the 95 % target, with the seeds' 2023 figures
    beside the data's. 按盟市/旗县的养老保险参保率、与95%目标的差距及种子数据对照。"""
    from minsheng.insurance import service
    from minsheng.insurance.export import COVERAGE_COLUMNS
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        report = service.coverage(
            session, year, parse_day(as_of, "--as-of", date(year, 12, 31)), region_scope(region)
        )
    rows = report["leagues" if level == "league" else "banners"]
    table = Table(title=f"{year} 养老保险参保率 pension participation")
    for title in (
        "区划 area",
        "应参保 eligible",
        "参保 insured",
        "参保率 rate",
        "目标 target",
        "差距 gap",
        "尚需 to enrol",
        "工伤 injury",
        "失业 unemployment",
    ):
        table.add_column(title, justify="right")
    for r in [*rows, *([report["region"]] if report["region"] else [])]:
        table.add_row(
            r["name_zh"],
            f"{r['eligible']:,}",
            f"{r['pension']:,}",
            _pct(r["pension_rate"]),
            _pct(r["target"]),
            _pct(r["gap"]),
            f"{r['persons_to_enrol']:,}",
            f"{r['work_injury']:,}",
            f"{r['unemployment']:,}",
        )
    console.print(table)
    seeds = Table(title="种子数据(2023) 与本库对照 the seeds' 2023 figures beside the data")
    for title in ("险种 scheme", "种子 seed", "占人口 share", "本库 data", "占人口 share"):
        seeds.add_column(title, justify="right")
    for s in report["seeds"]:
        seeds.add_row(
            s["scheme"],
            f"{s['seed_2023']:,}",
            _pct(s["seed_share_of_population"]),
            "—" if s["synthetic"] is None else f"{s['synthetic']:,}",
            _pct(s["synthetic_share_of_population"]),
        )
    console.print(seeds)
    if xlsx:
        _write(xlsx, rows, COVERAGE_COLUMNS, f"coverage-{year}")


@insurance_app.command("uninsured")
def uninsured(
    year: Annotated[int, typer.Option(help="the insurance year")],
    banner: Annotated[str | None, typer.Option(help="a banner (or league) code")] = None,
    limit: Annotated[int, typer.Option(min=1, help="how many persons to list")] = 50,
    xlsx: Annotated[Path | None, typer.Option(help="also write the list to this Excel file")] = None,
) -> None:
    """全民参保计划: working-age persons in no pension scheme, counted by banner and listed."""
    from minsheng.insurance import service
    from minsheng.insurance.export import UNINSURED_COLUMNS
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        listing = service.uninsured(
            session, year, date(year, 12, 31), region_scope(banner, "--banner"), limit=limit
        )
    counts = Table(title=f"{year} 未参保 uninsured by banner: {listing['total']:,}")
    counts.add_column("旗县 banner")
    counts.add_column("人数 persons", justify="right")
    for row in listing["by_banner"]:
        counts.add_row(f"{row['code']} {row['name_zh']}", f"{row['count']:,}")
    console.print(counts)
    persons = Table(title="名单 list")
    for key in ("person_id", "name", "id_number_masked", "age", "banner_code", "employment_status"):
        persons.add_column(key)
    for p in listing["persons"]:
        persons.add_row(
            *(
                str(p[k])
                for k in ("person_id", "name", "id_number_masked", "age", "banner_code", "employment_status")
            )
        )
    console.print(persons)
    if xlsx:
        _write(xlsx, listing["persons"], UNINSURED_COLUMNS, f"uninsured-{year}")


@insurance_app.command("record")
def record(
    person_id: Annotated[int, typer.Argument(help="the registry person id")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="judge the pension as of YYYY-MM-DD")] = None,
) -> None:
    """A person's insurance record: years by scheme, the residents' pension with its reasons. 个人参保档案。"""
    from minsheng.insurance import service
    from minsheng.insurance.models import SCHEME
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        data = service.person_record(session, person_id, parse_day(as_of, "--as-of", date.today()))
    person = data["person"]
    console.print(
        f"[bold]{person['name']}[/] {person['id_number_masked']} {person['birth_date']} {person['banner_code']}"
    )
    table = Table(title="缴费记录 contribution history")
    for title in (
        "年度 year",
        "险种 scheme",
        "状态 status",
        "月数 months",
        "基数 base",
        "个人 personal",
        "记账 credited",
        "补缴 arrears",
    ):
        table.add_column(title)
    for e in data["enrolments"]:
        table.add_row(
            str(e.year),
            SCHEME[e.scheme][0],
            e.status,
            str(e.months_paid),
            "—" if e.contribution_base_fen is None else format_yuan(e.contribution_base_fen),
            format_yuan(e.personal_fen),
            format_yuan(e.account_credit_fen),
            "是" if e.arrears else "",
        )
    console.print(table)
    for scheme, years in data["years"].items():
        console.print(f"{SCHEME[scheme][0]} {SCHEME[scheme][1]}: {years} 年 years")
    p = data["pension"]
    console.print(
        f"城乡居民养老金 residents' pension: {'符合 eligible' if p['eligible'] else '不符合 not eligible'}, "
        f"月养老金 {format_yuan(p['monthly_pension_fen'])} = {format_yuan(p['basic_national_fen'])} + "
        f"{format_yuan(p['basic_topup_fen'])} + {format_yuan(p['account_pension_fen'])}"
    )
    for reason in p["reasons"]:
        mark = "[green]✓[/]" if reason["passed"] else "[red]✗[/]"
        console.print(f"  {mark} {reason['title_zh']}: {reason['text_zh']} / {reason['text_en']}")


@insurance_app.command("facilities")
def facilities(
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today)")] = None,
) -> None:
    """Elderly-care facilities by league: centres, stations, homes, capacity and coverage of townships and
    villages; the 2023 builds beside the seed's. 养老服务设施覆盖率。"""
    from minsheng.insurance import service
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        report = service.facility_coverage(session, parse_day(as_of, "--as-of", date.today()))
    table = Table(title="养老服务设施 elderly-care facilities")
    for title in (
        "盟市 league",
        "中心 centres",
        "站 stations",
        "幸福院 homes",
        "床位 capacity",
        "乡镇覆盖 townships",
        "村覆盖 villages",
    ):
        table.add_column(title, justify="right")
    for r in report["leagues"]:
        table.add_row(
            r["name_zh"],
            str(r["township_centres"]),
            str(r["village_stations"]),
            str(r["mutual_aid_homes"]),
            f"{r['capacity']:,}",
            _pct(r["township_coverage"]),
            _pct(r["village_coverage"]),
        )
    console.print(table)
    for row in report["built_2023"]:
        console.print(
            f"2023 {row['kind']}: 种子 seed {row['seed_2023']:,}, 本库 data {row['synthetic_2023']:,}"
        )


@insurance_app.command("synth")
def synth(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="histories up to YYYY-MM-DD (default today)")
    ] = None,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
) -> None:
    """Enrolment and contribution histories, pensions and facilities for the persons already in the
    registry (load a synthetic region first: minsheng synth --load). 为已导入的合成人口生成参保与设施数据。"""
    from minsheng.insurance import synth as generator
    from minsheng.store.db import default_engine

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("生成 generating", total=None)
        done = generator.generate(
            default_engine(),
            parse_day(as_of, "--as-of", date.today()),
            seed,
            progress=lambda step, n: bar.update(task, description=f"{step}: {n:,}"),
        )
    if done.skipped:
        console.print(f"[yellow]跳过 skipped[/]: {done.skipped}")
        return
    table = Table(title="合成参保数据 synthetic insurance data")
    for key in done.as_dict():
        table.add_column(key, justify="right")
    table.add_row(*(f"{v:,}" if isinstance(v, int) else f"{v:.1f}" for v in done.as_dict().values()))
    console.print(table)
