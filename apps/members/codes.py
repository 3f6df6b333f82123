"""Japan's local government codes (全国地方公共団体コード): 5 digits and a check digit.

The check digit is defined by the Ministry of Internal Affairs' code standard:
multiply the five digits by 6, 5, 4, 3, 2, take the sum modulo 11, subtract it from 11,
and keep the last digit of that (so a remainder of 0 gives 1, and 1 gives 0).
"""

import enum

WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


class CodeProblem(enum.Enum):
    """Why a code is not a local government code, most basic first: a five-digit code is
    told it is short, not that its check digit is wrong."""
    NOT_DIGITS = "not_digits"
    LENGTH = "length"
    CHECK_DIGIT = "check_digit"


def code_problem(code: str) -> CodeProblem | None:
    # ASCII digits only: str.isdigit() and int() take full-width «１１２１９４» too, which
    # then made a second, unreachable spelling of a code. Forms normalise what is typed.
    if not (code.isascii() and code.isdigit()):
        return CodeProblem.NOT_DIGITS
    if len(code) != 6:
        return CodeProblem.LENGTH
    return None if check_digit(code[:5]) == int(code[5]) else CodeProblem.CHECK_DIGIT


def is_valid_code(code: str) -> bool:
    return code_problem(code) is None


# The prefectures whose codes start with 0 (JIS X 0401). Excel reads a code typed or saved
# in a CSV as a number and drops that 0: 北海道's 011002 (札幌市) comes back as 11002.
ZERO_LED_PREFECTURES = {"01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県",
                        "06": "山形県", "07": "福島県", "08": "茨城県", "09": "栃木県"}


def zero_dropped(code: str) -> str | None:
    """The full code if ``code`` is one that lost its leading 0: five digits that make a
    valid code behind a 0. The caller confirms it (by the row's prefecture, or by the
    council's members): a five-digit code without its check digit can pass by chance."""
    padded = "0" + code
    return padded if len(code) == 5 and code.isdigit() and is_valid_code(padded) else None


def same_prefecture(code: str, prefecture: str) -> bool:
    """Whether a zero-led code belongs to the prefecture named (「北海道」, 「青森県」 or 「青森」)."""
    name = ZERO_LED_PREFECTURES.get(code[:2], "")
    return bool(prefecture) and name.removesuffix("県") == prefecture.strip().removesuffix("県")
