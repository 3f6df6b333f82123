"""Agreements: review, signatures, conclusion, immutability, amendments, and who sees what."""

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.agreements import selectors, services
from apps.agreements.models import Agreement, Article, Contract, FrozenAgreementError, Signature
from tests.agreements.conftest import draft_with_articles, sign_all
from apps.members.models import Participation, ParticipationStatus
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_versions_are_numbered_per_consortium(consortium, concluded):
    amendment = services.agreement_amend(agreement=concluded)
    elsewhere = services.agreement_create(consortium=ConsortiumFactory(slug="nara"), title="協定書")
    assert (concluded.version, amendment.version, elsewhere.version) == (1, 2, 1)


def test_submitting_for_review_awaits_one_signature_per_member_that_has_not_withdrawn(under_review, ina, miyoshi):
    assert under_review.is_under_review
    assert set(under_review.signatures.values_list("body__name", flat=True)) == {"伊奈町", "三芳町"}
    assert not under_review.signatures.filter(signed_on__isnull=False).exists()


def test_only_the_councils_members_are_asked_to_sign_not_a_body_invited_or_in_the_study_group(consortium, ina):
    invited = member_of(consortium, name="上尾市")
    studying = member_of(consortium, name="三芳町")
    Participation.objects.filter(body=invited).update(status=ParticipationStatus.INVITED)
    Participation.objects.filter(body=studying).update(status=ParticipationStatus.STUDY_GROUP)
    agreement = services.agreement_submit_for_review(agreement=draft_with_articles(consortium))
    assert list(agreement.signatures.values_list("body__name", flat=True)) == ["伊奈町"]


def test_an_amendment_cannot_be_signed_before_the_version_it_amends_was_concluded(concluded, ina):
    amendment = services.agreement_amend(agreement=concluded)
    amendment = services.agreement_submit_for_review(agreement=amendment, on=concluded.concluded_on)
    signature = amendment.signatures.get(body=ina)
    with pytest.raises(ValidationError, match="signed_on"):
        services.signature_record(signature=signature, signed_on=concluded.concluded_on - datetime.timedelta(days=1))
    services.signature_record(signature=signature, signed_on=concluded.concluded_on)
    assert amendment.signatures.get(body=ina).signed_on == concluded.concluded_on


def test_an_agreement_without_articles_cannot_be_sent_for_review(consortium, ina):
    empty = services.agreement_create(consortium=consortium, title="協定書")
    with pytest.raises(ValidationError):
        services.agreement_submit_for_review(agreement=empty)
    empty.refresh_from_db()
    assert empty.is_draft and not empty.signatures.exists()


def test_articles_change_only_while_the_agreement_is_a_draft(under_review):
    article = under_review.articles.first()
    article.text = "変更"
    with pytest.raises(ValidationError):
        services.article_save(article=article)
    with pytest.raises(ValidationError):
        services.article_delete(article=article)


def test_an_old_copy_of_the_draft_cannot_reopen_its_articles_once_sent_for_review(consortium, ina):
    draft = draft_with_articles(consortium)
    services.agreement_submit_for_review(agreement=draft)  # ``draft`` itself still says "draft"
    with pytest.raises(ValidationError):
        services.article_save(article=Article(agreement=draft, number=2, heading="追加", text="…"))


def test_article_numbers_are_unique_in_an_agreement(consortium):
    draft = draft_with_articles(consortium, "目的")
    with pytest.raises(ValidationError) as refusal:
        services.article_save(article=Article(agreement=draft, number=1, heading="重複", text="…"))
    assert "number" in refusal.value.message_dict


def test_conclusion_is_refused_while_a_member_has_not_signed_and_names_it(under_review, ina):
    services.signature_record(signature=under_review.signatures.get(body=ina), signed_on=datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError) as refusal:
        services.agreement_conclude(agreement=under_review)
    assert "三芳町" in refusal.value.messages[0] and "伊奈町" not in refusal.value.messages[0]
    under_review.refresh_from_db()
    assert under_review.is_under_review and under_review.concluded_on is None


def test_an_agreement_is_concluded_on_the_day_of_its_last_signature(under_review, ina, miyoshi):
    services.signature_record(signature=under_review.signatures.get(body=ina), signed_on=datetime.date(2026, 4, 1))
    services.signature_record(signature=under_review.signatures.get(body=miyoshi), signed_on=datetime.date(2026, 4, 9))
    concluded = services.agreement_conclude(agreement=under_review)
    assert concluded.is_concluded and concluded.concluded_on == datetime.date(2026, 4, 9)


def test_a_signature_cannot_be_dated_in_the_future(under_review, ina):
    with pytest.raises(ValidationError):
        services.signature_record(signature=under_review.signatures.get(body=ina),
                                  signed_on=datetime.date.today() + datetime.timedelta(days=2))


def test_a_concluded_agreement_cannot_change_in_any_way(concluded, ina):
    concluded.title = "変更"
    with pytest.raises(FrozenAgreementError):
        concluded.save()
    with pytest.raises(FrozenAgreementError):
        concluded.delete()
    article = concluded.articles.first()
    article.text = "変更"
    with pytest.raises(FrozenAgreementError):
        article.save()
    with pytest.raises(FrozenAgreementError):
        article.delete()
    with pytest.raises(FrozenAgreementError):
        Article.objects.create(agreement=concluded, number=99, heading="追加", text="…")
    signature = concluded.signatures.get(body=ina)
    signature.signed_on = datetime.date(2020, 1, 1)
    with pytest.raises(FrozenAgreementError):
        signature.save()
    with pytest.raises(ValidationError):
        services.signature_record(signature=signature, signed_on=datetime.date(2026, 4, 2))


def test_queryset_updates_and_deletes_cannot_reach_a_concluded_agreement(concluded):
    for queryset, change in ((Agreement.objects.filter(pk=concluded.pk), {"title": "変更"}),
                             (Article.objects.filter(agreement=concluded), {"text": "変更"}),
                             (Signature.objects.filter(agreement=concluded), {"signed_on": None})):
        with pytest.raises(FrozenAgreementError):
            queryset.update(**change)
        with pytest.raises(FrozenAgreementError):
            queryset.delete()
    concluded.refresh_from_db()
    assert concluded.title != "変更" and concluded.articles.count() == 2
    assert not concluded.signatures.filter(signed_on__isnull=True).exists()


def test_an_amendment_is_a_new_draft_version_copying_the_articles_and_superseding(concluded):
    amendment = services.agreement_amend(agreement=concluded)
    assert amendment.is_draft and amendment.version == concluded.version + 1
    assert amendment.supersedes == concluded
    assert list(amendment.articles.values_list("number", "heading", "text")) == list(
        concluded.articles.values_list("number", "heading", "text"))
    changed = amendment.articles.get(number=1)
    changed.text = "改正後の目的"
    services.article_save(article=changed)
    assert concluded.articles.get(number=1).text != "改正後の目的"
    with pytest.raises(ValidationError):
        services.agreement_amend(agreement=concluded)  # amended once; amend the new version next


def test_only_a_concluded_agreement_is_amended(under_review):
    with pytest.raises(ValidationError):
        services.agreement_amend(agreement=under_review)


def test_members_see_agreements_under_review_or_concluded_and_only_their_own_signature(
        consortium, concluded, ina):
    draft = services.agreement_amend(agreement=concluded)
    staff = user_with_role(Role.STAFF, body=ina)
    assert set(Agreement.objects.for_user(staff)) == {concluded}
    assert draft in Agreement.objects.for_user(user_with_role(Role.OBSERVER, consortium=consortium))
    assert list(Signature.objects.for_user(staff).values_list("body", flat=True)) == [ina.pk]


def test_pending_signatures_and_current_agreement_for_other_apps(consortium, under_review, ina, miyoshi):
    assert selectors.current_agreement(consortium=consortium) == under_review
    services.signature_record(signature=under_review.signatures.get(body=ina), signed_on=datetime.date(2026, 4, 1))
    assert not selectors.pending_signatures(body=ina).exists()
    pending = selectors.pending_signatures(body=miyoshi).get()
    assert pending.agreement == under_review
    sign_all(under_review)
    concluded = services.agreement_conclude(agreement=under_review)
    services.agreement_amend(agreement=concluded)  # a newer draft is not the current agreement
    assert selectors.current_agreement(consortium=consortium) == concluded


def test_the_secretariat_takes_an_agreement_from_draft_to_conclusion_on_the_pages(
        client, consortium, secretariat, ina, miyoshi):
    client.force_login(secretariat)
    client.post(reverse("agreement_create", args=[consortium.slug]), {"title": "協定書"})
    agreement = Agreement.objects.get()
    response = client.post(reverse("article_create", args=[agreement.pk]),
                           {"number": "1", "heading": "目的", "text": "共同化を推進する。"})
    assert response.status_code == 302 and agreement.articles.count() == 1
    client.post(reverse("agreement_review", args=[agreement.pk]))
    today = timezone.localdate()  # sent for review today: signed no earlier
    for signature in agreement.signatures.all():
        client.post(reverse("signature_record", args=[signature.pk]),
                    {"signed_on": today.isoformat(), "signed_by_name": "町長"})
    client.post(reverse("agreement_conclude", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.is_concluded and agreement.concluded_on == today
    response = client.post(reverse("agreement_amend", args=[agreement.pk]))
    amendment = Agreement.objects.get(supersedes=agreement)
    assert response["Location"] == reverse("agreement_detail", args=[amendment.pk])


def test_back_to_draft_voids_the_signatures_and_reopens_the_articles(under_review, ina, miyoshi):
    signed = services.signature_record(signature=under_review.signatures.get(body=ina),
                                       signed_on=datetime.date(2026, 4, 1))
    draft = services.agreement_return_to_draft(agreement=under_review)
    assert draft.is_draft and not draft.signatures.exists()
    # The trail still says that 伊奈町 had signed, and when.
    deleted = LogEntry.objects.get_for_object(signed).get(action=LogEntry.Action.DELETE)
    assert deleted.changes_dict["signed_on"][0] == "2026-04-01"
    article = draft.articles.first()
    article.text = "三芳町の意見を受けて改めた文言。"
    services.article_save(article=article)
    again = services.agreement_submit_for_review(agreement=draft)
    assert again.signatures.filter(signed_on__isnull=True).count() == 2  # 伊奈町 signs the new text afresh


def test_only_an_agreement_under_review_goes_back_to_draft(consortium, under_review, ina, miyoshi):
    sign_all(under_review)
    concluded = services.agreement_conclude(agreement=under_review)
    with pytest.raises(ValidationError):
        services.agreement_return_to_draft(agreement=concluded)
    concluded.refresh_from_db()
    assert concluded.is_concluded and concluded.signatures.count() == 2
    with pytest.raises(ValidationError):
        services.agreement_return_to_draft(agreement=services.agreement_amend(agreement=concluded))


def test_the_secretariat_takes_it_back_to_draft_on_the_page_and_a_member_cannot(client, under_review, secretariat,
                                                                               ina):
    client.force_login(user_with_role(Role.STAFF, body=ina))
    assert client.post(reverse("agreement_redraft", args=[under_review.pk])).status_code in (403, 404)
    under_review.refresh_from_db()
    assert under_review.is_under_review
    client.force_login(secretariat)
    page = client.get(reverse("agreement_detail", args=[under_review.pk])).content.decode()
    assert reverse("agreement_redraft", args=[under_review.pk]) in page
    client.post(reverse("agreement_redraft", args=[under_review.pk]))
    under_review.refresh_from_db()
    assert under_review.is_draft and not under_review.signatures.exists()


def test_a_refused_conclusion_is_shown_to_the_secretariat(client, under_review, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("agreement_conclude", args=[under_review.pk]), follow=True)
    assert "三芳町" in response.content.decode()
    under_review.refresh_from_db()
    assert under_review.is_under_review


def test_a_member_reads_the_agreement_with_its_own_signature_only(client, under_review, ina):
    client.force_login(user_with_role(Role.MAYOR, body=ina))
    response = client.get(reverse("agreement_detail", args=[under_review.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "構成団体" in page
    assert [s.body for s in response.context["signatures"]] == [ina]
    assert reverse("signature_record", args=[under_review.signatures.get(body=ina).pk]) not in page
    assert client.get(reverse("agreement_list", args=["saitama"])).status_code == 200


def test_the_signature_list_counts_what_is_signed(client, consortium, under_review, secretariat, ina):
    services.signature_record(signature=under_review.signatures.get(body=ina), signed_on=datetime.date(2026, 4, 1))
    client.force_login(secretariat)
    row = client.get(reverse("agreement_list", args=[consortium.slug])).context["agreements"].get()
    assert (row.signed_count, row.signature_count) == (1, 2)


def test_concluding_and_signing_pages_refuse_a_concluded_agreement(client, concluded, secretariat, ina):
    client.force_login(secretariat)
    assert client.get(reverse("signature_record", args=[concluded.signatures.get(body=ina).pk])).status_code == 403
    assert client.get(reverse("article_create", args=[concluded.pk])).status_code == 403


def test_the_members_page_and_briefing_say_the_towns_signature_is_awaited(client, under_review, ina, miyoshi):
    import io

    from pypdf import PdfReader

    from apps.reports import services as reports
    from apps.reports.models import Kind
    from apps.reports.selectors import Options

    under_review.signatures.filter(body=miyoshi).update(signed_on=datetime.date(2026, 4, 1))
    client.force_login(user_with_role(Role.STAFF, body=ina))
    page = client.get(reverse("body_detail", args=[ina.code])).content.decode()
    assert "情報システム共同化に関する協定書" in page
    client.force_login(user_with_role(Role.STAFF, body=miyoshi))
    assert "情報システム共同化に関する協定書" not in client.get(reverse("body_detail", args=[miyoshi.code])).content.decode()

    content = reports.render_pdf(kind=Kind.BRIEFING, consortium=under_review.consortium, fiscal_year=2025,
                                 plan=None, body=ina, options=Options())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
    assert "署名をお待ちしています" in text and "情報システム共同化に関する協定書" in text


def test_a_member_that_withdraws_during_the_review_no_longer_blocks_the_conclusion(under_review, ina, miyoshi):
    from apps.members.models import ParticipationStatus
    from apps.members.services import participation_set_status

    signature = under_review.signatures.get(body=ina)
    services.signature_record(signature=signature, signed_on=datetime.date(2026, 4, 1), signed_by_name="伊奈町長")
    participation_set_status(participation=miyoshi.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2026, 4, 2))
    concluded = services.agreement_conclude(agreement=under_review)
    assert concluded.is_concluded
    assert list(concluded.signatures.values_list("body__name", flat=True)) == ["伊奈町"]


def test_a_first_draft_can_start_from_the_standard_articles_naming_the_council(client, consortium, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("agreement_create", args=[consortium.slug])).content.decode()
    assert re.search(r'<input[^>]*name="standard_articles"[^>]*checked', page)  # offered, and on by default
    client.post(reverse("agreement_create", args=[consortium.slug]), {"title": "協定書", "standard_articles": "on"})
    agreement = Agreement.objects.get()
    assert list(agreement.articles.values_list("number", "heading")) == [
        (1, "目的"), (2, "構成団体"), (3, "カスタマイズを行わない原則"), (4, "経費の負担"), (5, "加入及び脱退"),
        (6, "有効期間")]
    assert f"{consortium.name}（以下「協議会」という。）" in agreement.articles.get(number=2).text
    assert LogEntry.objects.filter(content_type__model="article", action=LogEntry.Action.CREATE).count() == 6
    # A draft to edit like any other: the secretariat changes the term and sends it for review.
    article = agreement.articles.get(number=6)
    client.post(reverse("article_edit", args=[article.pk]),
                {"number": "6", "heading": "有効期間", "text": "締結の日から令和13年3月31日までとする。"})
    assert agreement.articles.get(number=6).text == "締結の日から令和13年3月31日までとする。"


def test_a_contracts_total_over_a_year_or_more_is_not_less_than_its_annual_amount(client, consortium, ina):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    contract = {"body": ina.pk, "vendor": "デモクラウド株式会社", "title": "基幹系システム利用契約", "service_type": "saas",
                "starts_on": "2026-04-01", "ends_on": "2031-03-31", "annual_amount": "1000", "total_amount": "10",
                "notice_days": "180", "sla-TOTAL_FORMS": "0", "sla-INITIAL_FORMS": "0", "sla-MIN_NUM_FORMS": "0",
                "sla-MAX_NUM_FORMS": "1000"}
    refused = client.post(reverse("contract_create", args=[consortium.slug]), contract)
    assert refused.status_code == 200 and "年額を下回る" in refused.content.decode()
    assert not Contract.objects.exists()
    short = {**contract, "ends_on": "2026-09-30", "total_amount": "500"}  # half a year at half the annual rate
    assert client.post(reverse("contract_create", args=[consortium.slug]), short).status_code == 302


def test_a_national_councils_signatures_are_listed_a_page_at_a_time_and_counted_in_full(
        client, consortium, under_review, secretariat, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.agreements import views

    monkeypatch.setattr(views, "SIGNATURES_PER_PAGE", 1)
    services.signature_record(signature=under_review.signatures.order_by("body__code").last(),
                              signed_on=datetime.date(2026, 4, 1), signed_by_name="三芳町長")
    client.force_login(secretariat)
    url = reverse("agreement_detail", args=[under_review.pk])
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url)
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url + "?page=2")
    assert [s.body.name for s in first.context["signatures"]] == ["伊奈町"]
    assert [s.body.name for s in second.context["signatures"]] == ["三芳町"]
    assert first.context["signature_counts"] == {"total": 2, "signed": 1}  # of all, not of the page
    assert first.context["page"].paginator.num_pages == 2 and b"data-pager" in first.content
    assert len(first_queries) == len(second_queries)
