"""The monitoring domain's routes in one router for the app: the API under /api, the pages under /."""

from __future__ import annotations

from fastapi import APIRouter

from minsheng.monitoring.api import router as api_router
from minsheng.monitoring.views import router as pages_router

router = APIRouter()
router.include_router(api_router, prefix="/api")
router.include_router(pages_router)
