"""The demo's medical data in the database: enrolment with subsidies, a year of claims settled by the
settlement rule (the stored split and accumulators are the rule's), items, flags and cases, the month's
large low-income bills, and a second run that changes nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyarrow as pa
from sqlalchemy import func, select

from minsheng.medical import service
from minsheng.medical.models import (
    Accumulator,
    Claim,
    ClaimItem,
    Enrolment,
    Flag,
    Institution,
    SupervisionCase,
)
from minsheng.medical.rules.settlement import CLAIMS, ENROLMENT, INSTITUTIONS
from minsheng.medical.settlement import settle
from minsheng.medical.synth import LOW_INCOME, load_demo
from minsheng.store.db import unit_of_work
from minsheng.synth.load import generate_and_load

AS_OF = date(2024, 9, 20)


def _counts(engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Institution, Enrolment, Claim, ClaimItem, Accumulator, Flag, SupervisionCase)
        }


def test_demo_medical_data_is_settled_by_the_rule_and_loaded_once(engine):
    generate_and_load(engine, 2_500, seed=5, as_of=AS_OF)
    done = load_demo(engine, AS_OF, seed=5, claims=2_000)
    assert done["claims"] >= 1_990 and done["enrolled"] > 2_000 and done["items"] > done["claims"]
    assert done["flags"] > 0 and done["cases"] > 0 and done["planted_found"] >= 0.9 * done["planted"]
    counts = _counts(engine)
    assert counts["medical_claim"] == done["claims"] and counts["medical_enrolment"] == done["enrolled"]

    with unit_of_work(engine) as session:
        # premiums: 特困 subsidised in full, 低保 by the fixed amount, others pay it all
        for enrolment in session.scalars(
            select(Enrolment).where(Enrolment.insurance_type == "resident")
        ).all():
            premium, subsidy = service.premium_of(
                enrolment.year, enrolment.aid_category, "resident", enrolment.pool_region
            )
            assert (enrolment.premium_fen, enrolment.subsidy_fen) == (premium, subsidy)
            assert enrolment.individual_fen == premium - subsidy
        categories = set(session.scalars(select(Enrolment.aid_category).distinct()).all())
        assert {"dibao", "none"} <= categories

        claims = session.scalars(select(Claim)).all()
        assert all(c.discharge_date <= AS_OF and c.discharge_date.year == 2024 for c in claims)
        in_month = [c for c in claims if c.discharge_date >= AS_OF.replace(day=1)]
        assert len(in_month) > 50
        aid_of = {(e.person_id, e.year): e.aid_category for e in session.scalars(select(Enrolment)).all()}
        large = [
            c for c in in_month
            if c.care_type == "inpatient" and c.total_fen > 5_000_000 and aid_of[(c.person_id, c.year)] in LOW_INCOME
        ]  # fmt: skip
        assert len(large) >= 3
        assert all(
            c.basic_fen + c.critical_illness_fen + c.medical_aid_fen + c.self_pay_fen == c.total_fen
            for c in claims
        )
        assert all(c.result["rule"] == "medical_settlement" and c.result["steps"] for c in claims[:20])

        # each claim's bill is its items
        item_sums = dict(
            session.execute(
                select(ClaimItem.claim_id, func.sum(ClaimItem.amount_fen)).group_by(ClaimItem.claim_id)
            ).all()
        )
        assert all(item_sums[c.id] == c.total_fen for c in claims)

        # the accumulators are the claims' sums per person and year
        sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        for c in claims:
            s = sums[(c.person_id, c.year)]
            s[0] += c.basic_fen
            s[1] += c.critical_illness_fen
            s[2] += 1
        for acc in session.scalars(select(Accumulator)).all():
            assert [acc.basic_paid_fen, acc.critical_illness_paid_fen, acc.claims_count] == sums[
                (acc.person_id, acc.year)
            ]

        # the stored split is what the settlement rule gives when one person's year is settled again
        person, year = max(sums, key=lambda k: (sums[k][2], sums[k][0]))
        own = [c for c in claims if (c.person_id, c.year) == (person, year)]
        enrolment = session.scalar(
            select(Enrolment).where(Enrolment.person_id == person, Enrolment.year == year)
        )
        classes = defaultdict(lambda: {"A": 0, "B": 0, "C": 0})
        for item in session.scalars(
            select(ClaimItem).where(ClaimItem.claim_id.in_([c.id for c in own]))
        ).all():
            classes[item.claim_id][item.catalogue_class] += item.amount_fen
        levels = {i.id: i for i in session.scalars(select(Institution)).all()}
        again = settle(
            pa.Table.from_pylist([{
                "claim_id": c.claim_number, "person_id": person, "institution_id": c.institution_id,
                "care_type": c.care_type, "admission_date": c.admission_date, "discharge_date": c.discharge_date,
                "class_a_fen": classes[c.id]["A"], "class_b_fen": classes[c.id]["B"], "class_c_fen": classes[c.id]["C"],
            } for c in own], schema=CLAIMS),
            pa.Table.from_pylist([{
                "person_id": person, "year": year, "insurance_type": enrolment.insurance_type,
                "person_type": enrolment.person_type, "aid_category": enrolment.aid_category,
                "pool_region": enrolment.pool_region, "enrolled_on": enrolment.enrolled_on, "ended_on": enrolment.ended_on,
            }], schema=ENROLMENT),
            pa.Table.from_pylist(
                [{"institution_id": i, "level": levels[i].level, "region_code": levels[i].region_code}
                 for i in {c.institution_id for c in own}], schema=INSTITUTIONS,
            ),
        )  # fmt: skip
        by_number = {r["claim_id"]: r for r in again.to_pylist()}
        for c in own:
            r = by_number[c.claim_number]
            assert (c.basic_fen, c.critical_illness_fen, c.medical_aid_fen, c.self_pay_fen) == (
                r["basic_fen"], r["critical_illness_fen"], r["medical_aid_fen"], r["self_pay_fen"]
            )  # fmt: skip

        cases = session.scalars(select(SupervisionCase)).all()
        assert any(c.decided and c.fine_fen > 0 for c in cases)
        assert session.scalar(select(func.count()).select_from(Flag).where(Flag.case_id.is_not(None))) > 0

    assert load_demo(engine, AS_OF, seed=5, claims=2_000) == {"skipped": 1}
    assert _counts(engine) == counts
