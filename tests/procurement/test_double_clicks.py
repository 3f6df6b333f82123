"""A second click at the same moment as the first: refused or done once, as one after
the other would be, never a server error."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Role
from apps.procurement import services
from apps.procurement.models import Evaluation, RfiResponse, Vendor
from tests.concurrency import needs_row_locks, second_while_first_is_uncommitted
from tests.factories import ConsortiumFactory, user_with_role
from tests.procurement.conftest import case_in, corporate_number, rfi_round_in, vendor

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_vendor_registered_by_two_clicks_at_once_is_registered_once():
    needs_row_locks()

    def register():
        return services.vendor_create(name="架空システム株式会社", corporate_number=corporate_number(1))

    with pytest.raises(ValidationError) as refusal:
        second_while_first_is_uncommitted(register, register)
    assert "corporate_number" in refusal.value.message_dict and Vendor.objects.count() == 1


def test_a_response_recorded_by_two_clicks_at_once_is_recorded_once():
    needs_row_locks()
    company = vendor("架空システム株式会社", 1)
    rfi_round = rfi_round_in(case_in(ConsortiumFactory(slug="a")), [company])

    def record():
        return services.rfi_response_record(rfi_round=rfi_round, vendor=company, received_on=datetime.date(2025, 6, 20))

    with pytest.raises(ValidationError) as refusal:
        second_while_first_is_uncommitted(record, record)
    assert "vendor" in refusal.value.message_dict and RfiResponse.objects.count() == 1


def test_an_evaluation_set_up_by_two_clicks_at_once_is_set_up_once():
    needs_row_locks()
    consortium = ConsortiumFactory(slug="a")
    case = case_in(consortium)
    evaluator = user_with_role(Role.SECRETARIAT, consortium=consortium)

    def set_up():
        return services.evaluation_setup(case=case, price_points_max=30, evaluators=[evaluator])

    second_while_first_is_uncommitted(set_up, set_up)
    assert Evaluation.objects.get(case=case).evaluator_rows.count() == 1
