"""Years and dates outside what a council can mean are refused where they are typed, not
stored to fail later on other pages."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Role
from apps.core.forms import SensibleDates
from apps.meetings.models import Meeting
from tests.factories import ConsortiumFactory, member_of, user_with_role


class Dated(SensibleDates, forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@pytest.mark.parametrize("on, valid", [("2026-12-07", True), ("1990-01-01", True), ("2100-12-31", True),
                                       ("9999-12-31", False), ("1899-01-01", False), ("2101-01-01", False)])
def test_dates_are_taken_from_1990_to_2100(on, valid):
    with translation.override("ja"):
        form = Dated(data={"on": on})
        assert form.is_valid() is valid
        if not valid:
            assert form.errors["on"] == ["1990年1月1日から2100年12月31日までの日付を入力してください。"]


def test_the_date_pickers_offer_the_same_span():
    page = str(Dated())
    assert 'min="1990-01-01" max="2100-12-31"' in page
    assert 'min="1990-01-01T00:00" max="2100-12-31T23:59"' in page


@pytest.mark.django_db
def test_a_meeting_in_9999_is_refused_and_the_calendar_feed_keeps_working(client):
    consortium = ConsortiumFactory(slug="a")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.post(reverse("meeting_create", args=["a"]), {
        "kind": "council", "title": "第9回", "starts_at": "9999-12-31T23:59", "status": "planned"})
    assert response.status_code == 200 and "2100年12月31日" in response.content.decode()
    assert not Meeting.objects.exists()
    assert client.get(reverse("meetings_ics", args=["a"])).status_code == 200


@pytest.mark.django_db
def test_a_plan_of_a_five_digit_year_is_refused_and_the_plans_pages_keep_working(client):
    from apps.allocation import services

    consortium = ConsortiumFactory(slug="a")
    member_of(consortium)  # a plan is made for the council's members
    plan = services.plan_create(consortium=consortium, name="案", fiscal_year=2026, cost_fiscal_year=2025,
                                population_basis_date=datetime.date(2025, 6, 1), guarantee=None, pools=[])
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.post(reverse("plan_edit", args=[plan.pk]), {
        "name": "案", "fiscal_year": "20277", "cost_fiscal_year": "2025", "population_basis_date": "2025-06-01"})
    assert response.status_code == 200 and "fiscal_year" in response.context["form"].errors
    plan.refresh_from_db()
    assert plan.fiscal_year == 2026
    assert client.get(reverse("plan_list", args=["a"])).status_code == 200


def test_a_criterions_points_are_on_the_price_scale():
    from apps.procurement.forms import CriterionForm

    assert CriterionForm(data={"name": "機能", "max_points": "1000"}).is_valid()
    assert "max_points" in CriterionForm(data={"name": "機能", "max_points": str(10**15)}).errors


PAST_BIGINT = "99999999999999999999"  # 2⁶⁶: no row has it, and SQLite cannot even bind it


def project_forms():
    """Every form class of the project's modules, a formset's form included."""
    import importlib
    import inspect
    import pkgutil

    import apps
    from django.forms.formsets import BaseFormSet

    found = {}
    for module in pkgutil.walk_packages(apps.__path__, "apps."):
        if ".migrations" in module.name or ".management" in module.name:
            continue
        for obj in vars(importlib.import_module(module.name)).values():
            if inspect.isclass(obj) and issubclass(obj, BaseFormSet) and getattr(obj, "form", None):
                obj = obj.form
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__.startswith("apps."):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def row_choices():
    return [(name, field_name) for name, form in sorted(project_forms().items())
            for field_name, field in form.base_fields.items() if isinstance(field, forms.ModelChoiceField)]


def test_every_choice_of_rows_is_one_that_refuses_an_id_past_the_databases_integer():
    """A posted id of 2⁶⁶ was a server error on SQLite (OverflowError binding it) in the
    scope's systems, a pool's systems and members, an RFI's invited vendors."""
    from apps.core.forms import IdChoiceField, IdMultipleChoiceField

    choices = row_choices()
    assert len(choices) >= 10  # the walk found the forms
    unbounded = [f"{name}.{field_name}" for name, field_name in choices
                 if not isinstance(project_forms()[name].base_fields[field_name],
                                   (IdChoiceField, IdMultipleChoiceField))]
    assert not unbounded


@pytest.mark.django_db
@pytest.mark.parametrize("name, field_name", row_choices())
def test_an_id_past_the_databases_integer_is_refused_before_it_is_looked_up(name, field_name,
                                                                            django_assert_num_queries):
    import copy

    from django.core.exceptions import ValidationError

    field = copy.deepcopy(project_forms()[name].base_fields[field_name])
    field.queryset = field.queryset.model.objects.all()  # every row: the form narrows it to its council's
    many = isinstance(field, forms.ModelMultipleChoiceField)
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refusal:
        field.clean([PAST_BIGINT] if many else PAST_BIGINT)
    assert refusal.value.code == "invalid_choice"


@pytest.mark.django_db
def test_a_scope_posted_with_an_id_past_the_databases_integer_is_refused_on_the_page(client):
    consortium = ConsortiumFactory(slug="a")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.post(reverse("business_systems", args=["a"]), {"form": "scope", "scope-systems": PAST_BIGINT})
    assert response.status_code == 200 and "systems" in response.context["scope"].errors
    assert not consortium.business_systems.exists()
