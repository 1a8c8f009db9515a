from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Page:
    """A page of the queryset; a bad or too large page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def add_service_error(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form instead of a 500."""
    for message in error.messages:
        form.add_error(None, message)
