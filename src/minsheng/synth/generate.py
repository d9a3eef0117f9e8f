"""A synthetic Inner Mongolia: households and members as the registry snapshot, plus their personal data.

Everything is vectorised numpy, banner by banner: each banner has its own random stream (derived from
the seed and the banner's position), so the output depends only on (persons, seed, as_of). A banner is
generated whole, which makes the ID-number sequence (rank within banner, birth date and sex) unique
without any global sort. A writer thread encodes Parquet while the next banner is generated.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import queue
import resource
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from minsheng.registry import snapshot
from minsheng.registry.vocabulary import (
    DISABILITY_TYPE,
    EDUCATION,
    EMPLOYMENT_STATUS,
    ETHNICITIES,
    EXPENSE_CATEGORY,
    INCOME_CATEGORY,
    KEY_GROUP_TAG,
    RELATIONSHIP,
)
from minsheng.synth import calibration as cal
from minsheng.synth import names

GENERATOR_VERSION = 1
EPOCH = date(1970, 1, 1)
ROW_GROUP_PERSONS = 1_000_000  # buffered banners are flushed as one row group at about this size

PII = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("id_number", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("phone", pa.string()),
        pa.field("bank_account", pa.string()),
    ]
)

REL = {code: i for i, code in enumerate(RELATIONSHIP)}
EDU = {code: i for i, code in enumerate(EDUCATION)}
EMP = {code: i for i, code in enumerate(EMPLOYMENT_STATUS)}
DIS = list(DISABILITY_TYPE)
TAGS = list(KEY_GROUP_TAG)
H, S, C, P, G = REL["head"], REL["spouse"], REL["child"], REL["parent"], REL["grandchild"]

# Household templates: members' relationships, the head's age ranges (low, high, weight), the chance the
# head is a man, and the template's weight among urban and rural households. Plausible, tuned so the
# region's household sizes (mean ≈ 2.4, many 1–2 person elderly households in the countryside) and age
# pyramid come out as in calibration.
TEMPLATES: list[tuple[str, tuple[int, ...], list[tuple[float, float, float]], float, float, float]] = [
    ("single_young", (H,), [(20, 35, 1)], 0.60, 0.075, 0.035),
    ("single_middle", (H,), [(35, 60, 1)], 0.60, 0.08, 0.08),
    ("single_old", (H,), [(60, 70, 0.55), (70, 80, 0.32), (80, 96, 0.13)], 0.40, 0.06, 0.10),
    ("couple_young", (H, S), [(22, 35, 1)], 0.85, 0.04, 0.025),
    ("couple_middle", (H, S), [(40, 50, 0.4), (50, 60, 0.6)], 0.85, 0.11, 0.12),
    ("couple_old", (H, S), [(60, 70, 0.62), (70, 80, 0.3), (80, 90, 0.08)], 0.85, 0.085, 0.125),
    ("single_parent", (H, C), [(28, 60, 1)], 0.30, 0.03, 0.02),
    ("head_parent", (H, P), [(25, 60, 1)], 0.65, 0.02, 0.02),
    ("grandparent_grandchild", (H, G), [(55, 80, 1)], 0.35, 0.005, 0.02),
    ("couple_one_child", (H, S, C), [(26, 45, 0.50), (45, 60, 0.40), (60, 75, 0.10)], 0.85, 0.22, 0.14),
    ("skipped_one", (H, S, G), [(50, 75, 1)], 0.85, 0.01, 0.04),
    ("couple_two_children", (H, S, C, C), [(27, 45, 0.7), (45, 58, 0.3)], 0.85, 0.10, 0.09),
    ("three_generations_4", (H, S, C, P), [(28, 55, 1)], 0.85, 0.025, 0.025),
    ("skipped_two", (H, S, G, G), [(52, 75, 1)], 0.85, 0.005, 0.02),
    ("couple_three_children", (H, S, C, C, C), [(30, 55, 1)], 0.85, 0.006, 0.02),
    ("three_generations_5", (H, S, C, P, P), [(28, 52, 1)], 0.85, 0.03, 0.03),
    ("three_generations_6", (H, S, C, C, P, P), [(30, 52, 1)], 0.85, 0.01, 0.01),
]
MAX_SLOTS = max(len(t[1]) for t in TEMPLATES)
T_REL = np.full((len(TEMPLATES), MAX_SLOTS), -1, np.int8)
T_RANK = np.zeros((len(TEMPLATES), MAX_SLOTS), np.int8)  # k-th child, grandchild or parent
for _t, (_name, _slots, *_rest) in enumerate(TEMPLATES):
    _seen: dict[int, int] = {}
    for _j, _rel in enumerate(_slots):
        T_REL[_t, _j] = _rel
        T_RANK[_t, _j] = _seen.get(_rel, 0)
        _seen[_rel] = _seen.get(_rel, 0) + 1
T_SIZE = np.array([len(t[1]) for t in TEMPLATES])
T_PARENTS = np.array([t[1].count(P) for t in TEMPLATES])
T_MALE_HEAD = np.array([t[3] for t in TEMPLATES])
T_WEIGHT = {
    "urban": np.array([t[4] for t in TEMPLATES]) / sum(t[4] for t in TEMPLATES),
    "rural": np.array([t[5] for t in TEMPLATES]) / sum(t[5] for t in TEMPLATES),
}
_N_RANGES = max(len(t[2]) for t in TEMPLATES)
T_AGE_LO = np.zeros((len(TEMPLATES), _N_RANGES))
T_AGE_HI = np.zeros((len(TEMPLATES), _N_RANGES))
T_AGE_CUM = np.ones((len(TEMPLATES), _N_RANGES))
for _t, _template in enumerate(TEMPLATES):
    _ranges = _template[2]
    _total = sum(r[2] for r in _ranges)
    _cum = np.cumsum([r[2] / _total for r in _ranges])
    for _k in range(_N_RANGES):
        _r = _ranges[min(_k, len(_ranges) - 1)]
        T_AGE_LO[_t, _k], T_AGE_HI[_t, _k] = _r[0], _r[1]
        T_AGE_CUM[_t, _k] = _cum[min(_k, len(_ranges) - 1)]

# Education attained by age group and hukou (none … postgraduate), plausible shapes under the 2020 IM
# bulletin (per 100 000: university 18 688, senior 14 814, junior 33 861, primary 23 627).
EDUCATION_BY_COHORT = {
    "urban": np.array(
        [
            [0.003, 0.03, 0.20, 0.22, 0.22, 0.29, 0.037],  # 18-34
            [0.005, 0.05, 0.30, 0.25, 0.18, 0.19, 0.025],  # 35-49
            [0.01, 0.10, 0.38, 0.30, 0.12, 0.08, 0.01],  # 50-64
            [0.06, 0.27, 0.33, 0.22, 0.07, 0.05, 0.0],  # 65+
        ]
    ),
    "rural": np.array(
        [
            [0.01, 0.08, 0.42, 0.20, 0.15, 0.13, 0.01],
            [0.02, 0.17, 0.52, 0.16, 0.08, 0.045, 0.005],
            [0.05, 0.32, 0.47, 0.12, 0.03, 0.01, 0.0],
            [0.20, 0.47, 0.25, 0.06, 0.015, 0.005, 0.0],
        ]
    ),
}
# Working-age status (employed, farming, self_employed, unemployed, other) by hukou; hardship households
# see more unemployment and inactivity.
STATUS_CODES = np.array(
    [EMP["employed"], EMP["farming"], EMP["self_employed"], EMP["unemployed"], EMP["other"]]
)
STATUS_WORKING_AGE = {
    ("urban", False): [0.72, 0.01, 0.12, cal.URBAN_UNEMPLOYMENT, 0.105],
    ("urban", True): [0.35, 0.02, 0.08, 0.25, 0.30],
    ("rural", False): [0.28, 0.50, 0.07, 0.03, 0.12],
    ("rural", True): [0.12, 0.45, 0.03, 0.12, 0.28],
}
BANK_BINS = np.array([622848, 621700, 622202, 621799, 623668, 622908])  # 农行, 建行, 工行, 邮储, 信用社, 兴业
PHONE_SECOND = np.array([3, 5, 8, 7, 9])
_BIN_DIGITS = np.array([[int(d) for d in str(b)] for b in BANK_BINS], np.uint8)
STATUS_KEYS = [("urban", False), ("urban", True), ("rural", False), ("rural", True)]


PHASES: dict[str, float] = {}  # CPU seconds per phase of generation, summed over banners (benchmarks)


class _Clock:
    def __init__(self) -> None:
        self.last = time.process_time()  # CPU time: a busy machine does not inflate it
        self.label = "households"

    def lap(self, next_label: str) -> None:
        now = time.process_time()
        PHASES[self.label] = PHASES.get(self.label, 0.0) + now - self.last
        self.last, self.label = now, next_label


@dataclass
class Batch:
    """One banner (or several) of households, members and personal data, ready to write."""

    households: pa.Table
    members: pa.Table
    pii: pa.Table


@dataclass
class Summary:
    persons: int
    households: int
    seconds: float
    out_dir: Path
    banners: int
    phases: dict[str, float] = field(default_factory=dict)


def _dictionary_type(index: pa.DataType = pa.int8()) -> pa.DataType:
    return pa.dictionary(index, pa.string())


_ETHNICITY_DICT = pa.array(list(ETHNICITIES))
_REL_DICT = pa.array(list(RELATIONSHIP))
_EDU_DICT = pa.array(list(EDUCATION))
_EMP_DICT = pa.array(list(EMPLOYMENT_STATUS))
_DIS_DICT = pa.array(DIS)
_TAG_DICT = pa.array(TAGS)
_SEX_DICT = pa.array(["M", "F"])
_HUKOU_DICT = pa.array(["urban", "rural"])


def _banner_dictionary() -> pa.Array:
    return pa.array(list(cal.banner_table()["code"]))


# What the writer sees: the snapshot schemas with low-cardinality strings dictionary-encoded (Parquet
# stores them so anyway; the file reads back with exactly the snapshot's schema since no Arrow schema
# is stored beside it).
_ENCODED = {
    "banner_code": pa.int16(),
    "hukou": pa.int8(),
    "relationship_to_head": pa.int8(),
    "sex": pa.int8(),
    "hukou_region": pa.int16(),
    "residence_region": pa.int16(),
    "ethnicity": pa.int8(),
    "education": pa.int8(),
    "employment_status": pa.int8(),
    "disability_type": pa.int8(),
    "name": pa.int32(),
}


def _write_schema(schema: pa.Schema) -> pa.Schema:
    fields = []
    for f in schema:
        if f.name in _ENCODED:
            fields.append(pa.field(f.name, _dictionary_type(_ENCODED[f.name]), nullable=f.nullable))
        elif f.name == "tags":
            fields.append(pa.field("tags", pa.list_(_dictionary_type()), nullable=f.nullable))
        else:
            fields.append(f)
    return pa.schema(fields)


HOUSEHOLDS_WRITE = _write_schema(snapshot.HOUSEHOLDS)
MEMBERS_WRITE = _write_schema(snapshot.MEMBERS)
PII_WRITE = _write_schema(PII)


def _dict(
    codes: np.ndarray, dictionary: pa.Array, index: pa.DataType, mask: np.ndarray | None = None
) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(index.to_pandas_dtype()), index, mask=mask), dictionary
    )


def _fixed_strings(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """An (n, width) array of ASCII bytes as an Arrow string array, without a Python loop."""
    n, width = matrix.shape
    offsets = np.arange(0, width * (n + 1), width, dtype=np.int32)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix)), bitmap
    )


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as an (n, width) matrix of decimal digits, most significant first."""
    out = np.empty((len(values), width), np.uint8)
    rest = values.astype(np.int64)
    for position in range(width - 1, -1, -1):
        out[:, position] = rest % 10
        rest //= 10
    return out


ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], np.int64)
CHECK_ASCII = np.frombuffer(b"10X98765432", np.uint8)
DATE_BASE = np.datetime64("1900-01-01")
_DAYS_IN_TABLE = (np.datetime64("2100-01-01") - DATE_BASE).astype(np.int64)


def _date_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every day from 1900 to 2099: YYYYMMDD as ASCII, its weighted digit sum in an ID number,
    the year and MMDD (for completed ages)."""
    dates = DATE_BASE + np.arange(_DAYS_IN_TABLE).astype("timedelta64[D]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    digits = _digits(years * 10000 + months * 100 + days, 8)
    return digits + ord("0"), digits.astype(np.int64) @ ID_WEIGHTS[6:14], years, months * 100 + days


_DATE_ASCII, _DATE_SUM, _DATE_YEAR, _DATE_MMDD = _date_tables()
_EPOCH_IN_TABLE = (np.datetime64("1970-01-01") - DATE_BASE).astype(np.int64)


def completed_years(birth_days: np.ndarray, as_of: date) -> np.ndarray:
    """Age in completed years on `as_of` (idcard.age_on, vectorised): a birthday counts from its day."""
    day = birth_days + _EPOCH_IN_TABLE
    before_birthday = (as_of.month * 100 + as_of.day) < _DATE_MMDD[day]
    return as_of.year - _DATE_YEAR[day] - before_birthday


_SEQ_DIGITS = _digits(np.arange(1000), 3)
_SEQ_ASCII, _SEQ_SUM = _SEQ_DIGITS + ord("0"), _SEQ_DIGITS.astype(np.int64) @ ID_WEIGHTS[14:17]


def id_numbers(address_code: str, birth_days: np.ndarray, sequence: np.ndarray) -> np.ndarray:
    """GB 11643 numbers as an (n, 18) ASCII matrix; the check character by ISO 7064 MOD 11-2.
    `birth_days` count from 1970-01-01; weighted digit sums come from tables, so no per-digit work."""
    n = len(birth_days)
    address = np.frombuffer(address_code.encode(), np.uint8)
    day = birth_days + _EPOCH_IN_TABLE
    out = np.empty((n, 18), np.uint8)
    out[:, :6] = address
    out[:, 6:14] = _DATE_ASCII[day]
    out[:, 14:17] = _SEQ_ASCII[sequence]
    total = int((address - ord("0")).astype(np.int64) @ ID_WEIGHTS[:6]) + _DATE_SUM[day] + _SEQ_SUM[sequence]
    out[:, 17] = CHECK_ASCII[total % 11]
    return out


def id_sequence(birth_days: np.ndarray, male: np.ndarray) -> np.ndarray:
    """The 3-digit sequence: odd for men, even for women, unique within (birth date, sex) of a banner.

    Rank within equal keys after a radix sort of the 16-bit day offset, one sex at a time."""
    rank = np.empty(len(birth_days), np.int64)
    for sex in (True, False):
        where = np.flatnonzero(male == sex)
        if not len(where):
            continue
        days = birth_days[where]
        key = (days - days.min()).astype(np.uint16)  # < 65 536 days: the ages span at most 101 years
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        positions = np.arange(len(key))
        starts = np.maximum.accumulate(np.where(np.r_[True, ordered[1:] != ordered[:-1]], positions, 0))
        rank[where[order]] = positions - starts
    if len(rank) and rank.max() > 498:
        raise ValueError(
            "同一旗县同日出生人数超过身份证顺序码容量 / more persons born on one day in one banner than "
            "the ID sequence can number; generate fewer persons"
        )
    return np.where(male, 2 * rank + 1, 2 * rank + 2)


_POPCOUNT = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(axis=1).astype(np.int32)
_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], np.uint16)


def _luhn(digits: np.ndarray) -> np.ndarray:
    """The Luhn check digit of each row of digits (bank card numbers)."""
    width = digits.shape[1]
    total = np.zeros(len(digits), np.uint16)
    for position in range(width):
        column = digits[:, position]
        total += _LUHN_DOUBLE[column] if (width - position) % 2 == 1 else column
    return ((10 - total % 10) % 10).astype(np.uint8)


def _grouped_draw(shares: np.ndarray, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Categorical draws with one row of `shares` per group: a single searchsorted over the groups'
    cumulative shares laid end to end (group g occupies [g, g + 1))."""
    cumulative = np.cumsum(shares, axis=1) / shares.sum(axis=1, keepdims=True)
    bounds = (np.arange(len(shares))[:, None] + cumulative).ravel()
    found = np.searchsorted(bounds, group + np.minimum(u, 0.999999), side="right")
    return (found - group * shares.shape[1]).astype(np.int8)


def _lognormal(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    return np.exp(rng.standard_normal(n) * sigma)


def _chance(rng: np.random.Generator, n: int, p: float | np.ndarray) -> np.ndarray:
    return rng.random(n, dtype=np.float32) < p


def _categorical(rng: np.random.Generator, n: int, shares) -> np.ndarray:
    cumulative = np.cumsum(shares) / np.sum(shares)
    return np.minimum(np.searchsorted(cumulative, rng.random(n)), len(cumulative) - 1).astype(np.int8)


def _amounts(
    rng: np.random.Generator,
    mask: np.ndarray,
    median: float | np.ndarray,
    sigma: float,
    scale: np.ndarray | None = None,
    power: float = 1.0,
    chance: float | np.ndarray | None = None,
) -> np.ndarray:
    """Monthly amounts in fen: log-normal around `median` yuan (× `scale` ** `power`) for the persons
    in `mask` (each with probability `chance`), else 0. Only those persons are drawn."""
    where = np.flatnonzero(mask)
    if chance is not None:
        p = chance[where] if isinstance(chance, np.ndarray) else chance
        where = where[rng.random(len(where), dtype=np.float32) < p]
    out = np.zeros(len(mask), np.int64)
    value = np.exp(rng.standard_normal(len(where), dtype=np.float32) * np.float32(sigma)).astype(np.float64)
    value *= median[where] if isinstance(median, np.ndarray) else median
    if scale is not None:
        value *= scale[where] if power == 1.0 else scale[where] ** power
    out[where] = _fen(value)
    return out


def _fen(yuan: np.ndarray) -> np.ndarray:
    """Yuan (float) to whole fen, half up; amounts here are synthetic, so float is exact enough."""
    return np.floor(np.maximum(yuan, 0) * 100 + 0.5).astype(np.int64)


def generate_banner(banner_index: int, persons: int, seed: int, as_of: date) -> Batch:
    """Households, members and personal data of one banner, local ids from 0."""
    table = cal.banner_table()
    banner_code = str(table["code"][banner_index])
    rng = np.random.default_rng(
        np.random.SeedSequence(entropy=seed, spawn_key=(GENERATOR_VERSION, banner_index))
    )
    today = (as_of - EPOCH).days

    clock = _Clock()
    # Households: hukou, template; enough of them to hold `persons`, the remainder as single persons.
    urban_share = table["urban_share"][banner_index]
    estimate = int(persons / 2.0) + 16
    hukou_urban = rng.random(estimate) < urban_share
    u = rng.random(estimate)
    template = np.where(
        hukou_urban,
        np.searchsorted(np.cumsum(T_WEIGHT["urban"]), u * T_WEIGHT["urban"].sum()),
        np.searchsorted(np.cumsum(T_WEIGHT["rural"]), u * T_WEIGHT["rural"].sum()),
    )
    template = np.minimum(template, len(TEMPLATES) - 1)
    filled = np.cumsum(T_SIZE[template])
    keep = int(np.searchsorted(filled, persons, side="right"))
    remainder = persons - (int(filled[keep - 1]) if keep else 0)
    template = np.r_[template[:keep], np.full(remainder, 1)]  # single_middle households fill up
    hukou_urban = np.r_[hukou_urban[:keep], rng.random(remainder) < urban_share]
    n_households = len(template)
    size = T_SIZE[template]
    start = np.zeros(n_households, np.int64)
    np.cumsum(size[:-1], out=start[1:])

    # Household-level draws.
    age_range = np.minimum(
        (rng.random(n_households)[:, None] > T_AGE_CUM[template]).sum(axis=1), _N_RANGES - 1
    )
    lo, hi = T_AGE_LO[template, age_range], T_AGE_HI[template, age_range]
    head_age = lo + rng.random(n_households) * (hi - lo)
    head_male = rng.random(n_households) < T_MALE_HEAD[template]
    child_gap = 22 + rng.random(n_households) * np.clip(head_age - 24, 0, 12)
    grandchild_gap = 46 + rng.random(n_households) * 12
    hardship = rng.random(n_households) < np.where(
        hukou_urban, cal.HARDSHIP_SHARE["urban"], cal.HARDSHIP_SHARE["rural"]
    )
    sigma = np.where(hukou_urban, cal.PROSPERITY_SIGMA["urban"], cal.PROSPERITY_SIGMA["rural"])
    prosperity = np.exp(rng.standard_normal(n_households) * sigma - sigma**2 / 2) * np.where(
        hardship, cal.HARDSHIP_FACTOR, 1.0
    )
    family_surname = names.surnames(rng, n_households)

    clock.lap("persons")
    # Persons: slot within household → relationship and age.
    household = np.repeat(np.arange(n_households), size)
    slot = np.arange(persons) - start[household]
    tpl = template[household]
    rel = T_REL[tpl, slot]
    rank = T_RANK[tpl, slot]
    h_age = head_age[household]
    urban = hukou_urban[household]
    u = rng.random((4, persons), dtype=np.float32)
    age = h_age.copy()
    is_spouse, is_child, is_parent, is_grandchild = rel == S, rel == C, rel == P, rel == G
    h_male = head_male[household]
    age = np.where(is_spouse, h_age + np.where(h_male, -2.5, 2.5) + rng.standard_normal(persons) * 3, age)
    age = np.where(is_child, h_age - child_gap[household] - rank * (1.5 + u[0] * 4), age)
    age = np.where(is_parent, h_age + 22 + u[1] * 12, age)
    age = np.where(is_grandchild, h_age - grandchild_gap[household] - rank * (1.5 + u[0] * 4), age)
    age = np.where(age < 0, -age, age)  # a child "born after" the gap is reflected, not piled at 0
    age = np.where(is_spouse & (age < 19), 19 + u[3] * 4, age)  # spread, never piled on one birthday
    age = np.where(age > 100, 95 + u[3] * 5, age)
    male = np.where(rel == H, h_male, u[2] < 0.515)
    male = np.where(is_spouse, ~h_male, male)
    two_parents = T_PARENTS[tpl] == 2
    male = np.where(is_parent, np.where(two_parents, rank == 0, u[2] < 0.3), male)
    birth = today - np.floor(age * 365.2425).astype(np.int64) - 1
    years = completed_years(birth, as_of)

    clock.lap("deaths")
    # Deaths in the past year, mostly among the old; they stay on file.
    death_p = cal.DECEASED_SHARE * np.exp(0.09 * (years - 75))
    death_p *= cal.DECEASED_SHARE * persons / max(death_p.sum(), 1e-9)
    dead = rng.random(persons) < death_p
    death_day = today - 1 - (rng.random(persons) * 364).astype(np.int64)

    clock.lap("ethnicity")
    # Ethnicity: one per household, a spouse sometimes of another people.
    mongol_share = table["mongol_share"][banner_index]
    shares = dict(cal.ETHNICITY_SHARE)
    others = 1 - shares["汉族"] - shares["蒙古族"]
    shares["蒙古族"] = mongol_share
    special = cal.AUTONOMOUS_BANNER_PEOPLE.get(banner_code)
    if special:
        shares[special] = 0.20
    other_total = sum(v for k, v in shares.items() if k not in ("汉族", "蒙古族"))
    shares["汉族"] = max(0.0, 1 - mongol_share - other_total)
    del others
    ethnic_cum = np.cumsum([shares[e] for e in ETHNICITIES])
    ethnic_cum /= ethnic_cum[-1]
    household_ethnicity = np.searchsorted(ethnic_cum, rng.random(n_households))
    ethnicity = household_ethnicity[household]
    spouse_other = is_spouse & (rng.random(persons) < 0.06)
    ethnicity[spouse_other] = np.searchsorted(ethnic_cum, rng.random(int(spouse_other.sum())))
    ethnicity = np.minimum(ethnicity, len(ETHNICITIES) - 1)

    clock.lap("health")
    # Disability, serious illness and self-care: rising with age; scaled to the target prevalence.
    disability_p = np.exp(0.045 * years)
    disability_p *= cal.DISABILITY_PREVALENCE * persons / disability_p.sum()
    disabled = rng.random(persons) < disability_p
    n_disabled = int(disabled.sum())
    disability_type = np.zeros(persons, np.int8)
    disability_type[disabled] = _categorical(rng, n_disabled, list(cal.DISABILITY_TYPE_SHARE.values()))
    grade = np.zeros(persons, np.int8)  # 0: none
    grade[disabled] = 1 + _categorical(rng, n_disabled, cal.DISABILITY_GRADE_SHARE)
    illness_p = np.exp(0.04 * years)
    illness_p *= cal.SERIOUS_ILLNESS_PREVALENCE * persons / illness_p.sum()
    serious = rng.random(persons) < illness_p
    adl_p = np.where(years >= 65, np.minimum(0.03 * np.exp(0.1 * (years - 65)), 0.6), 0.0)
    adl_p = np.where(grade == 1, 0.7, np.where(grade == 2, np.maximum(adl_p, 0.3), adl_p))
    adl = np.where(rng.random(persons) < adl_p, 1 + rng.binomial(5, 0.35, persons), 0).astype(np.int8)
    severe = (disabled & (grade <= 2)) | (adl >= 3)
    alive = ~dead

    clock.lap("education")
    # Education by age and cohort; 18–24 who will finish college are still students.
    cohort = np.searchsorted(np.array([35, 50, 65]), years, side="right")
    table_key = np.where(urban, cohort, cohort + 4)
    final_education = _grouped_draw(
        np.vstack([EDUCATION_BY_COHORT["urban"], EDUCATION_BY_COHORT["rural"]]), table_key, u[3]
    )
    finish_age = np.array([0, 12, 15, 18, 21, 22, 25])[final_education]
    studying = (years >= 18) & (years < finish_age)
    education = np.select(
        [years < 6, years < 12, years < 15, years < 18, studying & (final_education == 6), studying],
        [-1, EDU["primary"], EDU["junior"], EDU["junior"], EDU["bachelor"], EDU["senior"]],
        final_education,
    )
    education = np.where((years >= 15) & (years < 18) & (final_education >= 3), EDU["junior"], education)

    clock.lap("employment")
    # Employment status consistent with age, hukou, health and the household's hardship.
    status_key = np.where(urban, 0, 2) + hardship[household]
    status_table = np.array([STATUS_WORKING_AGE[key] for key in STATUS_KEYS])
    working = STATUS_CODES[_grouped_draw(status_table, status_key, rng.random(persons, dtype=np.float32))]
    retirement_age = np.where(male, 60, 55)
    elderly_rural = np.where(
        rng.random(persons) < np.clip(1.35 - years / 70, 0, 1), EMP["farming"], EMP["other"]
    )
    status = np.select(
        [years < 6, years < 16, studying, (years < 18) & (rng.random(persons) < 0.85)],
        [EMP["preschool"], EMP["student"], EMP["student"], EMP["student"]],
        working,
    )
    status = np.where(
        (years >= retirement_age) & ~studying,
        np.where(urban, np.where(rng.random(persons) < 0.9, EMP["retired"], EMP["other"]), elderly_rural),
        status,
    )
    status = np.where(severe & (years >= 16) & (rng.random(persons) < 0.85), EMP["unable"], status)
    status = np.where(serious & (years >= 16) & (rng.random(persons) < 0.5), EMP["unable"], status)

    clock.lap("incomes")
    # Incomes and expenses, in fen a month, drawn only for the persons who have them; none after death.
    wealth = prosperity[household]
    alive_adult = alive & (years >= 18)
    employed = alive & (status == EMP["employed"])
    wages = _amounts(
        rng, employed, np.where(urban, cal.WAGE_MEDIAN["urban"], cal.WAGE_MEDIAN["rural"]), 0.35, wealth, 0.8
    )
    business = _amounts(
        rng,
        alive & (status == EMP["self_employed"]),
        np.where(urban, cal.BUSINESS_MEDIAN["urban"], cal.BUSINESS_MEDIAN["rural"]),
        0.5,
        wealth,
    ) + _amounts(rng, alive & (status == EMP["farming"]), cal.FARMING_MEDIAN, 0.5, wealth)
    pension = _amounts(rng, alive & (status == EMP["retired"]), cal.PENSION_MEDIAN, 0.25, wealth, 0.2)
    basic_pension = np.where(
        alive & (years >= 60) & (status != EMP["retired"]), _fen(np.array(cal.RESIDENT_BASIC_PENSION)), 0
    )
    elderly_support = _amounts(rng, alive & (years >= 60) & ~urban, 500, 0.5, chance=0.75)
    # Urban adults without work: support from relatives living elsewhere (赡养费/抚养费 received).
    idle = (
        (status == EMP["other"]) | (status == EMP["unemployed"]) | (status == EMP["unable"])
    ) & alive_adult
    idle_support = _amounts(rng, urban & idle, 900, 0.5, chance=0.75)
    # Rural adults: land-transfer rent, grassland-ecology and farmland subsidies (转移/财产净收入).
    land = _amounts(rng, ~urban & alive_adult, cal.LAND_AND_SUBSIDY_MEDIAN, 0.6)
    unemployment_benefit = np.where(
        alive & (status == EMP["unemployed"]) & urban & _chance(rng, persons, 0.3), 140_000, 0
    )
    transfer = pension + elderly_support + idle_support + land + unemployment_benefit
    property_income = _amounts(
        rng, alive & (years >= 30), 800, 0.8, wealth, 1.5, chance=np.where(urban, 0.12, 0.04)
    )
    other_income = _amounts(rng, alive_adult, 300, 0.6, chance=0.03)
    veteran = (
        (years >= 22)
        & (years <= 85)
        & _chance(rng, persons, np.where(male, cal.VETERAN_SHARE_MEN, cal.VETERAN_SHARE_MEN / 25))
    )
    preferential = np.where(alive & veteran & (years >= 60) & _chance(rng, persons, 0.3), 60_000, 0)
    employment_cost = np.minimum((wages + 5) // 10, 40_000)  # 10 %, at most 400 yuan
    maintenance_paid = _amounts(
        rng, (wages > 0) & (years >= 35) & (years < 60) & (T_PARENTS[tpl] == 0), 500, 0.3, chance=0.08
    )
    grade_cost = np.array([0, 600.0, 350.0, 150.0, 80.0])[grade]
    disability_rigid = _amounts(
        rng, alive & disabled & ((grade <= 2) | _chance(rng, persons, 0.4)), grade_cost, 0.4
    )
    illness_rigid = _amounts(rng, alive & serious, 1500, 0.6)
    education_cost = _amounts(
        rng, alive & (status == EMP["student"]) & (years >= 15), np.where(years >= 18, 1000.0, 200.0), 0.3
    )
    medical = _amounts(rng, alive & (years >= 60), 200, 0.6, chance=0.25)
    medical += _amounts(rng, alive & serious, 800, 0.5)
    zero = np.zeros(persons, np.int64)
    income_fen = {
        "wages": wages,
        "business": business,
        "property": property_income,
        "transfer": transfer,
        "other": other_income,
        "basic_pension": basic_pension,
        "preferential": preferential,
        "assistance": zero,  # the programmes pay it
    }
    expense_fen = {
        "employment_cost": employment_cost,
        "maintenance_paid": maintenance_paid,
        "disability_rigid": disability_rigid,
        "illness_rigid": illness_rigid,
        "education": education_cost,
        "medical_self_pay": medical,
    }
    assert list(income_fen) == list(INCOME_CATEGORY) and list(expense_fen) == list(EXPENSE_CATEGORY)

    clock.lap("residence")
    # Residence: rural migrant workers live in a city district of their league or of the big three.
    migrant = ~urban & (status == EMP["employed"]) & (years >= 16) & (years < 60)
    league = table["league"][banner_index]
    seats = _seat_districts()
    away = migrant & (rng.random(persons) < 0.6)
    big_three = np.array([seats[code] for code in _BIG_THREE])
    destination = np.where(rng.random(persons) < 0.7, seats[league], big_three[rng.integers(0, 3, persons)])
    residence = np.where(away, destination, banner_index)

    clock.lap("tags")
    # Key-group tags.
    employed_like = np.isin(status, [EMP["employed"], EMP["farming"], EMP["self_employed"]])
    working_age = (years >= 16) & (years < 60) & (status != EMP["student"]) & alive
    household_workers = np.add.reduceat((working_age & employed_like).astype(np.int64), start)
    # 零就业家庭: urban, no working-age member in work, and someone able and looking (unemployed).
    household_unemployed = np.add.reduceat(
        (working_age & (status == EMP["unemployed"])).astype(np.int64), start
    )
    zero_employment = (household_unemployed > 0) & (household_workers == 0) & hukou_urban
    alleviated_p = np.where(
        hukou_urban, 0.0, cal.POVERTY_ALLEVIATED_SHARE_RURAL * np.clip(1.6 - prosperity, 0.2, 2.0)
    )
    alleviated = rng.random(n_households) < alleviated_p
    tag_masks = [  # in the order of KEY_GROUP_TAG
        (years >= 22)
        & (years <= 24)
        & (education >= EDU["bachelor"])
        & (status != EMP["student"]),  # graduate
        veteran,
        migrant,
        status == EMP["unemployed"],
        alleviated[household],
        None,  # dibao: the programmes decide it
        zero_employment[household],
        disabled,
    ]
    # One bit per tag; only the persons with any tag are unpacked into (person, tag) pairs.
    bits = np.zeros(persons, np.uint8)
    for position, mask in enumerate(tag_masks):
        if mask is not None:
            bits |= mask.view(np.uint8) << position
    bits[dead] = 0
    tagged = np.flatnonzero(bits)
    tag_columns = np.nonzero(np.unpackbits(bits[tagged, None], axis=1, bitorder="little"))[1]
    tag_offsets = np.zeros(persons + 1, np.int32)
    np.cumsum(_POPCOUNT[bits], out=tag_offsets[1:])
    tags = pa.ListArray.from_arrays(pa.array(tag_offsets), _dict(tag_columns, _TAG_DICT, pa.int8()))

    clock.lap("assets")
    # Household assets.
    urban_h = hukou_urban
    deposits = np.where(urban_h, 40_000, 12_000) * prosperity**1.5 * _lognormal(rng, n_households, 1.0)
    deposits *= np.where(rng.random(n_households) < 0.12, 0.02, 1.0)
    vehicle_p = np.clip(np.where(urban_h, 0.42, 0.33) * prosperity**0.7, 0, 0.9)
    vehicles = (rng.random(n_households) < vehicle_p) * (1 + (rng.random(n_households) < 0.12 * prosperity))
    vehicle_value = vehicles * 80_000 * prosperity**0.5 * _lognormal(rng, n_households, 0.5)
    u_dw = rng.random(n_households)
    dwellings = np.where(
        urban_h,
        np.where(u_dw < 0.12 / np.maximum(prosperity, 0.5), 0, np.where(u_dw > 1 - 0.12 * prosperity, 2, 1)),
        np.where(u_dw < 0.03, 0, np.where(u_dw > 0.97, 2, 1)),
    )
    self_employed_h = np.add.reduceat((status == EMP["self_employed"]).astype(np.int64), start) > 0
    farming_h = np.add.reduceat((status == EMP["farming"]).astype(np.int64), start) > 0
    business_assets = np.where(self_employed_h, 80_000 * _lognormal(rng, n_households, 0.8), 0) + np.where(
        farming_h, 30_000 * _lognormal(rng, n_households, 0.8), 0
    )
    other_assets = np.where(rng.random(n_households) < 0.05, 20_000 * _lognormal(rng, n_households, 0.7), 0)

    clock.lap("pii")
    # Personal data: ID numbers, names, phones, bank accounts.
    sequence = id_sequence(birth, male)
    ids = id_numbers(banner_code, birth, sequence)
    takes_family = (rel == H) | is_child | is_grandchild | (is_parent & male)
    name_index = names.choose(
        rng,
        male,
        birth < (date(1980, 1, 1) - EPOCH).days,
        ethnicity == ETHNICITIES.index("蒙古族"),
        family_surname[household],
        takes_family,
    )
    phone = np.empty((persons, 11), np.uint8)
    phone[:, 0] = ord("1")
    phone[:, 1] = PHONE_SECOND[rng.integers(0, len(PHONE_SECOND), persons)] + ord("0")
    phone[:, 2:] = rng.integers(ord("0"), ord("9") + 1, (persons, 9), np.uint8)
    has_phone = (years >= 14) & alive
    account = np.empty((persons, 19), np.uint8)
    account[:, :6] = _BIN_DIGITS[rng.integers(0, len(BANK_BINS), persons)]
    account[:, 6:18] = rng.integers(0, 10, (persons, 12), np.uint8)
    account[:, 18] = _luhn(account[:, :18])
    account += ord("0")
    has_account = (years >= 16) & (rng.random(persons) < 0.95)

    clock.lap("arrow")
    # Arrow tables (local ids; the writer adds the running offsets).
    household_ids = np.arange(n_households, dtype=np.int64)
    number = np.empty((n_households, 16), np.uint8)
    number[:, :6] = np.frombuffer(banner_code.encode(), np.uint8)
    number[:, 6:] = _digits(household_ids + 1, 10) + ord("0")
    banner_dict = _banner_dictionary()
    hukou_h = np.where(hukou_urban, 0, 1)
    households_table = pa.Table.from_arrays(
        [
            pa.array(household_ids),
            _fixed_strings(number),
            _dict(np.full(n_households, banner_index), banner_dict, pa.int16()),
            _dict(hukou_h, _HUKOU_DICT, pa.int8()),
            pa.array(_fen(deposits)),
            pa.array(vehicles.astype(np.int32)),
            pa.array(_fen(vehicle_value)),
            pa.array(dwellings.astype(np.int32)),
            pa.array(_fen(business_assets)),
            pa.array(_fen(other_assets)),
        ],
        schema=HOUSEHOLDS_WRITE,
    )
    person_ids = np.arange(persons, dtype=np.int64)
    members_table = pa.Table.from_arrays(
        [
            pa.array(person_ids),
            pa.array(household.astype(np.int64)),
            _dict(rel, _REL_DICT, pa.int8()),
            _dict(np.where(male, 0, 1), _SEX_DICT, pa.int8()),
            pa.array(birth.astype(np.int32), pa.date32()),
            _dict(np.where(urban, 0, 1), _HUKOU_DICT, pa.int8()),
            _dict(np.full(persons, banner_index), banner_dict, pa.int16()),
            _dict(residence, banner_dict, pa.int16()),
            _dict(ethnicity, _ETHNICITY_DICT, pa.int8()),
            _dict(np.maximum(education, 0), _EDU_DICT, pa.int8(), mask=education < 0),
            _dict(status, _EMP_DICT, pa.int8()),
            _dict(disability_type, _DIS_DICT, pa.int8(), mask=~disabled),
            pa.array(grade.astype(np.int8), mask=~disabled),
            pa.array(serious),
            pa.array(adl),
            pa.array(death_day.astype(np.int32), pa.date32(), mask=alive),
            *[pa.array(v) for v in income_fen.values()],
            *[pa.array(v) for v in expense_fen.values()],
            tags,
        ],
        schema=MEMBERS_WRITE,
    )
    pii_table = pa.Table.from_arrays(
        [
            pa.array(person_ids),
            _fixed_strings(ids),
            _dict(name_index, names.dictionary(), pa.int32()),
            _fixed_strings(phone, has_phone),
            _fixed_strings(account, has_account),
        ],
        schema=PII_WRITE,
    )
    clock.lap("arrow")
    return Batch(households_table, members_table, pii_table)


_BIG_THREE = np.array(["150100", "150200", "150600"])  # 呼和浩特, 包头, 鄂尔多斯 draw migrants


def _seat_districts() -> dict[str, int]:
    """Each league's first district (区) or city, by banner index: where its migrants go."""
    table = cal.banner_table()
    seats: dict[str, int] = {}
    for index, (code, league) in enumerate(zip(table["code"], table["league"], strict=True)):
        from minsheng import regions

        kind = regions.get(str(code)).name_zh[-1]
        if league not in seats and kind in ("区", "市"):
            seats[str(league)] = index
    for index, league in enumerate(table["league"]):
        seats.setdefault(str(league), index)  # 阿拉善盟 has no district: its first banner
    return seats


WORKER_USAGE: dict[int, tuple[float, int]] = {}  # per worker process: CPU seconds, peak RSS KiB


def _generate_in_worker(index: int, count: int, seed: int, as_of: date) -> tuple[Batch, int, float, int]:
    batch = generate_banner(index, count, seed, as_of)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return batch, os.getpid(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def generate(persons: int, seed: int, as_of: date, workers: int = 1) -> Iterator[tuple[int, Batch]]:
    """Every banner's batch in code order (banner index, batch); empty banners are skipped.

    With several workers the banners are generated in parallel processes, at most `workers + 1` ahead
    of the consumer so memory stays bounded; the output is the same whatever the number of workers."""
    counts = cal.persons_per_banner(persons)
    jobs = [(index, int(count)) for index, count in enumerate(counts) if count > 0]
    if workers <= 1:
        for index, count in jobs:
            yield index, generate_banner(index, count, seed, as_of)
        return
    context = multiprocessing.get_context("forkserver")  # no fork of a process that runs threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        in_flight: deque[tuple[int, Future]] = deque()
        upcoming = iter(jobs)
        for index, count in itertools.islice(upcoming, workers + 1):
            in_flight.append((index, pool.submit(_generate_in_worker, index, count, seed, as_of)))
        while in_flight:
            index, future = in_flight.popleft()
            batch, pid, cpu, peak = future.result()
            WORKER_USAGE[pid] = (cpu, peak)
            for next_index, count in itertools.islice(upcoming, 1):
                in_flight.append(
                    (next_index, pool.submit(_generate_in_worker, next_index, count, seed, as_of))
                )
            yield index, batch


def default_workers(persons: int) -> int:
    """Parallel processes pay off only for large regions; small ones are generated in-process."""
    return 1 if persons < 1_000_000 else max(1, min(os.cpu_count() or 1, 8))


def _offset(batch: Batch, person_offset: int, household_offset: int) -> Batch:
    def shift(table: pa.Table, column: str, by: int) -> pa.Table:
        position = table.schema.get_field_index(column)
        values = table.column(column).combine_chunks().to_numpy() + by
        return table.set_column(position, table.schema.field(position), pa.array(values))

    households = shift(batch.households, "household_id", household_offset)
    members = shift(shift(batch.members, "person_id", person_offset), "household_id", household_offset)
    pii = shift(batch.pii, "person_id", person_offset)
    return Batch(households, members, pii)


def _parquet_options(schema: pa.Schema, compression: str) -> dict:
    """Dictionary pages only where the column already is a dictionary (hashing other columns costs
    more than it saves), integers delta-encoded. Random digit strings (ID numbers, phones, accounts)
    do not compress, so the personal-data file is written uncompressed."""
    dictionary = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    if "tags" in schema.names:
        dictionary.append("tags.list.element")
    integers = [f.name for f in schema if pa.types.is_integer(f.type)]
    return {
        "compression": compression,
        "use_dictionary": dictionary,
        "column_encoding": {name: "DELTA_BINARY_PACKED" for name in integers},
        "store_schema": False,  # the file reads back with exactly the snapshot schema
        "dictionary_pagesize_limit": 4 << 20,
        "write_statistics": False,
    }


PARQUET_OPTIONS = {
    "households": _parquet_options(HOUSEHOLDS_WRITE, "lz4"),
    "members": _parquet_options(MEMBERS_WRITE, "lz4"),
    "pii": _parquet_options(PII_WRITE, "none"),
}
FILES = {"households": "households.parquet", "members": "members.parquet", "pii": "persons_pii.parquet"}


def write(
    out_dir: Path,
    persons: int,
    seed: int,
    as_of: date,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> Summary:
    """Generate the region into `out_dir` (households.parquet, members.parquet, persons_pii.parquet,
    manifest.json). Memory stays bounded: a writer thread encodes one buffered batch while the next
    banner is generated, and at most two batches wait."""
    if persons < 1:
        raise ValueError("persons 必须为正整数 / persons must be a positive number")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pending: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def writer() -> None:
        writers = {
            "households": pq.ParquetWriter(
                out_dir / FILES["households"], HOUSEHOLDS_WRITE, **PARQUET_OPTIONS["households"]
            ),
            "members": pq.ParquetWriter(
                out_dir / FILES["members"], MEMBERS_WRITE, **PARQUET_OPTIONS["members"]
            ),
            "pii": pq.ParquetWriter(out_dir / FILES["pii"], PII_WRITE, **PARQUET_OPTIONS["pii"]),
        }
        try:
            while (batch := pending.get()) is not None:
                writers["households"].write_table(batch.households, row_group_size=ROW_GROUP_PERSONS)
                writers["members"].write_table(batch.members, row_group_size=ROW_GROUP_PERSONS)
                writers["pii"].write_table(batch.pii, row_group_size=ROW_GROUP_PERSONS)
        except BaseException as problem:  # surfaced in the main thread
            failure.append(problem)
            while pending.get() is not None:
                pass
        finally:
            for w in writers.values():
                w.close()

    thread = threading.Thread(target=writer, name="synth-writer", daemon=True)
    thread.start()
    person_offset = household_offset = 0
    buffered: list[Batch] = []
    banners = 0

    def flush() -> None:
        if buffered:
            pending.put(
                Batch(
                    pa.concat_tables([b.households for b in buffered]),
                    pa.concat_tables([b.members for b in buffered]),
                    pa.concat_tables([b.pii for b in buffered]),
                )
            )
            buffered.clear()

    try:
        for _index, batch in generate(persons, seed, as_of, workers or default_workers(persons)):
            if failure:
                break
            n_persons, n_households = batch.members.num_rows, batch.households.num_rows
            buffered.append(_offset(batch, person_offset, household_offset))
            person_offset += n_persons
            household_offset += n_households
            banners += 1
            if sum(b.members.num_rows for b in buffered) >= ROW_GROUP_PERSONS // 4:
                flush()
            if progress:
                progress(n_persons)
        flush()
    finally:
        pending.put(None)
        thread.join()
    if failure:
        raise failure[0]
    manifest = {
        "persons": person_offset,
        "households": household_offset,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "generator_version": GENERATOR_VERSION,
        "files": FILES,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return Summary(person_offset, household_offset, time.perf_counter() - started, out_dir, banners)


def read_manifest(out_dir: Path) -> dict:
    return json.loads((Path(out_dir) / "manifest.json").read_text())
