"""The synthetic region: the snapshot's exact schemas, determinism, valid unique ID numbers,
consistent households, and the calibration figures on 200 000 persons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from minsheng import idcard, regions
from minsheng.registry import snapshot
from minsheng.synth import calibration as cal
from minsheng.synth import generate

AS_OF = date(2024, 6, 30)


def _read(folder: Path) -> dict:
    return {name: pq.read_table(folder / file) for name, file in generate.FILES.items()}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("small")
    generate.write(folder, 30_000, seed=11, as_of=AS_OF)
    return _read(folder)


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("region")
    generate.write(folder, 200_000, seed=2024, as_of=AS_OF)
    return _read(folder)


def test_files_have_exactly_the_snapshot_schemas(small: dict) -> None:
    assert small["households"].schema.equals(snapshot.HOUSEHOLDS)
    assert small["members"].schema.equals(snapshot.MEMBERS)
    assert small["pii"].schema.equals(generate.PII)
    assert small["members"].num_rows == small["pii"].num_rows == 30_000


def test_same_seed_same_population_other_seed_another(tmp_path: Path, small: dict) -> None:
    generate.write(tmp_path / "again", 30_000, seed=11, as_of=AS_OF)
    again = _read(tmp_path / "again")
    for name in generate.FILES:
        assert again[name].equals(small[name]), name
    generate.write(tmp_path / "other", 30_000, seed=12, as_of=AS_OF)
    other = _read(tmp_path / "other")
    assert not other["pii"].column("id_number").equals(small["pii"].column("id_number"))


def test_output_does_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    generate.write(tmp_path / "one", 20_000, seed=5, as_of=AS_OF, workers=1)
    generate.write(tmp_path / "two", 20_000, seed=5, as_of=AS_OF, workers=2)
    one, two = _read(tmp_path / "one"), _read(tmp_path / "two")
    for name in generate.FILES:
        assert one[name].equals(two[name]), name


def test_every_id_number_is_valid_unique_and_matches_the_member(small: dict) -> None:
    numbers = small["pii"].column("id_number").to_pylist()
    assert len(set(numbers)) == len(numbers)
    members = small["members"]
    birth = members.column("birth_date").to_pylist()
    sex = members.column("sex").to_pylist()
    hukou_region = members.column("hukou_region").to_pylist()
    for number, born, male_or_female, banner in zip(numbers, birth, sex, hukou_region, strict=True):
        parsed = idcard.parse(number, AS_OF)  # raises on any invalid number
        assert (parsed.birth_date, parsed.sex, parsed.address_code) == (born, male_or_female, banner)


def test_id_sequence_numbers_many_births_on_one_day_and_refuses_overflow() -> None:
    day = np.full(600, (date(1990, 3, 7) - generate.EPOCH).days)
    male = np.arange(600) % 2 == 0
    sequence = generate.id_sequence(day, male)
    assert len(set(sequence.tolist())) == 600
    assert np.all(sequence[male] % 2 == 1) and np.all(sequence[~male] % 2 == 0)
    assert sequence.max() <= 999 and sequence.min() >= 1
    numbers = generate.id_numbers("150102", day, sequence)
    assert all(idcard.is_valid(bytes(row).decode()) for row in numbers)
    assert bytes(numbers[1]).decode() == idcard.make("150102", date(1990, 3, 7), 2)
    with pytest.raises(ValueError, match="sequence"):
        generate.id_sequence(np.full(1200, 7000), np.ones(1200, bool))


def test_bank_accounts_pass_the_luhn_check_and_minors_have_none(small: dict) -> None:
    accounts = [a for a in small["pii"].column("bank_account").to_pylist() if a]
    for account in accounts[:2000]:
        digits = [int(d) for d in account]
        total = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
        assert total % 10 == 0 and len(account) == 19
    ages = _years(small["members"])
    assert not any(small["pii"].column("bank_account").is_valid().to_numpy(zero_copy_only=False)[ages < 16])


def _years(members) -> np.ndarray:
    born = members.column("birth_date").to_numpy().astype("datetime64[D]")
    return np.array([idcard.age_on(b, AS_OF) for b in born.astype(object)])


def _frame(members) -> pl.DataFrame:
    return pl.from_arrow(members).with_columns(pl.Series("age", _years(members)))


def test_households_are_consistent(small: dict) -> None:
    members = _frame(small["members"])
    heads = members.filter(pl.col("relationship_to_head") == "head").select(
        "household_id", head_age="age", head_sex="sex"
    )
    assert heads["household_id"].is_unique().all() and heads.height == small["households"].num_rows
    joined = members.join(heads, on="household_id")
    assert joined.height == members.height  # every household has its head
    relation = pl.col("relationship_to_head")
    assert joined.filter(
        relation.is_in(["child", "grandchild"]) & (pl.col("age") >= pl.col("head_age"))
    ).is_empty()
    assert joined.filter((relation == "parent") & (pl.col("age") <= pl.col("head_age"))).is_empty()
    spouses = joined.filter(relation == "spouse")
    assert (spouses["age"] >= 18).all() and (spouses["sex"] != spouses["head_sex"]).all()
    assert (heads["head_age"] >= 18).all()
    # One hukou and one banner per household; the household table agrees.
    households = pl.from_arrow(small["households"])
    both = members.join(households, on="household_id", suffix="_household")
    assert (both["hukou"] == both["hukou_household"]).all()
    assert (both["hukou_region"] == both["banner_code"]).all()
    assert households["household_number"].is_unique().all()


def test_status_education_and_tags_fit_the_age(small: dict) -> None:
    m = _frame(small["members"])
    age, status = pl.col("age"), pl.col("employment_status")
    assert m.filter((age < 6) & ((status != "preschool") | pl.col("education").is_not_null())).is_empty()
    assert m.filter((age >= 6) & (age < 16) & (status != "student")).is_empty()
    assert m.filter((status == "retired") & (age < 55)).is_empty()
    tags = pl.col("tags")
    assert m.filter(tags.list.contains("dibao")).is_empty()
    graduates = m.filter(tags.list.contains("graduate"))
    assert graduates.height > 0
    assert graduates["age"].is_between(22, 24).all()
    assert graduates["education"].is_in(["bachelor", "postgraduate"]).all()
    alive = m.filter(pl.col("death_date").is_null())
    assert (alive["tags"].list.contains("disabled") == alive["disability_grade"].is_not_null()).all()
    assert m.filter(pl.col("disability_grade").is_not_null() & pl.col("disability_type").is_null()).is_empty()
    assert m["adl_items_lost"].is_between(0, 6).all()
    assert m.filter(tags.list.contains("migrant_worker") & (pl.col("hukou") != "rural")).is_empty()
    # A zero-employment household: urban, someone unemployed, nobody of working age in work.
    living = pl.col("death_date").is_null() & age.is_between(16, 59)
    working = pl.col("employment_status").is_in(["employed", "self_employed", "farming"]) & living
    per_household = m.group_by("household_id").agg(
        tagged=tags.list.contains("zero_employment_household").any(),
        unemployed=((pl.col("employment_status") == "unemployed") & living).any(),
        working=working.any(),
        urban=(pl.col("hukou") == "urban").all(),
    )
    zero = per_household.filter("tagged")
    assert zero.height > 0 and zero["unemployed"].all() and zero["urban"].all() and not zero["working"].any()
    dead = m.filter(pl.col("death_date").is_not_null())
    assert dead.height > 0
    assert (dead["death_date"] <= AS_OF).all() and (dead["death_date"] > dead["birth_date"]).all()
    for column in snapshot.INCOME_COLUMNS + snapshot.EXPENSE_COLUMNS:
        assert (m[column] >= 0).all()
        assert (dead[column] == 0).all()


def test_calibration_on_200_000_persons(region: dict) -> None:
    figures = cal.measure(region["households"], region["members"], AS_OF)
    total = sum(league.population_2020 for league in regions.leagues())
    for league in regions.leagues():
        assert figures["league_share"][league.code] == pytest.approx(
            league.population_2020 / total, abs=0.001
        )
    assert figures["urban_share"] == pytest.approx(cal.URBAN_SHARE_2020, abs=0.015)
    assert figures["mean_household_size"] == pytest.approx(cal.MEAN_HOUSEHOLD_SIZE, abs=0.15)
    for band, target in cal.AGE_TARGETS.items():
        assert figures[band] == pytest.approx(target, abs=0.015), band
    low, high = cal.BELOW_LINE_SHARE_BAND
    assert low <= figures["below_line_share"] <= high
    assert figures["income_urban"] == pytest.approx(cal.DISPOSABLE_INCOME_PER_CAPITA_2023["urban"], rel=0.15)
    assert figures["income_rural"] == pytest.approx(cal.DISPOSABLE_INCOME_PER_CAPITA_2023["rural"], rel=0.2)
    assert figures["disabled_share"] == pytest.approx(cal.DISABILITY_PREVALENCE, abs=0.006)
    assert 0.01 <= figures["serious_illness_share"] <= 0.02
    assert figures["mongol_share"] == pytest.approx(cal.ETHNICITY_SHARE["蒙古族"], abs=0.015)
    sizes = pc.value_counts(region["members"].column("household_id")).field("counts").to_numpy()
    assert (sizes <= 2).mean() > 0.5  # many one- and two-person households


def test_persons_split_exactly_and_banners_get_plausible_shares() -> None:
    counts = cal.persons_per_banner(24_049_155)
    assert counts.sum() == 24_049_155
    table = cal.banner_table()
    assert table["share"].sum() == pytest.approx(1.0)
    districts = [i for i, code in enumerate(table["code"]) if regions.get(code).name_zh.endswith("区")]
    assert table["urban_share"][districts].min() > 0.9
    assert 0.3 < table["urban_share"].min() < 0.67


def test_bad_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="persons"):
        generate.write(tmp_path, 0, seed=1, as_of=AS_OF)
