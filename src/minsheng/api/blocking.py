"""Blocking work (the database, a rule) from an async endpoint, on the process's own thread pool.

A sync endpoint costs two thread hops through AnyIO: one to run it, and one more for FastAPI to
validate its answer; each hop's limiter, cancel scopes and task bookkeeping took about as much CPU as
the settlement's own Python. An endpoint on the hot path is async and sends only its blocking call here:
one hop, through the event loop's executor. Calls that can be made together (settling claims) are
`Gathered` into batches."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from minsheng.config import get_settings

T = TypeVar("T")
Item = TypeVar("Item")
Result = TypeVar("Result")

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


class Gathered(Generic[Item, Result]):
    """Calls that arrive while the previous batch is running are gathered into the next one, and each batch
    is one blocking call (`run_batch(items)` → one answer or exception per item) on a request thread: group
    commit. Alone, a call runs at once; under load a batch grows, and its fixed cost (a connection, round
    trips, a rule run) is shared by all its calls. One batch runs at a time in an event loop (a process)."""

    def __init__(self, run_batch: Callable[[list[Item]], list[Result | Exception]], largest: int = 64):
        self.run_batch = run_batch
        self.largest = largest
        self._waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Batch] = (
            weakref.WeakKeyDictionary()
        )

    async def __call__(self, item: Item) -> Result:
        loop = asyncio.get_running_loop()
        batch = self._waiting.get(loop)
        if batch is None:
            batch = self._waiting[loop] = _Batch()
        answer = loop.create_future()
        batch.calls.append((item, answer))
        if batch.runner is None:
            batch.runner = loop.create_task(self._run(batch))
        return await answer

    async def _run(self, batch: _Batch) -> None:
        try:
            while batch.calls:
                calls, batch.calls = batch.calls[: self.largest], batch.calls[self.largest :]
                try:
                    answers = await run_blocking(self.run_batch, [item for item, _ in calls])
                except Exception as problem:  # the batch as a whole failed: each of its callers hears why
                    answers = [problem] * len(calls)
                for (_, future), answer in zip(calls, answers, strict=True):
                    if future.done():  # the caller went away; its call was still made
                        continue
                    if isinstance(answer, Exception):
                        future.set_exception(answer)
                    else:
                        future.set_result(answer)
        finally:
            batch.runner = None


@dataclass
class _Batch:
    calls: list[tuple[Any, asyncio.Future]] = field(default_factory=list)
    runner: asyncio.Task | None = None
