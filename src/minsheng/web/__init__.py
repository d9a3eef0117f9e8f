"""The web shell: sessions, static files, templates and the pages of every domain, mounted at /."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from minsheng.api.deps import LoginRequired
from minsheng.api.errors import DomainError
from minsheng.config import get_settings
from minsheng.web.nav import N_

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "minsheng_session"
SESSION_MAX_AGE = 12 * 3600  # absolute limit; the idle limit is settings.session_idle_minutes
log = logging.getLogger("minsheng.web")


def vendor_dir() -> Path:
    """node_modules of the checkout (npm install by `make install`); served as /static/vendor."""
    for base in (Path.cwd(), *Path(__file__).resolve().parents):
        candidate = base / "node_modules"
        if (candidate / "htmx.org").is_dir():
            return candidate
    return Path.cwd() / "node_modules"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _json_error(error: DomainError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
    body = {
        "error": {
            "code": error.code,
            "message_zh": error.message_zh,
            "message_en": error.message_en,
            "fields": [f.as_dict() for f in error.fields],
        }
    }
    return JSONResponse(body, status_code=error.status_code, headers=headers)


def _html_error(request: Request, status_code: int, message_zh: str, message_en: str):
    from minsheng.web.templating import language_of, render, translate

    headings = {
        403: N_("无权访问"),
        404: N_("未找到"),
        422: N_("数据有误"),
        429: N_("请求过多"),
        500: N_("系统错误"),
    }
    heading = translate(request, headings.get(status_code, N_("出错了")))
    message = message_zh if language_of(request) == "zh" else message_en
    return render(
        request,
        "error.html",
        {"status_code": status_code, "heading": heading, "message": message},
        status_code,
    )


PAGE_HEADERS = (
    (b"cache-control", b"no-store"),  # pages and answers hold personal data
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
        b" frame-ancestors 'none'; form-action 'self'",
    ),
)
COMMON_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """Headers every answer carries, set where a handler has not (plain ASGI: Starlette's BaseHTTPMiddleware
    costs a task and a stream per request, a millisecond the settlement API cannot spare)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        wanted = COMMON_HEADERS + (() if scope["path"].startswith("/static") else PAGE_HEADERS)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """Mount the pages at / and their static files; pages get HTML errors, the API keeps JSON."""
    from minsheng.registry.views import router as registry_pages
    from minsheng.web.pages import router as shell_pages
    from minsheng.web.redact import install_log_filter

    install_log_filter()
    settings = get_settings()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.derived_key("session-cookie").hex(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=False,  # a TLS-terminating proxy in front adds Secure; the demo runs on plain http
    )

    app.add_middleware(SecurityHeaders)

    app.mount("/static/vendor", StaticFiles(directory=vendor_dir(), check_dir=False), name="vendor")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(shell_pages)
    app.include_router(registry_pages)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError):
        if _is_api(request):
            return _json_error(error)
        if isinstance(error, LoginRequired):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            from urllib.parse import quote

            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _html_error(request, error.status_code, error.message_zh, error.message_en)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        messages = {404: ("未找到", "not found"), 405: ("不支持的请求方法", "method not allowed")}
        zh, en = messages.get(error.status_code, ("请求有误", "bad request"))
        if _is_api(request):
            return _json_error(DomainError(f"http_{error.status_code}", zh, en, error.status_code))
        return _html_error(request, error.status_code, zh, en)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        # The log names the kind of failure and the path; the answer says nothing about the data.
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        zh, en = "系统错误,请稍后再试", "internal error; please try again later"
        if _is_api(request):
            return _json_error(DomainError("internal_error", zh, en, 500))
        return _html_error(request, 500, zh, en)
