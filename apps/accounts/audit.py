"""The audit trail, as the secretariat reads it: scoped, filterable, read-only."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.accounts.access import access_for

AUDITED_APPS = ("accounts", "members", "costs", "allocation", "agreements", "meetings", "procurement")


def audit_entries(*, user) -> QuerySet[LogEntry]:
    """Entries of the user's consortia (tagged by AuditScoped); administrators see all."""
    access = access_for(user)
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if access.is_admin:
        return entries
    tagged = Q()
    for consortium_id in access.secretariat_of:
        tagged |= Q(additional_data__consortia__icontains=f"|{consortium_id}|")
    return entries.filter(tagged) if access.secretariat_of else entries.none()


class AuditFilter(django_filters.FilterSet):
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model"),
        label=_("Kind of record"),
    )
    action = django_filters.ChoiceFilter(choices=LogEntry.Action.choices, label=_("Action"))
    actor = django_filters.CharFilter(field_name="actor__username", lookup_expr="icontains", label=_("User"))
    object_repr = django_filters.CharFilter(lookup_expr="icontains", label=_("Record"))
    since = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label=_("Until"))

    class Meta:
        model = LogEntry
        fields: list[str] = []


class AuditTable(tables.Table):
    timestamp = tables.DateTimeColumn(verbose_name=_("When"), format="Y-m-d H:i:s")
    actor = tables.Column(verbose_name=_("Who"), default="—", attrs={"th": {"class": "text-nowrap"}})
    action = tables.Column(verbose_name=_("Action"), attrs={"th": {"class": "text-nowrap"},
                                                           "td": {"class": "text-nowrap"}})
    content_type = tables.Column(verbose_name=_("Kind of record"), orderable=False)
    object_repr = tables.Column(verbose_name=_("Record"))
    changes = tables.Column(verbose_name=_("Before → after"), orderable=False, empty_values=())

    class Meta:
        attrs = {"class": "table table-sm table-striped"}

    def render_content_type(self, value):
        return value.model_class()._meta.verbose_name if value.model_class() else value.model

    def render_changes(self, record):
        # The page's entries are described together by the view (audit_changes.describe).
        return str(self.described.get(record.pk, ""))
