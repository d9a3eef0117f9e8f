"""Money is integer fen (分) everywhere; yuan only when shown.

Rounding is half up (四舍五入) and explicit: engines differ in their defaults, so never rely on one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN_PER_YUAN = 100


def yuan_to_fen(yuan: Decimal | str | int) -> int:
    """Exact yuan (a Decimal, a string or an int; never a float) to whole fen, half up."""
    if isinstance(yuan, float):
        raise TypeError("money must not be a float; pass a Decimal or a string")
    return int((Decimal(yuan) * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_fen(amount: Decimal) -> int:
    """A fractional amount of fen to whole fen, half up."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_yuan(fen: int) -> str:
    """1234567 → '12,345.67'."""
    return f"{fen_to_yuan(fen):,.2f}"
