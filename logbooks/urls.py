from django.urls import path

from . import report_views, views

app_name = "logbooks"

urlpatterns = [
    path("pairs/", views.pair_list, name="pair_list"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/answer/", views.pair_answer, name="pair_answer"),
    path("pairs/<int:pk>/schedule/", views.pair_schedule, name="pair_schedule"),
    path("pairs/<int:pk>/meeting/", views.pair_meeting, name="pair_meeting"),
    path("pairs/<int:pk>/substitute/", views.pair_substitute, name="pair_substitute"),
    path("pairs/<int:pk>/pause/", views.pair_pause, name="pair_pause"),
    path("pairs/<int:pk>/resume/", views.pair_resume, name="pair_resume"),
    path("pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path("pairs/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    # The board's buttons: matching proposes, logbooks makes the pair.
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("runs/<int:pk>/accept/", views.run_accept_all, name="run_accept_all"),
    path("peers/<int:pk>/with/<int:supporter_pk>/pair/", views.pair_create, name="pair_create"),
    path("pairs/<int:pk>/meetings/add/", views.meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/outcome/", views.meeting_outcome, name="meeting_outcome"),
    path("meetings/<int:meeting_pk>/logbook/", views.logbook_edit, name="logbook_edit"),
    path("meetings/<int:meeting_pk>/paper/", views.logbook_paper, name="logbook_paper"),
    path("", views.logbook_list, name="logbook_list"),
    path("<int:pk>/", views.logbook_detail, name="logbook_detail"),
    path("<int:pk>/review/", views.logbook_review, name="logbook_review"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("reports/funder/", report_views.funder_report_view, name="funder_report"),
    path("what-we-record/", views.information_sheet, name="information_sheet"),
]
