"""Who is asking: a logged-in user or a machine token, with its permissions and region scope."""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.security.scope import RegionScope


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "token"
    id: int
    login: str  # the actor written to the audit chain
    display_name: str
    role: str | None
    permissions: frozenset[str]
    scope: RegionScope

    def can(self, permission: str) -> bool:
        return permission in self.permissions
