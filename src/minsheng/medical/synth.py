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
    # the registry's own 低保 tag (set when the programme is granted) wins over the draw
    category[np.array(["dibao" in (t or []) for t in tags], dtype=bool)] = "dibao"
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
    start: date | None = None,
    days: int = 350,
    until: date | None = None,
) -> pa.Table:
    """Claims without line items, vectorised: the batch benchmark's input. Admissions fall on the `days`
    days from `start` (default 1 January of `year`); no discharge after `until` (default 31 December)."""
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
    names, codes = np.unique(leagues, return_inverse=True)  # compare small integers, not strings
    claim_league = codes[who]
    code_of = {name: number for number, name in enumerate(names)}
    for (league, lev), members_idx in by_key.items():
        mask = (claim_league == code_of.get(league, -1)) & (level == lev)
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
    first = np.datetime64(start or date(year, 1, 1), "D")
    last = np.datetime64(until or date(year, 12, 31), "D")
    admitted = first + rng.integers(0, days, n).astype("timedelta64[D]")
    discharged = np.minimum(admitted + stay.astype("timedelta64[D]"), last)
    return pa.table(
        {
            "claim_id": pc.binary_join_element_wise(
                f"S{year}-", pa.array(np.arange(n)).cast(pa.string()), ""
            ),
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


# ----------------------------------------------------------------------------- the demo database

DEMO_FRAUD_SHARE = 0.03  # share of inpatient stays with a planted pattern in the demo
DEMO_CASES = 8  # supervision cases opened from the institutions with the largest flagged losses
LARGE_BILL_YUAN = (60_000, 300_000)  # the month's large low-income inpatient bills (monitoring signals)
LOW_INCOME = ("tekun", "dibao", "relapse_poverty")
ITEM_NAMES = {
    "BED01": "普通病房床位费",
    "TRT01": "住院诊疗费(日)",
    "DRG01": "乙类药品",
    "DRG02": "甲类药品及检查",
    "SLF01": "目录外费用(丙类)",
    "OPS01": "门诊慢特病诊疗及药品",
    "OBS01": "产科检查",
    "PRO01": "前列腺特异性抗原检测",
}


def _registry_members(engine) -> pa.Table:
    """The registry's persons in the snapshot's shape (the columns `enrolment` and supervision read)."""
    from sqlalchemy import select

    from minsheng.registry.models import Person, PersonTag

    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Person.id, Person.sex, Person.birth_date, Person.residence_region,
                Person.employment_status, Person.death_date,
            ).order_by(Person.id)
        ).all()  # fmt: skip
        tagged = connection.execute(
            select(PersonTag.person_id, PersonTag.tag).where(
                PersonTag.tag.in_(("dibao", "poverty_alleviated", "disabled"))
            )
        ).all()
    tags: dict[int, list[str]] = {}
    for person_id, tag in tagged:
        tags.setdefault(person_id, []).append(tag)
    ids, sex, birth, residence, status, death = (
        (list(c) for c in zip(*rows, strict=True)) if rows else [[]] * 6
    )
    return pa.table(
        {
            "person_id": pa.array(ids, pa.int64()),
            "sex": pa.array(sex, pa.string()),
            "birth_date": pa.array(birth, pa.date32()),
            "residence_region": pa.array(residence, pa.string()),
            "employment_status": pa.array([s or "other" for s in status], pa.string()),
            "death_date": pa.array(death, pa.date32()),
            "tags": pa.array([tags.get(i, []) for i in ids], pa.list_(pa.string())),
        }
    )


def _window(as_of: date) -> date:
    """First day of the demo's year of claims: a year back, but not before the medical parameters start."""
    from minsheng.medical.parameters import parameter_table
    from minsheng.medical.rules.settlement import MEDICAL_PARAMETERS

    table = parameter_table()
    starts = [
        pc.min(table.filter(pc.equal(table["name"], name))["effective_from"]).as_py()
        for name in MEDICAL_PARAMETERS
    ]
    earliest = max(d for d in starts if d is not None)
    return max(date.fromordinal(as_of.toordinal() - 364), earliest)


def _enrolment_years(members: pa.Table, start: date, as_of: date, rng: np.random.Generator) -> pa.Table:
    """Each person's enrolment for every calendar year the window touches: drawn once, repeated per year.
    Born during a year: enrolled from birth; died: insured until the death date."""
    alive_at_start = pc.or_kleene(
        pc.is_null(members["death_date"]), pc.greater_equal(members["death_date"], start)
    )
    living = members.filter(alive_at_start)
    drawn = enrolment(living, as_of.year, rng)
    birth = dict(zip(living["person_id"].to_pylist(), living["birth_date"].to_pylist(), strict=True))
    death = dict(zip(living["person_id"].to_pylist(), living["death_date"].to_pylist(), strict=True))
    years = []
    for year in range(start.year, as_of.year + 1):
        ids = drawn["person_id"].to_pylist()
        first = date(year, 1, 1)
        keep = [
            n for n, p in enumerate(ids)
            if birth[p] <= date(year, 12, 31) and (death[p] is None or death[p] >= first)
        ]  # fmt: skip
        part = drawn.take(pa.array(keep, pa.int64()))
        part_ids = part["person_id"].to_pylist()
        part = part.set_column(1, "year", pa.array([year] * len(keep), pa.int32()))
        part = part.set_column(
            part.schema.get_field_index("enrolled_on"),
            "enrolled_on",
            pa.array([max(first, birth[p]) for p in part_ids], pa.date32()),
        )
        part = part.set_column(
            part.schema.get_field_index("ended_on"),
            "ended_on",
            pa.array(
                [death[p] if death[p] is not None and death[p].year == year else None for p in part_ids],
                pa.date32(),
            ),
        )
        years.append(part)
    return pa.concat_tables(years).cast(ENROLMENT)


class _Lines:
    """Line items as column lists (faster than a dict per line for a year of claims)."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {f.name: [] for f in ITEMS}
        self.count: dict[str, int] = {}

    def add(self, claim_id: str, code: str, klass: str, on: date, quantity: int, price: int) -> None:
        if quantity <= 0 or price <= 0:
            return
        self.count[claim_id] = self.count.get(claim_id, 0) + 1
        for name, value in (
            ("claim_id", claim_id), ("line_no", self.count[claim_id]), ("item_code", code),
            ("catalogue_class", klass), ("service_date", on), ("quantity", quantity),
            ("unit_price_fen", price), ("amount_fen", quantity * price),
        ):  # fmt: skip
            self.columns[name].append(value)

    def bill(
        self, claim: dict, caps: dict[tuple[str, int], int], level: int, pattern: str | None, sex: str
    ) -> None:
        """A stay: a bed-day and a treatment each day, class A drugs and tests, class B drugs, class C
        extras; an outpatient claim: one line per class. A planted pattern alters the lines."""
        cid, admitted = claim["claim_id"], claim["admission_date"]
        a, b, c = claim["class_a_fen"], claim["class_b_fen"], claim["class_c_fen"]
        if claim["care_type"] != "inpatient":
            self.add(cid, "OPS01", "A", admitted, 1, a)
            self.add(cid, "DRG01", "B", admitted, 1, b)
            self.add(cid, "SLF01", "C", admitted, 1, c)
            return
        days = max(1, (claim["discharge_date"] - admitted).days)
        bed, treatment = caps[("BED01", level)] - 500, caps[("TRT01", level)] - 1_000
        bed_days = days + (5 if pattern == "quantity_limit" else 0)
        self.add(cid, "BED01", "A", admitted, bed_days, bed)
        used = bed_days * bed
        for day in range(days):
            if pattern == "bed_blocking" and day >= 2:
                break  # treatments stop after the second day: a bed held without care
            price = caps[("TRT01", level)] * 2 if pattern == "over_price" and day == 0 else treatment
            self.add(cid, "TRT01", "A", date.fromordinal(admitted.toordinal() + day), 1, price)
            used += price
            if pattern == "duplicate_billing" and day == 0:
                self.add(cid, "TRT01", "A", admitted, 1, price)
                used += price
        if pattern == "sex_restriction":
            code = "OBS01" if sex == "M" else "PRO01"
            self.add(cid, code, "A", admitted, 1, caps[(code, level)] - 1_000)
        self.add(cid, "DRG02", "A", admitted, 1, a - used)
        self.add(cid, "DRG01", "B", admitted, 1, b)
        self.add(cid, "SLF01", "C", admitted, 1, c)

    def table(self) -> pa.Table:
        return pa.table(self.columns, schema=ITEMS)


def _demo_claims(
    enrolled: pa.Table, members: pa.Table, places: pa.Table, start: date, as_of: date, count: int,
    rng: np.random.Generator,
) -> tuple[pa.Table, pa.Table, pa.Table, set[int]]:  # fmt: skip
    """A year of claims up to `as_of` with items and planted patterns, the month's large low-income bills;
    returns claims, items, planted and the dead persons whose enrolment the insurer never ended."""
    from minsheng.medical.supervision import price_caps

    caps = price_caps()
    current = enrolled.filter(pc.equal(enrolled["year"], as_of.year))
    alive = pc.is_in(current["person_id"], pc.filter(members["person_id"], pc.is_null(members["death_date"])))
    living = current.filter(alive)
    span = (as_of - start).days + 1
    natural = claims_for(living, places, as_of.year, rng, target=count, start=start, days=span, until=as_of)
    natural = natural.set_column(0, "claim_id", pc.binary_join_element_wise("D", natural["claim_id"], ""))
    rows = natural.to_pylist()
    level_of = dict(zip(places["institution_id"].to_pylist(), places["level"].to_pylist(), strict=True))
    sex_of = dict(zip(members["person_id"].to_pylist(), members["sex"].to_pylist(), strict=True))
    claims_of: dict[int, int] = {}
    for r in rows:
        claims_of[r["person_id"]] = claims_of.get(r["person_id"], 0) + 1
    # planted patterns: on stays of persons with a single claim, so that each planted claim is unambiguous
    candidates = [
        n for n, r in enumerate(rows)
        if r["care_type"] == "inpatient" and claims_of[r["person_id"]] == 1
        and (r["discharge_date"] - r["admission_date"]).days >= 1
    ]  # fmt: skip
    chosen = rng.permutation(candidates)[: int(len(rows) * DEMO_FRAUD_SHARE)]
    pattern_of: dict[int, str] = {}
    for k, n in enumerate(chosen):
        pattern = PATTERNS[k % len(PATTERNS)]
        stay = (rows[n]["discharge_date"] - rows[n]["admission_date"]).days
        if pattern == "bed_blocking" and stay < 6:
            continue
        if pattern == "split_admission" and rows[n]["discharge_date"].toordinal() + 9 > as_of.toordinal():
            continue
        pattern_of[int(n)] = pattern
    lines, planted, extra = _Lines(), [], []
    for n, r in enumerate(rows):
        pattern = pattern_of.get(n)
        lines.bill(r, caps, level_of[r["institution_id"]], pattern, sex_of.get(r["person_id"], "M"))
        if pattern == "split_admission":  # re-admitted a few days after discharge: the follow-up carries it
            follow = dict(r, claim_id=r["claim_id"] + "-R")
            follow["admission_date"] = date.fromordinal(
                r["discharge_date"].toordinal() + int(rng.integers(1, 7))
            )
            follow["discharge_date"] = date.fromordinal(follow["admission_date"].toordinal() + 2)
            extra.append(follow)
            planted.append((follow["claim_id"], pattern))
        elif pattern and pattern != "after_death":
            planted.append((r["claim_id"], pattern))
    # care after death: a stay billed for a person the registry records as dead, the insurer not told
    dead = members.filter(
        pc.and_(pc.greater_equal(members["death_date"], start), pc.less(members["death_date"], as_of))
    ).to_pylist()
    enrolled_ids = set(enrolled["person_id"].to_pylist())
    ghosts: set[int] = set()
    wanted = sum(1 for p in pattern_of.values() if p == "after_death")
    for person in rng.permutation(len(dead)) if dead else []:
        if len(ghosts) >= max(wanted, 1):
            break
        member = dead[int(person)]
        admitted = member["death_date"].toordinal() + int(rng.integers(5, 40))
        if member["person_id"] not in enrolled_ids or date.fromordinal(admitted + 3) > as_of:
            continue
        if date.fromordinal(admitted + 3).year != member["death_date"].year:
            continue  # the insurer's enrolment of the death year is the one left open
        template = rows[int(rng.integers(0, len(rows)))]
        ghost = dict(
            template, claim_id=f"D-DEATH-{member['person_id']}", person_id=member["person_id"], care_type="inpatient",
            admission_date=date.fromordinal(admitted), discharge_date=date.fromordinal(admitted + 3),
        )  # fmt: skip
        extra.append(ghost)
        planted.append((ghost["claim_id"], "after_death"))
        ghosts.add(member["person_id"])
    # the month's large inpatient bills of low-income persons (the monitoring module reads them)
    low = living.filter(pc.is_in(living["aid_category"], pa.array(LOW_INCOME))).to_pylist()
    level3 = {}
    for inst, lev, region in zip(
        *(places[c].to_pylist() for c in ("institution_id", "level", "region_code")), strict=True
    ):
        if lev == 3 and region.startswith("15"):
            level3.setdefault(regions.league_of(region).code, []).append(inst)
    month_start = as_of.replace(day=1)
    for k in rng.permutation(len(low))[: max(10, count // 1_500)] if low else []:
        person = low[int(k)]
        discharged = date.fromordinal(
            as_of.toordinal() - int(rng.integers(0, (as_of - month_start).days + 1))
        )
        admitted = date.fromordinal(discharged.toordinal() - int(rng.integers(10, 31)))
        total = int(rng.integers(*LARGE_BILL_YUAN)) * 100
        a, b = int(total * 0.65), int(total * 0.25)
        extra.append({
            "claim_id": f"D-LARGE-{person['person_id']}-{int(k)}", "person_id": person["person_id"],
            "institution_id": int(rng.choice(level3[person["pool_region"]])), "care_type": "inpatient",
            "admission_date": admitted, "discharge_date": discharged,
            "class_a_fen": a, "class_b_fen": b, "class_c_fen": total - a - b,
        })  # fmt: skip
    for r in extra:
        lines.bill(r, caps, level_of[r["institution_id"]], None, sex_of.get(r["person_id"], "M"))
    items = lines.table()
    # each claim's bill is its items: the class sums come from the lines
    sums = items.group_by(["claim_id", "catalogue_class"]).aggregate([("amount_fen", "sum")]).to_pylist()
    by_claim: dict[str, dict[str, int]] = {}
    for s in sums:
        by_claim.setdefault(s["claim_id"], {})[s["catalogue_class"]] = s["amount_fen_sum"]
    every = rows + extra
    for r in every:
        own = by_claim.get(r["claim_id"], {})
        r["class_a_fen"], r["class_b_fen"], r["class_c_fen"] = (
            own.get("A", 0),
            own.get("B", 0),
            own.get("C", 0),
        )
    planted_table = pa.table(
        {"claim_id": [p[0] for p in planted], "pattern": [p[1] for p in planted]}, schema=PLANTED
    )
    return pa.Table.from_pylist(every, schema=CLAIMS), items, planted_table, ghosts


def _institution_rows(places: pa.Table, since: date, now) -> list[dict]:
    names = {1: "卫生院", 2: "人民医院", 3: "中心医院"}
    seen: dict[tuple[str, int], int] = {}
    rows = []
    for inst, level, region in zip(
        *(places[c].to_pylist() for c in ("institution_id", "level", "region_code")), strict=True
    ):
        seen[(region, level)] = seen.get((region, level), 0) + 1
        place = (
            regions.get(region).name_zh
            if regions.exists(region)
            else regions.province_of_code(region).name_zh
        )
        rows.append({
            "id": inst, "code": f"DEMO{inst:05d}", "name": f"{place}第{seen[(region, level)]}{names[level]}",
            "level": level, "region_code": region, "kind": "clinic" if level == 1 else "hospital",
            "designated_from": since, "designated_to": None, "version": 1, "updated_at": now,
        })  # fmt: skip
    return rows


def _ingest(engine, model, columns: dict[str, pa.Array], length: int) -> None:
    """Append rows through ADBC (the registry loader's bulk path) in one transaction."""
    from minsheng.synth.load import _adbc, _frame

    frame = _frame(model.__table__, engine.dialect.name, columns, length)
    with _adbc(engine) as connection:
        cursor = connection.cursor()
        try:
            for first in range(0, length, 200_000):
                cursor.adbc_ingest(model.__tablename__, frame.slice(first, 200_000), mode="append")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise


def _stamp(engine, now) -> pa.Scalar:
    if engine.dialect.name == "postgresql":
        return pa.scalar(now, pa.timestamp("us", tz="UTC"))
    return pa.scalar(now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"))


def load_demo(engine, as_of: date, seed: int, claims: int = 20_000) -> dict[str, int]:
    """The demo's medical data in the database, from the registry already loaded: designated institutions,
    enrolment of the living (premiums with the 特困/低保 subsidies), a year of claims up to `as_of` settled
    by the settlement rule in one batch with the annual accumulators, their items, the supervision rule's
    flags and a few cases. Runs only on a database without enrolment (a second call changes nothing)."""
    import hashlib
    import time

    from sqlalchemy import delete, func, insert, select, text

    from minsheng.medical import service, supervision
    from minsheng.medical.models import Accumulator, Claim, ClaimItem, Enrolment, Flag, Institution
    from minsheng.medical.settlement import accumulators_after, settle
    from minsheng.store import audit
    from minsheng.store.base import utcnow
    from minsheng.store.db import unit_of_work

    started = time.perf_counter()
    with engine.connect() as connection:
        if connection.execute(select(Enrolment.id).limit(1)).first() is not None:
            return {"skipped": 1}
        first_id = {
            model.__tablename__: (connection.execute(select(func.max(model.id))).scalar() or 0) + 1
            for model in (Institution, Claim, ClaimItem, Flag, Enrolment)
        }
    members = _registry_members(engine)
    if members.num_rows == 0:
        return {"skipped": 1}
    rng = np.random.default_rng(seed)
    start = _window(as_of)
    now = utcnow()
    places = institutions()
    places = places.set_column(
        0, "institution_id", pc.add(places["institution_id"], first_id["medical_institution"] - 1)
    )
    enrolled = _enrolment_years(members, start, as_of, rng)
    claim_table, items, planted, ghosts = _demo_claims(enrolled, members, places, start, as_of, claims, rng)
    if ghosts:  # the insurer was never told of these deaths: their enrolment stays open
        ghost = pc.is_in(enrolled["person_id"], pa.array(sorted(ghosts), pa.int64()))
        ended = enrolled.schema.get_field_index("ended_on")
        enrolled = enrolled.set_column(
            ended,
            "ended_on",
            pc.if_else(ghost, pa.nulls(enrolled.num_rows, pa.date32()), enrolled["ended_on"]),
        )
    # one batch through the settlement rule: every person's claims in date order with the accumulators
    result = settle(claim_table, enrolled, places, threads=2)
    result = result.filter(pc.field("settled"))
    kept = pc.is_in(claim_table["claim_id"], result["claim_id"])
    claim_table = claim_table.filter(kept)
    items = items.filter(pc.is_in(items["claim_id"], result["claim_id"]))
    flags = supervision.flags_from(
        supervision.supervise(claim_table, items, places, enrolled, members.select(["person_id", "sex", "death_date"]), as_of)
    )  # fmt: skip

    # rows for the store
    claim_ids = {cid: first_id["medical_claim"] + n for n, cid in enumerate(result["claim_id"].to_pylist())}
    claim_of = {r["claim_id"]: r for r in claim_table.to_pylist()}
    claim_rows = []
    for row in result.to_pylist():
        source = claim_of[row["claim_id"]]
        claim_rows.append({
            "id": claim_ids[row["claim_id"]], "idempotency_key": f"demo-{row['claim_id']}",
            "request_hash": hashlib.sha256(repr(sorted(source.items())).encode()).hexdigest(),
            "claim_number": row["claim_id"], "person_id": row["person_id"], "institution_id": source["institution_id"],
            "care_type": row["care_type"], "admission_date": source["admission_date"],
            "discharge_date": source["discharge_date"], "year": row["year"], "pool_region": row["pool_region"],
            "total_fen": row["total_fen"], "policy_fen": row["policy_fen"], "basic_fen": row["basic_fen"],
            "oop_policy_fen": row["oop_policy_fen"], "critical_illness_fen": row["critical_illness_fen"],
            "medical_aid_fen": row["medical_aid_fen"], "self_pay_fen": row["self_pay_fen"], "status": "settled",
            "result": service._explain(row), "actor": "demo", "settled_at": now,
        })  # fmt: skip
    after = accumulators_after(result)
    counts = {
        (r["person_id"], r["year"]): r["count_all"]
        for r in result.group_by(["person_id", "year"]).aggregate([([], "count_all")]).to_pylist()
    }
    accumulator_rows = [
        {**r, "claims_count": counts[(r["person_id"], r["year"])], "version": 1, "updated_at": now}
        for r in after.to_pylist()
    ]
    flag_rows = [
        {
            "id": first_id["medical_flag"] + n, "rule": f["rule"], "claim_number": f["claim_id"],
            "person_id": f["person_id"], "institution_id": f["institution_id"], "severity": f["severity"],
            "loss_fen": int(f["loss_fen"] or 0), "evidence": f["evidence"], "created_at": now,
        }
        for n, f in enumerate(flags)
    ]  # fmt: skip
    premiums = {}
    for key in set(
        zip(
            *(enrolled[c].to_pylist() for c in ("year", "aid_category", "insurance_type", "pool_region")),
            strict=True,
        )
    ):
        premiums[key] = service.premium_of(*key)
    keys = zip(
        *(enrolled[c].to_pylist() for c in ("year", "aid_category", "insurance_type", "pool_region")),
        strict=True,
    )
    premium, subsidy = (np.array(v, dtype=np.int64) for v in zip(*(premiums[k] for k in keys), strict=True))
    m = enrolled.num_rows
    stamp = _stamp(engine, now)

    try:
        with engine.begin() as connection:
            connection.execute(
                insert(Institution), _institution_rows(places, date(start.year - 5, 1, 1), now)
            )
            for first in range(0, len(claim_rows), 5_000):
                connection.execute(insert(Claim), claim_rows[first : first + 5_000])
            if accumulator_rows:
                connection.execute(insert(Accumulator), accumulator_rows)
            if flag_rows:
                connection.execute(insert(Flag), flag_rows)
        n_items = items.num_rows
        _ingest(engine, ClaimItem, {
            "id": pa.array(np.arange(first_id["medical_claim_item"], first_id["medical_claim_item"] + n_items)),
            "claim_id": pa.array([claim_ids[c] for c in items["claim_id"].to_pylist()], pa.int64()),
            "item_name": pa.array([ITEM_NAMES[c] for c in items["item_code"].to_pylist()]),
            **{name: items[name].combine_chunks() for name in (
                "line_no", "item_code", "catalogue_class", "service_date", "quantity", "unit_price_fen", "amount_fen")},
        }, n_items)  # fmt: skip
        # enrolment last: its first row is the mark that the medical demo data is complete
        _ingest(engine, Enrolment, {
            "id": pa.array(np.arange(first_id["medical_enrolment"], first_id["medical_enrolment"] + m)),
            **{name: enrolled[name].combine_chunks() for name in enrolled.column_names},
            "premium_fen": pa.array(premium), "subsidy_fen": pa.array(subsidy),
            "individual_fen": pa.array(premium - subsidy),
            "version": pa.repeat(pa.scalar(1, pa.int64()), m), "updated_at": pa.repeat(stamp, m),
        }, m)  # fmt: skip
    except BaseException:
        with engine.begin() as connection:  # leave the medical tables as they were
            for model in (ClaimItem, Flag, Claim, Accumulator, Institution):
                if model is Accumulator:
                    connection.execute(delete(Accumulator).where(Accumulator.person_id.in_(
                        select(Claim.person_id).where(Claim.id >= first_id["medical_claim"]))))  # fmt: skip
                    continue
                connection.execute(delete(model).where(model.id >= first_id[model.__tablename__]))
        raise
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for name in first_id:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT coalesce(max(id), 1) FROM {name}))"
                    )
                )
    cases = _open_cases(engine, first_id["medical_flag"], as_of)
    scores = supervision.score(flags, planted)
    with unit_of_work(engine) as session:
        audit.append(
            session, actor="demo", action="medical.demo.load", entity="medical_enrolment", region_code=regions.REGION_CODE,
            after={"as_of": as_of, "seed": seed, "claims": len(claim_rows), "enrolled": m, "from": start},
        )  # fmt: skip
    return {
        "institutions": places.num_rows,
        "enrolled": m,
        "claims": len(claim_rows),
        "items": items.num_rows,
        "flags": len(flag_rows),
        "planted": planted.num_rows,
        "planted_found": sum(s.found for s in scores),
        "cases": cases,
        "claims_in_month": int(
            pc.sum(pc.greater_equal(claim_table["discharge_date"], pa.scalar(as_of.replace(day=1)))).as_py()
            or 0
        ),
        "seconds": round(time.perf_counter() - started),
    }


def _open_cases(engine, first_flag: int, as_of: date) -> int:
    """Cases against the institutions with the largest flagged losses; half of them decided."""
    from decimal import Decimal

    from sqlalchemy import select

    from minsheng.medical import supervision
    from minsheng.medical.models import Flag
    from minsheng.store.db import unit_of_work

    with unit_of_work(engine) as session:
        flags = session.execute(
            select(Flag.id, Flag.institution_id, Flag.rule, Flag.loss_fen).where(Flag.id >= first_flag)
        ).all()
        by_institution: dict[int, list] = {}
        for flag in flags:
            by_institution.setdefault(flag.institution_id, []).append(flag)
        worst = sorted(by_institution.items(), key=lambda kv: -sum(f.loss_fen for f in kv[1]))[:DEMO_CASES]
        for n, (institution_id, found) in enumerate(worst):
            kind = "fraud" if any(f.rule == "after_death" for f in found) else "misuse"
            case = supervision.open_case(session, institution_id, [f.id for f in found], kind, actor="demo")
            if n % 2 == 0 and case.loss_fen > 0:
                low = Decimal(
                    str(supervision.value_at("medical.supervision.fine_multiple_min", as_of, case_kind=kind))
                )
                supervision.decide_case(
                    session, case.id, refused_fen=case.loss_fen // 2, recovered_fen=case.loss_fen - case.loss_fen // 2,
                    fine_multiple=low, on=as_of, actor="demo",
                )  # fmt: skip
        return len(worst)
