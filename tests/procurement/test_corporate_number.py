"""Corporate numbers (法人番号): the National Tax Agency's check digit, and how the
vendor form takes a number as people type it."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from apps.procurement.corporate_number import check_digit, is_valid_corporate_number
from apps.procurement.forms import VendorForm


@pytest.mark.parametrize("number", ["5835678256246", "1180301018771", "7000012050002"])
def test_published_corporate_numbers_are_valid(number):
    assert is_valid_corporate_number(number)


def test_the_weights_are_1_at_odd_places_from_the_right_and_2_at_even_ones():
    # 835678256246 read from the right: 6·1 + 4·2 + 2·1 + 6·2 + 5·1 + 2·2 + 8·1 + 7·2 + 6·1 + 5·2 + 3·1 + 8·2 = 94;
    # 94 mod 9 = 4, so the check digit is 9 − 4 = 5.
    assert check_digit("835678256246") == 5


@pytest.mark.parametrize("number", [
    "2835678256246",   # wrong check digit
    "583567825624",    # 12 digits
    "58356782562460",  # 14 digits
    "583567825624a",   # not all digits
    "",
])
def test_malformed_or_miscomputed_numbers_are_invalid(number):
    assert not is_valid_corporate_number(number)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 11), st.integers(0, 9))
def test_changing_one_digit_of_the_base_is_caught_unless_0_and_9_swap(base, place, digit):
    assume(abs(digit - int(base[place])) not in (0, 9))  # modulo 9, a 0 read as 9 goes unnoticed
    number = f"{check_digit(base)}{base}"
    changed = base[:place] + str(digit) + base[place + 1:]
    assert is_valid_corporate_number(number)
    assert not is_valid_corporate_number(number[0] + changed)


@pytest.mark.django_db
def test_the_vendor_form_accepts_full_width_digits_and_hyphens_and_refuses_a_bad_check_digit():
    typed = VendorForm({"name": "デモクラウド株式会社", "corporate_number": "５-８３５６-７８２５-６２４６"})
    assert typed.is_valid(), typed.errors
    assert typed.cleaned_data["corporate_number"] == "5835678256246"
    wrong = VendorForm({"name": "デモクラウド株式会社", "corporate_number": "2835678256246"})
    assert not wrong.is_valid() and "corporate_number" in wrong.errors
