import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class UnseenHeaderColumn(tables.Column):
    """A column of buttons: its header is for screen readers only, an empty header was a
    column without a name."""

    @property
    def header(self):
        return format_html('<span class="visually-hidden">{}</span>', self.verbose_name)


class ArchiveTable(tables.Table):
    """The archive of rendered PDFs; rows are written by its template (the download and
    e-mail buttons need the page's CSRF token)."""

    kind = tables.Column(verbose_name=_("Report"))
    fiscal_year = tables.Column(verbose_name=_("Fiscal year of current costs"))
    plan = tables.Column(verbose_name=_("Published plan"), order_by="plan__name")
    params = tables.Column(verbose_name=_("Amounts and dates"), orderable=False)
    created_at = tables.Column(verbose_name=_("Made"))
    requested_by = tables.Column(verbose_name=_("By"), order_by="requested_by__username")
    pages = tables.Column(verbose_name=_("Pages"))
    size = tables.Column(verbose_name=_("Size"))
    sha256 = tables.Column(verbose_name="SHA-256", orderable=False)
    sent = tables.Column(verbose_name=_("Sent to the mayor"), empty_values=(), orderable=False)
    actions = UnseenHeaderColumn(verbose_name=_("E-mail to the mayor"), empty_values=(), orderable=False)

    class Meta:
        template_name = "reports/_archive_table.html"
        attrs = {"class": "table table-sm align-middle"}
        order_by = "-created_at"


class BatchMembersTable(tables.Table):
    """A batch's briefings, a row per member by code, 50 a page (selectors.batch_members);
    rows are written by its template."""

    member = tables.Column(verbose_name=_("Member"))
    status = tables.Column(verbose_name=_("Status"))
    error = tables.Column(verbose_name=_("Error"))
    pdf = tables.Column(verbose_name="PDF", empty_values=())
    sent = tables.Column(verbose_name=_("Sent to the mayor"), empty_values=())

    class Meta:
        template_name = "reports/_batch_members_table.html"
        attrs = {"class": "table table-sm"}
        orderable = False
