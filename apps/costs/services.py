"""Writes for costs: the cost entry form and the importers both end here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.costs.models import CostRecord, SurveyRound
from apps.members.models import MemberBody


@transaction.atomic
def cost_records_save(*, body: MemberBody, fiscal_year: int, formset) -> list[CostRecord]:
    """Save a body's cost entry formset for one year; one row per system and category."""
    seen: set[tuple[int, str]] = set()
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if form in formset.deleted_forms:
            continue
        key = (form.cleaned_data["business_system"].pk, form.cleaned_data["category"])
        if key in seen:
            raise ValidationError(
                _("%(system)s / %(category)s is entered twice.")
                % {"system": form.cleaned_data["business_system"], "category": form.instance.get_category_display()}
            )
        seen.add(key)
    records = formset.save(commit=False)
    for record in formset.deleted_objects:
        record.delete()
    for record in records:
        record.body = body
        record.fiscal_year = fiscal_year
        record.save()
    return records


def survey_round_ensure(*, consortium, fiscal_year: int, status: str = SurveyRound.Status.OPEN,
                        deadline=None) -> SurveyRound:
    survey_round, _created = SurveyRound.objects.get_or_create(
        consortium=consortium, fiscal_year=fiscal_year, defaults={"status": status, "deadline": deadline}
    )
    return survey_round
