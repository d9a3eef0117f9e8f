"""`minsheng users …` and `minsheng tokens …`: accounts of people and machines."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from minsheng import regions
from minsheng.api.errors import DomainError
from minsheng.cli_support import console, fail
from minsheng.security import service
from minsheng.security.roles import ROLES, TOKEN_SCOPES
from minsheng.store.db import unit_of_work

users_app = typer.Typer(help="用户 users: add, list, disable, set passwords.", no_args_is_help=True)
tokens_app = typer.Typer(help="接口令牌 API tokens for machines: issue, list, revoke.", no_args_is_help=True)


def _password(value: str | None) -> str:
    return value or typer.prompt("密码 password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    login: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Option(help=f"one of: {', '.join(ROLES)}")],
    region: Annotated[str, typer.Option(help="region scope: a banner, league or 150000")],
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    password: Annotated[
        str | None, typer.Option(help="omit to be prompted (keeps it out of shell history)")
    ] = None,
) -> None:
    """Add a user with a role and a region scope. 添加用户。"""
    try:
        with unit_of_work() as session:
            service.create_user(
                session, login=login, password=_password(password), role=role, region_code=region,
                display_name=name, actor="cli",
            )  # fmt: skip
    except DomainError as problem:
        fail(problem)
    console.print(f"[green]已添加 added[/] {login} ({role}, {region} {regions.get(region).name_zh})")


@users_app.command("list")
def users_list(
    region: Annotated[str | None, typer.Option(help="only users inside this region")] = None,
) -> None:
    """List users. 用户列表。"""
    from minsheng.security.scope import RegionScope

    with unit_of_work() as session:
        users = service.list_users(session, RegionScope(region) if region else None)
        table = Table("login", "name", "role", "region", "disabled")
        for user in users:
            table.add_row(
                user.login,
                user.display_name,
                user.role,
                f"{user.region_code} {regions.get(user.region_code).name_zh}",
                "yes" if user.disabled else "",
            )
    console.print(table)


@users_app.command("disable")
def users_disable(
    login: str,
    enable: Annotated[bool, typer.Option("--enable", help="enable again instead")] = False,
) -> None:
    """Disable a user (their sessions end at once). 停用用户。"""
    try:
        with unit_of_work() as session:
            service.set_disabled(session, login, not enable, actor="cli")
    except DomainError as problem:
        fail(problem)
    console.print(f"[green]{'已启用 enabled' if enable else '已停用 disabled'}[/] {login}")


@users_app.command("set-password")
def users_set_password(
    login: str,
    password: Annotated[str | None, typer.Option(help="omit to be prompted")] = None,
) -> None:
    """Set a user's password (their sessions end). 重设密码。"""
    try:
        with unit_of_work() as session:
            service.set_password(session, login, _password(password), actor="cli")
    except DomainError as problem:
        fail(problem)
    console.print(f"[green]密码已更新 password set[/] {login}")


@tokens_app.command("issue")
def tokens_issue(
    name: Annotated[str, typer.Argument(help="who uses it, e.g. 翁牛特旗医院 HIS")],
    scope: Annotated[
        list[str], typer.Option("--scope", help=f"permission, repeatable: {', '.join(sorted(TOKEN_SCOPES))}")
    ],
    region: Annotated[str, typer.Option(help="region scope of the token")],
    expires_days: Annotated[int | None, typer.Option(help="valid for this many days")] = None,
) -> None:
    """Issue a bearer token; it is shown once and stored only as a hash. 签发令牌。"""
    try:
        with unit_of_work() as session:
            token, secret = service.issue_token(
                session, name=name, scopes=scope, region_code=region, expires_days=expires_days, actor="cli"
            )
            token_id = token.id
    except DomainError as problem:
        fail(problem)
    console.print(f"[green]令牌 token {token_id}[/] (只显示一次 shown once):")
    console.print(secret, markup=False, highlight=False)


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (never their secrets). 令牌列表。"""
    with unit_of_work() as session:
        table = Table("id", "name", "prefix", "scopes", "region", "expires", "revoked", "last used")
        for token in service.list_tokens(session):
            table.add_row(
                str(token.id),
                token.name,
                token.prefix + "…",
                ", ".join(token.scopes),
                token.region_code,
                str(token.expires_at or ""),
                str(token.revoked_at or ""),
                str(token.last_used_at or ""),
            )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int) -> None:
    """Revoke a token at once. 撤销令牌。"""
    try:
        with unit_of_work() as session:
            service.revoke_token(session, token_id, actor="cli")
    except DomainError as problem:
        fail(problem)
    console.print(f"[green]已撤销 revoked[/] token {token_id}")


pii_app = typer.Typer(
    help="个人信息 personal data: key rotation of encrypted ID numbers.", no_args_is_help=True
)


@pii_app.command("rotate")
def pii_rotate(
    batch_size: Annotated[int, typer.Option(help="persons per batch")] = 1000,
) -> None:
    """Re-encrypt ID numbers under the newest key of MINSHENG_PII_KEYS. 轮换身份证号加密密钥。"""
    from rich.progress import Progress
    from sqlalchemy import func, select

    from minsheng.registry.models import Person

    with unit_of_work() as session, Progress(console=console) as bar:
        total = session.scalar(select(func.count()).select_from(Person)) or 0
        task = bar.add_task("重新加密 re-encrypting", total=total)
        count = service.rotate_id_numbers(
            session, actor="cli", batch_size=batch_size, progress=lambda n: bar.advance(task, n)
        )
    console.print(f"[green]已重新加密 re-encrypted[/] {count} / {total}")
