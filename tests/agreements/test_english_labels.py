"""A reader who chose English reads the agreements' pages in English: no Japanese word
or full-width sign left in a label, a help text or a choice (the Japanese is the
catalogue's)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.agreements.conftest import draft_with_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, secretariat):
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_sla_target_is_explained_in_english(english, consortium):
    page = english.get(reverse("contract_create", args=[consortium.slug])).content.decode()
    assert "For example 99.9 percent, or weekdays 8:30–17:15." in page
    assert "％" not in page and "平日" not in page


def test_the_printing_note_and_the_tab_are_in_english(english, consortium):
    draft = draft_with_articles(consortium)
    page = english.get(reverse("agreement_detail", args=[draft.pk])).content.decode()
    assert "Marked as a draft until concluded" in page and "Marked 案" not in page
    tabs = english.get(reverse("contract_list", args=[consortium.slug])).content.decode()
    assert re.search(r">\s*Agreement\s*</a>", tabs) and "協定書" not in tabs


def test_the_customisation_scopes_are_in_english(english, consortium, ina):
    page = english.get(reverse("customisation_create", args=[consortium.slug])).content.decode()
    assert "For all members" in page and "For one member" in page
    assert "全体" not in page and "個別" not in page
