from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.money import fen_to_yuan, format_yuan, round_fen, yuan_to_fen


def test_half_up_not_half_even():
    assert round_fen(Decimal("0.5")) == 1
    assert round_fen(Decimal("2.5")) == 3
    assert yuan_to_fen("6922.505") == 692251
    assert yuan_to_fen("1220") == 122000


def test_float_is_refused():
    with pytest.raises(TypeError):
        yuan_to_fen(0.1)


def test_format():
    assert format_yuan(123456789) == "1,234,567.89"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_round_trip(fen):
    assert yuan_to_fen(fen_to_yuan(fen)) == fen
