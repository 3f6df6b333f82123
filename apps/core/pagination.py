from django.core.paginator import Paginator


class KnownCountPaginator(Paginator):
    """A paginator told its row count, for pages that already counted the rows while
    computing their totals: it saves the extra COUNT(*) query."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count = count


def query_without_page(query) -> str:
    """A request's query string without its page: what a list's page links, or a form that
    leads back to the list, carry (its filter, its sort)."""
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()
