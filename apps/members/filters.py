import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.forms import InlineFilterBar
from apps.members.models import MemberBody, Participation, ParticipationStatus


class MemberFilter(InlineFilterBar, django_filters.FilterSet):
    """The member list's filter, and the members «all matching the filter» a change of
    status chooses."""

    q = django_filters.CharFilter(method="code_or_name", label=_("Code or name contains"))
    status = django_filters.ChoiceFilter(choices=ParticipationStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(field_name="body__kind", choices=MemberBody.Kind.choices, label=_("Kind"))
    prefecture = django_filters.CharFilter(field_name="body__prefecture", lookup_expr="icontains",
                                           label=_("Prefecture"))

    class Meta:
        model = Participation
        fields: list[str] = []

    def code_or_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(body__code__startswith=value) | Q(body__name__icontains=value)
                               | Q(body__kana__icontains=value)) if value else queryset
