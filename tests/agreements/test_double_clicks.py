"""A second click at the same moment as the first: refused as one after the other would
be, never a server error."""

import pytest
from django.core.exceptions import ValidationError

from apps.agreements import services
from apps.agreements.models import Article
from tests.concurrency import needs_row_locks, second_while_first_is_uncommitted
from tests.factories import ConsortiumFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_article_added_by_two_clicks_at_once_is_added_once():
    needs_row_locks()
    agreement = services.agreement_create(consortium=ConsortiumFactory(slug="a"), title="協定書")

    def add():
        return services.article_save(article=Article(agreement=agreement, number=1, heading="目的", text="…"))

    with pytest.raises(ValidationError) as refusal:
        second_while_first_is_uncommitted(add, add)
    assert "number" in refusal.value.message_dict and agreement.articles.count() == 1
