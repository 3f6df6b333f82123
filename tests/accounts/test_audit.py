"""Every change is in the trail, with who and before/after; each secretariat sees its own."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs.importers import apply_costs, parse_costs
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_a_cost_change_on_the_page_is_recorded_with_who_before_and_after(client):
    consortium = ConsortiumFactory(slug="a")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    body = member_of(consortium, cost=1_000_000)
    record = body.cost_records.get()
    staff = user_with_role(Role.STAFF, body=body)
    client.force_login(staff)
    client.post(reverse("body_costs_edit", args=[body.code, 2025]), {
        "costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "1", "costs-MIN_NUM_FORMS": "0", "costs-MAX_NUM_FORMS": "1000",
        "costs-0-id": str(record.pk), "costs-0-business_system": str(record.business_system_id),
        "costs-0-category": record.category, "costs-0-amount": "2000000", "costs-0-vendor": record.vendor,
    })
    entry = LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff
    assert entry.changes_dict["amount"] == ["1000000", "2000000"]


def test_imports_are_recorded_too():
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium)
    data = f"団体コード,業務,ソフトウェア\n{body.code},住民基本台帳,500000\n".encode()
    apply_costs(parse_costs(data, "costs.csv", consortium=consortium, fiscal_year=2025), fiscal_year=2025)
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE, object_repr__contains="500,000").exists()


def test_each_secretariat_sees_only_its_consortium_entries(client):
    a, b = ConsortiumFactory(slug="a"), ConsortiumFactory(slug="b")
    member_of(a, name="伊奈町")
    member_of(b, name="香芝市")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=a))
    reprs = {row.record.object_repr for row in client.get(reverse("audit_trail")).context["table"].rows}
    assert any("伊奈町" in r for r in reprs) and not any("香芝市" in r for r in reprs)


def test_the_trail_cannot_be_edited_through_the_app(client):
    consortium = ConsortiumFactory(slug="a")
    member_of(consortium)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    count = LogEntry.objects.count()
    assert client.post(reverse("audit_trail"), {"action": "delete"}).status_code == 405
    assert LogEntry.objects.count() == count
