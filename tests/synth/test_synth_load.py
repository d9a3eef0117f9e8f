"""Loading a generated population through ADBC, on SQLite and PostgreSQL: counts match the Parquet
files, a person reads back through the ORM with the ID number decrypting to the generated one, later
ORM inserts work, and one audit record tells of the load."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from adbc_driver_manager import DatabaseError
from sqlalchemy import func, select

from minsheng.registry.models import Asset, Expense, Household, Income, Person, PersonTag
from minsheng.registry.snapshot import EXPENSE_COLUMNS, INCOME_COLUMNS
from minsheng.security import pii
from minsheng.store import audit
from minsheng.store.db import unit_of_work
from minsheng.synth import generate
from minsheng.synth.load import generate_and_load, load

AS_OF = date(2024, 6, 30)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("population")
    generate.write(folder, 5_000, seed=3, as_of=AS_OF)
    return folder


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _nonzero(table, columns: list[str]) -> int:
    return sum(int(np.count_nonzero(table.column(c).to_numpy())) for c in columns)


def test_load_puts_every_row_in_and_reads_back_through_the_orm(engine, population: Path) -> None:
    result = load(engine, population)
    households = pq.read_table(population / "households.parquet")
    members = pq.read_table(population / "members.parquet")
    personal = pq.read_table(population / "persons_pii.parquet")
    assert (result.households, result.persons) == (households.num_rows, members.num_rows)
    assert result.incomes == _nonzero(members, INCOME_COLUMNS)
    assert result.expenses == _nonzero(members, EXPENSE_COLUMNS)
    assert result.tags == len(pc.list_flatten(members.column("tags")))
    with unit_of_work(engine) as session:
        assert _count(session, Household) == households.num_rows
        assert _count(session, Person) == members.num_rows
        assert _count(session, Income) == result.incomes
        assert _count(session, Expense) == result.expenses
        assert _count(session, Asset) == result.assets > 0
        assert _count(session, PersonTag) == result.tags
        # Person ids follow the snapshot's order: snapshot person 123 is row id 124 in an empty database.
        row = 123
        person = session.get(Person, row + 1)
        expected = personal.slice(row, 1).to_pylist()[0]
        snapshot_row = members.slice(row, 1).to_pylist()[0]
        assert pii.decrypt(person.id_number_cipher) == expected["id_number"]
        assert person.id_number_hash == pii.blind_index(expected["id_number"])
        assert person.id_number_masked == expected["id_number"][:6] + "********" + expected["id_number"][14:]
        assert person.name == expected["name"]
        assert person.birth_date == snapshot_row["birth_date"]
        assert person.household.banner_code == snapshot_row["hukou_region"]
        assert person.serious_illness is snapshot_row["serious_illness"]
        incomes = {i.category: i.monthly_fen for i in person.incomes}
        assert incomes == {c.removesuffix("_fen"): snapshot_row[c] for c in INCOME_COLUMNS if snapshot_row[c]}
        assert all(i.effective_from == date(2024, 1, 1) for i in person.incomes)
        assert sorted(t.tag for t in person.tags) == sorted(snapshot_row["tags"])
        # A later ORM insert gets a fresh id (PostgreSQL's sequences were moved past the load).
        household = Household(household_number="ORM-AFTER-LOAD", banner_code="150426", hukou="rural")
        session.add(household)
        session.flush()
        assert household.id == households.num_rows + 1
        records = (
            session.execute(select(audit.AuditRecord).where(audit.AuditRecord.action == "synth.load"))
            .scalars()
            .all()
        )
        assert len(records) == 1 and records[0].after["persons"] == members.num_rows
        assert audit.verify(session).ok


def test_loading_the_same_population_twice_is_refused_and_writes_nothing(engine, population: Path) -> None:
    first = load(engine, population)
    with pytest.raises(DatabaseError):  # the same household numbers and ID numbers again
        load(engine, population)
    with unit_of_work(engine) as session:
        assert _count(session, Person) == first.persons
        assert _count(session, Household) == first.households
        assert _count(session, Income) == first.incomes
        loads = select(func.count()).where(audit.AuditRecord.action == "synth.load")
        assert session.execute(loads).scalar_one() == 1


def test_generate_and_load_in_a_temporary_folder(engine) -> None:
    result = generate_and_load(engine, 2_000, seed=5, as_of=AS_OF)
    with unit_of_work(engine) as session:
        assert _count(session, Person) == result.persons == 2_000
