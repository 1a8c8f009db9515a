"""The system check that keeps the privacy registry whole (tod/personal_data.py)."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from tod.personal_data import NoPersonalData, declaration_of

GEO_NAMES = {"latitude", "longitude", "lat", "lon", "lng", "coordinates", "location"}


def _project_models():
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or "site-packages" in path.parts or ".venv" in path.parts:
            continue
        for model in config.get_models():
            if model._meta.managed and not model._meta.proxy:
                yield model


def text_fields(model) -> list[models.Field]:
    """Fields that can hold words or places about a person: text, JSON and coordinates."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and (
            (
                isinstance(field, models.CharField | models.TextField | models.JSONField)
                and not field.choices
            )
            or field.name in GEO_NAMES
        )
    ]


def _needs_declaration(model) -> bool:
    links = any(
        field.is_relation
        and field.related_model._meta.label_lower == settings.PARTICIPANT_MODEL.lower()
        for field in model._meta.concrete_fields
    )
    texts = any(
        isinstance(field, models.CharField | models.TextField | models.JSONField)
        or field.name in GEO_NAMES
        for field in model._meta.concrete_fields
        if not field.primary_key
    )
    return links or texts


def problems() -> list[str]:
    """What the registry misses or gets wrong, one sentence each."""
    found = []
    for model in _project_models():
        label = model._meta.label
        declaration = declaration_of(model)
        if declaration is None:
            if _needs_declaration(model):
                found.append(
                    f"{label} is not declared: call tod.personal_data.personal_data() or "
                    "holds_none() in its app's privacy.py"
                )
            continue
        if isinstance(declaration, NoPersonalData):
            continue
        names = {field.name for field in model._meta.concrete_fields}
        classified = set(declaration.identifiers + declaration.free_text + declaration.other)
        for name in sorted(classified - names):
            found.append(f"{label} declares {name!r}, which it does not have")
        for field in text_fields(model):
            if field.name not in classified:
                found.append(
                    f"{label}.{field.name} is not classified as identifier, free text or other"
                )
        if declaration.free_text and not declaration.site:
            found.append(f"{label} has free text but no site lookup: erasure could not scope it")
    return found


@checks.register(checks.Tags.models)
def privacy_registry_check(app_configs=None, **kwargs):
    return [checks.Error(problem, id="privacy.E001") for problem in problems()]
