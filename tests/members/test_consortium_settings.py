"""The council's settings, kept by its secretariat: publishing the named comparison to the
members, the council's details, and the business systems in scope (its own ones included)."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from apps.accounts.models import Role
from apps.allocation.forms import PoolForm
from apps.allocation.services import plan_create
from apps.costs.models import BusinessSystem, SurveyRound
from tests.factories import ConsortiumFactory, SurveyRoundFactory, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(client):
    consortium = ConsortiumFactory(slug="saitama", name="埼玉協議会")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    return consortium


def settings_post(client, form, data):
    fields = {f"{form}-{key}": value for key, value in data.items()}
    return client.post(reverse("consortium_settings", args=["saitama"]), {"form": form, **fields})


def test_publishing_shows_the_comparison_to_the_members_and_withdrawing_hides_it_again(client, council):
    body = member_of(council, cost=1_000_000)
    # The comparison has a reviewed (locked) year to show members.
    SurveyRoundFactory(consortium=council, fiscal_year=2025, status=SurveyRound.Status.LOCKED)
    staff = user_with_role(Role.STAFF, body=body)
    comparison = reverse("cost_comparison", args=["saitama"])
    settings_post(client, "publish", {"published": "on"})
    client.force_login(staff)
    assert client.get(comparison).status_code == 200
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    settings_post(client, "publish", {"published": ""})
    client.force_login(staff)
    assert client.get(comparison).status_code == 403
    changes = LogEntry.objects.get_for_object(council).filter(action=LogEntry.Action.UPDATE).order_by("timestamp")
    assert [entry.changes_dict["comparison_published"] for entry in changes] == [["False", "True"],
                                                                                  ["True", "False"]]
    assert all(entry.actor and entry.actor.roles.get().role == Role.SECRETARIAT for entry in changes)


def test_the_details_are_saved_and_a_blank_name_is_refused_under_its_field(client, council):
    settings_post(client, "details", {"name": "埼玉県町村情報システム共同化推進協議会", "kind": "voluntary",
                                      "contract_style": "bulk", "purpose": "cost", "description": ""})
    council.refresh_from_db()
    assert (council.name, council.contract_style) == ("埼玉県町村情報システム共同化推進協議会", "bulk")
    refused = settings_post(client, "details", {"name": "", "kind": "voluntary", "contract_style": "bulk",
                                                "purpose": "cost"})
    assert "name" in refused.context["forms"]["details"].errors
    assert "<h1 class=\"h3\">埼玉県町村情報システム共同化推進協議会</h1>" in refused.content.decode()


def test_the_settings_tab_is_the_secretariats_only(client, council):
    settings = reverse("consortium_settings", args=["saitama"])
    assert settings in client.get(reverse("member_list", args=["saitama"])).content.decode()
    client.force_login(user_with_role(Role.OBSERVER, consortium=council))
    assert settings not in client.get(reverse("member_list", args=["saitama"])).content.decode()


def test_the_scope_is_chosen_from_the_catalogue_and_feeds_the_survey_sheet(client, council):
    registry, family = business_system("resident_registry"), business_system("family_register")
    client.post(reverse("business_systems", args=["saitama"]), {"form": "scope", "scope-systems": [registry.pk,
                                                                                                  family.pk]})
    assert set(council.business_systems.all()) == {registry, family}
    body = member_of(council)
    sheet = client.get(reverse("body_costs_sheet_csv", args=[body.code, 2025])).content.decode("utf-8-sig")
    assert "住民基本台帳" in sheet and "戸籍" in sheet and "介護保険" not in sheet


def test_a_council_adds_a_system_of_its_own_that_no_other_council_sees(client, council):
    url = reverse("business_systems", args=["saitama"])
    client.post(url, {"form": "system", "system-name_ja": "施設予約", "system-name_en": "Facility booking"})
    own = BusinessSystem.objects.get(name_ja="施設予約")
    assert own.consortium == council and council in own.in_scope_of.all()
    again = client.post(url, {"form": "system", "system-name_ja": "施設予約", "system-name_en": "Booking"})
    assert "name_ja" in again.context["system"].errors
    catalogued = client.post(url, {"form": "system", "system-name_ja": "文書管理", "system-name_en": "Documents"})
    assert "name_ja" in catalogued.context["system"].errors  # in the national catalogue already
    assert BusinessSystem.objects.filter(consortium=council).count() == 1
    BusinessSystem.objects.filter(code=own.code).update(code="saitama-2")  # as if one had been removed
    client.post(url, {"form": "system", "system-name_ja": "図書館", "system-name_en": "Library"})
    codes = list(BusinessSystem.objects.filter(consortium=council).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 2  # a free code, not the one still in use
    other = ConsortiumFactory(slug="nara")
    member_of(other)  # a plan is made for the council's members
    plan = plan_create(consortium=other, name="案", fiscal_year=2026, cost_fiscal_year=2025,
                       population_basis_date=datetime.date(2025, 1, 1), pools=[])
    assert own not in PoolForm(plan=plan).fields["business_systems"].queryset
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=other))
    scope_choices = client.get(reverse("business_systems", args=["nara"])).context["scope"].fields["systems"]
    assert own not in scope_choices.queryset
