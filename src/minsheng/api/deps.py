"""Who is asking, and what they may see: the one place where the API and the pages check it.

`current_principal` reads a bearer token (machines) or the signed session cookie (people);
`current_scope` is the caller's region scope; `require(permission)` refuses a caller who lacks it.
A cookie-authenticated write must carry the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from minsheng.api.errors import DomainError
from minsheng.config import get_settings
from minsheng.security import service
from minsheng.security.models import User
from minsheng.security.principal import Principal
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class LoginRequired(DomainError):
    """No valid session or token: pages redirect to the login form, the API answers 401."""

    def __init__(self, reason_zh: str = "需要登录", reason_en: str = "login required"):
        super().__init__("login_required", reason_zh, reason_en, 401)


class Forbidden(DomainError):
    def __init__(self, permission: str):
        super().__init__("forbidden", f"无权执行此操作 ({permission})", f"not permitted ({permission})", 403)
        self.permission = permission


class CsrfFailed(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "csrf_failed", "表单已过期,请刷新后重试", "the form expired; reload and try again", 403
        )


# ---- the session cookie ----------------------------------------------------------------------------


def _session(request: Request) -> dict:
    return request.session if "session" in request.scope else {}


def start_session(request: Request, user: User) -> None:
    """A fresh session after login: new CSRF token, so nothing from before the login carries over."""
    session = _session(request)
    session.clear()
    session.update(
        uid=user.id, epoch=user.session_epoch, csrf=secrets.token_urlsafe(24), seen=int(time.time())
    )


def end_session(request: Request) -> None:
    _session(request).clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (anonymous sessions get one too: the login form carries it)."""
    session = _session(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = _session(request).get("csrf")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfFailed()


def _principal_from_session(request: Request) -> Principal | None:
    session = _session(request)
    uid = session.get("uid")
    if uid is None:
        return None
    now = int(time.time())
    if now - int(session.get("seen", 0)) > get_settings().session_idle_minutes * 60:
        session.clear()
        raise LoginRequired("会话已超时,请重新登录", "the session timed out; log in again")
    with unit_of_work() as db:
        user = db.get(User, uid)
        if user is None or user.disabled or user.session_epoch != session.get("epoch"):
            session.clear()
            return None
        principal = service.principal_of_user(user)
    session["seen"] = now
    return principal


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def optional_principal(request: Request) -> Principal | None:
    """The caller, or None if anonymous; cached on the request."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    token = _bearer(request)
    if token is not None:
        with unit_of_work() as db:
            principal = service.principal_of_token(db, token)
        if principal is None:
            raise LoginRequired("令牌无效或已撤销", "the token is invalid or revoked")
    else:
        principal = _principal_from_session(request)
        # A write through the cookie must prove it came from our own page.
        if (
            principal is not None
            and request.method not in SAFE_METHODS
            and request.url.path.startswith("/api")
        ):
            check_csrf(request, request.headers.get(CSRF_HEADER))
    request.state.principal = principal
    return principal


async def current_principal(request: Request) -> Principal:
    """The caller, or 401. A token checked within the last moment is answered here, on the event loop;
    anything that reads the database goes to the thread pool (async, so the dependencies cost no hop)."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        token = _bearer(request)
        principal = service.recently_checked(token) if token is not None else None
        if principal is not None:
            request.state.principal = principal
        else:
            principal = await run_in_threadpool(optional_principal, request)
    if principal is None:
        raise LoginRequired()
    return principal


async def current_scope(principal: Principal = Depends(current_principal)) -> RegionScope:
    """The caller's region scope: every query of every domain filters through it."""
    return principal.scope


def require(permission: str) -> Callable[..., Principal]:
    """A dependency that returns the caller if they hold the permission."""

    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.can(permission):
            raise Forbidden(permission)
        return principal

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency
