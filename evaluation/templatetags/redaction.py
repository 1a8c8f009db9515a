"""`{{ text|redacted:redact }}`: free text shown to the evaluator through the page's Redactor
(evaluation.queries.redactor_for), whatever was stored: texts stored before the Redactor knew
a name, or written where nothing redacts (logbooks), show pseudonyms too. Without a Redactor in
the context (the nurse's own pages) the text is shown as it is."""

from django import template

register = template.Library()


@register.filter
def redacted(value, redact):
    return redact(value) if redact and value else value
