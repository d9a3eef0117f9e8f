"""Synthetic partner signals for the demo region (`minsheng monitor synth-signals`).

Written as the partners' files (CSV, one per partner) and received through the same path as real
files, so matching, unmatched reporting and duplicates behave as they would. Always included:

- the story household: in the demo banner, a member's large hospital bill this month (medical
  insurance) and the main earner's income drop (tax), so one `medical_burden` alert carries both;
- one record whose ID number is in no registry (reported unmatched);
- a scatter of job losses, disaster damage, new severe disabilities, deaths, bills and income drops.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from minsheng import idcard
from minsheng.monitoring import signals as S
from minsheng.registry.models import Household, Income, Person
from minsheng.security import pii
from minsheng.store.db import unit_of_work

DEMO_BANNER = "150426"
FIELDS = (
    "external_ref",
    "id_number",
    "name",
    "kind",
    "observed_on",
    "amount_yuan",
    "previous_yuan",
    "detail",
)
PARTNER_OF_KIND = {
    "medical_bill": "medical",
    "income_drop": "tax",
    "job_loss": "employment",
    "disaster_damage": "emergency",
    "disability_certified": "disability_federation",
    "death": "public_security",
}


@dataclass
class SynthResult:
    files: list[Path] = field(default_factory=list)
    records: int = 0
    matched: int = 0
    unmatched: int = 0
    duplicates: int = 0
    story_household_id: int | None = None
    unknown_id_masked: str | None = None


def _wages(session: Any, person_ids: list[int], as_of: dt.date) -> dict[int, int]:
    rows = session.execute(
        select(Income.person_id, func.sum(Income.monthly_fen))
        .where(
            Income.person_id.in_(person_ids),
            Income.category.in_(("wages", "business")),
            Income.effective_from <= as_of,
            or_(Income.effective_to.is_(None), Income.effective_to > as_of),
        )
        .group_by(Income.person_id)
    )
    return {person_id: int(total or 0) for person_id, total in rows}


def _story_household(session: Any, as_of: dt.date, banner: str) -> tuple[Person, Person, int] | None:
    """A household of 2–5 in the banner with one earner: (earner, patient, the earner's monthly income)."""
    candidates = session.scalars(
        select(Household)
        .where(
            Household.banner_code == banner,
            or_(Household.dissolved_on.is_(None), Household.dissolved_on > as_of),
        )
        .order_by(Household.id)
        .limit(400)
    ).all()
    for household in candidates:
        members = [m for m in household.members if m.death_date is None]
        if not 2 <= len(members) <= 5:
            continue
        wages = _wages(session, [m.id for m in members], as_of)
        earners = [m for m in members if wages.get(m.id, 0) >= 150_000]
        if len(earners) != 1:
            continue
        earner = earners[0]
        patient = next((m for m in members if m.id != earner.id), earner)
        return earner, patient, wages[earner.id]
    return None


def _row(
    ref: str, person: Person | None, number: str, kind: str, on: dt.date, **values: Any
) -> dict[str, Any]:
    return {
        "external_ref": ref,
        "id_number": number,
        "name": person.name if person else values.pop("name", ""),
        "kind": kind,
        "observed_on": on.isoformat(),
        "amount_yuan": values.get("amount_yuan", ""),
        "previous_yuan": values.get("previous_yuan", ""),
        "detail": values.get("detail", ""),
    }


def generate(
    engine: Engine,
    as_of: dt.date,
    out_dir: Path,
    *,
    seed: int = 2023,
    scatter: int = 300,
    banner: str = DEMO_BANNER,
    actor: str = "synth",
) -> SynthResult:
    """Write the partners' files to `out_dir` and receive them; the result counts what matched."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_partner: dict[str, list[dict[str, Any]]] = {}
    result = SynthResult()
    tag = f"{as_of:%Y%m%d}-{seed}"
    this_month = as_of.replace(day=max(1, min(as_of.day, 3)))
    with unit_of_work(engine) as session:
        story = _story_household(session, as_of, banner)
        if story is not None:
            earner, patient, monthly = story
            result.story_household_id = earner.household_id
            after = monthly // 5  # four fifths of the earnings gone: laid off, casual work left
            annual_after = after * 12
            bill_fen = max(6_000_000, annual_after)  # self-pay ≥ 60 000 yuan and above a year's income
            by_partner.setdefault("medical", []).append(
                _row(
                    f"MED-{tag}-STORY",
                    patient,
                    pii.decrypt(patient.id_number_cipher),
                    "medical_bill",
                    this_month,
                    amount_yuan=f"{bill_fen / 100:.2f}",
                    detail="赤峰市医院住院,自付部分 inpatient stay, self-pay part",
                )
            )
            by_partner.setdefault("tax", []).append(
                _row(
                    f"TAX-{tag}-STORY",
                    earner,
                    pii.decrypt(earner.id_number_cipher),
                    "income_drop",
                    this_month,
                    amount_yuan=f"{after / 100:.2f}",
                    previous_yuan=f"{monthly / 100:.2f}",
                    detail="个税申报工资下降 wages declared for income tax fell",
                )
            )
        unknown = idcard.make(banner, dt.date(1979, 4, 18), 997)
        while session.scalar(select(Person.id).where(Person.id_number_hash == pii.blind_index(unknown))):
            unknown = idcard.make(banner, dt.date(1979, 4, rng.randint(1, 28)), rng.randrange(1, 999, 2))
        result.unknown_id_masked = idcard.mask(unknown)
        by_partner.setdefault("medical", []).append(
            _row(
                f"MED-{tag}-UNKNOWN",
                None,
                unknown,
                "medical_bill",
                this_month,
                amount_yuan="35000.00",
                name="未登记人员",
                detail="外省参保人员或未登记户籍 a person the registry does not know",
            )
        )
        total = (
            session.scalar(select(func.count()).select_from(Person).where(Person.household_id.is_not(None)))
            or 0
        )
        picked_ids: list[int] = []
        if total:
            low, high = session.execute(
                select(func.min(Person.id), func.max(Person.id)).where(Person.household_id.is_not(None))
            ).one()
            picked_ids = sorted({rng.randint(low, high) for _ in range(scatter * 2)})
        persons = session.scalars(
            select(Person).where(
                and_(Person.id.in_(picked_ids), Person.household_id.is_not(None), Person.death_date.is_(None))
            )
        ).all()[:scatter]
        wages = _wages(session, [p.id for p in persons], as_of)
        for index, person in enumerate(persons):
            number = pii.decrypt(person.id_number_cipher)
            on = as_of - dt.timedelta(days=rng.randint(0, 120))
            earned = wages.get(person.id, 0)
            roll = rng.random()
            if earned and roll < 0.3:
                kind, values = "job_loss", {"detail": "劳动合同解除 contract ended"}
            elif earned and roll < 0.45:
                values = {
                    "amount_yuan": f"{earned * rng.choice((2, 3, 5)) // 10 / 100:.2f}",
                    "previous_yuan": f"{earned / 100:.2f}",
                }
                kind = "income_drop"
            elif roll < 0.7:
                kind, values = (
                    "medical_bill",
                    {"amount_yuan": f"{rng.choice((800, 3500, 12000, 26000, 48000))}.00"},
                )
            elif roll < 0.85:
                kind, values = (
                    "disaster_damage",
                    {
                        "amount_yuan": f"{rng.choice((3000, 8000, 15000, 40000))}.00",
                        "detail": "雪灾 snowstorm",
                    },
                )
            elif roll < 0.95:
                kind, values = "disability_certified", {"detail": "一级肢体残疾 physical disability grade 1"}
            else:
                kind, values = "death", {}
            partner = PARTNER_OF_KIND[kind]
            by_partner.setdefault(partner, []).append(
                _row(f"{partner[:3].upper()}-{tag}-{index:05d}", person, number, kind, on, **values)
            )

    for partner, rows in sorted(by_partner.items()):
        path = out_dir / f"{partner}-{tag}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        result.files.append(path)
        with unit_of_work(engine) as session:
            received = S.ingest(
                session,
                S.read_file(path),
                source=partner,
                channel="file",
                actor=actor,
                today=as_of,
                filename=path.name,
            )
        result.records += received.records
        result.matched += received.matched
        result.unmatched += received.unmatched
        result.duplicates += received.duplicates
    return result


@dataclass
class DemoResult:
    signals: int
    unmatched: int
    households: int
    alerts: int
    story_household_id: int | None


def load_demo(engine: Engine, as_of: dt.date, seed: int = 2023) -> DemoResult:
    """The demo's monitoring: partner files received, then the day's run, so the caseworkers have alerts.

    The demo caseworkers are created first (idempotent), so the alerts are assigned to them."""
    from minsheng.config import get_settings
    from minsheng.monitoring import service
    from minsheng.security.service import create_demo_users

    with unit_of_work(engine) as session:
        create_demo_users(session)
    folder = get_settings().resolved_data_dir / "monitoring" / "signals"
    received = generate(engine, as_of, folder, seed=seed)
    report = service.run_daily(engine, as_of, progress=False)
    return DemoResult(
        received.records, received.unmatched, report.households, report.new, received.story_household_id
    )
