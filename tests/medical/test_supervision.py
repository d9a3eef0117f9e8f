"""Fund supervision on synthetic claims with planted patterns; cases with refusal, recovery and fines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from minsheng.api.errors import DomainError
from minsheng.medical import service, supervision, synth
from minsheng.medical.models import Flag
from minsheng.store.db import unit_of_work


def _members(n: int = 6_000, seed: int = 3) -> pa.Table:
    """A small population in the snapshot's shape: the columns medical synth reads."""
    rng = np.random.default_rng(seed)
    banners = ["150102", "150402", "150426", "150602", "150802"]
    birth = np.datetime64("1950-01-01") + rng.integers(0, 25_000, n).astype("timedelta64[D]")
    dead = rng.random(n) < 0.01
    death = np.where(
        dead,
        np.datetime64("2024-01-01") + rng.integers(0, 300, n).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    return pa.table(
        {
            "person_id": np.arange(1, n + 1, dtype=np.int64),
            "sex": np.where(rng.random(n) < 0.5, "M", "F"),
            "birth_date": pa.array(birth.astype("datetime64[D]")),
            "residence_region": np.array(banners)[rng.integers(0, len(banners), n)],
            "employment_status": np.array(["employed", "farming", "retired", "unable"])[
                rng.integers(0, 4, n)
            ],
            "death_date": pa.array(death.astype("datetime64[D]")),
            "tags": pa.array(
                [["poverty_alleviated"] if rng.random() < 0.1 else [] for _ in range(n)],
                pa.list_(pa.string()),
            ),
        }
    )


@pytest.fixture(scope="module")
def flagged():
    members = _members()
    data = synth.generate(members, 2024, seed=5, fraud_share=0.08)
    result = supervision.supervise(
        data.claims, data.items, data.institutions, data.enrolment, members, date(2024, 12, 31)
    )
    return data, result, supervision.flags_from(result)


def test_every_claim_comes_out_once(flagged):
    data, result, _ = flagged
    assert result.num_rows == data.claims.num_rows


def test_planted_patterns_are_found(flagged):
    data, _, flags = flagged
    scores = {s.pattern: s for s in supervision.score(flags, data.planted)}
    assert sum(s.planted for s in scores.values()) >= 20
    for pattern in ("duplicate_billing", "over_price", "quantity_limit", "sex_restriction", "after_death"):
        assert scores[pattern].recall == 1.0, pattern
        assert scores[pattern].precision == 1.0, (
            pattern
        )  # definite violations: no false alarms on clean claims
    assert scores["split_admission"].recall == 1.0  # suspicious: natural re-admissions are flagged too
    assert scores["bed_blocking"].recall == 1.0


def test_flags_carry_their_evidence(flagged):
    _, _, flags = flagged
    split = next(f for f in flags if f["rule"] == "split_admission")
    assert split["evidence"]["previous_claim_id"] and 0 <= split["evidence"]["readmission_gap_days"] <= 15
    after = next(f for f in flags if f["rule"] == "after_death")
    assert after["evidence"]["death_date"] and after["loss_fen"] == after["evidence"]["claim_total_fen"]
    price = next(f for f in flags if f["rule"] == "over_price")
    assert price["evidence"]["over_price_item"] == "TRT01" and price["loss_fen"] > 0


def test_case_fines_stay_in_the_legal_range(engine, flagged):
    _, _, flags = flagged
    with unit_of_work() as session:
        institution = service.register_institution(
            session, code="H1", name="某医院", level=2, region_code="150402", designated_from=date(2020, 1, 1)
        )
        mine = [dict(f, institution_id=institution.id) for f in flags if f["rule"] == "over_price"][:3]
        records = supervision.record_flags(session, mine)
        case = supervision.open_case(
            session, institution.id, [r.id for r in records], "misuse", actor="inspector"
        )
        loss = sum(int(f["loss_fen"]) for f in mine)
        assert case.loss_fen == loss
        with pytest.raises(DomainError) as refused:
            supervision.decide_case(
                session,
                case.id,
                refused_fen=0,
                recovered_fen=loss,
                fine_multiple=Decimal("3"),
                on=date(2024, 12, 1),
                actor="inspector",
            )
        assert refused.value.fields[0].field == "fine_multiple"
        decided = supervision.decide_case(
            session,
            case.id,
            refused_fen=0,
            recovered_fen=loss,
            fine_multiple=Decimal("1.5"),
            on=date(2024, 12, 1),
            actor="inspector",
        )
        assert decided.fine_fen == (loss * 3 + 1) // 2 and decided.status == "decided"
        assert all(session.get(Flag, r.id).case_id == case.id for r in records)
        fraud = supervision.open_case(
            session,
            institution.id,
            [r.id for r in supervision.record_flags(session, mine[:1])],
            "fraud",
            actor="inspector",
        )
        with pytest.raises(DomainError):
            supervision.decide_case(
                session,
                fraud.id,
                refused_fen=0,
                recovered_fen=0,
                fine_multiple=Decimal("1.5"),
                on=date(2024, 12, 1),
                actor="inspector",
            )
        assert (
            supervision.decide_case(
                session,
                fraud.id,
                refused_fen=0,
                recovered_fen=0,
                fine_multiple=Decimal("5"),
                on=date(2024, 12, 1),
                actor="i",
            ).fine_fen
            == 5 * fraud.loss_fen
        )
