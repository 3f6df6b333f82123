"""Japan's corporate numbers (法人番号): a check digit, then a 12-digit base number.

The check digit is defined by the National Tax Agency: number the base digits from the
right (n = 1 … 12), weight the odd places 1 and the even places 2, and subtract the
weighted sum modulo 9 from 9.
"""

LENGTH = 13


def check_digit(base: str) -> int:
    total = sum(int(digit) * (1 if place % 2 else 2) for place, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    return len(number) == LENGTH and number.isdigit() and check_digit(number[1:]) == int(number[0])
