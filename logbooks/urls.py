from django.urls import path

from . import report_views, views

app_name = "logbooks"

urlpatterns = [
    path("pairs/", views.pair_list, name="pair_list"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/pause/", views.pair_pause, name="pair_pause"),
    path("pairs/<int:pk>/resume/", views.pair_resume, name="pair_resume"),
    path("pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path("pairs/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("pairs/<int:pk>/meetings/add/", views.meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/outcome/", views.meeting_outcome, name="meeting_outcome"),
    path("meetings/<int:meeting_pk>/logbook/", views.logbook_edit, name="logbook_edit"),
    path("", views.logbook_list, name="logbook_list"),
    path("<int:pk>/", views.logbook_detail, name="logbook_detail"),
    path("<int:pk>/review/", views.logbook_review, name="logbook_review"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("reports/funder/", report_views.funder_report_view, name="funder_report"),
    path("what-we-record/", views.information_sheet, name="information_sheet"),
]
