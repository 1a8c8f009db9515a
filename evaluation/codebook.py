"""The codebook the analysis starts from: the realist evaluation's themes (contexts, mechanisms,
outcomes) with one code group per category. Names are stored in English and shown translated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_noop

from .models.choices import ContextCategory, MechanismCategory, OutcomeKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import CodeGroup, Theme

# (key, name, order, the choices whose categories are its code groups; None: mechanisms, split
# into resources and reasonings below)
THEMES: list[tuple[str, str, int, type[models.TextChoices] | None]] = [
    ("contexts", gettext_noop("Contexts"), 10, ContextCategory),
    ("resources", gettext_noop("Mechanisms: resources"), 20, None),
    ("reasonings", gettext_noop("Mechanisms: reasonings"), 30, None),
    ("outcomes", gettext_noop("Outcomes"), 40, OutcomeKind),
]


def default_codebook() -> list[tuple[str, str, int, list[tuple[str, str]]]]:
    """[(theme key, theme name, order, [(code group key, code group name)])]."""
    result = []
    for key, name, order, choices in THEMES:
        groups: list[tuple[str, StrOrPromise]]
        if choices is not None:
            groups = [(c.value, c.label) for c in choices]
        elif key == "resources":
            groups = [(c, MechanismCategory(c).label) for c in MechanismCategory.resources()]
        else:  # reasonings
            groups = [(c, MechanismCategory(c).label) for c in MechanismCategory.reasonings()]
        result.append((key, name, order, [(f"{key}-{code}", str(label)) for code, label in groups]))
    return result


def codebook_ensure(theme_model: type[Theme], code_group_model: type[CodeGroup]) -> None:
    """Create the default themes and code groups that are missing. Idempotent. The models are
    passed in so that a migration can pass its historical ones."""
    from django.utils import translation

    with translation.override(None):
        for key, name, order, groups in default_codebook():
            theme, _ = theme_model.objects.get_or_create(
                key=key, defaults={"name": name, "order": order}
            )
            for position, (group_key, group_name) in enumerate(groups):
                code_group_model.objects.get_or_create(
                    key=group_key,
                    defaults={"theme": theme, "name": str(group_name), "order": position},
                )
