from __future__ import annotations

from datetime import date

import pytest
from registry_builders import household, person
from sqlalchemy import func, select

from minsheng.api.errors import Conflict, DomainError, NotFound
from minsheng.registry import service
from minsheng.registry.models import Asset, Household, Person
from minsheng.registry.schemas import AssetIn, PersonUpdate
from minsheng.security import pii
from minsheng.security.scope import REGION_WIDE, RegionScope
from minsheng.store import audit
from minsheng.store.db import unit_of_work

ACTOR = "caseworker-1"


def register(engine, data):
    with unit_of_work(engine) as session:
        return service.register_household(session, data, actor=ACTOR).id


def members_of(engine, household_id: int) -> dict[int, str]:
    with unit_of_work(engine) as session:
        return {
            p.id: p.relationship_to_head
            for p in session.scalars(select(Person).where(Person.household_id == household_id))
        }


def test_register_stores_the_id_number_encrypted_indexed_and_masked(engine):
    head = person(
        "head",
        name="巴特尔",
        incomes=[{"category": "wages", "monthly_yuan": "1500.50", "effective_from": "2024-01-01"}],
    )
    data = household(
        head,
        person("child", birth=date(2010, 3, 4)),
        address="嘎查 1 号",
        assets=[AssetIn(kind="deposit", value_yuan="20000")],
    )
    household_id = register(engine, data)
    with unit_of_work(engine) as session:
        h = service.get_household(session, REGION_WIDE, household_id)
        assert h.household_number == "1504260000000001"
        stored = next(m for m in h.members if m.relationship_to_head == "head")
        assert stored.id_number_hash == pii.blind_index(head.id_number)
        assert pii.decrypt(stored.id_number_cipher) == head.id_number
        assert stored.id_number_masked == head.id_number[:6] + "********" + head.id_number[14:]
        assert stored.birth_date == date(1980, 5, 1) or stored.birth_date > date(1980, 5, 1)
        assert stored.sex == head.sex
        assert stored.incomes[0].monthly_fen == 150050
        assert h.assets[0].value_fen == 2_000_000
        history = service.household_history(session, REGION_WIDE, household_id)
        assert [r.action for r in history] == ["registry.register_household"]
        assert history[0].before is None and len(history[0].after["members"]) == 2
        assert head.id_number not in str(history[0].after)
    second = register(engine, household(person("head")))
    with unit_of_work(engine) as session:
        assert session.get(Household, second).household_number == "1504260000000002"


def test_a_duplicate_id_number_is_refused_naming_the_existing_record(engine):
    head = person("head")
    first = register(engine, household(head, person("spouse")))
    with unit_of_work(engine) as session:
        existing = service.find_person_by_id_number(session, REGION_WIDE, head.id_number)
        number = session.get(Household, first).household_number
    with pytest.raises(DomainError) as refused:
        register(engine, household(person("head"), person("child", id_number=head.id_number)))
    error = refused.value
    assert error.code == "duplicate_person"
    assert str(existing.id) in error.message_en and number in error.message_en
    assert existing.id_number_masked in error.message_zh
    assert head.id_number not in error.message_zh
    assert error.fields[0].field == "members.1.id_number"
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 2
    with unit_of_work(engine) as session, pytest.raises(DomainError):
        service.add_member(session, first, person("child", id_number=head.id_number), actor=ACTOR)


def test_move_split_and_merge_keep_every_person_in_one_household(engine):
    a = register(engine, household(person("head"), person("spouse"), person("child")))
    b = register(engine, household(person("head")))
    head_a, spouse_a, child_a = sorted(members_of(engine, a))
    (head_b,) = members_of(engine, b)

    with unit_of_work(engine) as session:
        service.move_member(session, child_a, b, relationship_to_head="grandchild", actor=ACTOR)
    assert members_of(engine, b) == {head_b: "head", child_a: "grandchild"}
    assert set(members_of(engine, a)) == {head_a, spouse_a}

    with unit_of_work(engine) as session, pytest.raises(DomainError) as refused:
        service.move_member(session, head_a, b, relationship_to_head="other", actor=ACTOR)
    assert refused.value.code == "new_head_required"
    with unit_of_work(engine) as session:
        service.move_member(
            session, head_a, b, relationship_to_head="other", new_head_id=spouse_a, actor=ACTOR
        )
    assert members_of(engine, a) == {spouse_a: "head"}

    with unit_of_work(engine) as session:
        new = service.split_household(session, b, [child_a, head_a], new_head_id=head_a, actor=ACTOR)
        new_id, new_number = new.id, new.household_number
    assert members_of(engine, new_id) == {head_a: "head", child_a: "other"}
    assert members_of(engine, b) == {head_b: "head"}
    assert new_number == "1504260000000003"

    with unit_of_work(engine) as session:
        service.set_assets(session, new_id, [AssetIn(kind="vehicle", value_yuan="30000")], actor=ACTOR)
        service.merge_households(session, a, new_id, actor=ACTOR, relationships={child_a: "child"})
    assert members_of(engine, a) == {spouse_a: "head", head_a: "other", child_a: "child"}
    with unit_of_work(engine) as session:
        assert session.get(Household, new_id).dissolved_on == date.today()
        assert [x.household_id for x in session.scalars(select(Asset))] == [a]
        # every person in exactly one household, and every live household with exactly one head
        assert (
            session.scalar(select(func.count()).select_from(Person).where(Person.household_id.is_(None))) == 0
        )
        for h in session.scalars(select(Household).where(Household.dissolved_on.is_(None))):
            assert sum(m.relationship_to_head == "head" for m in h.members) == 1
        history = service.household_history(session, REGION_WIDE, a)
        assert [r.action for r in history] == [
            "registry.merge_households_in",
            "registry.move_member_out",
            "registry.move_member_out",
            "registry.register_household",
        ]
        assert len(history[0].before["members"]) == 1 and len(history[0].after["members"]) == 3
        assert audit.verify(session).ok
    with unit_of_work(engine) as session, pytest.raises(DomainError) as refused:
        service.add_member(session, new_id, person("child"), actor=ACTOR)
    assert refused.value.code == "household_dissolved"


def test_update_person_replaces_incomes_and_is_audited(engine):
    h = register(engine, household(person("head"), person("spouse")))
    head_id = min(members_of(engine, h))
    with unit_of_work(engine) as session:
        service.update_person(
            session,
            head_id,
            PersonUpdate(
                employment_status="unemployed",
                incomes=[{"category": "transfer", "monthly_yuan": "300", "effective_from": "2024-06-01"}],
                tags=["失业人员"],
            ),
            actor=ACTOR,
            expected_version=1,
        )
    with unit_of_work(engine) as session:
        p = service.get_person(session, REGION_WIDE, head_id)
        assert p.version == 2 and p.employment_status == "unemployed"
        assert [(i.category, i.monthly_fen) for i in p.incomes] == [("transfer", 30000)]
        assert [t.tag for t in p.tags] == ["unemployed"]
        record = service.household_history(session, REGION_WIDE, h)[0]
        assert record.action == "registry.update_person"
        assert record.before["employment_status"] is None
        assert record.after["employment_status"] == "unemployed"
        assert record.after["incomes"][0]["monthly_fen"] == 30000
        assert "********" in record.after["id_number_masked"]
    with unit_of_work(engine) as session, pytest.raises(DomainError) as refused:
        service.update_person(session, head_id, PersonUpdate(relationship_to_head="spouse"), actor=ACTOR)
    assert refused.value.code == "one_head"


def test_a_stale_version_is_a_conflict_and_changes_nothing(engine):
    h = register(engine, household(person("head")))
    head_id = min(members_of(engine, h))
    with unit_of_work(engine) as session:
        service.update_person(session, head_id, PersonUpdate(name="李四"), actor=ACTOR, expected_version=1)
    with unit_of_work(engine) as session, pytest.raises(Conflict) as conflict:
        service.update_person(session, head_id, PersonUpdate(name="王五"), actor=ACTOR, expected_version=1)
    assert conflict.value.status_code == 409 and "version 2" in conflict.value.message_en
    with unit_of_work(engine) as session, pytest.raises(Conflict):
        service.set_assets(session, h, [], actor=ACTOR, expected_version=7)
    with unit_of_work(engine) as session:
        assert session.get(Person, head_id).name == "李四"


def test_reads_are_limited_to_the_scope(engine):
    inside = register(engine, household(person("head")))
    outside = register(
        engine,
        household(person("head", hukou_region="150102", residence_region="150102"), banner="150102"),
    )
    banner = RegionScope("150426")
    league = RegionScope("150400")
    with unit_of_work(engine) as session:
        assert service.get_household(session, banner, inside).id == inside
        with pytest.raises(NotFound):
            service.get_household(session, banner, outside)
        with pytest.raises(NotFound):
            service.household_history(session, banner, outside)
        assert service.count_households(session, banner) == 1
        assert service.count_households(session, REGION_WIDE) == 2
        assert service.count_persons(session, league) == 1
        assert [h.id for h in service.list_households(session, league).items] == [inside]
        outside_person = min(members_of(engine, outside))
        with pytest.raises(NotFound):
            service.get_person(session, banner, outside_person)
        number = pii.decrypt(session.get(Person, outside_person).id_number_cipher)
        assert service.find_person_by_id_number(session, banner, number) is None
        assert service.find_person_by_id_number(session, REGION_WIDE, number).id == outside_person
        with pytest.raises(NotFound):
            service.list_persons(session, banner, region="150102")
