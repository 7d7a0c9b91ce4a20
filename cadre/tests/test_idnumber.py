import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.idnumber import (
    CHECK_CHARS,
    WEIGHTS,
    IdNumberError,
    check_char,
    convert_15_to_18,
    make_id_number,
    parse_id_number,
)

SAMPLE_VALID = [
    "330502197904013110",
    "330502198508013228",
    "330502198311013312",
    "330502199002013428",
    "330502197206013519",
    "330502198712013620",
    "11010519491231002X",  # the standard's own example (female, X check)
]


@pytest.mark.parametrize("number", SAMPLE_VALID)
def test_known_numbers_are_valid(number):
    assert parse_id_number(number).number == number


def test_standard_example_fields():
    parsed = parse_id_number("11010519491231002x")
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "女"


def test_check_char_matches_table():
    # sum mod 11 → 1 0 X 9 8 7 6 5 4 3 2
    assert CHECK_CHARS == "10X98765432"
    assert WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "不能为空"),
        ("33050219790401311", "应为18位，实际为17位"),
        ("3305021979040131101", "应为18位，实际为19位"),
        ("33050219790401311A", "最后一位应为数字或X"),
        ("3305021979O4013110", "前17位应为数字"),
        ("330502197902303110", "不是有效日期"),
        ("330502197913013110", "不是有效日期"),
        ("330502197904013111", "校验位错误（应为0）"),
    ],
)
def test_invalid_numbers_have_chinese_reasons(raw, message):
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(raw)


def test_fifteen_digit_conversion():
    # 15-digit: area 6 + yyMMdd + sequence 3; the 18-digit form inserts 19 and appends the check char
    eighteen = convert_15_to_18("110105491231002")
    assert eighteen == "11010519491231002X"
    parsed = parse_id_number("110105491231002")
    assert parsed.converted_from_15 and parsed.number == eighteen


def test_whitespace_and_float_text_are_normalised():
    assert parse_id_number(" 330502 197904013110\u3000").number == "330502197904013110"


dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2010, 12, 31))


@given(birth=dates, seq=st.integers(0, 499), gender=st.sampled_from(["男", "女"]))
def test_made_numbers_round_trip(birth, seq, gender):
    number = make_id_number("330502", birth, seq, gender)
    parsed = parse_id_number(number)
    assert parsed.birth_date == birth
    assert parsed.gender == gender


@given(birth=dates, seq=st.integers(0, 499), gender=st.sampled_from(["男", "女"]), pos=st.integers(0, 16), delta=st.integers(1, 9))
def test_any_single_digit_change_is_detected(birth, seq, gender, pos, delta):
    number = make_id_number("330502", birth, seq, gender)
    digit = (int(number[pos]) + delta) % 10
    mutated = number[:pos] + str(digit) + number[pos + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(mutated)


@given(birth=dates, seq=st.integers(0, 499), gender=st.sampled_from(["男", "女"]), pos=st.integers(0, 15))
def test_adjacent_transposition_is_detected(birth, seq, gender, pos):
    number = make_id_number("330502", birth, seq, gender)
    if number[pos] == number[pos + 1]:
        return
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    with pytest.raises(IdNumberError):
        parse_id_number(swapped)


@given(first17=st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_is_the_only_valid_last_character(first17):
    valid = check_char(first17)
    for c in "0123456789X":
        number = first17 + c
        try:
            parse_id_number(number)
            accepted = True
        except IdNumberError:
            accepted = False
        if c != valid:
            assert not accepted


@given(birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)), seq=st.integers(0, 999))
def test_fifteen_to_eighteen_keeps_birth_and_gender(birth, seq):
    old = f"330502{birth:%y%m%d}{seq:03d}"
    parsed = parse_id_number(old)
    assert parsed.birth_date == birth
    assert parsed.gender == ("男" if seq % 2 else "女")
    assert parsed.number[:6] == "330502" and len(parsed.number) == 18
