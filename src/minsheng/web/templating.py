"""One Jinja2 environment (with the i18n extension) and the `render` every page uses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from markupsafe import Markup
from starlette.responses import HTMLResponse

from minsheng import money, regions
from minsheng.api.deps import csrf_token, optional_principal
from minsheng.api.errors import NotFound
from minsheng.config import get_settings
from minsheng.security.roles import role_label
from minsheng.web import i18n, nav
from minsheng.web.redact import finalize

TEMPLATE_DIRS = [Path(__file__).parent / "templates"]


def script_json(value: object) -> Markup:
    """JSON for a <script type="application/json"> block: not HTML-escaped, and no "</" to end it early."""
    return Markup(json.dumps(value, ensure_ascii=False, default=str).replace("</", "<\\/"))


def add_static_route(router: APIRouter, folder: Path) -> None:
    """Serve a domain's own scripts at <router prefix>/static/<name>, nothing outside `folder`."""

    @router.get("/static/{name}")
    def static(name: str) -> FileResponse:
        path = folder / name
        if path.parent != folder or not path.is_file():
            raise NotFound("文件 / file", name)
        return FileResponse(path, media_type="text/javascript")


def add_template_dir(path: Path) -> None:
    """A domain's own templates (registry/templates …), searched after the shell's."""
    if path not in TEMPLATE_DIRS:
        TEMPLATE_DIRS.append(path)
        environment.cache_clear()
        templates.cache_clear()


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(p) for p in TEMPLATE_DIRS]),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    # |tojson shows Chinese as itself (the audit page's before/after); <, >, & and ' are still escaped
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["localtime"] = localtime
    env.install_null_translations(newstyle=True)
    env.globals.update(
        region_label=region_label, yuan=money.format_yuan, role_label=role_label, nav_items=nav.items_for
    )
    return env


@cache
def _gettext_callables(language: str) -> dict[str, Any]:
    translations = i18n.translations(language)
    gettext = _make_new_gettext(translations.gettext)
    return {"gettext": gettext, "_": gettext, "ngettext": _make_new_ngettext(translations.ngettext)}


def localtime(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC moment in the region's time zone (SQLite returns it without a zone)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(get_settings().timezone)).strftime(pattern)


def region_label(code: str | None, language: str = "zh") -> str:
    if not code or not regions.exists(code):
        return code or ""
    return regions.get(code).label(language)


def language_of(request: Request) -> str:
    if not hasattr(request.state, "language"):
        request.state.language = i18n.choose_language(
            request.cookies.get(i18n.LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
            get_settings().language,
        )
    return request.state.language


def bilingual(language: str) -> dict[str, Any]:
    """Every template's `t(zh, en)` and `label(table, key)` for tables of (zh, en) pairs."""

    def t(zh: str, en: str) -> str:
        return zh if language == "zh" else en

    def label(table: dict, key: str | None) -> str:
        pair = table.get(key or "")
        return t(*pair) if pair else (key or "")

    return {"t": t, "label": label}


def translate(request: Request, message: str) -> str:
    """A message in the request's language, for Python code (flash messages, errors)."""
    return i18n.gettext_for(language_of(request), message)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    language = language_of(request)
    try:
        principal = optional_principal(request)
    except Exception:  # an expired session renders the page as anonymous (the login page, errors)
        principal = None
    values = {
        "request": request,
        "lang": language,
        "principal": principal,
        "csrf_token": csrf_token(request),
        **_gettext_callables(language),
        **bilingual(language),
        **(context or {}),
    }
    return templates().TemplateResponse(request, name, values, status_code=status_code)


@cache
def templates() -> Jinja2Templates:
    return Jinja2Templates(env=environment())
