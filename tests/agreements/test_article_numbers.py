"""Articles are numbered 第1条 to 第999条: 第0条 or a number PostgreSQL cannot even store is
refused under the article number, on the page and in the service."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.agreements import services
from apps.agreements.models import Article
from tests.agreements.conftest import draft_with_articles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [0, 1000, 99_999_999_999])
def test_an_article_number_outside_1_to_999_is_refused_under_the_number(consortium, number):
    draft = draft_with_articles(consortium)
    with pytest.raises(ValidationError) as refusal:
        services.article_save(article=Article(agreement=draft, number=number, heading="追加", text="…"))
    assert list(refusal.value.message_dict) == ["number"]
    assert draft.articles.count() == 1


def test_the_first_and_the_last_number_are_taken(consortium):
    draft = services.agreement_create(consortium=consortium, title="協定書")
    for number in (1, 999):
        services.article_save(article=Article(agreement=draft, number=number, heading="条", text="…"))
    assert list(draft.articles.values_list("number", flat=True)) == [1, 999]


@pytest.mark.parametrize("number", ["0", "99999999999"])
def test_the_article_page_shows_the_refusal_under_the_number(client, consortium, secretariat, number):
    draft = draft_with_articles(consortium)
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("article_create", args=[draft.pk]),
                           {"number": number, "heading": "追加", "text": "…"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["number"] and len(errors["number"]) == 1
    assert draft.articles.count() == 1


def test_the_number_field_says_its_bounds_to_the_browser(client, consortium, secretariat):
    draft = draft_with_articles(consortium)
    client.force_login(secretariat)
    page = client.get(reverse("article_create", args=[draft.pk])).content.decode()
    assert 'min="1"' in page and 'max="999"' in page
