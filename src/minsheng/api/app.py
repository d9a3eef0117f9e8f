"""The FastAPI application factory: the API under /api, the pages under /."""

from __future__ import annotations

from fastapi import FastAPI

from minsheng import __version__
from minsheng.api import errors


def create_app() -> FastAPI:
    app = FastAPI(
        title="minsheng 民生",
        version=__version__,
        description="民生保障信息系统 API — livelihood-security system of a region",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    errors.install(app)

    from minsheng.api.core import router as core_router
    from minsheng.registry.api import router as registry_router

    app.include_router(core_router, prefix="/api")
    app.include_router(registry_router, prefix="/api")
    from minsheng.housing_fund.api import router as housing_fund_router

    app.include_router(housing_fund_router, prefix="/api")
    from minsheng.housing_fund.views import router as housing_fund_pages

    app.include_router(housing_fund_pages)
    from minsheng.medical.api import router as medical_router

    app.include_router(medical_router, prefix="/api")
    from minsheng.medical.views import router as medical_pages

    app.include_router(medical_pages)
    from minsheng.employment.api import router as employment_router

    app.include_router(employment_router, prefix="/api")
    from minsheng.employment.views import router as employment_pages

    app.include_router(employment_pages)
    from minsheng.assistance.api import router as assistance_router

    app.include_router(assistance_router, prefix="/api")
    from minsheng.assistance import case_views

    app.include_router(case_views.router)
    from minsheng.assistance.portal_views import router as portal_pages

    app.include_router(portal_pages)
    from minsheng.assistance import cycle_api, cycle_views

    app.include_router(cycle_api.router, prefix="/api")
    app.include_router(cycle_views.router)
    from minsheng.insurance.api import router as insurance_router

    app.include_router(insurance_router, prefix="/api")
    from minsheng.insurance.views import router as insurance_pages

    app.include_router(insurance_pages)
    from minsheng.monitoring.routes import router as monitoring_routes

    app.include_router(monitoring_routes)
    from minsheng import web

    web.install(app)  # pages at /, static files, session cookie
    return app
