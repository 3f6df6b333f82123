"""The survey's life: staff edit while open, submit for review; the secretariat accepts,
returns or locks; nobody edits a locked year."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs import services
from apps.costs.models import CostRecord, SurveyResponse, SurveyRound
from tests.factories import ConsortiumFactory, SurveyRoundFactory, add_cost, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    consortium = ConsortiumFactory(slug="saitama")
    survey_round = SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    body = member_of(consortium, name="伊奈町")
    return consortium, survey_round, body


def formset_post(system_id, amount):
    return {"costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "0", "costs-MIN_NUM_FORMS": "0",
            "costs-MAX_NUM_FORMS": "1000", "costs-0-business_system": str(system_id),
            "costs-0-category": "software", "costs-0-amount": str(amount), "costs-0-vendor": "架空"}


def test_staff_enter_costs_while_the_round_is_open(client, setup):
    _, _, body = setup
    client.force_login(user_with_role(Role.STAFF, body=body))
    url = reverse("body_costs_edit", args=[body.code, 2025])
    response = client.post(url, formset_post(business_system().pk, 1_234_000))
    assert response.status_code == 302
    assert CostRecord.objects.get(body=body, fiscal_year=2025).amount == 1_234_000
    assert body.year_costs.get(fiscal_year=2025).total == 1_234_000


def test_a_negative_amount_is_refused_and_nothing_saved(client, setup):
    _, _, body = setup
    client.force_login(user_with_role(Role.STAFF, body=body))
    response = client.post(reverse("body_costs_edit", args=[body.code, 2025]), formset_post(business_system().pk, -5))
    assert response.status_code == 200 and not CostRecord.objects.exists()


def test_after_submitting_staff_can_no_longer_edit_until_returned(client, setup):
    consortium, survey_round, body = setup
    add_cost(body, 1_000_000)
    staff = user_with_role(Role.STAFF, body=body)
    client.force_login(staff)
    response = client.post(reverse("survey_response", args=[body.code, survey_round.pk]), {"action": "submit"},
                           follow=True)
    assert SurveyResponse.objects.get(body=body).status == SurveyResponse.Status.SUBMITTED
    page = response.content.decode()
    assert "確認依頼を提出" in page and "事務局に通知しました" not in page  # the council has no secretariat to e-mail
    assert client.get(reverse("body_costs_edit", args=[body.code, 2025])).status_code == 403
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.post(reverse("survey_response", args=[body.code, survey_round.pk]),
                {"action": "return", "note": "保守費を確認してください"})
    client.force_login(staff)
    assert client.get(reverse("body_costs_edit", args=[body.code, 2025])).status_code == 200


def test_a_submission_is_refused_unless_the_round_is_open_the_answer_being_filled_in_and_has_figures(client, setup):
    """A stale tab's «submit» undid the secretariat's acceptance, a closed round took a
    submission, and an answer with no figure at all went to the secretariat."""
    consortium, survey_round, body = setup
    client.force_login(user_with_role(Role.STAFF, body=body))
    submit = reverse("survey_response", args=[body.code, survey_round.pk])

    page = client.post(submit, {"action": "submit"}, follow=True).content.decode()
    assert "提出する前に" in page and not SurveyResponse.objects.exists()  # nothing half-written

    add_cost(body, 1_000_000)
    client.post(submit, {"action": "submit"})
    services.survey_response_set(survey_round=survey_round, body=body, status=SurveyResponse.Status.ACCEPTED,
                                 by=user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.post(submit, {"action": "submit"}, follow=True).content.decode()
    assert SurveyResponse.objects.get(body=body).status == SurveyResponse.Status.ACCEPTED and "既に「受理済み」" in page

    services.survey_response_set(survey_round=survey_round, body=body, status=SurveyResponse.Status.EDITING,
                                 by=None, note="人口の年度を確認してください")
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.CLOSED)
    page = client.post(submit, {"action": "submit"}, follow=True).content.decode()
    assert SurveyResponse.objects.get(body=body).status == SurveyResponse.Status.EDITING and "受付の再開" in page


def test_staff_cannot_accept_their_own_survey(client, setup):
    _, survey_round, body = setup
    client.force_login(user_with_role(Role.STAFF, body=body))
    response = client.post(reverse("survey_response", args=[body.code, survey_round.pk]), {"action": "accept"})
    assert response.status_code == 403


def test_nobody_edits_a_locked_year(client, setup):
    consortium, survey_round, body = setup
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.LOCKED)
    for user in (user_with_role(Role.STAFF, body=body), user_with_role(Role.SECRETARIAT, consortium=consortium)):
        client.force_login(user)
        assert client.get(reverse("body_costs_edit", args=[body.code, 2025])).status_code == 403


def test_staff_cannot_edit_without_an_open_round(client, setup):
    _, survey_round, body = setup
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.CLOSED)
    client.force_login(user_with_role(Role.STAFF, body=body))
    assert client.get(reverse("body_costs_edit", args=[body.code, 2025])).status_code == 403


def test_a_year_being_surveyed_is_listed_before_it_has_any_costs(client, setup):
    consortium, _, body = setup
    add_cost(body, 1_000, fiscal_year=2024)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2026)
    client.force_login(user_with_role(Role.STAFF, body=body))
    page = client.get(reverse("body_costs", args=[body.code])).content.decode()
    assert page.index('href="?fy=2026"') < page.index('href="?fy=2025"') < page.index('href="?fy=2024"')
    assert 'active" href="?fy=2024"' in page  # the newest year with figures is shown first


def test_a_towns_year_is_totalled_and_broken_down_by_category(client, setup):
    _, _, body = setup
    add_cost(body, 1_000_000, business_system=business_system("resident_registry"), category="software")
    add_cost(body, 250_000, business_system=business_system("resident_registry"), category="maintenance")
    add_cost(body, 500_000, business_system=business_system("family_register"), category="software")
    client.force_login(user_with_role(Role.STAFF, body=body))
    response = client.get(reverse("body_costs", args=[body.code]), {"fy": 2025})
    assert response.context["year_total"] == 1_750_000
    assert response.context["category_totals"] == [("ソフトウェア", 1_500_000), ("保守", 250_000)]
    assert "1,750,000" in response.content.decode()


def test_a_year_that_is_not_digits_is_no_page(client, setup):
    """``?fy=-1`` broke the page (its edit link has no negative year): a 500."""
    _, _, body = setup
    client.force_login(user_with_role(Role.STAFF, body=body))
    for year in ("-1", "R7", "２０２５", "2025.0"):
        assert client.get(reverse("body_costs", args=[body.code]), {"fy": year}).status_code == 404, year
    assert client.get(reverse("body_costs", args=[body.code]), {"fy": "2025"}).status_code == 200


def test_a_year_still_surveyed_is_marked_not_final_and_submitting_asks_first(client, setup):
    consortium, survey_round, body = setup
    add_cost(body, 1_000_000)  # the open year, 2025
    add_cost(body, 900_000, fiscal_year=2024)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2024, status=SurveyRound.Status.LOCKED)
    client.force_login(user_with_role(Role.MAYOR, body=body))
    page = client.get(reverse("body_detail", args=[body.code])).content.decode()
    rows = page.split("令和7年度</a>")[1].split("</tr>")[0], page.split("令和6年度</a>")[1].split("</tr>")[0]
    assert "確定前" in rows[0] and "確定前" not in rows[1]
    client.force_login(user_with_role(Role.STAFF, body=body))
    costs = client.get(reverse("body_costs", args=[body.code]), {"fy": 2025}).content.decode()
    assert 'value="submit" data-confirm="この数値を事務局に確認依頼として送信しますか' in costs


def test_the_secretariat_accepts_only_what_was_submitted_reviews_while_closed_and_locks_nothing_pending(client, setup):
    consortium, survey_round, body = setup
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    with pytest.raises(ValidationError, match="確認依頼|submitted"):
        services.survey_response_set(survey_round=survey_round, body=body, status=SurveyResponse.Status.ACCEPTED,
                                     by=secretariat)
    assert not SurveyResponse.objects.exists()
    add_cost(body, 1_000_000)
    services.survey_response_set(survey_round=survey_round, body=body, status=SurveyResponse.Status.SUBMITTED,
                                 by=None)
    services.survey_round_move(survey_round=survey_round, action="close")
    client.force_login(secretariat)
    page = client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk])).content.decode()
    assert 'value="accept"' in page  # closed to the towns, still reviewed
    with pytest.raises(ValidationError, match="伊奈町"):
        services.survey_round_move(survey_round=survey_round, action="lock")
    # Returned while closed, the town could not correct it: reopen first.
    returned = client.post(reverse("survey_response", args=[body.code, survey_round.pk]),
                           {"action": "return", "note": "保守費を見直してください"}, follow=True)
    assert "再開" in returned.content.decode() and SurveyResponse.objects.get().status == SurveyResponse.Status.SUBMITTED
    client.post(reverse("survey_response", args=[body.code, survey_round.pk]), {"action": "accept"})
    assert SurveyResponse.objects.get().status == SurveyResponse.Status.ACCEPTED
    services.survey_round_move(survey_round=survey_round, action="lock")
