import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core import formatting
from apps.core.widgets import FastSelect
from apps.members.models import MemberBody
from apps.reports.models import Kind, Report


class ArchiveFilter(django_filters.FilterSet):
    """The archive by kind, member and fiscal year: a council's briefings pile up batch
    after batch, and the secretariat looks for one town's of one year."""

    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Report"))
    body = django_filters.ModelChoiceFilter(queryset=MemberBody.objects.none(), label=_("Member"), widget=FastSelect)
    fiscal_year = django_filters.ChoiceFilter(label=_("Fiscal year of current costs"))

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, *args, consortium, members: bool, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        if members:
            self.filters["body"].queryset = MemberBody.objects.filter(  # names only: see ReportForm
                participations__consortium=consortium).order_by("code").only("name")
        else:  # a member's own users see their own briefings only: nothing to choose
            del self.filters["body"]
        self.filters["fiscal_year"].extra["choices"] = [(year, formatting.fiscal_year_on_screen(year, "era"))
                                                        for year in years]
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
