from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["consortium", "body"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("display_name",)}),)
    list_display = ["username", "display_name", "email", "is_active", "is_superuser"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "consortium", "body"]
    list_filter = ["role", "consortium"]
    list_select_related = ["user", "consortium", "body"]
