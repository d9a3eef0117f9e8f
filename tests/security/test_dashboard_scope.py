"""The region page's figures on both databases: every count goes through the scope."""

from __future__ import annotations

from datetime import date

from minsheng import idcard
from minsheng.registry.models import Household, Person, PersonTag
from minsheng.security.scope import RegionScope
from minsheng.store import audit
from minsheng.store.db import unit_of_work
from minsheng.web import dashboard, pages


def _person(number: str, banner: str, household: Household | None, **extra) -> Person:
    return Person(
        id_number_hash=number, id_number_cipher=b"x", id_number_masked=idcard.mask(number), name="甲",
        sex="M", birth_date=date(1980, 1, 1), hukou="rural", hukou_region=banner, residence_region=banner,
        household=household, serious_illness=False, adl_items_lost=0, **extra,
    )  # fmt: skip


def test_counts_by_area_and_key_groups_respect_the_scope(engine):
    today = pages.today()  # the region's date now: the audit records are stamped now
    with unit_of_work(engine) as session:
        a = Household(household_number="A1", banner_code="150426", hukou="rural")
        b = Household(household_number="B1", banner_code="150102", hukou="urban")
        c = Household(household_number="C1", banner_code="150404", hukou="rural")
        people = [
            _person("1" * 18, "150426", a),
            _person("2" * 18, "150426", a, death_date=date(2026, 1, 1)),  # the dead are not counted
            _person("3" * 18, "150102", b),
            _person("4" * 18, "150404", c),
            _person("5" * 18, "150426", None),  # in no household: counted where they live
        ]
        session.add_all([a, b, c, *people])
        session.flush()
        session.add_all(
            [
                PersonTag(person_id=people[0].id, tag="veteran"),
                PersonTag(person_id=people[2].id, tag="veteran"),
            ]
        )
        audit.append(
            session, actor="t", action="registry.update_person", entity="person", region_code="150426"
        )
        audit.append(
            session, actor="t", action="registry.update_person", entity="person", region_code="150102"
        )
    with unit_of_work(engine) as session:
        banner = dashboard.build(session, RegionScope("150426"), today)
        league = dashboard.build(session, RegionScope("150400"), today)
        region = dashboard.build(session, RegionScope("150000"), today)
    assert (banner.households, banner.persons, banner.changes) == (1, 2, 1)
    assert {g["tag"]: g["persons"] for g in banner.key_groups}["veteran"] == 1
    assert (league.households, league.persons) == (2, 3)
    assert {a["code"]: a["persons"] for a in league.areas}["150404"] == 1
    assert (region.households, region.persons, region.changes) == (3, 4, 2)
    assert {a["code"]: a["persons"] for a in region.areas}["150100"] == 1
    assert all(isinstance(a["persons"], int) for a in region.areas)
    assert {g["tag"]: g["persons"] for g in region.key_groups}["veteran"] == 2
