"""A reader who chose English reads English around the Japanese names: the catalogue's
English system names, amounts in yen, names listed with commas."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Role
from apps.core.formatting import names_joined
from tests.factories import ConsortiumFactory, SurveyRoundFactory, add_cost, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_a_towns_cost_page_names_systems_and_amounts_in_the_readers_language(client):
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    ina = member_of(consortium, name="伊奈町")
    add_cost(ina, 830_000, business_system=business_system("resident_registry"))
    client.force_login(user_with_role(Role.STAFF, body=ina))
    url = reverse("body_costs", args=[ina.code]) + "?fy=2025"
    japanese = client.get(url).content.decode()
    assert "住民基本台帳" in japanese and "830,000円" in japanese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert business_system("resident_registry").name_en in english and "住民基本台帳" not in english
    assert "830,000 yen" in english and "830,000円" not in english


def test_names_in_a_sentence_are_joined_as_the_reader_writes_lists():
    with translation.override("ja"):
        assert names_joined(["伊奈町", "三芳町"]) == "伊奈町、三芳町"
    with translation.override("en"):
        assert names_joined(["伊奈町", "三芳町"]) == "伊奈町, 三芳町"


def test_the_list_of_councils_lists_members_as_the_reader_writes_lists(client):
    """«伊奈町、三芳町 … 2 （1 withdrew）» on an English page."""
    from apps.members.models import ParticipationStatus

    consortium = ConsortiumFactory(name="埼玉")
    member_of(consortium, name="伊奈町", code="113018")
    member_of(consortium, name="三芳町", code="113247")
    member_of(consortium, name="離脱村", code="113263").participations.update(status=ParticipationStatus.WITHDRAWN)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    japanese = client.get(reverse("consortium_list")).content.decode()
    assert "伊奈町、三芳町" in japanese and "（離脱 1）" in japanese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("consortium_list")).content.decode()
    assert "伊奈町, 三芳町" in english and "伊奈町、" not in english
    assert "(1 withdrew)" in english and "（" not in english


def test_an_aside_after_a_name_is_bracketed_as_the_reader_writes_it(client):
    """伊奈町の対応事項（第1回協議会） in Japanese; «… (第1回協議会)» in English, not a full-width （."""
    from django.utils import timezone

    from apps.meetings.models import ActionItem, Meeting

    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, name="伊奈町")
    meeting = Meeting.objects.create(consortium=consortium, title="第1回協議会", starts_at=timezone.now())
    ActionItem.objects.create(meeting=meeting, text="移行計画書の提出", owner=ina)
    client.force_login(user_with_role(Role.STAFF, body=ina))
    url = reverse("body_detail", args=[ina.code])
    japanese = client.get(url).content.decode()
    assert f'（<a href="{reverse("meeting_detail", args=[meeting.pk])}">第1回協議会</a>）' in japanese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert f' (<a href="{reverse("meeting_detail", args=[meeting.pk])}">第1回協議会</a>)' in english
    assert "（" not in english


def test_a_bracketed_aside_is_escaped():
    from django.template import Context, Template

    template = Template("{% load consortium_format %}{{ name|bracketed }}")
    with translation.override("en"):
        assert template.render(Context({"name": "<b>x</b>"})) == " (&lt;b&gt;x&lt;/b&gt;)"


def test_the_councils_own_japanese_text_is_marked_japanese_on_english_pages(client):
    """A screen reader set to English read 第1条 and the minutes letter by letter."""
    from django.utils import timezone

    from apps.costs.models import SurveyResponse
    from apps.meetings.models import Decision, Meeting
    from tests.agreements.conftest import draft_with_articles

    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, name="伊奈町")
    survey_round = SurveyRoundFactory(consortium=consortium, fiscal_year=2026)
    SurveyResponse.objects.create(survey_round=survey_round, body=ina, status="editing", review_note="保守費を確認")
    agreement = draft_with_articles(consortium)
    meeting = Meeting.objects.create(consortium=consortium, title="第1回協議会", starts_at=timezone.now(),
                                     minutes="議事録の本文")
    Decision.objects.create(meeting=meeting, text="規約を承認する", outcome=Decision.Outcome.choices[0][0])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    pages = {
        "article": client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode(),
        "minutes and decision": client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode(),
        "return note": client.get(reverse("body_costs", args=[ina.code]) + "?fy=2026").content.decode()
        + client.get(reverse("body_detail", args=[ina.code])).content.decode(),
    }
    article_text = agreement.articles.get().text.split("\n")[0][:10]
    for what, page, passage in (("article", "article", article_text), ("minutes", "minutes and decision", "議事録の本文"),
                                ("decision", "minutes and decision", "規約を承認する"),
                                ("return note", "return note", "保守費を確認")):
        assert re.search(rf'lang="ja">(<p>)?{re.escape(passage)}', pages[page]), what
    assert pages["return note"].count('<span lang="ja">保守費を確認</span>') == 2
