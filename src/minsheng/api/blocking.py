"""Blocking work (the database, a rule) from an async endpoint, on the process's own thread pool.

A sync endpoint costs two thread hops through AnyIO: one to run it, and one more for FastAPI to
validate its answer; each hop's limiter, cancel scopes and task bookkeeping took about as much CPU as
the settlement's own Python. An endpoint on the hot path is async and sends only its blocking call here:
one hop, through the event loop's executor."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from minsheng.config import get_settings

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None


def _threads() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(get_settings().request_threads, thread_name_prefix="minsheng-request")
    return _pool


async def run_blocking(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` on a request thread, in the caller's context; the caller awaits it."""
    call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_threads(), call)
