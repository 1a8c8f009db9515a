from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form

from tod.pagination import PAGE_SIZE, paginate

__all__ = ["PAGE_SIZE", "add_service_error", "paginate"]


def add_service_error(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form instead of a 500."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for message in error.messages:
        form.add_error(None, message)
