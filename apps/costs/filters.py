import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.forms import InlineFilterBar
from apps.members.models import MemberBody, Participation, ParticipationStatus


class ComparisonFilter(InlineFilterBar, django_filters.FilterSet):
    name = django_filters.CharFilter(
        field_name="body__name", lookup_expr="icontains", label=_("Name contains")
    )
    district = django_filters.CharFilter(field_name="body__district", lookup_expr="icontains", label=_("District"))
    kind = django_filters.ChoiceFilter(field_name="body__kind", choices=MemberBody.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ParticipationStatus.choices, label=_("Status"))
    min_population = django_filters.NumberFilter(
        field_name="population", lookup_expr="gte", label=_("Population at least")
    )
    max_population = django_filters.NumberFilter(
        field_name="population", lookup_expr="lte", label=_("Population at most")
    )

    class Meta:
        model = Participation
        fields: list[str] = []
