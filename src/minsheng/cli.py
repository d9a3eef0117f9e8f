"""The `minsheng` command. Each domain contributes a sub-command group; long work shows progress."""

from __future__ import annotations

import importlib
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

# Each domain's sub-command groups: (module, Typer attribute, command name).
DOMAIN_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("minsheng.security.cli", "users_app", "users"),
    ("minsheng.security.cli", "tokens_app", "tokens"),
    ("minsheng.security.cli", "pii_app", "pii"),
    ("minsheng.registry.cli", "registry_app", "registry"),
    ("minsheng.policy.cli", "policy_app", "policy"),
    ("minsheng.assistance.case_cli", "assistance_app", "assistance"),
    ("minsheng.assistance.cycle_cli", "cycle_app", "cycle"),
    ("minsheng.monitoring.cli", "monitor_app", "monitor"),
    ("minsheng.housing_fund.cli", "housing_fund_app", "housing-fund"),
    ("minsheng.employment.cli", "employment_app", "employment"),
    ("minsheng.medical.cli", "medical_app", "medical"),
    ("minsheng.insurance.cli", "insurance_app", "insurance"),
)
# Single commands at the top level: (module, function, command name).
DOMAIN_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("minsheng.synth.cli", "synth", "synth"),
    ("minsheng.assistance.cli", "assess", "assess"),
)
for _module, _attribute, _name in DOMAIN_GROUPS:
    app.add_typer(getattr(importlib.import_module(_module), _attribute), name=_name)
for _module, _attribute, _name in DOMAIN_COMMANDS:
    app.command(_name)(getattr(importlib.import_module(_module), _attribute))


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


@app.command("demo")
def demo(
    persons: Annotated[
        int, typer.Option(min=1_000, help="synthetic persons when the registry is empty")
    ] = 200_000,
    seed: Annotated[int, typer.Option(help="random seed of the synthetic region")] = 2023,
    as_of: Annotated[
        str | None, typer.Option("--date", help="date of the synthetic data YYYY-MM-DD; default today")
    ] = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="seed only, do not start the server")] = False,
) -> None:
    """Create the database, seed an empty one with a synthetic region and every domain's data, print the
    demo logins and serve. 演示:建库、生成合成数据、打印演示账号并启动服务。"""
    from rich.table import Table

    from minsheng import demo as demo_region
    from minsheng.cli_support import parse_day
    from minsheng.config import get_settings
    from minsheng.store.db import default_engine
    from minsheng.store.migrate import upgrade

    snapshot_date = parse_day(as_of)
    upgrade()
    console.print(f"数据库 database: {_safe_url(get_settings().resolved_database_url)}")
    with console.status("") as status:
        report = demo_region.seed(
            default_engine(),
            persons=persons,
            seed=seed,
            as_of=snapshot_date,
            on_step=lambda step: status.update(f"生成 seeding {step.name_zh} / {step.name_en} …"),
        )
    for done in report.steps:
        if done.done:
            console.print(
                f"[green]✓[/] {done.step.name_zh} / {done.step.name_en}: {done.detail} ({done.seconds:.1f} s)"
            )
        else:
            console.print(f"[dim]· {done.step.name_zh} / {done.step.name_en}: {done.detail}[/]")
    logins = Table(title="演示账号 demo logins (密码 password: " + report.users[0][1] + ")")
    for column in ("账号 login", "角色 role", "地区 region"):
        logins.add_column(column)
    for login, _password, role, region in report.users:
        logins.add_row(login, role, region)
    console.print(logins)
    console.print(
        f"只读 API 令牌 read-only API token ({demo_region.DEMO_TOKEN_REGION}, 1 天 day):\n"
        f"  curl -H 'Authorization: Bearer {report.api_token}' "
        f"'http://{host}:{port}/api/households?region={demo_region.DEMO_TOKEN_REGION}'",
        markup=False,
        highlight=False,
    )
    if not no_serve:
        console.print(f"[bold]http://{host}:{port}/[/]  (API: /api/docs)")
        serve(host=host, port=port, workers=1)


def main() -> None:  # pragma: no cover - entry point
    sys.exit(app())
