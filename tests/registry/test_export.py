from __future__ import annotations

from datetime import date

import polars as pl
import pyarrow.compute as pc
import pyarrow.parquet as pq
from registry_builders import household, person
from typer.testing import CliRunner

from minsheng.cli import app
from minsheng.registry import export, service
from minsheng.registry.schemas import AssetIn, PersonUpdate
from minsheng.registry.snapshot import HOUSEHOLDS, MEMBERS
from minsheng.store.db import unit_of_work


def income(category: str, yuan: str, start: str, end: str | None = None) -> dict:
    return {"category": category, "monthly_yuan": yuan, "effective_from": start, "effective_to": end}


def build(engine) -> dict[str, int]:
    """Two households in 150426 and one in 150102; one dissolved by a merge on 2024-05-01."""
    with unit_of_work(engine) as session:
        a = service.register_household(
            session,
            household(
                person(
                    "head",
                    incomes=[
                        income("wages", "1000", "2024-01-01", "2024-04-01"),
                        income("wages", "1500.55", "2024-04-01"),
                        income("transfer", "200", "2024-03-01"),
                        income("basic_pension", "180", "2020-01-01"),
                    ],
                    expenses=[
                        {"category": "illness_rigid", "monthly_yuan": "300", "effective_from": "2024-02-01"}
                    ],
                    tags=["dibao", "disabled"],
                    disability_type="physical",
                    disability_grade=2,
                ),
                person("spouse", incomes=[income("wages", "800", "2024-06-01")]),
            ),
            actor="t",
        )
        service.set_assets(
            session,
            a.id,
            [
                AssetIn(kind="deposit", value_yuan="10000"),
                AssetIn(kind="securities", value_yuan="2500.50"),
                AssetIn(kind="deposit", value_yuan="99999", exempt=True),
                AssetIn(kind="vehicle", value_yuan="40000", quantity=2),
                AssetIn(kind="dwelling", quantity=1),
                AssetIn(kind="business", value_yuan="700"),
                AssetIn(kind="other", value_yuan="1"),
            ],
            actor="t",
        )
        b = service.register_household(session, household(person("head"), person("child")), actor="t")
        c = service.register_household(
            session,
            household(
                person("head", hukou_region="150102", residence_region="150102"),
                banner="150102",
                hukou="urban",
            ),
            actor="t",
        )
        gone = service.register_household(session, household(person("head")), actor="t")
        service.merge_households(session, b.id, gone.id, actor="t", today=date(2024, 5, 1))
        service.update_person(session, c.members[0].id, PersonUpdate(tags=["veteran"]), actor="t")
        return {"a": a.id, "b": b.id, "c": c.id, "gone": gone.id, "head_a": a.members[0].id}


def test_the_snapshot_has_the_exact_schemas_and_the_amounts_valid_on_the_date(engine):
    ids = build(engine)
    households, members = export.snapshot_tables(engine, date(2024, 4, 15))
    assert households.schema == HOUSEHOLDS and members.schema == MEMBERS
    assert households.column("household_id").to_pylist() == [ids["a"], ids["b"], ids["c"], ids["gone"]]
    a = households.slice(0, 1).to_pylist()[0]
    assert a["financial_assets_fen"] == 1_250_050
    assert (a["vehicles"], a["vehicle_value_fen"], a["dwellings"]) == (2, 4_000_000, 1)
    assert (a["business_assets_fen"], a["other_assets_fen"]) == (70_000, 100)
    rows = {r["person_id"]: r for r in members.to_pylist()}
    head = rows[ids["head_a"]]
    assert (
        head["wages_fen"] == 150_055
        and head["transfer_fen"] == 20_000
        and head["basic_pension_fen"] == 18_000
    )
    assert head["illness_rigid_fen"] == 30_000 and head["business_fen"] == 0
    assert sorted(head["tags"]) == ["dibao", "disabled"]
    assert head["disability_grade"] == 2 and head["relationship_to_head"] == "head"
    spouse = next(
        r for r in rows.values() if r["household_id"] == ids["a"] and r["relationship_to_head"] == "spouse"
    )
    assert spouse["wages_fen"] == 0 and spouse["tags"] == []

    march = {r["person_id"]: r for r in export.snapshot_tables(engine, date(2024, 3, 31))[1].to_pylist()}
    assert march[ids["head_a"]]["wages_fen"] == 100_000  # the day before the raise
    june_households, june = export.snapshot_tables(engine, date(2024, 6, 1))
    assert ids["gone"] not in june_households.column("household_id").to_pylist()  # dissolved on 2024-05-01
    assert pc.sum(june.column("wages_fen")).as_py() == 150_055 + 80_000
    assert len(june.filter(pc.equal(june.column("household_id"), ids["b"]))) == 3

    league_households, league_members = export.snapshot_tables(engine, date(2024, 6, 1), "150102")
    assert league_households.column("household_id").to_pylist() == [ids["c"]]
    assert league_members.column("tags").to_pylist() == [["veteran"]]


def test_the_few_households_snapshot_equals_the_full_one(engine):
    ids = build(engine)
    day = date(2024, 4, 15)
    full_households, full_members = export.snapshot_tables(engine, day)
    with unit_of_work(engine) as session:
        households, members = export.snapshot_for_households(session, [ids["a"], ids["c"]], day)
    assert households.schema == HOUSEHOLDS and members.schema == MEMBERS
    wanted = pc.is_in(full_households.column("household_id"), value_set=households.column("household_id"))
    assert households.to_pylist() == full_households.filter(wanted).to_pylist()
    wanted = pc.is_in(full_members.column("household_id"), value_set=households.column("household_id"))
    expected = full_members.filter(wanted).to_pylist()
    got = members.to_pylist()
    for row in expected + got:
        row["tags"] = sorted(row["tags"])
    assert got == expected


def test_the_export_command_writes_parquet_and_excel(engine, tmp_path):
    build(engine)
    runner = CliRunner()
    result = runner.invoke(
        app, ["registry", "export", "--format", "parquet", "--out", str(tmp_path), "--date", "2024-04-15"]
    )
    assert result.exit_code == 0, result.output
    assert pl.read_parquet(tmp_path / "members.parquet").height == 6
    assert pq.read_schema(tmp_path / "households.parquet").remove_metadata() == HOUSEHOLDS
    result = runner.invoke(
        app, ["registry", "export", "--format", "xlsx", "--out", str(tmp_path), "--region", "150426"]
    )
    assert result.exit_code == 0, result.output
    persons = pl.read_excel(tmp_path / "registry.xlsx", sheet_name="persons")
    assert persons.height == 5
    assert all("********" in m for m in persons["id_number_masked"])
    assert pl.read_excel(tmp_path / "registry.xlsx", sheet_name="households").height == 2
    result = runner.invoke(app, ["registry", "export", "--out", str(tmp_path), "--region", "150499"])
    assert result.exit_code != 0
