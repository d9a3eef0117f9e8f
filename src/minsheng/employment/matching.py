"""Batch matching over the region: the same `match` rule, fed one league at a time.

The join is bounded by `match_block`: the occupation a seeker wants and where — the banner (default,
the local labour market an officer works on foot) or the whole league (`block_by="league"`, about
25 times more pairs). So the work grows with seekers × vacancies per block, not with the region's
full product, and memory stays that of the largest league. A single request (service.match_vacancies)
puts every vacancy of the region in one block.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from minsheng import engine
from minsheng.employment import rules
from minsheng.employment import vocabulary as vocab

OCCUPATIONS = pa.array(list(vocab.OCCUPATION), pa.string())


def _blocked(table: pa.Table, occupation_column: str, block_by: str) -> pa.Table:
    occupation = pc.fill_null(
        pc.index_in(table[occupation_column], value_set=OCCUPATIONS).cast(pa.int64()), -1
    )
    place = pc.cast(table["banner_code" if block_by == "banner" else "league_code"], pa.int64())
    block = pc.add(pc.multiply(place, 100), occupation)
    if "match_block" in table.column_names:
        table = table.drop_columns(["match_block"])
    return table.append_column("match_block", block)


def match_batch(
    seekers: pa.Table,
    vacancies: pa.Table,
    *,
    as_of: date,
    top_n: int = 10,
    block_by: str = "banner",
    progress: Callable[[str, int], None] | None = None,
) -> pa.Table:
    """Top `top_n` vacancies per seeker for every seeker, league by league.

    `seekers` and `vacancies` have the columns of `service.SEEKER_SCHEMA` / `VACANCY_SCHEMA`
    (`match_block` is set here). Returns the `match` rule's result for all leagues.
    """
    if block_by not in ("banner", "league"):
        raise ValueError("block_by must be 'banner' or 'league'")
    seekers = _blocked(seekers, "desired_occupation", block_by)
    vacancies = _blocked(vacancies, "occupation", block_by)
    request = pa.table({"rank_by": ["seeker"], "top_n": pa.array([top_n], pa.int32())})
    leagues = sorted(set(pc.unique(seekers["league_code"]).to_pylist()))
    connection = engine.connect()
    results = []
    try:
        for league in leagues:
            league_seekers = seekers.filter(pc.equal(seekers["league_code"], league))
            league_vacancies = vacancies.filter(pc.equal(vacancies["league_code"], league))
            if league_vacancies.num_rows:
                tables = {"seekers": league_seekers, "vacancies": league_vacancies, "request": request}
                results.append(rules.run_ranking(rules.MATCH, tables, as_of, connection))
            if progress is not None:
                progress(league, league_seekers.num_rows)
    finally:
        connection.close()
    if not results:
        empty = {"seekers": seekers.slice(0, 0), "vacancies": vacancies.slice(0, 0), "request": request}
        return rules.run_ranking(rules.MATCH, empty, as_of)
    return pa.concat_tables(results)
