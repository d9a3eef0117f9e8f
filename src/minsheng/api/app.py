"""The FastAPI application factory: the API under /api, the pages under /."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from minsheng import __version__
from minsheng.api import errors
from minsheng.config import get_settings

# Every module with a `router`: the API under /api, pages at their own paths. Imported when the app
# is created, so `import minsheng.api.app` stays cheap for the command line. A request is matched
# against the routers in this order, so the hospitals' real-time settlement comes first.
ROUTERS: tuple[tuple[str, str], ...] = (
    ("minsheng.medical.api", "/api"),
    ("minsheng.api.core", "/api"),
    ("minsheng.registry.api", "/api"),
    ("minsheng.assistance.api", "/api"),
    ("minsheng.assistance.case_views", ""),
    ("minsheng.assistance.portal_views", ""),
    ("minsheng.assistance.cycle_api", "/api"),
    ("minsheng.assistance.cycle_views", ""),
    ("minsheng.monitoring.api", "/api"),
    ("minsheng.monitoring.views", ""),
    ("minsheng.housing_fund.api", "/api"),
    ("minsheng.housing_fund.views", ""),
    ("minsheng.employment.api", "/api"),
    ("minsheng.employment.views", ""),
    ("minsheng.medical.views", ""),
    ("minsheng.insurance.api", "/api"),
    ("minsheng.insurance.views", ""),
)


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # sync endpoints run in this pool; AnyIO's default of 40 threads, all contending for the GIL under
    # load, more than doubled the settle endpoint's CPU per request (measured: 9 ms against 4 ms)
    anyio.to_thread.current_default_thread_limiter().total_tokens = get_settings().request_threads
    yield


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="minsheng 民生",
        version=__version__,
        description="民生保障信息系统 API — livelihood-security system of a region",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    errors.install(app)

    for module_name, prefix in ROUTERS:
        app.include_router(importlib.import_module(module_name).router, prefix=prefix)
    from minsheng import web

    web.install(app)  # pages at /, static files, session cookie
    return app
