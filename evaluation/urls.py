from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # the diabetes nurse
    path("nurse/", views.nurse_home, name="nurse_home"),
    path(
        "nurse/peers/<int:peer_id>/visits/<str:kind>/",
        views.nurse_visit_edit,
        name="nurse_visit_edit",
    ),
    path("nurse/visits/<int:pk>/", views.nurse_visit_detail, name="nurse_visit_detail"),
    # cases and their records
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/print/", views.case_print, name="case_print"),
    path("cases/<int:pk>/outcomes/", views.outcome_save, name="outcome_save"),
    path("cases/<int:pk>/contexts/", views.context_add, name="context_add"),
    path("cases/<int:pk>/mechanisms/", views.mechanism_add, name="mechanism_add"),
    path(
        "cases/<int:pk>/configurations/",
        views.case_configuration_add,
        name="case_configuration_add",
    ),
    path("evidence/<str:target>/<int:target_id>/", views.evidence_add, name="evidence_add"),
    path("records/<str:kind>/<int:pk>/delete/", views.record_delete, name="record_delete"),
    # programme theories
    path("theories/", views.theory_list, name="theory_list"),
    path("theories/<int:pk>/", views.theory_detail, name="theory_detail"),
    path(
        "theories/configurations/<int:pk>/",
        views.theory_configuration_edit,
        name="theory_configuration_edit",
    ),
    path(
        "theories/<int:pk>/configurations/",
        views.theory_configuration_add,
        name="theory_configuration_add",
    ),
    # interviews and observations
    path("interviews/", views.interview_list, name="interview_list"),
    path("interviews/new/", views.interview_create, name="interview_create"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/edit/", views.interview_edit, name="interview_edit"),
    path("observations/", views.observation_list, name="observation_list"),
    path("observations/new/", views.observation_create, name="observation_create"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path("logbooks/<int:pk>/", views.logbook_detail, name="logbook_detail"),
    # reports and exports
    path("reports/sample/", views.report_sample, name="report_sample"),
    path("reports/icamo/", views.report_icamo, name="report_icamo"),
    path("reports/pre-post/", views.report_prepost, name="report_prepost"),
    path("reports/mechanisms/", views.report_mechanisms, name="report_mechanisms"),
    path("reports/engagement/", views.report_engagement, name="report_engagement"),
    path("export/csv/", views.export_csv, name="export_csv"),
    path("export/qdpx/", views.export_qdpx, name="export_qdpx"),
]
