"""The demo region: a database seeded with a synthetic Inner Mongolia and every domain's data.

Each step fills one domain from the registry already loaded, and runs only while that domain's first
table is empty, so `minsheng demo` can be run again (or after a crash) without doubling anything."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from minsheng.store.db import unit_of_work


@dataclass
class Step:
    name_zh: str
    name_en: str
    marker: Any  # the model whose first row means the step has been done
    run: Callable[[Engine, date, int], Any]


@dataclass
class StepResult:
    step: Step
    seconds: float
    done: bool  # False: the domain already had data and was left alone
    detail: str = ""


@dataclass
class DemoReport:
    steps: list[StepResult] = field(default_factory=list)
    users: list[tuple[str, str, str, str]] = field(default_factory=list)
    api_token: str = ""  # a read-only bearer token for the demo banner, shown once


# The API example in the README reads this banner's households with a token issued at each start.
DEMO_TOKEN_REGION = "150426"
DEMO_TOKEN_SCOPES = ["registry.read", "assistance.read", "dashboard.read"]


def _registry(persons: int) -> Callable[[Engine, date, int], Any]:
    def run(engine: Engine, as_of: date, seed: int) -> Any:
        from minsheng.synth.load import generate_and_load

        return generate_and_load(engine, persons, seed, as_of)

    return run


def _housing_fund(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.housing_fund import synth

    return synth.generate(engine, as_of, seed)


def _employment(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.employment import synth

    return synth.generate(engine, as_of, seed)


def _insurance(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.insurance import synth

    return synth.generate(engine, as_of, seed)


def _medical(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.medical import synth

    return synth.load_demo(engine, as_of, seed)


def _monitoring(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.monitoring import synth

    return synth.load_demo(engine, as_of, seed)


def steps(persons: int) -> list[Step]:
    """The seeding steps in order: later domains read what earlier ones wrote."""
    from minsheng.employment.models import EmployingUnit
    from minsheng.housing_fund.models import Employer
    from minsheng.insurance.models import Enrolment as PensionEnrolment
    from minsheng.medical.models import Enrolment as MedicalEnrolment
    from minsheng.monitoring.models import Signal
    from minsheng.registry.models import Household

    return [
        Step("户籍与家庭", "registry", Household, _registry(persons)),
        Step("住房公积金", "housing fund", Employer, _housing_fund),
        Step("就业服务", "employment", EmployingUnit, _employment),
        Step("社会保险", "social insurance", PensionEnrolment, _insurance),
        Step("医疗保障", "medical insurance", MedicalEnrolment, _medical),
        Step("低收入人口监测", "low-income monitoring", Signal, _monitoring),
    ]


def _is_empty(engine: Engine, model: Any) -> bool:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(select(model).limit(1).subquery())) == 0


def _describe(result: Any) -> str:
    if result is None:
        return ""
    if isinstance(result, dict):
        values = result
    elif hasattr(result, "as_dict"):
        values = result.as_dict()
    elif hasattr(result, "__dataclass_fields__"):
        values = {k: getattr(result, k) for k in result.__dataclass_fields__}
    else:
        return str(result)
    return ", ".join(
        f"{k} {v:,}" for k, v in values.items() if isinstance(v, int) and not isinstance(v, bool)
    )


def seed(
    engine: Engine,
    *,
    persons: int,
    seed: int,
    as_of: date,
    on_step: Callable[[Step], None] | None = None,
) -> DemoReport:
    """Seed every empty domain and the demo users; returns what was done, step by step."""
    from minsheng.security.service import create_demo_users, issue_token

    report = DemoReport()
    for step in steps(persons):
        if on_step is not None:
            on_step(step)
        started = time.perf_counter()
        if not _is_empty(engine, step.marker):
            report.steps.append(StepResult(step, 0.0, False, "已有数据 / already present"))
            continue
        result = step.run(engine, as_of, seed)
        report.steps.append(StepResult(step, time.perf_counter() - started, True, _describe(result)))
    with unit_of_work(engine) as session:
        report.users = create_demo_users(session)
        _token, report.api_token = issue_token(
            session, name="演示 demo API", scopes=DEMO_TOKEN_SCOPES, region_code=DEMO_TOKEN_REGION,
            expires_days=1, actor="demo",
        )  # fmt: skip
    return report
