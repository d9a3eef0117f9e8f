from sqlalchemy import text

from minsheng.store import audit
from minsheng.store.db import unit_of_work


def _append_three(engine):
    with unit_of_work(engine) as session:
        for number in range(3):
            audit.append(
                session,
                actor="clerk",
                action="registry.household.update",
                entity="household",
                entity_id=number,
                region_code="150426",
                subject=f"household:{number}",
                before={"income_fen": 100},
                after={"income_fen": 200 + number},
            )


def test_chain_verifies(engine):
    _append_three(engine)
    with unit_of_work(engine) as session:
        result = audit.verify(session)
    assert result.ok and result.checked == 3


def test_edited_row_is_named(engine):
    _append_three(engine)
    with engine.begin() as connection:
        second = connection.execute(text("select id from audit_record order by id limit 1 offset 1")).scalar()
        connection.execute(text("update audit_record set actor = 'mallory' where id = :id"), {"id": second})
    with unit_of_work(engine) as session:
        result = audit.verify(session)
    assert not result.ok
    assert result.first_bad_id == second
    assert "content" in result.reason


def test_deleted_last_row_is_found(engine):
    _append_three(engine)
    with engine.begin() as connection:
        connection.execute(text("delete from audit_record where id = (select max(id) from audit_record)"))
    with unit_of_work(engine) as session:
        result = audit.verify(session)
    assert not result.ok


def test_rolled_back_work_leaves_no_record(engine):
    try:
        with unit_of_work(engine) as session:
            audit.append(session, actor="clerk", action="x", entity="household", entity_id=1)
            raise RuntimeError("the use case failed")
    except RuntimeError:
        pass
    with unit_of_work(engine) as session:
        assert audit.verify(session).checked == 0
