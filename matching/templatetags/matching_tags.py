from django import template
from django.utils.text import capfirst

from .. import labels

register = template.Library()


@register.filter
def criterion_label(code: str) -> str:
    return labels.CRITERIA.get(code, code)


@register.filter
def exclusion_label(exclusion) -> str:
    constraint, side = exclusion
    return f"{labels.CONSTRAINTS.get(constraint, constraint)} ({labels.SIDES.get(side, side)})"


@register.filter
def requirement_label(exclusion) -> str:
    """The requirement of an UnmatchedPeer's exclusion ([constraint, side, count], or
    ['rule', source, count] for a forbidden pairing), capitalised as a list item."""
    constraint, side = exclusion[0], exclusion[1]
    if constraint == "rule":
        return capfirst(source_label(side))
    return capfirst(exclusion_label((constraint, side)))


@register.filter
def source_label(code: str) -> str:
    return labels.SOURCES.get(code, code)


@register.filter
def shared_labels(codes) -> str:
    return ", ".join(str(labels.SHARED.get(c, c)) for c in codes or ())


@register.filter
def code_labels(codes) -> str:
    return ", ".join(str(labels.CODES.get(c, c)) for c in codes or ()) or "–"


@register.filter
def points(explanation, criterion):
    return (explanation or {}).get("points", {}).get(criterion, 0)


@register.filter
def distance_unchecked(explanation) -> bool:
    """Whether the explanation's distance could not be computed (a location is unknown), so
    neither side's maximum distance was applied."""
    return bool(explanation) and explanation.get("distance_km", 0) is None


@register.filter
def distance_note(explanation) -> str:
    """'Distance not checked', with whose location is unknown and which maximum distance could
    not be applied (explanations stored before they were recorded say it alone)."""
    return labels.distance_note(explanation or {})
