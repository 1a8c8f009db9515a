from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of the queryset; a bad page number gives the nearest page, never an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
