"""Writes across models for recruitment, screening, consent, withdrawal, training and
supervision, one module per component. Every service is keyword-only, atomic and takes the
acting user as `by`. Callers import them from here (`from programme import services`).

Contract for other apps:
- `supervision_topic_suggest(site=, text=, by=, source=, meeting_number=)`: the logbooks app
  calls it when a logbook asks for support; the topic shows on the site's supervision sessions
  from the day it was raised.
- withdrawal ends the participant's open pairs through the reactions registered in
  `programme.registries` (logbooks ends the pairs).
"""

from .background import background_update
from .consent import consent_record, current_consents, latest_screening_result
from .imports import import_confirm, import_upload_store, import_uploads_expire
from .logins import login_refusal, participant_give_login
from .recruitment import (
    INTEREST_LIMIT,
    INTEREST_WINDOW,
    conversation_record,
    interest_attempt_claim,
    interest_submit,
    participant_create,
    screening_record,
)
from .site_settings import (
    consent_text_publish,
    site_sending,
    site_settings_ensure,
    site_settings_for,
    site_settings_update,
)
from .supervision import (
    action_complete,
    action_record,
    dilemma_record,
    session_attendance_record,
    session_cancel,
    session_create,
    session_invite,
    session_notes_update,
    session_series_create,
    session_update,
    supervision_topic_dismiss,
    supervision_topic_suggest,
    supervision_topic_take_up,
)
from .training import course_create, course_invite, training_attendance_record
from .withdrawal import participant_erase_personal_data, participant_withdraw

__all__ = [
    "background_update",
    "site_sending",
    "site_settings_ensure",
    "site_settings_for",
    "site_settings_update",
    "INTEREST_LIMIT",
    "INTEREST_WINDOW",
    "action_complete",
    "action_record",
    "consent_record",
    "consent_text_publish",
    "conversation_record",
    "course_create",
    "course_invite",
    "current_consents",
    "dilemma_record",
    "import_confirm",
    "import_upload_store",
    "import_uploads_expire",
    "interest_attempt_claim",
    "interest_submit",
    "latest_screening_result",
    "login_refusal",
    "participant_create",
    "participant_erase_personal_data",
    "participant_give_login",
    "participant_withdraw",
    "screening_record",
    "session_attendance_record",
    "session_cancel",
    "session_create",
    "session_invite",
    "session_notes_update",
    "session_series_create",
    "session_update",
    "supervision_topic_dismiss",
    "supervision_topic_suggest",
    "supervision_topic_take_up",
    "training_attendance_record",
]
