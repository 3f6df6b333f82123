from django.contrib import admin

from apps.procurement.models import (Criterion, Evaluation, Evaluator, ProcurementCase, Proposal, RfiRound,
                                     StageChange, Vendor)


def tabular(model) -> type[admin.TabularInline]:
    return type(f"{model.__name__}Inline", (admin.TabularInline,), {"model": model, "extra": 0})


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "corporate_number", "contact", "email"]
    search_fields = ["name", "corporate_number"]


@admin.register(ProcurementCase)
class ProcurementCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "consortium", "stage", "created_at"]
    list_filter = ["consortium", "stage"]
    list_select_related = ["consortium"]
    inlines = [tabular(StageChange)]


@admin.register(RfiRound)
class RfiRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "case", "number", "issued_on", "due_on"]
    list_select_related = ["case"]
    filter_horizontal = ["invited"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    # Scores are left out on purpose: while scoring is open they are sealed, here too.
    list_display = ["case", "price_points_max", "scoring_closed_at", "selected_proposal"]
    list_select_related = ["case", "selected_proposal__vendor"]
    inlines = [tabular(Evaluator), tabular(Criterion), tabular(Proposal)]
