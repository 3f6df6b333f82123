import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class MemberTable(tables.Table):
    choose = tables.Column(verbose_name="", empty_values=(), orderable=False)  # the secretariat's only
    code = tables.Column(accessor="body__code", verbose_name=_("Code"), order_by="body__code")
    name = tables.LinkColumn(
        "body_detail", args=[tables.A("body__code")], accessor="body__name", verbose_name=_("Name"),
        order_by="body__kana",
    )
    kind = tables.Column(accessor="body__kind", verbose_name=_("Kind"))
    district = tables.Column(accessor="body__district", verbose_name=_("District"))
    population = tables.Column(verbose_name=_("Population"), attrs={"td": {"class": "num"}})
    status = tables.Column(verbose_name=_("Status"))
    planned_go_live = tables.Column(verbose_name=_("Planned go-live"))
    actual_go_live = tables.Column(verbose_name=_("Go-live"))
    manage = tables.Column(verbose_name="", empty_values=(), orderable=False)  # the secretariat's only

    class Meta:
        template_name = "members/_member_table.html"
        attrs = {"class": "table table-sm table-striped table-hover"}
        per_page = 50
        order_by = "code"

    def render_population(self, value):
        return f"{value:,}"

    def render_kind(self, record):
        return record.body.get_kind_display()
