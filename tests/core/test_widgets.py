"""FastSelect and the fast inputs write out the same markup as Django's own widgets, only faster."""

import datetime
import re

import pytest
from django import forms

from apps.core.widgets import FastCheckboxInput, FastDateInput, FastNumberInput, FastSelect, FastTextInput

CHOICES = [("", "---------"), ("113018", "伊奈町"), ("113247", '三芳町 <"&">'), ("x", "その他")]
GROUPED = [("", "---------"), ("埼玉県", [("113018", "伊奈町"), ("113247", "三芳町")]), ("奈良県 <&>", [("293423", "三郷町")])]


def markup(html: str) -> str:
    """Django's templates put line breaks and indents between the tags; nothing else differs."""
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("choices", [CHOICES, GROUPED], ids=["flat", "grouped"])
@pytest.mark.parametrize("value", [None, "", "113247", "293423", "not a choice"])
def test_the_menu_is_djangos_own(choices, value):
    attrs = {"class": "form-select", "id": "id_body", "required": True, "disabled": False, "data-x": '"quoted"'}
    ours = FastSelect(attrs=attrs, choices=choices).render("body", value)
    django = forms.Select(attrs=attrs, choices=choices).render("body", value)
    assert markup(ours) == markup(django)
    assert "&lt;&quot;&amp;&quot;&gt;" in ours or "&lt;&amp;&gt;" in ours  # names are escaped


def test_a_model_choice_field_keeps_its_choices_and_its_chosen_one(db):
    from tests.factories import MemberBodyFactory
    from apps.members.models import MemberBody

    bodies = [MemberBodyFactory(name=f"町{index}") for index in range(3)]
    field = forms.ModelChoiceField(queryset=MemberBody.objects.order_by("pk"), widget=FastSelect)
    html = field.widget.render("body", bodies[1].pk)
    assert html.count("<option") == 4 and f'<option value="{bodies[1].pk}" selected>町1</option>' in html
    assert field.clean(str(bodies[2].pk)) == bodies[2]


@pytest.mark.parametrize(("ours", "djangos"), [(FastTextInput, forms.TextInput), (FastNumberInput, forms.NumberInput),
                                               (FastDateInput, forms.DateInput)])
@pytest.mark.parametrize("value", [None, "", "情報担当課長 <\"&\">", 1_234_000, 0, datetime.date(2027, 3, 31)])
def test_the_inputs_are_djangos_own(ours, djangos, value):
    attrs = {"class": "form-control", "id": "id_x", "required": True, "disabled": False, "data-x": '"quoted"'}
    assert ours(attrs=attrs).render("x", value) == djangos(attrs=attrs).render("x", value)
    assert ours(attrs={"type": "date"}).render("x", value) == djangos(attrs={"type": "date"}).render("x", value)


@pytest.mark.parametrize("value", [None, False, True, "", "on"])
def test_the_checkbox_is_djangos_own(value):
    attrs = {"class": "form-check-input", "id": "id_x-DELETE"}
    assert FastCheckboxInput(attrs=attrs).render("x-DELETE", value) == forms.CheckboxInput(attrs=attrs).render(
        "x-DELETE", value)


def test_an_amount_in_yen_is_shown_with_its_separators_and_a_typed_one_as_typed():
    from apps.core.widgets import FastYenInput

    assert FastYenInput(attrs={"class": "x"}).render("amount", 2_957_000) == (
        '<input type="text" name="amount" value="2,957,000" inputmode="numeric" autocomplete="off" class="x">')
    assert 'value="2957千円"' in FastYenInput().render("amount", "2957千円")
    assert "value=" not in FastYenInput().render("amount", None)
