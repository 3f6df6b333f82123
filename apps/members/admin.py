from django.contrib import admin

from apps.members.models import (
    Consortium,
    MemberBody,
    OwnershipProfile,
    Participation,
    PopulationRecord,
    StatusChange,
)


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "contract_style", "purpose", "is_demo"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class PopulationInline(admin.TabularInline):
    model = PopulationRecord
    extra = 0


@admin.register(MemberBody)
class MemberBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kana", "kind", "prefecture", "district"]
    list_per_page = 50
    list_filter = ["kind", "prefecture"]
    search_fields = ["code", "name", "kana"]
    inlines = [PopulationInline]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0


class OwnershipInline(admin.TabularInline):
    model = OwnershipProfile
    extra = 0


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["body", "consortium", "status", "planned_go_live", "actual_go_live"]
    list_filter = ["consortium", "status"]
    list_select_related = ["body", "consortium"]
    autocomplete_fields = ["body", "consortium"]
    inlines = [StatusChangeInline, OwnershipInline]
