"""公民身份号码 (GB 11643-1999) validation: pure functions, no I/O."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11


class IdNumberError(ValueError):
    """Carries a Chinese message."""


@dataclass(frozen=True)
class IdNumber:
    number: str  # normalised 18 characters, upper-case X
    birth_date: dt.date
    gender: str  # 男 / 女
    converted_from_15: bool = False


def check_char(first17: str) -> str:
    total = sum(map(mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def convert_15_to_18(number15: str) -> str:
    """Old 15-digit numbers: insert the century "19" after the 6-digit area code and append the check."""
    if len(number15) != 15 or not number15.isdigit():
        raise IdNumberError("15位身份证号应全部为数字")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_char(first17)


def parse_id_number(raw: str) -> IdNumber:
    """Validate and normalise a 身份证号. Raises IdNumberError with a Chinese message."""
    if raw is None:
        raise IdNumberError("身份证号不能为空")
    value = str(raw).strip().replace(" ", "").replace("\u3000", "").upper()
    if value.endswith(".0") and value[:-2].isdigit():  # a number cell read as float
        value = value[:-2]
    if not value:
        raise IdNumberError("身份证号不能为空")
    converted = False
    if len(value) == 15:
        value = convert_15_to_18(value)
        converted = True
    if len(value) != 18:
        raise IdNumberError(f"身份证号应为18位，实际为{len(value)}位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("身份证号前17位应为数字，最后一位应为数字或X")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期{value[6:14]}不是有效日期") from None
    if birth.year < 1900:
        raise IdNumberError(f"身份证号中的出生日期{value[6:14]}早于1900年")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise IdNumberError(f"身份证号校验位错误（应为{expected}）")
    gender = "男" if int(value[16]) % 2 == 1 else "女"
    return IdNumber(number=value, birth_date=birth, gender=gender, converted_from_15=converted)


def make_id_number(area: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid number (used by seed data and tests): area 6 digits, sequence 0..499, gender 男/女."""
    # digits 15-16 are a free sequence; the 17th carries the gender (odd = male)
    gender_digit = (sequence // 100 % 5) * 2 + (1 if gender == "男" else 0)
    first17 = f"{area}{birth:%Y%m%d}{sequence % 100:02d}{gender_digit}"
    return first17 + check_char(first17)
