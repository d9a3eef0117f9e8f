"""The demo region: a database seeded with a synthetic Inner Mongolia and every domain's data.

Each step fills one domain from the registry already loaded, and runs only while that domain's first
table is empty, so `minsheng demo` can be run again (or after a crash) without doubling anything."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
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
    """Employers, vacancies and seekers, then the 零就业 households judged, as an officer's refresh does."""
    from minsheng.employment import service, synth
    from minsheng.security.scope import REGION_WIDE

    counts = synth.generate(engine, as_of, seed)
    with unit_of_work(engine) as session:
        judged = service.refresh_zero_employment(session, REGION_WIDE, today=as_of, actor="demo")
    return {**counts, **{f"zero_employment_{k}": v for k, v in judged.items()}}


def _insurance(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.insurance import synth

    return synth.generate(engine, as_of, seed)


def _medical(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.medical import synth

    return synth.load_demo(engine, as_of, seed)


# The demo's share of eligible households already on assistance; the rest are the take-up gap that
# monitoring's discovery lists for caseworkers to start applications from. A demo choice, not policy.
DEMO_TAKE_UP = 0.8
DEMO_FAILED_EVERY = 250  # the demo bank returns one line in 250 as failed, to be re-issued next month


def _assistance(engine: Engine, as_of: date, seed: int) -> Any:
    """Active cases from the rules, then last month's payment cycle built, approved by a second
    official, exported to the banks and answered by them, as an official finds it on a working day."""
    from datetime import timedelta

    from minsheng import regions
    from minsheng.assistance import cycle, cycle_synth
    from minsheng.assistance.cycle_models import Cycle
    from minsheng.security.scope import REGION_WIDE

    last_month = (as_of.replace(day=1) - timedelta(days=1)).replace(day=1)
    created = cycle_synth.create_cases(
        engine, as_of=as_of, start_month=last_month, seed=seed, actor="demo", take_up=DEMO_TAKE_UP
    )
    built = cycle.build(last_month, actor="demo", engine=engine)
    with unit_of_work(engine) as session:
        cycle.approve(
            session,
            session.get(Cycle, built.cycle_id),
            actor="admin",
            permissions=frozenset({"assistance.approve"}),
            scope=REGION_WIDE,
        )
    exported = cycle.export(built.cycle_id, actor="demo", engine=engine)
    failed = 0
    for sent in exported.files:
        details = cycle.read_payment_file(Path(sent["file_name"]))
        answers = [
            (case_no, "FAILED", amount, "ACCOUNT_FROZEN")
            if (i + 1) % DEMO_FAILED_EVERY == 0
            else (case_no, "PAID", amount, "")
            for i, (case_no, _name, _account, amount, _programme, _banner) in enumerate(details)
        ]
        failed += sum(1 for answer in answers if answer[1] == "FAILED")
        content = cycle.return_file(answers, sent["bank_code"], last_month, regions.REGION_CODE)
        with unit_of_work(engine) as session:
            cycle.import_returns(session, content, actor="demo", file_name=f"return-{sent['bank_code']}.csv")
    return {
        "cases": created.cases,
        "lines": built.lines,
        "bank_files": len(exported.files),
        "failed_lines": failed,
    }


def _monitoring(engine: Engine, as_of: date, seed: int) -> Any:
    from minsheng.monitoring import synth

    return synth.load_demo(engine, as_of, seed)


def steps(persons: int) -> list[Step]:
    """The seeding steps in order: later domains read what earlier ones wrote."""
    from minsheng.assistance.models import Case
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
        Step("社会救助与月度发放", "social assistance and payments", Case, _assistance),
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
