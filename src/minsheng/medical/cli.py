"""`minsheng medical …`: synthetic claims, batch settlement of a Parquet file, supervision, the seeds' case."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from minsheng.money import format_yuan

medical_app = typer.Typer(
    help="医疗保障 medical security: three-tier settlement and fund supervision.", no_args_is_help=True
)
console = Console(soft_wrap=True)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console)


@medical_app.command("synth")
def synth_claims(
    population: Annotated[Path, typer.Option(help="folder with members.parquet (minsheng synth)")] = Path(
        "var/synth"
    ),
    out: Annotated[
        Path, typer.Option(help="folder for enrolment/institutions/claims/items/planted.parquet")
    ] = Path("var/synth/medical"),
    year: Annotated[int, typer.Option(help="the insurance year")] = 2024,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    fraud_share: Annotated[
        float, typer.Option(min=0, max=0.5, help="share of inpatient stays with a planted pattern")
    ] = 0.05,
) -> None:
    """Generate enrolment, institutions and claims with planted fraud from a synthetic population.
    由合成人口生成参保、定点机构与结算单(含植入的违规模式)。"""
    from minsheng.medical import synth

    with _progress() as progress:
        task = progress.add_task("生成 generating", total=2)
        data = synth.generate(synth.read_members(population), year, seed, fraud_share)
        progress.advance(task)
        data.write(out)
        progress.advance(task)
    table = Table(title=f"合成医保数据 synthetic medical data → {out}")
    for key in synth.summary(data):
        table.add_column(key, justify="right")
    table.add_row(*(f"{v:,}" for v in synth.summary(data).values()))
    console.print(table)


@medical_app.command("settle")
def settle_file(
    claims: Annotated[Path, typer.Argument(help="claims Parquet (the settlement rule's `claims` schema)")],
    enrolment: Annotated[
        Path | None, typer.Option(help="enrolment Parquet (default: beside the claims)")
    ] = None,
    institutions: Annotated[
        Path | None, typer.Option(help="institutions Parquet (default: beside the claims)")
    ] = None,
    accumulators: Annotated[Path | None, typer.Option(help="prior accumulators Parquet (optional)")] = None,
    scenario: Annotated[
        Path | None, typer.Option(help="a parameter scenario overlaying policy/params")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="result Parquet (default: settled.parquet beside the claims)")
    ] = None,
) -> None:
    """Settle a file of claims in date order per person with annual accumulators; write results and totals.
    批量结算:按人按年累计起付线、封顶线,结果写入 Parquet。"""
    from minsheng.medical.rules.run import query_parquet
    from minsheng.medical.settlement import settle_files

    folder = claims.parent
    target = out or folder / "settled.parquet"
    with _progress() as progress:
        task = progress.add_task("结算 settling", total=1)
        count = settle_files(
            claims, enrolment or folder / "enrolment.parquet", institutions or folder / "institutions.parquet",
            target, accumulators=accumulators, params=scenario,
            accumulators_out=target.with_name(target.stem + "_accumulators.parquet"),
        )  # fmt: skip
        progress.advance(task)
    ((settled, *sums),) = query_parquet(
        "SELECT COUNT(*) FILTER (WHERE settled), "
        + ", ".join(
            f"COALESCE(SUM({c}) FILTER (WHERE settled), 0)"
            for c in ("total_fen", "basic_fen", "critical_illness_fen", "medical_aid_fen", "self_pay_fen")
        )
        + " FROM settled",
        settled=target,
    )
    table = Table(title=f"结算 settled → {target}")
    for column in ("claims", "settled", "total", "basic", "critical illness", "medical aid", "self-pay"):
        table.add_column(column, justify="right")
    table.add_row(f"{count:,}", f"{settled:,}", *(format_yuan(int(s)) for s in sums))
    console.print(table)
    if settled < count:
        console.print(f"[yellow]未结算 not settled[/]: {count - settled:,} claims (see the check_* columns)")


@medical_app.command("supervise")
def supervise_file(
    folder: Annotated[Path, typer.Argument(help="folder of `minsheng medical synth` output")] = Path(
        "var/synth/medical"
    ),
    population: Annotated[Path, typer.Option(help="folder with members.parquet (death dates, sex)")] = Path(
        "var/synth"
    ),
    as_of: Annotated[str, typer.Option("--date", help="run date YYYY-MM-DD")] = "2024-12-31",
) -> None:
    """Run the supervision rules; write flags with evidence and score them on the planted patterns.
    医保基金智能监管:疑点及证据,并按植入模式计算查全率与查准率。"""
    import json

    import pyarrow.parquet as pq

    from minsheng.medical import supervision, synth

    with _progress() as progress:
        task = progress.add_task("监管 supervising", total=1)
        result = supervision.supervise(
            pq.read_table(folder / "claims.parquet"), pq.read_table(folder / "items.parquet"),
            pq.read_table(folder / "institutions.parquet"), pq.read_table(folder / "enrolment.parquet"),
            synth.read_members(population), date.fromisoformat(as_of),
        )  # fmt: skip
        flags = supervision.flags_from(result)
        (folder / "flags.json").write_text(
            json.dumps(flags, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        progress.advance(task)
    table = Table(title=f"疑点 flags → {folder / 'flags.json'}")
    for column in ("rule", "规则", "planted", "flagged", "found", "recall", "precision"):
        table.add_column(column, justify="right")
    planted = pq.read_table(folder / "planted.parquet")
    for s in supervision.score(flags, planted):
        table.add_row(
            s.pattern,
            supervision.RULES[s.pattern][0],
            str(s.planted),
            str(s.flagged),
            str(s.found),
            f"{s.recall:.0%}",
            f"{s.precision:.0%}",
        )
    console.print(table)


@medical_app.command("example")
def example(
    category: Annotated[
        str, typer.Option(help="aid category: dibao, tekun, relapse_poverty, none …")
    ] = "dibao",
    class_a: Annotated[int, typer.Option(help="class A (甲类) yuan")] = 100_000,
    class_b: Annotated[int, typer.Option(help="class B (乙类) yuan")] = 30_000,
    class_c: Annotated[int, typer.Option(help="class C (丙类) yuan")] = 10_000,
    scenario: Annotated[Path | None, typer.Option(help="a parameter scenario")] = None,
) -> None:
    """Settle one in-region level-3 inpatient stay of a resident (the seeds' 140 000-yuan case) and show it.
    演示:城乡居民在三级医院住院(约14万元)的三重制度结算明细。"""
    import pyarrow as pa

    from minsheng.medical.rules.settlement import CLAIMS, ENROLMENT, INSTITUTIONS
    from minsheng.medical.settlement import settle

    claims = pa.Table.from_pylist(
        [{"claim_id": "example", "person_id": 1, "institution_id": 1, "care_type": "inpatient",
          "admission_date": date(2024, 3, 1), "discharge_date": date(2024, 3, 20),
          "class_a_fen": class_a * 100, "class_b_fen": class_b * 100, "class_c_fen": class_c * 100}], schema=CLAIMS)  # fmt: skip
    enrolment = pa.Table.from_pylist(
        [{"person_id": 1, "year": 2024, "insurance_type": "resident", "person_type": "resident",
          "aid_category": category, "pool_region": "150400", "enrolled_on": date(2024, 1, 1), "ended_on": None}],
        schema=ENROLMENT,
    )  # fmt: skip
    institutions = pa.Table.from_pylist(
        [{"institution_id": 1, "level": 3, "region_code": "150402"}], schema=INSTITUTIONS
    )
    row = settle(claims, enrolment, institutions, params=scenario).to_pylist()[0]
    table = Table(title=f"三重制度结算 three-tier settlement ({category})")
    table.add_column("项目 item")
    table.add_column("元 yuan", justify="right")
    for label, column in (
        ("医疗费用总额 total", "total_fen"),
        ("政策范围内 within catalogue", "policy_fen"),
        ("起付线 deductible", "deductible_fen"),
        ("基本医保 basic insurance", "basic_fen"),
        ("大病起付线 critical-illness deductible", "critical_illness_deductible_fen"),
        ("大病保险 critical illness", "critical_illness_fen"),
        ("医疗救助 medical aid", "medical_aid_fen"),
        ("个人支付 self-pay", "self_pay_fen"),
    ):
        table.add_row(label, format_yuan(row[column]))
    console.print(table)
    paid = row["basic_fen"] + row["critical_illness_fen"] + row["medical_aid_fen"]
    console.print(f"实际报销比例 actual reimbursement: {paid / row['total_fen']:.1%}")
