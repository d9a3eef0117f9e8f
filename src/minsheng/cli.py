"""The `minsheng` command. Each domain contributes a sub-command group; long work shows progress."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from minsheng import idcard

app = typer.Typer(
    help="民生保障信息系统 minsheng — livelihood-security system. 每个命令都有 --help.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)

db_app = typer.Typer(help="数据库 database: create and migrate the schema.", no_args_is_help=True)
idcard_app = typer.Typer(help="身份证号 resident ID numbers (GB 11643).", no_args_is_help=True)
audit_app = typer.Typer(help="审计 the hash-chained audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(idcard_app, name="idcard")
app.add_typer(audit_app, name="audit")

from minsheng.security.cli import pii_app, tokens_app, users_app  # noqa: E402

app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(pii_app, name="pii")

from minsheng.registry.cli import registry_app  # noqa: E402

app.add_typer(registry_app, name="registry")

from minsheng.housing_fund.cli import housing_fund_app  # noqa: E402

app.add_typer(housing_fund_app, name="housing-fund")

from minsheng.employment.cli import employment_app  # noqa: E402

app.add_typer(employment_app, name="employment")

from minsheng.synth.cli import synth  # noqa: E402

app.command("synth")(synth)

from minsheng.assistance.cli import assess  # noqa: E402
from minsheng.policy.cli import policy_app  # noqa: E402

app.command("assess")(assess)
app.add_typer(policy_app, name="policy")

from minsheng.medical.cli import medical_app  # noqa: E402

app.add_typer(medical_app, name="medical")

from minsheng.insurance.cli import insurance_app  # noqa: E402

app.add_typer(insurance_app, name="insurance")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema. 创建或升级数据库结构。"""
    from minsheng.config import get_settings
    from minsheng.store.migrate import upgrade

    upgrade()
    console.print(
        f"[green]数据库已是最新 / database is up to date[/]: {_safe_url(get_settings().resolved_database_url)}"
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@idcard_app.command("check")
def idcard_check(
    numbers: Annotated[list[str], typer.Argument(help="one or more ID numbers")],
    today: Annotated[str | None, typer.Option(help="judge as of this date (YYYY-MM-DD)")] = None,
) -> None:
    """Check ID numbers: valid, or the reason each is not. Exits 1 if any is invalid.
    校验身份证号码:有效,或说明无效的原因。"""
    as_of = date.fromisoformat(today) if today else date.today()
    all_valid = True
    for number in numbers:
        try:
            parsed = idcard.parse(number, as_of)
        except idcard.InvalidIdNumber as problem:
            all_valid = False
            console.print(
                f"[red]{problem.number}  无效 invalid[/]  {problem.reason_zh} / {problem.reason_en}"
            )
        else:
            sex_zh, sex_en = ("男", "male") if parsed.sex == "M" else ("女", "female")
            console.print(
                f"[green]{parsed.number}  有效 valid[/]  出生 born {parsed.birth_date.isoformat()}, "
                f"{sex_zh} {sex_en}, 地址码 address {parsed.address_code}, "
                f"{parsed.age_on(as_of)} 岁 years"
            )
    if not all_valid:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify() -> None:
    """Prove the audit chain unbroken, or name the first bad record. 校验审计链。"""
    from minsheng.store import audit
    from minsheng.store.db import unit_of_work

    with unit_of_work() as session:
        result = audit.verify(session)
    if result.ok:
        console.print(f"[green]审计链完整 / audit chain intact[/]: {result.checked} records")
        return
    where = f"record {result.first_bad_id}" if result.first_bad_id else "the chain's end"
    error_console.print(f"[red]审计链断裂 / audit chain broken at {where}[/]: {result.reason}")
    raise typer.Exit(1)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Run the web server (pages and API). 启动服务。"""
    import uvicorn

    uvicorn.run("minsheng.api.app:create_app", factory=True, host=host, port=port, workers=workers)


def main() -> None:  # pragma: no cover - entry point
    sys.exit(app())
