"""Amounts typed in a form as people write them, and refused with the council's limit
written as people read it."""

import pytest
from django import forms
from django.utils import translation

from apps.core.forms import YenField


class Priced(forms.Form):
    price = YenField(min_value=1, required=False)


@pytest.mark.parametrize(("typed", "yen"), [("1,000,000", 1_000_000), ("１，０００，０００", 1_000_000),
                                            ("¥1,000,000", 1_000_000), ("1000000円", 1_000_000),
                                            ("500万円", 5_000_000), (" 1000000 ", 1_000_000), ("", None)])
def test_an_amount_is_read_as_typed(typed, yen):
    form = Priced(data={"price": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["price"] == yen


@pytest.mark.parametrize("typed", ["1,00,000", "1.5", "-1", "abc"])
def test_what_is_not_an_amount_in_whole_yen_is_refused(typed):
    assert not Priced(data={"price": typed}).is_valid()


def test_past_the_limit_the_limit_is_named_with_separators_in_the_readers_language():
    with translation.override("ja"):
        assert Priced(data={"price": "99999999999999999999999"}).errors["price"] == [
            "金額が大きすぎます（上限 1,000,000,000,000 円）"]
    with translation.override("en"):
        assert Priced(data={"price": "99999999999999999999999"}).errors["price"] == [
            "Too large an amount (at most 1,000,000,000,000 yen)"]


def test_the_input_is_text_so_that_separators_can_be_typed():
    html = str(Priced()["price"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html
