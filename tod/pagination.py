"""One way to page a list, for every app: every list page paginates."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Page:
    """A page of the queryset; a bad or too large page number gives the nearest page, never an
    error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
