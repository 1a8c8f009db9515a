import uuid

from django import template
from django.utils.html import format_html

from ..guard import TOKEN_FIELD

register = template.Library()


@register.simple_tag
def submission_token() -> str:
    """The hidden one-time token of a create form (see tod.once). A new one per rendering."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, uuid.uuid4())
