"""A member that has withdrawn (脱退) loses the council's business; its people keep their own."""

import datetime

import pytest
from django.urls import reverse

from apps.costs.models import SurveyRound
from apps.members.models import Consortium, ParticipationStatus
from apps.members.services import participation_set_status
from tests.accounts.test_access_matrix import meeting_in, world  # noqa: F401  (the matrix's world)
from tests.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

COUNCIL_BUSINESS = {
    "cost_comparison": lambda w: {"slug": "a"},
    "cost_comparison_csv": lambda w: {"slug": "a"},
    "meeting_list": lambda w: {"slug": "a"},
    "meeting_detail": lambda w: {"pk": meeting_in(w, "a").pk},
    "agenda_document": lambda w: {"pk": meeting_in(w, "a").agenda.get().pk},
    "meetings_ics": lambda w: {"slug": "a"},
    "plan_list": lambda w: {"slug": "a"},
    "plan_detail": lambda w: {"pk": w["published"].pk},
    "agreement_list": lambda w: {"slug": "a"},
    "agreement_detail": lambda w: {"pk": w["agreement_review"].pk},
    "contract_detail": lambda w: {"pk": w["contract_bulk"].pk},
}
OWN = {
    "body_detail": lambda w: {"code": w["y"].code},
    "body_costs": lambda w: {"code": w["y"].code},
    "body_costs_sheet_csv": lambda w: {"code": w["y"].code, "year": 2025},
    "report_download": lambda w: {"pk": w["briefing_y"].pk},
}


def test_a_withdrawn_towns_people_lose_the_councils_business_and_keep_their_own(client, world):  # noqa: F811
    """三芳町 set to 脱退: miyoshi-staff still read the comparison and its CSV, meetings and
    their documents and calendar, plans and agreements, and edited the open survey."""
    a = Consortium.objects.get(slug="a")
    a.comparison_published = True
    a.save()
    SurveyRoundFactory(consortium=a, fiscal_year=2024, status=SurveyRound.Status.LOCKED)
    urls = {name: reverse(name, kwargs=build(world)) for name, build in {**COUNCIL_BUSINESS, **OWN}.items()}
    edit = reverse("body_costs_edit", args=[world["y"].code, 2025])
    client.force_login(world["users"]["staff_y"])
    assert [name for name, url in urls.items() if client.get(url).status_code != 200] == []  # a member: all of it
    assert client.get(edit).status_code == 200
    participation_set_status(participation=world["y"].participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2026, 1, 1))
    still_open = [name for name in COUNCIL_BUSINESS if client.get(urls[name]).status_code != 404]
    assert still_open == []
    assert client.get(edit).status_code == 403
    assert [name for name in OWN if client.get(urls[name]).status_code != 200] == []
    page = client.get(urls["body_detail"]).content.decode()
    assert "離脱" in page  # its own participation history stays
    client.force_login(world["users"]["staff_x"])  # a member that stays keeps everything
    assert [name for name in COUNCIL_BUSINESS if client.get(urls[name]).status_code != 200] == []


def test_a_withdrawn_towns_own_contract_does_not_link_to_the_councils_contracts(client, world):  # noqa: F811
    """Its contract page linked to /c/<slug>/contracts/, a 404 for it now."""
    url, contracts = reverse("contract_detail", args=[world["contract_x"].pk]), reverse("contract_list", args=["a"])
    client.force_login(world["users"]["staff_x"])
    assert f'href="{contracts}"' in client.get(url).content.decode()
    participation_set_status(participation=world["x"].participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2026, 1, 1))
    page = client.get(url)
    assert page.status_code == 200 and world["contract_x"].title in page.content.decode()
    assert contracts not in page.content.decode() and client.get(contracts).status_code == 404
