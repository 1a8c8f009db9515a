"""Every model that can hold personal data is declared (tod/personal_data.py)."""

from django.core import checks

from matching.models import MatchSurvey
from tod import personal_data as registry
from tod.privacy.checks import problems


def test_every_project_model_is_declared_and_every_text_field_classified():
    assert problems() == []


def test_the_check_fails_for_an_undeclared_model(monkeypatch):
    declarations = dict(registry._declarations)
    del declarations[MatchSurvey]
    monkeypatch.setattr(registry, "_declarations", declarations)
    errors = [error for error in checks.run_checks() if error.id == "privacy.E001"]
    assert [error.msg.split(" ")[0] for error in errors] == ["matching.MatchSurvey"]


def test_the_check_fails_for_an_unclassified_field(monkeypatch):
    declarations = dict(registry._declarations)
    survey = declarations[MatchSurvey]
    declarations[MatchSurvey] = registry.PersonalData(
        **{**survey.__dict__, "identifiers": ("postcode", "latitude")}
    )
    monkeypatch.setattr(registry, "_declarations", declarations)
    assert problems() == [
        "matching.MatchSurvey.longitude is not classified as identifier, free text or other"
    ]


def test_every_declared_lookup_runs(db):
    from programme.models import Participant

    person = Participant(pk=1, user_id=1)
    for declaration in registry.declarations():
        list(declaration.rows_of(person))
        if declaration.site:
            list(declaration.model._default_manager.filter(**{declaration.site: 1})[:1])
