import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from apps.costs.selectors import comparison_order


class ComparisonTable(tables.Table):
    """The named side-by-side comparison: one row per member, every name shown."""

    rank = tables.Column(verbose_name=_("Rank"), empty_values=(), orderable=False, attrs={"td": {"class": "num"}})
    code = tables.Column(accessor="body__code", verbose_name=_("Code"))
    name = tables.LinkColumn(
        "body_detail", args=[tables.A("body__code")], accessor="body__name", verbose_name=_("Name"),
        order_by="body__kana",
    )
    status = tables.Column(verbose_name=_("Status"))
    population = tables.Column(verbose_name=_("Population"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    total_cost = tables.Column(verbose_name=_("Current cost"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    cost_per_resident = tables.Column(
        # Always in yen, also when the amounts are in 千円: said in the heading.
        verbose_name=_("Cost per resident (yen)"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    main_vendor = tables.Column(verbose_name=_("Main vendor"))

    class Meta:
        template_name = "costs/_comparison_table.html"
        attrs = {"class": "table table-sm table-striped table-hover"}
        order_by = "-cost_per_resident"

    def __init__(self, *args, unit: str = "yen", **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        # Set by the view once the page is known: rank by cost per resident, and totals.
        self.ranks: dict[int, int] = {}
        self.totals = None
        # Whose page each name links to: every body's for the secretariat and observers;
        # a town's staff and mayor read every name but open only their own body.
        self.links_every_body = True
        self.own_body_id: int | None = None

    # Sorted by a cost, a member that has not answered comes last both ways, not first as 0.
    def order_total_cost(self, queryset, is_descending):
        return comparison_order(queryset, "total_cost", descending=is_descending), True

    def order_cost_per_resident(self, queryset, is_descending):
        return comparison_order(queryset, "cost_per_resident", descending=is_descending), True

