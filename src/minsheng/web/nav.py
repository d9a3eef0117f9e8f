"""Navigation by domain: each domain registers its entries; the layout shows those the user may use."""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated when shown."""
    return message


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # Chinese source text, translated in the layout
    permission: str
    order: int = 100


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.path] = item


def items_for(permissions: frozenset[str]) -> list[NavItem]:
    return sorted(
        (i for i in _ITEMS.values() if i.permission in permissions), key=lambda i: (i.order, i.path)
    )


register(NavItem("/", N_("概览"), "dashboard.read", 0))
register(NavItem("/audit", N_("审计日志"), "audit.read", 900))
