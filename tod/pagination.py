"""One way to page a list, for every app: every list page paginates."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE, *, count_from=None) -> Page:
    """A page of the queryset; a bad or too large page number gives the nearest page, never an
    error. `count_from`, a queryset of the same rows without what a row shows (annotations,
    joins, `values`), is counted instead of `queryset`: a cheaper query to build and to run."""
    return _Paginator(queryset, per_page, count_from).get_page(request.GET.get("page"))


class _Paginator(Paginator):
    def __init__(self, object_list, per_page: int, count_from=None):
        super().__init__(object_list, per_page)
        self.count_from = count_from

    @cached_property
    def count(self) -> int:
        if self.count_from is None:
            return Paginator.count.func(self)
        return self.count_from.count()
