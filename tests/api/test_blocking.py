"""Gathered calls: calls arriving while a batch runs are run together as the next batch, and each caller
hears its own answer."""

from __future__ import annotations

import asyncio
import time

from minsheng.api.blocking import Gathered


def test_calls_arriving_together_run_together_and_each_hears_its_own_answer():
    batches: list[list[int]] = []

    def double(items: list[int]) -> list[int | Exception]:
        batches.append(list(items))
        time.sleep(0.02)  # while this batch runs, the next gathers
        return [ValueError(f"refused {item}") if item % 7 == 0 else item * 2 for item in items]

    gathered = Gathered(double, largest=8)

    async def callers() -> list[int | BaseException]:
        return await asyncio.gather(*(gathered(item) for item in range(1, 30)), return_exceptions=True)

    answers = asyncio.run(callers())
    for item, answer in zip(range(1, 30), answers, strict=True):
        if item % 7 == 0:
            assert isinstance(answer, ValueError) and str(answer) == f"refused {item}"
        else:
            assert answer == item * 2
    assert [len(batch) for batch in batches] == [8, 8, 8, 5]  # at most `largest` a batch
    assert sorted(item for batch in batches for item in batch) == list(range(1, 30))
    batches.clear()
    assert asyncio.run(callers_alone(gathered)) == 2 and batches == [[1]]  # alone, a call runs at once


async def callers_alone(gathered: Gathered) -> int:
    return await gathered(1)


def test_a_batch_that_fails_as_a_whole_fails_each_of_its_callers():
    def broken(items: list[int]) -> list[int]:
        raise RuntimeError("database gone")

    gathered = Gathered(broken)

    async def callers() -> list[int | BaseException]:
        return await asyncio.gather(*(gathered(item) for item in range(3)), return_exceptions=True)

    answers = asyncio.run(callers())
    assert all(isinstance(answer, RuntimeError) for answer in answers)

    async def later() -> int | BaseException:  # and the next call is served again, not stuck behind it
        return (await asyncio.gather(Gathered(lambda items: items)(5), return_exceptions=True))[0]

    assert asyncio.run(later()) == 5
