"""The demo seeding: every domain filled from the synthetic registry, and a second run doubles nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from minsheng import demo
from minsheng.store.db import unit_of_work


def _counts(engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {
            step.name_en: session.scalar(select(func.count()).select_from(step.marker))
            for step in demo.steps(persons=1)
        }


def test_the_demo_seeds_every_domain_once_and_issues_a_working_token(engine):
    from minsheng.security.service import principal_of_token

    first = demo.seed(engine, persons=3_000, seed=11, as_of=date(2024, 6, 30))
    assert [s.done for s in first.steps] == [True] * len(first.steps)
    counts = _counts(engine)
    assert all(n > 0 for n in counts.values()), counts
    assert ("admin", "minsheng2026", "administrator", "150000") in first.users
    with unit_of_work(engine) as session:  # last month's cycle paid: built, approved, exported, answered
        from minsheng.assistance.cycle_models import Cycle

        cycle = session.scalars(select(Cycle)).one()
        assert (cycle.month, cycle.status, cycle.approved_by) == (
            date(2024, 5, 1),
            "returns_imported",
            "admin",
        )

    again = demo.seed(engine, persons=3_000, seed=11, as_of=date(2024, 6, 30))
    assert [s.done for s in again.steps] == [False] * len(again.steps)
    assert _counts(engine) == counts
    assert len(again.users) == len(first.users)

    with unit_of_work(engine) as session:
        principal = principal_of_token(session, again.api_token)
    assert principal.scope.code == demo.DEMO_TOKEN_REGION
    assert "registry.read" in principal.permissions
