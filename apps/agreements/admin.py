from django.contrib import admin

from apps.agreements.models import Agreement, Article, Contract, Signature, SlaItem


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    autocomplete_fields = ["body"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "consortium", "version", "status", "concluded_on"]
    list_filter = ["consortium", "status"]
    list_select_related = ["consortium"]
    inlines = [ArticleInline, SignatureInline]


class SlaItemInline(admin.TabularInline):
    model = SlaItem
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["title", "consortium", "body", "vendor", "starts_on", "ends_on", "annual_amount"]
    list_filter = ["consortium", "service_type"]
    list_select_related = ["consortium", "body"]
    search_fields = ["title", "vendor", "body__name"]
    inlines = [SlaItemInline]
