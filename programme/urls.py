from django.urls import path

from .views import (
    background,
    dashboards,
    imports,
    logins,
    public,
    recruitment,
    site_settings,
    supervision,
    training,
)

app_name = "programme"

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("supporter/", dashboards.supporter_home, name="supporter_home"),
    path("supervisor/", dashboards.supervisor_home, name="supervisor_home"),
    # Recruitment, screening, consent, withdrawal
    path("participants/", recruitment.participant_list, name="participant_list"),
    path("participants/new/", recruitment.participant_create, name="participant_create"),
    path("participants/<int:pk>/", recruitment.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", recruitment.participant_edit, name="participant_edit"),
    path(
        "participants/<int:pk>/login/", logins.participant_give_login, name="participant_give_login"
    ),
    path(
        "participants/<int:pk>/background/",
        background.background_edit,
        name="background_edit",
    ),
    path(
        "participants/<int:pk>/screen/", recruitment.participant_screen, name="participant_screen"
    ),
    path(
        "participants/<int:pk>/consent/",
        recruitment.participant_consent,
        name="participant_consent",
    ),
    path(
        "participants/<int:pk>/conversation/",
        recruitment.participant_conversation,
        name="participant_conversation",
    ),
    path(
        "participants/<int:pk>/withdraw/",
        recruitment.participant_withdraw,
        name="participant_withdraw",
    ),
    # Bulk import from a file, per site
    path("participants/import/", imports.import_start, name="participant_import_start"),
    path(
        "participants/import/template/",
        imports.import_template,
        name="participant_import_template",
    ),
    path("participants/import/<int:site>/", imports.import_page, name="participant_import"),
    path(
        "participants/import/<int:site>/preview/<str:ref>/",
        imports.import_preview,
        name="participant_import_preview",
    ),
    path(
        "participants/import/<int:site>/confirm/",
        imports.import_confirm,
        name="participant_import_confirm",
    ),
    path("funnel/", recruitment.funnel, name="funnel"),
    path("rounds/", recruitment.round_list, name="round_list"),
    # A site's settings and consent texts, for its own manager
    path("settings/", site_settings.site_settings_sites, name="site_settings_sites"),
    path("sites/<slug:slug>/settings/", site_settings.site_settings, name="site_settings"),
    path(
        "sites/<slug:slug>/consent-texts/",
        site_settings.consent_text_list,
        name="consent_text_list",
    ),
    # Training course
    path("courses/", training.course_list, name="course_list"),
    path("courses/new/", training.course_create, name="course_create"),
    path("courses/<int:pk>/", training.course_detail, name="course_detail"),
    path("courses/<int:pk>/invite/", training.course_invite, name="course_invite"),
    path("course-days/<int:pk>/attendance/", training.day_attendance, name="day_attendance"),
    path("training/waiting/", training.waiting_for_training, name="waiting_for_training"),
    # Supervision and network meetings
    path("sessions/", supervision.session_list, name="session_list"),
    path("sessions/new/", supervision.session_create, name="session_create"),
    path("sessions/series/", supervision.session_series, name="session_series"),
    path("sessions/<int:pk>/", supervision.session_detail, name="session_detail"),
    path("sessions/<int:pk>/notes/", supervision.session_notes, name="session_notes"),
    path("sessions/<int:pk>/cancel/", supervision.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/edit/", supervision.session_edit, name="session_edit"),
    path("sessions/<int:pk>/dilemma/", supervision.session_dilemma, name="session_dilemma"),
    path("sessions/<int:pk>/action/", supervision.session_action, name="session_action"),
    path(
        "sessions/<int:pk>/attendance/",
        supervision.session_attendance,
        name="session_attendance",
    ),
    path("sessions/<int:pk>/invite/", supervision.session_invite, name="session_invite"),
    path("actions/<int:pk>/done/", supervision.action_done, name="action_done"),
    path("topics/<int:pk>/take-up/", supervision.topic_take_up, name="topic_take_up"),
    path("topics/<int:pk>/dismiss/", supervision.topic_dismiss, name="topic_dismiss"),
    path("my-sessions/", supervision.my_sessions, name="my_sessions"),
    # The public interest form (no login)
    path("interest/", public.interest_sites, name="interest_sites"),
    path("interest/<slug:slug>/", public.interest, name="interest"),
    path("interest/<slug:slug>/thanks/", public.interest_thanks, name="interest_thanks"),
]
