"""The registry snapshot: the two flat tables every rule reads, whatever their source.

`households` and `members` are what the synthetic generator writes to Parquet, what the registry
exports from the database, and what the rules engine takes as its units. Incomes and expenses are
monthly amounts in fen, as of the snapshot date, one column per category of `registry.vocabulary`.
ID numbers never enter a snapshot: persons are keyed by `person_id`.
"""

from __future__ import annotations

import pyarrow as pa

from minsheng.registry.vocabulary import EXPENSE_CATEGORY, INCOME_CATEGORY

HOUSEHOLDS = pa.schema(
    [
        pa.field("household_id", pa.int64(), nullable=False),
        pa.field("household_number", pa.string()),
        pa.field("banner_code", pa.string(), nullable=False),
        pa.field("hukou", pa.string(), nullable=False),  # urban | rural
        pa.field("financial_assets_fen", pa.int64(), nullable=False),  # deposits, securities (not exempt)
        pa.field("vehicles", pa.int32(), nullable=False),  # motor vehicles not exempt
        pa.field("vehicle_value_fen", pa.int64(), nullable=False),
        pa.field("dwellings", pa.int32(), nullable=False),
        pa.field("business_assets_fen", pa.int64(), nullable=False),
        pa.field("other_assets_fen", pa.int64(), nullable=False),
    ]
)

MEMBERS = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("household_id", pa.int64(), nullable=False),
        pa.field("relationship_to_head", pa.string(), nullable=False),
        pa.field("sex", pa.string(), nullable=False),
        pa.field("birth_date", pa.date32(), nullable=False),
        pa.field("hukou", pa.string(), nullable=False),
        pa.field("hukou_region", pa.string(), nullable=False),
        pa.field("residence_region", pa.string(), nullable=False),
        pa.field("ethnicity", pa.string()),
        pa.field("education", pa.string()),
        pa.field("employment_status", pa.string()),
        pa.field("disability_type", pa.string()),
        pa.field("disability_grade", pa.int8()),
        pa.field("serious_illness", pa.bool_(), nullable=False),
        pa.field("adl_items_lost", pa.int8(), nullable=False),
        pa.field("death_date", pa.date32()),
        *[pa.field(f"{category}_fen", pa.int64(), nullable=False) for category in INCOME_CATEGORY],
        *[pa.field(f"{category}_fen", pa.int64(), nullable=False) for category in EXPENSE_CATEGORY],
        pa.field("tags", pa.list_(pa.string())),
    ]
)

INCOME_COLUMNS = [f"{category}_fen" for category in INCOME_CATEGORY]
EXPENSE_COLUMNS = [f"{category}_fen" for category in EXPENSE_CATEGORY]
