"""Synthetic medical data for the demo and the benchmarks, generated from the synthetic population.

From `members.parquet` (registry snapshot): enrolment for a year (coverage ≈ 96 %; employees from the
employed and retired, residents otherwise; 特困/低保/返贫致贫 assigned with weights from the person's
tags), designated institutions (level 1 per banner, level 2 and 3 per league, a few outside the
region for cross-province care), claims (admission rates and costs by level) and their line items, with
a share of fraud patterns planted and recorded in `planted.parquet`, so supervision can be scored.

The rates below are simulation calibrations (national 2023 orders of magnitude), not policy: the
policy figures live in policy/params/medical.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from minsheng import regions
from minsheng.medical.rules.settlement import CLAIMS, ENROLMENT, INSTITUTIONS

INPATIENT_RATE = 0.20  # admissions per insured person per year (national ≈ 0.2)
OUTPATIENT_SPECIAL_RATE = 0.15
COVERAGE = 0.96
MEAN_INPATIENT_YUAN = {1: 3_000, 2: 8_000, 3: 16_000}
LEVEL_SHARE = (0.30, 0.40, 0.30)
STAY_DAYS = {1: 6, 2: 8, 3: 10}
OUTSIDE_PROVINCES = ("110105", "120101", "130102", "210102")  # Beijing, Tianjin, Hebei, Liaoning
PATTERNS = (
    "split_admission",
    "bed_blocking",
    "duplicate_billing",
    "over_price",
    "quantity_limit",
    "sex_restriction",
    "after_death",
)

ITEMS = pa.schema(
    [
        pa.field("claim_id", pa.string(), nullable=False),
        pa.field("line_no", pa.int32(), nullable=False),
        pa.field("item_code", pa.string(), nullable=False),
        pa.field("catalogue_class", pa.string(), nullable=False),
        pa.field("service_date", pa.date32(), nullable=False),
        pa.field("quantity", pa.int64(), nullable=False),
        pa.field("unit_price_fen", pa.int64(), nullable=False),
        pa.field("amount_fen", pa.int64(), nullable=False),
    ]
)
PLANTED = pa.schema(
    [pa.field("claim_id", pa.string(), nullable=False), pa.field("pattern", pa.string(), nullable=False)]
)


@dataclass
class MedicalData:
    enrolment: pa.Table
    institutions: pa.Table
    claims: pa.Table
    items: pa.Table
    planted: pa.Table

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for name in ("enrolment", "institutions", "claims", "items", "planted"):
            pq.write_table(getattr(self, name), out / f"{name}.parquet")


def institutions() -> pa.Table:
    """Three level-1 institutions per banner, four level-2 and two level-3 per league, four outside."""
    rows = []
    next_id = 1
    for banner in regions.banners():
        for _ in range(3):
            rows.append((next_id, 1, banner.code))
            next_id += 1
    for league in regions.leagues():
        seat = regions.banners(league.code)[0].code
        for level, count in ((2, 4), (3, 2)):
            for _ in range(count):
                rows.append((next_id, level, seat))
                next_id += 1
    for code in OUTSIDE_PROVINCES:
        rows.append((next_id, 3, code))
        next_id += 1
    ids, levels, codes = zip(*rows, strict=True)
    return pa.table(
        {"institution_id": list(ids), "level": list(levels), "region_code": list(codes)}, schema=INSTITUTIONS
    )


def enrolment(members: pa.Table, year: int, rng: np.random.Generator) -> pa.Table:
    n = members.num_rows
    status = members["employment_status"].to_numpy(zero_copy_only=False).astype(str)
    tags = members["tags"].to_pylist()
    alleviated = np.array(["poverty_alleviated" in (t or []) for t in tags])
    disabled = np.array(["disabled" in (t or []) for t in tags])
    enrolled = rng.random(n) < COVERAGE
    employee = ((status == "employed") & (rng.random(n) < 0.45)) | (
        (status == "retired") & (rng.random(n) < 0.6)
    )
    person_type = np.where(employee, np.where(status == "retired", "retired", "in_service"), "resident")
    draw = rng.random(n)
    weight = 1 + 6 * alleviated + 3 * disabled  # low-income categories concentrate in these households
    category = np.full(n, "none", dtype=object)
    category[(draw < 0.004 * weight)] = "tekun"
    category[(draw >= 0.004 * weight) & (draw < 0.035 * weight)] = "dibao"
    category[(draw >= 0.035 * weight) & (draw < 0.040 * weight) & alleviated] = "relapse_poverty"
    category[(draw >= 0.040 * weight) & (draw < 0.050 * weight)] = "dibao_edge"
    category[employee] = "none"
    leagues = np.array([regions.league_of(code).code for code in members["residence_region"].to_pylist()])
    keep = np.flatnonzero(enrolled)
    return pa.table(
        {
            "person_id": members["person_id"].to_numpy()[keep],
            "year": np.full(keep.size, year, dtype=np.int32),
            "insurance_type": np.where(employee, "employee", "resident")[keep],
            "person_type": person_type[keep],
            "aid_category": category[keep].astype(str),
            "pool_region": leagues[keep],
            "enrolled_on": pa.array(np.full(keep.size, np.datetime64(f"{year}-01-01", "D"))),
            "ended_on": pa.nulls(keep.size, pa.date32()),
        }
    ).cast(ENROLMENT)


def claims_for(
    enrolled: pa.Table,
    institutions_table: pa.Table,
    year: int,
    rng: np.random.Generator,
    target: int | None = None,
) -> pa.Table:
    """Claims of a year without line items, vectorised: the batch benchmark's input."""
    persons = enrolled["person_id"].to_numpy()
    leagues = enrolled["pool_region"].to_numpy(zero_copy_only=False).astype(str)
    n = target or int(persons.size * (INPATIENT_RATE + OUTPATIENT_SPECIAL_RATE))
    who = rng.integers(0, persons.size, n)
    inst_level = institutions_table["level"].to_numpy()
    inst_region = np.array(institutions_table["region_code"].to_pylist())
    inst_league = np.array([c[:4] + "00" for c in inst_region])
    level = rng.choice([1, 2, 3], n, p=LEVEL_SHARE)
    # an institution of that level in the person's league (1 in 60 goes out of the region)
    by_key: dict[tuple[str, int], np.ndarray] = {}
    for index, (league, lev) in enumerate(zip(inst_league, inst_level, strict=True)):
        by_key.setdefault((league, int(lev)), []).append(index)
    by_key = {k: np.array(v) for k, v in by_key.items()}
    outside = np.flatnonzero(~np.char.startswith(inst_region.astype(str), "15"))
    institution = np.empty(n, dtype=np.int64)
    for (league, lev), members_idx in by_key.items():
        mask = (leagues[who] == league) & (level == lev)
        count = int(mask.sum())
        if count:
            institution[mask] = members_idx[rng.integers(0, members_idx.size, count)]
    away = rng.random(n) < 1 / 60
    institution[away] = outside[rng.integers(0, outside.size, int(away.sum()))]
    level = inst_level[institution]
    inpatient = rng.random(n) < INPATIENT_RATE / (INPATIENT_RATE + OUTPATIENT_SPECIAL_RATE)
    mean = np.array([0, *MEAN_INPATIENT_YUAN.values()])[level] * 100
    total = np.where(inpatient, rng.lognormal(np.log(mean) - 0.5, 1.0), rng.lognormal(np.log(80_000), 0.8))
    total = np.maximum(total.astype(np.int64), 1_000)
    share_a = rng.uniform(0.55, 0.75, n)
    share_c = rng.uniform(0.03, 0.15, n)
    class_a = (total * share_a).astype(np.int64)
    class_c = (total * share_c).astype(np.int64)
    class_b = total - class_a - class_c
    stay = np.where(inpatient, np.maximum(1, rng.poisson(np.array([0, *STAY_DAYS.values()])[level])), 0)
    admitted = np.datetime64(f"{year}-01-01", "D") + rng.integers(0, 350, n).astype("timedelta64[D]")
    discharged = np.minimum(admitted + stay.astype("timedelta64[D]"), np.datetime64(f"{year}-12-31", "D"))
    return pa.table(
        {
            "claim_id": pa.array(np.char.add(f"S{year}-", np.arange(n).astype(str))),
            "person_id": persons[who],
            "institution_id": institutions_table["institution_id"].to_numpy()[institution],
            "care_type": np.where(inpatient, "inpatient", "outpatient_special"),
            "admission_date": pa.array(admitted),
            "discharge_date": pa.array(discharged),
            "class_a_fen": class_a,
            "class_b_fen": class_b,
            "class_c_fen": class_c,
        }
    ).cast(CLAIMS)


def _items_of(
    claim: dict, rng: np.random.Generator, price_caps: dict[tuple[str, int], int], level: int
) -> list[dict]:
    """Line items of an inpatient stay: a bed-day and a treatment per day, drugs; amounts sum to the bill."""
    days = max(1, (claim["discharge_date"] - claim["admission_date"]).days)
    lines: list[dict] = []
    bed_price = price_caps[("BED01", level)] - 500
    lines.append(_line(claim, "BED01", "A", claim["admission_date"], days, bed_price))
    for day in range(days):
        service = claim["admission_date"].toordinal() + day
        lines.append(
            _line(claim, "TRT01", "A", date.fromordinal(service), 1, price_caps[("TRT01", level)] - 1_000)
        )
    used = sum(line["amount_fen"] for line in lines)
    rest = claim["class_a_fen"] + claim["class_b_fen"] + claim["class_c_fen"] - used
    if rest > 0:
        lines.append(_line(claim, "DRG01", "B", claim["admission_date"], 1, rest))
    return lines


def _line(claim: dict, code: str, klass: str, on: date, quantity: int, price: int) -> dict:
    return {
        "claim_id": claim["claim_id"], "line_no": 0, "item_code": code, "catalogue_class": klass,
        "service_date": on, "quantity": quantity, "unit_price_fen": price, "amount_fen": quantity * price,
    }  # fmt: skip


def generate(
    members: pa.Table, year: int = 2024, seed: int = 1, fraud_share: float = 0.05, with_items: bool = True
) -> MedicalData:
    """Enrolment, institutions, claims (with items for inpatient stays) and planted fraud patterns."""
    from minsheng.medical.supervision import price_caps

    rng = np.random.default_rng(seed)
    enrolled = enrolment(members, year, rng)
    places = institutions()
    # natural claims only for the living: care after death is a planted pattern, not noise
    alive_ids = pc.filter(members["person_id"], pc.is_null(members["death_date"]))
    claims = claims_for(enrolled.filter(pc.is_in(enrolled["person_id"], alive_ids)), places, year, rng)
    if not with_items:
        return MedicalData(enrolled, places, claims, ITEMS.empty_table(), PLANTED.empty_table())
    caps = price_caps()
    level_of = dict(zip(places["institution_id"].to_pylist(), places["level"].to_pylist(), strict=True))
    sex_of = dict(zip(members["person_id"].to_pylist(), members["sex"].to_pylist(), strict=True))
    dead = {
        p: d
        for p, d in zip(members["person_id"].to_pylist(), members["death_date"].to_pylist(), strict=True)
        if d is not None
    }
    rows = claims.to_pylist()
    inpatient = [
        r for r in rows if r["care_type"] == "inpatient" and r["discharge_date"] > r["admission_date"]
    ]
    # keep claims of the same person from colliding with planted patterns: at most one claim per person planted
    chosen = rng.choice(
        len(inpatient), size=min(len(inpatient), int(len(inpatient) * fraud_share)), replace=False
    )
    planted: list[dict] = []
    extra_claims: list[dict] = []
    items: list[dict] = []
    plant_of = {int(i): PATTERNS[k % len(PATTERNS)] for k, i in enumerate(chosen)}
    used_persons: set[int] = set()
    by_person: dict[int, int] = {}
    for r in rows:
        by_person[r["person_id"]] = by_person.get(r["person_id"], 0) + 1
    dead_people = [p for p in dead if p in set(enrolled["person_id"].to_pylist())]
    for index, claim in enumerate(inpatient):
        level = level_of[claim["institution_id"]]
        lines = _items_of(claim, rng, caps, level)
        pattern = plant_of.get(index)
        if pattern and (claim["person_id"] in used_persons or by_person[claim["person_id"]] > 1):
            pattern = None  # a person with other claims could confuse the truth table
        if pattern:
            used_persons.add(claim["person_id"])
        if pattern == "split_admission":
            follow = dict(claim)
            follow["claim_id"] = claim["claim_id"] + "-R"
            gap = int(rng.integers(1, 7))
            follow["admission_date"] = date.fromordinal(claim["discharge_date"].toordinal() + gap)
            follow["discharge_date"] = date.fromordinal(follow["admission_date"].toordinal() + 2)
            extra_claims.append(follow)
            items += _items_of(follow, rng, caps, level)
            planted.append({"claim_id": follow["claim_id"], "pattern": pattern})
        elif pattern == "bed_blocking" and (claim["discharge_date"] - claim["admission_date"]).days >= 6:
            # treatments stop after the second day: the patient holds a bed without care
            lines = [
                ln for ln in lines
                if not (ln["item_code"] == "TRT01" and (ln["service_date"] - claim["admission_date"]).days >= 2)
            ]  # fmt: skip
        elif pattern == "bed_blocking":
            pattern = None
        elif pattern == "duplicate_billing":
            lines.append(dict(lines[1]))
        elif pattern == "over_price":
            lines[1]["unit_price_fen"] = caps[("TRT01", level)] * 2
            lines[1]["amount_fen"] = lines[1]["unit_price_fen"]
        elif pattern == "quantity_limit":
            lines[0]["quantity"] += 5
            lines[0]["amount_fen"] = lines[0]["quantity"] * lines[0]["unit_price_fen"]
        elif pattern == "sex_restriction":
            code = "OBS01" if sex_of.get(claim["person_id"]) == "M" else "PRO01"
            lines.append(_line(claim, code, "A", claim["admission_date"], 1, caps[(code, level)] - 1_000))
        elif pattern == "after_death":
            if not dead_people:
                pattern = None
            else:
                person = dead_people[int(rng.integers(0, len(dead_people)))]
                if person in used_persons:
                    pattern = None
                else:
                    used_persons.add(person)
                    ghost = dict(claim)
                    ghost["claim_id"] = claim["claim_id"] + "-D"
                    ghost["person_id"] = person
                    start = dead[person].toordinal() + int(rng.integers(5, 40))
                    ghost["admission_date"] = date.fromordinal(start)
                    ghost["discharge_date"] = date.fromordinal(start + 3)
                    extra_claims.append(ghost)
                    items += _items_of(ghost, rng, caps, level)
                    planted.append({"claim_id": ghost["claim_id"], "pattern": pattern})
                    pattern = None  # the ghost carries the pattern, not the original
        if pattern and pattern not in ("split_admission",):
            planted.append({"claim_id": claim["claim_id"], "pattern": pattern})
        items += lines
    # the bill of each claim is its items: recompute the class sums from the lines
    line_numbers: dict[str, int] = {}
    for line in items:
        line_numbers[line["claim_id"]] = line_numbers.get(line["claim_id"], 0) + 1
        line["line_no"] = line_numbers[line["claim_id"]]
    item_table = pa.Table.from_pylist(items, schema=ITEMS)
    all_claims = pa.concat_tables([claims, pa.Table.from_pylist(extra_claims, schema=CLAIMS)])
    sums = item_table.group_by(["claim_id", "catalogue_class"]).aggregate([("amount_fen", "sum")]).to_pylist()
    by_claim: dict[str, dict[str, int]] = {}
    for s in sums:
        by_claim.setdefault(s["claim_id"], {})[s["catalogue_class"]] = s["amount_fen_sum"]
    fixed = []
    for r in all_claims.to_pylist():
        if r["claim_id"] in by_claim:
            sums_of = by_claim[r["claim_id"]]
            r["class_a_fen"], r["class_b_fen"], r["class_c_fen"] = (
                sums_of.get("A", 0),
                sums_of.get("B", 0),
                sums_of.get("C", 0),
            )
        fixed.append(r)
    return MedicalData(
        enrolled,
        places,
        pa.Table.from_pylist(fixed, schema=CLAIMS),
        item_table,
        pa.Table.from_pylist(planted, schema=PLANTED),
    )


def read_members(folder: Path) -> pa.Table:
    return pq.read_table(
        folder / "members.parquet",
        columns=[
            "person_id",
            "sex",
            "birth_date",
            "residence_region",
            "employment_status",
            "death_date",
            "tags",
        ],
    )


def summary(data: MedicalData) -> dict[str, int]:
    return {
        "enrolled": data.enrolment.num_rows,
        "institutions": data.institutions.num_rows,
        "claims": data.claims.num_rows,
        "items": data.items.num_rows,
        "planted": data.planted.num_rows,
        "inpatient": int(pc.sum(pc.equal(data.claims["care_type"], "inpatient")).as_py() or 0),
    }
