"""Japan's local government codes (全国地方公共団体コード): 5 digits and a check digit.

The check digit is defined by the Ministry of Internal Affairs' code standard:
multiply the five digits by 6, 5, 4, 3, 2, take the sum modulo 11, subtract it from 11,
and keep the last digit of that (so a remainder of 0 gives 1, and 1 gives 0).
"""

WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and check_digit(code[:5]) == int(code[5])
