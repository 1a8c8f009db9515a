"""Recruitment, screening, consent, the conversation and withdrawal, through the browser."""

import datetime as dt

from django.urls import reverse
from django.utils import translation

from logbooks.models import Pair, PairStatus
from programme import services
from programme.models import (
    Answer,
    Consent,
    ConsentDecision,
    ConsentPurpose,
    ConsentText,
    Kind,
    Participant,
    ReferralChannel,
    ScreeningResult,
    SessionInvitation,
    SessionKind,
    Status,
)
from tests.conftest import make_participant

from .conftest import consent, screen


def participant_data(programme_round, **overrides):
    data = {
        "site": programme_round.site_id,
        "round": programme_round.pk,
        "kind": Kind.PEER,
        "first_name": "Bent",
        "last_name": "Madsen",
        "date_of_birth": "1957-06-05",
        "sex": "male",
        "phone": "+45 20 12 34 56",
        "email": "bent@example.org",
        "address": "Nørrebrogade 1",
        "postcode": "2200",
        "preferred_language": "da",
        "referral_channel": ReferralChannel.CENTRE_FOR_DIABETES,
        "referred_by": "Nurse at the Centre",
        "referral_note": "",
    }
    data.update(overrides)
    return data


def test_manager_registers_a_participant(client, manager, programme_round):
    client.force_login(manager)
    response = client.post(
        reverse("programme:participant_create"), participant_data(programme_round)
    )
    participant = Participant.objects.get(last_name="Madsen")
    assert response.status_code == 302
    assert response["Location"] == participant.get_absolute_url()
    assert participant.status == Status.REFERRED
    assert participant.site == programme_round.site
    assert str(participant.phone) == "+4520123456"


def test_bad_phone_postcode_and_birth_date_are_form_errors(client, manager, programme_round):
    client.force_login(manager)
    response = client.post(
        reverse("programme:participant_create"),
        participant_data(programme_round, phone="12", postcode="22A0", date_of_birth="2030-01-01"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"phone", "postcode", "date_of_birth"}
    assert not Participant.objects.exists()


def test_the_participant_form_sums_up_its_errors(client, manager, programme_round):
    """As the logbook and the nurse's forms do: a summary at the top, each error a link to its
    field."""
    client.force_login(manager)
    page = client.post(
        reverse("programme:participant_create"),
        participant_data(programme_round, phone="12", postcode="22A0"),
    ).content.decode()
    assert 'id="form-errors"' in page
    summary = page[page.index('id="form-errors"') :]
    summary = summary[: summary.index("</ul>")]
    assert "Formularen er ikke gemt. Ret venligst:" in summary
    assert 'href="#id_phone"' in summary and 'href="#id_postcode"' in summary


def test_the_phone_number_error_is_in_the_readers_language(client, manager, programme_round):
    """django-phonenumber-field's message has no Danish of its own (tod/library_messages.py)."""
    client.force_login(manager)
    url = reverse("programme:participant_create")
    client.cookies["django_language"] = "da"
    page = client.post(url, participant_data(programme_round, phone="12")).content.decode()
    assert "Indtast et gyldigt telefonnummer (f.eks. 32 12 34 56)" in page
    assert "Enter a valid" not in page

    client.cookies["django_language"] = "en"
    page = client.post(url, participant_data(programme_round, phone="12")).content.decode()
    assert "Enter a valid phone number (e.g. 32 12 34 56)" in page


def test_the_screening_page_is_titled_in_danish(client, manager, site):
    peer = make_participant(site, Kind.PEER, first_name="Kurt", last_name="Lindholm")
    client.force_login(manager)
    page = client.get(reverse("programme:participant_screen", args=[peer.pk])).content.decode()
    assert "Screening af Kurt Lindholm" in page
    assert "Screen Kurt" not in page


def test_round_of_another_site_is_refused(client, manager, programme_round, other_site):
    from programme.models import Round

    foreign = Round.objects.create(
        site=other_site, name="X", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 1)
    )
    client.force_login(manager)
    response = client.post(
        reverse("programme:participant_create"),
        participant_data(programme_round, round=foreign.pk),
    )
    assert response.status_code == 200
    assert "round" in response.context["form"].errors


def test_duplicate_name_and_birth_date_is_flagged(client, manager, programme_round):
    client.force_login(manager)
    url = reverse("programme:participant_create")
    client.post(url, participant_data(programme_round))
    response = client.post(url, participant_data(programme_round, first_name="bent "))
    assert response.status_code == 200
    assert "findes allerede" in str(response.context["form"].non_field_errors())
    assert Participant.objects.count() == 1

    response = client.post(
        url, participant_data(programme_round, confirm_not_duplicate="on", email="")
    )
    assert response.status_code == 302
    page = client.get(reverse("programme:participant_list")).content.decode()
    assert page.count("mulig dublet") == 2  # Danish is the default


def test_list_searches_and_filters(client, manager, site, other_site):
    make_participant(site, Kind.PEER, first_name="Inge", last_name="Kristensen")
    make_participant(
        site,
        Kind.SUPPORTER,
        first_name="Lars",
        last_name="Christensen",
        referral_channel=ReferralChannel.DIABETES_ASSOCIATION,
    )
    make_participant(other_site, Kind.PEER, first_name="Mette", last_name="Dahl")
    client.force_login(manager)
    url = reverse("programme:participant_list")
    page = client.get(url).content.decode()
    assert "Inge Kristensen" in page and "Lars Christensen" in page
    assert "Mette Dahl" not in page
    assert "Lars" not in client.get(url, {"q": "inge"}).content.decode()
    page = client.get(url, {"kind": "supporter"}).content.decode()
    assert "Lars Christensen" in page and "Inge" not in page
    page = client.get(url, {"channel": "diabetes_association"}).content.decode()
    assert "Lars Christensen" in page and "Inge" not in page
    assert client.get(url, {"status": "nonsense", "page": "abc"}).status_code == 200


def screening_post(participant, answers, **extra):
    from programme.models import CRITERIA

    data = {f"criterion_{code}": answers for code, _label in CRITERIA[participant.kind]}
    data.update({"screened_on": "2026-05-30", "override_result": "", "override_reason": ""})
    data.update(extra)
    return data


def test_screening_derives_the_result(client, manager, site):
    peer = make_participant(site, Kind.PEER)
    client.force_login(manager)
    url = reverse("programme:participant_screen", args=[peer.pk])
    client.post(url, screening_post(peer, Answer.YES))
    peer.refresh_from_db()
    assert peer.screenings.first().result == ScreeningResult.ELIGIBLE
    assert peer.status == Status.SCREENED

    data = screening_post(peer, Answer.YES)
    data["criterion_no_employment"] = Answer.NO
    client.post(url, data)
    screening = peer.screenings.first()
    assert screening.result == ScreeningResult.NOT_ELIGIBLE
    with translation.override("en"):
        assert screening.failed_criteria() == ["No employment"]
    assert peer.screenings.count() == 2


def test_override_needs_a_reason_and_keeps_it(client, manager, site):
    supporter = make_participant(site, Kind.SUPPORTER)
    client.force_login(manager)
    url = reverse("programme:participant_screen", args=[supporter.pk])
    data = screening_post(supporter, Answer.UNKNOWN, override_result=ScreeningResult.ELIGIBLE)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    data["override_reason"] = "HbA1c confirmed by the GP on the phone"
    assert client.post(url, data).status_code == 302
    screening = supporter.screenings.get()
    assert screening.derived_result == ScreeningResult.NEEDS_REVIEW
    assert screening.result == ScreeningResult.ELIGIBLE
    assert screening.override_reason.startswith("HbA1c")
    page = client.get(supporter.get_absolute_url()).content.decode()
    assert "HbA1c confirmed" in page


def test_screening_in_the_future_is_refused(client, manager, site):
    peer = make_participant(site, Kind.PEER)
    client.force_login(manager)
    url = reverse("programme:participant_screen", args=[peer.pk])
    response = client.post(url, screening_post(peer, Answer.YES, screened_on="2026-06-02"))
    assert "screened_on" in response.context["form"].errors


def test_consent_per_purpose_keeps_history(client, manager, site):
    peer = make_participant(site, Kind.PEER)
    screen(peer, manager)
    client.force_login(manager)
    url = reverse("programme:participant_consent", args=[peer.pk])
    programme_text = ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=site)
    evaluation_text = ConsentText.objects.current(ConsentPurpose.ROUTINE_DATA, site=site)
    base = {"decided_on": "2026-05-01", "method": "written", "note": ""}
    client.post(
        url,
        {**base, "purpose": "programme", "decision": "given", "text": programme_text.pk},
    )
    client.post(
        url,
        {**base, "purpose": "routine_data", "decision": "declined", "text": evaluation_text.pk},
    )
    assert list(Participant.objects.with_programme_consent()) == [peer]
    assert not Participant.objects.with_routine_data_consent().exists()
    peer.refresh_from_db()
    assert peer.status == Status.CONSENTED

    client.post(
        url,
        {**base, "purpose": "routine_data", "decision": "given", "text": evaluation_text.pk},
    )
    assert list(Participant.objects.with_routine_data_consent()) == [peer]
    assert peer.consents.count() == 3
    latest = services.current_consents(peer)[ConsentPurpose.ROUTINE_DATA]
    assert latest.recorded_by == manager and latest.text.version == 1


def test_consent_text_must_match_purpose_and_date_not_future(client, manager, site):
    peer = make_participant(site, Kind.PEER)
    client.force_login(manager)
    response = client.post(
        reverse("programme:participant_consent", args=[peer.pk]),
        {
            "purpose": "programme",
            "decision": "given",
            "text": ConsentText.objects.current(ConsentPurpose.ROUTINE_DATA, site=site).pk,
            "decided_on": "2027-01-01",
            "method": "written",
        },
    )
    errors = response.context["form"].errors
    assert "text" in errors and "decided_on" in errors
    assert not Consent.objects.exists()


def test_new_consent_text_version_keeps_old_answers(client, manager, site):
    peer = make_participant(site, Kind.PEER)
    consent(peer, manager)
    client.force_login(manager)
    client.post(
        reverse("programme:consent_text_list", args=[site.slug]),
        {
            "purpose": "programme",
            "title": "Samtykke v2",
            "body": "Ny tekst",
            "valid_from": "2026-06-01",
        },
    )
    assert ConsentText.objects.current(ConsentPurpose.PROGRAMME, site=site).version == 2
    assert peer.consents.get().text.version == 1
    page = client.get(peer.get_absolute_url()).content.decode()
    assert "der findes en nyere tekst" in page


def test_conversation_is_on_the_timeline(client, manager, site):
    peer = make_participant(site, Kind.PEER)
    client.force_login(manager)
    client.post(
        reverse("programme:participant_conversation", args=[peer.pk]),
        {"held_on": "2026-05-20", "notes": "Likes walks and dogs"},
    )
    page = client.get(peer.get_absolute_url()).content.decode()
    assert "Likes walks and dogs" in page


def withdrawal_post(**overrides):
    data = {
        "withdrawn_on": "2026-05-31",
        "initiated_by": "participant",
        "reason": "Poor health",
        "data_choice": "keep",
    }
    data.update(overrides)
    return data


def test_withdrawal_ends_the_active_pair_and_cancels_future_sessions(
    client, manager, site, programme_round, ready_peer, ready_supporter, supervisor
):
    pair = Pair.objects.create(
        site=site,
        round=programme_round,
        peer=ready_peer,
        supporter=ready_supporter,
        status=PairStatus.ACTIVE,
    )
    start = dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC)
    session = services.session_create(
        site=site,
        round=programme_round,
        kind=SessionKind.NETWORK,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Centre",
        by=manager,
    )
    assert SessionInvitation.objects.filter(session=session, participant=ready_supporter).exists()
    client.force_login(manager)
    response = client.post(
        reverse("programme:participant_withdraw", args=[ready_supporter.pk]), withdrawal_post()
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    ready_supporter.refresh_from_db()
    assert pair.status == PairStatus.ENDED
    assert "Poor health" in pair.end_reason
    assert ready_supporter.status == Status.WITHDRAWN
    assert ready_supporter.withdrawal.pairs_ended == 1
    assert ready_supporter.first_name == "Ready"  # kept, as chosen
    assert not SessionInvitation.objects.filter(participant=ready_supporter).exists()
    assert not Participant.objects.eligible_supporters().exists()
    # Withdrawing twice is a form error, not a 500.
    again = client.post(
        reverse("programme:participant_withdraw", args=[ready_supporter.pk]), withdrawal_post()
    )
    assert again.status_code == 200
    assert "allerede udtrådt" in again.content.decode()


def test_withdrawal_with_erasure_removes_personal_data(client, manager, site, supporter):
    participant = Participant.objects.get(user=supporter)
    participant.phone = "+4520123456"
    participant.address = "Vej 1"
    participant.save()
    consent(participant, manager, purpose=ConsentPurpose.ROUTINE_DATA)
    services.conversation_record(
        participant=participant, held_on=dt.date(2026, 5, 1), notes="Private", by=manager
    )
    client.force_login(manager)
    url = reverse("programme:participant_withdraw", args=[participant.pk])
    response = client.post(url, withdrawal_post(data_choice="erase"))
    assert "confirm_erase" in response.context["form"].errors
    client.post(url, withdrawal_post(data_choice="erase", confirm_erase="on"))
    participant.refresh_from_db()
    supporter.refresh_from_db()
    assert participant.last_name == f"#{participant.pk}"
    assert participant.phone == "" and participant.address == "" and participant.email == ""
    assert participant.date_of_birth == dt.date(1960, 1, 1)
    assert participant.conversations.get().notes == ""
    assert participant.erased_at is not None
    assert not Participant.objects.with_routine_data_consent().exists()
    assert supporter.is_active is False
    # The record stays: nothing is deleted silently.
    assert Participant.objects.filter(pk=participant.pk).exists()


def test_withdrawal_date_cannot_be_in_the_future(client, manager, site):
    peer = make_participant(site, Kind.PEER)
    client.force_login(manager)
    response = client.post(
        reverse("programme:participant_withdraw", args=[peer.pk]),
        withdrawal_post(withdrawn_on="2026-06-10"),
    )
    assert "withdrawn_on" in response.context["form"].errors


def test_timeline_tells_the_whole_story(client, manager, ready_supporter):
    client.force_login(manager)
    page = client.get(ready_supporter.get_absolute_url()).content.decode()
    for text in ["Henvist via", "Screenet af", "Samtykke til", "Inviteret til kurset"]:
        assert text in page, text


def test_funnel_counts_per_channel_and_exports_csv(
    client, manager, site, programme_round, ready_peer, ready_supporter, other_site
):
    make_participant(site, Kind.PEER, referral_channel=ReferralChannel.HOME_CARE)
    make_participant(other_site, Kind.PEER, referral_channel=ReferralChannel.HOME_CARE)
    Pair.objects.create(
        site=site,
        round=programme_round,
        peer=ready_peer,
        supporter=ready_supporter,
        status=PairStatus.COMPLETED,
    )
    client.force_login(manager)
    rows = {row["channel"]: row for row in client.get(reverse("programme:funnel")).context["rows"]}
    centre = rows[ReferralChannel.CENTRE_FOR_DIABETES]
    assert centre["referred"] == 2
    assert centre["screened"] == centre["eligible"] == centre["consented"] == 2
    assert centre["trained"] == 1
    assert centre["matched"] == centre["completed"] == 2
    assert centre["withdrawn"] == 0
    assert rows[ReferralChannel.HOME_CARE]["referred"] == 1  # not the other site's
    assert rows[""]["referred"] == 3

    peers = client.get(reverse("programme:funnel"), {"kind": "peer"}).context["rows"]
    assert peers[-1]["referred"] == 2

    response = client.get(reverse("programme:funnel"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert len(lines) == 1 + len(ReferralChannel.choices) + 1
    assert lines[1].endswith(",2,2,2,2,1,2,2,0")


def test_manager_edits_a_participant_but_not_their_site(
    client, manager, programme_round, other_site
):
    client.force_login(manager)
    client.post(reverse("programme:participant_create"), participant_data(programme_round))
    participant = Participant.objects.get()
    url = reverse("programme:participant_edit", args=[participant.pk])
    response = client.post(
        url, participant_data(programme_round, site=other_site.pk, postcode="2100")
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.postcode == "2100"
    assert participant.site == programme_round.site


def test_rounds_are_compared_stage_by_stage(
    client, manager, site, programme_round, ready_peer, django_assert_max_num_queries
):
    from programme.models import Round

    Round.objects.create(
        site=site, name="2027", starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 12, 31)
    )
    make_participant(site, Kind.PEER, round=programme_round)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programme:round_list"))
    rows = {row["round"].name: row for row in response.context["comparison"]}
    assert rows["2026"]["referred"] == 2 and rows["2026"]["consented"] == 1
    assert rows["2027"]["referred"] == 0


def test_participant_page_says_whether_they_can_be_matched(client, manager, ready_supporter):
    client.force_login(manager)
    assert client.get(ready_supporter.get_absolute_url()).context["eligible"] is True
    consent(ready_supporter, manager, decision=ConsentDecision.WITHDRAWN)
    response = client.get(ready_supporter.get_absolute_url())
    assert response.context["eligible"] is False
    assert response.context["consent_withdrawn"] is True


def test_withdrawal_cancels_future_course_invitations(client, manager, site, programme_round):
    from .conftest import make_course

    supporter = make_participant(site, Kind.SUPPORTER)
    consent(supporter, manager)
    course = make_course(
        site, programme_round, manager, start=dt.datetime(2026, 9, 1, 7, tzinfo=dt.UTC)
    )
    services.course_invite(course=course, participants=[supporter], by=manager)
    client.force_login(manager)
    client.post(reverse("programme:participant_withdraw", args=[supporter.pk]), withdrawal_post())
    invitation = course.invitations.get()
    assert invitation.cancelled_at is not None


def test_participant_list_exports_the_filtered_rows_as_csv(client, manager, site, other_site):
    make_participant(site, Kind.PEER, first_name="Inge", last_name="Kristensen")
    make_participant(site, Kind.SUPPORTER, first_name="Lars", last_name="Christensen")
    make_participant(other_site, Kind.PEER, first_name="Mette", last_name="Dahl")
    client.force_login(manager)
    response = client.get(reverse("programme:participant_list"), {"kind": "peer", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "Kristensen" in body and "Christensen" not in body and "Dahl" not in body
    assert len(body.strip().splitlines()) == 2


def test_participant_csv_gives_the_day_registered_in_copenhagen(client, manager, site):
    """Registered at 00:30 on 2 June in Copenhagen, still 1 June in UTC: the export says 2 June,
    the day the manager saw it happen."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC), tick=False):
        make_participant(site, Kind.PEER, first_name="Inge", last_name="Kristensen")
    client.force_login(manager)
    response = client.get(reverse("programme:participant_list"), {"format": "csv"})
    row = response.content.decode().strip().splitlines()[1]
    assert ",2026-06-02," in row, row
