"""A signature is dated no earlier than the day its version was sent to the members for
review: the day is recorded when it is sent, and the refusal names it."""

import datetime
import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.agreements import services
from apps.agreements.models import Agreement
from tests.agreements.conftest import draft_with_articles, sign_all

pytestmark = pytest.mark.django_db

SENT = datetime.date(2026, 3, 2)  # the under_review fixture's day


def test_sending_for_review_records_the_day_today_unless_a_past_day_is_given(consortium, ina):
    agreement = services.agreement_submit_for_review(agreement=draft_with_articles(consortium))
    assert agreement.sent_for_review_on == timezone.localdate()
    agreement.refresh_from_db()
    assert agreement.sent_for_review_on == timezone.localdate()


def test_a_signature_dated_before_the_agreement_was_sent_for_review_is_refused_naming_the_day(under_review, ina):
    signature = under_review.signatures.get(body=ina)
    with translation.override("ja"), pytest.raises(ValidationError) as refusal:
        services.signature_record(signature=signature, signed_on=SENT - datetime.timedelta(days=1))
    assert "令和8年3月2日" in refusal.value.message_dict["signed_on"][0]
    signature.refresh_from_db()
    assert signature.signed_on is None
    services.signature_record(signature=signature, signed_on=SENT)
    assert under_review.signatures.get(body=ina).signed_on == SENT


def test_the_refusal_writes_the_day_as_an_english_reader_does(under_review, ina):
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        services.signature_record(signature=under_review.signatures.get(body=ina), signed_on=datetime.date(2026, 1, 1))
    assert "2 March 2026" in refusal.value.message_dict["signed_on"][0]


def test_sent_again_after_going_back_to_draft_the_new_day_counts(consortium, ina):
    agreement = services.agreement_submit_for_review(agreement=draft_with_articles(consortium),
                                                     on=datetime.date(2026, 3, 2))
    draft = services.agreement_return_to_draft(agreement=agreement)
    assert draft.sent_for_review_on is None
    again = services.agreement_submit_for_review(agreement=draft, on=datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.signature_record(signature=again.signatures.get(body=ina), signed_on=datetime.date(2026, 4, 1))


def test_an_agreement_is_not_sent_for_review_on_a_day_still_ahead(consortium, ina):
    draft = draft_with_articles(consortium)
    with pytest.raises(ValidationError):
        services.agreement_submit_for_review(agreement=draft, on=timezone.localdate() + datetime.timedelta(days=1))
    draft.refresh_from_db()
    assert draft.is_draft and draft.sent_for_review_on is None


def test_an_amendment_is_not_sent_for_review_before_the_version_it_amends_was_concluded(concluded, ina):
    amendment = services.agreement_amend(agreement=concluded)
    with pytest.raises(ValidationError):
        services.agreement_submit_for_review(agreement=amendment,
                                             on=concluded.concluded_on - datetime.timedelta(days=1))
    assert services.agreement_submit_for_review(agreement=amendment, on=concluded.concluded_on).is_under_review


def test_the_signature_page_shows_the_refusal_under_the_date(client, secretariat, under_review, ina):
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("signature_record", args=[under_review.signatures.get(body=ina).pk]),
                           {"signed_on": "2026-03-01", "signed_by_name": "町長"})
    assert response.status_code == 200
    assert "2 March 2026" in str(response.context["form"].errors["signed_on"])


def _backfill():
    migration = importlib.import_module("apps.agreements.migrations.0005_agreement_sent_for_review_on")
    migration.sent_for_review_from_history(apps, None)


def _forget_sent_day(agreement: Agreement) -> None:
    Agreement._base_manager.filter(pk=agreement.pk).update(sent_for_review_on=None)


def test_versions_sent_before_the_day_was_recorded_take_it_from_the_audit_trail(under_review):
    _forget_sent_day(under_review)
    move = LogEntry.objects.get_for_object(under_review).filter(changes__has_key="status").latest("timestamp")
    LogEntry.objects.filter(pk=move.pk).update(
        timestamp=datetime.datetime(2026, 5, 10, 1, 0, tzinfo=datetime.UTC))
    _backfill()
    under_review.refresh_from_db()
    assert under_review.sent_for_review_on == datetime.date(2026, 5, 10)


def test_the_recorded_day_is_never_after_a_signature_already_given(concluded):
    _forget_sent_day(concluded)
    LogEntry.objects.get_for_object(concluded).delete()  # a trail without the move: the creation day stands in
    _backfill()
    concluded.refresh_from_db()
    assert concluded.sent_for_review_on == datetime.date(2026, 4, 1)  # sign_all's day, before today's creation


def test_a_draft_keeps_no_day(consortium):
    draft = draft_with_articles(consortium)
    _backfill()
    draft.refresh_from_db()
    assert draft.sent_for_review_on is None
