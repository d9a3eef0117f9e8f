"""Synthetic insurance data: calibrated to the seeds' shares, consistent with the service's own rule,
the seed's 2023 facility builds exactly, once only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from minsheng.insurance import service, synth
from minsheng.insurance.models import Enrolment, Facility, PensionAward
from minsheng.store.db import unit_of_work
from minsheng.synth.load import generate_and_load

AS_OF = date(2023, 12, 31)


@pytest.mark.slow
def test_synthetic_enrolment_matches_the_seeds_and_the_rule(engine):
    generate_and_load(engine, 6_000, seed=4, as_of=AS_OF)
    done = synth.generate(engine, AS_OF, seed=4)
    assert done.skipped is None and done.enrolments > 6_000
    assert synth.generate(engine, AS_OF, seed=4).skipped  # once only
    with unit_of_work(engine) as session:
        report = service.coverage(session, 2023, AS_OF)
        shares = {s["scheme"]: s for s in report["seeds"]}
        for scheme, tolerance in (("pension", 0.04), ("work_injury", 0.025), ("unemployment", 0.025)):
            seed_share = float(shares[scheme]["seed_share_of_population"])
            assert abs(float(shares[scheme]["synthetic_share_of_population"]) - seed_share) < tolerance, (
                scheme
            )
        assert report["region"]["pension"] == done.pension_insured
        # one row per person, year and scheme, and never a year before birth
        duplicates = session.execute(
            select(Enrolment.person_id, Enrolment.year, Enrolment.scheme)
            .group_by(Enrolment.person_id, Enrolment.year, Enrolment.scheme)
            .having(func.count() > 1)
        ).all()
        assert duplicates == []
        awards = session.scalars(select(PensionAward).order_by(PensionAward.id).limit(25)).all()
        assert awards
        for award in awards:  # the service's rule, run again, gives the same amounts
            row = service.pension(session, award.person_id, date(2023, 12, 1))
            assert row["eligible"] and row["monthly_pension_fen"] == award.monthly_fen
            assert (
                award.monthly_fen
                == award.basic_national_fen + award.basic_topup_fen + award.account_pension_fen
            )
        built = {
            k: session.scalar(select(func.count()).where(Facility.kind == k, Facility.built_year == 2023))
            for k in ("township_centre", "village_station")
        }
        assert built == {"township_centre": 350, "village_station": 2000}
        assert session.scalar(select(func.count()).where(Facility.upgraded_year == 2023)) == 200
