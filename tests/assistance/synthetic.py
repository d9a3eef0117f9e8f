"""A small vectorised generator of snapshot tables for the assistance tests: incomes near the lines,
every category the rules know (elderly, children, disability grades, ADL, deaths, orphan tags) and a
few deliberately broken households (no head, a member born after the run date, a negative income)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from minsheng import regions
from minsheng.registry.snapshot import EXPENSE_COLUMNS, HOUSEHOLDS, INCOME_COLUMNS, MEMBERS

EPOCH = dt.date(1970, 1, 1)


def generate(households: int, seed: int = 1, as_of: dt.date = dt.date(2023, 6, 1)) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    banners = np.array([b.code for b in regions.banners("150000")])
    h_ids = np.arange(1, households + 1, dtype=np.int64)
    h_banner = banners[rng.integers(0, len(banners), households)]
    h_rural = rng.random(households) < 0.45
    h_hukou = np.where(h_rural, "rural", "urban")
    sizes = rng.choice([1, 2, 3, 4, 5, 6], households, p=[0.18, 0.27, 0.27, 0.17, 0.08, 0.03])
    n = int(sizes.sum())
    hh_of = np.repeat(h_ids, sizes)
    position = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    relationship = np.where(position == 0, "head", np.where(position == 1, "spouse", "child"))
    relationship = np.where((position >= 4) & (rng.random(n) < 0.7), "parent", relationship)
    as_of_days = (as_of - EPOCH).days
    age_years = np.where(
        relationship == "child",
        rng.integers(0, 30, n),
        np.where(relationship == "parent", rng.integers(58, 95, n), rng.integers(18, 90, n)),
    )
    birth = as_of_days - age_years * 365 - rng.integers(0, 365, n)
    # boundary ages on purpose: someone turns 60 or 16 exactly on the run date, or the day after
    special = rng.random(n) < 0.01
    birth = np.where(
        special, as_of_days - np.where(rng.random(n) < 0.5, 60, 16) * 365 - rng.integers(-16, 16, n), birth
    )
    disabled = rng.random(n) < 0.08
    d_type = np.where(
        disabled, rng.choice(["visual", "hearing", "physical", "intellectual", "mental", "multiple"], n), None
    )
    d_grade = np.where(disabled, rng.integers(1, 5, n), 0)
    ill = rng.random(n) < 0.04
    adl = np.where(rng.random(n) < 0.06, rng.integers(0, 7, n), 0)
    died = rng.random(n) < 0.01
    death = np.where(died, as_of_days - rng.integers(-30, 400, n), 0)
    poor = np.repeat(rng.random(households) < 0.35, sizes)
    scale = np.where(poor, 30000, 250000)
    working = (age_years >= 18) & (age_years < 60)
    wages = np.where(working & (rng.random(n) < 0.6), rng.exponential(scale), 0).astype(np.int64)
    business = np.where(working & (rng.random(n) < 0.15), rng.exponential(scale / 2), 0).astype(np.int64)
    transfer = np.where(rng.random(n) < 0.25, rng.integers(0, 60000, n), 0)
    pension = np.where(age_years >= 60, 10300, 0)
    assistance = np.where(rng.random(n) < 0.05, rng.integers(0, 80000, n), 0)
    disability_rigid = np.where(disabled, rng.integers(0, 30000, n), 0)
    illness_rigid = np.where(ill, rng.integers(0, 80000, n), 0)
    medical = np.where(rng.random(n) < 0.1, rng.integers(0, 300000, n), 0)
    education = np.where((age_years >= 6) & (age_years < 23), rng.integers(0, 40000, n), 0)
    maintenance = np.where(rng.random(n) < 0.03, rng.integers(0, 30000, n), 0)
    tags = [[] for _ in range(n)]
    minor = age_years < 18
    for i in np.nonzero(minor & (rng.random(n) < 0.03))[0]:
        tags[i] = ["orphan"] if rng.random() < 0.5 else ["unsupported_child"]
        if rng.random() < 0.3:
            tags[i].append("institutional_care")
    columns = {
        "person_id": np.arange(1, n + 1, dtype=np.int64),
        "household_id": hh_of,
        "relationship_to_head": relationship,
        "sex": np.where(rng.random(n) < 0.5, "M", "F"),
        "birth_date": birth.astype("datetime64[D]"),
        "hukou": np.repeat(h_hukou, sizes),
        "hukou_region": np.repeat(h_banner, sizes),
        "residence_region": np.repeat(h_banner, sizes),
        "ethnicity": np.full(n, "汉族"),
        "education": np.full(n, None),
        "employment_status": np.full(n, None),
        "disability_type": d_type,
        "disability_grade": np.where(disabled, d_grade, None),
        "serious_illness": ill,
        "adl_items_lost": adl,
        "death_date": np.where(died, death, None),
    }
    amounts = {
        "wages_fen": wages,
        "business_fen": business,
        "property_fen": np.where(rng.random(n) < 0.05, rng.integers(0, 20000, n), 0),
        "transfer_fen": transfer,
        "other_fen": np.where(rng.random(n) < 0.05, rng.integers(0, 10000, n), 0),
        "basic_pension_fen": pension,
        "preferential_fen": np.where(rng.random(n) < 0.02, rng.integers(0, 50000, n), 0),
        "assistance_fen": assistance,
        "employment_cost_fen": np.zeros(n, dtype=np.int64),
        "maintenance_paid_fen": maintenance,
        "disability_rigid_fen": disability_rigid,
        "illness_rigid_fen": illness_rigid,
        "education_fen": education,
        "medical_self_pay_fen": medical,
    }
    assert set(amounts) == set(INCOME_COLUMNS + EXPENSE_COLUMNS)
    # a few broken households: the rules must keep them and fail a data check
    broken = rng.choice(np.arange(households), size=max(1, households // 500), replace=False) + 1
    first_member = np.cumsum(sizes) - sizes
    for k, household_id in enumerate(broken):
        i = first_member[household_id - 1]
        if k % 3 == 0:
            columns["relationship_to_head"][i] = "other"  # no head
        elif k % 3 == 1:
            columns["birth_date"][i] = np.datetime64(as_of + dt.timedelta(days=10))
        else:
            amounts["wages_fen"][i] = -100
    arrays = {}
    for f in MEMBERS:
        if f.name == "tags":
            arrays[f.name] = pa.array(tags, type=f.type)
        elif f.name in ("birth_date", "death_date"):
            values = columns[f.name]
            if f.name == "death_date":
                arrays[f.name] = pa.array(
                    [None if v is None else EPOCH + dt.timedelta(days=int(v)) for v in values], type=f.type
                )
            else:
                arrays[f.name] = pa.array(values, type=pa.date32())
        elif f.name in amounts:
            arrays[f.name] = pa.array(np.asarray(amounts[f.name], dtype=np.int64), type=f.type)
        else:
            arrays[f.name] = pa.array(columns[f.name].tolist(), type=f.type)
    members = pa.table(arrays, schema=MEMBERS)
    many = rng.random(households)
    household_table = pa.table(
        {
            "household_id": h_ids,
            "household_number": pa.array([None] * households, type=pa.string()),
            "banner_code": h_banner,
            "hukou": h_hukou,
            "financial_assets_fen": np.where(
                many < 0.9, rng.integers(0, 3_000_000, households), rng.integers(0, 30_000_000, households)
            ),
            "vehicles": np.where(many > 0.95, 1, 0).astype(np.int32),
            "vehicle_value_fen": np.where(many > 0.95, rng.integers(500_000, 10_000_000, households), 0),
            "dwellings": rng.choice([0, 1, 2], households, p=[0.1, 0.85, 0.05]).astype(np.int32),
            "business_assets_fen": np.where(
                rng.random(households) < 0.05, rng.integers(0, 20_000_000, households), 0
            ),
            "other_assets_fen": np.zeros(households, dtype=np.int64),
        },
        schema=HOUSEHOLDS,
    )
    return {"households": household_table, "members": members}
