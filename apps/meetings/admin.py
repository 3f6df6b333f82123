from django.contrib import admin

from apps.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Meeting


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "consortium", "kind", "starts_at", "status"]
    list_filter = ["consortium", "kind", "status"]
    list_select_related = ["consortium"]
    inlines = [AgendaInline, AttendanceInline]


admin.site.register([Decision, ActionItem])
