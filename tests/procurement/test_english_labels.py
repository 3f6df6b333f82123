"""The procurement forms in English: labels capitalised as on every other form, messages
in sentence case, and no Japanese left in the English help."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.procurement.forms import SelectionForm
from tests.procurement.conftest import corporate_number, rfi_round_in

pytestmark = pytest.mark.django_db


def labels(html: str) -> list[str]:
    """Each label's (or a group of checkboxes' legend's) own text, without the required field's asterisk."""
    return [re.sub(r"<[^>]+>|\*", "", text).strip()
            for text in re.findall(r"<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>", html, re.S)]


@pytest.fixture
def english(client, world):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_stage_form_labels_are_capitalised(english, case):
    assert {"Stage", "From", "Note"} <= set(labels(english.get(reverse("procurement_stage", args=[case.pk]))
                                                   .content.decode()))


def test_the_evaluation_settings_labels_are_capitalised(english, case):
    assert {"Maximum price points", "Evaluators"} <= set(labels(english.get(
        reverse("evaluation_setup", args=[case.pk])).content.decode()))


def test_the_response_forms_labels_are_capitalised(english, world, case):
    rfi_round = rfi_round_in(case, [world["demo"]])
    found = set(labels(english.get(reverse("rfi_response_create", args=[rfi_round.pk])).content.decode()))
    assert {"Vendor", "Received on", "Summary"} <= found


def test_the_rfi_round_form_labels_are_capitalised(english, world, case):
    rfi_round = rfi_round_in(case, [world["demo"]])
    assert "Invited vendors" in labels(english.get(reverse("rfi_edit", args=[rfi_round.pk])).content.decode())


def test_the_vendor_form_speaks_english_throughout(english, world):
    url = reverse("vendor_create", args=["a"])
    page = english.get(url).content.decode()
    assert "Corporate number" in labels(page) and "法人番号" not in page
    taken = english.post(url, {"name": "別名", "corporate_number": corporate_number(1)})
    assert taken.context["form"].errors["corporate_number"] == [
        "A vendor with this corporate number is already registered."]


def test_the_selection_form_labels_are_capitalised(evaluation):
    form = SelectionForm(proposals=evaluation.proposals.all())
    with translation.override("en"):
        assert [str(field.label) for field in form] == ["Selected proposal", "Reason for the selection"]
