"""Region scope: the one mechanism by which every query of every domain is limited to a region.

A scope is a GB/T 2260 code: a banner sees its banner, a league its banners, the region everything.
Lists, single records, counts and aggregates all filter through `RegionScope.where`, and a record
outside the scope is reported as absent (404), never as forbidden, so scope leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, true

from minsheng import regions


@dataclass(frozen=True, slots=True)
class RegionScope:
    code: str

    def __post_init__(self) -> None:
        regions.get(self.code)  # an unknown code is an error, never an empty or unlimited scope

    @property
    def prefix(self) -> str:
        return regions.scope_prefix(self.code)

    @property
    def is_region_wide(self) -> bool:
        return self.code == regions.REGION_CODE

    def allows(self, region_code: str | None) -> bool:
        return region_code is not None and str(region_code).startswith(self.prefix)

    def where(self, column: ColumnElement[str]) -> ColumnElement[bool]:
        """The filter of a query on a column holding region codes.

        A half-open range [prefix, next prefix) rather than LIKE 'prefix%': both databases answer it from
        the column's ordinary index (SQLite's case-insensitive LIKE and PostgreSQL's collations do not)."""
        if self.is_region_wide:
            return true()
        prefix = self.prefix
        following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return and_(column >= prefix, column < following)

    def narrowed_to(self, code: str | None) -> RegionScope:
        """A caller's own filter (?region=…) inside the scope; outside it, the caller sees nothing."""
        if code is None:
            return self
        if not self.allows(code) and not regions.is_within(self.code, code):
            raise OutOfScope(code)
        return RegionScope(code) if self.allows(code) else self


class OutOfScope(LookupError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


REGION_WIDE = RegionScope(regions.REGION_CODE)
