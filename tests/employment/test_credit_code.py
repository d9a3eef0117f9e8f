import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng import credit_code
from minsheng.credit_code import ALPHABET, InvalidCreditCode


@pytest.mark.parametrize(
    "code", ["91110000600037341L", "91350100M000100Y43", "91110108551385082Q", "91320594088140947F"]
)
def test_published_codes_are_valid(code):
    assert credit_code.is_valid(code)
    assert credit_code.parse(code.lower()).code == code  # normalised to capitals


def test_worked_check_character():
    # Σ value × weight over 91110000600037341 = 538; 538 mod 31 = 11; 31 − 11 = 20 → "L" (value 20)
    body = "91110000600037341"
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, credit_code.WEIGHTS, strict=True))
    assert total == 538 and total % 31 == 11
    assert credit_code.check_character(body) == "L"


def test_remainder_zero_gives_check_zero():
    # find a body whose sum is a multiple of 31: its check character is "0", not the 32nd character
    body = "9115010000000000"
    for last in ALPHABET:
        candidate = body + last
        total = sum(ALPHABET.index(c) * w for c, w in zip(candidate, credit_code.WEIGHTS, strict=True))
        if total % 31 == 0:
            assert credit_code.check_character(candidate) == "0"
            return
    pytest.fail("no body with remainder 0 in this family")


def test_reasons_name_the_problem():
    with pytest.raises(InvalidCreditCode) as wrong_length:
        credit_code.parse("9111000060003734")
    assert "18" in wrong_length.value.reason_zh and "18" in wrong_length.value.reason_en
    with pytest.raises(InvalidCreditCode) as bad_character:
        credit_code.parse("91110000600037341I")
    assert "'I'" in bad_character.value.reason_en
    with pytest.raises(InvalidCreditCode) as bad_check:
        credit_code.parse("91110000600037341K")
    assert "L" in bad_check.value.reason_zh and "should be L" in bad_check.value.reason_en


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_made_codes_are_valid_and_one_changed_character_is_caught(body):
    code = body + credit_code.check_character(body)
    assert credit_code.is_valid(code)
    for position in (0, 8, 16, 17):
        replacement = ALPHABET[(ALPHABET.index(code[position]) + 1) % 31]
        assert not credit_code.is_valid(code[:position] + replacement + code[position + 1 :])


def test_make_builds_from_parts():
    code = credit_code.make("9", "1", "150102", "MA0N12345")
    parsed = credit_code.parse(code)
    assert parsed.region_code == "150102" and parsed.organisation_code == "MA0N12345"
