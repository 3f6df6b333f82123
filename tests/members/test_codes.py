import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.members.codes import check_digit, is_valid_code
from apps.members.models import validate_local_government_code


@pytest.mark.parametrize("code", ["113018", "113247", "292109", "293610", "131016", "011002"])
def test_real_local_government_codes_are_valid(code):
    assert is_valid_code(code)


@pytest.mark.parametrize("code", ["113017", "11301", "1130188", "11301a", "", "113019", "１１３０１８"])
def test_wrong_check_digit_or_shape_is_refused(code):
    assert not is_valid_code(code)


def test_check_digit_of_ina():
    assert check_digit("11301") == 8


def test_model_validator_names_the_value():
    with pytest.raises(ValidationError, match="113017"):
        validate_local_government_code("113017")


@pytest.mark.parametrize("code, reason", [
    ("11301", "6桁です（入力は5桁）"),  # a digit short: not «check digit» (it has none)
    ("1130188", "6桁です（入力は7桁）"),
    ("11301a", "6桁の数字です"),
    ("113017", "検査数字が前の5桁と合いません"),
])
def test_the_validator_says_what_is_wrong_with_a_code(code, reason):
    with translation.override("ja"), pytest.raises(ValidationError, match=re.escape(reason)):
        validate_local_government_code(code)
