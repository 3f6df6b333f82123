"""Writes for costs: the cost entry form and the importers both end here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.costs.models import BodyYearCost, CostRecord, SurveyResponse, SurveyRound
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
    cost_summaries_refresh(body_ids=[body.pk], fiscal_years=[fiscal_year])
    return records


def survey_round_ensure(*, consortium, fiscal_year: int, status: str = SurveyRound.Status.OPEN,
                        deadline=None) -> SurveyRound:
    survey_round, _created = SurveyRound.objects.get_or_create(
        consortium=consortium, fiscal_year=fiscal_year, defaults={"status": status, "deadline": deadline}
    )
    return survey_round


def cost_summaries_refresh(*, body_ids, fiscal_years) -> int:
    """Recompute BodyYearCost for these bodies and years from their cost records.

    Two grouped queries and one upsert, whatever the number of bodies; called by every
    service that writes cost records.
    """
    body_ids, fiscal_years = set(body_ids), set(fiscal_years)
    records = CostRecord.objects.filter(body_id__in=body_ids, fiscal_year__in=fiscal_years)
    totals = {
        (row["body_id"], row["fiscal_year"]): row["total"]
        for row in records.values("body_id", "fiscal_year").annotate(total=Sum("amount"))
    }
    vendors: dict[tuple[int, int], tuple[int, str]] = {}
    for row in records.exclude(vendor="").values("body_id", "fiscal_year", "vendor").annotate(spent=Sum("amount")):
        key = (row["body_id"], row["fiscal_year"])
        # The main vendor is the one paid most; ties go to the name first in order.
        candidate = (row["spent"], row["vendor"])
        best = vendors.get(key)
        if best is None or candidate[0] > best[0] or (candidate[0] == best[0] and candidate[1] < best[1]):
            vendors[key] = candidate
    existing = BodyYearCost.objects.filter(body_id__in=body_ids, fiscal_year__in=fiscal_years)
    emptied = [pk for pk, body_id, year in existing.values_list("pk", "body_id", "fiscal_year")
               if (body_id, year) not in totals]
    BodyYearCost.objects.filter(pk__in=emptied).delete()
    BodyYearCost.objects.bulk_create(
        [BodyYearCost(body_id=body_id, fiscal_year=year, total=total,
                      main_vendor=vendors.get((body_id, year), (0, ""))[1])
         for (body_id, year), total in totals.items()],
        update_conflicts=True, unique_fields=["body", "fiscal_year"], update_fields=["total", "main_vendor"],
        batch_size=2000,
    )
    return len(totals)


def survey_response_set(*, survey_round: SurveyRound, body: MemberBody, status: str, by) -> SurveyResponse:
    """Move a body's response: submit (staff), accept or return for changes (secretariat)."""
    response, _created = SurveyResponse.objects.get_or_create(survey_round=survey_round, body=body)
    if survey_round.status == SurveyRound.Status.LOCKED:
        raise ValidationError(_("The survey round is locked."))
    response.status = status
    if status == SurveyResponse.Status.SUBMITTED:
        response.submitted_at, response.submitted_by = timezone.now(), by
    response.save()
    return response
