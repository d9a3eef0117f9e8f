from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from minsheng import idcard
from minsheng.cli import app

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "number", ["150102199003070023", "360426199101010071", "120103198806018241", "110101202311012176"]
)
def test_published_valid_numbers(number):
    assert idcard.is_valid(number, TODAY)


def test_worked_example_of_rules_md():
    assert idcard.check_character("15010219900307002") == "3"
    parsed = idcard.parse("150102199003070023", TODAY)
    assert parsed.birth_date == date(1990, 3, 7)
    assert parsed.sex == "F"  # sequence 002 is even
    assert parsed.age_on(date(2026, 3, 6)) == 35
    assert parsed.age_on(date(2026, 3, 7)) == 36


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("150102199003070024", "check digit"),
        ("360426199101010072", "check digit"),
        ("15010219900307002", "18 characters"),
        ("1501021990030700AX", "18 characters"),
        ("150102199002300021", "does not exist"),  # 30 February
        ("990102199003070028", "province"),
    ],
)
def test_invalid_numbers_say_why(number, fragment):
    body = number[:17]
    if fragment in ("does not exist", "province"):
        number = body + idcard.check_character(body)  # a right check digit, so the later test speaks
    with pytest.raises(idcard.InvalidIdNumber) as problem:
        idcard.parse(number, TODAY)
    assert fragment in problem.value.reason_en
    assert problem.value.reason_zh


def test_birth_date_in_the_future_is_refused():
    number = idcard.make("150426", date(2027, 1, 1), 11)
    with pytest.raises(idcard.InvalidIdNumber, match="future"):
        idcard.parse(number, TODAY)


def test_mask_keeps_address_and_last_four():
    assert idcard.mask("15042619900307123X") == "150426********123X"


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)
def test_made_numbers_parse_back(birth, sequence):
    number = idcard.make("150426", birth, sequence)
    parsed = idcard.parse(number, TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if sequence % 2 else "F")


def test_cli_check_reports_each_number_and_exits_1_on_any_invalid():
    runner = CliRunner()
    good = runner.invoke(app, ["idcard", "check", "150102199003070023"])
    assert good.exit_code == 0
    assert "有效 valid" in good.output
    bad = runner.invoke(app, ["idcard", "check", "150102199003070023", "150102199003070024"])
    assert bad.exit_code == 1
    assert "无效 invalid" in bad.output
    assert "校验码" in bad.output and "check digit" in bad.output
