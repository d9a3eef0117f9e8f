"""Use cases of users, sessions' logins and API tokens, each in the caller's transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minsheng import regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.config import get_settings
from minsheng.security import passwords
from minsheng.security.models import ApiToken, LoginAttempt, User
from minsheng.security.principal import Principal
from minsheng.security.roles import ROLES, TOKEN_SCOPES, permissions_of
from minsheng.security.scope import RegionScope
from minsheng.store import audit
from minsheng.store.base import utcnow

TOKEN_PREFIX = "msk_"
# Failures from one address across all logins before it is refused: guessing logins is rate limited too.
ADDRESS_FAILURE_FACTOR = 4


def _field_error(field: str, rule: str, zh: str, en: str) -> DomainError:
    return DomainError(
        "invalid_" + field, zh, en, fields=[FieldError(field, rule, f"{field}: {zh}", f"{field}: {en}")]
    )


def _check_role_and_region(role: str, region_code: str) -> None:
    if role not in ROLES:
        raise _field_error("role", "role_exists", f"未知角色 {role}", f"unknown role {role}")
    if not regions.exists(region_code) or not regions.is_within(region_code, regions.REGION_CODE):
        raise _field_error(
            "region_code", "region_exists", f"未知的区划代码 {region_code}", f"unknown region {region_code}"
        )


def _check_password(password: str) -> None:
    problem = passwords.weakness(password)
    if problem:
        raise _field_error("password", "password_strength", *problem)


def create_user(
    session: Session,
    *,
    login: str,
    password: str,
    role: str,
    region_code: str,
    display_name: str | None = None,
    language: str = "zh",
    actor: str = "system",
) -> User:
    login = login.strip()
    if not login or len(login) > 64:
        raise _field_error("login", "login_length", "登录名须为 1–64 个字符", "a login has 1–64 characters")
    _check_role_and_region(role, region_code)
    _check_password(password)
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise Conflict(
            f"登录名 {login} 已存在",
            f"login {login} already exists",
            [FieldError("login", "unique", "login: 已存在", "login: already exists")],
        )
    user = User(
        login=login,
        display_name=display_name or login,
        password_hash=passwords.hash_password(password),
        role=role,
        region_code=region_code,
        language=language,
        disabled=False,
        session_epoch=0,
    )
    session.add(user)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="user.create",
        entity="user",
        entity_id=user.id,
        region_code=region_code,
        after={"login": login, "role": role, "region_code": region_code},
    )
    return user


def get_user(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound("用户 / user", login)
    return user


def list_users(session: Session, scope: RegionScope | None = None) -> list[User]:
    query = select(User).order_by(User.region_code, User.login)
    if scope is not None:
        query = query.where(scope.where(User.region_code))
    return list(session.scalars(query))


def set_password(session: Session, login: str, password: str, actor: str = "system") -> User:
    user = get_user(session, login)
    _check_password(password)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.session_epoch += 1
    audit.append(
        session, actor=actor, action="user.set_password", entity="user", entity_id=user.id,
        region_code=user.region_code,
    )  # fmt: skip
    return user


def set_disabled(session: Session, login: str, disabled: bool = True, actor: str = "system") -> User:
    user = get_user(session, login)
    before = user.disabled
    user.disabled = disabled
    user.session_epoch += 1
    forget_checked_tokens()  # a disabled user's tokens stop with them
    audit.append(
        session, actor=actor, action="user.disable" if disabled else "user.enable", entity="user",
        entity_id=user.id, region_code=user.region_code, before={"disabled": before},
        after={"disabled": disabled},
    )  # fmt: skip
    return user


def principal_of_user(user: User) -> Principal:
    return Principal(
        kind="user",
        id=user.id,
        login=user.login,
        display_name=user.display_name,
        role=user.role,
        permissions=permissions_of(user.role),
        scope=RegionScope(user.region_code),
    )


# ---- login, rate limit and lockout ----------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def locked_until(session: Session, login: str, remote_address: str | None, now: datetime) -> datetime | None:
    """When the login (or the address) may try again, if too many recent attempts failed."""
    settings = get_settings()
    window = timedelta(minutes=settings.login_lockout_minutes)
    since = now - window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.login == login, LoginAttempt.succeeded)
    )
    if last_success is not None and _as_utc(last_success) > since:
        since = _as_utc(last_success)
    failures = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.login == login, ~LoginAttempt.succeeded, LoginAttempt.at > since
        )
    ).one()
    if failures[0] >= settings.login_max_failures:
        return _as_utc(failures[1]) + window
    if remote_address:
        by_address = session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                LoginAttempt.remote_address == remote_address,
                ~LoginAttempt.succeeded,
                LoginAttempt.at > now - window,
            )
        ).one()
        if by_address[0] >= settings.login_max_failures * ADDRESS_FAILURE_FACTOR:
            return _as_utc(by_address[1]) + window
    return None


def authenticate(
    session: Session,
    login: str,
    password: str,
    remote_address: str | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check a password; every attempt is recorded, and a locked login is refused even with the right one."""
    now = now or utcnow()
    login = login.strip()[:64]
    blocked = locked_until(session, login, remote_address, now)
    if blocked is not None:
        session.add(LoginAttempt(login=login, at=now, succeeded=False, remote_address=remote_address))
        return LoginResult(None, blocked)
    user = session.scalar(select(User).where(User.login == login))
    good = passwords.verify_password(password, user.password_hash if user else passwords.dummy_hash())
    ok = bool(user and good and not user.disabled)
    session.add(LoginAttempt(login=login, at=now, succeeded=ok, remote_address=remote_address))
    if not ok:
        session.flush()
        return LoginResult(None, locked_until(session, login, remote_address, now))
    audit.append(
        session, actor=user.login, action="user.login", entity="user", entity_id=user.id,
        region_code=user.region_code, remote_address=remote_address,
    )  # fmt: skip
    return LoginResult(user)


# ---- API tokens ------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session,
    *,
    name: str,
    scopes: list[str],
    region_code: str,
    login: str | None = None,
    expires_days: int | None = None,
    actor: str = "system",
) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    unknown = sorted(set(scopes) - TOKEN_SCOPES)
    if not scopes or unknown:
        raise _field_error(
            "scopes", "scope_exists", f"未知或缺少权限范围 {unknown}", f"unknown or missing scopes {unknown}"
        )
    _check_role_and_region("auditor", region_code)
    user = get_user(session, login) if login else None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=_token_hash(secret),
        prefix=secret[:10],
        scopes=sorted(set(scopes)),
        region_code=region_code,
        user_id=user.id if user else None,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    audit.append(
        session, actor=actor, action="token.issue", entity="api_token", entity_id=token.id,
        region_code=region_code, after={"name": name, "scopes": token.scopes, "prefix": token.prefix},
    )  # fmt: skip
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(session: Session, token_id: int, actor: str = "system") -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("令牌 / token", token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        forget_checked_tokens()
        audit.append(
            session, actor=actor, action="token.revoke", entity="api_token", entity_id=token.id,
            region_code=token.region_code,
        )  # fmt: skip
    return token


TOKEN_USE_RESOLUTION = timedelta(minutes=1)
# A token checked this recently is not read again: a hospital's system sends hundreds of claims a second
# under one token. Revoking it, or disabling its user, takes effect at once in the process that does it
# and within this long in the server's other processes.
TOKEN_RECHECK = timedelta(seconds=1)
_checked_tokens: dict[str, tuple[datetime, Principal]] = {}  # token hash → (valid until, principal)


def recently_checked(secret: str) -> Principal | None:
    """The principal of a token that principal_of_token accepted less than TOKEN_RECHECK ago, else None."""
    found = _checked_tokens.get(_token_hash(secret))
    return found[1] if found is not None and utcnow() < found[0] else None


def forget_checked_tokens() -> None:
    _checked_tokens.clear()


def principal_of_token(session: Session, secret: str, now: datetime | None = None) -> Principal | None:
    """The principal a bearer token stands for, or None if unknown, revoked or expired."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret)))
    now = now or utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and _as_utc(token.expires_at) <= now:
        return None
    if token.user is not None and token.user.disabled:
        return None
    if token.last_used_at is None or now - _as_utc(token.last_used_at) >= TOKEN_USE_RESOLUTION:
        token.last_used_at = now  # to the minute: a hospital's every request need not write a row
    principal = Principal(
        kind="token",
        id=token.id,
        login=f"token:{token.prefix}",
        display_name=token.name,
        role=None,
        permissions=frozenset(token.scopes),
        scope=RegionScope(token.region_code),
    )
    if len(_checked_tokens) > 10_000:  # bounded: a flood of distinct tokens cannot grow it
        _checked_tokens.clear()
    until = utcnow() + TOKEN_RECHECK  # the clock, not `now`: a check as of another moment is no check now
    if token.expires_at is not None:
        until = min(until, _as_utc(token.expires_at))
    _checked_tokens[token.token_hash] = (until, principal)
    return principal


# ---- demo users ------------------------------------------------------------------------------------

DEMO_BANNERS = ("150426", "150102")  # 翁牛特旗 (赤峰市), 新城区 (呼和浩特市)
DEMO_LEAGUE = "150400"  # 赤峰市
DEMO_PASSWORD = "minsheng2026"


def demo_accounts() -> list[tuple[str, str, str]]:
    """(login, role, region code) of every demo user."""
    accounts = [(f"{role}.{banner}", role, banner) for banner in DEMO_BANNERS for role in ROLES]
    accounts.append((f"league_official.{DEMO_LEAGUE}", "assistance_approver", DEMO_LEAGUE))
    accounts.append(("admin", "administrator", regions.REGION_CODE))
    return accounts


def create_demo_users(session: Session) -> list[tuple[str, str, str, str]]:
    """One user per role in two banners, a league official and a region administrator; run twice, same users.

    Returns (login, password, role, region code) for printing."""
    existing = set(session.scalars(select(User.login)))
    created = []
    for login, role, region_code in demo_accounts():
        if login not in existing:
            name = f"{regions.get(region_code).name_zh} {ROLES[role][0]}"
            create_user(
                session, login=login, password=DEMO_PASSWORD, role=role, region_code=region_code,
                display_name=name, actor="demo",
            )  # fmt: skip
        created.append((login, DEMO_PASSWORD, role, region_code))
    return created


# ---- key rotation of ID numbers --------------------------------------------------------------------


def rotate_id_numbers(
    session: Session, *, actor: str = "system", batch_size: int = 1000, progress=None
) -> int:
    """Re-encrypt every ID number not under the newest key (MINSHENG_PII_KEYS); returns how many.

    The blind index has its own key and does not change, so lookups keep working throughout."""
    from minsheng.registry.models import Person
    from minsheng.security import pii

    current = pii.current_key_version()
    rewritten = 0
    last_id = 0
    while True:
        persons = session.scalars(
            select(Person).where(Person.id > last_id).order_by(Person.id).limit(batch_size)
        ).all()
        if not persons:
            break
        for person in persons:
            if pii.key_version_of(person.id_number_cipher) != current:
                person.id_number_cipher = pii.encrypt(pii.decrypt(person.id_number_cipher))
                rewritten += 1
        last_id = persons[-1].id
        session.flush()
        if progress is not None:
            progress(len(persons))
    audit.append(
        session, actor=actor, action="pii.rotate", entity="person",
        after={"key_version": current, "reencrypted": rewritten},
    )  # fmt: skip
    return rewritten
