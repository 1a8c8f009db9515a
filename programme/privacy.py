"""Personal data of the programme app (tod/personal_data.py), and who retention may erase."""

import datetime as dt

from django.db.models import F, Max, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from tod.personal_data import holds_none, personal_data, register_retention

from .models import (
    Background,
    Consent,
    ConsentText,
    Course,
    CourseInvitation,
    Dilemma,
    FollowUpAction,
    ImportLog,
    ImportUpload,
    InitialConversation,
    InterestAttempt,
    Participant,
    Round,
    Screening,
    Session,
    SessionInvitation,
    SiteSettings,
    Status,
    SuggestedTopic,
    TrainingAttendance,
    TrainingDay,
    Withdrawal,
)


def _erase_participant(participant: Participant, *, by) -> None:
    from .services import participant_erase_personal_data

    participant_erase_personal_data(participant=participant, by=by)


personal_data(
    Participant,
    subjects=["pk"],
    identifiers=[
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "email",
        "address",
        "postcode",
    ],
    free_text=["referred_by", "referral_note"],
    site="site",
    erase=_erase_participant,
)
# The background holds codes from fixed lists (no names, no free text); it is the participant's,
# exported with them and deleted with them. The evaluator sees it only under a pseudonym
# (evaluation's pages and CSV export).
personal_data(
    Background,
    subjects=["participant"],
    other=["complications", "other_diagnoses"],
    site="participant__site",
)
personal_data(
    Consent,
    subjects=["participant"],
    free_text=["note", "screening_override_reason"],
    site="participant__site",
)
personal_data(
    InitialConversation,
    subjects=["participant"],
    free_text=["notes"],
    site="participant__site",
)
personal_data(Withdrawal, subjects=["participant"], free_text=["reason"], site="participant__site")
personal_data(
    Screening,
    subjects=["participant"],
    free_text=["answers", "override_reason", "notes"],
    site="participant__site",
)
# Supervision: the sessions and what is said there are the site's, not one person's; a topic
# raised from a supporter's logbook, and the dilemma it became, are what that supporter wrote.
personal_data(Session, free_text=["place", "notes"], site="site")
personal_data(SessionInvitation, subjects=["participant"])
personal_data(
    SuggestedTopic,
    # Raised from the supporter's logbook (the support request): theirs, login or not.
    subjects=["supporter"],
    written_by=["suggested_by"],
    free_text=["text", "source_label"],
    site="site",
)
personal_data(
    Dilemma,
    subjects=["topic__supporter"],
    written_by=["topic__suggested_by"],
    free_text=["text"],
    site="session__site",
)
personal_data(FollowUpAction, free_text=["text", "responsible"], site="session__site")
personal_data(Course, free_text=["name", "trainer"], site="site")
personal_data(TrainingDay, free_text=["place"], site="course__site")
personal_data(CourseInvitation, subjects=["participant"])
personal_data(TrainingAttendance, subjects=["participant"])
# Imports: a file's name may name a person ("Referral Jens Hansen.xlsx"), so erasure searches it.
# The log keeps counts, never the rows. An uploaded file holds the rows of people who are not
# participants yet: it is deleted when its import is confirmed, or unconfirmed after
# ImportUpload.KEEP (24 hours), and is never in the audit trail.
personal_data(ImportLog, free_text=["file_name"], site="site")
personal_data(
    ImportUpload,
    free_text=["file_name"],
    other=["file_format", "default_kind", "default_channel"],
    site="site",
)
holds_none(ConsentText, "the wording of a site's consent, the same for everyone there")
holds_none(
    SiteSettings,
    "a site's quiet hours, SMS sender, texts and the programme's published contact details",
)
holds_none(Round, "a round's name and dates")
holds_none(InterestAttempt, "a keyed hash of a client address, for the public form's limit")


def participants_with_last_activity() -> QuerySet[Participant]:
    """Participants who left or finished the programme and are not erased yet, each with their
    last activity: the latest of the end of any pair, their withdrawal, their referral."""
    long_ago = Value(dt.date(1900, 1, 1))
    return (
        Participant.objects.filter(
            status__in=[Status.COMPLETED, Status.WITHDRAWN, Status.NOT_ELIGIBLE],
            erasure__isnull=True,
        )
        .annotate(
            last_activity=Greatest(
                Coalesce(Max("pairs_as_peer__ended_on"), long_ago),
                Coalesce(Max("pairs_as_supporter__ended_on"), long_ago),
                Coalesce(F("withdrawal__withdrawn_on"), long_ago),
                TruncDate("created_at"),
            )
        )
        .select_related("site")
        .order_by("pk")
    )


register_retention(participants_with_last_activity)
