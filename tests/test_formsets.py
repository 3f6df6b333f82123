"""A formset's form count comes from the browser: a tampered one past the formset's
maximum is refused, and never builds more forms than that (Django's default would build
up to a thousand more, each with its own choices to render)."""

import pytest

from apps.agreements.forms import SlaItemFormSet
from apps.agreements.models import Contract
from apps.allocation.forms import PoolFormSet, ScenarioFormSet
from apps.allocation.models import AllocationPlan
from apps.costs.forms import CostRecordFormSet
from apps.costs.models import BusinessSystem, CostRecord

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("make", "prefix", "most"), [
    (lambda data: CostRecordFormSet(data, queryset=CostRecord.objects.none(), prefix="costs",
                                     systems=BusinessSystem.objects.all()), "costs", 500),
    (lambda data: PoolFormSet(data, instance=AllocationPlan(), prefix="pools"), "pools", 40),
    (lambda data: ScenarioFormSet(data, instance=AllocationPlan(), prefix="scenarios"), "scenarios", 20),
    (lambda data: SlaItemFormSet(data, instance=Contract(), prefix="sla"), "sla", 100),
])
def test_a_tampered_form_count_is_refused_without_building_the_forms(make, prefix, most):
    formset = make({f"{prefix}-TOTAL_FORMS": "99999999999999999999", f"{prefix}-INITIAL_FORMS": "0"})
    assert formset.total_form_count() == most
    assert not formset.is_valid() and formset.non_form_errors()
    assert make({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}).total_form_count() == 1
