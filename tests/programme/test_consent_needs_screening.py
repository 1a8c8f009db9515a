"""Programme consent follows an eligible screening: without one (never screened, or the latest
screening not eligible) the consent form says so and stores nothing, unless the manager gives a
reason, which is kept like a screening's override. So nobody gets a course place unscreened."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programme import services
from programme.models import (
    Answer,
    Consent,
    ConsentPurpose,
    ConsentText,
    Kind,
    Participant,
    Status,
)
from tests.conftest import make_participant

from .conftest import make_course, screen


def consent_post(site, purpose=ConsentPurpose.PROGRAMME, decision="given", **extra):
    return {
        "purpose": purpose,
        "decision": decision,
        "text": ConsentText.objects.current(purpose, site=site).pk,
        "decided_on": "2026-05-01",
        "method": "written",
        "note": "",
        **extra,
    }


@pytest.fixture
def candidate(site, programme_round):
    return make_participant(
        site, Kind.SUPPORTER, first_name="Ulla", last_name="Uscreened", round=programme_round
    )


def test_an_unscreened_supporter_gets_no_consent_and_so_no_course_place(
    client, manager, site, programme_round, candidate
):
    client.force_login(manager)
    url = reverse("programme:participant_consent", args=[candidate.pk])
    response = client.post(url, consent_post(candidate.site))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "screening_override_reason" in errors
    assert "Ulla Uscreened" in errors["screening_override_reason"][0]
    assert "screen" in errors["screening_override_reason"][0].lower()
    assert not Consent.objects.filter(participant=candidate).exists()
    candidate.refresh_from_db()
    assert candidate.status == Status.REFERRED

    course = make_course(site, programme_round, manager)
    with pytest.raises(ValidationError):
        services.course_invite(course=course, participants=[candidate], by=manager)


def test_a_not_eligible_latest_screening_blocks_programme_consent(client, manager, candidate):
    screen(candidate, manager)  # eligible, then screened again: not eligible
    screen(candidate, manager, answer=Answer.NO)
    client.force_login(manager)
    url = reverse("programme:participant_consent", args=[candidate.pk])
    response = client.post(url, consent_post(candidate.site))
    assert (
        response.status_code == 200
        and "screening_override_reason" in response.context["form"].errors
    )
    assert not Participant.objects.with_programme_consent().exists()


def test_the_manager_may_override_with_a_reason_which_is_kept(client, manager, candidate):
    client.force_login(manager)
    url = reverse("programme:participant_consent", args=[candidate.pk])
    reason = "Screened on paper at the centre; the form follows."
    response = client.post(url, consent_post(candidate.site, screening_override_reason=reason))
    assert response.status_code == 302
    assert list(Participant.objects.with_programme_consent()) == [candidate]
    assert Consent.objects.get(participant=candidate).screening_override_reason == reason
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert reason in page


def test_an_eligible_screening_needs_no_reason_and_keeps_none(client, manager, candidate):
    screen(candidate, manager)
    client.force_login(manager)
    url = reverse("programme:participant_consent", args=[candidate.pk])
    response = client.post(
        url, consent_post(candidate.site, screening_override_reason="not needed")
    )
    assert response.status_code == 302
    assert Consent.objects.get(participant=candidate).screening_override_reason == ""


@pytest.mark.parametrize(
    "purpose, decision",
    [(ConsentPurpose.ROUTINE_DATA, "given"), (ConsentPurpose.PROGRAMME, "declined")],
)
def test_other_answers_need_no_screening(client, manager, candidate, purpose, decision):
    client.force_login(manager)
    url = reverse("programme:participant_consent", args=[candidate.pk])
    assert client.post(url, consent_post(candidate.site, purpose, decision)).status_code == 302
    assert Consent.objects.filter(participant=candidate, purpose=purpose).exists()
