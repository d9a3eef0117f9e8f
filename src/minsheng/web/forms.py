"""Forms posted by the pages: every one carries the session's CSRF token, checked before anything."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import FormData

from minsheng.api.deps import CSRF_FIELD, CSRF_HEADER, check_csrf


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token (field or htmx header) matched the session's."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    check_csrf(request, submitted if isinstance(submitted, str) else None)
    return form


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target on this site only (no open redirect to another host)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
