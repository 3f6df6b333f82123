import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from apps.core.formatting import yen


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
        verbose_name=_("Cost per resident"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    main_vendor = tables.Column(verbose_name=_("Main vendor"))

    class Meta:
        attrs = {"class": "table table-sm table-striped table-hover"}
        order_by = "-cost_per_resident"

    def __init__(self, *args, ranks: dict[int, int], unit: str = "yen", **kwargs):
        super().__init__(*args, **kwargs)
        self.ranks = ranks
        self.unit = unit

    def render_rank(self, record):
        return self.ranks.get(record.body_id, "—")

    def render_population(self, value):
        return f"{value:,}"

    def render_total_cost(self, value):
        return yen(value, self.unit)

    def render_cost_per_resident(self, value):
        return f"{value:,}"
