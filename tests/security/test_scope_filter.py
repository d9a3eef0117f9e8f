"""The SQL filter of a scope selects exactly the codes `allows` accepts, for every scope of the region."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

from minsheng import regions
from minsheng.security.scope import RegionScope


def test_where_matches_allows_for_every_scope_and_code():
    metadata = MetaData()
    table = Table("t", metadata, Column("code", String(6)))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    codes = [r.code for r in regions.all_regions()] + ["150499", "1504", "15042", "160000", "150426x"]
    with engine.begin() as connection:
        connection.execute(insert(table), [{"code": c} for c in codes] + [{"code": None}])
        for scope_code in [regions.REGION_CODE] + [r.code for r in regions.leagues() + regions.banners()]:
            scope = RegionScope(scope_code)
            selected = set(connection.scalars(select(table.c.code).where(scope.where(table.c.code))))
            # Region-wide is the whole database (one region's data); below it, exactly what `allows` accepts.
            expected = {*codes, None} if scope.is_region_wide else {c for c in codes if scope.allows(c)}
            assert selected == expected, scope_code
