"""One rule, three scales: run a rule over one household, a region on this machine, or on Spark.

A rule is one SQL query (DuckDB dialect, the portable subset sqlglot writes as Spark SQL) plus a
declaration, `Rule`::

    from minsheng.engine import Check, Rule

    DIBAO = Rule(
        name="dibao",                                  # its output table is named after it
        title_zh="最低生活保障", title_en="minimum living guarantee",
        sql_file=RULES_DIR / "dibao.sql",
        inputs=("households", "run", "params", "household_income"),
        parameters=("dibao.standard",),                # → the `params` table this rule joins
        key=("household_id",),
        columns={"amount_fen": "monthly amount in fen", …},
        checks=(Check("income_below_standard", "收入低于低保标准", "income below the standard",
                      pass_zh="…{counted_income_fen:yuan}…", pass_en=…, fail_zh=…, fail_en=…,
                      parameters=("dibao.standard",)),),
        uses=(HOUSEHOLD_INCOME,),                      # upstream rules, run first
    )

Inputs the SQL may read: `run` (one row, `as_of DATE`: rules never read a clock), `params`
(`policy.ParameterSet.table(rule.parameters)`: join on `banner_code`, the dimensions and
`r.as_of >= p.valid_from AND r.as_of < p.valid_to`, always a LEFT JOIN), the base tables you pass
(`households`, `members` as in `registry.snapshot`, or a domain's own: `claims`, `seekers`…) and the
outputs of `uses` by name. Each rule returns one row per row of `unit_table` (checked by the engine);
missing data gives a failed check column (never a dropped row). Money is BIGINT fen; round half up
explicitly with `CAST(FLOOR(x + 0.5) AS BIGINT)` on non-negative values, never `ROUND`. Avoid
DuckDB-only functions: the Spark runner uses `rule.spark_sql` (sqlglot, read="duckdb", write="spark").

Runners — one implementation of each rule, three scales:

- `run_local(rule, tables, as_of, params) -> pa.Table` (and `run_local_all(rules, …) -> {name: table}`):
  in-process DuckDB over Arrow; milliseconds for one household.
- `run_batch(rules, snapshot_dir | tables, as_of, params, out_dir)`: Parquet in, Parquet out, in
  partitions by household_id range, bounded memory, Rich progress. Returns a `BatchReport`.
- `run_spark(rules, tables | snapshot_dir, as_of, params)`: the same SQL on Spark (local[2] in tests).
- `unit.unit_runner(rule, schemas).run(rows)`: one unit at a counter in about a millisecond — the same SQL
  transpiled to SQLite (DuckDB spends 25–40 ms planning a large rule on every run). A rule uses it once a
  test shows it agrees with DuckDB column for column (the medical settlement rule does).

Reasons: `explain(rule, row, params, as_of) -> [Reason]` renders every check of a result row in
Chinese and English and cites each parameter's value, dates, region, status and source.
"""

from __future__ import annotations

from minsheng.engine.explain import Reason, explain, render
from minsheng.engine.local import RuleOutputError, connect, run_local, run_local_all, run_table
from minsheng.engine.rule import Check, Rule, chain

__all__ = [
    "Check",
    "Reason",
    "Rule",
    "RuleOutputError",
    "chain",
    "connect",
    "explain",
    "render",
    "run_local",
    "run_local_all",
    "run_table",
]
